"""Stage 3: HTML → PDF with WeasyPrint, in a long-lived Renderer; its warnings become errors."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BrochureError, Location, Problem
from .plan import Output
from .profiles import KINDS, PROFILES
from .uptodate import is_recent, signature

#: WeasyPrint messages that mean a wrong document, not just a remark.
FATAL_LOGS = (".notdef glyph", "Failed to load", "Ignored", "cannot be loaded", "Unknown", "Invalid", "Error")
MM = 72 / 25.4


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def fontconfig_file(root: Path) -> Path:
    """A fontconfig setup that sees only the project's fonts, so every machine renders alike."""
    folder = root / ".brochure"
    folder.mkdir(exist_ok=True)
    path = folder / "fonts.conf"
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            f"  <dir>{root / 'fonts'}</dir>\n  <cachedir>{folder / 'fontconfig-cache'}</cachedir>\n</fontconfig>\n")
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


class Renderer:
    """Imports WeasyPrint and parses the stylesheets once per process; renders many documents."""

    def __init__(self, root: Path, icc_profile: Path):
        os.environ["FONTCONFIG_FILE"] = str(fontconfig_file(root))
        from .hyphenation import register_turkish
        register_turkish(root / ".brochure")
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        from .fetcher import ProjectFetcher
        self.weasyprint = weasyprint
        self.root = root
        self.fetcher = ProjectFetcher(root, icc_profile.read_bytes())
        self.font_config = FontConfiguration()
        self.stylesheets: dict[tuple[Any, ...], Any] = {}

    def stylesheet(self, name: str) -> Any:
        """The parsed layout stylesheet, parsed again when its file changes (`brochure watch` keeps workers)."""
        path = self.root / "layouts" / name
        state = signature(path)
        key = (name, *state)
        if key in self.stylesheets:
            return self.stylesheets[key]
        with self._captured(f"layouts/{name}"):
            sheet = self.weasyprint.CSS(filename=str(path), url_fetcher=self.fetcher, font_config=self.font_config)
        if not is_recent({name: state}):  # a file saved a moment ago may change again unseen
            self.stylesheets[key] = sheet
        return sheet

    @contextmanager
    def _captured(self, where: str) -> Iterator[_Capture]:
        """Collect WeasyPrint's log for one step; fatal messages and refused fetches become problems."""
        from weasyprint.urls import FatalURLFetchingError
        handler = _Capture()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        try:
            yield handler
        except FatalURLFetchingError as error:
            raise BrochureError([Problem(Location(where), str(error))]) from None
        finally:
            logger.removeHandler(handler)
        fatal = [m for m in handler.records if m.startswith(FATAL_LOGS) or "glyph" in m]
        if fatal:
            raise BrochureError([Problem(Location(where), _explain(m)) for m in fatal])

    def render(self, html: str, job: Output, stylesheets: tuple[str, ...], date: str, seed: str,
               crop_marks: bool) -> Rendered:
        """Lay out and write one document; a fact sheet that overflows is an error saying by how much."""
        timings: dict[str, float] = {}
        profile = PROFILES[job.profile]
        where = f"dist/{job.name}"
        start = time.perf_counter()
        sheets = [self.stylesheet(name) for name in stylesheets]
        with self._captured(where) as log:
            document = self.weasyprint.HTML(string=html, base_url=str(self.root / "layouts") + "/",
                                            url_fetcher=self.fetcher).render(
                font_config=self.font_config, stylesheets=sheets)
            timings["layout"] = time.perf_counter() - start
            pages = len(document.pages)
            _check_page_count(document, job, where)
            _check_collisions(document, where)
            document.metadata.created = document.metadata.modified = date
            start = time.perf_counter()
            # Uncompressed: WeasyPrint's writer compresses at zlib level 9, several times slower than
            # finish_pdf's level 6 for a file 1% larger (the 1 MB output-intent profile dominates).
            identifier = hashlib.sha256(seed.encode()).hexdigest()[:32].encode()  # WeasyPrint's default is random
            data = document.write_pdf(pdf_variant=profile.variant, pdf_identifier=identifier, dpi=profile.image_ppi,
                                      jpeg_quality=profile.jpeg_quality, optimize_images=True,
                                      custom_metadata=True, uncompressed_pdf=True)
            timings["write"] = time.perf_counter() - start
        start = time.perf_counter()
        data = finish_pdf(_stable_document_id(data, seed), job.profile == "print" and crop_marks)
        timings["finish"] = time.perf_counter() - start
        return Rendered(data, pages, timings, list(log.records))


def _explain(message: str) -> str:
    glyph = re.search(r'unsupported by fonts: "(.*)" \(U\+([0-9A-F]+)\)', message)
    if glyph:
        return f"no font can draw U+{glyph[2]} '{glyph[1]}'; remove the character or add a font that has it"
    return message


def _check_page_count(document: Any, job: Output, where: str) -> None:
    kind = KINDS.get(job.kind)
    if kind is None:
        return
    pages = len(document.pages)
    if kind.pages is not None and pages != kind.pages:
        overflow = _overflow_mm(document.pages[kind.pages:])
        raise BrochureError([Problem(Location(where), f"{job.kind} overflows its {kind.pages} page by {overflow:.0f} mm "
                                                      f"({pages} pages); shorten the texts or the lists")])
    if pages % kind.multiple_of:
        raise BrochureError([Problem(Location(where), f"{pages} pages is not a multiple of {kind.multiple_of} "
                                                      "(saddle stitching); a section overflows its planned page")])


def _check_collisions(document: Any, where: str) -> None:
    """Blocks pinned to the page (position: absolute) must not cover flowing text: that text overflows."""
    from weasyprint.formatting_structure.boxes import LineBox
    problems = []
    for number, page in enumerate(document.pages, start=1):
        everything = list(page._page_box.descendants())
        pinned = [box for box in everything if box.style["position"] == "absolute" and box.element_tag != "svg"]
        inside = {id(child) for box in pinned for child in box.descendants()}
        lines = [box for box in everything if isinstance(box, LineBox) and id(box) not in inside and box.width]
        for box in pinned:
            top, left, right = box.border_box_y(), box.border_box_x(), box.border_box_x() + box.border_width()
            hidden = [line.position_y + line.height - top for line in lines
                      if line.position_y + line.height > top + 1 and line.position_y < top + box.border_height()
                      and line.position_x < right and line.position_x + line.width > left]
            if hidden:
                problems.append(Problem(Location(where), f"page {number}: text runs {max(hidden) * 0.75 / MM:.0f} mm into "
                                                         f"the '{' '.join(box.element.get('class', '').split()[:1]) or box.element_tag}' "
                                                         "block; shorten the texts"))
    if problems:
        raise BrochureError(problems)


def _overflow_mm(pages: list[Any]) -> float:
    """Height of the content that spilled onto extra pages."""
    total = 0.0
    for page in pages:
        bottom = 0.0
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if getattr(box, "element_tag", None) in ("html", "body", None) or box is page._page_box:
                stack.extend(getattr(box, "children", []))
                continue
            bottom = max(bottom, box.position_y + box.margin_height())
        top = page._page_box.content_box_y() if hasattr(page._page_box, "content_box_y") else 0
        total += max(0.0, bottom - top)
    return total * 0.75 / MM


def _stable_document_id(data: bytes, seed: str) -> bytes:
    """Replace WeasyPrint's random XMP DocumentID with one derived from the inputs (same length)."""
    stable = str(uuid.UUID(hashlib.sha256(seed.encode()).hexdigest()[:32])).encode()
    return re.sub(rb"xmp\.did:[0-9a-f-]{36}", b"xmp.did:" + stable, data)


def finish_pdf(data: bytes, crop_marks: bool) -> bytes:
    """What WeasyPrint cannot do: crop marks outside the bleed, bookmarks without the word joiners;
    then compress, with a deterministic file identifier (the XMP metadata stays uncompressed)."""
    import pikepdf
    pikepdf.settings.set_flate_compression_level(6)
    pdf = pikepdf.open(io.BytesIO(data))
    if crop_marks:
        add_crop_marks(pdf)
    with pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            item.title = item.title.replace("\u2060", "")
            stack.extend(item.children)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def add_crop_marks(pdf: Any, offset_mm: float = 3.0, length_mm: float = 5.0) -> None:
    """Crop marks in K outside the bleed: the MediaBox grows, TrimBox and BleedBox stay."""
    import pikepdf
    margin = (offset_mm + length_mm + 1) * MM
    for page in pdf.pages:
        trim = [float(v) for v in page.obj.TrimBox]
        bleed = [float(v) for v in page.obj.BleedBox]
        media = [bleed[0] - margin, bleed[1] - margin, bleed[2] + margin, bleed[3] + margin]
        gap = trim[0] - bleed[0] + offset_mm * MM
        x0, y0, x1, y1 = trim
        lines = []
        for x in (x0, x1):
            for y, direction in ((y0, -1), (y1, 1)):
                lines.append((x, y + direction * gap, x, y + direction * (gap + length_mm * MM)))
        for y in (y0, y1):
            for x, direction in ((x0, -1), (x1, 1)):
                lines.append((x + direction * gap, y, x + direction * (gap + length_mm * MM), y))
        ops = "q 0 0 0 1 K 0.25 w " + " ".join(f"{a:.2f} {b:.2f} m {c:.2f} {d:.2f} l S" for a, b, c, d in lines) + " Q"
        page.obj.MediaBox = pikepdf.Array(media)
        page.contents_add(pdf.make_stream(ops.encode()), prepend=False)
