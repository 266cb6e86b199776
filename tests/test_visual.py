"""Visual regression: pages rendered to PNG are compared with committed references.

After an intended layout change, regenerate them with
`python3 -m pytest tests/test_visual.py --update-references` and look at the new PNGs before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

REFERENCES = Path(__file__).parent / "references"
#: (document, page): every kind of page, in every language.
PAGES = [(f"screen/sejong/sejong-{kind}-{tag}.pdf", page)
         for tag in ("en", "ko", "zh-Hans", "ja", "tr")
         for kind, pages in (("brochure", (1, 2, 3, 7, 8)), ("factsheet", (1,)))
         for page in pages]
#: Mean absolute difference per channel (0–255) a page may drift before the test fails.
TOLERANCE = 1.0


def render(path: Path, page: int) -> Image.Image:
    import pypdfium2 as pdfium
    return pdfium.PdfDocument(path)[page - 1].render(scale=0.5).to_pil().convert("RGB")


@pytest.mark.parametrize(("document", "page"), PAGES, ids=[f"{d.rsplit('/', 1)[1][:-4]}-p{p}" for d, p in PAGES])
def test_page_matches_its_reference(built: Path, document: str, page: int, request: pytest.FixtureRequest) -> None:
    image = render(built / "dist" / document, page)
    reference = REFERENCES / f"{document.rsplit('/', 1)[1][:-4]}-p{page}.png"
    if request.config.getoption("--update-references"):
        REFERENCES.mkdir(exist_ok=True)
        image.save(reference, optimize=True)
        return
    assert reference.is_file(), f"no reference {reference.name}; run with --update-references"
    expected = Image.open(reference).convert("RGB")
    assert expected.size == image.size
    drift = sum(ImageStat.Stat(ImageChops.difference(image, expected)).mean) / 3
    assert drift <= TOLERANCE, f"{reference.name} drifted by {drift:.2f}; if intended, run with --update-references"
