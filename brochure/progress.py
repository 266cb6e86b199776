"""Build progress for the terminal: a live line on a TTY, plain lines otherwise, then a summary table."""

from __future__ import annotations

import sys
import time

import click

from .report import BuildReport, Outcome


class Display:
    def __init__(self, live: bool, timings: bool = False):
        self.live = live
        self.timings = timings
        self.started = time.perf_counter()
        self.running: list[str] = []
        self.done = 0
        self.begun = 0
        self.total = 0

    def update(self, event: str, name: str, outcome: Outcome | None) -> None:
        if event == "plan":  # how many documents will be rendered; press kits join when they start
            self.total = int(name)
            return
        if event == "start":
            self.running.append(name)
            self.begun += 1
            self.total = max(self.total, self.begun)
            return
        if name in self.running:
            self.running.remove(name)
            self.done += 1
        if event == "fresh":
            return
        elapsed = time.perf_counter() - self.started
        if self.live:
            doing = ", ".join(f"{n.split('/', 1)[0]}:{n.rsplit('/', 1)[-1]}" for n in self.running[:2]) or "-"
            sys.stderr.write(f"\r\033[K[{self.done}/{self.total}] {elapsed:5.1f}s  now: {doing}")
            sys.stderr.flush()
        else:
            click.echo(f"{event:7} {name} ({outcome.seconds if outcome else 0:.1f}s)", err=True)

    def summary(self, report: BuildReport, seconds: float) -> None:
        if self.live:
            sys.stderr.write("\r\033[K")
        built = [o for o in report.outcomes if o.status != "fresh"]
        if built:
            click.echo(f"{'document':58} {'pages':>5} {'KB':>6} {'time':>6}  warnings", err=True)
            for item in built:
                click.echo(f"{item.name:58} {item.pages:5} {item.size // 1024:6} {item.seconds:5.1f}s  "
                           f"{len(item.warnings) or ''}", err=True)
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
        counts = {status: sum(o.status == status for o in report.outcomes) for status in ("built", "fresh", "failed")}
        click.echo(f"{counts['built']} built, {counts['fresh']} up to date, {counts['failed']} failed "
                   f"in {seconds:.1f}s.", err=True)
        if self.timings:
            click.echo("Seconds per stage, summed over workers: "
                       + (", ".join(f"{stage} {spent:.2f}" for stage, spent in report.stages.items()) or "none"), err=True)
