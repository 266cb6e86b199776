"""Jobs: which documents a selection means, where each goes, and the hash of everything it is made from."""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from . import __version__
from .config import Config
from .languages import LANGUAGES
from .manifest import read_manifest
from .model import Event, Project
from .profiles import KINDS, PROFILES

#: Layout files each kind of document reads; a change to one rebuilds only the kinds that use it.
LAYOUT_FILES = {
    "brochure": ("base.html", "components.html", "brochure.html", "base.css", "brochure.css"),
    "factsheet": ("base.html", "components.html", "factsheet.html", "base.css", "factsheet.css"),
}
FONT_FILES = {
    "en": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "tr": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "ko": ("NotoSansCJKkr-Regular.otf", "NotoSansCJKkr-Bold.otf"),
    "ja": ("NotoSansCJKjp-Regular.otf", "NotoSansCJKjp-Bold.otf"),
    "zh-Hans": ("NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf"),
}


class Output(Protocol):
    """Anything the pipeline renders and writes: a document or a press kit."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def profile(self) -> str: ...


@dataclass(frozen=True)
class Job:
    government: str
    language: str
    kind: str
    profile: str

    @property
    def name(self) -> str:
        return f"{self.profile}/{self.government}/{self.government}-{self.kind}-{self.language}.pdf"

    def inputs(self, project: Project) -> list[str]:
        """Every project file the document is made from (relative paths), in a stable order."""
        facts = project.governments[self.government].facts
        text = project.governments[self.government].texts[self.language]
        return [facts.path, text.path, f"layouts/strings/{self.language}.yaml", "assets/map/world.json",
                *(f"layouts/{name}" for name in LAYOUT_FILES[self.kind]),
                *(f"fonts/{name}" for name in FONT_FILES[self.language]),
                *(f"assets/icons/{theme.icon}.svg" for theme in facts.themes),
                *(image.path for image in text.images)]

    def stamp(self, project: Project, digests: dict[str, str]) -> Stamp:
        """What the output is made from: the inputs' digests, the settings that shape it and our code."""
        config = project.config
        printing = (config.crop_marks,) if self.profile == "print" else ()
        settings = (self, PROFILES[self.profile], KINDS[self.kind], LANGUAGES[self.language], config.page_size,
                    config.title, config.source_date_epoch, *printing)
        inputs = {"code": code_version(), "settings": hashlib.sha256(repr(settings).encode()).hexdigest()[:16]}
        root = str(config.root)
        for name in self.inputs(project):  # plain strings: a large plan stamps thousands of files
            inputs[name] = file_digest(os.path.join(root, name), digests)[:16]
        if self.profile == "print":
            icc = config.icc_profile
            name = icc.relative_to(config.root).as_posix() if icc.is_relative_to(config.root) else "icc profile"
            inputs[name] = file_digest(icc, digests)[:16]
        return Stamp(inputs)


@dataclass(frozen=True)
class Stamp:
    """An output's inputs by name (files, settings, code) with their digests; `key` sums them up."""

    inputs: dict[str, str]

    @property
    def key(self) -> str:
        return hashlib.sha256(repr(sorted(self.inputs.items())).encode()).hexdigest()

    def changes(self, previous: dict[str, str]) -> list[str]:
        """Names of the inputs that differ from a previous stamp's."""
        return sorted(name for name in self.inputs.keys() | previous.keys() if self.inputs.get(name) != previous.get(name))


#: Modules that never change what a PDF contains: editing them rebuilds nothing.
NOT_SHAPING_OUTPUT = {"cli", "progress", "status", "watch", "serve", "doctor", "scaffold", "__main__"}


@functools.cache
def code_version() -> str:
    """The package version plus a digest of its modules: a change to the code is a change to every output."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.stem not in NOT_SHAPING_OUTPUT:
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def file_digest(path: str | Path, cache: dict[str, str]) -> str:
    """sha256 of a file, computed once per build (fonts are large and shared by many jobs)."""
    key = str(path)
    if key not in cache:
        with open(key, "rb") as handle:
            cache[key] = hashlib.file_digest(handle, "sha256").hexdigest()
    return cache[key]


def plan_jobs(config: Config, profiles: tuple[str, ...] = ()) -> list[Job]:
    return [Job(government, language, kind, profile)
            for profile in (profiles or tuple(PROFILES))
            for government in config.governments
            for language in config.languages
            for kind in KINDS]


@dataclass(frozen=True)
class KitJob:
    """One press kit of an event in one profile, and the bundle of its single files."""

    event: str
    profile: str
    kind: str = "presskit"

    @property
    def name(self) -> str:
        return f"{self.profile}/presskits/{self.event}-presskit.pdf"

    @property
    def bundle_name(self) -> str:
        return f"{self.profile}/presskits/{self.event}-bundle.zip"


def part_jobs(event: Event, profile: str) -> list[Job]:
    return [Job(part.government, part.language, part.kind, profile) for part in event.parts]


def kit_key(project: Project, kit: KitJob, entries: dict[str, dict[str, Any]]) -> str:
    """sha256 over the event file, the front-matter layout, the parts' checksums and our version."""
    root = project.config.root
    event = project.events[kit.event]
    digests: dict[str, str] = {}
    printing = (project.config.crop_marks,) if kit.profile == "print" else ()
    digest = hashlib.sha256(repr((code_version(), kit, PROFILES[kit.profile], *printing)).encode())
    for path in (root / event.path, root / "layouts" / "base.html", root / "layouts" / "presskit.html",
                 root / "layouts" / "presskit.css",
                 root / "layouts" / "bundle-index.html", root / "layouts" / "strings" / f"{event.language}.yaml"):
        digest.update(file_digest(path, digests).encode())
    if kit.profile == "print":
        digest.update(file_digest(project.config.icc_profile, digests).encode())
    for job in part_jobs(event, kit.profile):
        digest.update(entries.get(job.name, {}).get("sha256", "missing").encode())
    return digest.hexdigest()


def kit_staleness(project: Project, kit: KitJob, entries: dict[str, dict[str, Any]], key: str) -> str | None:
    """Why a kit must be rebuilt, or None when its PDF and bundle are up to date."""
    dist = project.config.output_dir
    if kit.name not in entries or not (dist / kit.name).is_file() or not (dist / kit.bundle_name).is_file():
        return "never built"
    if entries[kit.name].get("key") != key:
        return "changed: its documents, the event file or the press-kit layout"
    return None


def selected_events(project: Project) -> list[Event]:
    """The events whose documents all lie within the selected governments and languages."""
    config = project.config
    return [event for event in project.events.values()
            if all(p.language in config.languages and p.government in config.governments for p in event.parts)]


def stale_kits(project: Project, stale_documents: set[str]) -> tuple[list[tuple[KitJob, str]], int]:
    """The press kits a build would make again, with the reason, and how many are up to date;
    `stale_documents` are about to change."""
    entries = read_manifest(project.config.output_dir)
    found = []
    fresh = 0
    for event in selected_events(project):
        for profile in PROFILES:
            kit = KitJob(event.slug, profile)
            changing = [job.name for job in part_jobs(event, profile) if job.name in stale_documents]
            reason = (f"{len(changing)} of its documents will be rebuilt" if changing
                      else kit_staleness(project, kit, entries, kit_key(project, kit, entries)))
            if reason:
                found.append((kit, reason))
            else:
                fresh += 1
    return found, fresh


def kits_to_build(project: Project, profiles: tuple[str, ...], entries: dict[str, dict[str, Any]],
                  force: bool) -> tuple[list[tuple[KitJob, str]], list[KitJob]]:
    """Stale kits with their keys, and fresh kits; a kit waits while one of its documents is missing."""
    todo, fresh = [], []
    for event in selected_events(project):
        for profile in profiles or tuple(PROFILES):
            kit = KitJob(event.slug, profile)
            if any(job.name not in entries for job in part_jobs(event, profile)):
                continue  # a document failed; its problem is already reported
            key = kit_key(project, kit, entries)
            if force or kit_staleness(project, kit, entries, key):
                todo.append((kit, key))
            else:
                fresh.append(kit)
    return todo, fresh
