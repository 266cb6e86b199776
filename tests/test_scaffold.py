"""New governments: scaffolded drafts build at once; layouts adapt to 3 and 6 themes; kits span governments."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pypdf import PdfReader

from .conftest import run

LANGUAGES = ("en", "ko", "zh-Hans", "ja", "tr")


def test_a_scaffolded_government_builds_at_once_marked_as_draft(project: Path) -> None:
    result = run(project, "new", "testville")
    assert result.exit_code == 0, result.output
    assert "testville" in (project / "brochure.yml").read_text()
    assert run(project, "check").exit_code == 0
    result = run(project, "build", "--government", "testville", "--lang", "en", "--profile", "screen")
    assert result.exit_code == 0, result.output
    for kind, pages in (("brochure", 8), ("factsheet", 1)):
        reader = PdfReader(project / f"dist/screen/testville/testville-{kind}-en.pdf")
        assert len(reader.pages) == pages
        assert all("DRAFT" in page.extract_text() for page in reader.pages)


def test_new_refuses_an_existing_government(project: Path) -> None:
    result = run(project, "new", "sejong")
    assert result.exit_code == 2 and "content/sejong: already exists" in result.output


def fictional_variant(root: Path, slug: str, theme_ids: list[str]) -> None:
    """A fictional government made from the sample: Sejong's texts under another name, with these themes."""
    source = root / "content" / "sejong"
    target = root / "content" / slug
    target.mkdir()
    facts = (source / "facts.yaml").read_text()
    themes = "".join(f"  - {{id: {tid}, icon: {'globe' if i % 2 else 'generic'}}}\n" for i, tid in enumerate(theme_ids))
    facts = re.sub(r"(?ms)^themes:\n(  - .*?\n)+", "themes:\n" + themes, facts)
    (target / "facts.yaml").write_text(facts.replace("#1f4e8c", "#7a2048").replace("[100, 62, 0, 18]", "[20, 100, 30, 30]"))
    for tag in LANGUAGES:
        text = (source / f"{tag}.md").read_text()
        head, body = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(head)
        meta["name"] = meta["short_name"] = f"{slug.title()} (fictional)"
        meta.pop("translated_from", None)
        sample = meta["themes"]["local-food"]
        meta["themes"] = {tid: sample for tid in theme_ids}
        meta["figures"] = {k: v for k, v in meta["figures"].items() if k in ("launched", "central_orgs", "children", "smart_investment")}
        sections = re.split(r"(?m)^(?=## )", body)
        intro = next(s for s in sections if "{#intro}" in s)
        food = next(s for s in sections if "{#local-food}" in s)
        body = intro + "".join(food.replace("{#local-food}", f"{{#{tid}}}") for tid in theme_ids)
        (target / f"{tag}.md").write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
                                          + "---\n" + body)
    settings = root / "brochure.yml"
    settings.write_text(settings.read_text().replace("governments: [sejong", f"governments: [sejong, {slug}"))


def test_layouts_adapt_to_three_and_six_themes_and_kits_span_governments(project: Path) -> None:
    fictional_variant(project, "trio", ["one", "two", "three"])
    fictional_variant(project, "sextet", ["one", "two", "three", "four", "five", "six"])
    (project / "events" / "test-summit.yaml").write_text(
        "name: Test summit (fictional)\ndate: 2027-03-01\nplace: Nowhere\norganiser: Test organiser\n"
        "contact: test@example.org\nlanguage: en\nlanguages: [en, ko]\n"
        "governments:\n  - {slug: trio, documents: [factsheet, brochure]}\n  - {slug: sextet, documents: [factsheet]}\n")
    result = run(project, "presskit", "test-summit", "--profile", "screen")
    assert result.exit_code == 0, result.output
    dist = project / "dist/screen"
    for tag in ("en", "ko"):
        assert len(PdfReader(dist / f"trio/trio-brochure-{tag}.pdf").pages) == 8  # 7 planned + figures page
        assert len(PdfReader(dist / f"trio/trio-factsheet-{tag}.pdf").pages) == 1
        assert len(PdfReader(dist / f"sextet/sextet-factsheet-{tag}.pdf").pages) == 1
    kit = PdfReader(dist / "presskits/test-summit-presskit.pdf")
    assert len(kit.pages) == 2 + 1 + 8 + 1 + 8 + 1 + 1
    titles = [item.title for item in kit.outline if not isinstance(item, list)]
    assert titles == ["Contents", "Trio (fictional)", "Sextet (fictional)"]


def test_six_theme_brochure_plans_twelve_pages(project: Path) -> None:
    fictional_variant(project, "sextet", ["one", "two", "three", "four", "five", "six"])
    result = run(project, "build", "--government", "sextet", "--lang", "ja", "--profile", "print")
    assert result.exit_code == 0, result.output
    assert len(PdfReader(project / "dist/print/sextet/sextet-brochure-ja.pdf").pages) == 12
