"""The no-op fast path: a clean build records the signature of every file it depended on and wrote.

When no signature has changed, the next build with the same options answers from that record
without importing YAML, Jinja2 or WeasyPrint, parsing content or hashing files: the way make and
git's index trust file metadata. Any doubt (a changed, new or removed file, other options, a file
modified too recently to trust its timestamp) falls back to the full check, which is always right.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import Location, Problem
from .report import BuildReport, Outcome

#: Project files and folders whose contents can shape an output or a build's warnings.
WATCHED = ("brochure.yml", "content", "events", "layouts", "assets", "fonts")
PACKAGE = Path(__file__).parent
RECORD = Path(".brochure") / "last-clean-build.json"
#: A file modified less than this long before a build started may change again within the same
#: timestamp tick unnoticed (coarse file-system clocks): a record never vouches for it.
RACY_NS = 2_000_000_000

Signatures = dict[str, list[int]]


def signature(path: str | Path) -> list[int]:
    """Modification and change time, size and inode: any write, rename or replacement alters one of them."""
    try:
        stat = os.stat(path)
    except OSError:
        return []
    return [stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino]


def snapshot_folder(folder: str | Path, found: Signatures | None = None) -> Signatures:
    """Signatures of every file below `folder`, hidden files aside (editors' swap files)."""
    found = {} if found is None else found
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for item in entries:
        if item.is_dir(follow_symlinks=False):  # content never links out; a link loop must not hang
            snapshot_folder(item.path, found)
        elif not item.name.startswith("."):
            found[item.path] = signature(item.path)
    return found


def is_recent(signatures: Signatures, moment_ns: int | None = None) -> bool:
    """Whether a file was modified too recently (before `moment_ns`, by default now) to trust that a
    same-size edit would show."""
    recent = (time.time_ns() if moment_ns is None else moment_ns) - RACY_NS
    return any(sig and sig[0] >= recent for sig in signatures.values())


def snapshot(root: Path, extra: Iterable[str | Path] = ()) -> Signatures:
    """Signatures of every watched project file (hidden files aside), this package's modules and `extra` files."""
    found: Signatures = {}
    for name in WATCHED:
        path = os.path.join(root, name)
        if os.path.isdir(path):
            snapshot_folder(path, found)
        elif os.path.exists(path):
            found[path] = signature(path)
    for module in PACKAGE.glob("*.py"):
        found[str(module)] = signature(module)
    for other in extra:
        found[str(other)] = signature(other)
    return found


def request_key(options: dict[str, Any]) -> str:
    """The options a build was asked for, plus the environment that shapes its files."""
    return json.dumps({**options, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH")}, sort_keys=True)


def remember(root: Path, request: str, before: Signatures, started_ns: int, extra: list[str],
             outputs: Iterable[Path], report: BuildReport) -> None:
    """Record a clean build; `before` was taken when it started, so an edit made meanwhile voids the record."""
    if snapshot(root, extra) != before or is_recent(before, started_ns):
        return  # changed meanwhile, or modified just before the build: the full check decides next time
    from .manifest import write_atomic
    record = {"request": request, "extra": extra, "inputs": before,
              "outputs": {str(path): signature(path) for path in outputs},
              "outcomes": [[o.name, o.pages, o.size] for o in report.outcomes],
              "warnings": [[w.location.path, w.location.line, w.message] for w in report.warnings]}
    write_atomic(root / RECORD, json.dumps(record).encode())


def recall(root: Path, request: str) -> BuildReport | None:
    """The report of a no-op build, if nothing changed since the last clean build of this request; else None."""
    root = root.resolve()
    try:
        record = json.loads((root / RECORD).read_bytes())
        if record["request"] != request or snapshot(root, record["extra"]) != record["inputs"]:
            return None
        if any(signature(path) != sig for path, sig in record["outputs"].items()):
            return None
        return BuildReport([Outcome(name, "fresh", pages, size) for name, pages, size in record["outcomes"]],
                           warnings=[Problem(Location(path, line), message) for path, line, message in record["warnings"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def still_valid(known: dict[str, tuple[list[int], str]]) -> dict[str, str]:
    """Digests of files whose signature has not changed since they were hashed."""
    return {path: digest for path, (sig, digest) in known.items() if sig and signature(path) == sig}


def with_signatures(digests: dict[str, str]) -> dict[str, tuple[list[int], str]]:
    """Digests paired with their files' signatures, for `still_valid` in a later build; a file
    modified a moment ago may have changed after it was hashed, and is left out."""
    paired = {path: (signature(path), digest) for path, digest in digests.items()}
    return {path: (sig, digest) for path, (sig, digest) in paired.items() if not is_recent({path: sig})}
