"""The bundle of a press kit: every single PDF, thumbnails, a checksummed manifest and an index page, zipped reproducibly."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from typing import Any

from .model import Project
from .plan import Job


def thumbnail(data: bytes, width: int = 240) -> bytes:
    """PNG of a PDF's first page."""
    import pypdfium2 as pdfium
    page = pdfium.PdfDocument(data)[0]
    image = page.render(scale=width / page.get_width()).to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def make_bundle(project: Project, kit: Any, jobs: list[Job], entries: dict[str, dict[str, Any]], date: str) -> bytes:
    """ZIP with documents/, thumbnails/, manifest.json and index.html; fixed dates and order, so rebuilds match."""
    from .html import environment
    from .presskit import government_name, part_title
    event = project.events[kit.event]
    dist = project.config.output_dir
    stamp = datetime.datetime.fromisoformat(date).timetuple()[:6]
    files: dict[str, bytes] = {}
    documents = []
    for job in jobs:
        data = (dist / job.name).read_bytes()
        name = job.name.rsplit("/", 1)[-1]
        files[f"documents/{name}"] = data
        files[f"thumbnails/{name[:-4]}.png"] = thumbnail(data)
        documents.append({"file": f"documents/{name}", "thumbnail": f"thumbnails/{name[:-4]}.png",
                          "government": job.government, "language": job.language, "kind": job.kind,
                          "title": part_title(project, job, event.language),
                          "name": government_name(project, job.government, event.language),
                          "pages": entries[job.name]["pages"], "bytes": len(data),
                          "sha256": hashlib.sha256(data).hexdigest()})
    files["manifest.json"] = (json.dumps({"event": event.slug, "name": event.name, "profile": kit.profile,
                                          "documents": documents}, ensure_ascii=False, indent=2) + "\n").encode()
    template = environment(project.config.root / "layouts").get_template("bundle-index.html")
    files["index.html"] = template.render(event=event, documents=documents, t=project.strings[event.language],
                                          lang=event.language).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return out.getvalue()
