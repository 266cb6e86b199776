"""Multilingual print brochures and fact sheets for local governments, rendered by WeasyPrint."""

__version__ = "0.1.0"

from .config import load_config, select  # noqa: E402  (the version is read by the modules below)
from .content import load_project  # noqa: E402
from .errors import BrochureError  # noqa: E402
from .pipeline import build, check  # noqa: E402
from .status import report_status, review  # noqa: E402

__all__ = ["BrochureError", "build", "check", "load_config", "load_project", "report_status", "review", "select"]
