"""Shared fixtures: a copy of the project per test run, built once; PDF helpers."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from brochure.cli import main
from brochure.pdf import fontconfig_file

ROOT = Path(__file__).resolve().parent.parent
# WeasyPrint used directly by tests sees the project's fonts only, as the pipeline's workers do.
os.environ["FONTCONFIG_FILE"] = str(fontconfig_file(ROOT))
PROJECT_PARTS = ("brochure.yml", "content", "events", "layouts", "assets", "fonts")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-references", action="store_true",
                     help="Rewrite tests/references/*.png from this run's PDFs after an intended layout change.")


def copy_project(target: Path, source: Path = ROOT) -> Path:
    """A private copy of the project; fonts are hard-linked (large, never modified by tests)."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        path = source / part
        if path.is_dir():
            link = os.link if part == "fonts" else shutil.copy2
            shutil.copytree(path, target / part, copy_function=link)
        elif path.is_file():
            shutil.copy2(path, target / part)
    return target


def run(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--root", str(root), *args])


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample content built once per test run, every language and both profiles."""
    root = copy_project(tmp_path_factory.mktemp("sample"))
    result = run(root, "build", "--jobs", "2")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="session")
def manifest(built: Path) -> list[dict]:
    return json.loads((built / "dist" / "manifest.json").read_text())["outputs"]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")
