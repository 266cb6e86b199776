"""Markdown of the texts: checked for what content may contain, then turned into safe HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .config import Config
from .errors import Location, Problems
from .languages import LANGUAGES
from .model import Image
from .sourcemap import inside, relative

RAW_HTML = re.compile(r"<(?![a-z][\w+.-]*:|[^>\s]+@)(/?[A-Za-z][\w-]*)[^>]*>|<!--")
LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)|<((?:[a-z][\w+.-]*:)[^>\s]*)>")
ALLOWED_SCHEMES = ("https://", "mailto:")
MAX_PIXELS = 40_000_000
IMAGE_TYPES = (".png", ".jpg", ".jpeg")
HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"


def check_markdown(config: Config, text_path: Path, body: str, first_line: int, tag: str,
                   problems: Problems) -> list[Image]:
    """Report raw HTML, links and images that leave the project, and badly spaced Korean; return images."""
    name = relative(text_path, config.root)
    images = []
    for offset, line in enumerate(body.split("\n")):
        where = Location(name, first_line + offset)
        html = RAW_HTML.search(line)
        if html:
            problems.add(where, f"raw HTML '{html.group(0)[:40]}' is not allowed; write Markdown instead")
        for link in LINK.finditer(line):
            is_image, alt, target = bool(link[1]), link[2], link[3] or link[4] or ""
            if not target:
                problems.add(where, f"{'image' if is_image else 'link'} '{link[0]}' has no target; "
                                    "write it between the parentheses")
                continue
            if is_image:
                image = _check_image(config, text_path, target, alt, where, problems)
                if image:
                    images.append(image)
            elif not target.startswith(ALLOWED_SCHEMES):
                problems.add(where, f"link '{target}' is not allowed; links go to https:// or mailto: addresses")
        if tag == "ko":
            check_korean_spacing(line, where, problems)
    return images


def _check_image(config: Config, text_path: Path, target: str, alt: str, where: Location,
                 problems: Problems) -> Image | None:
    if not alt.strip():
        problems.add(where, f"image '{target}' has no alternative text; write it between the brackets: ![what it shows]({target})")
    if re.match(r"[a-z][\w+.-]*:", target):
        problems.add(where, f"image '{target}' is not a project file; copy it into content/ and refer to it by a relative path")
        return None
    path = (text_path.parent / target)
    try:
        outside, is_file = not inside(path, config.root), path.is_file()
    except (OSError, ValueError) as error:  # NUL byte, name too long, no permission
        problems.add(where, f"image '{target[:60]}' is not a usable file name ({getattr(error, 'strerror', None) or error})")
        return None
    if outside:
        problems.add(where, f"image '{target}' lies outside the project; keep images inside it")
        return None
    if path.suffix.lower() not in IMAGE_TYPES:
        problems.add(where, f"image '{target}' must be PNG or JPEG; draw illustrations as SVG icons in assets/icons")
        return None
    if not is_file:
        problems.add(where, f"image '{target}' not found")
        return None
    from PIL import Image as PILImage
    try:
        with PILImage.open(path) as picture:
            width, height = picture.size
            if width * height > MAX_PIXELS:
                problems.add(where, f"image '{target}' is {width} × {height} pixels; "
                                    f"scale it to at most {MAX_PIXELS // 1_000_000} megapixels")
                return None
            picture.verify()
    except (OSError, SyntaxError, PILImage.DecompressionBombError) as error:
        problems.add(where, f"image '{target}' cannot be read ({error}); export it again as PNG or JPEG")
        return None
    return Image(relative(path, config.root), width, height, where)


def check_korean_spacing(line: str, where: Location, problems: Problems) -> None:
    """Korean words are separated by one space, none next to punctuation, and kept short enough to set."""
    if "  " in line.strip():
        problems.add(where, "double space between Korean words; use one space")
    bad = re.search(r" [,.)\]」”’]|[(\[「“‘] ", line)
    if bad:
        problems.add(where, f"space next to punctuation '{bad.group(0).strip()}'; remove it")
    for word in line.split():
        syllables = len(re.findall(f"[{HANGUL}]", word))
        if syllables > 20:
            problems.add(where, f"word '{word[:12]}…' has {syllables} syllables; a line cannot break inside it, add spaces")


def render_markdown(body: str, tag: str, substitute: Callable[[str], str], links: bool) -> str:
    """Markdown → HTML with figures substituted, the language's quotes, and no raw HTML."""
    import markdown  # imported when rendering: commands that render nothing stay quick
    quotes = LANGUAGES[tag].quotes
    substitutions = dict(zip(("left-double-quote", "right-double-quote", "left-single-quote", "right-single-quote"), quotes))
    converter = markdown.Markdown(extensions=["smarty", "sane_lists"],
                                  extension_configs={"smarty": {"substitutions": substitutions}})
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    html = converter.convert(substitute(body))
    if not links:
        html = re.sub(r"<a [^>]*>(.*?)</a>", r"\1", html, flags=re.S)
    return html
