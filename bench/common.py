"""Helpers shared by the benchmark scripts: project copies, generated content, timed subprocesses.

Nothing here imports WeasyPrint; the scripts that need it import it themselves, in their own process.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PYTHON = sys.executable
#: What a project is made of (as tests/conftest.py copies it, but without events/: the benchmark
#: measures the 20 brochures and fact sheets, not the press kits an event adds); dist/ and
#: .brochure/ stay behind.
PROJECT_PARTS = ("brochure.yml", "content", "layouts", "assets", "fonts")
#: The sentence the one-sentence rebuild changes (Japanese intro, first paragraph).
SENTENCE_OLD = "この8年間で"
SENTENCE_NEW = "この十数年で"


#: Where the measured code and project come from: a snapshot taken when the run starts (see
#: take_snapshot), so that edits made to the checkout while the benchmark runs cannot mix versions.
SNAPSHOT: Path | None = None


def take_snapshot(target: Path, code: str) -> Path:
    """brochure/ and the project parts, from the working tree (code='worktree') or git HEAD ('head')."""
    global SNAPSHOT
    target.mkdir(parents=True)
    if code == "head":
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD", "brochure", *PROJECT_PARTS],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    else:
        copy_project(target, REPO)
        shutil.copytree(REPO / "brochure", target / "brochure", ignore=shutil.ignore_patterns("__pycache__"))
    SNAPSHOT = target
    return target


def copy_project(target: Path, source: Path | None = None) -> Path:
    """A private copy of the project; fonts/ is hard-linked (large, never written by a build)."""
    source = source or SNAPSHOT or REPO
    target.mkdir(parents=True, exist_ok=True)

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:  # another file system: copy instead
            shutil.copy2(src, dst)

    for part in PROJECT_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part, copy_function=link if part == "fonts" else shutil.copy2)
        elif path.is_file():
            shutil.copy2(path, target / part)
    return target


def generate_governments(root: Path, count: int, template: str = "sejong") -> list[str]:
    """content/gov-NN copies of content/<template> with fictional names; brochure.yml lists only them."""
    slugs = [f"gov-{number:02d}" for number in range(1, count + 1)]
    source = root / "content" / template
    for number, slug in enumerate(slugs, 1):
        folder = root / "content" / slug
        shutil.copytree(source, folder)
        for text in folder.glob("*.md"):
            body = text.read_text(encoding="utf-8")
            body = re.sub(r"(?m)^name: .*$", f"name: Testville {number:02d}", body, count=1)
            body = re.sub(r"(?m)^short_name: .*$", f"short_name: Testville {number:02d}", body, count=1)
            text.write_text(body, encoding="utf-8")
    shutil.rmtree(source)
    config = root / "brochure.yml"
    text = config.read_text(encoding="utf-8")
    text, found = re.subn(r"(?m)^governments:.*$", "governments: [" + ", ".join(slugs) + "]", text)
    if found != 1:
        raise SystemExit("bench: brochure.yml has no one-line 'governments:' entry to replace")
    config.write_text(text, encoding="utf-8")
    return slugs


def change_one_sentence(root: Path, government: str = "sejong") -> str:
    """Edit one sentence of content/<government>/ja.md's body; returns what was done."""
    path = root / "content" / government / "ja.md"
    text = path.read_text(encoding="utf-8")
    head, separator, body = text.partition("\n---\n")
    if SENTENCE_OLD in body:
        body = body.replace(SENTENCE_OLD, SENTENCE_NEW, 1)
        done = f"{government}/ja.md body: '{SENTENCE_OLD}' -> '{SENTENCE_NEW}'"
    else:  # the sample text changed: prefix the first paragraph's first sentence instead
        lines = body.split("\n")
        index = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("#"))
        lines[index] = "現在、" + lines[index]
        body = "\n".join(lines)
        done = f"{government}/ja.md body: first sentence prefixed with '現在、'"
    path.write_text(head + separator + body, encoding="utf-8")
    return done


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment of every measured command: the snapshot's brochure/ first on the path."""
    env = dict(os.environ)
    code = SNAPSHOT or REPO
    env["PYTHONPATH"] = str(code) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


class CommandFailed(RuntimeError):
    pass


def cpu_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / tick, sum(fields[:8]) / tick


#: Seconds a measurement may wait for the machine to be quiet (other sessions' test runs share it).
MAX_WAIT = 180.0
QUIET_SHARE = 0.15


def wait_for_quiet(max_wait: float | None = None) -> dict:
    """Wait until the CPUs have been at most 15 % busy for two consecutive seconds (or give up)."""
    limit = MAX_WAIT if max_wait is None else max_wait
    start = time.perf_counter()
    calm = 0
    share = 1.0
    while True:
        busy0, total0 = cpu_busy()
        time.sleep(1.0)
        busy1, total1 = cpu_busy()
        share = (busy1 - busy0) / max(total1 - total0, 1e-9)
        calm = calm + 1 if share <= QUIET_SHARE else 0
        waited = time.perf_counter() - start
        if calm >= 2 or waited >= limit:
            return {"waited_s": round(waited, 1), "busy_share_before": round(share, 3), "quiet": calm >= 2}


def run_measured(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
                 check: bool = True, quiet: bool = True) -> dict:
    """Run a command; wall seconds and the peak RSS of it and every descendant it waited for.

    os.wait4 returns the rusage of the child including its reaped children, so ru_maxrss is the
    largest resident set of any one process of the command (the CLI process or one of its
    workers) -- the same figure resource.getrusage(RUSAGE_CHILDREN) gives, but for this command
    alone instead of everything this benchmark ever started.
    """
    waited = wait_for_quiet() if quiet else None
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy_before, _ = cpu_busy()
        start = time.perf_counter()
        # cwd defaults to the snapshot: `python3 -m` and `-c` put the working directory first on
        # sys.path, which must not be the live checkout.
        process = subprocess.Popen(cmd, cwd=cwd or SNAPSHOT or REPO, env=env or subprocess_env(), stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        busy_after, _ = cpu_busy()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    result = {"seconds": seconds, "max_rss_mb": usage.ru_maxrss / 1024, "returncode": process.returncode,
              "user_s": usage.ru_utime, "system_s": usage.ru_stime,
              # CPU time the rest of the machine used meanwhile: other sessions' work disturbing the figure.
              "foreign_cpu_s": max(0.0, (busy_after - busy_before) - usage.ru_utime - usage.ru_stime),
              "wait": waited, "stdout": stdout, "stderr": stderr}
    if check and process.returncode != 0:
        raise CommandFailed(f"{' '.join(cmd)} exited with {process.returncode}:\n{stdout[-3000:]}\n{stderr[-3000:]}")
    return result


def summary_counts(stderr: str) -> dict[str, int]:
    """'N built, M up to date, K failed' from the CLI's summary line."""
    found = re.search(r"(\d+) built, (\d+) up to date, (\d+) failed", stderr)
    if not found:
        return {}
    return {"built": int(found[1]), "fresh": int(found[2]), "failed": int(found[3])}
