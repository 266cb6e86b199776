"""Stage 1: find content/<government>/, read facts and texts, validate everything into a Project."""

from __future__ import annotations

import datetime
import hashlib
import re
from pathlib import Path
from typing import Any

from .config import Config
from .errors import BrochureError, Location, Problem, Problems
from .events import load_events
from .languages import FIGURE_KINDS
from .markup import check_korean_spacing, check_markdown
from .model import Colour, Facts, Figure, Government, Partner, Project, Section, Text, Theme
from .schema import Field, check_list, check_mapping
from .sourcemap import YamlDoc, load_yaml, read_text, relative, suggest
from .uptodate import is_recent, snapshot_folder

PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")
DRAFT_MARK = "[[TODO"
SECTION_HEADING = re.compile(r"^## +(?P<title>.+?) *\{#(?P<id>[a-z0-9-]+)\} *$")
MIN_THEMES, MAX_THEMES = 3, 6

_FACT_FIELDS = {
    "website": Field(str), "updated": Field(datetime.date), "location": Field(dict), "colours": Field(dict),
    "figures": Field(dict), "key_figures": Field(list), "themes": Field(list), "partners": Field(list),
    "contact": Field(dict),
}
_FIGURE_FIELDS = {"kind": Field(str), "value": Field((int, float, str)), "currency": Field(str, False)}
_THEME_FIELDS = {"id": Field(str), "icon": Field(str), "figure": Field(str, False)}
_PARTNER_FIELDS = {"id": Field(str), "country": Field(str), "lat": Field(float), "lon": Field(float)}
_TEXT_FIELDS = {
    "name": Field(str), "short_name": Field(str), "tagline": Field(str), "series": Field(str),
    "byline": Field(str), "summary": Field(str), "figures": Field(dict), "themes": Field(dict),
    "partners": Field(dict), "contact": Field(dict), "translated_from": Field(dict, False, {}),
}
COLOURS = ("primary", "accent", "tint")


def load_project(config: Config, loaded: dict[str, Any] | None = None) -> Project:
    """Read and validate every government and event; raise one BrochureError listing all problems.

    `loaded` keeps governments between the builds of `brochure watch`: one is read again only when
    a file of its folder or of assets/ (icons, images) changed, or the configuration did."""
    problems = Problems()
    governments = {}
    assets = snapshot_folder(config.root / "assets") if loaded is not None else {}
    for slug in config.governments:
        try:
            governments[slug] = (load_government(config, slug) if loaded is None
                                 else _load_kept(config, slug, loaded, assets))
        except BrochureError as error:
            problems.extend(error.problems)
    strings = _guard(problems, lambda: load_strings(config)) or {}
    events = _guard(problems, lambda: load_events(config, governments)) or {}
    problems.raise_if_any()
    return Project(config, governments, strings, events)


def load_strings(config: Config) -> dict[str, dict[str, str]]:
    """Interface words of the layouts; every language must have the keys the source language has."""
    docs = {tag: load_yaml(read_text(config.root / "layouts" / "strings" / f"{tag}.yaml", config.root),
                           f"layouts/strings/{tag}.yaml")
            for tag in dict.fromkeys((config.source_language, *config.languages))}
    reference = docs[config.source_language].data
    problems = Problems()
    for doc in docs.values():
        for key in reference:
            if key not in doc.data:
                problems.add(doc.at(), f"missing interface word '{key}'; add it as in layouts/strings/{config.source_language}.yaml")
    problems.raise_if_any()
    return {tag: {str(k): str(v) for k, v in doc.data.items()} for tag, doc in docs.items()}


def _load_kept(config: Config, slug: str, loaded: dict[str, Any], assets: dict[str, list[int]]) -> Government:
    """The government kept from an earlier build if nothing it was made from changed; signatures are
    taken before reading, so an edit made while loading is seen next time."""
    key = (config, snapshot_folder(config.root / "content" / slug), assets)
    kept = loaded.get(slug)
    if kept is not None and kept[0] == key and not is_recent(key[1]):
        return kept[1]  # type: ignore[no-any-return]
    government = load_government(config, slug)
    loaded[slug] = (key, government)
    return government


def load_government(config: Config, slug: str) -> Government:
    folder = config.root / "content" / slug
    if not folder.is_dir():
        raise BrochureError([Problem(Location("brochure.yml"), f"government '{slug}' has no folder content/{slug}/; "
                                                              f"create it with `brochure new {slug}`")])
    problems = Problems()
    facts = _guard(problems, lambda: load_facts(config, folder / "facts.yaml"))
    texts: dict[str, Text] = {}
    for tag in dict.fromkeys((config.source_language, *config.languages)):  # the source defines staleness
        text = _guard(problems, lambda tag=tag: load_text(config, folder / f"{tag}.md", tag, facts))
        if text:
            texts[tag] = text
    for path in sorted(folder.glob("*.md")):
        if path.stem not in config.all_languages:
            problems.add(Location(relative(path, config.root)),
                         f"text for unknown language '{path.stem}'{suggest(path.stem, list(config.all_languages))}")
    problems.raise_if_any()
    assert facts is not None
    return Government(slug, facts, texts)


def _guard(problems: Problems, load):  # type: ignore[no-untyped-def]
    try:
        return load()
    except BrochureError as error:
        problems.extend(error.problems)
        return None


def load_facts(config: Config, path: Path) -> Facts:
    name = relative(path, config.root)
    source = read_text(path, config.root)
    doc = load_yaml(source, name)
    problems = Problems()
    raw = check_mapping(doc, (), _FACT_FIELDS, problems, "facts")
    figures = _figures(doc, raw["figures"] or {}, problems)
    colours = _colours(doc, raw["colours"] or {}, problems)
    location = check_mapping(doc, ("location",), {"lat": Field(float), "lon": Field(float)}, problems, "location") \
        if raw["location"] is not None else {"lat": 0.0, "lon": 0.0}
    contact = check_mapping(doc, ("contact",), {"name": Field(str), "email": Field(str)}, problems, "contact") \
        if raw["contact"] is not None else {"name": "", "email": ""}
    if contact["email"] and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", contact["email"]):
        problems.add(doc.at("contact", "email"), f"'{contact['email']}' is not an e-mail address")
    if raw["website"] and not raw["website"].startswith("https://"):
        problems.add(doc.at("website"), "website must be an https:// address")
    key_figures = []
    for index, ref in enumerate(check_list(doc, ("key_figures",), problems, "key_figures") if raw["key_figures"] is not None else []):
        if ref not in figures:
            problems.add(doc.at("key_figures", index), f"unknown figure '{ref}'{suggest(str(ref), list(figures))}")
        key_figures.append(str(ref))
    themes = _themes(config, doc, raw["themes"], figures, problems)
    partners = []
    for index, _ in enumerate(raw["partners"] or []):
        item = check_mapping(doc, ("partners", index), _PARTNER_FIELDS, problems, "a partner")
        if item["country"] and not re.fullmatch(r"[A-Z]{2}", item["country"]):
            problems.add(doc.at("partners", index, "country"), "country must be a two-letter code such as CN, JP or TR")
        partners.append(Partner(item["id"], item["country"], float(item["lat"] or 0), float(item["lon"] or 0)))
    problems.raise_if_any()
    return Facts(name, raw["website"], raw["updated"], (location["lat"], location["lon"]), colours, figures,
                 tuple(key_figures), themes, tuple(partners), contact["name"], contact["email"], DRAFT_MARK in source)


def _figures(doc: YamlDoc, raw: dict[str, Any], problems: Problems) -> dict[str, Figure]:
    figures = {}
    for key in raw:
        item = check_mapping(doc, ("figures", key), _FIGURE_FIELDS, problems, f"figure '{key}'")
        kind, value = item["kind"], item["value"]
        where = doc.at("figures", key, "value")
        if value is None:
            pass  # reported as a missing field
        elif kind not in FIGURE_KINDS:
            problems.add(doc.at("figures", key, "kind"), f"unknown figure kind '{kind}'{suggest(str(kind), list(FIGURE_KINDS))}")
        elif kind == "month" and not re.fullmatch(r"(?!0000)\d{4}-(0[1-9]|1[0-2])", str(value)):
            problems.add(where, f"a month is written YYYY-MM, not '{value}'")
        elif kind in ("count", "year", "money") and not isinstance(value, int):
            problems.add(where, f"a {kind} must be a whole number, not '{value}'")
        elif kind == "percent" and not (isinstance(value, (int, float)) and 0 <= value <= 1):
            problems.add(where, f"a percent is a fraction between 0 and 1 (0.236 for 23.6%), not '{value}'")
        if kind == "money" and not item["currency"]:
            problems.add(doc.at("figures", key), f"money figure '{key}' needs a currency such as KRW")
        figures[key] = Figure(key, kind, value, item["currency"], doc.at("figures", key))
    return figures


def _colours(doc: YamlDoc, raw: dict[str, Any], problems: Problems) -> dict[str, Colour]:
    colours = {}
    for name in COLOURS:
        if name not in raw:
            problems.add(doc.at("colours"), f"missing colour '{name}' (needs cmyk and rgb)")
    for name in raw:
        if name not in COLOURS:
            problems.add(doc.at("colours", name), f"unknown colour '{name}'{suggest(str(name), list(COLOURS))}")
            continue
        item = check_mapping(doc, ("colours", name), {"cmyk": Field(list), "rgb": Field(str)}, problems, f"colour '{name}'")
        cmyk = item["cmyk"] or []
        if len(cmyk) != 4 or not all(isinstance(v, (int, float)) and 0 <= v <= 100 for v in cmyk):
            problems.add(doc.at("colours", name, "cmyk"), "cmyk is four percentages, e.g. [100, 60, 0, 20]")
        elif sum(cmyk) > 300:
            problems.add(doc.at("colours", name, "cmyk"), f"total ink {sum(cmyk)}% exceeds 300%; lower the values")
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", str(item["rgb"])):
            problems.add(doc.at("colours", name, "rgb"), "rgb is a hex colour such as \"#1f4e8c\"")
        colours[name] = Colour(tuple(float(v) for v in cmyk) if len(cmyk) == 4 else (0, 0, 0, 100), str(item["rgb"]))  # type: ignore[arg-type]
    return colours


def _themes(config: Config, doc: YamlDoc, raw: Any, figures: dict[str, Figure], problems: Problems) -> tuple[Theme, ...]:
    items = check_list(doc, ("themes",), problems, "themes") if raw is not None else []
    if items and not MIN_THEMES <= len(items) <= MAX_THEMES:
        problems.add(doc.at("themes"), f"{len(items)} themes; a profile has {MIN_THEMES} to {MAX_THEMES}")
    themes = []
    for index, _ in enumerate(items):
        item = check_mapping(doc, ("themes", index), _THEME_FIELDS, problems, "a theme")
        icon = config.root / "assets" / "icons" / f"{item['icon']}.svg"
        if item["icon"] and not icon.is_file():
            icons = [p.stem for p in (config.root / "assets" / "icons").glob("*.svg")]
            problems.add(doc.at("themes", index, "icon"), f"no icon assets/icons/{item['icon']}.svg{suggest(item['icon'], icons)}")
        elif item["icon"]:
            _check_icon(config, icon, problems)
        if item["figure"] and item["figure"] not in figures:
            problems.add(doc.at("themes", index, "figure"), f"unknown figure '{item['figure']}'{suggest(item['figure'], list(figures))}")
        themes.append(Theme(item["id"], item["icon"], item["figure"]))
    return tuple(themes)


SVG_REFERENCE = re.compile(r"""(?:href\s*=\s*["']|url\(\s*["']?)(?!#)([^"')\s]+)""")


def _check_icon(config: Config, path: Path, problems: Problems) -> None:
    """An icon is drawn inline: it must be self-contained, with no reference to another file or the network."""
    name = relative(path, config.root)
    for number, line in enumerate(read_text(path, config.root).split("\n"), start=1):
        for found in SVG_REFERENCE.finditer(line):
            problems.add(Location(name, number), f"external reference '{found[1][:60]}'; an icon must be "
                                                 "self-contained SVG (draw it, or embed nothing)")


def load_text(config: Config, path: Path, tag: str, facts: Facts | None) -> Text:
    name = relative(path, config.root)
    if not path.exists():
        raise BrochureError([Problem(Location(name), f"missing translation: no {tag} text; "
                                                     "translate the source text into this file")])
    source = read_text(path, config.root)
    problems = Problems()
    match = re.match(r"---\n(.*?\n)---\n", source, re.S)
    if not match:
        problems.add(Location(name, 1), "a text starts with front matter between two '---' lines")
        problems.raise_if_any()
    assert match
    doc = load_yaml(match.group(1), name, line_offset=1)
    meta = check_mapping(doc, (), _TEXT_FIELDS, problems, "front matter")
    body_start = match.group(0).count("\n") + 1
    sections = _sections(name, source[match.end():], body_start, problems)
    if facts:
        _check_placeholders(doc, meta, sections, facts.figures, problems)
    if tag == "ko":
        for keys, value in _strings(meta):
            check_korean_spacing(value, doc.at(*keys), problems)
    images = []
    for section in sections:
        images.extend(check_markdown(config, path, section.body, section.line + 1, tag, problems))
    if facts:
        wanted = ["intro", *(theme.id for theme in facts.themes)]
        found = [s.id for s in sections]
        for section in sections:
            if section.id not in wanted:
                problems.add(Location(name, section.line), f"unknown section '{section.id}'{suggest(section.id, wanted)}")
        for section_id in wanted:
            if section_id not in found:
                problems.add(Location(name, body_start), f"missing section '## … {{#{section_id}}}'")
        for key, ids in (("themes", [t.id for t in facts.themes]), ("partners", [p.id for p in facts.partners]),
                         ("figures", list(facts.key_figures) + [t.figure for t in facts.themes if t.figure])):
            given = meta[key] or {}
            for item in ids:
                if item not in given:
                    problems.add(doc.at(key), f"missing entry '{item}' under {key}")
            for item in given:
                if item not in ids:
                    wanted_as = "a key figure or a theme's figure" if key == "figures" else f"one of the {key}"
                    problems.add(doc.at(key, item),
                                 f"'{item}' under {key} is not {wanted_as} in facts.yaml{suggest(str(item), ids)}")
    problems.raise_if_any()
    draft = DRAFT_MARK in source
    translated_from = {str(k): str(v) for k, v in (meta["translated_from"] or {}).items()}
    return Text(tag, name, meta, tuple(sections), translated_from, tuple(images), draft)


def _sections(name: str, body: str, first_line: int, problems: Problems) -> list[Section]:
    sections: list[Section] = []
    lines = body.split("\n")
    current: tuple[str, str, int] | None = None
    buffer: list[str] = []

    def close() -> None:
        if current:
            text = "\n".join(buffer).rstrip("\n")
            digest = hashlib.sha256(" ".join((current[1] + " " + text).split()).encode()).hexdigest()[:12]
            sections.append(Section(current[0], current[1], text, current[2], digest))

    for offset, line in enumerate(lines):
        number = first_line + offset
        heading = SECTION_HEADING.match(line)
        if heading:
            close()
            if any(s.id == heading["id"] for s in sections):
                problems.add(Location(name, number), f"duplicate section id '{heading['id']}'")
            current, buffer = (heading["id"], heading["title"], number), []
        elif re.match(r"^#{1,2} ", line):
            problems.add(Location(name, number), "a section heading is written '## Title {#section-id}'")
        elif current is None and line.strip():
            problems.add(Location(name, number), "text before the first '## Title {#id}' heading")
        else:
            buffer.append(line)
    close()
    return sections


def _strings(meta: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """Every text value of the front matter with its key path (the translation record aside)."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(value: Any, keys: tuple[str, ...]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*keys, str(key)))
        elif value is not None and keys[:1] != ("translated_from",):
            found.append((keys, str(value)))
    walk(meta, ())
    return found


def _check_placeholders(doc: YamlDoc, meta: dict[str, Any], sections: list[Section],
                        figures: dict[str, Figure], problems: Problems) -> None:
    def check(value: Any, where: Location) -> None:
        for found in PLACEHOLDER.finditer(str(value)):
            if found[1] not in figures:
                problems.add(where, f"unknown figure '{{{found[1]}}}'{suggest(found[1], list(figures))}; "
                                    "define it under figures: in facts.yaml")

    for keys, value in _strings(meta):
        check(value, doc.at(*keys))
    for section in sections:
        for offset, line in enumerate([section.title, *section.body.split("\n")]):
            check(line, Location(doc.path, section.line + offset))
