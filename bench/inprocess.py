"""In-process builds for per-stage seconds: `python3 bench/inprocess.py ROOT JOBS STEP...` prints JSON.

STEP is `build` (brochure.pipeline.build(config, jobs=JOBS); JOBS 0 means the default) or `edit`
(change one sentence of content/sejong/ja.md). Worker peak RSS is read from RUSAGE_CHILDREN after
each build: the pool's workers are this process's only children, so it is the largest worker.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from common import change_one_sentence  # noqa: E402

from brochure.config import load_config  # noqa: E402
from brochure.pipeline import build  # noqa: E402


def main() -> None:
    root, jobs, steps = Path(sys.argv[1]), int(sys.argv[2]) or None, sys.argv[3:]
    results = []
    for step in steps:
        if step == "edit":
            results.append({"step": "edit", "done": change_one_sentence(root)})
            continue
        start = time.perf_counter()
        report = build(load_config(root), jobs=jobs)
        seconds = time.perf_counter() - start
        counts = {status: sum(o.status == status for o in report.outcomes) for status in ("built", "fresh", "failed")}
        results.append({
            "step": step, "jobs": jobs, "seconds": seconds, "stages": report.stages, **counts,
            "documents": {o.name: o.seconds for o in report.outcomes if o.status == "built"},
            "worker_max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "main_max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "weasyprint_in_main": "weasyprint" in sys.modules,
        })
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
