"""`brochure doctor`: what this machine lacks for building, and what each gap costs."""

from __future__ import annotations

import ctypes.util
import shutil
import sys
from pathlib import Path

from .plan import FONT_FILES

#: (ok, needed, message) rows; needed=False marks tools only the tests or the preview use.
Check = tuple[bool, bool, str]


def diagnose(root: Path) -> list[Check]:
    checks: list[Check] = [(sys.version_info >= (3, 11), True, f"Python {sys.version.split()[0]} (3.11 or newer needed)")]
    pango = ctypes.util.find_library("pango-1.0")
    checks.append((pango is not None, True,
                   "Pango found" if pango else "Pango missing: apt-get install libpango-1.0-0 libpangoft2-1.0-0"))
    subset = ctypes.util.find_library("harfbuzz-subset")
    checks.append((subset is not None, True, "HarfBuzz subsetting found (fast font subsetting)" if subset else
                   "libharfbuzz-subset0 missing: fonts are subset by fontTools instead, about 1.8× slower renders "
                   "and 1.4× larger PDFs; apt-get install libharfbuzz-subset0"))
    if pango:
        try:
            import weasyprint
            from weasyprint.text.ffi import pango as library
            version = library.pango_version()
            checks.append((version >= 14409, True, f"WeasyPrint {weasyprint.__version__} with Pango "
                                                     f"{version // 10000}.{version // 100 % 100}.{version % 100}"))
        except OSError as error:
            checks.append((False, True, f"WeasyPrint cannot load its libraries: {error}"))
    missing = sorted({name for files in FONT_FILES.values() for name in files if not (root / "fonts" / name).is_file()})
    checks.append((not missing, True, "all fonts present in fonts/" if not missing else
                   f"fonts missing from fonts/: {', '.join(missing)} (restore them from git)"))
    for tool, use in (("qpdf", "tests: qpdf --check"), ("pdffonts", "tests: poppler-utils"),
                      ("chromium", "tests of the preview page")):
        found = shutil.which(tool) is not None
        checks.append((found, False, f"{tool} found" if found else f"{tool} missing ({use}); optional for building"))
    return checks
