#!/usr/bin/env python3
"""Benchmark of the brochure pipeline against bare WeasyPrint: `python3 bench/run.py [--quick] [--out FILE]`.

Every measurement runs in its own fresh temporary copy of the project (fonts hard-linked). See
bench/README.md for what each figure means. Prints a table and writes JSON (default
bench/results.json, or bench/results-quick.json with --quick).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common  # noqa: E402
from common import (  # noqa: E402
    BENCH,
    PYTHON,
    REPO,
    change_one_sentence,
    copy_project,
    generate_governments,
    run_measured,
    subprocess_env,
    summary_counts,
    take_snapshot,
)

SAMPLE_DOCS = 20
AFFECTED_LANGUAGE = "ja"
PROFILE_JOBS = ("print/sejong/sejong-factsheet-ja.pdf", "print/sejong/sejong-brochure-ja.pdf",
                "screen/sejong/sejong-factsheet-ja.pdf", "screen/sejong/sejong-brochure-ja.pdf")
IMPORT_CHECK = r"""
import json, sys, time
start = time.perf_counter()
from brochure.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
    code = 0
except SystemExit as exit:
    code = exit.code or 0
heavy = sorted(m for m in ("weasyprint", "pikepdf", "pypdfium2", "fontTools", "PIL", "babel", "jinja2") if m in sys.modules)
print(json.dumps({"code": code, "seconds": time.perf_counter() - start, "modules": heavy}))
assert "weasyprint" not in sys.modules, "weasyprint was imported"
"""


LOADS: list[dict] = []


def log(message: str) -> None:
    """Progress on stderr; the load average is kept so that a disturbed run shows in the JSON."""
    load = os.getloadavg()[0]
    LOADS.append({"time": time.strftime("%H:%M:%S"), "load_1min": load, "step": message})
    print(f"[{time.strftime('%H:%M:%S')} load {load:.2f}] {message}", file=sys.stderr, flush=True)


#: Foreign CPU (cores used by other processes, averaged over a measurement) above which the
#: measurement counts as disturbed and is repeated (up to --attempts times; the least disturbed is kept).
DISTURBED = 0.10
ATTEMPTS = 2


def disturbance(run: dict) -> float:
    return run["foreign_cpu_s"] / max(run["seconds"], 1e-9)


def least_disturbed(attempt, what: str) -> dict:  # type: ignore[no-untyped-def]
    """Run attempt(n) until one is undisturbed by other processes; keep the least disturbed."""
    tries = []
    for number in range(ATTEMPTS):
        result = attempt(number)
        tries.append(result)
        if disturbance(result) <= DISTURBED:
            break
        log(f"  {what}: {result['seconds']:.1f}s but disturbed (other processes used {disturbance(result):.2f} "
            f"cores meanwhile)" + ("; again" if number + 1 < ATTEMPTS else ""))
    best = min(tries, key=disturbance)
    best["attempts"] = [{"seconds": t["seconds"], "foreign_cores": round(disturbance(t), 3)} for t in tries]
    best["disturbed"] = disturbance(best) > DISTURBED
    return best


def brochure(root: Path, *args: str) -> list[str]:
    return [PYTHON, "-m", "brochure", "--root", str(root), *args]


def build_cli(root: Path, *args: str, expect: dict[str, int] | None = None, rendered: int | None = None) -> dict:
    """A timed `brochure build`; `expect` checks the summary counts, `rendered` built + failed."""
    result = run_measured(brochure(root, "build", "--timings", *args), check=rendered is None)
    result["counts"] = counts = summary_counts(result["stderr"])
    stages = re.search(r"Seconds per stage, summed over workers: (.*)", result["stderr"])
    result["stages"] = {name: float(value) for name, value in
                        (item.split(" ") for item in stages[1].split(", ") if " " in item)} if stages else {}
    # Problems a build reports (e.g. an over-budget PDF), with government numbers folded together.
    result["problems"] = sorted({re.sub(r"gov-\d+", "gov-NN", line) for line in result["stderr"].split("\n")
                                 if line.startswith("dist/")})[:10]
    if rendered is not None and counts.get("built", 0) + counts.get("failed", 0) != rendered:
        raise SystemExit(f"bench: build {' '.join(args)} in {root}: expected {rendered} rendered, got {counts}\n"
                         f"{result['stderr'][-3000:]}")
    if expect and any(counts.get(k) != v for k, v in expect.items()):
        raise SystemExit(f"bench: build {' '.join(args)} in {root}: expected {expect}, got {result['counts']}\n"
                         f"{result['stderr'][-3000:]}")
    return trim(result)


def trim(result: dict) -> dict:
    """Keep only the last lines of a command's output in the JSON."""
    for key in ("stdout", "stderr"):
        result[key] = "\n".join(result[key].strip().split("\n")[-3:])
    return result


def write_html(root: Path, folder: Path, languages: tuple[str, ...] = (), icc_as_file: bool = False,
               government: str | None = None, profile: str | None = None) -> list[dict]:
    """The final HTML of every selected job (as the pipeline renders it), one file each."""
    from brochure.config import load_config
    from brochure.content import load_project
    from brochure.html import render_html
    from brochure.plan import LAYOUT_FILES, plan_jobs
    config = load_config(root)
    project = load_project(config)
    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    for job in plan_jobs(config):
        if ((languages and job.language not in languages) or government not in (None, job.government)
                or profile not in (None, job.profile)):
            continue
        html = render_html(project, job)
        if icc_as_file:  # the in-memory URL only ProjectFetcher serves, as a plain file URL
            html = html.replace("file:///brochure-memory/output-intent.icc", config.icc_profile.as_uri())
        path = folder / (job.name.replace("/", "__")[:-4] + ".html")
        path.write_text(html, encoding="utf-8")
        jobs.append({"name": job.name, "html": str(path), "kind": job.kind, "profile": job.profile,
                     "language": job.language,
                     "stylesheets": [n for n in LAYOUT_FILES[job.kind] if n.endswith(".css")]})
    return jobs


def bare(root: Path, jobs: list[dict], passes: int, label: str) -> dict:
    from brochure.config import load_config
    work = root / ".bench" / label
    for job in jobs:
        job["out"] = str(work / "pass{pass}" / job["name"])
    spec = {"root": str(root), "icc": str(load_config(root).icc_profile), "passes": passes, "jobs": jobs}
    (work).mkdir(parents=True, exist_ok=True)
    (work / "spec.json").write_text(json.dumps(spec, indent=1))
    run = run_measured([PYTHON, str(BENCH / "bare.py"), str(work / "spec.json"), str(work / "result.json")])
    result = json.loads((work / "result.json").read_text())
    result["wall_s"] = result["seconds"] = run["seconds"]
    result["max_rss_mb"] = run["max_rss_mb"]
    result["foreign_cpu_s"] = run["foreign_cpu_s"]
    result["wait"] = run["wait"]
    return result


def naive(root: Path, jobs: list[dict], matched: bool) -> dict:
    """One `python3 -m weasyprint` process per document, one after another."""
    from brochure.pdf import fontconfig_file
    from brochure.profiles import PROFILES
    env = subprocess_env(FONTCONFIG_FILE=str(fontconfig_file(root)))
    out = root / ".bench" / "naive-pdf"
    out.mkdir(parents=True, exist_ok=True)
    documents, commands = {}, []
    for job in jobs:
        target = out / (Path(job["html"]).stem + ".pdf")
        cmd = [PYTHON, "-m", "weasyprint", job["html"], str(target)]
        for sheet in job["stylesheets"]:
            cmd += ["-s", f"layouts/{sheet}"]
        if matched:
            profile = PROFILES[job["profile"]]
            cmd += ["-u", (root / "layouts").as_uri() + "/", "--pdf-variant", profile.variant, "-D",
                    str(profile.image_ppi), "-j", str(profile.jpeg_quality), "--optimize-images", "--custom-metadata"]
        run = least_disturbed(lambda n, cmd=cmd: run_measured(cmd, cwd=root, env=env, quiet=not documents or n > 0),
                              Path(target).name)
        documents[job["name"]] = {"seconds": run["seconds"], "max_rss_mb": run["max_rss_mb"],
                                  "foreign_cpu_s": run["foreign_cpu_s"], "bytes": target.stat().st_size,
                                  "disturbed": run["disturbed"]}
        commands.append(" ".join(cmd).replace(str(root), "$ROOT"))
    return {"total_s": sum(d["seconds"] for d in documents.values()), "documents": documents,
            "foreign_cpu_s": sum(d["foreign_cpu_s"] for d in documents.values()),
            "seconds": sum(d["seconds"] for d in documents.values()),
            "disturbed_documents": sum(d["disturbed"] for d in documents.values()),
            "example_command": commands[0], "max_rss_mb": max(d["max_rss_mb"] for d in documents.values())}


def watch_rebuilds(root: Path, government: str, *args: str, rounds: int = 3) -> dict:
    """`brochure watch` on a built project: seconds from saving a one-sentence edit of
    content/<government>/ja.md until watch reports the rebuild (its 0.4 s polling included).
    The edit is made, undone and made again: `rounds` rebuilds in one long-lived process."""
    import queue
    import signal
    import threading
    path = root / "content" / government / "ja.md"
    original = path.read_bytes()
    lines: queue.Queue[str] = queue.Queue()
    process = subprocess.Popen(brochure(root, "watch", *args), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, cwd=common.SNAPSHOT or REPO, env=subprocess_env())
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()  # type: ignore[union-attr]

    def report() -> str:
        while True:
            line = lines.get(timeout=600)
            if "Watching" in line:
                return line.strip()
    try:
        first = report()  # the initial check of the built project
        times, reports = [], []
        for number in range(rounds):
            common.wait_for_quiet()
            start = time.perf_counter()
            if number % 2:
                path.write_bytes(original)
            else:
                change_one_sentence(root, government)
            reports.append(report())
            times.append(time.perf_counter() - start)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    path.write_bytes(original)
    return {"initial": first, "seconds": times, "median_s": statistics.median(times), "reports": reports}


def import_check(root: Path, *args: str) -> dict:
    run = run_measured([PYTHON, "-c", IMPORT_CHECK, "--root", str(root), *args], check=False)
    try:
        result = json.loads(run["stdout"].strip().split("\n")[-1])
    except (json.JSONDecodeError, IndexError):
        result = {}
    result.update(ok=run["returncode"] == 0, wall_s=run["seconds"], stderr=run["stderr"][-500:])
    return result


def median_run(cmd: list[str], times: int = 3, env: dict[str, str] | None = None) -> dict:
    runs = [run_measured(cmd, env=env, quiet=index == 0)["seconds"] for index in range(times)]
    return {"median_s": statistics.median(runs), "runs_s": runs}


def machine() -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=30).stdout.strip()
        except OSError:
            return ""
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().split("\n")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = subprocess.run([PYTHON, "-c", "import importlib.metadata as m, json; from weasyprint.text.ffi import "
                               "harfbuzz_subset; print(json.dumps({n: m.version(n) for n in ('weasyprint', 'pydyf', "
                               "'pikepdf', 'pypdfium2', 'fonttools')} | {'harfbuzz_subset': bool(harfbuzz_subset)}))"],
                              capture_output=True, text=True).stdout
    try:
        libraries = json.loads(versions)
    except ValueError:
        libraries = {}
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "platform": platform.platform(),
            **libraries,
            "git_head": git("rev-parse", "--short", "HEAD"),
            "uncommitted_library_files": [line[3:] for line in git("status", "--porcelain").split("\n")
                                          if line[3:].startswith(("brochure/", "layouts/", "content/", "fonts/"))]}


def sample(tmp: Path, results: dict) -> None:
    out = results["sample"] = {}
    log("sample: cold build (default --jobs)")
    out["cold_default"] = least_disturbed(
        lambda n: build_cli(copy_project(tmp / f"sample-cli-{n}"), expect={"built": SAMPLE_DOCS}) | {"root": n}, "cold")
    root = tmp / f"sample-cli-{out['cold_default'].pop('root')}"
    log(f"  {out['cold_default']['seconds']:.1f}s; no-op builds")
    noops = [least_disturbed(lambda n: build_cli(root, expect={"built": 0, "fresh": SAMPLE_DOCS}), "no-op")
             for _ in range(3)]
    out["noop"] = {"median_s": statistics.median(n["seconds"] for n in noops), "runs_s": [n["seconds"] for n in noops],
                   "max_rss_mb": max(n["max_rss_mb"] for n in noops),
                   "foreign_cpu_s": statistics.median(n["foreign_cpu_s"] for n in noops)}
    original = (root / "content" / "sejong" / "ja.md").read_bytes()

    def rebuild(number: int) -> dict:
        if number:  # back to the original text and PDFs (untimed), then the same edit again
            (root / "content" / "sejong" / "ja.md").write_bytes(original)
            build_cli(root, expect={"built": 4})
        out["edit"] = change_one_sentence(root)
        return build_cli(root, expect={"built": 4, "fresh": SAMPLE_DOCS - 4})

    log("  rebuild after one sentence changed")
    out["rebuild"] = least_disturbed(rebuild, "rebuild")
    log(f"  {out['rebuild']['seconds']:.1f}s ({out['edit']}); import checks")
    results["imports"] = {"check": import_check(root, "check"), "status": import_check(root, "status"),
                          "noop_build": import_check(root, "build")}
    (root / "content" / "sejong" / "ja.md").write_bytes(original)
    build_cli(root, expect={"built": 4})
    log("  brochure watch: rebuilds after the same edit, made, undone and made again")
    out["watch"] = watch_rebuilds(root, "sejong")
    log(f"  {', '.join(f'{t:.1f}s' for t in out['watch']['seconds'])}")

    log("sample: cold build --jobs 1")
    out["cold_jobs1"] = least_disturbed(
        lambda n: build_cli(copy_project(tmp / f"sample-cli-j1-{n}"), "--jobs", "1", expect={"built": SAMPLE_DOCS}),
        "cold --jobs 1")
    log(f"  {out['cold_jobs1']['seconds']:.1f}s; in-process builds (default jobs: cold, no-op, edit, rebuild)")
    for label, jobs, steps in (("inprocess_default", "0", ("build", "build", "edit", "build")),
                               ("inprocess_jobs1", "1", ("build",))):
        def attempt(number: int, label: str = label, jobs: str = jobs, steps: tuple[str, ...] = steps) -> dict:
            root = copy_project(tmp / f"sample-{label}-{number}")
            return run_measured([PYTHON, str(BENCH / "inprocess.py"), str(root), jobs, *steps])
        run = least_disturbed(attempt, label)
        steps_out = [s for s in json.loads(run["stdout"]) if s["step"] == "build"]
        names = ("cold", "noop", "rebuild")[:len(steps_out)]
        out[label] = {name: step for name, step in zip(names, steps_out)}
        out[label].update(process_max_rss_mb=run["max_rss_mb"], foreign_cpu_s=run["foreign_cpu_s"], seconds=run["seconds"],
                          attempts=run["attempts"], disturbed=run["disturbed"])
        log(f"  {label}: " + ", ".join(f"{n} {s['seconds']:.1f}s" for n, s in zip(names, steps_out)))


def baselines(tmp: Path, results: dict, profile: bool) -> None:
    out = results["baselines"] = {}
    log("baseline: bare WeasyPrint, one long-lived process, 20 documents x 2 passes")
    root = copy_project(tmp / "bare")
    jobs = write_html(root, root / ".bench" / "html")
    out["bare_all"] = least_disturbed(lambda n: bare(root, jobs, 2, f"bare-all-{n}"), "bare")
    log(f"  pass 1 {out['bare_all']['passes'][0]['total_s']:.1f}s, pass 2 {out['bare_all']['passes'][1]['total_s']:.1f}s "
        f"(import {out['bare_all']['import_s']:.2f}s); affected documents alone in a fresh process")
    change_one_sentence(root)
    affected = write_html(root, root / ".bench" / "html-edited", (AFFECTED_LANGUAGE,))
    out["bare_affected"] = least_disturbed(lambda n: bare(root, affected, 1, f"bare-affected-{n}"), "bare affected")
    out["bare_affected"]["documents"] = [j["name"] for j in affected]
    log(f"  {out['bare_affected']['wall_s']:.1f}s wall")

    for label, matched in (("naive_plain", False), ("naive_matched", True)):
        log(f"baseline: naive script, one weasyprint CLI process per document ({label})")
        root = copy_project(tmp / label)
        # WeasyPrint's own fetcher cannot read ProjectFetcher's in-memory URL (the CLI stops on it):
        # both variants get the output-intent profile as a file URL.
        jobs = write_html(root, root / ".bench" / "naive-html", icc_as_file=True)
        out[label] = naive(root, jobs, matched)
        log(f"  {out[label]['total_s']:.1f}s")

    log("start-up costs")
    env = subprocess_env(FONTCONFIG_FILE=str(tmp / "bare" / ".brochure" / "fonts.conf"))
    out["startup"] = {"python": median_run([PYTHON, "-c", "pass"]),
                      "import_weasyprint": median_run([PYTHON, "-c", "import weasyprint"], env=env),
                      "brochure_help": median_run([PYTHON, "-m", "brochure", "--help"])}
    if profile:
        results["profile"] = {}
        for name in PROFILE_JOBS:
            log(f"profile: {name}")
            entry = results["profile"][name] = {}
            for mode in ("profiled", "plain"):
                target = tmp / "bare" / ".bench" / f"profile-{mode}-{name.replace('/', '__')}.json"
                cmd = [PYTHON, str(BENCH / "profile_render.py"), str(tmp / "bare"), name, str(target)]
                run = run_measured(cmd + (["--plain"] if mode == "plain" else []))
                entry[mode] = json.loads(target.read_text())
                entry[mode]["wall_s"] = run["seconds"]


def large(tmp: Path, results: dict, count: int) -> None:
    out = results["large"] = {"governments": count, "languages": 5, "kinds": 2, "profiles": ["screen"],
                              "documents": count * 10}
    template = copy_project(tmp / "large-template")
    generate_governments(template, count)
    documents = count * 10
    for jobs in ("1", "2"):
        log(f"large set: {count} governments, {documents} screen PDFs, cold --jobs {jobs}")
        # --keep-going: a document that fails preflight (e.g. over its size budget) was still fully
        # rendered; the build goes on and the failures are reported in the JSON.
        def attempt(number: int, jobs: str = jobs) -> dict:
            root = copy_project(tmp / f"large-j{jobs}-{number}", source=template)
            run = build_cli(root, "--profile", "screen", "--jobs", jobs, "--keep-going", rendered=documents)
            if jobs == "1":
                shutil.rmtree(root, ignore_errors=True)
            return run | {"root": str(root)}
        out[f"cold_jobs{jobs}"] = run = least_disturbed(attempt, f"large --jobs {jobs}")
        log(f"  {run['seconds']:.1f}s ({run['counts']}, foreign CPU {run['foreign_cpu_s']:.1f}s)")
    root = Path(out["cold_jobs2"].pop("root"))
    out["cold_jobs1"].pop("root")
    log("  no-op builds (default --jobs)")
    noops = [least_disturbed(lambda n: build_cli(root, "--profile", "screen", expect={"built": 0, "fresh": documents}),
                             "large no-op") for _ in range(3)]
    out["noop"] = {"median_s": statistics.median(n["seconds"] for n in noops), "runs_s": [n["seconds"] for n in noops],
                   "max_rss_mb": max(n["max_rss_mb"] for n in noops)}
    out["edit"] = change_one_sentence(root, "gov-01")
    log(f"  rebuild after one sentence changed ({out['edit']})")
    out["rebuild"] = build_cli(root, "--profile", "screen", expect={"built": 2, "fresh": documents - 2})
    affected = write_html(root, root / ".bench" / "html-edited", (AFFECTED_LANGUAGE,), government="gov-01",
                          profile="screen")
    out["bare_affected"] = least_disturbed(lambda n: bare(root, affected, 2, f"bare-affected-{n}"), "bare affected")
    out["bare_affected"]["documents"] = [j["name"] for j in affected]
    # The second pass is only there for the warm figure: the fresh process's wall for one pass excludes it.
    out["bare_affected"]["one_pass_wall_s"] = out["bare_affected"]["wall_s"] - out["bare_affected"]["passes"][1]["total_s"]
    log(f"  rebuild {out['rebuild']['seconds']:.1f}s, bare {out['bare_affected']['one_pass_wall_s']:.1f}s wall")
    change_back = root / "content" / "gov-01" / "ja.md"
    change_back.write_text(change_back.read_text(encoding="utf-8").replace(common.SENTENCE_NEW, common.SENTENCE_OLD),
                           encoding="utf-8")
    build_cli(root, "--profile", "screen", expect={"built": 2})
    log("  brochure watch --profile screen: rebuilds after the same edit")
    out["watch"] = watch_rebuilds(root, "gov-01", "--profile", "screen")
    log(f"  {', '.join(f'{t:.1f}s' for t in out['watch']['seconds'])}")


def ratios(results: dict) -> list[dict]:
    s, b, lg = results["sample"], results["baselines"], results["large"]
    bare_pass1 = b["bare_all"]["passes"][0]
    bare_pass2 = b["bare_all"]["passes"][1]
    affected = b["bare_affected"]["documents"]
    rss = {"sample cold (CLI, all processes)": s["cold_default"]["max_rss_mb"],
           "sample cold --jobs 1 (CLI)": s["cold_jobs1"]["max_rss_mb"],
           "sample rebuild (CLI)": s["rebuild"]["max_rss_mb"],
           "sample cold, workers only (in-process)": s["inprocess_default"]["cold"]["worker_max_rss_mb"],
           "sample cold --jobs 1, worker only (in-process)": s["inprocess_jobs1"]["cold"]["worker_max_rss_mb"],
           "large --jobs 1 (CLI)": lg["cold_jobs1"]["max_rss_mb"], "large --jobs 2 (CLI)": lg["cold_jobs2"]["max_rss_mb"],
           "large rebuild (CLI)": lg["rebuild"]["max_rss_mb"]}
    results["rss"] = rss
    imports = results["imports"]
    rows = [
        ("no-op build / cold build (sample, default jobs)", s["noop"]["median_s"] / s["cold_default"]["seconds"], "<=", 0.02),
        ("cold --jobs 1 / sum of bare long-lived renders (same 20 HTML, pass 1)",
         s["cold_jobs1"]["seconds"] / bare_pass1["total_s"], "<=", 1.10),
        (f"large set ({lg['documents']} screen PDFs): --jobs 1 time / --jobs 2 time",
         lg["cold_jobs1"]["seconds"] / lg["cold_jobs2"]["seconds"], ">=", 1.7),
        ("large set: no-op build / cold build (--jobs 2)", lg["noop"]["median_s"] / lg["cold_jobs2"]["seconds"], "<=", 0.02),
        ("large set: one-sentence rebuild / bare render of the 2 affected documents alone (fresh process, wall)",
         lg["rebuild"]["seconds"] / lg["bare_affected"]["one_pass_wall_s"], "<=", 1.3),
        ("naive script (one weasyprint CLI per file, as briefed) / cold default jobs",
         b["naive_plain"]["total_s"] / s["cold_default"]["seconds"], ">=", 3.0),
        ("one-sentence rebuild / bare render of the 4 affected documents alone (fresh process, wall)",
         s["rebuild"]["seconds"] / b["bare_affected"]["wall_s"], "<=", 1.3),
        ("watch: rebuild after the edit / warm bare renders of the 4 affected documents (sample)",
         s["watch"]["median_s"] / sum(bare_pass2["documents"][n]["seconds"] for n in affected), "<=", 1.3),
        ("watch: rebuild after the edit / warm bare renders of the 2 affected documents (large set)",
         lg["watch"]["median_s"] / lg["bare_affected"]["passes"][1]["total_s"], "<=", 1.3),
        ("peak RSS of any build process, MB", max(rss.values()), "<=", 400.0),
        ("check, status and no-op build never import weasyprint",
         all(item.get("ok") for item in imports.values()), "==", True),
    ]
    secondary = [
        ("cold --jobs 1 / sum of bare renders, warm pass 2", s["cold_jobs1"]["seconds"] / bare_pass2["total_s"]),
        ("cold --jobs 1 / bare process wall time for one pass (start-up, import, setup, pass 1)",
         s["cold_jobs1"]["seconds"] / (b["bare_all"]["wall_s"] - bare_pass2["total_s"])),
        ("naive script with the pipeline's output options / cold default jobs",
         b["naive_matched"]["total_s"] / s["cold_default"]["seconds"]),
        ("one-sentence rebuild / sum of the 4 affected documents' warm bare renders",
         s["rebuild"]["seconds"] / sum(bare_pass2["documents"][n]["seconds"] for n in affected)),
        ("sample: cold --jobs 1 / cold default jobs", s["cold_jobs1"]["seconds"] / s["cold_default"]["seconds"]),
        ("large set: one-sentence rebuild / warm bare renders of the 2 affected documents (pass 2)",
         lg["rebuild"]["seconds"] / lg["bare_affected"]["passes"][1]["total_s"]),
    ]
    out = []
    for label, value, op, target in rows:
        ok = {"<=": lambda v, t: v <= t, ">=": lambda v, t: v >= t, "==": lambda v, t: v == t}[op](value, target)
        out.append({"figure": label, "value": value, "target": f"{op} {target}", "pass": ok})
    for label, value in secondary:
        out.append({"figure": label, "value": value, "target": "(information)", "pass": None})
    return out


def print_tables(results: dict) -> None:
    s, b, lg = results["sample"], results["baselines"], results["large"]
    def row(label: str, run: dict | None, value: float | None = None) -> tuple[str, float, str, str]:
        if run is None:
            return label, value or 0.0, "-", "-"
        used = f"{run['user_s'] + run['system_s']:.2f}" if "user_s" in run else "-"
        mark = "*" if run.get("disturbed") else ""
        return label, run["seconds"] if value is None else value, used, f"{disturbance(run):.2f}{mark}"

    bare_all = b["bare_all"]
    rows = [
        row("sample cold build, default --jobs (CLI)", s["cold_default"]),
        row("sample cold build, --jobs 1 (CLI)", s["cold_jobs1"]),
        row("sample no-op build (CLI, median of 3)", None, s["noop"]["median_s"]),
        row("sample rebuild after one sentence (CLI, 4 PDFs)", s["rebuild"]),
        row("sample rebuild in brochure watch (edit to report, median of 3)", None, s["watch"]["median_s"]),
        row("bare WeasyPrint, long-lived: sum of 20 renders, pass 1", None, bare_all["passes"][0]["total_s"]),
        row("bare WeasyPrint, long-lived: sum of 20 renders, pass 2 (warm)", None, bare_all["passes"][1]["total_s"]),
        row("bare WeasyPrint, whole process (start, import, setup, 2 passes)", bare_all),
        row("bare WeasyPrint, import weasyprint + setup", None, bare_all["import_s"] + bare_all["setup_s"]),
        row("bare WeasyPrint, 4 affected documents, fresh process (wall)", b["bare_affected"]),
        row("naive script, 20 x python3 -m weasyprint (as briefed)", b["naive_plain"]),
        row("naive script, 20 x python3 -m weasyprint (pipeline's options)", b["naive_matched"]),
        row(f"large set cold, {lg['documents']} screen PDFs, --jobs 1", lg["cold_jobs1"]),
        row(f"large set cold, {lg['documents']} screen PDFs, --jobs 2", lg["cold_jobs2"]),
        row("large set no-op build (CLI, median of 3)", None, lg["noop"]["median_s"]),
        row("large set rebuild after one sentence (CLI, 2 PDFs)", lg["rebuild"]),
        row("large set rebuild in brochure watch (edit to report, median of 3)", None, lg["watch"]["median_s"]),
        row("bare WeasyPrint, 2 affected large-set documents, fresh process (wall, one pass)", None,
            lg["bare_affected"]["one_pass_wall_s"]),
    ]
    print(f"\n{'figure':70} {'wall s':>8} {'CPU s':>8} {'foreign':>8}")
    for label, value, used, foreign in rows:
        print(f"{label:70} {value:8.2f} {used:>8} {foreign:>8}")
    print("(CPU s: user+system of the command and its workers; foreign: cores other processes used meanwhile, "
          "* = still disturbed after retries)")
    for label, stages in (("in-process cold (default jobs)", s["inprocess_default"]["cold"]["stages"]),
                          ("in-process cold --jobs 1", s["inprocess_jobs1"]["cold"]["stages"]),
                          ("large set cold --jobs 2", lg["cold_jobs2"]["stages"]),
                          ("large set rebuild after one sentence", lg["rebuild"]["stages"])):
        print(f"{label + ' stages (summed over workers)':70} " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
    print(f"\n{'ratio':92} {'value':>8}  target     result")
    for row in results["ratios"]:
        value = row["value"]
        shown = ("yes" if value else "no") if isinstance(value, bool) else f"{value:.3f}"
        verdict = "" if row["pass"] is None else ("PASS" if row["pass"] else "FAIL")
        print(f"{row['figure'][:92]:92} {shown:>8}  {row['target']:10} {verdict}")
    if results.get("profile"):
        print("\nwhere one render spends its time (cProfile, first render in a fresh worker; seconds):")
        for name, entry in results["profile"].items():
            parts = entry["profiled"]["first"]["buckets"]
            print(f"  {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in parts.items() if abs(v) >= 0.005))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 governments in the large set instead of 50")
    parser.add_argument("--governments", type=int, help="size of the large set (overrides --quick)")
    parser.add_argument("--out", type=Path, help="JSON file (default bench/results.json, results-quick.json with --quick)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile runs")
    parser.add_argument("--attempts", type=int, default=2,
                        help="repeat a measurement disturbed by other processes up to this many times in all (default 2)")
    parser.add_argument("--max-wait", type=float, default=180.0,
                        help="seconds each measurement may wait for a quiet machine (default 180; 0: never wait)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project copies")
    parser.add_argument("--code", choices=("worktree", "head"), default="worktree",
                        help="measure the working tree as it is when the run starts (default) or git HEAD")
    args = parser.parse_args()
    count = args.governments or (10 if args.quick else 50)
    common.MAX_WAIT = args.max_wait
    global ATTEMPTS
    ATTEMPTS = max(1, args.attempts)
    out = args.out or BENCH / ("results-quick.json" if args.quick else "results.json")
    started = time.perf_counter()
    results: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "quick": args.quick, "machine": machine()}
    tmp = Path(tempfile.mkdtemp(prefix="brochure-bench-"))
    log(f"working in {tmp}")
    try:
        source = take_snapshot(tmp / "source", args.code)
        sys.path.insert(0, str(source))  # brochure.* imported by this script (HTML for the baselines)
        results["code"] = {"from": args.code, "snapshot": str(source)}
        log(f"code and project snapshot from {args.code}")
        sample(tmp, results)
        baselines(tmp, results, not args.no_profile)
        large(tmp, results, count)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    log("done")
    results["load_average_log"] = LOADS
    results["ratios"] = ratios(results)
    results["total_benchmark_s"] = time.perf_counter() - started
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print_tables(results)
    print(f"\nwrote {out} in {results['total_benchmark_s']:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
