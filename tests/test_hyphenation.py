"""Turkish hyphenation from the TDK syllable rules, through Pyphen and in WeasyPrint's PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pyphen
import pytest

from brochure.hyphenation import register_turkish, turkish_patterns

PARAGRAPH = ("Belediyemiz geliştirilmesi planlanan kütüphanelerimizin kontrolü ve yönetilmesi konusunda "
             "vatandaşlarımızın görüşlerini önemsemektedir. İstanbul’daki uygulamalarımız Türkçe yayımlanmaktadır.")


@pytest.fixture()
def turkish(tmp_path: Path) -> Path:
    return register_turkish(tmp_path)


@pytest.mark.parametrize(("word", "expected"), [
    ("araba", "a-ra-ba"), ("ılık", "ı-lık"), ("saat", "sa-at"), ("IŞIK", "I-ŞIK"),  # syllables, single letters kept
])
def test_syllables(turkish: Path, word: str, expected: str) -> None:
    assert pyphen.Pyphen(lang="tr", left=1, right=1).inserted(word) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("araba", "ara-ba"), ("birlik", "bir-lik"), ("Türkçe", "Türk-çe"), ("kontrol", "kont-rol"), ("saat", "sa-at"),
    ("geliştirilmesi", "ge-liş-ti-ril-me-si"), ("İstanbul", "İs-tan-bul"), ("ılık", "ılık"), ("İZMİR", "İZ-MİR"),
    ("GELİŞTİRİLMESİ", "GE-LİŞ-Tİ-RİL-ME-Sİ"), ("program", "prog-ram"), ("strateji", "stra-te-ji"), ("spor", "spor"),
    ("başöğretmen", "ba-şöğ-ret-men"), ("uçurtma", "uçurt-ma"), ("müdafaa", "mü-da-faa"), ("Edirne'nin", "Edir-ne'nin"),
    ("meş'ale", "meş'a-le"), ("transformatör", "trans-for-ma-tör"),
])
def test_line_breaks_follow_tdk(turkish: Path, word: str, expected: str) -> None:
    # TDK: no single letter left at a line's end or start, i.e. hyphenate-limit-chars' 2 and 2 (WeasyPrint's default).
    assert pyphen.Pyphen(lang="tr", left=2, right=2).inserted(word) == expected
    assert pyphen.language_fallback("tr-TR") == "tr"


def test_dictionary_is_generated_and_rewritten_only_when_changed(tmp_path: Path) -> None:
    path = register_turkish(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "UTF-8" and lines[1:] == turkish_patterns() == sorted(set(lines[1:]))
    stamp = path.stat().st_mtime_ns
    assert register_turkish(tmp_path) == path and path.stat().st_mtime_ns == stamp
    path.write_text("UTF-8\n", encoding="utf-8")
    assert register_turkish(tmp_path).read_text(encoding="utf-8").splitlines() == lines
    assert [p.name for p in tmp_path.iterdir()] == ["hyph_tr.dic"]


def test_weasyprint_hyphenates_turkish(turkish: Path) -> None:
    import weasyprint
    from pypdf import PdfReader

    html = (f"<html lang='tr'><body style='width:25mm;hyphens:auto;font-family:\"Noto Sans\";margin:0'>"
            f"<p>{PARAGRAPH}</p></body></html>")
    reader = PdfReader(io.BytesIO(weasyprint.HTML(string=html).write_pdf()))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines() if line.strip()]
    assert "-" not in PARAGRAPH and "\u2010" not in PARAGRAPH
    broken = [(line, following) for line, following in zip(lines, lines[1:]) if line.endswith(("-", "\u2010"))]
    assert broken, lines
    dictionary = pyphen.Pyphen(lang="tr")
    words = {word.strip(".,") for word in PARAGRAPH.split()}
    for line, following in broken:  # each break splits a word of the paragraph where the TDK rules allow
        head, tail = line.split()[-1][:-1], following.split()[0].strip(".,")
        assert head + tail in words and (head, tail) in list(dictionary.iterate(head + tail))
