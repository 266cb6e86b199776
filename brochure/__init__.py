"""Multilingual print brochures and fact sheets for local governments, rendered by WeasyPrint.

The public API is imported on first use, so that `brochure build` with nothing to do loads only
the command line and the no-op check (see `uptodate`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = {"BrochureError": "errors", "build": "pipeline", "check": "pipeline", "load_config": "config",
        "load_project": "content", "report_status": "status", "review": "status", "select": "config"}

if TYPE_CHECKING:
    from .config import load_config, select
    from .content import load_project
    from .errors import BrochureError
    from .pipeline import build, check
    from .status import report_status, review


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'brochure' has no attribute '{name}'")


__all__ = ["BrochureError", "build", "check", "load_config", "load_project", "report_status", "review", "select"]
