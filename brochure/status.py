"""What is stale: outputs whose inputs changed, and translated sections whose source changed since."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from pathlib import Path

import yaml

from .config import Config
from .content import load_project
from .errors import Location, Problem, UsageProblem
from .model import Government, Project, Text
from .plan import plan_jobs
from .sourcemap import suggest

FRONT = "front-matter"
SNAPSHOTS = ".sources"


def source_digests(source: Text) -> dict[str, str]:
    """Digest of every unit a translator translates: the front matter and each body section."""
    meta = {k: v for k, v in source.meta.items() if k != "translated_from"}
    front = hashlib.sha256(json.dumps(meta, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    return {FRONT: front, **{s.id: s.digest for s in source.sections}}


def source_unit(source: Text, unit: str) -> str:
    if unit == FRONT:
        meta = {k: v for k, v in source.meta.items() if k != "translated_from"}
        return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    section = source.section(unit)
    return f"## {section.title}\n\n{section.body.strip()}\n"


def stale_sections(government: Government, tag: str, source_tag: str) -> list[tuple[str, str]]:
    """(unit, 'missing' or 'stale') for every unit of one translation that lags behind its source."""
    source, text = government.texts[source_tag], government.texts[tag]
    lagging = []
    for unit, digest in source_digests(source).items():
        recorded = text.translated_from.get(unit)
        if recorded is None:
            lagging.append((unit, "missing"))
        elif recorded != digest:
            lagging.append((unit, "stale"))
    return lagging


def lagging_translations(project: Project) -> list[Problem]:
    """Every missing or stale translated unit, located at its section in the translation."""
    config = project.config
    problems = []
    for government in project.governments.values():
        if config.source_language not in government.texts:
            continue
        for tag, text in government.texts.items():
            if tag == config.source_language:
                continue
            lines = {s.id: s.line for s in text.sections}
            for unit, state in stale_sections(government, tag, config.source_language):
                why = "the source changed" if state == "stale" else "not yet reviewed against the source"
                problems.append(Problem(Location(text.path, lines.get(unit, 1)),
                                        f"{state} translation of '{unit}': {why} ({config.source_language}); "
                                        f"update it, then run `brochure review {government.slug} {tag} {unit}`"))
    return problems


def source_change(root: Path, government: Government, text: Text, unit: str, source_tag: str) -> list[str]:
    """A diff from the source the translation was made from (kept under .sources/) to the source now."""
    source = government.texts[source_tag]
    old_digest = text.translated_from.get(unit, "")
    snapshot = root / "content" / government.slug / SNAPSHOTS / f"{old_digest}.md"
    old = snapshot.read_text(encoding="utf-8") if old_digest and snapshot.is_file() else ""
    diff = difflib.unified_diff(old.splitlines(), source_unit(source, unit).splitlines(), "translated from", "source now",
                                lineterm="", n=0)
    return [line for line in diff if not line.startswith(("---", "+++", "@@"))]


def review(config: Config, slug: str, tag: str, units: tuple[str, ...] = ()) -> list[str]:
    """Record that a translation (or some of its units) matches the current source."""
    from .config import select
    if tag == config.source_language:
        raise UsageProblem([Problem(Location(f"content/{slug}/{tag}.md"), "the source text needs no review")])
    project = load_project(select(config, (tag,), (slug,)))
    government = project.governments[slug]
    source, text = government.texts[config.source_language], government.texts[tag]
    digests = source_digests(source)
    unknown = [u for u in units if u not in digests]
    if unknown:
        raise UsageProblem([Problem(Location(text.path), f"no section '{u}'{suggest(u, list(digests))}") for u in unknown])
    recorded = dict(text.translated_from)
    folder = config.root / "content" / slug / SNAPSHOTS
    folder.mkdir(exist_ok=True)
    for unit in units or tuple(digests):
        recorded[unit] = digests[unit]
        (folder / f"{digests[unit]}.md").write_text(source_unit(source, unit), encoding="utf-8")
    _write_translated_from(config.root / text.path, recorded)
    return [f"{text.path}: {unit} reviewed" for unit in units or tuple(digests)]


def _write_translated_from(path: Path, recorded: dict[str, str]) -> None:
    source = path.read_text(encoding="utf-8")
    block = "translated_from:\n" + "".join(f"  {unit}: \"{digest}\"\n" for unit, digest in recorded.items())
    head, rest = source[4:].split("\n---\n", 1)
    head = re.sub(r"(?ms)^translated_from:\n(?:  .*\n?)*", "", head + "\n").rstrip("\n")
    path.write_text(f"---\n{head}\n{block}---\n{rest}", encoding="utf-8")


def report_status(config: Config) -> list[str]:
    """Lines for `brochure status`: outputs to rebuild and why, then lagging translations."""
    from .pipeline import stale_jobs
    project = load_project(config)
    fresh, stale = stale_jobs(project, plan_jobs(config), force=False)
    from .plan import stale_kits
    kits, fresh_kits = stale_kits(project, {job.name for job, _, _ in stale})
    lines = [f"rebuild {job.name}: {reason}" for job, _, reason in stale]
    lines += [f"rebuild {kit.name}: {reason}" for kit, reason in kits]
    lines.append(f"{len(lines)} to rebuild, {len(fresh) + fresh_kits} up to date.")
    for government in project.governments.values():
        for tag in config.languages:
            if tag == config.source_language or config.source_language not in government.texts:
                continue
            text = government.texts[tag]
            for unit, state in stale_sections(government, tag, config.source_language):
                lines.append(f"{text.path}: {state} translation of '{unit}'")
                lines.extend(f"    {change}" for change in source_change(config.root, government, text, unit,
                                                                          config.source_language)[:12])
    return lines
