"""The `brochure` command: parse options, call one library function, print problems, pick the exit code."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .errors import BrochureError

EXAMPLES = {
    "build": "Example: brochure build --lang ko --profile screen",
    "check": "Example: brochure check --preflight",
    "status": "Example: brochure status --lang ja",
}


_selection = [click.option("--lang", "languages", multiple=True, help="Only this language (BCP 47 tag); repeatable."),
              click.option("--government", "governments", multiple=True, help="Only this government; repeatable."),
              click.option("--profile", "profiles", multiple=True, type=click.Choice(["print", "screen"]),
                           help="Only this output profile; repeatable (default: both).")]


def _with_selection(command):  # type: ignore[no-untyped-def]
    for option in reversed(_selection):
        command = option(command)
    return command


def _fail(error: BrochureError, building: bool = False) -> None:
    """Print every problem; exit 2 for a wrong option value, 1 for content, layouts or preflight."""
    from .errors import UsageProblem
    for problem in error.problems:
        click.echo(str(problem), err=True)
    note = "; no file of a failed document was overwritten" if building and not isinstance(error, UsageProblem) else ""
    click.echo(f"{len(error.problems)} problem(s){note}.", err=True)
    sys.exit(2 if isinstance(error, UsageProblem) else 1)


def _config(ctx: click.Context, icc_profile: str | None = None, languages=(), governments=()):  # type: ignore[no-untyped-def]
    from .config import load_config, select
    return select(load_config(ctx.obj["root"], icc_profile=icc_profile), tuple(languages), tuple(governments))


@click.group(epilog="Example: brochure build && brochure status")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="Project folder holding brochure.yml (default: the current folder).")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Build multilingual brochures, fact sheets and press kits as print and screen PDFs."""
    ctx.obj = {"root": root}


@main.command(epilog=EXAMPLES["build"])
@_with_selection
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: number of cores).")
@click.option("--force", is_flag=True, help="Rebuild even documents whose inputs did not change.")
@click.option("--keep-going", is_flag=True, help="Build every document that can be built; report failures at the end.")
@click.option("--icc-profile", type=click.Path(dir_okay=False), help="The print shop's CMYK output profile.")
@click.option("--strict", is_flag=True, help="Fail on translations that lag behind their source.")
@click.option("--timings", is_flag=True, help="Also print the seconds spent in each stage, summed over workers.")
@click.pass_context
def build(ctx: click.Context, languages, governments, profiles, jobs, force, keep_going, icc_profile, strict,  # type: ignore[no-untyped-def]
          timings) -> None:
    """Build every out-of-date PDF into dist/ and write dist/manifest.json."""
    request = {"command": "build", "languages": sorted(languages), "governments": sorted(governments),
               "profiles": sorted(profiles), "strict": strict,
               "icc_profile": str(Path(icc_profile).resolve()) if icc_profile else None}
    _run_build(ctx, request, lambda: _config(ctx, icc_profile, languages, governments), profiles=tuple(profiles),
               force=force, keep_going=keep_going, jobs=jobs, strict=strict, timings=timings)


def _run_build(ctx: click.Context, request: dict[str, object], config_factory, timings: bool = False,  # type: ignore[no-untyped-def]
               **options) -> None:
    """Build, with progress on stderr, a summary table, and exit 1 on any problem.

    A request answered by the last clean build's record (nothing changed since) loads nothing else."""
    from .progress import Display
    from .uptodate import recall, request_key
    started = time.perf_counter()
    display = Display(sys.stderr.isatty(), timings)
    key = request_key(request)
    known = None if options.get("force") else recall(ctx.obj["root"], key)
    if known:
        display.summary(known, time.perf_counter() - started)
        return
    from .pipeline import BuildFailed
    from .pipeline import build as run_build
    try:
        report = run_build(config_factory(), progress=display.update, remember=key, **options)
    except BuildFailed as error:
        display.summary(error.report, time.perf_counter() - started)
        _fail(error, building=True)
    except BrochureError as error:
        _fail(error, building=True)
    display.summary(report, time.perf_counter() - started)


@main.command(epilog=EXAMPLES["check"])
@click.option("--preflight", is_flag=True, help="Also preflight the PDFs already in dist/.")
@click.pass_context
def check(ctx: click.Context, preflight: bool) -> None:
    """Validate all content (and optionally built PDFs) without writing any PDF."""
    from .pipeline import check as run_check
    try:
        problems = run_check(_config(ctx), preflight)
    except BrochureError as error:
        _fail(error)
    if problems:
        _fail(BrochureError(problems))
    click.echo("All content is valid." + (" Every PDF passes preflight." if preflight else ""))


@main.command(epilog=EXAMPLES["status"])
@click.option("--lang", "languages", multiple=True, help="Only this language; repeatable.")
@click.option("--government", "governments", multiple=True, help="Only this government; repeatable.")
@click.pass_context
def status(ctx: click.Context, languages, governments) -> None:  # type: ignore[no-untyped-def]
    """Say which outputs are stale and why, and which translations lag behind their source."""
    from .status import report_status
    try:
        for line in report_status(_config(ctx, None, languages, governments)):
            click.echo(line)
    except BrochureError as error:
        _fail(error)


@main.command(epilog="Example: brochure review sejong ja smart-city")
@click.argument("government")
@click.argument("language")
@click.argument("sections", nargs=-1)
@click.pass_context
def review(ctx: click.Context, government: str, language: str, sections: tuple[str, ...]) -> None:
    """Mark a translation, or some of its sections, as matching the current source text."""
    from .status import review as run_review
    try:
        for line in run_review(_config(ctx), government, language, sections):
            click.echo(line)
    except BrochureError as error:
        _fail(error)


@main.command(epilog="Example: brochure new gongju")
@click.argument("slug")
@click.pass_context
def new(ctx: click.Context, slug: str) -> None:
    """Scaffold a government: an explained facts file and a text per language, built as a draft at once."""
    from .scaffold import new_government
    try:
        for path in new_government(_config(ctx), slug):
            click.echo(f"wrote {path.relative_to(ctx.obj['root'].resolve())}")
    except BrochureError as error:
        _fail(error)
    click.echo(f"Fill in every [[TODO …]], then: brochure build --government {slug}")


@main.command(epilog="Example: brochure presskit summit-2026 --profile screen")
@click.argument("event")
@click.option("--profile", "profiles", multiple=True, type=click.Choice(["print", "screen"]),
              help="Only this output profile; repeatable (default: both).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: number of cores).")
@click.pass_context
def presskit(ctx: click.Context, event: str, profiles, jobs) -> None:  # type: ignore[no-untyped-def]
    """Build an event's press kit and bundle (and any of its documents that are out of date)."""
    _run_build(ctx, {"command": "presskit", "event": event, "profiles": sorted(profiles)}, lambda: _config(ctx),
               profiles=tuple(profiles), jobs=jobs, events=(event,))


def _watch_loop(ctx: click.Context, languages, governments, profiles, report, preview=lambda: None):  # type: ignore[no-untyped-def]
    """Rebuild on every change until interrupted; the previewed document goes first."""
    import threading

    from .pipeline import Session
    from .pipeline import build as run_build
    from .watch import watch
    stop = threading.Event()
    session = Session()  # workers and loaded content carried from one rebuild to the next

    def rebuild() -> object:
        return run_build(_config(ctx, None, languages, governments), tuple(profiles), first=preview(), session=session)
    try:
        watch(ctx.obj["root"].resolve(), rebuild, report, stop)
    except KeyboardInterrupt:
        stop.set()
    finally:
        session.close()


def _print_result(result: object) -> None:
    stamp = time.strftime("%H:%M:%S")
    if isinstance(result, BrochureError):
        for problem in result.problems:
            click.echo(f"{stamp} {problem}", err=True)
        click.echo(f"{stamp} build failed; the last good PDFs stay in dist/. Watching…", err=True)
    else:
        built = [o.name for o in getattr(result, "outcomes", []) if o.status == "built"]
        click.echo(f"{stamp} {len(built)} rebuilt{': ' + ', '.join(built) if built else ''}. Watching…", err=True)


@main.command(epilog="Example: brochure watch --lang ko --profile screen")
@_with_selection
@click.pass_context
def watch(ctx: click.Context, languages, governments, profiles) -> None:  # type: ignore[no-untyped-def]
    """Rebuild what each saved change affects; report errors and keep watching (Ctrl-C stops)."""
    _watch_loop(ctx, languages, governments, profiles, _print_result)


@main.command(epilog="Example: brochure serve --lang en --profile screen --port 8000")
@_with_selection
@click.option("--port", type=click.IntRange(1024, 65535), default=8000, help="Port on 127.0.0.1 (default 8000).")
@click.option("--doc", default="", help="Document shown first, e.g. screen/sejong/sejong-brochure-en.pdf.")
@click.pass_context
def serve(ctx: click.Context, languages, governments, profiles, port, doc) -> None:  # type: ignore[no-untyped-def]
    """Watch and rebuild, and show the rendered pages on http://127.0.0.1:PORT/, refreshed after each rebuild."""
    import threading

    from .config import load_config
    from .serve import Preview, make_server
    try:
        dist = load_config(ctx.obj["root"]).output_dir
    except BrochureError as error:
        _fail(error)
    preview = Preview(dist, doc)
    server = make_server(preview, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    click.echo(f"Preview on http://127.0.0.1:{port}/ (Ctrl-C stops)", err=True)

    def report(result: object) -> None:
        preview.report(result)
        _print_result(result)
    _watch_loop(ctx, languages, governments, profiles, report, lambda: preview.preview or None)
    server.shutdown()


@main.command(epilog="Example: brochure doctor")
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Report what this machine lacks for building the PDFs and what each gap costs."""
    from .doctor import diagnose
    checks = diagnose(ctx.obj["root"].resolve())
    for ok, needed, message in checks:
        click.echo(f"{'ok ' if ok else 'NO ' if needed else '-- '} {message}")
    if not all(ok for ok, needed, _ in checks if needed):
        sys.exit(1)


if __name__ == "__main__":
    main()
