"""Bare WeasyPrint in one long-lived process: `python3 bench/bare.py SPEC.json OUT.json`.

SPEC lists HTML files already produced by brochure.html.render_html. WeasyPrint is imported once,
each layout stylesheet is parsed once, then every document is rendered with
HTML(string=..., base_url=layouts/, url_fetcher=ProjectFetcher).render(...).write_pdf(...) using the
same output options as the pipeline (PDF variant, image resolution, JPEG quality, optimised images,
custom metadata). Nothing else: no preflight, no crop marks, no manifest. `passes` > 1 renders the
whole list again in the same process (warm caches).
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import time
from pathlib import Path

START = time.perf_counter()


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    root = Path(spec["root"])
    from brochure.pdf import fontconfig_file
    from brochure.profiles import PROFILES
    os.environ["FONTCONFIG_FILE"] = str(fontconfig_file(root))
    result: dict = {"python_start_to_main_s": time.perf_counter() - START}

    start = time.perf_counter()
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from brochure.fetcher import ProjectFetcher
    result["import_s"] = time.perf_counter() - start

    start = time.perf_counter()
    icc = Path(spec["icc"]).read_bytes()
    # The fetcher serves the output-intent profile from memory; its constructor changed over time.
    if "icc_profile" in inspect.signature(ProjectFetcher).parameters:
        fetcher = ProjectFetcher(root, icc)
    else:
        fetcher = ProjectFetcher(root, {"output-intent.icc": icc})
    font_config = FontConfiguration()
    sheets = {name: weasyprint.CSS(filename=str(root / "layouts" / name), url_fetcher=fetcher, font_config=font_config)
              for job in spec["jobs"] for name in job["stylesheets"]}
    result["setup_s"] = time.perf_counter() - start

    base_url = str(root / "layouts") + "/"
    passes = []
    for number in range(spec.get("passes", 1)):
        documents = {}
        for job in spec["jobs"]:
            html = Path(job["html"]).read_text(encoding="utf-8")
            profile = PROFILES[job["profile"]]
            start = time.perf_counter()
            document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
                font_config=font_config, stylesheets=[sheets[name] for name in job["stylesheets"]])
            layout = time.perf_counter() - start
            start = time.perf_counter()
            data = document.write_pdf(pdf_variant=profile.variant, dpi=profile.image_ppi,
                                      jpeg_quality=profile.jpeg_quality, optimize_images=True, custom_metadata=True)
            write = time.perf_counter() - start
            out = Path(job["out"].replace("{pass}", str(number + 1)))
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            documents[job["name"]] = {"layout_s": layout, "write_s": write, "seconds": layout + write,
                                      "pages": len(document.pages), "bytes": len(data)}
        passes.append({"documents": documents, "total_s": sum(d["seconds"] for d in documents.values())})
    result["passes"] = passes
    result["process_s"] = time.perf_counter() - START
    Path(sys.argv[2]).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
