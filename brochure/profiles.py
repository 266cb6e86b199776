"""The output profiles (print, screen) and document kinds (brochure, fact sheet) as plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    #: WeasyPrint's pdf_variant.
    variant: str
    bleed_mm: float
    #: Colours as device-cmyk() (print) or sRGB (screen).
    cmyk: bool
    #: Whether <a href> becomes a link annotation (PDF/X forbids annotations on the page).
    links: bool
    #: Raster images are downsampled to this resolution (ppi at their placed size).
    image_ppi: int
    jpeg_quality: int


@dataclass(frozen=True)
class Kind:
    name: str
    layout: str
    #: A page count the document must have exactly (fact sheet), else None.
    pages: int | None
    #: Page counts must be a multiple of this (saddle stitching).
    multiple_of: int


PROFILES = {
    "print": Profile("print", "pdf/x-4", 3.0, cmyk=True, links=False, image_ppi=300, jpeg_quality=92),
    "screen": Profile("screen", "pdf/ua-1", 0.0, cmyk=False, links=True, image_ppi=150, jpeg_quality=80),
}
KINDS = {
    "brochure": Kind("brochure", "brochure.html", None, 4),
    "factsheet": Kind("factsheet", "factsheet.html", 1, 1),
}
