"""Event files (events/<slug>.yaml): which documents of which governments a press kit gathers."""

from __future__ import annotations

import datetime

from .config import Config
from .errors import BrochureError, Problems
from .model import Event, Government, Part
from .profiles import KINDS
from .schema import Field, check_list, check_mapping
from .sourcemap import load_yaml, read_text, relative, suggest

_EVENT_FIELDS = {
    "name": Field(str), "date": Field(datetime.date), "place": Field(str), "organiser": Field(str),
    "contact": Field(str), "language": Field(str), "languages": Field(list), "governments": Field(list),
}
_ENTRY_FIELDS = {"slug": Field(str), "documents": Field(list)}


def load_events(config: Config, governments: dict[str, Government]) -> dict[str, Event]:
    """Every events/*.yaml, validated against the configured languages and the loaded governments."""
    events = {}
    problems = Problems()
    for path in sorted((config.root / "events").glob("*.yaml")):
        try:
            event = load_event(config, path, governments)
        except BrochureError as error:
            problems.extend(error.problems)
            continue
        events[event.slug] = event
    problems.raise_if_any()
    return events


def load_event(config: Config, path, governments: dict[str, Government]) -> Event:  # type: ignore[no-untyped-def]
    name = relative(path, config.root)
    doc = load_yaml(read_text(path, config.root), name)
    problems = Problems()
    raw = check_mapping(doc, (), _EVENT_FIELDS, problems, "event")
    if raw["language"] and raw["language"] not in config.all_languages:
        problems.add(doc.at("language"),
                     f"unknown language '{raw['language']}'{suggest(str(raw['language']), list(config.all_languages))}")
    languages = []
    for index, tag in enumerate(check_list(doc, ("languages",), problems, "languages") if raw["languages"] else []):
        if tag not in config.all_languages:
            problems.add(doc.at("languages", index), f"unknown language '{tag}'{suggest(str(tag), list(config.all_languages))}")
        languages.append(str(tag))
    parts: list[Part] = []
    for index, _ in enumerate(raw["governments"] or []):
        entry = check_mapping(doc, ("governments", index), _ENTRY_FIELDS, problems, "a participating government")
        slug = entry["slug"]
        if slug and slug not in config.all_governments:
            problems.add(doc.at("governments", index, "slug"),
                         f"unknown government '{slug}'{suggest(slug, list(config.all_governments))}")
        for position, kind in enumerate(entry["documents"] or []):
            if kind not in KINDS:
                problems.add(doc.at("governments", index, "documents", position),
                             f"unknown document '{kind}'{suggest(str(kind), list(KINDS))}")
            parts.extend(Part(slug, kind, tag) for tag in languages)
    problems.raise_if_any()
    return Event(path.stem, name, raw["name"], raw["date"], raw["place"], raw["organiser"], raw["contact"],
                 raw["language"], tuple(languages), tuple(parts))
