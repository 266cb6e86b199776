"""dist/manifest.json: one entry per output file, written atomically, listing only complete files."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

NAME = "manifest.json"


def entry(path: str, data: bytes, pages: int, key: str, **fields: Any) -> dict[str, Any]:
    return {"path": path, **fields, "pages": pages, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "key": key}


def read_manifest(dist: Path) -> dict[str, dict[str, Any]]:
    """Entries by path; a missing or damaged manifest means nothing is known to be built."""
    try:
        data = json.loads((dist / NAME).read_text(encoding="utf-8"))
        return {item["path"]: item for item in data["outputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_atomic(path: Path, data: bytes) -> None:
    """Temporary file in the same folder, fsync, rename: a crash leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def write_manifest(dist: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Keep only entries whose file exists with the recorded size; sort for stable output."""
    outputs = [item for path, item in sorted(entries.items())
               if (dist / path).is_file() and (dist / path).stat().st_size == item["bytes"]]
    text = json.dumps({"outputs": outputs}, ensure_ascii=False, indent=2) + "\n"
    write_atomic(dist / NAME, text.encode("utf-8"))
