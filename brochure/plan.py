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

    def key(self, project: Project, digests: dict[Path, str]) -> str:
        """sha256 over the inputs' contents, the settings that shape the output and our version."""
        config = project.config
        settings = (code_version(), self, PROFILES[self.profile], KINDS[self.kind], LANGUAGES[self.language],
                    config.page_size, config.crop_marks, config.title, config.source_date_epoch)
        digest = hashlib.sha256(repr(settings).encode())
        for path in self.inputs(project):
            digest.update(path.name.encode() + file_digest(path, digests).encode())
        return digest.hexdigest()


@functools.cache
def code_version() -> str:
    """The package version plus a digest of its modules: a change to the code is a change to every output."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
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
