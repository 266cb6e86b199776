"""Orchestration: validate everything, plan, render stale documents in a worker pool, preflight, write."""

from __future__ import annotations

import datetime
import fcntl
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

from . import uptodate
from .config import Config
from .content import load_project
from .errors import BrochureError, Location, Problem, UsageProblem
from .manifest import NAME as MANIFEST
from .manifest import entry, read_manifest, write_atomic, write_manifest
from .model import Project
from .plan import LAYOUT_FILES, Job, Stamp, file_digest, kits_to_build, plan_jobs
from .report import BuildReport, Outcome

if TYPE_CHECKING:
    from .preflight import Target


Progress = Callable[[str, str, "Outcome | None"], None]


def _quiet(event: str, name: str, outcome: Outcome | None) -> None:
    pass


@contextmanager
def build_lock(config: Config) -> Iterator[None]:
    """One build per project at a time; a second one stops with a clear message."""
    folder = config.root / ".brochure"
    folder.mkdir(exist_ok=True)
    with (folder / "build.lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BrochureError([Problem(Location(".brochure/build.lock"),
                                         "another build is running in this project; wait for it to finish")]) from None
        global _lock_fd
        _lock_fd = handle.fileno()
        try:
            yield
        finally:
            _lock_fd = None


#: The build lock's descriptor: forked workers close their copy so that only this process holds the lock.
_lock_fd: int | None = None


def document_date(project: Project, government: str | None) -> str:
    """Creation date written into PDFs: SOURCE_DATE_EPOCH, else the facts' `updated` date."""
    epoch = project.config.source_date_epoch
    if epoch is not None:
        moment = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    else:
        dates = [g.facts.updated for slug, g in project.governments.items() if government in (None, slug)]
        moment = datetime.datetime.combine(max(dates), datetime.time(), datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def target_for(project: Project, job: Job, html: str = "") -> Target:
    """What preflight expects of a job's PDF; Korean needs the text to tell word spaces from breaks."""
    from .html import plain_text
    from .preflight import Target
    config = project.config
    images = project.governments[job.government].texts[job.language].images
    return Target(f"{config.output_dir.name}/{job.name}", job.kind, job.profile, job.language, config.page_mm,
                  config.budgets.get(job.kind) if job.profile == "screen" else None,
                  plain_text(html) if job.language == "ko" else "",
                  tuple((image.path, image.width, image.height) for image in images))


def _narrow_to_events(project: Project, events: tuple[str, ...]) -> tuple[Config, Project]:
    """The project restricted to the governments and languages the named events need."""
    unknown = [e for e in events if e not in project.events]
    if unknown:
        raise UsageProblem([Problem(Location(f"events/{e}.yaml"), "no such event; events: "
                                     + ", ".join(sorted(project.events))) for e in unknown])
    parts = [part for slug in events for part in project.events[slug].parts]
    config = replace(project.config,
                     languages=tuple(t for t in project.config.languages if any(p.language == t for p in parts)),
                     governments=tuple(g for g in project.config.governments if any(p.government == g for p in parts)))
    chosen = {slug: project.events[slug] for slug in events}
    return config, replace(project, config=config, events=chosen)


def target_for_kit(config: Config, kit: Any) -> Target:
    from .preflight import Target
    budget = config.budgets.get("presskit") if kit.profile == "screen" else None
    return Target(f"{config.output_dir.name}/{kit.name}", kit.kind, kit.profile, None, config.page_mm, budget)


def stale_jobs(project: Project, jobs: list[Job], force: bool, known: dict[str, tuple[list[int], str]] | None = None,
               ) -> tuple[list[tuple[Job, Stamp]], list[tuple[Job, Stamp, str]]]:
    """Split jobs into fresh ones and stale ones (with the reason: which inputs changed).

    `known` digests from an earlier build are reused for files whose signature is unchanged."""
    dist = project.config.output_dir
    built = read_manifest(dist)
    digests = uptodate.still_valid(known) if known is not None else {}
    fresh, stale = [], []
    for job in jobs:
        stamp = job.stamp(project, digests)
        previous = built.get(job.name)
        if force:
            reason = "--force"
        elif previous is None or not (dist / job.name).is_file():
            reason = "never built"
        elif previous.get("key") != stamp.key:
            reason = "changed: " + ", ".join(stamp.changes(previous.get("inputs") or {}))
        elif file_digest(dist / job.name, digests) != previous["sha256"]:
            reason = "output file was modified"
        else:
            fresh.append((job, stamp))
            continue
        stale.append((job, stamp, reason))
    if known is not None:
        known.update(uptodate.with_signatures(digests))
    return fresh, stale


def build(config: Config, profiles: tuple[str, ...] = (), force: bool = False, keep_going: bool = False,
          jobs: int | None = None, progress: Progress = _quiet, first: str | None = None,
          events: tuple[str, ...] = (), strict: bool = False, remember: str | None = None,
          session: Session | None = None) -> BuildReport:
    """Build every selected document that is out of date; raise BrochureError when any fails.

    With `events`, only those events' documents and press kits are built. Stale translations are
    warnings, or errors with `strict`. A clean build is recorded under the request key `remember`
    for `uptodate.recall`, which answers a repeated request without this function. A `session`
    carries workers, loaded content and digests over to the next build (`brochure watch`).
    """
    from .status import lagging_translations
    report = BuildReport()
    started_ns = time.time_ns()
    inputs = uptodate.snapshot(config.root, [config.icc_profile]) if remember else {}
    with build_lock(config), _workers(config, jobs or os.cpu_count() or 1, session) as workers:
        start = time.perf_counter()
        project = load_project(config, session.governments if session else None)
        report.warnings = lagging_translations(project)
        if strict and report.warnings:
            raise BrochureError(report.warnings)
        if events:
            config, project = _narrow_to_events(project, events)
        report.add_time("load", time.perf_counter() - start)
        start = time.perf_counter()
        fresh, stale = stale_jobs(project, plan_jobs(config, profiles), force, session.digests if session else None)
        if first:
            stale.sort(key=lambda item: item[0].name != first)
        report.add_time("plan", time.perf_counter() - start)
        dist = config.output_dir
        entries = read_manifest(dist)
        for job, _ in fresh:
            item = entries[job.name]
            report.outcomes.append(Outcome(job.name, "fresh", item["pages"], item["bytes"]))
            progress("fresh", job.name, report.outcomes[-1])
        progress("plan", str(len(stale)), None)
        if stale:
            _render_all(project, stale, entries, report, keep_going, workers, progress)
        if not report.problems or keep_going:
            todo, fresh_kits = kits_to_build(project, profiles, entries, force)
            report.outcomes += [Outcome(kit.name, "fresh", entries[kit.name]["pages"], entries[kit.name]["bytes"])
                                for kit in fresh_kits]
            if todo:  # assembling needs pikepdf, and a renderer for the front matter
                from .presskit import build_presskits
                build_presskits(project, todo, entries, report, progress, _local_renderer(config))
    if report.problems:
        raise BuildFailed(report)
    if remember:
        outputs = [dist / name for name in entries] + [dist / MANIFEST]  # entries: what manifest.json now lists
        uptodate.remember(config.root, remember, inputs, started_ns, [str(config.icc_profile)], outputs, report)
    return report


class BuildFailed(BrochureError):
    """Some documents failed; the report says which were built before."""

    def __init__(self, report: BuildReport):
        self.report = report
        super().__init__(report.problems)


class Workers:
    """Worker processes that import WeasyPrint and prepare fonts once (~0.8 s each). A build starts
    its own before loading content, so the import overlaps the load; `brochure watch` keeps them
    from one rebuild to the next (see `Session`)."""

    def __init__(self, config: Config, count: int):
        self.count = count
        self.serves = _worker_setting(config)
        self.pool = ProcessPoolExecutor(max_workers=count, mp_context=get_context("fork"), initializer=_init_worker,
                                        initargs=(config,))
        self.pool.submit(int)  # with fork, the first submission starts every worker
        self.used = False

    def submit(self, *args: Any) -> Future[Any]:
        self.used = True
        return self.pool.submit(*args)

    def close(self) -> None:
        if not self.used:  # nothing to render, or bad content: do not wait for the imports to finish
            for process in list(self.pool._processes.values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)


def _worker_setting(config: Config) -> tuple[Any, ...]:
    """What a worker fixes when it starts: the project, its fonts and the output-intent profile."""
    fonts = sorted((config.root / "fonts").glob("*"))
    return (config.root, config.icc_profile, uptodate.signature(config.icc_profile),
            [(font.name, uptodate.signature(font)) for font in fonts])


@dataclass
class Session:
    """What `brochure watch` keeps between rebuilds: the workers, loaded governments and file
    digests, each reused only while the files it came from keep their signatures."""

    workers: Workers | None = None
    governments: dict[str, Any] = field(default_factory=dict)
    digests: dict[str, tuple[list[int], str]] = field(default_factory=dict)

    def workers_for(self, config: Config, count: int) -> Workers:
        if self.workers is None or self.workers.serves != _worker_setting(config) or self.workers.count != count:
            self.close()
            self.workers = Workers(config, count)
        return self.workers

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()
            self.workers = None


@contextmanager
def _workers(config: Config, count: int, session: Session | None) -> Iterator[Workers]:
    if session is not None:
        yield session.workers_for(config, count)
        return
    workers = Workers(config, count)
    try:
        yield workers
    finally:
        workers.close()


def _render_all(project: Project, stale: list[tuple[Job, Stamp, str]], entries: dict[str, dict[str, Any]],
                report: BuildReport, keep_going: bool, workers: Workers, progress: Progress) -> None:
    dist = project.config.output_dir
    pending: dict[Future[Any], tuple[Job, Stamp]] = {}
    queue = list(stale)
    failed = False
    # A worker needs one government, not the whole project: less to pickle for every document.
    slices = {slug: replace(project, governments={slug: government}, events={})
              for slug, government in project.governments.items()}
    written = time.monotonic()

    def submit() -> None:
        while queue and len(pending) < workers.count * 2 and not failed:
            job, stamp, _ = queue.pop(0)
            pending[workers.submit(render_job, slices[job.government], job, stamp.key)] = (job, stamp)
            progress("start", job.name, None)

    submit()
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            job, stamp = pending.pop(future)
            if future.cancelled():  # not started before an earlier document failed
                continue
            outcome, data, timings = future.result()
            for stage, seconds in timings.items():
                report.add_time(stage, seconds)
            if data is not None and not outcome.problems:
                storing = time.perf_counter()
                if entries.pop(job.name, None) is not None:
                    write_manifest(dist, entries)  # never list a file while it is being replaced
                write_atomic(dist / job.name, data)
                entries[job.name] = entry(job.name, data, outcome.pages, stamp.key, government=job.government,
                                          language=job.language, kind=job.kind, profile=job.profile, event=None,
                                          inputs=stamp.inputs)
                if time.monotonic() - written > 0.5:  # a large build rewrites its manifest twice a second
                    write_manifest(dist, entries)
                    written = time.monotonic()
                report.add_time("store", time.perf_counter() - storing)
            report.outcomes.append(outcome)
            progress(outcome.status, job.name, outcome)
            if outcome.problems and not keep_going:
                failed = True
        if failed:
            for future in pending:
                future.cancel()
            queue.clear()
        submit()
    write_manifest(dist, entries)


_renderer: Any = None
#: Seconds this worker spent importing WeasyPrint and preparing fonts; reported with its first job.
_startup: dict[str, float] = {}


def _local_renderer(config: Config) -> Callable[[], Any]:
    """A Renderer in this process, created (and WeasyPrint imported) only when a kit needs one."""
    made: list[Any] = []

    def get() -> Any:
        if not made:
            from .pdf import Renderer
            made.append(Renderer(config.root, config.icc_profile))
        return made[0]
    return get


def _init_worker(config: Config) -> None:
    """Each worker imports WeasyPrint and prepares fonts once, for the whole build."""
    global _renderer
    if _lock_fd is not None:  # drop this worker's reference to the lock (dup2 keeps the number taken)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, _lock_fd)
        os.close(null)
    parent = os.getppid()

    def exit_with_parent() -> None:  # a worker whose build was killed must not live on
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=exit_with_parent, daemon=True).start()
    start = time.perf_counter()
    from .pdf import Renderer
    _renderer = Renderer(config.root, config.icc_profile)
    _startup["startup"] = time.perf_counter() - start


def render_job(project: Project, job: Job, key: str) -> tuple[Outcome, bytes | None, dict[str, float]]:
    """HTML → PDF → preflight for one document, in a worker; user errors come back as problems."""
    from .html import render_html
    from .preflight import check_pdf
    start = time.perf_counter()
    timings = dict(_startup)
    _startup.clear()
    try:
        html = render_html(project, job)
        timings["html"] = time.perf_counter() - start
        stylesheets = tuple(name for name in LAYOUT_FILES[job.kind] if name.endswith(".css"))
        rendered = _renderer.render(html, job, stylesheets, document_date(project, job.government), key,
                                    project.config.crop_marks)
        timings.update(rendered.timings)
        check_start = time.perf_counter()
        findings = [p for p in check_pdf(rendered.pdf, target_for(project, job, html))
                    if "warning:" not in p.message]
        timings["preflight"] = time.perf_counter() - check_start
    except BrochureError as error:
        problems = [_trace_glyph(project, job, p) for p in error.problems]
        return Outcome(job.name, "failed", problems=problems, seconds=time.perf_counter() - start), None, timings
    status = "failed" if findings else "built"
    return (Outcome(job.name, status, rendered.pages, len(rendered.pdf), time.perf_counter() - start,
                    rendered.warnings, findings), rendered.pdf, timings)


def _trace_glyph(project: Project, job: Job, problem: Problem) -> Problem:
    """Point a missing-glyph problem at the content line that holds the character."""
    found = re.search(r"U\+[0-9A-F]+ '(.)'", problem.message)
    if not found:
        return problem
    government = project.governments[job.government]
    for path in (government.texts[job.language].path, government.facts.path):
        for number, line in enumerate((project.config.root / path).read_text(encoding="utf-8").split("\n"), 1):
            if found[1] in line:
                return Problem(Location(path, number), f"{problem.message} (in {problem.location})")
    return problem


def check(config: Config, preflight: bool = False) -> list[Problem]:
    """Validate all content (and, with preflight, every built PDF) without writing anything."""
    project = load_project(config)
    problems: list[Problem] = []
    if preflight:
        from .html import render_html
        from .preflight import check_pdf
        dist = config.output_dir
        for job in plan_jobs(config):
            if (dist / job.name).is_file():
                target = target_for(project, job, render_html(project, job))
                problems.extend(check_pdf((dist / job.name).read_bytes(), target))
            else:
                problems.append(Problem(Location(f"{dist.name}/{job.name}"), "not built yet; run brochure build"))
    return problems


__all__ = ["BuildFailed", "build", "check", "stale_jobs"]
