"""Illustrations drawn as inline SVG: theme icons, the partner map and the contact QR code."""

from __future__ import annotations

import functools
import json
import math
import re
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
    """Equirectangular map framed around the government and its partners, with arcs between them."""
    points = [(facts.location[1], facts.location[0])] + [(p.lon, p.lat) for p in facts.partners]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    pad_x, pad_y = 22.0, 9.0
    west, east = min(lons) - pad_x, max(lons) + pad_x
    north, south = max(lats) + pad_y, min(lats) - pad_y
    width, height = east - west, north - south
    if width / height > 2.2:  # keep a pleasant frame: grow the shorter side
        grow = (width / 2.2 - height) / 2
        north, south, height = north + grow, south - grow, width / 2.2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return round(lon + 180, 2), round(90 - lat, 2)

    x0, y0 = xy(west, north)
    land = "".join(_world(root))
    hx, hy = xy(*points[0])
    scale = width / 100
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.1f} {y0:.1f} {width:.1f} {height:.1f}" '
             f'role="img" aria-label="{escape(alt)}" font-family=\'{font}\'><title>{escape(alt)}</title>',
             f'<path d="{land}" fill="{colours["land"]}" stroke="{colours["paper"]}" stroke-width="{0.12 * scale:.3f}"/>']
    for partner, (lon, lat) in zip(partners, points[1:]):
        px, py = xy(lon, lat)
        lift = math.hypot(px - hx, py - hy) * 0.25
        parts.append(f'<path d="M{hx} {hy} Q{(hx + px) / 2:.2f} {min(hy, py) - lift:.2f} {px} {py}" fill="none" '
                     f'stroke="{colours["line"]}" stroke-width="{0.35 * scale:.3f}" stroke-dasharray="{scale:.2f} {0.8 * scale:.2f}"/>')
        parts.append(f'<circle cx="{px}" cy="{py}" r="{1.1 * scale:.2f}" fill="{colours["line"]}"/>')
        parts.append(_label(partner["name"], px, py, scale, colours["ink"], side=-1 if px > hx else 1))
    parts.append(f'<circle cx="{hx}" cy="{hy}" r="{1.8 * scale:.2f}" fill="{colours["home"]}" '
                 f'stroke="{colours["paper"]}" stroke-width="{0.5 * scale:.2f}"/>')
    parts.append(_label(home, hx, hy, scale, colours["ink"], bold=True, side=0))
    parts.append("</svg>")
    return Markup("".join(parts))


def _label(text: str, x: float, y: float, scale: float, colour: str, bold: bool = False, side: int = 1) -> str:
    """A label above the dot (side 0), or beside it: to its right (1) or its left (-1)."""
    weight = ' font-weight="700"' if bold else ""
    if side == 0:
        x_text, y_text, anchor = x, y - 3.0 * scale, "middle"
    else:
        x_text, y_text, anchor = x + side * 2.2 * scale, y + 3.2 * scale, "start" if side > 0 else "end"
    return (f'<text x="{x_text:.2f}" y="{y_text:.2f}" font-size="{2.5 * scale:.2f}" text-anchor="{anchor}" '
            f'fill="{colour}"{weight}>{escape(text)}</text>')
