"""The only way into a render: file: URLs inside the project's asset folders, nothing else."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .uptodate import signature

#: Folders a layout or text may refer to; everything else in the project stays unreadable.
READABLE = ("content", "events", "layouts", "fonts", "assets")
#: Served from memory: the output-intent profile, and content images converted to CMYK for print.
MEMORY = "/brochure-memory/"
CMYK = MEMORY + "cmyk/"


class RefusedResource(FatalURLFetchingError):
    """A layout or text asked for something outside the project; stops the render."""


class ProjectFetcher(URLFetcher):
    def __init__(self, root: Path, icc_profile: bytes):
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.root = root.resolve()
        self.icc_profile = icc_profile
        self.converted: dict[tuple[object, ...], bytes] = {}

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = unquote(urlsplit(url).path)
        if urlsplit(url).scheme != "file":
            raise RefusedResource(f"refused {url}: only files inside the project can be used (no network)")
        if path == MEMORY + "output-intent.icc":
            return URLFetcherResponse(url, self.icc_profile)
        if path.startswith(CMYK):  # converted once per image file version (a worker renders many documents)
            source = self.root / path[len(CMYK):]
            key = (path, *signature(source))
            if key not in self.converted:
                self.converted[key] = to_cmyk(self._read(source), self.icc_profile)
            return URLFetcherResponse(url, self.converted[key])
        return URLFetcherResponse(url, self._read(Path(path)))

    def _read(self, path: Path) -> bytes:
        path = path.resolve()
        if not any(path.is_relative_to(self.root / folder) for folder in READABLE):
            raise RefusedResource(f"refused {path}: outside the project's {', '.join(READABLE)} folders")
        if not path.is_file():
            raise RefusedResource(f"missing file {path.relative_to(self.root)}")
        return path.read_bytes()


def to_cmyk(data: bytes, icc_profile: bytes) -> bytes:
    """An RGB image as a CMYK JPEG through the output-intent profile (relative colorimetric), for print."""
    from PIL import Image, ImageCms
    with Image.open(io.BytesIO(data)) as image:
        if image.mode == "CMYK":
            return data
        rgb = image.convert("RGB")
        source = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"])) if image.info.get("icc_profile") \
            else ImageCms.createProfile("sRGB")
        target = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        cmyk = ImageCms.profileToProfile(rgb, source, target, renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                         outputMode="CMYK")
        assert cmyk is not None  # profileToProfile returns None only when converting in place
        out = io.BytesIO()
        cmyk.save(out, "JPEG", quality=92, dpi=image.info.get("dpi", (300, 300)))
        return out.getvalue()
