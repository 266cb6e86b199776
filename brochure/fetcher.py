"""The only way into a render: file: URLs inside the project's asset folders, nothing else."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

#: Folders a layout or text may refer to; everything else in the project stays unreadable.
READABLE = ("content", "events", "layouts", "fonts", "assets")


class RefusedResource(FatalURLFetchingError):
    """A layout or text asked for something outside the project; stops the render."""


class ProjectFetcher(URLFetcher):
    def __init__(self, root: Path, extra: dict[str, bytes] | None = None):
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.root = root.resolve()
        #: In-memory resources (converted images) served under file:///brochure-memory/<name>.
        self.extra = extra or {}

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise RefusedResource(f"refused {url}: only files inside the project can be used (no network)")
        if parts.path.startswith("/brochure-memory/") and parts.path[17:] in self.extra:
            return URLFetcherResponse(url, self.extra[parts.path[17:]])
        path = Path(unquote(parts.path)).resolve()
        allowed = any(path.is_relative_to(self.root / folder) for folder in READABLE)
        if not allowed:
            raise RefusedResource(f"refused {url}: outside the project's {', '.join(READABLE)} folders")
        if not path.is_file():
            raise RefusedResource(f"missing file {path.relative_to(self.root)}")
        return URLFetcherResponse(url, path.read_bytes())
