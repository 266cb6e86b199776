"""`brochure watch`: rebuild what a saved change affects, report errors and keep watching."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from .errors import BrochureError

WATCHED = ("brochure.yml", "content", "events", "layouts", "assets", "fonts")
Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path) -> Snapshot:
    """Modification time and size of every watched file: cheap enough to poll twice a second."""
    state: Snapshot = {}
    for name in WATCHED:
        top = root / name
        for path in [top] if top.is_file() else top.rglob("*") if top.is_dir() else []:
            if path.is_file() and not path.name.startswith("."):
                stat = path.stat()
                state[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return state


def watch(root: Path, rebuild: Callable[[], object], report: Callable[[object], None], stop: threading.Event,
          interval: float = 0.4) -> None:
    """Build now, then after every change; a failed build is reported and the last good PDFs stay."""
    seen: Snapshot | None = None
    while not stop.is_set():
        current = snapshot(root)
        if current != seen:
            seen = current
            try:
                report(rebuild())
            except BrochureError as error:
                report(error)
        stop.wait(interval)
