"""Robustness: kill -9 mid-build, concurrent builds, --keep-going, --jobs determinism, fuzzed input.

Every bug these tests found is also pinned by one concrete input (the `bad content` cases below).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from brochure.config import Config, load_config, select
from brochure.content import load_project
from brochure.errors import BrochureError, Problems
from brochure.languages import LANGUAGES, format_figure
from brochure.markup import check_markdown, render_markdown
from brochure.pipeline import build, build_lock
from brochure.sourcemap import load_yaml

from .conftest import ROOT, copy_project, run

SCREEN_EN = ("--lang", "en", "--profile", "screen")
DOCUMENTS_EN = ("screen/sejong/sejong-brochure-en.pdf", "screen/sejong/sejong-factsheet-en.pdf")
LOCK_MESSAGE = "another build is running in this project"
SENTENCE = "Over the past eight years"
PROBLEM_LINE = re.compile(r"^[^:\n]+(:\d+)?: .+")
TAGS = tuple(LANGUAGES)


# --- helpers -------------------------------------------------------------------------------------

def command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "brochure", "--root", str(root), "build", *args]


def build_process(root: Path, *args: str, **options) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(command(root, *args), capture_output=True, text=True, timeout=180, cwd=ROOT, **options)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_of(dist: Path) -> dict[str, str]:
    """sha256 of every file under dist/, by path relative to it."""
    return {p.relative_to(dist).as_posix(): sha256(p) for p in sorted(dist.rglob("*")) if p.is_file()}


def is_temporary(name: str) -> bool:
    return re.fullmatch(r"\..+\.tmp\d*", name.rsplit("/", 1)[-1]) is not None


def manifest_entries(dist: Path) -> dict[str, dict]:
    data = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    return {item["path"]: item for item in data["outputs"]}


def assert_consistent(dist: Path, must_exist: tuple[str, ...] = ()) -> dict[str, dict]:
    """dist/ is what a crash may leave: a parseable manifest whose every entry is a complete file."""
    entries = manifest_entries(dist)
    for name, item in entries.items():
        assert ".tmp" not in name, f"manifest lists a temporary file {name}"
        path = dist / name
        assert path.is_file(), f"manifest lists {name}, which does not exist"
        data = path.read_bytes()
        assert len(data) == item["bytes"], f"{name}: {len(data)} bytes on disk, {item['bytes']} in the manifest"
        assert hashlib.sha256(data).hexdigest() == item["sha256"], f"{name}: sha256 differs from the manifest"
        if name.endswith(".pdf"):
            assert len(PdfReader(path).pages) == item["pages"], f"{name}: page count differs from the manifest"
    for path in dist.rglob("*.pdf"):
        # Every finished name holds a complete file: replaced by rename, never written in place.
        if path.is_file() and not is_temporary(path.name):
            assert path.read_bytes().rstrip().endswith(b"%%EOF"), f"{path} is truncated"
    for name in must_exist:
        assert (dist / name).is_file(), f"{name} disappeared"
    return entries


def kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


# --- 1. kill -9 at random moments ------------------------------------------------------------------

def test_kill_minus_nine_at_random_moments_leaves_dist_consistent(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    dist = root / "dist"
    started = time.perf_counter()
    first = build_process(root, *SCREEN_EN)
    duration = time.perf_counter() - started
    assert first.returncode == 0, first.stderr
    good_files = files_of(dist)
    good_entries = assert_consistent(dist, DOCUMENTS_EN)
    assert set(good_files) == {*DOCUMENTS_EN, "manifest.json"}
    assert {name: good_files[name] for name in good_entries} == {n: e["sha256"] for n, e in good_entries.items()}

    text = root / "content" / "sejong" / "en.md"
    original = text.read_text(encoding="utf-8")
    assert SENTENCE in original
    rng = random.Random(20240521)
    words = ["nine", "ten", "eleven", "twelve", "several", "many"]
    killed = 0
    for round_ in range(6):
        text.write_text(original.replace(SENTENCE, f"Over the past {words[round_]} years"), encoding="utf-8")
        process = subprocess.Popen(command(root, *SCREEN_EN, "--force"), cwd=ROOT, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(rng.uniform(0.05, duration))
        finally:
            kill_group(process)  # the whole process group: the build and its workers
        killed += process.returncode == -signal.SIGKILL
        entries = assert_consistent(dist, DOCUMENTS_EN)
        assert set(entries) <= set(good_entries), f"round {round_}: unexpected entries {set(entries) - set(good_entries)}"
        for name in DOCUMENTS_EN:
            # Each document is still there, the good one or a complete newer one (PdfReader reads it).
            assert len(PdfReader(dist / name).pages) == good_entries[name]["pages"], f"round {round_}: {name}"
    assert killed >= 2, f"only {killed} of 6 builds were still running when killed"

    final = build_process(root, *SCREEN_EN)
    assert final.returncode == 0, final.stderr
    entries = assert_consistent(dist, DOCUMENTS_EN)
    assert set(entries) == set(DOCUMENTS_EN)
    # Whatever the kills left, the final build brought the brochure up to date with the last edit.
    words_in_pdf = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(dist / DOCUMENTS_EN[0]).pages)
    assert f"Over the past {words[5]} years" in words_in_pdf


def test_crash_before_any_rename_leaves_dist_consistent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic version of the kill test: the state of dist/ just before each rename of a build is what
    a crash at that moment leaves, so it is checked at every os.replace of one (in-process) build.

    Between renaming a new PDF into place and renaming the new manifest into place, the manifest
    describes the previous PDF: a window of a few milliseconds that the random kills above rarely hit.
    """
    root = copy_project(tmp_path / "project")
    assert run(root, "build", *SCREEN_EN).exit_code == 0
    dist = root / "dist"
    text = root / "content" / "sejong" / "en.md"
    text.write_text(text.read_text(encoding="utf-8").replace(SENTENCE, "Over the past nine years"), encoding="utf-8")
    real_replace = os.replace
    renames: list[str] = []
    failures: list[str] = []

    def replace(source, target):  # type: ignore[no-untyped-def]
        try:
            assert_consistent(dist, DOCUMENTS_EN)
        except AssertionError as error:
            failures.append(f"a crash after renaming {', '.join(renames) or 'nothing'} and before renaming "
                            f"{Path(target).name} leaves: {error}")
        renames.append(Path(target).name)
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    build(select(load_config(root), ("en",)), ("screen",), force=True)
    monkeypatch.setattr(os, "replace", real_replace)
    assert {"manifest.json", *(name.rsplit("/", 1)[-1] for name in DOCUMENTS_EN)} <= set(renames)
    assert_consistent(dist, DOCUMENTS_EN)
    assert not failures, "\n".join(failures)


# --- 2. two builds at once ---------------------------------------------------------------------------

def test_two_builds_at_once(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    dist = root / "dist"
    processes = [subprocess.Popen(command(root, "--force", *SCREEN_EN), cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, start_new_session=True) for _ in range(2)]
    try:
        results = []
        for process in processes:
            _, stderr = process.communicate(timeout=180)
            results.append((process.returncode, stderr))
    finally:
        for process in processes:
            if process.poll() is None:
                kill_group(process)
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 1]), results
    for code, stderr in results:
        if code == 1:
            assert LOCK_MESSAGE in stderr, stderr
            assert "Traceback" not in stderr
    assert set(DOCUMENTS_EN) <= set(assert_consistent(dist, DOCUMENTS_EN))


def test_build_while_another_holds_the_lock_stops_and_writes_nothing(tmp_path: Path) -> None:
    """The deterministic half of the test above: the lock is held (by this process) for the whole build."""
    root = copy_project(tmp_path / "project")
    with build_lock(load_config(root)):
        result = build_process(root, "--force", *SCREEN_EN)
    assert result.returncode == 1, result.stderr
    assert LOCK_MESSAGE in result.stderr and "Traceback" not in result.stderr
    assert not (root / "dist").exists() or not files_of(root / "dist")


def test_kill_of_the_main_process_alone_does_not_block_later_builds(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    process = subprocess.Popen(command(root, "--force", *SCREEN_EN), cwd=ROOT, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        # Wait until the workers exist and a document is being rendered, then kill only the parent.
        while time.monotonic() < deadline:
            children = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True, text=True).stdout.split()
            if len(children) >= 2:
                break
            time.sleep(0.05)
        time.sleep(0.3)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 5  # the workers get a few seconds to notice that their parent is gone
        while group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        later = build_process(root, *SCREEN_EN)
        assert later.returncode == 0, later.stderr
        assert not group_alive(process.pid), "orphaned workers are still running"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.poll() is None:
            process.wait(timeout=30)


# --- 3. --keep-going versus stop at the first failure ----------------------------------------------

def break_brochure_layout(root: Path) -> None:
    layout = root / "layouts" / "brochure.html"
    source = layout.read_text(encoding="utf-8")
    assert "{% block body %}" in source
    layout.write_text(source.replace("{% block body %}", "{% block body %}{{ undefined_thing }}", 1), encoding="utf-8")


@pytest.mark.parametrize("keep_going", [False, True], ids=["stop-at-first", "keep-going"])
def test_keep_going_builds_what_it_can(tmp_path: Path, keep_going: bool) -> None:
    root = copy_project(tmp_path / "project")
    break_brochure_layout(root)
    dist = root / "dist"
    result = run(root, "build", *SCREEN_EN, *(["--keep-going"] if keep_going else []))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert re.search(r"^layouts/brochure\.html:\d+: .*undefined_thing", result.output, re.M), result.output
    assert re.search(r"^failed +screen/sejong/sejong-brochure-en\.pdf", result.output, re.M), result.output
    brochure, factsheet = DOCUMENTS_EN
    assert not (dist / brochure).exists()
    entries = assert_consistent(dist) if (dist / "manifest.json").exists() else {}
    assert brochure not in entries
    if keep_going:
        assert (dist / factsheet).is_file()
        assert factsheet in entries
        assert re.search(r"^built +screen/sejong/sejong-factsheet-en\.pdf", result.output, re.M), result.output
        assert "1 built, 0 up to date, 1 failed" in result.output
    else:
        # Stopping at the first failure may or may not have let the fact sheet finish; either way it is consistent.
        assert (factsheet in entries) == (dist / factsheet).is_file()


def test_stopping_at_the_first_failure_among_many_documents_ends_cleanly(tmp_path: Path) -> None:
    """Twenty documents, ten of them broken, two workers: whatever was queued behind the first
    failure (cancelled or finished, depending on timing), the build ends with its summary, exit
    status 1 and a consistent dist/."""
    root = copy_project(tmp_path / "project")
    break_brochure_layout(root)
    result = run(root, "build", "--jobs", "2")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output and re.search(r"\d+ built, 0 up to date, \d+ failed", result.output)
    assert_consistent(root / "dist")


# --- 4. determinism across --jobs --------------------------------------------------------------------

def test_output_does_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    """--jobs 1 and --jobs 2 in two copies give byte-identical dist/ (run side by side: outputs depend on the code too)."""
    selection = ("--lang", "en", "--lang", "ko", "--profile", "screen")
    roots = {jobs: copy_project(tmp_path / f"jobs{jobs}") for jobs in ("1", "2")}
    processes = {jobs: subprocess.Popen(command(root, *selection, "--jobs", jobs), cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True) for jobs, root in roots.items()}
    for process in processes.values():
        _, stderr = process.communicate(timeout=180)
        assert process.returncode == 0, stderr
    files1, files2 = (files_of(roots[jobs] / "dist") for jobs in ("1", "2"))
    assert len(files1) == 5, files1  # four PDFs and the manifest
    assert files1.keys() == files2.keys()
    different = [name for name in files1 if files1[name] != files2[name]]
    assert not different, f"differ between --jobs 1 and --jobs 2: {different}"
    assert (roots["1"] / "dist" / "manifest.json").read_bytes() == (roots["2"] / "dist" / "manifest.json").read_bytes()


# --- 5. fuzzing ----------------------------------------------------------------------------------------

@contextlib.contextmanager
def only_brochure_errors() -> Iterator[None]:
    """Let BrochureError through, each problem as `path:line: message`; anything else fails the example."""
    try:
        yield
    except BrochureError as error:
        for problem in error.problems:
            assert PROBLEM_LINE.match(str(problem)), str(problem)


MARKDOWN_PIECES = st.sampled_from([
    "![", "](", ")", "[", "]", "<", ">", "<b>", "</p>", "<!--", "-->", "<https://x.org>", "<mailto:a@b.c>", "<a@b.c>",
    "https://", "http://", "mailto:", "javascript:", "data:", "ftp:", "\n", "\n\n", "  ", "\t", "#", "## ", "{#x}",
    "*", "**", "_", "`", "```", "    ", "> ", "1. ", "- ", "{", "}", "{children}", "&", "&#0;", "&amp;", "\\", "\x00",
    "../", "../../", "/", ".png", ".jpg", ".svg", "a.png", "../../assets/icons/globe.svg", "세종", "세종시는", "(", " ,",
    "「", "“", "”", '"', "'", "--", "---", "...", "|", "=", "\r", "\u2028", "\ufeff", "\u00a0", "a" * 300,
])
markdown_pieces = st.lists(st.one_of(st.text(max_size=5), MARKDOWN_PIECES), max_size=40).map("".join)
#: Links and images with arbitrary targets: the part of the Markdown check that touches the file system.
markdown_links = st.builds("{}[{}]({})".format, st.sampled_from(["", "!"]), st.text(max_size=5),
                           st.one_of(st.text(), markdown_pieces))
markdown_text = st.one_of(st.text(), markdown_pieces, markdown_links)

YAML_PIECES = st.sampled_from([
    "", "~", "null", "[]", "{}", "[[a]]", "{a: [1]}", "? [a]\n: b", "2001-02-30", "2012-07", "0000-01", "2012-07-01",
    "!!int x", "!!float x", "!!timestamp x", "!foo x", "!!binary x", "&a [*a]", "*nope", "<<: {a: 1}", ".nan", "-.inf",
    "1e400", "'x'", '"a\\nb"', "yes", "12345678901234567890", "-5", "0x1F", "0o17", "1_000", "{kind: month, value: 0000-01}",
    "{kind: count, value: [1]}", "[launched, [x]]", "{id: a}", "- a", ":", "- {id: x, icon: ../../fonts/x, figure: y}",
    "{cmyk: [.nan, 0, 0, 0], rgb: '#000000'}", "\t", "'", '"', "|", ">", "%YAML 1.1", "---", "...", "#",
])
yaml_text = st.one_of(st.text(), st.lists(st.one_of(st.text(max_size=4), YAML_PIECES), max_size=12).map(" ".join))

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def fuzz_config(fuzz_root: Path) -> Config:
    return load_config(fuzz_root)


@FUZZ
@given(text=yaml_text)
def test_fuzz_load_yaml_raises_only_brochure_errors(text: str) -> None:
    with only_brochure_errors():
        doc = load_yaml(text, "x.yaml")
        assert doc.path == "x.yaml"


@pytest.mark.parametrize("tag", TAGS)
@FUZZ
@given(body=markdown_text, links=st.booleans())
def test_fuzz_markdown_raises_only_brochure_errors(fuzz_config: Config, tag: str, body: str, links: bool) -> None:
    path = fuzz_config.root / "content" / "sejong" / "en.md"
    problems = Problems()
    with only_brochure_errors():
        check_markdown(fuzz_config, path, body, 1, tag, problems)
    for problem in problems.items:
        assert PROBLEM_LINE.match(str(problem)), str(problem)
    html = None
    with only_brochure_errors():
        html = render_markdown(body, tag, lambda s: s, links)
    assert html is None or isinstance(html, str)
    if html and not links:
        assert "<a " not in html


FIGURE_VALUES = {
    "count": st.integers(0, 10**15),
    "money": st.integers(0, 10**15),
    "percent": st.floats(0, 1, allow_nan=False),
    "year": st.integers(1, 9999),
    "month": st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1, 9999), st.integers(1, 12)),
}


@pytest.mark.parametrize("kind", sorted(FIGURE_VALUES))
@FUZZ
@given(data=st.data())
def test_fuzz_format_figure_formats_every_valid_value(kind: str, data: st.DataObject) -> None:
    value = data.draw(FIGURE_VALUES[kind], label="value")
    for tag in TAGS:
        formatted = format_figure(kind, value, tag, "KRW")
        assert isinstance(formatted, str) and formatted.strip(), (kind, value, tag, formatted)


FACTS = (ROOT / "content" / "sejong" / "facts.yaml").read_text(encoding="utf-8")
FACT_LINES = FACTS.split("\n")


@st.composite
def mutated_facts(draw: st.DrawFn) -> str:
    """The sample facts.yaml with one line deleted or replaced by arbitrary (or YAML-ish) text."""
    lines = list(FACT_LINES)
    index = draw(st.integers(0, len(lines) - 1), label="line")
    key = re.match(r"^(\s*(?:- )?[\w-]+:\s*)", lines[index])
    choices = [st.none(), st.text(), yaml_text]
    if key:
        choices.append(yaml_text.map(lambda value: key[1] + value))
    replacement = draw(st.one_of(*choices), label="replacement")
    if replacement is None:
        del lines[index]
    else:
        lines[index] = replacement
    return "\n".join(lines)


@contextlib.contextmanager
def edited(path: Path, text: str) -> Iterator[None]:
    original = path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")


@FUZZ
@given(facts=mutated_facts())
def test_fuzz_facts_yaml_gives_located_problems(fuzz_root: Path, fuzz_config: Config, facts: str) -> None:
    with edited(fuzz_root / "content" / "sejong" / "facts.yaml", facts), only_brochure_errors():
        try:
            load_project(fuzz_config)
        except BrochureError as error:
            assert error.problems
            raise


# --- bad content the fuzzers found, one concrete input each ---------------------------------------------

FOUND_BAD_CONTENT = {
    # facts.yaml: (original text, replacement)
    "yaml-control-character": ("facts.yaml", "website: https://www.sejong.go.kr", "website: https://www.sejong.go.kr\x0b"),
    "yaml-impossible-date": ("facts.yaml", "updated: 2026-11-01", "updated: 2026-11-31"),
    "yaml-bad-int-tag": ("facts.yaml", "bsi_rank: {kind: count, value: 5}", "bsi_rank: {kind: count, value: !!int five}"),
    "yaml-bad-timestamp-tag": ("facts.yaml", "updated: 2026-11-01", "updated: !!timestamp soon"),
    "yaml-unknown-tag": ("facts.yaml", "metro_units: {kind: count, value: 17}", "metro_units: {kind: count, value: !n 17}"),
    "yaml-merge-key": ("facts.yaml", "metro_units: {kind: count, value: 17}", "metro_units: {<<: {kind: count}, value: 17}"),
    "yaml-unhashable-key": ("facts.yaml", "updated: 2026-11-01", "updated: 2026-11-01\n[a]: b"),
    "yaml-recursive-alias": ("facts.yaml", "key_figures: [launched,", "key_figures: &k [*k, launched,"),
    # en.md: a line of the introduction gets something appended
    "markdown-empty-link": ("en.md", SENTENCE, SENTENCE + " [see]()"),
    "markdown-empty-image": ("en.md", SENTENCE, SENTENCE + " ![map]()"),
    "markdown-nul-in-image": ("en.md", SENTENCE, SENTENCE + " ![map](map\x00.png)"),
    "markdown-long-image-name": ("en.md", SENTENCE, SENTENCE + f" ![map]({'m' * 300}.png)"),
}


@pytest.mark.parametrize("name", sorted(FOUND_BAD_CONTENT))
def test_found_bad_content_is_reported_as_problems(fuzz_root: Path, name: str) -> None:
    file, old, new = FOUND_BAD_CONTENT[name]
    path = fuzz_root / "content" / "sejong" / file
    source = path.read_text(encoding="utf-8")
    assert old in source
    with edited(path, source.replace(old, new, 1)):
        result = run(fuzz_root, "check")
    assert isinstance(result.exception, SystemExit), "".join(traceback.format_exception(result.exception))
    assert result.exit_code in (0, 1), result.output
    for line in result.output.splitlines()[:-1]:
        assert PROBLEM_LINE.match(line), line


def test_month_of_year_zero_is_rejected_when_loading(fuzz_root: Path, fuzz_config: Config) -> None:
    path = fuzz_root / "content" / "sejong" / "facts.yaml"
    with edited(path, FACTS.replace("value: 2012-07}", "value: 0000-07}")), pytest.raises(BrochureError) as raised:
        load_project(fuzz_config)
    assert [str(p) for p in raised.value.problems] == [
        "content/sejong/facts.yaml:15: a month is written YYYY-MM, not '0000-07'"]
