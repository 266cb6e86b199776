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
#: What a project is made of (as tests/conftest.py copies it); dist/ and .brochure/ stay behind.
PROJECT_PARTS = ("brochure.yml", "content", "events", "layouts", "assets", "fonts")
#: The sentence the one-sentence rebuild changes (Japanese intro, first paragraph).
SENTENCE_OLD = "この8年間で"
SENTENCE_NEW = "この十数年で"


def copy_project(target: Path, source: Path = REPO) -> Path:
    """A private copy of the project; fonts/ is hard-linked (large, never written by a build)."""
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


def change_one_sentence(root: Path) -> str:
    """Edit one sentence of content/sejong/ja.md's body; returns what was done."""
    path = root / "content" / "sejong" / "ja.md"
    text = path.read_text(encoding="utf-8")
    head, separator, body = text.partition("\n---\n")
    if SENTENCE_OLD in body:
        body = body.replace(SENTENCE_OLD, SENTENCE_NEW, 1)
        done = f"ja.md body: '{SENTENCE_OLD}' -> '{SENTENCE_NEW}'"
    else:  # the sample text changed: prefix the first paragraph's first sentence instead
        lines = body.split("\n")
        index = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("#"))
        lines[index] = "現在、" + lines[index]
        body = "\n".join(lines)
        done = "ja.md body: first sentence prefixed with '現在、'"
    path.write_text(head + separator + body, encoding="utf-8")
    return done


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment of every measured command: this checkout first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


class CommandFailed(RuntimeError):
    pass


def run_measured(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
                 check: bool = True) -> dict:
    """Run a command; wall seconds and the peak RSS of it and every descendant it waited for.

    os.wait4 returns the rusage of the child including its reaped children, so ru_maxrss is the
    largest resident set of any one process of the command (the CLI process or one of its
    workers) -- the same figure resource.getrusage(RUSAGE_CHILDREN) gives, but for this command
    alone instead of everything this benchmark ever started.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env or subprocess_env(), stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    result = {"seconds": seconds, "max_rss_mb": usage.ru_maxrss / 1024, "returncode": process.returncode,
              "user_s": usage.ru_utime, "system_s": usage.ru_stime, "stdout": stdout, "stderr": stderr}
    if check and process.returncode != 0:
        raise CommandFailed(f"{' '.join(cmd)} exited with {process.returncode}:\n{stdout[-3000:]}\n{stderr[-3000:]}")
    return result


def summary_counts(stderr: str) -> dict[str, int]:
    """'N built, M up to date, K failed' from the CLI's summary line."""
    found = re.search(r"(\d+) built, (\d+) up to date, (\d+) failed", stderr)
    if not found:
        return {}
    return {"built": int(found[1]), "fresh": int(found[2]), "failed": int(found[3])}
