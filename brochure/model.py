"""Frozen content types that every stage after loading receives."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .errors import Location


@dataclass(frozen=True)
class Colour:
    """A brand colour, defined once: CMYK percentages for print, sRGB hex for the screen."""

    cmyk: tuple[float, float, float, float]
    rgb: str


@dataclass(frozen=True)
class Figure:
    id: str
    kind: str
    value: Any
    currency: str | None
    location: Location


@dataclass(frozen=True)
class Theme:
    id: str
    icon: str
    figure: str | None


@dataclass(frozen=True)
class Partner:
    id: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Image:
    """A raster image used by a text: project-relative path and its pixel size."""

    path: str
    width: int
    height: int
    location: Location


@dataclass(frozen=True)
class Facts:
    path: str
    website: str
    updated: datetime.date
    location: tuple[float, float]
    colours: dict[str, Colour]
    figures: dict[str, Figure]
    key_figures: tuple[str, ...]
    themes: tuple[Theme, ...]
    partners: tuple[Partner, ...]
    contact_name: str
    contact_email: str
    #: Placeholders of `brochure new` remain: every page is marked as a draft.
    draft: bool = False


@dataclass(frozen=True)
class Section:
    """A `## Title {#id}` part of a text: the unit of translation and of staleness."""

    id: str
    title: str
    body: str
    line: int
    digest: str


@dataclass(frozen=True)
class Text:
    """One language's text of a government: front-matter strings plus body sections."""

    language: str
    path: str
    meta: dict[str, Any]
    sections: tuple[Section, ...]
    #: Section id → digest of the source section this translation was made from.
    translated_from: dict[str, str]
    images: tuple[Image, ...] = ()
    draft: bool = False

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


@dataclass(frozen=True)
class Government:
    slug: str
    facts: Facts
    texts: dict[str, Text]


@dataclass(frozen=True)
class Part:
    """One document of a press kit."""

    government: str
    kind: str
    language: str


@dataclass(frozen=True)
class Event:
    slug: str
    path: str
    name: str
    date: datetime.date
    place: str
    organiser: str
    contact_email: str
    #: Language of the cover and contents page.
    language: str
    languages: tuple[str, ...]
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Project:
    config: Config
    governments: dict[str, Government]
    #: Interface words of the layouts per language (layouts/strings/<lang>.yaml).
    strings: dict[str, dict[str, str]] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
