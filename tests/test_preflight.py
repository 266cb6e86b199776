"""Preflight findings, each shown on a deliberately bad input, checked on the PDF itself."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from brochure.preflight import Target, check_pdf

from .conftest import run

A4 = (210.0, 297.0)


def render(html: str, **options: object) -> bytes:
    import weasyprint
    return weasyprint.HTML(string=html).write_pdf(**options)


def messages(data: bytes, target: Target) -> list[str]:
    return [p.message for p in check_pdf(data, target)]


def test_rgb_colour_in_a_print_file_is_found() -> None:
    data = render('<html lang="en"><body style="color: rgb(200, 0, 0); font-family: \'Noto Sans\'">Red</body></html>',
                  pdf_variant="pdf/x-4")
    found = messages(data, Target("dist/x.pdf", "other", "print", "en", A4, None))
    assert "DeviceRGB colour in a content stream; every print colour must be device-cmyk()" in found


def test_screen_file_over_budget_names_its_largest_parts() -> None:
    data = render('<html lang="en"><head><title>T</title></head><body style="font-family: \'Noto Sans\'">'
                  + "Budget " * 200 + "</body></html>", pdf_variant="pdf/ua-1")
    found = messages(data, Target("dist/x.pdf", "other", "screen", "en", A4, 2048))
    over = [m for m in found if "exceeds the e-mail budget of 2 KB" in m]
    assert over and "font Noto-Sans" in over[0]


def test_image_without_alternative_text_is_found_in_the_tags(tmp_path: Path) -> None:
    Image.new("RGB", (600, 400), "navy").save(tmp_path / "p.png")
    html = (f'<html lang="en"><head><title>T</title></head><body><img src="{(tmp_path / "p.png").as_uri()}"'
            ' style="width: 50mm"></body></html>')
    found = messages(render(html, pdf_variant="pdf/ua-1"), Target("dist/x.pdf", "other", "screen", "en", A4, None))
    assert "a figure without alternative text" in found


def add_picture(project: Path, pixels: tuple[int, int]) -> None:
    Image.new("RGB", pixels, (40, 90, 160)).save(project / "content/sejong/hall.jpg", dpi=(300, 300))
    text = project / "content/sejong/en.md"
    text.write_text(text.read_text().replace("## Smart city leader", "![The city hall of Sejong](hall.jpg)\n\n"
                                                                      "## Smart city leader", 1))


def test_low_resolution_image_is_an_error_naming_file_and_page(project: Path) -> None:
    add_picture(project, (120, 80))
    result = run(project, "build", "--lang", "en", "--profile", "print", "--government", "sejong")
    assert result.exit_code == 1
    assert ("dist/print/sejong/sejong-brochure-en.pdf: page 2: image content/sejong/hall.jpg (120×80 px) placed at"
            in result.output)
    assert "print needs 300 (below 150 is an error)" in result.output


def test_print_images_become_cmyk_and_sharp_enough_images_pass(project: Path) -> None:
    add_picture(project, (1600, 1070))
    result = run(project, "build", "--lang", "en", "--profile", "print", "--government", "sejong")
    assert result.exit_code == 0, result.output
    import pikepdf
    with pikepdf.open(project / "dist/print/sejong/sejong-brochure-en.pdf") as pdf:
        spaces = {str(obj.get("/ColorSpace")) for obj in pdf.objects
                  if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"}
    assert spaces == {"/DeviceCMYK"}
    screen = run(project, "build", "--lang", "en", "--profile", "screen", "--government", "sejong")
    assert screen.exit_code == 0, screen.output


def test_text_too_close_to_the_trim_is_found() -> None:
    html = ('<html lang="en"><head><style>@page { size: A4; margin: 2mm; bleed: 3mm }</style></head>'
            '<body style="font-family: \'Noto Sans\'; color: device-cmyk(0 0 0 1)">Edge</body></html>')
    found = messages(render(html, pdf_variant="pdf/x-4"), Target("dist/x.pdf", "other", "print", "en", A4, None))
    assert "page 1: text 'Edge' lies within 5 mm of the trim" in found


def test_the_print_shop_profile_replaces_the_output_intent(project: Path, tmp_path: Path) -> None:
    import pikepdf
    shop = tmp_path / "shop.icc"
    data = bytearray((project / "assets/icc/ISOcoated_v2_300_bas.icc").read_bytes())
    data[24:36] = bytes([0x07, 0xEA, 0, 11, 0, 25, 0, 9, 0, 30, 0, 0])  # another creation date: the shop's own file
    shop.write_bytes(bytes(data))
    args = ("build", "--lang", "en", "--profile", "print", "--government", "sejong", "--icc-profile", str(shop))
    result = run(project, *args)
    assert result.exit_code == 0, result.output
    with pikepdf.open(project / "dist/print/sejong/sejong-factsheet-en.pdf") as pdf:
        assert pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes()[:128] == bytes(data[:128])
    rgb = tmp_path / "rgb.icc"
    rgb.write_bytes((project / "assets/icc/ISOcoated_v2_300_bas.icc").read_bytes()[:16] + b"RGB " + bytes(200))
    refused = run(project, "build", "--icc-profile", str(rgb))
    assert refused.exit_code == 2 and f"--icc-profile: '{rgb}' is not a CMYK ICC profile" in refused.output


def test_text_running_under_a_pinned_block_is_an_overflow_error(project: Path) -> None:
    text = project / "content/sejong/en.md"
    filler = "a sentence that keeps the summary going, " * 20
    text.write_text(text.read_text().replace("Sejong Creative Village joins agrotechnology with ICT;",
                                             "Sejong Creative Village joins agrotechnology with ICT; " + filler, 1))
    result = run(project, "build", "--lang", "en", "--profile", "screen", "--government", "sejong")
    assert result.exit_code == 1
    assert re.search(r"dist/screen/sejong/sejong-factsheet-en\.pdf: page 1: text runs \d+ mm into the 'bottom' block; "
                     r"shorten the texts", result.output)
