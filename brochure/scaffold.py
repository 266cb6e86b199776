"""`brochure new`: a new government that builds at once, every page marked as a draft until filled in."""

from __future__ import annotations

import re
from pathlib import Path

from .config import CONFIG_FILE, Config
from .errors import BrochureError, Location, Problem, UsageProblem
from .manifest import write_atomic

FACTS = """\
# Facts about {name}: language-neutral, written once; texts refer to figures as {{figure_id}}.
# Every field is required unless marked optional. Replace each placeholder in double brackets and each example value.

# Official website (https:// only); shown on the back cover and in the screen PDFs as a link.
website: https://example.org
# Date of this edition (YYYY-MM-DD); written into the PDFs as their creation date.
updated: 2026-01-01
# Where the government sits, in decimal degrees: the home point of the partner map.
location: {{lat: 36.5, lon: 127.5}}

# Brand colours, each defined once: CMYK percentages for print (total ink at most 300%)
# and the sRGB equivalent for screen. primary = covers and headings, accent = numbers and
# rules, tint = light panels (keep it light: black text sits on it).
colours:
  primary: {{cmyk: [100, 60, 0, 20], rgb: "#1f4e8c"}}
  accent: {{cmyk: [0, 40, 100, 0], rgb: "#f5a623"}}
  tint: {{cmyk: [8, 3, 0, 0], rgb: "#ebf1f9"}}

# Figures: kind is count, percent (a fraction: 0.236 for 23.6%), money (whole units, with a
# currency code), month (YYYY-MM) or year. Each language formats them with its own conventions.
figures:
  founded: {{kind: month, value: 2000-01}}
  population: {{kind: count, value: 100000}}
  budget: {{kind: money, value: 1000000000, currency: KRW}}

# Figures shown as large numerals on the cover pages and the fact sheet, in this order.
key_figures: [founded, population, budget]

# The numbered themes (3 to 6), in order. id names the text section `## Title {{#id}}`;
# icon is a file in assets/icons/ (without .svg); figure (optional) is highlighted beside the text.
themes:
  - {{id: theme-1, icon: generic, figure: population}}
  - {{id: theme-2, icon: generic}}
  - {{id: theme-3, icon: generic, figure: budget}}

# Partner regions and cities: id (used by the texts), two-letter country code, coordinates.
partners:
  - {{id: partner-1, country: JP, lat: 35.68, lon: 139.69}}

# The person to contact; the organisation and role are written per language in the texts.
contact:
  name: "[[TODO contact person]]"
  email: contact@example.org
"""

TEXT = """\
---
# Short strings of the {language} edition. Replace every placeholder in double brackets; {{figure_id}} inserts a figure.
name: "[[TODO official name of the government]]"
short_name: "[[TODO short name]]"
tagline: "[[TODO one-line tagline]]"
series: "[[TODO series title]]"
byline: "[[TODO byline]]"
summary: "[[TODO two sentences for the fact sheet]] Founded {{founded}}."
figures:
  founded: "[[TODO label for the founding date]]"
  population: "[[TODO label for the population]]"
  budget: "[[TODO label for the budget]]"
themes:
  theme-1: {{summary: "[[TODO summary of theme 1]]", quote: "[[TODO pull quote]]"}}
  theme-2: {{summary: "[[TODO summary of theme 2]]", quote: "[[TODO pull quote]]"}}
  theme-3: {{summary: "[[TODO summary of theme 3]]", quote: "[[TODO pull quote]]"}}
partners:
  partner-1: "[[TODO partner name]]"
contact:
  organisation: "[[TODO organisation]]"
  role: "[[TODO role]]"
---

## [[TODO introduction heading]] {{#intro}}

[[TODO the government's story in one or two paragraphs]]

## [[TODO title of theme 1]] {{#theme-1}}

[[TODO text of theme 1]]

## [[TODO title of theme 2]] {{#theme-2}}

[[TODO text of theme 2]]

## [[TODO title of theme 3]] {{#theme-3}}

[[TODO text of theme 3]]
"""


def new_government(config: Config, slug: str) -> list[Path]:
    """Write content/<slug>/ and add the slug to brochure.yml; refuse to overwrite anything."""
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,40}", slug):
        raise UsageProblem([Problem(Location(slug), "a government's name is lowercase letters, digits and hyphens")])
    folder = config.root / "content" / slug
    if folder.exists() or slug in config.all_governments:
        raise UsageProblem([Problem(Location(f"content/{slug}"), "already exists; choose another name")])
    written = [folder / "facts.yaml"]
    write_atomic(folder / "facts.yaml", FACTS.format(name=slug).encode())
    for tag in config.all_languages:
        write_atomic(folder / f"{tag}.md", TEXT.format(language=tag).encode())
        written.append(folder / f"{tag}.md")
    settings = config.root / CONFIG_FILE
    text = settings.read_text(encoding="utf-8")
    listed = re.sub(r"(?m)^(governments:\s*\[)([^\]]*)\]", lambda m: f"{m[1]}{m[2]}{', ' if m[2].strip() else ''}{slug}]",
                    text, count=1)
    if listed == text:
        raise BrochureError([Problem(Location(CONFIG_FILE), f"add '{slug}' to the governments list by hand "
                                                            "(it is not written as [a, b] on one line)")])
    write_atomic(settings, listed.encode())
    return [settings, *written]
