"""Locale formatting from CLDR, language rules before HTML, and Korean line breaks checked on the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from brochure.languages import format_figure
from brochure.preflight import korean_breaks
from brochure.typeset import WORD_JOINER, keep_korean_words, space_cjk_latin, typeset

LANGUAGES = ("en", "ko", "zh-Hans", "ja", "tr")


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("count", 81436, {"en": "81,436", "ko": "81,436", "zh-Hans": "81,436", "ja": "81,436", "tr": "81.436"}),
    ("percent", 0.236, {"en": "23.6%", "ko": "23.6%", "zh-Hans": "23.6%", "ja": "23.6%", "tr": "%23,6"}),
    ("money", 155_800_000_000, {"en": "KRW 155.8 billion", "ko": "1558억 원", "zh-Hans": "1558亿韩元",
                                "ja": "1558億ウォン", "tr": "155,8 milyar won"}),
    ("month", "2012-07", {"en": "July 2012", "ko": "2012년 7월", "zh-Hans": "2012年7月", "ja": "2012年7月",
                          "tr": "Temmuz 2012"}),
    ("year", 2018, dict.fromkeys(LANGUAGES, "2018")),
])
def test_figures_are_formatted_per_locale(kind: str, value: object, expected: dict[str, str]) -> None:
    for tag in LANGUAGES:
        assert format_figure(kind, value, tag, "KRW").replace("\u00a0", " ") == expected[tag]


def test_money_keeps_number_and_unit_together() -> None:
    assert "\u00a0" in format_figure("money", 155_800_000_000, "ko", "KRW")


def test_korean_words_are_joined_but_spaces_stay_breakable() -> None:
    joined = keep_korean_words("세종시는 2012년에")
    assert joined == WORD_JOINER.join("세종시는") + " " + WORD_JOINER.join("2012년에")
    assert keep_korean_words("행정-문화") == f"행{WORD_JOINER}정-문{WORD_JOINER}화"


def test_typeset_leaves_markup_and_entities_alone() -> None:
    html = '<p class="x">연구&amp;개발</p><style>p{}</style>'
    out = typeset(html, "ko")
    assert out.startswith('<p class="x">') and "&amp;" in out and out.endswith("<style>p{}</style>")


def test_japanese_gets_one_space_around_latin_words_and_none_beside_digits() -> None:
    assert space_cjk_latin("農業技術とICTを2012 年に") == "農業技術と ICT を2012年に"


def test_no_korean_line_breaks_inside_a_word_in_any_built_pdf(built: Path, manifest: list[dict]) -> None:
    from brochure.config import load_config
    from brochure.content import load_project
    from brochure.html import plain_text, render_html
    from brochure.plan import Job
    project = load_project(load_config(built))
    for item in manifest:
        if item["language"] == "ko":
            job = Job("sejong", "ko", item["kind"], item["profile"])
            source = plain_text(render_html(project, job))
            assert korean_breaks((built / "dist" / item["path"]).read_bytes(), source) == []


def test_korean_break_check_finds_a_word_split_across_lines(tmp_path: Path) -> None:
    import weasyprint
    word = "대한민국세종특별자치시행정중심복합도시"
    html = f'<html lang="ko"><body style="width:30mm;font-family:\'Noto Sans CJK KR\'">{word}</body></html>'
    data = weasyprint.HTML(string=html).write_pdf()
    assert korean_breaks(data, "대한민국세종특별자치시행정중심복합도시")
