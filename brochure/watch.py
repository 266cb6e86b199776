"""`brochure watch`: rebuild what a saved change affects, report errors and keep watching."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from .errors import BrochureError
from .uptodate import Signatures, snapshot


def watch(root: Path, rebuild: Callable[[], object], report: Callable[[object], None], stop: threading.Event,
          interval: float = 0.4) -> None:
    """Build now, then after every change; a failed build is reported and the last good PDFs stay."""
    seen: Signatures | None = None
    while not stop.is_set():
        current = snapshot(root)
        if current != seen:
            seen = current
            try:
                report(rebuild())
            except BrochureError as error:
                report(error)
        stop.wait(interval)
