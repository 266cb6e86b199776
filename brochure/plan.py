"""Jobs: which documents a selection means, where each goes, and the hash of everything it is made from."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import __version__
from .config import Config
from .languages import LANGUAGES
from .model import Project
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

    def inputs(self, project: Project) -> list[Path]:
        """Every file the document is made from, in a stable order."""
        root = project.config.root
        facts = project.governments[self.government].facts
        text = project.governments[self.government].texts[self.language]
        files = [root / facts.path, root / text.path, root / "layouts" / "strings" / f"{self.language}.yaml",
                 root / "assets" / "map" / "world.json"]
        files += [root / "layouts" / name for name in LAYOUT_FILES[self.kind]]
        files += [root / "fonts" / name for name in FONT_FILES[self.language]]
        files += [root / "assets" / "icons" / f"{theme.icon}.svg" for theme in facts.themes]
        files += [root / image.path for image in text.images]
        if self.profile == "print":
            files.append(project.config.icc_profile)
        return files

    def stamp(self, project: Project, digests: dict[Path, str]) -> Stamp:
        """What the output is made from: the inputs' digests, the settings that shape it and our code."""
        config = project.config
        printing = (config.crop_marks,) if self.profile == "print" else ()
        settings = (self, PROFILES[self.profile], KINDS[self.kind], LANGUAGES[self.language], config.page_size,
                    config.title, config.source_date_epoch, *printing)
        inputs = {"code": code_version(), "settings": hashlib.sha256(repr(settings).encode()).hexdigest()[:16]}
        for path in self.inputs(project):
            name = path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else "icc profile"
            inputs[name] = file_digest(path, digests)[:16]
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


def file_digest(path: Path, cache: dict[Path, str]) -> str:
    """sha256 of a file, computed once per build (fonts are large and shared by many jobs)."""
    if path not in cache:
        with path.open("rb") as handle:
            cache[path] = hashlib.file_digest(handle, "sha256").hexdigest()
    return cache[path]


def plan_jobs(config: Config, profiles: tuple[str, ...] = ()) -> list[Job]:
    return [Job(government, language, kind, profile)
            for profile in (profiles or tuple(PROFILES))
            for government in config.governments
            for language in config.languages
            for kind in KINDS]
