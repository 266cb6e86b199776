"""Stage 5: press kits — cover and contents, the parts merged with outline, labels, links and tags; a ZIP bundle."""

from __future__ import annotations

import hashlib
import io
import time
from typing import Any

import pikepdf
from babel import Locale
from babel.dates import format_date

from .bundle import make_bundle
from .errors import BrochureError
from .languages import LANGUAGES
from .manifest import entry, write_atomic, write_manifest
from .model import Colour, Event, Project
from .pipeline import document_date, target_for_kit
from .plan import Job, KitJob, part_jobs
from .preflight import check_pdf
from .profiles import PROFILES
from .report import Outcome

#: The organiser's neutral palette for covers that belong to no single government.
KIT_COLOURS = {"primary": ((85, 60, 20, 45), "#22364f"), "accent": ((0, 38, 96, 0), "#f7a823"),
               "tint": ((10, 5, 0, 0), "#e4ecf5")}


def part_title(project: Project, job: Job, language: str) -> str:
    strings = project.strings[language]
    tongue = Locale.parse(LANGUAGES[job.language].locale).get_display_name(LANGUAGES[language].locale) or job.language
    return f"{strings[job.kind]} · {tongue}"


def government_name(project: Project, slug: str, language: str) -> str:
    texts = project.governments[slug].texts
    text = texts.get(language) or texts[project.config.source_language]
    return str(text.meta["name"])


def front_matter_html(project: Project, kit: KitJob, pages: list[int], front_pages: int) -> str:
    """Cover and contents of a kit; `pages` are the page counts of the parts in order."""
    from .html import NEUTRALS, css_colour, environment
    event = project.events[kit.event]
    profile = PROFILES[kit.profile]
    groups: list[dict[str, Any]] = []
    start = front_pages + 1
    for index, (job, count) in enumerate(zip(part_jobs(event, kit.profile), pages)):
        if not groups or groups[-1]["slug"] != job.government:
            groups.append({"slug": job.government, "name": government_name(project, job.government, event.language),
                           "parts": []})
        groups[-1]["parts"].append({"index": index, "title": part_title(project, job, event.language), "page": start})
        start += count
    template = environment(project.config.root / "layouts").get_template("presskit.html")
    return template.render(
        event=event, profile=profile, lang=LANGUAGES[event.language], t=project.strings[event.language],
        kind=kit.kind, draft=False, title=f"{event.name} – {project.strings[event.language]['presskit']}",
        colours={k: css_colour(Colour(cmyk, rgb), profile.cmyk) for k, (cmyk, rgb) in (KIT_COLOURS | NEUTRALS).items()},
        date=format_date(event.date, "long", locale=LANGUAGES[event.language].locale), groups=groups)


def assemble_presskit(project: Project, kit: KitJob, front: bytes, parts: list[bytes]) -> bytes:
    """Merge the parts behind the front matter, keeping the front's PDF/X or PDF/UA identity."""
    event = project.events[kit.event]
    jobs = part_jobs(event, kit.profile)
    pdf = pikepdf.open(io.BytesIO(front))
    front_pages = len(pdf.pages)
    sources = [pikepdf.open(io.BytesIO(data)) for data in parts]
    offsets = []
    for source in sources:
        offsets.append(len(pdf.pages))
        pdf.pages.extend(source.pages)
    labels: list[Any] = [0, pikepdf.Dictionary(S=pikepdf.Name.r)]
    for job, offset in zip(jobs, offsets):
        prefix = f"{job.government}-{job.language}-{job.kind} "
        labels += [offset, pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String(prefix), St=1)]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(labels))
    _outline(project, pdf, event, jobs, sources, offsets, front_pages)
    _share_colour_profiles(pdf)
    if PROFILES[kit.profile].links:
        _link_contents(pdf, offsets, [part_title(project, job, event.language) for job in jobs])
        _merge_structure(pdf, sources, offsets, [LANGUAGES[job.language].html_lang for job in jobs])
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _share_colour_profiles(pdf: pikepdf.Pdf) -> None:
    """One copy of each ICC profile: every merged part brings its own for its ICCBased colour spaces
    (in print, the 1 MB output-intent profile ten times over)."""
    shared: dict[bytes, pikepdf.Object] = {}
    for intent in pdf.Root.get("/OutputIntents", []):
        profile = intent.DestOutputProfile
        shared.setdefault(hashlib.sha256(profile.read_raw_bytes()).digest(), profile)
    seen: set[Any] = set()

    def visit(resources: Any) -> None:
        for space in resources.get("/ColorSpace", {}).values():
            if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == pikepdf.Name.ICCBased:
                space[1] = shared.setdefault(hashlib.sha256(space[1].read_raw_bytes()).digest(), space[1])
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == pikepdf.Name.Form and "/Resources" in xobject and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                visit(xobject.Resources)

    for page in pdf.pages:
        if "/Resources" in page.obj:
            visit(page.obj.Resources)


def _outline(project: Project, pdf: pikepdf.Pdf, event: Event, jobs: list[Job], sources: list[pikepdf.Pdf],
             offsets: list[int], front_pages: int) -> None:
    """Bookmarks nested government → document → the document's own sections."""
    with pdf.open_outline() as outline:
        outline.root.clear()
        outline.root.append(pikepdf.OutlineItem(project.strings[event.language]["contents"], front_pages - 1))
        groups: dict[str, pikepdf.OutlineItem] = {}
        for job, source, offset in zip(jobs, sources, offsets):
            if job.government not in groups:
                groups[job.government] = pikepdf.OutlineItem(government_name(project, job.government, event.language), offset)
                outline.root.append(groups[job.government])
            item = pikepdf.OutlineItem(part_title(project, job, event.language), offset)
            index = {page.objgen: number for number, page in enumerate(source.pages)}
            with source.open_outline() as own:
                item.children.extend(_copy_items(own.root, index, offset))
            groups[job.government].children.append(item)


def _copy_items(items: list[pikepdf.OutlineItem], index: dict[Any, int], offset: int) -> list[pikepdf.OutlineItem]:
    copies = []
    for item in items:
        destination = item.destination
        target = destination[0].objgen if isinstance(destination, pikepdf.Array) and len(destination) else None
        copy = pikepdf.OutlineItem(item.title, offset + index.get(target, 0))  # type: ignore[arg-type]
        copy.children.extend(_copy_items(item.children, index, offset))
        copies.append(copy)
    return copies


def _link_contents(pdf: pikepdf.Pdf, offsets: list[int], titles: list[str]) -> None:
    """Turn the contents page's `part:N` links into links to the first page of part N."""
    for page in pdf.pages[: offsets[0] if offsets else 0]:
        for annot in page.obj.get("/Annots", []):
            action: Any = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith("part:"):
                number = int(uri[5:])
                del annot["/A"]
                annot.Dest = pikepdf.Array([pdf.pages[offsets[number]].obj, pikepdf.Name.Fit])
                annot.Contents = pikepdf.String(titles[number])


def _merge_structure(pdf: pikepdf.Pdf, sources: list[pikepdf.Pdf], offsets: list[int], languages: list[str]) -> None:
    """Keep a merged screen kit tagged: each part's structure becomes a /Part with its own /Lang."""
    root = pdf.Root.StructTreeRoot
    document = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root,
                                                    K=pikepdf.Array()))
    for element in _children(root.get("/K")):
        element.P = document
        document.K.append(element)
    numbers: list[Any] = list(root.ParentTree.get("/Nums", []))
    next_key = int(root.get("/ParentTreeNextKey", len(numbers) // 2))
    for source, offset, language in zip(sources, offsets, languages):
        tree = source.Root.get("/StructTreeRoot")
        if tree is None:
            continue
        for page in pdf.pages[offset: offset + len(source.pages)]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + next_key
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + next_key
        part = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Part, P=document,
                                                    Lang=pikepdf.String(language), K=pikepdf.Array()))
        for element in _children(tree.get("/K")):
            copied = _copy(pdf, source, element)
            copied.P = part
            part.K.append(copied)
        document.K.append(part)
        nums = list(tree.ParentTree.get("/Nums", [])) if "/ParentTree" in tree else []
        for key, value in zip(nums[::2], nums[1::2]):
            numbers += [int(key) + next_key, _copy(pdf, source, value)]
        next_key += int(tree.get("/ParentTreeNextKey", len(nums) // 2))
    root.K = document
    root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(numbers)))
    root.ParentTreeNextKey = next_key


def _copy(pdf: pikepdf.Pdf, source: pikepdf.Pdf, value: Any) -> Any:
    """Copy an object of a part into the kit, reusing the copies of its pages."""
    return pdf.copy_foreign(value if value.is_indirect else source.make_indirect(value))


def _children(kids: Any) -> list[Any]:
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def build_presskits(project: Project, todo: list[tuple[KitJob, str]], entries: dict[str, dict[str, Any]],
                    report: Any, progress: Any, renderer: Any) -> None:
    """Assemble each kit of `todo` (with its key); write the PDF and the bundle."""
    config = project.config
    dist = config.output_dir
    for kit, key in todo:
        event = project.events[kit.event]
        profile = kit.profile
        jobs = part_jobs(event, profile)
        start = time.perf_counter()
        progress("start", kit.name, None)
        try:
            data, pages = _make_kit(project, kit, entries, key, renderer)
            problems = [p for p in check_pdf(data, target_for_kit(config, kit)) if "warning:" not in p.message]
            bundle = make_bundle(project, kit, jobs, entries, document_date(project, None))
        except BrochureError as error:
            data, pages, bundle, problems = b"", 0, b"", error.problems
        outcome = Outcome(kit.name, "failed" if problems else "built", pages, len(data),
                          time.perf_counter() - start, problems=problems)
        if not problems:
            if [entries.pop(name) for name in (kit.name, kit.bundle_name) if name in entries]:
                write_manifest(dist, entries)  # never list a file while it is being replaced
            write_atomic(dist / kit.name, data)
            write_atomic(dist / kit.bundle_name, bundle)
            entries[kit.name] = entry(kit.name, data, pages, key, government=None, language=None,
                                      kind="presskit", profile=profile, event=event.slug)
            entries[kit.bundle_name] = entry(kit.bundle_name, bundle, sum(entries[j.name]["pages"] for j in jobs),
                                             key, government=None, language=None, kind="bundle", profile=profile,
                                             event=event.slug)
            write_manifest(dist, entries)
        report.outcomes.append(outcome)
        report.add_time("assemble", time.perf_counter() - start)
        progress(outcome.status, kit.name, outcome)


def _make_kit(project: Project, kit: KitJob, entries: dict[str, dict[str, Any]], key: str, renderer: Any) -> tuple[bytes, int]:
    """Render the front matter until its page count is stable (the contents cites page numbers), then merge."""
    jobs = part_jobs(project.events[kit.event], kit.profile)
    dist = project.config.output_dir
    pages = [entries[job.name]["pages"] for job in jobs]
    front_pages = 2
    while True:
        html = front_matter_html(project, kit, pages, front_pages)
        front = renderer().render(html, kit, ("presskit.css",), document_date(project, None), key,
                                  project.config.crop_marks)
        if front.pages == front_pages:
            break
        front_pages = front.pages
    data = assemble_presskit(project, kit, front.pdf, [(dist / job.name).read_bytes() for job in jobs])
    return data, front_pages + sum(pages)


__all__ = ["assemble_presskit", "build_presskits", "front_matter_html"]
