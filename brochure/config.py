"""The project configuration: `brochure.yml`, loaded and validated once into a frozen Config."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import BrochureError, Location, Problem, Problems, UsageProblem
from .languages import LANGUAGES
from .schema import Field, check_mapping
from .sourcemap import load_yaml, read_text, relative, suggest

CONFIG_FILE = "brochure.yml"
PAGE_SIZES = {"A4": (210.0, 297.0)}

_FIELDS = {
    "title": Field(str),
    "source_language": Field(str),
    "languages": Field(list),
    "governments": Field(list),
    "page_size": Field(str, False, "A4"),
    "output_dir": Field(str, False, "dist"),
    "icc_profile": Field(str),
    "crop_marks": Field(bool, False, True),
    "budgets_kb": Field(dict, False, {}),
}
_BUDGET_KINDS = ("factsheet", "brochure", "presskit")


@dataclass(frozen=True)
class Config:
    """Every setting a stage may read; stages receive it, they never read files or env vars for settings."""

    root: Path
    #: Name of the series the profiles belong to, shown on covers.
    title: str
    #: The language translators translate from; its sections define staleness.
    source_language: str
    #: BCP 47 tags, in the order documents are listed.
    languages: tuple[str, ...]
    #: Directory names under content/, in build order.
    governments: tuple[str, ...]
    page_size: str
    output_dir: Path
    #: CMYK output profile for the print profile's PDF/X output intent.
    icc_profile: Path
    #: Whether print files carry crop marks (shops that impose their own turn this off).
    crop_marks: bool
    #: Screen-profile size budgets in bytes, per document kind.
    budgets: dict[str, int]
    #: Every language and government of brochure.yml, even when narrowed by --lang or --government.
    all_languages: tuple[str, ...] = ()
    all_governments: tuple[str, ...] = ()

    @property
    def page_mm(self) -> tuple[float, float]:
        return PAGE_SIZES[self.page_size]

    @property
    def source_date_epoch(self) -> int | None:
        value = os.environ.get("SOURCE_DATE_EPOCH")
        return int(value) if value and value.isdigit() else None


def load_config(root: Path | str = ".", icc_profile: str | None = None) -> Config:
    """Read and validate brochure.yml; options from the command line override it."""
    root = Path(root).resolve()
    path = root / CONFIG_FILE
    if not path.exists():
        raise BrochureError([Problem(Location(CONFIG_FILE), "no brochure.yml here; run brochure in the project root")])
    doc = load_yaml(read_text(path, root), CONFIG_FILE)
    problems = Problems()
    raw: dict[str, Any] = check_mapping(doc, (), _FIELDS, problems, CONFIG_FILE)
    languages = tuple(str(x) for x in raw["languages"] or ())
    for index, tag in enumerate(languages):
        if tag not in LANGUAGES:
            problems.add(doc.at("languages", index), f"unknown language '{tag}'{suggest(tag, list(LANGUAGES))}")
    if raw["source_language"] and raw["source_language"] not in languages:
        problems.add(doc.at("source_language"), "source_language must be one of the configured languages")
    if raw["page_size"] not in PAGE_SIZES:
        problems.add(doc.at("page_size"), f"unknown page size '{raw['page_size']}'{suggest(raw['page_size'], list(PAGE_SIZES))}")
    budgets = {}
    for kind, kb in (raw["budgets_kb"] or {}).items():
        if kind not in _BUDGET_KINDS or not isinstance(kb, int):
            problems.add(doc.at("budgets_kb", kind), f"budget '{kind}' must be one of {', '.join(_BUDGET_KINDS)} with a whole number of KB")
        else:
            budgets[kind] = kb * 1024
    profile_path = Path(icc_profile).resolve() if icc_profile else root / (raw["icc_profile"] or "")
    option = Problems()  # a wrong --icc-profile is a usage error, a wrong setting a content error
    where, found = (Location("--icc-profile"), option) if icc_profile else (doc.at("icc_profile"), problems)
    if not profile_path.is_file():
        found.add(where, f"ICC profile '{profile_path}' not found; give the path of a CMYK output profile")
    elif profile_path.read_bytes()[16:20] != b"CMYK":
        found.add(where, f"'{relative(profile_path, root)}' is not a CMYK ICC profile")
    problems.raise_if_any()
    if option:
        raise UsageProblem(option.items)
    slugs = tuple(str(g) for g in raw["governments"])
    return Config(root=root, title=raw["title"], source_language=raw["source_language"], languages=languages,
                  governments=slugs, page_size=raw["page_size"],
                  output_dir=root / raw["output_dir"], icc_profile=profile_path, crop_marks=raw["crop_marks"],
                  budgets=budgets, all_languages=languages, all_governments=slugs)


def select(config: Config, languages: tuple[str, ...] = (), governments: tuple[str, ...] = ()) -> Config:
    """The same project narrowed to the languages and governments asked for on the command line."""
    problems = Problems()
    for tag in languages:
        if tag not in config.languages:
            problems.add(Location("--lang"), f"'{tag}' is not a configured language{suggest(tag, list(config.languages))}")
    for slug in governments:
        if slug not in config.governments:
            problems.add(Location("--government"), f"'{slug}' is not a configured government{suggest(slug, list(config.governments))}")
    if problems:
        raise UsageProblem(problems.items)
    return replace(config, languages=tuple(x for x in config.languages if not languages or x in languages),
                   governments=tuple(x for x in config.governments if not governments or x in governments))
