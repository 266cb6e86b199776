"""Translation status: one edited English sentence makes exactly that section stale elsewhere."""

from __future__ import annotations

from pathlib import Path

from .conftest import run


def test_editing_one_sentence_marks_that_section_stale_in_every_translation(project: Path) -> None:
    assert "translation of" not in run(project, "status").output
    source = project / "content/sejong/en.md"
    text = source.read_text()
    source.write_text(text.replace("We developed Sejong Creative Village", "We built Sejong Creative Village"))
    lines = [line for line in run(project, "status").output.splitlines() if "translation of" in line]
    assert sorted(lines) == sorted(f"content/sejong/{tag}.md: stale translation of 'local-food'"
                                   for tag in ("ko", "zh-Hans", "ja", "tr"))
    output = run(project, "status").output
    assert "-We developed Sejong Creative Village" in output and "+We built Sejong Creative Village" in output
    assert run(project, "review", "sejong", "ja", "local-food").exit_code == 0
    lines = [line for line in run(project, "status").output.splitlines() if "translation of" in line]
    assert "content/sejong/ja.md: stale translation of 'local-food'" not in lines and len(lines) == 3


def test_status_says_why_an_output_would_be_rebuilt(project: Path) -> None:
    assert "rebuild print/sejong/sejong-brochure-en.pdf: never built" in run(project, "status").output


def test_build_warns_about_stale_translations_and_fails_on_them_with_strict(project: Path) -> None:
    source = project / "content/sejong/en.md"
    source.write_text(source.read_text().replace("We developed Sejong Creative Village", "We built Sejong Creative Village"))
    line = next(n for n, text in enumerate((project / "content/sejong/ja.md").read_text().split("\n"), 1)
                if "{#local-food}" in text)
    expected = (f"content/sejong/ja.md:{line}: stale translation of 'local-food': the source changed (en); "
                "update it, then run `brochure review sejong ja local-food`")
    strict = run(project, "build", "--strict", "--lang", "ja", "--profile", "screen")
    assert strict.exit_code == 1 and expected in strict.output
    assert not (project / "dist").exists()
    lenient = run(project, "build", "--lang", "ja", "--profile", "screen", "--government", "sejong")
    assert lenient.exit_code == 0 and f"warning: {expected}" in lenient.output


def test_progress_is_live_on_a_terminal_and_plain_lines_otherwise(project: Path) -> None:
    import os
    import pty
    import subprocess
    import sys
    args = [sys.executable, "-m", "brochure", "--root", str(project), "build", "--lang", "en", "--profile", "screen",
            "--government", "sejong"]
    controller, terminal = pty.openpty()
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(120) == 0
    os.close(controller)
    live = shown.decode()
    assert "\r\x1b[K[1/2]" in live and "now:" in live  # done/total, documents in progress, elapsed seconds
    assert "screen/sejong/sejong-brochure-en.pdf" in live and "2 built, 0 up to date, 0 failed" in live
    (project / "content/sejong/en.md").write_text((project / "content/sejong/en.md").read_text() + "\n")
    plain = subprocess.run([*args, "--force"], capture_output=True, text=True, check=True).stderr
    assert "\x1b" not in plain and "built   screen/sejong/sejong-factsheet-en.pdf" in plain


def test_the_previewed_document_is_rebuilt_first(project: Path) -> None:
    from brochure.config import load_config, select
    from brochure.pipeline import build
    started: list[str] = []
    config = select(load_config(project), ("en",), ("sejong",))
    wanted = "screen/sejong/sejong-factsheet-en.pdf"
    build(config, ("print", "screen"), jobs=1, first=wanted,
          progress=lambda event, name, outcome: started.append(name) if event == "start" else None)
    assert started[0] == wanted and len(started) == 4  # the press kit needs every language: not built here
