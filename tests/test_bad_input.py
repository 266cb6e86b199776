"""A catalogue of bad input: each case breaks a copy of the real project in one way and expects
exit code 1, one exact `path:line: message` line, and no traceback.

Every case is one row of CASES: an id, a mutation and the expected line. A mutation is a function
of the project folder; it returns the line number it broke (or None), which fills `{line}` in the
expected text, so the cases keep working when the sample content is edited.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from brochure.cli import main

REPO = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("brochure.yml", "content", "events", "layouts", "assets", "fonts")
FACTS = "content/sejong/facts.yaml"
EN, KO, TR = "content/sejong/en.md", "content/sejong/ko.md", "content/sejong/tr.md"
FACTSHEET = "layouts/factsheet.html"

CHECK = ("check",)
BUILD = ("build", "--lang", "en", "--profile", "screen", "--government", "sejong")

Mutation = Callable[[Path], "int | None"]


# --- mutations ---------------------------------------------------------------------------------
# The per-test project shares files with the session template through hard links: never write
# into an existing file, replace it (unlink first).

def _write(path: Path, data: str | bytes) -> None:
    path.unlink(missing_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def line_of(project: Path, name: str, needle: str) -> int:
    text = (project / name).read_text(encoding="utf-8")
    assert needle in text, f"{needle!r} not in {name}"
    return _line_at(text, text.index(needle))


def edit(name: str, old: str, new: str) -> Mutation:
    """Replace the first `old` in a file by `new`; the line is where `new` starts."""
    def mutate(project: Path) -> int:
        text = (project / name).read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}; update the case to the sample content"
        index = text.index(old)
        _write(project / name, text[:index] + new + text[index + len(old):])
        return _line_at(text, index)
    return mutate


def under_intro(name: str, markdown: str, blank_line: bool = False) -> Mutation:
    """Put a line of Markdown first in the intro section, directly under its heading
    (or, with `blank_line`, as its own paragraph after a blank line)."""
    def mutate(project: Path) -> int:
        text = (project / name).read_text(encoding="utf-8")
        heading = text.index("{#intro}")
        index = text.index("\n", heading) + 1
        insert = ("\n" + markdown + "\n") if blank_line else (markdown + "\n")
        _write(project / name, text[:index] + insert + text[index:])
        return _line_at(text, index) + (1 if blank_line else 0)
    return mutate


def then(*steps: Mutation, line: Callable[[Path], int | None] | None = None) -> Mutation:
    """Several steps; the line is that of the last step unless `line` says where it is reported."""
    def mutate(project: Path) -> int | None:
        result = None
        for step in steps:
            result = step(project)
        return line(project) if line else result
    return mutate


def write(name: str, data: str | bytes | Callable[[Path], bytes]) -> Mutation:
    def mutate(project: Path) -> None:
        _write(project / name, data(project) if callable(data) else data)
    return mutate


def delete(name: str) -> Mutation:
    def mutate(project: Path) -> None:
        (project / name).unlink()
    return mutate


def symlink_outside(name: str) -> Mutation:
    """Make a content file a symlink to a copy of itself that lies outside the project."""
    def mutate(project: Path) -> None:
        outside = project.parent / "outside" / Path(name).name
        outside.parent.mkdir(exist_ok=True)
        outside.write_bytes((project / name).read_bytes())
        (project / name).unlink()
        (project / name).symlink_to(outside)
    return mutate


def png(size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


@functools.cache
def huge_png() -> bytes:
    """10,000 × 10,000 pixels (100 megapixels), about 12 KB on disk."""
    return png((10_000, 10_000), "1")


NOT_AN_IMAGE = b"Garbage bytes saved under a .png name, as a failed download leaves them.\n" * 30


def saved_as_cp1252(project: Path) -> int:
    """en.md as a Windows editor would save it; the first non-ASCII character is where decoding fails."""
    data = (project / EN).read_text(encoding="utf-8").encode("cp1252", errors="replace")
    _write(project / EN, data)
    first = next(index for index, byte in enumerate(data) if byte > 0x7F)
    return data.count(b"\n", 0, first) + 1


def twenty_megabytes(project: Path) -> bytes:
    """The real text followed by paragraphs of plain Markdown up to exactly 20,000,000 bytes."""
    head = (project / EN).read_bytes()
    filler = b"\nA paragraph of ordinary Markdown text with *emphasis* and a [link](https://example.org).\n"
    body = head + filler * ((20_000_000 - len(head)) // len(filler) + 1)
    return body[:20_000_000]


def add_image(file: str, data: bytes | Callable[[], bytes]) -> Mutation:
    return write(f"content/sejong/{file}", lambda _: data() if callable(data) else data)


# --- the catalogue -----------------------------------------------------------------------------

@dataclass
class Case:
    id: str
    mutate: Mutation
    expected: str
    command: tuple[str, ...] = CHECK
    marks: tuple[pytest.MarkDecorator, ...] = field(default_factory=tuple)


BOMB_WARNING = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")

CASES = [
    # facts.yaml: YAML itself
    Case("yaml-syntax", edit(FACTS, "website: https://www.sejong.go.kr", "website: https://www.sejong.go.kr: main"),
         FACTS + ":{line}: invalid YAML: mapping values are not allowed here"),
    Case("yaml-tab-indent", edit(FACTS, "  primary:", "\tprimary:"),
         FACTS + ":{line}: tab character; indent YAML with spaces"),
    Case("yaml-duplicate-key", edit(FACTS, "updated:", "website: https://www.sejong.go.kr/eng\nupdated:"),
         FACTS + ":{line}: duplicate key 'website'; keep one of them"),
    # facts.yaml: schema
    Case("wrong-type", edit(FACTS, "website: https://www.sejong.go.kr", "website: 5"),
         FACTS + ":{line}: 'website' must be text, not a whole number"),
    Case("unknown-key-suggestion", edit(FACTS, "colours:", "colors:"),
         FACTS + ":{line}: unknown key 'colors' in facts (did you mean 'colours'?)"),
    Case("missing-field", then(edit(FACTS, "updated: 2026-11-01\n", ""),
                               line=lambda p: line_of(p, FACTS, "website:")),  # reported at the mapping
         FACTS + ":{line}: missing field 'updated' in facts"),
    Case("money-without-currency", edit(FACTS, "smart_investment: {kind: money, value: 155800000000, currency: KRW}",
                                        "smart_investment: {kind: money, value: 155800000000}"),
         FACTS + ":{line}: money figure 'smart_investment' needs a currency such as KRW"),
    Case("percent-over-one", edit(FACTS, "children_share: {kind: percent, value: 0.236}",
                                  "children_share: {kind: percent, value: 23.6}"),
         FACTS + ":{line}: a percent is a fraction between 0 and 1 (0.236 for 23.6%), not '23.6'"),
    Case("invalid-month", edit(FACTS, "launched: {kind: month, value: 2012-07}", "launched: {kind: month, value: 2012-13}"),
         FACTS + ":{line}: a month is written YYYY-MM, not '2012-13'"),
    Case("cmyk-over-300", edit(FACTS, "primary: {cmyk: [100, 62, 0, 18]", "primary: {cmyk: [100, 100, 100, 18]"),
         FACTS + ":{line}: total ink 318% exceeds 300%; lower the values"),
    Case("too-few-themes", then(edit(FACTS, "  - {id: women-children, icon: family, figure: children_share}\n", ""),
                                edit(FACTS, "  - {id: alliances, icon: globe, figure: waca_cities}\n", ""),
                                line=lambda p: line_of(p, FACTS, "themes:")),
         FACTS + ":{line}: 2 themes; a profile has 3 to 6"),
    Case("svg-external-reference", edit("assets/icons/globe.svg", "</svg>",
                                        '<image href="https://example.org/x.png" width="4" height="4"/></svg>'),
         "assets/icons/globe.svg:{line}: external reference 'https://example.org/x.png'; an icon must be "
         "self-contained SVG (draw it, or embed nothing)"),
    Case("unknown-icon", edit(FACTS, "icon: smart-city", "icon: smart-citi"),
         FACTS + ":{line}: no icon assets/icons/smart-citi.svg (did you mean 'smart-city'?)"),
    # brochure.yml
    Case("unknown-language", edit("brochure.yml", "languages: [en, ko, zh-Hans, ja, tr]",
                                  "languages: [en, ko, zh-Hans, ja, tr, de]"),
         "brochure.yml:{line}: unknown language 'de'; valid: en, ja, ko, tr, zh-Hans"),
    # text files as files
    Case("not-utf8", saved_as_cp1252,
         EN + ":{line}: is not valid UTF-8; save the file as UTF-8"),
    Case("bom", write(EN, lambda p: b"\xef\xbb\xbf" + (p / EN).read_bytes()),
         EN + ":1: starts with a byte order mark; save it as UTF-8 without BOM"),
    Case("empty-text", write(EN, b""), EN + ": file is empty"),
    Case("missing-translation", delete(TR), TR + ": missing translation: no tr text; translate the source text into this file"),
    Case("text-20-mb", write(EN, twenty_megabytes), EN + ": file is 20 MB; text files are limited to 1 MB"),
    Case("symlink-outside", symlink_outside(TR),
         TR + ": leads outside the project (symlink?); keep content files inside it"),
    # text structure and figures
    Case("undefined-figure", edit(EN, "tagline: Sejong Special Self-Governing City gives happiness to all",
                                  "tagline: Home of {central_org} central administrative organizations"),
         EN + ":{line}: unknown figure '{{central_org}}' (did you mean 'central_orgs'?); define it under figures: in facts.yaml"),
    Case("undefined-figure-body", under_intro(EN, "Home to {childrn} children."),
         EN + ":{line}: unknown figure '{{childrn}}' (did you mean 'children'?); define it under figures: in facts.yaml"),
    Case("unknown-section", edit(EN, "{#alliances}", "{#alliance}"),
         EN + ":{line}: unknown section 'alliance' (did you mean 'alliances'?)"),
    # Markdown: HTML and links
    Case("html-script", under_intro(EN, "<script>alert('hi')</script>"),
         EN + ":{line}: raw HTML '<script>' is not allowed; write Markdown instead"),
    Case("html-iframe", under_intro(EN, '<iframe src="https://example.org/map"></iframe>'),
         EN + ":{line}: raw HTML '<iframe src=\"https://example.org/map\">' is not allowed; write Markdown instead"),
    Case("html-after-blank-line", under_intro(EN, "<script>alert('hi')</script>", blank_line=True),
         EN + ":{line}: raw HTML '<script>' is not allowed; write Markdown instead"),
    Case("link-local-file", under_intro(EN, "See [the password file](file:///etc/passwd)."),
         EN + ":{line}: link 'file:///etc/passwd' is not allowed; links go to https:// or mailto: addresses"),
    Case("link-outside", under_intro(EN, "See [our notes](../../outside)."),
         EN + ":{line}: link '../../outside' is not allowed; links go to https:// or mailto: addresses"),
    # Markdown: images
    Case("image-http", under_intro(EN, "![City hall](http://example.org/hall.png)"),
         EN + ":{line}: image 'http://example.org/hall.png' is not a project file; "
              "copy it into content/ and refer to it by a relative path"),
    Case("image-outside", under_intro(EN, "![City hall](../../../etc/x.png)"),
         EN + ":{line}: image '../../../etc/x.png' lies outside the project; keep images inside it"),
    Case("image-missing", under_intro(EN, "![City hall](hall.png)"), EN + ":{line}: image 'hall.png' not found"),
    Case("image-corrupt", then(add_image("hall.png", NOT_AN_IMAGE), under_intro(EN, "![City hall](hall.png)")),
         EN + ":{line}: image 'hall.png' cannot be read (cannot identify image file '{project}/content/sejong/hall.png'); "
              "export it again as PNG or JPEG"),
    Case("image-truncated", then(add_image("hall.png", lambda: png()[:-40]), under_intro(EN, "![City hall](hall.png)")),
         EN + ":{line}: image 'hall.png' cannot be read (Truncated File Read); export it again as PNG or JPEG"),
    Case("image-no-alt", then(add_image("hall.png", png()), under_intro(EN, "![](hall.png)")),
         EN + ":{line}: image 'hall.png' has no alternative text; write it between the brackets: ![what it shows](hall.png)"),
    Case("image-100-megapixels", then(add_image("hall.png", huge_png), under_intro(EN, "![City hall](hall.png)")),
         EN + ":{line}: image 'hall.png' is 10000 × 10000 pixels; scale it to at most 40 megapixels", marks=(BOMB_WARNING,)),
    # Korean
    Case("korean-double-space", under_intro(KO, "세종은  행정수도입니다."),
         KO + ":{line}: double space between Korean words; use one space"),
    Case("korean-long-eojeol", under_intro(KO, "세종은 " + "가" * 21 + " 도시입니다."),
         KO + ":{line}: word '가가가가가가가가가가가가…' has 21 syllables; a line cannot break inside it, add spaces"),
    # only found while building
    Case("template-syntax", edit(FACTSHEET, "<main>", "<main>{% if %}"),
         FACTSHEET + ":{line}: template error: Expected an expression, got 'end of statement block'", BUILD),
    Case("template-undefined", edit(FACTSHEET, "<main>", "<main>{{ no_such_value }}"),
         FACTSHEET + ":{line}: undefined in template: 'no_such_value' is undefined", BUILD),
    Case("glyph-no-font", under_intro(EN, "The oldest sign of writing: \U00013000."),
         EN + ":{line}: no font can draw U+13000 '\U00013000'; remove the character or add a font that has it "
              "(in dist/screen/sejong/sejong-brochure-en.pdf)", BUILD),
]


# --- fixtures and helpers ----------------------------------------------------------------------

def _copy_project(source: Path, target: Path, link: bool, extra: tuple[str, ...] = ()) -> Path:
    target.mkdir(parents=True)
    copy = os.link if link else shutil.copy2
    for part in PROJECT_PARTS + extra:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, copy_function=copy)
        elif (source / part).is_file():
            copy(source / part, target / part)
    return target


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain copy of the real project (fonts included), made once; tests hard-link it."""
    return _copy_project(REPO, tmp_path_factory.mktemp("template") / "project", link=False)


@pytest.fixture
def project_copy(template: Path, tmp_path: Path) -> Path:
    """A per-test copy of the template (hard links: mutations must replace files, see _write)."""
    return _copy_project(template, tmp_path / "project", link=True)


def run(project: Path, command: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--root", str(project), *command])


def assert_clean_failure(result, expected: str) -> None:  # type: ignore[no-untyped-def]
    output = result.output
    assert "Traceback" not in output, output
    assert isinstance(result.exception, SystemExit), (result.exception, output)
    assert result.exit_code == 1, output
    assert expected in output.splitlines(), f"expected line:\n{expected}\noutput:\n{output}"


def test_unmodified_copy_is_valid(project_copy: Path) -> None:
    """The baseline every case breaks: if this fails, fix the sample content first."""
    result = run(project_copy, CHECK)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_bad_input(project_copy: Path, case: Case) -> None:
    line = case.mutate(project_copy)
    expected = case.expected.format(line=line, project=project_copy.resolve())
    assert_clean_failure(run(project_copy, case.command), expected)


def test_catalogue_is_large_enough() -> None:
    assert len({c.id for c in CASES}) == len(CASES) >= 25


# --- a failing build leaves dist/ alone --------------------------------------------------------

@pytest.fixture(scope="session")
def built_en(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with the English screen documents built once."""
    project = _copy_project(template, tmp_path_factory.mktemp("built") / "project", link=True)
    result = run(project, BUILD)
    assert result.exit_code == 0, result.output
    return project


def dist_hashes(project: Path) -> dict[str, str]:
    dist = project / "dist"
    return {p.relative_to(dist).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dist.rglob("*")) if p.is_file()}


def manifest_entry(project: Path, name: str) -> dict[str, object]:
    outputs = json.loads((project / "dist" / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    return next(item for item in outputs if item["path"] == name)


BROCHURE_PDF = "screen/sejong/sejong-brochure-en.pdf"
# The promise of a failed build: "no file of a failed document was overwritten". When nothing can be
# built, that is all of dist/; when one document fails while another renders, the other may be updated.
DIST_CASES = [
    pytest.param(edit(FACTS, "website: https://www.sejong.go.kr", "website: https://www.sejong.go.kr: main"),
                 None, id="invalid-content"),
    pytest.param(edit(FACTSHEET, "<main>", "<main>{{ no_such_value }}"), None, id="only-document-fails"),
    pytest.param(under_intro(EN, "The oldest sign of writing: \U00013000."), BROCHURE_PDF,
                 id="one-of-two-documents-fails"),
]


@pytest.mark.parametrize(("mutate", "failed"), DIST_CASES)
def test_failed_build_leaves_dist_untouched(built_en: Path, tmp_path: Path, mutate: Mutation,
                                            failed: str | None) -> None:
    project = _copy_project(built_en, tmp_path / "project", link=True, extra=("dist",))
    before = dist_hashes(project)
    assert "manifest.json" in before and BROCHURE_PDF in before
    entry = manifest_entry(project, failed) if failed else None
    mutate(project)
    result = run(project, ("build", "--lang", "en", "--profile", "screen"))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), (result.exception, result.output)
    after = dist_hashes(project)
    if failed is None:
        assert after == before
    else:
        assert after[failed] == before[failed]
        assert manifest_entry(project, failed) == entry
