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
