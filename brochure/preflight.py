"""Stage 4: check a written PDF against its profile, on the PDF itself rather than the HTML."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pikepdf

from .errors import Location, Problem
from .languages import LANGUAGES
from .profiles import KINDS
from .typeset import HANGUL

MM = 72 / 25.4
ALLOWED_FACES = {face for language in LANGUAGES.values() for face in (language.face, language.face + "-Bold")}
RGB_OPERATOR = re.compile(rb"(?:^|\s)(?:[\d.]+\s+){3}(rg|RG)(?=\s)")
CMYK_OPERATOR = re.compile(rb"(?:^|\s)([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(k|K|scn|SCN)(?=\s)")
MAX_INK = 3.0
SAFE_MM = 5.0


@dataclass(frozen=True)
class Target:
    """What a PDF is meant to be: enough for preflight to judge it without the content."""

    path: str
    kind: str
    profile: str
    language: str | None
    page_mm: tuple[float, float]
    budget: int | None
    #: The document's text with its word spaces (Korean only): where a word may end.
    text: str = ""
    #: Raster images the content places, (path, width, height) in pixels: to name them in findings.
    images: tuple[tuple[str, int, int], ...] = ()


def check_pdf(data: bytes, target: Target) -> list[Problem]:
    """Every finding, as `dist/<file>: page N: message`."""
    findings: list[Problem] = []

    def add(message: str, page: int = 0) -> None:
        findings.append(Problem(Location(target.path), f"page {page}: {message}" if page else message))

    with pikepdf.open(io.BytesIO(data)) as pdf:
        _pages(pdf, target, add)
        _fonts(pdf, target, add)
        if target.profile == "print":
            _print(pdf, target, add)
        else:
            _screen(pdf, data, target, add)
    _images(data, target, add)
    if target.profile == "print":
        _safe_zone(data, add)
    if target.language == "ko" and target.text:
        for page, word in korean_breaks(data, target.text):
            add(f"line breaks inside the Korean word '{word}'", page)
    return findings


def _pages(pdf: pikepdf.Pdf, target: Target, add) -> None:  # type: ignore[no-untyped-def]
    kind = KINDS.get(target.kind)
    count = len(pdf.pages)
    if kind and kind.pages is not None and count != kind.pages:
        add(f"{count} pages; a {target.kind} has exactly {kind.pages}")
    if kind and count % kind.multiple_of:
        add(f"{count} pages is not a multiple of {kind.multiple_of} (saddle stitching)")
    width, height = target.page_mm
    for number, page in enumerate(pdf.pages, start=1):
        trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
        size = ((trim[2] - trim[0]) / MM, (trim[3] - trim[1]) / MM)
        if abs(size[0] - width) > 0.5 or abs(size[1] - height) > 0.5:
            add(f"trim size {size[0]:.1f} × {size[1]:.1f} mm, expected {width:g} × {height:g} mm", number)
        if target.profile == "print":
            bleed = [float(v) for v in page.obj.get("/BleedBox", trim)]
            media = [float(v) for v in page.obj.MediaBox]
            if abs((trim[0] - bleed[0]) / MM - 3) > 0.2 or abs((bleed[2] - trim[2]) / MM - 3) > 0.2:
                add("BleedBox is not the trim plus 3 mm", number)
            if media[0] > bleed[0] or media[2] < bleed[2]:
                add("MediaBox does not contain the BleedBox", number)
            if "/Annots" in page.obj and len(page.obj.Annots):
                add(f"{len(page.obj.Annots)} annotation(s) on a print page (PDF/X forbids them); "
                    "links belong to the screen profile", number)


def _fonts(pdf: pikepdf.Pdf, target: Target, add) -> None:  # type: ignore[no-untyped-def]
    names = set()
    for number, page in enumerate(pdf.pages, start=1):
        for font in _page_fonts(page):
            name = str(font.get("/BaseFont", "")).lstrip("/")
            names.add(name)
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font.DescendantFonts[0].get("/FontDescriptor")
            embedded = descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            if not embedded:
                add(f"font {name} is not embedded", number)
            if not re.match(r"[A-Z]{6}\+", name):
                add(f"font {name} is not subset", number)
            face = name.split("+", 1)[-1]
            if face not in ALLOWED_FACES:
                add(f"font {face} is not one of the project's fonts (system fallback?)", number)
    if target.language and target.language in LANGUAGES:
        face = LANGUAGES[target.language].face
        if not any(name.split("+", 1)[-1] in (face, face + "-Bold") for name in names):
            add(f"no {face} font embedded: {target.language} text is not set in its own face")


def _page_fonts(page: pikepdf.Page):  # type: ignore[no-untyped-def]
    seen = set()
    stack: list[Any] = [page.obj.get("/Resources", {})]
    while stack:
        resources = stack.pop()
        for font in (resources.get("/Font") or {}).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                yield font
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                stack.append(xobject.Resources)


def _print(pdf: pikepdf.Pdf, target: Target, add) -> None:  # type: ignore[no-untyped-def]
    intents: Any = pdf.Root.get("/OutputIntents") or []
    if not any(str(i.get("/S")) == "/GTS_PDFX" and "/DestOutputProfile" in i for i in intents):
        add("no PDF/X output intent with a CMYK profile")
    if str(pdf.pdf_version) != "1.6":
        add(f"PDF version {pdf.pdf_version}, PDF/X-4 needs 1.6")
    info: Any = pdf.trailer.get("/Info", {})
    if str(info.get("/Trapped", "")) != "/False":
        add("/Trapped is not /False")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            subtype = obj.get("/Subtype")
            if subtype == "/Image":
                if obj.get("/ColorSpace") == "/DeviceRGB":
                    add("an image is in DeviceRGB; print images must be CMYK")
                continue
            if subtype in ("/XML", "/Type1C", "/CIDFontType0C", "/OpenType") or "/Length1" in obj or "/N" in obj:
                continue
            try:
                content = obj.read_bytes()
            except pikepdf.PdfError:
                continue
            if RGB_OPERATOR.search(content):
                add("DeviceRGB colour in a content stream; every print colour must be device-cmyk()")
            for match in CMYK_OPERATOR.finditer(content):
                ink = sum(float(match.group(i)) for i in range(1, 5))
                if ink > MAX_INK + 1e-6:
                    add(f"total ink {ink * 100:.0f}% exceeds {MAX_INK * 100:.0f}%")
        elif isinstance(obj, pikepdf.Array) and len(obj) == 2 and obj[0] == "/ICCBased" and obj[1].get("/N") == 3:
            add("an ICCBased RGB colour space in a print file")
    if "/DeviceRGB" in str(pdf.Root.get("/Pages")):
        add("DeviceRGB named in the page tree")


def _screen(pdf: pikepdf.Pdf, data: bytes, target: Target, add) -> None:  # type: ignore[no-untyped-def]
    root = pdf.Root
    if "/StructTreeRoot" not in root:
        add("not tagged: no structure tree (PDF/UA)")
    if not str(root.get("/Lang", "")):
        add("no document language (/Lang)")
    preferences: Any = root.get("/ViewerPreferences", {})
    if not bool(preferences.get("/DisplayDocTitle", False)):
        add("the viewer does not show the document title (DisplayDocTitle)")
    with pdf.open_metadata() as meta:
        if not meta.get("dc:title"):
            add("no dc:title in the XMP metadata")
        if target.kind in KINDS and meta.get("pdfuaid:part") != "1":
            add("no PDF/UA identification (pdfuaid:part 1)")
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Link" and not str(annot.get("/Contents", "")):
                add("a link without /Contents (its text for assistive technology)", number)
    if "/StructTreeRoot" in root:
        for element in _structure(root.StructTreeRoot):
            if element.get("/S") == "/Figure" and not str(element.get("/Alt", "")):
                add("a figure without alternative text")
    if target.budget and len(data) > target.budget:
        add(f"{len(data) // 1024} KB exceeds the e-mail budget of {target.budget // 1024} KB; "
            f"largest parts: {largest_parts(pdf)}")


def _structure(node):  # type: ignore[no-untyped-def]
    stack = [node]
    seen = set()
    while stack:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary) or item.objgen in seen and item.objgen != (0, 0):
            continue
        seen.add(item.objgen)
        yield item
        kids = item.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)


def largest_parts(pdf: pikepdf.Pdf) -> str:
    """The biggest embedded fonts and images, for an over-budget message."""
    font_names = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in obj:
                    font_names[obj[key].objgen] = str(obj.FontName).lstrip("/").split("+")[-1]
    parts = []
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == "/Image":
            parts.append((len(obj.read_raw_bytes()), f"image {obj.get('/Width')}×{obj.get('/Height')}"))
        elif obj.objgen in font_names:
            parts.append((len(obj.read_raw_bytes()), f"font {font_names[obj.objgen]}"))
    return ", ".join(f"{label} {size // 1024} KB" for size, label in sorted(parts, reverse=True)[:3])


def _images(data: bytes, target: Target, add) -> None:  # type: ignore[no-untyped-def]
    if target.profile != "print":
        return
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    document = pdfium.PdfDocument(data)
    for number in range(len(document)):
        page = document[number]
        for image in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
            meta = image.get_metadata()
            ppi = min(meta.horizontal_dpi, meta.vertical_dpi)
            names = [path for path, width, height in target.images if (width, height) == (meta.width, meta.height)]
            what = f"image {names[0]} ({meta.width}×{meta.height} px)" if names else f"image of {meta.width}×{meta.height} px"
            if ppi < 150:
                add(f"{what} placed at {ppi:.0f} ppi; print needs 300 (below 150 is an error)", number + 1)
            elif ppi < 300 - 1:
                add(f"warning: {what} placed at {ppi:.0f} ppi; 300 is recommended", number + 1)


def _safe_zone(data: bytes, add) -> None:  # type: ignore[no-untyped-def]
    """Text must stay 5 mm inside the trim, where cutting tolerances cannot touch it."""
    import pypdfium2 as pdfium
    margin = SAFE_MM * MM
    with pikepdf.open(io.BytesIO(data)) as pdf:
        trims = [[float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)] for page in pdf.pages]
    document = pdfium.PdfDocument(data)
    for number, trim in enumerate(trims):
        text = document[number].get_textpage()
        for index in range(text.count_rects()):  # one rectangle per run of text: far fewer than characters
            left, bottom, right, top = text.get_rect(index)
            if right <= left:
                continue
            if left < trim[0] + margin or right > trim[2] - margin or bottom < trim[1] + margin or top > trim[3] - margin:
                words = text.get_text_bounded(left, bottom, right, top).strip()[:12]
                add(f"text '{words}' lies within {SAFE_MM:g} mm of the trim", number + 1)
                break


def korean_breaks(data: bytes, source: str) -> list[tuple[int, str]]:
    """(page, word) for every line break inside a Korean word, from glyph positions in the PDF.

    A PDF keeps no space where a line ended, so each break between two Hangul syllables is
    judged against the source text: the fragments around it must be separated by a space there.
    """
    import pypdfium2 as pdfium
    spaced = " ".join(source.replace("\u2060", "").split())
    solid = spaced.replace(" ", "")
    found = []
    document = pdfium.PdfDocument(data)
    for number in range(len(document)):
        page = document[number].get_textpage()
        chars = [(page.get_text_range(i, 1), page.get_charbox(i)) for i in range(page.count_chars())]
        chars = [(c, box) for c, box in chars if c not in ("\u2060", "\ufeff", "\u200b", "\r", "\n", "\x02")]
        for index in range(1, len(chars)):
            (a, box_a), (b, box_b) = chars[index - 1], chars[index]
            if not (re.match(f"[{HANGUL}]", a) and re.match(f"[{HANGUL}]", b)):
                continue
            if not (box_b[1] < box_a[1] - (box_a[3] - box_a[1]) * 0.6 and box_b[0] < box_a[0]):
                continue
            left = _run(chars, index - 1, -1)
            right = _run(chars, index, 1)
            if left + " " + right not in spaced and left + right in solid:
                found.append((number + 1, left + right))
    return found


def _run(chars: list[tuple[str, tuple[float, ...]]], start: int, step: int) -> str:
    """The non-space characters on one line from `start` outwards (at most 8)."""
    out: list[str] = []
    index = start
    while 0 <= index < len(chars) and len(out) < 8 and not chars[index][0].isspace():
        out.append(chars[index][0])
        if 0 <= index + step < len(chars) and abs(chars[index + step][1][1] - chars[index][1][1]) > 2:
            break
        index += step
    return "".join(out if step > 0 else reversed(out))
