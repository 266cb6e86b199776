"""End-to-end: the sample content builds, and the PDFs are what the manifest and the profiles promise."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from brochure.config import load_config
from brochure.content import load_project

from .conftest import copy_project, run

LANGUAGES = ("en", "ko", "zh-Hans", "ja", "tr")
SEED_FACTS_EN = ["July 2012", "17 metropolitan cities and provinces", "60%", "43 central administrative",
                 "19 public institutions", "World Administrative Cities Association (WACA)", "2018",
                 "British Standards Institution (BSI)", "top 5 smart city pilots", "KRW 155.8 billion", "2030",
                 "Sejong Creative Village", "Sejong Local Food Campaign", "Fresh Marketplace", "150 types",
                 "81,436", "23.6%", "May 2020", "women-friendly city", "2016", "UNICEF child-friendly city", "2017",
                 "5 global administrative cities", "Shanxi", "Guizhou", "Ankara", "Japan", "Stella Jeon",
                 "Governors Association of Korea", "mandookong1@gmail.com"]


def text_of(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_manifest_lists_every_document_with_matching_files(built: Path, manifest: list[dict]) -> None:
    kinds = {(m["government"], m["language"], m["kind"], m["profile"]) for m in manifest}
    expected = {("sejong", tag, kind, profile) for tag in LANGUAGES for kind in ("brochure", "factsheet")
                for profile in ("print", "screen")}
    assert expected <= kinds
    for item in manifest:
        data = (built / "dist" / item["path"]).read_bytes()
        assert item["bytes"] == len(data)
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
        if item["kind"] in ("brochure", "factsheet"):
            assert item["pages"] == len(PdfReader(built / "dist" / item["path"]).pages)
            assert item["pages"] == (1 if item["kind"] == "factsheet" else 8)
            assert item["event"] is None


def test_english_brochure_carries_every_seed_fact(built: Path) -> None:
    text = text_of(built / "dist/screen/sejong/sejong-brochure-en.pdf")
    missing = [fact for fact in SEED_FACTS_EN if fact not in text]
    assert not missing


@pytest.mark.parametrize(("tag", "facts"), [
    ("ko", ["세종특별자치시", "81,436명", "23.6%", "2012년 7월", "1558억 원"]),
    ("ja", ["世宗特別自治市", "81,436人", "2012年7月", "1558億ウォン"]),
    ("zh-Hans", ["世宗特别自治市", "81,436名", "2012年7月", "1558亿韩元"]),
    ("tr", ["Sejong", "81.436", "%23,6", "Temmuz 2012", "155,8 milyar won"]),
])
def test_translations_carry_locale_formatted_facts(built: Path, tag: str, facts: list[str]) -> None:
    text = text_of(built / f"dist/screen/sejong/sejong-brochure-{tag}.pdf").replace("\u2060", "")
    assert [f for f in facts if f not in text.replace("\u00a0", " ")] == []
    assert "\u2060" not in PdfReader(built / f"dist/screen/sejong/sejong-brochure-{tag}.pdf").pages[1].extract_text()


@pytest.mark.parametrize(("tag", "face"), [("ko", "Noto-Sans-CJK-KR"), ("ja", "Noto-Sans-CJK-JP"),
                                           ("zh-Hans", "Noto-Sans-CJK-SC"), ("en", "Noto-Sans"), ("tr", "Noto-Sans")])
def test_each_language_is_set_in_its_own_face(built: Path, tag: str, face: str) -> None:
    output = subprocess.run(["pdffonts", str(built / f"dist/print/sejong/sejong-brochure-{tag}.pdf")],
                            capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+")[-1] for line in output.splitlines()[2:]}
    assert names <= {face, face + "-Bold"}
    for line in output.splitlines()[2:]:
        assert line.split()[-5] == "yes" and line.split()[-4] == "yes"  # embedded, subset


@pytest.mark.parametrize("tag", ["ko", "ja", "zh-Hans"])
def test_cjk_subsets_keep_few_empty_glyph_slots(built: Path, tag: str) -> None:
    """WeasyPrint keeps every glyph ID below the highest one used; fonts/ lists everyday characters
    first (tools/make_fonts.py), so a fact sheet's subsets stay a few thousand slots long."""
    import io

    from fontTools.ttLib import TTFont
    with pikepdf.open(built / f"dist/screen/sejong/sejong-factsheet-{tag}.pdf") as pdf:
        fonts = [TTFont(io.BytesIO(obj.FontFile3.read_bytes())) for obj in pdf.objects
                 if isinstance(obj, pikepdf.Dictionary) and "/FontFile3" in obj]
    assert len(fonts) == 2 and all(font["maxp"].numGlyphs < 6000 for font in fonts)


def test_external_tools_accept_every_pdf(built: Path, manifest: list[dict]) -> None:
    for item in manifest:
        path = built / "dist" / item["path"]
        if item["kind"] == "bundle":
            continue
        subprocess.run(["qpdf", "--check", str(path)], capture_output=True, check=True)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(rf"Pages:\s+{item['pages']}\b", info)


def test_print_files_are_pdfx_with_bleed_and_no_rgb(built: Path) -> None:
    path = built / "dist/print/sejong/sejong-brochure-ko.pdf"
    with pikepdf.open(path) as pdf:
        assert pdf.pdf_version == "1.6"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and "/DestOutputProfile" in intent
        page = pdf.pages[0].obj
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
        assert round((trim[2] - trim[0]) * 25.4 / 72) == 210 and round((trim[3] - trim[1]) * 25.4 / 72) == 297
        assert round((trim[0] - bleed[0]) * 25.4 / 72, 1) == 3.0
        assert media[0] < bleed[0]  # crop marks sit outside the bleed
        assert not any("/Annots" in p.obj for p in pdf.pages)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert " rgb " not in images


def test_screen_files_are_tagged_with_language_title_and_links(built: Path) -> None:
    path = built / "dist/screen/sejong/sejong-brochure-en.pdf"
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "en-US"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        with pdf.open_metadata() as meta:
            assert meta["dc:title"].startswith("Sejong Special Self-Governing City")
            assert meta["pdfuaid:part"] == "1"
        links = [str(a.A.URI) for p in pdf.pages for a in p.obj.get("/Annots", []) if "/A" in a]
        assert "mailto:mandookong1@gmail.com" in links
    reader = PdfReader(path)
    assert reader.metadata.author == "Sejong Special Self-Governing City"
    assert reader.metadata.subject == "Sejong Special Self-Governing City gives happiness to all"
    assert reader.metadata["/Keywords"] == "Sejong, Brochure, Meaningful Meeting with a Korean Local Government"


def test_screen_files_fit_the_email_budgets(manifest: list[dict]) -> None:
    for item in manifest:
        if item["profile"] == "screen":
            budget = {"factsheet": 150, "brochure": 1024, "presskit": 5120}.get(item["kind"])
            assert budget is None or item["bytes"] <= budget * 1024, item["path"]


def test_no_op_build_renders_nothing(built: Path) -> None:
    result = run(built, "build")
    assert result.exit_code == 0
    assert "0 built, 22 up to date" in result.output


def test_rebuild_is_byte_identical(built: Path, manifest: list[dict], tmp_path: Path) -> None:
    again = copy_project(tmp_path / "again", built)
    assert run(again, "build", "--lang", "ko", "--profile", "print", "--force").exit_code == 0
    for item in manifest:
        if item["language"] == "ko" and item["profile"] == "print":
            assert hashlib.sha256((again / "dist" / item["path"]).read_bytes()).hexdigest() == item["sha256"]


def test_every_sample_government_loads(built: Path) -> None:
    project = load_project(load_config(built))
    assert len(project.governments["sejong"].facts.themes) == 4
