"""Illustrations drawn as inline SVG: theme icons, the partner map and the contact QR code."""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from pathlib import Path
from typing import Any

import segno
from markupsafe import Markup, escape

from .model import Facts


def icon_svg(root: Path, icon: str, alt: str, colour: str) -> Markup:
    """An icon from assets/icons, coloured explicitly (WeasyPrint's SVG ignores CSS currentColor)."""
    svg = (root / "assets" / "icons" / f"{icon}.svg").read_text(encoding="utf-8")
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S).replace("currentColor", colour)
    return Markup(svg.replace(">", f' role="img" aria-label="{escape(alt)}"><title>{escape(alt)}</title>', 1))


def qr_svg(data: str, alt: str, colour: str) -> Markup:
    """A QR code as one SVG path in the given colour, one unit per module, quiet zone included."""
    code = segno.make(data, error="m")
    rows = [list(row) for row in code.matrix]
    quiet = 2
    path = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                path.append(f"M{start + quiet} {y + quiet}h{x - start}v1h{start - x}z")
            x += 1
    size = len(rows) + 2 * quiet
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
                  f'aria-label="{escape(alt)}" shape-rendering="crispEdges"><title>{escape(alt)}</title>'
                  f'<path fill="{colour}" d="{"".join(path)}"/></svg>')


@functools.lru_cache(maxsize=2)
def _world(root: Path) -> list[str]:
    data: dict[str, Any] = json.loads((root / "assets" / "map" / "world.json").read_text(encoding="utf-8"))
    return list(data["paths"])


def map_svg(root: Path, facts: Facts, partners: list[dict[str, str]], alt: str, home: str,
            colours: dict[str, str], font: str) -> Markup:
    """Equirectangular map around the government and its partners, with arcs between them; the frame
    grows to hold every label."""
    points = [(facts.location[1], facts.location[0])] + [(p.lon, p.lat) for p in facts.partners]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    west, east = min(lons) - 14.0, max(lons) + 14.0
    north, south = max(lats) + 9.0, min(lats) - 9.0
    width, height = east - west, north - south
    if width / height > 2.2:  # keep a pleasant frame: grow the shorter side
        grow = (width / 2.2 - height) / 2
        north, south, height = north + grow, south - grow, width / 2.2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return round(lon + 180, 2), round(90 - lat, 2)

    x0, y0 = xy(west, north)
    scale = width / 100
    size = 2.5 * scale
    spots = [xy(lon, lat) for lon, lat in points]
    labels = place_labels([(name, x, y) for name, (x, y) in zip([home, *(p["name"] for p in partners)], spots)], size)
    left = min([x0, *(box[0] for *_, box in labels)]) - scale
    right = max([x0 + width, *(box[2] for *_, box in labels)]) + scale
    (hx, hy), land = spots[0], "".join(_world(root))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.1f} {y0:.1f} {right - left:.1f} {height:.1f}" '
             f'role="img" aria-label="{escape(alt)}" font-family=\'{font}\'><title>{escape(alt)}</title>',
             f'<path d="{land}" fill="{colours["land"]}" stroke="{colours["paper"]}" stroke-width="{0.12 * scale:.3f}"/>']
    for px, py in spots[1:]:
        lift = math.hypot(px - hx, py - hy) * 0.25
        parts.append(f'<path d="M{hx} {hy} Q{(hx + px) / 2:.2f} {min(hy, py) - lift:.2f} {px} {py}" fill="none" '
                     f'stroke="{colours["line"]}" stroke-width="{0.35 * scale:.3f}" stroke-dasharray="{scale:.2f} {0.8 * scale:.2f}"/>')
        parts.append(f'<circle cx="{px}" cy="{py}" r="{1.1 * scale:.2f}" fill="{colours["line"]}"/>')
    parts.append(f'<circle cx="{hx}" cy="{hy}" r="{1.8 * scale:.2f}" fill="{colours["home"]}" '
                 f'stroke="{colours["paper"]}" stroke-width="{0.5 * scale:.2f}"/>')
    for text, x, y, anchor, box in labels:
        weight = ' font-weight="700"' if text == home else ""
        parts.append(f'<rect x="{box[0] - 0.3 * scale:.2f}" y="{box[1]:.2f}" width="{box[2] - box[0] + 0.6 * scale:.2f}" '
                     f'height="{box[3] - box[1]:.2f}" fill="{colours["paper"]}" fill-opacity="0.8"/>')
        parts.append(f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size:.2f}" text-anchor="{anchor}" '
                     f'fill="{colours["ink"]}"{weight}>{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


Box = tuple[float, float, float, float]


def place_labels(labels: list[tuple[str, float, float]], size: float) -> list[tuple[str, float, float, str, Box]]:
    """Put each label around its dot (above, beside, below, or leaning left), wherever it covers the least
    of the dots and of the labels already placed; the first label (home) is placed first."""
    dot = 0.5 * size
    placed: list[Box] = [(x - dot, y - dot, x + dot, y + dot) for _, x, y in labels]
    result = []
    for text, x, y in labels:
        width = sum(size if unicodedata.east_asian_width(c) in "WF" else 0.56 * size for c in text)
        gap = 0.9 * size
        spots = [("middle", x, y - gap), ("start", x + gap, y + 0.35 * size), ("end", x - gap, y + 0.35 * size),
                 ("middle", x, y + gap + 0.8 * size), ("end", x, y + gap + 0.8 * size), ("end", x, y - gap)]
        scored = []
        for anchor, tx, ty in spots:
            left = tx - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
            box = (left, ty - 0.85 * size, left + width, ty + 0.2 * size)
            scored.append((sum(_overlap(box, other) for other in placed), box, anchor, tx, ty))
        _, box, anchor, tx, ty = min(scored, key=lambda item: item[0])
        placed.append(box)
        result.append((text, tx, ty, anchor, box))
    return result


def _overlap(a: Box, b: Box) -> float:
    """Area shared by two boxes (left, top, right, bottom)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
