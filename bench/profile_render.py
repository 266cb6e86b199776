"""Where one document's render spends its time: `python3 bench/profile_render.py ROOT JOB OUT.json [--plain]`.

In a fresh process: import the library, load the project, import WeasyPrint and set up the
renderer (as a pipeline worker does), then run brochure.pipeline.render_job for JOB twice: the
first render pays first-use costs (fonts opened by Pango/fontconfig, stylesheets parsed), the
second is warm. With cProfile (default) the cumulative times of known functions are folded into
exclusive buckets; with --plain nothing is profiled and only the stage timings are recorded
(cProfile inflates Python-heavy code, so the plain run gives the true seconds).
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

START = time.perf_counter()


def cumulative(stats: pstats.Stats, file_suffix: str, name: str) -> float:
    return sum(row[3] for key, row in stats.stats.items()  # type: ignore[attr-defined]
               if key[0].endswith(file_suffix) and key[2] == name)


def builtin(stats: pstats.Stats, text: str) -> float:
    return sum(row[3] for key, row in stats.stats.items() if key[0] == "~" and text in key[2])  # type: ignore[attr-defined]


def buckets(profiler: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profiler)
    html = cumulative(stats, "brochure/html.py", "render_html")
    css = cumulative(stats, "brochure/pdf.py", "stylesheet")
    layout = cumulative(stats, "weasyprint/__init__.py", "render")
    write_pdf = cumulative(stats, "weasyprint/document.py", "write_pdf")
    paint = cumulative(stats, "weasyprint/document.py", "paint")
    font_load = cumulative(stats, "weasyprint/pdf/fonts.py", "__init__")
    subset = cumulative(stats, "weasyprint/pdf/fonts.py", "subset")
    compress = builtin(stats, "'compress' of 'zlib.Compress'") + builtin(stats, "'flush' of 'zlib.Compress'")
    # finish_pdf (pikepdf: crop marks, bookmark titles) holds add_crop_marks; older code called it directly.
    finish = cumulative(stats, "brochure/pdf.py", "finish_pdf") or cumulative(stats, "brochure/pdf.py", "add_crop_marks")
    post = cumulative(stats, "brochure/pdf.py", "_stable_document_id") + finish
    preflight = cumulative(stats, "brochure/preflight.py", "check_pdf")
    total = cumulative(stats, "brochure/pipeline.py", "render_job")
    parts = {
        "html": html,
        "stylesheets": css,
        "layout": layout,
        "drawing": paint - font_load,
        "font_loading": font_load,
        "font_subsetting": subset,
        "compression": compress,
        "pdf_other": write_pdf - paint - subset - compress,
        "finish_pdf_and_id": post,
        "preflight": preflight,
    }
    parts["rest"] = total - sum(parts.values())
    parts["total"] = total
    return parts


def main() -> None:
    root, name, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    profiled = "--plain" not in sys.argv
    result: dict = {"job": name, "profiled": profiled}

    start = time.perf_counter()
    from brochure import pipeline
    from brochure.config import load_config
    from brochure.content import load_project
    from brochure.pdf import fontconfig_file
    from brochure.plan import plan_jobs
    result["import_brochure_s"] = time.perf_counter() - start
    start = time.perf_counter()
    config = load_config(root)
    project = load_project(config)
    job = next(j for j in plan_jobs(config) if j.name == name)
    result["load_project_s"] = time.perf_counter() - start

    start = time.perf_counter()
    import os
    os.environ["FONTCONFIG_FILE"] = str(fontconfig_file(root))
    import weasyprint  # noqa: F401
    result["import_weasyprint_s"] = time.perf_counter() - start
    start = time.perf_counter()
    pipeline._init_worker(config)
    result["renderer_init_s"] = time.perf_counter() - start

    for label in ("first", "second"):
        profiler = cProfile.Profile() if profiled else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        outcome, data, timings = pipeline.render_job(project, job, "bench")
        if profiler:
            profiler.disable()
        entry = {"seconds": time.perf_counter() - start, "status": outcome.status, "stages": timings,
                 "pages": outcome.pages, "bytes": len(data or b"")}
        if profiler:
            entry["buckets"] = buckets(profiler)
            top = pstats.Stats(profiler).sort_stats("tottime")
            entry["top_tottime"] = [
                {"function": f"{Path(k[0]).name}:{k[1]}({k[2]})", "tottime": row[2], "calls": row[1]}
                for k, row in sorted(top.stats.items(), key=lambda item: -item[1][2])[:12]]  # type: ignore[attr-defined]
        result[label] = entry
    result["process_s"] = time.perf_counter() - START
    out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
