"""Stage 2: merge a government's facts and one language's text into a layout (Jinja2 → HTML)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .errors import BrochureError, Location, Problem
from .graphics import icon_svg, map_svg, qr_svg
from .languages import LANGUAGES, country_name, format_figure
from .markup import render_markdown
from .model import Colour, Project
from .plan import Job
from .profiles import KINDS, PROFILES
from .typeset import keep_figure, typeset

PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")
#: Neutral inks: text is K only (never rich black), so it stays sharp whatever the registration.
NEUTRALS = {"ink": ((0, 0, 0, 100), "#1a1a1a"), "muted": ((0, 0, 0, 70), "#555555"),
            "rule": ((0, 0, 0, 25), "#c4c4c4"), "paper": ((0, 0, 0, 0), "#ffffff")}


@functools.lru_cache(maxsize=4)
def environment(layouts: Path) -> jinja2.Environment:
    """A sandboxed environment: layouts/ only, undefined names are errors, output escaped."""
    from jinja2.sandbox import SandboxedEnvironment
    return SandboxedEnvironment(loader=jinja2.FileSystemLoader(layouts), autoescape=True,
                                undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def css_colour(colour: Colour, cmyk: bool) -> str:
    if cmyk:
        return "device-cmyk({})".format(" ".join(f"{v / 100:g}" for v in colour.cmyk))
    return colour.rgb


def render_html(project: Project, job: Job) -> str:
    """The complete HTML of one document, with language rules applied to its text."""
    root = project.config.root
    template_name = KINDS[job.kind].layout
    try:
        template = environment(root / "layouts").get_template(template_name)
        html = template.render(document_context(project, job))
    except jinja2.TemplateSyntaxError as error:
        raise BrochureError([Problem(Location(f"layouts/{error.name or template_name}", error.lineno or 0),
                                     f"template error: {error.message}")]) from None
    except jinja2.UndefinedError as error:
        raise BrochureError([Problem(_template_location(error, template_name), f"undefined in template: {error.message}")]) from None
    return typeset(html, job.language)


def _template_location(error: Exception, default: str) -> Location:
    """The layout file and line of a Jinja error, read from its traceback."""
    tb = error.__traceback__
    location = Location(f"layouts/{default}")
    while tb:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".css", ".svg")) and "layouts" in name:
            location = Location("layouts/" + name.split("layouts/", 1)[1], tb.tb_lineno)
        tb = tb.tb_next
    return location


def document_context(project: Project, job: Job) -> dict[str, Any]:
    government = project.governments[job.government]
    facts, text = government.facts, government.texts[job.language]
    profile = PROFILES[job.profile]
    tag = job.language
    strings = project.strings[tag]
    values = {key: keep_figure(format_figure(f.kind, f.value, tag, f.currency), tag) for key, f in facts.figures.items()}

    def fill(value: str) -> str:
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], value)

    folder = project.config.root / Path(text.path).parent

    def image_url(match: re.Match[str]) -> str:
        path = (folder / match.group(1)).resolve().relative_to(project.config.root)
        url = f"file:///brochure-memory/cmyk/{path}" if profile.cmyk else (project.config.root / path).as_uri()
        return f'src="{url}"'

    def md(body: str) -> Markup:
        return Markup(re.sub(r'src="([^":]+)"', image_url, render_markdown(body, tag, fill, profile.links)))

    def figure(key: str) -> dict[str, str]:
        label = text.meta["figures"][key]
        label, unit = (label.get("label", ""), label.get("unit", "")) if isinstance(label, dict) else (label, "")
        return {"value": values[key], "unit": unit, "label": fill(label)}

    colours = {key: css_colour(c, profile.cmyk) for key, c in facts.colours.items()}
    colours |= {name: css_colour(Colour(cmyk, rgb), profile.cmyk) for name, (cmyk, rgb) in NEUTRALS.items()}
    themes = []
    for number, theme in enumerate(facts.themes, start=1):
        section = text.section(theme.id)
        words = text.meta["themes"][theme.id]
        themes.append({"number": f"{number:02d}", "id": theme.id, "title": fill(section.title), "html": md(section.body),
                       "summary": fill(words.get("summary", "")), "quote": fill(words.get("quote", "")),
                       "icon": icon_svg(project.config.root, theme.icon,
                                        strings["icon_alt"].format(title=fill(section.title)), colours["primary"]),
                       "figure": figure(theme.figure) if theme.figure else None})
    partners = [{"name": text.meta["partners"][p.id], "country": country_name(p.country, tag)} for p in facts.partners]
    name = text.meta["name"]
    mailto = f"mailto:{facts.contact_email}"
    intro = text.section("intro")
    return {
        "lang": LANGUAGES[tag], "tag": tag, "t": strings, "kind": job.kind, "profile": profile,
        "slug": government.slug, "meta": {k: fill(v) if isinstance(v, str) else v for k, v in text.meta.items()},
        "name": name, "draft": text.draft or facts.draft,
        "colours": colours,
        "intro": {"title": fill(intro.title), "html": md(intro.body)},
        "themes": themes, "key_figures": [figure(k) for k in facts.key_figures], "partners": partners,
        "extra_pages": filler_pages(len(themes)),
        "map": map_svg(project.config.root, facts, partners, strings["map_alt"].format(
            name=text.meta["short_name"], partners=", ".join(p["name"] for p in partners)), text.meta["short_name"],
            {"land": colours["tint"], "paper": colours["paper"], "line": colours["primary"],
             "home": colours["accent"], "ink": colours["ink"]}, LANGUAGES[tag].fonts),
        "qr": qr_svg(mailto, strings["qr_alt"].format(email=facts.contact_email), colours["ink"]),
        "website": facts.website, "email": facts.contact_email, "mailto": mailto,
        "contact_name": facts.contact_name, "updated": facts.updated.isoformat(),
        "page_mm": project.config.page_mm, "crop_marks": project.config.crop_marks,
        "title": f"{name} – {strings[job.kind]}",
    }


def plain_text(html: str) -> str:
    """The text a reader sees, with word spaces kept (for checks on the PDF)."""
    import html as entities
    body = re.sub(r"<(style|title|svg)\b.*?</\1>", " ", html, flags=re.S)
    body = re.sub(r"</?(span|strong|em|a|b|i)\b[^>]*>", "", body)
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def filler_pages(theme_count: int) -> list[str]:
    """Planned pages that bring a brochure to a multiple of four: cover, intro, themes, partners, back."""
    pages = theme_count + 4
    return ["figures", "overview", "notes"][: (-pages) % 4]
