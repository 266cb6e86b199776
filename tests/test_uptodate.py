"""Incremental builds: what a change rebuilds, and the no-op fast path that answers without loading content."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brochure import uptodate
from brochure.errors import Location, Problem
from brochure.report import BuildReport, Outcome

from .conftest import copy_project, run

KITS = {"print/presskits/summit-2026-presskit.pdf", "screen/presskits/summit-2026-presskit.pdf"}
IN_PROCESS_BUILD = """
import sys
from brochure.cli import main
try:
    main(["--root", sys.argv[1], "build", "--timings"])
except SystemExit as done:
    assert not done.code, done.code
loaded = [m for m in ("yaml", "jinja2", "weasyprint", "brochure.content", "brochure.pipeline") if m in sys.modules]
print("loaded:", ",".join(loaded))
"""


def built_copy(built: Path, target: Path) -> Path:
    """The built sample with its dist/, file times kept: the state an editor's checkout is in."""
    root = copy_project(target, built)
    shutil.copytree(built / "dist", root / "dist", copy_function=shutil.copy2)
    return root


def edit(path: Path, old: str, new: str, age: float = 0.0) -> None:
    """Replace text; `age` seconds back-dates the modification, as if the editor had saved a while ago."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    if age:
        moment = time.time_ns() - int(age * 1e9)
        os.utime(path, ns=(moment, moment))


def to_rebuild(root: Path) -> set[str]:
    return {line.split(" ", 1)[1].split(":", 1)[0] for line in run(root, "status").output.splitlines()
            if line.startswith("rebuild ")}


def documents(manifest: list[dict], **match: str) -> set[str]:
    return {item["path"] for item in manifest if item["kind"] != "bundle" and item["event"] is None
            and all(item[key] == value for key, value in match.items())}


def test_a_change_rebuilds_exactly_what_depends_on_it(built: Path, manifest: list[dict], tmp_path: Path) -> None:
    root = built_copy(built, tmp_path / "copy")
    assert to_rebuild(root) == set()
    text = root / "content/sejong/ja.md"
    edit(text, "この8年間で", "この十数年で")
    assert to_rebuild(root) == documents(manifest, language="ja") | KITS
    edit(text, "この十数年で", "この8年間で")
    edit(root / "layouts/factsheet.css", "html { font-size: 8.8pt; }", "html { font-size: 8.7pt; }")
    assert to_rebuild(root) == documents(manifest, kind="factsheet") | KITS
    edit(root / "layouts/factsheet.css", "html { font-size: 8.7pt; }", "html { font-size: 8.8pt; }")
    edit(root / "content/sejong/facts.yaml", "central_orgs: {kind: count, value: 43}",
         "central_orgs: {kind: count, value: 44}")
    assert to_rebuild(root) == documents(manifest, government="sejong") | KITS
    edit(root / "content/sejong/facts.yaml", "value: 44}", "value: 43}")
    edit(root / "events/summit-2026.yaml", "place: Sejong Government Complex", "place: Sejong City Hall")
    assert to_rebuild(root) == KITS


def test_no_op_build_is_answered_without_loading_content(built: Path, manifest: list[dict], tmp_path: Path) -> None:
    root = built_copy(built, tmp_path / "copy")
    assert "0 built, 22 up to date" in run(root, "build").output  # the full check; it records the clean build
    assert (root / uptodate.RECORD).is_file()

    def build_in_fresh_process() -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", IN_PROCESS_BUILD, str(root)], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stderr, done.stdout.split("loaded:", 1)[1].strip()

    output, loaded = build_in_fresh_process()
    assert "0 built, 22 up to date, 0 failed" in output and loaded == ""
    # An edit saved a while ago (outside the racy window) is seen: the fast path must not answer.
    edit(root / "content/sejong/ja.md", "この8年間で", "この十数年で", age=10)
    output, loaded = build_in_fresh_process()
    assert "6 built, 16 up to date" in output and "brochure.pipeline" in loaded  # 4 documents, 2 kits
    stages = output.split("Seconds per stage, summed over workers: ", 1)[1].split("\n", 1)[0]
    assert {"load", "plan", "startup", "html", "layout", "write", "finish", "preflight", "store", "assemble"} <= {
        item.split(" ")[0] for item in stages.split(", ")}
    output, loaded = build_in_fresh_process()
    assert "0 built, 22 up to date" in output and loaded == ""
    # A damaged output is rebuilt, not trusted.
    pdf = root / "dist/screen/sejong/sejong-factsheet-en.pdf"
    pdf.write_bytes(pdf.read_bytes()[:-10])
    output, _ = build_in_fresh_process()
    assert "1 built, 21 up to date" in output


@pytest.fixture()
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder shaped like a project, enough for signatures; its own code folder, in case the
    package's modules were saved a moment ago."""
    monkeypatch.setattr(uptodate, "PACKAGE", tmp_path / "code")
    for name in ("content/a/en.md", "layouts/base.css", "brochure.yml", "dist/x.pdf", "code/pipeline.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
        os.utime(tmp_path / name, ns=(1, 1))  # old enough to be trusted
    return tmp_path


def remember(root: Path, request: str = "r", warnings: tuple[Problem, ...] = ()) -> None:
    report = BuildReport([Outcome("x.pdf", "built", 1, 5)], warnings=list(warnings))
    uptodate.remember(root, request, uptodate.snapshot(root), time.time_ns(), [], [root / "dist/x.pdf"], report)


def test_snapshot_sees_edits_new_and_removed_files_but_not_hidden_ones(tiny: Path) -> None:
    before = uptodate.snapshot(tiny)
    assert str(tiny / "content/a/en.md") in before and str(tiny / "dist/x.pdf") not in before
    assert str(tiny / "code/pipeline.py") in before  # the code is an input too
    (tiny / "content/a/.en.md.swp").write_text("editor state")
    assert uptodate.snapshot(tiny) == before
    (tiny / "content/a/ko.md").write_text("new")
    assert uptodate.snapshot(tiny) != before
    (tiny / "content/a/ko.md").unlink()
    assert uptodate.snapshot(tiny) == before
    (tiny / "layouts/base.css").write_text("layouts/base.cs!")  # same size
    assert uptodate.snapshot(tiny) != before
    (tiny / "content/a/loop").symlink_to(tiny / "content")  # a link loop is a file, not a folder to enter
    assert str(tiny / "content/a/loop") in uptodate.snapshot(tiny)


def test_recall_answers_only_while_nothing_changed(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warning = Problem(Location("content/a/ko.md", 3), "stale translation")
    remember(tiny, warnings=(warning,))
    known = uptodate.recall(tiny, "r")
    assert known is not None and [(o.name, o.status, o.pages, o.size) for o in known.outcomes] == [("x.pdf", "fresh", 1, 5)]
    assert known.warnings == [warning]
    assert uptodate.recall(tiny, "other options") is None
    (tiny / "dist/x.pdf").write_text("dist/x.pdX")
    assert uptodate.recall(tiny, "r") is None
    remember(tiny)
    (tiny / "dist/x.pdf").unlink()
    assert uptodate.recall(tiny, "r") is None
    remember(tiny)
    (tiny / "content/a/en.md").touch()
    assert uptodate.recall(tiny, "r") is None
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    unpinned = uptodate.request_key({"command": "build"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert uptodate.request_key({"command": "build"}) != unpinned  # the date is printed into every PDF


def test_a_file_saved_just_before_the_build_is_never_vouched_for(tiny: Path) -> None:
    (tiny / "content/a/en.md").write_text("saved a moment ago")
    remember(tiny)
    assert not (tiny / uptodate.RECORD).exists()
    os.utime(tiny / "content/a/en.md", ns=(1, 1))
    remember(tiny)
    assert uptodate.recall(tiny, "r") is not None


def test_a_change_during_the_build_voids_the_record(tiny: Path) -> None:
    before = uptodate.snapshot(tiny)
    (tiny / "content/a/en.md").write_text("edited while the build ran")
    os.utime(tiny / "content/a/en.md", ns=(1, 1))
    uptodate.remember(tiny, "r", before, time.time_ns(), [], [], BuildReport())
    assert not (tiny / uptodate.RECORD).exists()


def test_a_watch_session_rebuilds_what_a_fresh_build_makes(project: Path, tmp_path: Path) -> None:
    """Workers, loaded governments and digests kept between rebuilds never serve stale files."""
    from brochure.config import load_config, select
    from brochure.pipeline import Session, build

    def selection(root: Path):  # type: ignore[no-untyped-def]
        return select(load_config(root), ("en",), ("sejong",))

    session = Session()
    try:
        build(selection(project), profiles=("screen",), jobs=1, session=session)
        workers = session.workers
        assert [o.status for o in build(selection(project), profiles=("screen",), jobs=1, session=session).outcomes] \
            == ["fresh", "fresh"]
        # Saved a while ago, so that every cache may trust the files' signatures.
        edit(project / "layouts/factsheet.css", "html { font-size: 8.8pt; }", "html { font-size: 8.6pt; }", age=10)
        edit(project / "content/sejong/en.md", "We developed Sejong Creative Village", "We built Sejong Creative Village",
             age=10)
        report = build(selection(project), profiles=("screen",), jobs=1, session=session)
        assert [o.status for o in report.outcomes] == ["built", "built"] and session.workers is workers
        assert "startup" not in report.stages  # the same worker, WeasyPrint already imported
    finally:
        session.close()
    fresh = copy_project(tmp_path / "fresh", project)
    build(selection(fresh), profiles=("screen",), jobs=1)
    for name in ("screen/sejong/sejong-factsheet-en.pdf", "screen/sejong/sejong-brochure-en.pdf"):
        assert (project / "dist" / name).read_bytes() == (fresh / "dist" / name).read_bytes(), name
