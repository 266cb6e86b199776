"""The sample press kit: outline, page labels and contents point to the right pages; the bundle verifies."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

PARTS = [f"{kind} · {tongue}" for kind in ("Brochure", "Fact sheet")
         for tongue in ("Korean", "English", "Chinese (Simplified)", "Japanese", "Turkish")]


def kit(built: Path, profile: str) -> Path:
    return built / f"dist/{profile}/presskits/summit-2026-presskit.pdf"


def contents(reader: PdfReader) -> dict[str, int]:
    """Part title → page number as printed on the contents page."""
    text = reader.pages[1].extract_text()
    return {m[1]: int(m[2]) for m in re.finditer(r"^(.+?) (\d+)$", text, re.M) if m[1] in PARTS}


@pytest.mark.parametrize("profile", ["print", "screen"])
def test_outline_labels_and_contents_agree(built: Path, profile: str) -> None:
    reader = PdfReader(kit(built, profile))
    assert len(reader.pages) == 2 + 5 * 8 + 5
    printed = contents(reader)
    assert list(printed) == PARTS
    outline = reader.outline
    assert outline[0].title == "Contents" and reader.get_destination_page_number(outline[0]) == 1
    assert outline[1].title == "Sejong Special Self-Governing City"
    documents = [item for item in outline[2] if not isinstance(item, list)]
    assert [d.title for d in documents] == PARTS
    labels = reader.page_labels
    assert labels[:2] == ["i", "ii"]
    for document in documents:
        first = reader.get_destination_page_number(document)
        assert printed[document.title] == first + 1  # contents cite physical page numbers, cover = 1
        assert labels[first].endswith(" 1") and labels[first + 1 if first + 1 < len(labels) else first]
    sections = outline[2][1]  # the Korean brochure's own bookmarks, nested under it
    assert all("\u2060" not in s.title for s in sections if not isinstance(s, list))


def test_part_labels_match_printed_folios(built: Path) -> None:
    reader = PdfReader(kit(built, "screen"))
    labels = reader.page_labels
    assert labels[2:10] == [f"sejong-ko-brochure {n}" for n in range(1, 9)]
    assert labels[-1] == "sejong-tr-factsheet 1"


def test_screen_kit_stays_tagged_with_a_language_per_part_and_working_links(built: Path) -> None:
    with pikepdf.open(kit(built, "screen")) as pdf:
        tree = pdf.Root.StructTreeRoot
        parts = [e for e in tree.K.K if e.S == "/Part"]
        assert [str(p.Lang) for p in parts] == ["ko", "en-US", "zh-Hans", "ja", "tr"] * 2
        assert int(tree.ParentTreeNextKey) == len(tree.ParentTree.Nums) // 2
        page_of = {page.objgen: number for number, page in enumerate(pdf.pages)}
        targets = {str(a.Contents): page_of[a.Dest[0].objgen] for a in pdf.pages[1].Annots if "/Dest" in a}
        printed = contents(PdfReader(kit(built, "screen")))
        assert {title: page + 1 for title, page in targets.items()} == printed
        uris = {str(a.A.URI) for p in pdf.pages for a in p.obj.get("/Annots", []) if "/A" in a}
        assert "mailto:mandookong1@gmail.com" in uris
        with pdf.open_metadata() as meta:
            assert meta["pdfuaid:part"] == "1"


def test_print_kit_keeps_pdfx_output_intent_and_bleed(built: Path) -> None:
    with pikepdf.open(kit(built, "print")) as pdf:
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFX"
        assert pdf.pdf_version == "1.6"
        assert not any("/Annots" in p.obj for p in pdf.pages)
        assert all("/BleedBox" in p.obj and "/TrimBox" in p.obj for p in pdf.pages)
        # The parts' CMYK colour spaces share the output intent's profile: one 1 MB copy, not one per part.
        profile = pdf.Root.OutputIntents[0].DestOutputProfile.objgen
        spaces = [space for p in pdf.pages for space in p.obj.Resources.get("/ColorSpace", {}).values()
                  if isinstance(space, pikepdf.Array) and space[0] == "/ICCBased"]
        assert len(spaces) > 40 and {space[1].objgen for space in spaces} == {profile}
    subprocess.run(["qpdf", "--check", str(kit(built, "print"))], capture_output=True, check=True)


@pytest.mark.parametrize("profile", ["print", "screen"])
def test_bundle_checksums_thumbnails_and_index(built: Path, profile: str) -> None:
    archive = zipfile.ZipFile(built / f"dist/{profile}/presskits/summit-2026-bundle.zip")
    manifest = json.loads(archive.read("manifest.json"))
    assert len(manifest["documents"]) == 10
    index = archive.read("index.html").decode()
    for document in manifest["documents"]:
        data = archive.read(document["file"])
        assert hashlib.sha256(data).hexdigest() == document["sha256"]
        assert data == (built / "dist" / profile / "sejong" / document["file"].split("/")[1]).read_bytes()
        assert archive.read(document["thumbnail"]).startswith(b"\x89PNG")
        assert f'href="{document["file"]}"' in index and f'src="{document["thumbnail"]}"' in index
        assert len(PdfReader(io.BytesIO(data)).pages) == document["pages"]


def test_manifest_names_the_event_and_spans_languages(manifest: list[dict]) -> None:
    kits = [m for m in manifest if m["kind"] in ("presskit", "bundle")]
    assert len(kits) == 4
    assert all(m["event"] == "summit-2026" and m["government"] is None and m["language"] is None for m in kits)


def test_kit_and_bundle_rebuild_byte_identical(built: Path, manifest: list[dict], tmp_path: Path) -> None:
    from .conftest import copy_project, run
    again = copy_project(tmp_path / "again", built)
    import shutil
    shutil.copytree(built / "dist", again / "dist")
    result = run(again, "presskit", "summit-2026", "--profile", "screen")
    assert "0 built" in result.output  # nothing changed: nothing rebuilt
    (again / "dist/screen/presskits/summit-2026-presskit.pdf").unlink()
    (again / "dist/screen/presskits/summit-2026-bundle.zip").unlink()
    assert run(again, "presskit", "summit-2026", "--profile", "screen").exit_code == 0
    for item in manifest:
        if item["profile"] == "screen" and item["kind"] in ("presskit", "bundle"):
            assert hashlib.sha256((again / "dist" / item["path"]).read_bytes()).hexdigest() == item["sha256"]
