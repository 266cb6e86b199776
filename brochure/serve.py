"""`brochure serve`: a preview page on localhost showing the rendered pages, refreshed after each rebuild."""

from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import BrochureError
from .manifest import read_manifest

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>brochure preview</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #e8e8e8; }
header { position: sticky; top: 0; background: #22364f; color: #fff; padding: 8px 16px; display: flex; gap: 16px;
         align-items: center; }
select { font: inherit; }
#errors { white-space: pre-wrap; color: #a00; background: #fff0f0; margin: 0; padding: 8px 16px; }
#errors:empty { display: none; }
main { display: flex; flex-wrap: wrap; gap: 16px; padding: 16px; }
main img { width: 420px; box-shadow: 0 1px 4px rgba(0,0,0,.3); background: #fff; }
</style></head>
<body data-version="0">
<header><strong>Preview</strong><select id="doc"></select><span id="status"></span></header>
<pre id="errors"></pre>
<main id="pages"></main>
<script>
let shown = "";
async function refresh() {
  const state = await (await fetch("/state")).json();
  const select = document.getElementById("doc");
  if (select.options.length !== state.documents.length) {
    select.innerHTML = state.documents.map(d => `<option>${d}</option>`).join("");
  }
  select.value = state.preview;
  document.getElementById("errors").textContent = state.errors.join("\\n");
  document.getElementById("status").textContent = `build ${state.version}`;
  document.body.dataset.version = state.version;
  const doc = state.preview, key = doc + "@" + (state.sha[doc] || "");
  if (key !== shown && state.pages[doc]) {
    shown = key;
    document.getElementById("pages").innerHTML = Array.from({length: state.pages[doc]}, (_, i) =>
      `<img alt="page ${i + 1}" src="/page?doc=${encodeURIComponent(doc)}&n=${i + 1}&sha=${state.sha[doc]}">`).join("");
  }
}
document.getElementById("doc").addEventListener("change", async e => {
  await fetch("/select?doc=" + encodeURIComponent(e.target.value)); refresh(); });
refresh(); setInterval(refresh, 700);
</script></body></html>
"""


class Preview:
    """State shared by the watcher thread and the HTTP handlers."""

    def __init__(self, dist: Path, preview: str):
        self.dist = dist
        self.preview = preview
        self.version = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.images: dict[tuple[str, int], bytes] = {}

    def report(self, result: object) -> None:
        with self.lock:
            self.version += 1
            self.errors = [str(p) for p in result.problems] if isinstance(result, BrochureError) else []

    def state(self) -> dict[str, Any]:
        entries = read_manifest(self.dist)
        documents = sorted(path for path, item in entries.items() if path.endswith(".pdf"))
        with self.lock:
            return {"version": self.version, "errors": self.errors, "documents": documents,
                    "preview": self.preview if self.preview in entries else (documents[0] if documents else ""),
                    "pages": {p: entries[p]["pages"] for p in documents}, "sha": {p: entries[p]["sha256"] for p in documents}}

    def page_png(self, document: str, number: int) -> bytes:
        import pypdfium2 as pdfium
        entries = read_manifest(self.dist)
        if document not in entries:
            raise KeyError(document)
        key = (entries[document]["sha256"], number)
        with self.lock:  # pdfium is not thread-safe
            if key not in self.images:
                pdf = pdfium.PdfDocument((self.dist / document).read_bytes())
                image = pdf[number - 1].render(scale=1.4).to_pil()
                out = io.BytesIO()
                image.save(out, "PNG")
                self.images[key] = out.getvalue()
            return self.images[key]


def make_server(preview: Preview, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            try:
                if url.path == "/":
                    self._send(PAGE.encode(), "text/html; charset=utf-8")
                elif url.path == "/state":
                    self._send(json.dumps(preview.state()).encode(), "application/json")
                elif url.path == "/select":
                    preview.preview = query.get("doc", "")
                    self._send(b"{}", "application/json")
                elif url.path == "/page":
                    self._send(preview.page_png(query["doc"], int(query["n"])), "image/png")
                else:
                    self.send_error(404)
            except (KeyError, ValueError, IndexError):
                self.send_error(404)

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal shows build results
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)
