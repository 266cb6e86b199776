"""Lint, formatting-independent style and types are part of the test command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "brochure", "tests", "build.py"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_mypy_finds_nothing() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_commands_that_render_nothing_never_import_weasyprint(tmp_path: Path) -> None:
    code = ("import sys; from click.testing import CliRunner; from brochure.cli import main; "
            f"r = CliRunner().invoke(main, ['--root', {str(ROOT)!r}, 'check']); "
            "assert r.exit_code == 0, r.output; assert 'weasyprint' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
