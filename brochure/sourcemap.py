"""Read project files safely and load YAML that remembers the line of every value."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .errors import BrochureError, Location, Problem

MAX_TEXT_BYTES = 1_000_000
KeyPath = tuple[str | int, ...]


def relative(path: Path, root: Path) -> str:
    """The path as the user wrote it, relative to the project (symlinks are not followed)."""
    try:
        return Path(os.path.abspath(path)).relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def inside(path: Path, root: Path) -> bool:
    """True when `path`, with every symlink resolved, lies inside `root`."""
    return path.resolve().is_relative_to(root.resolve())


def read_text(path: Path, root: Path) -> str:
    """Read a UTF-8 content file, refusing anything a careless edit can produce."""
    where = Location(relative(path, root))
    if not inside(path, root):
        raise BrochureError([Problem(where, "leads outside the project (symlink?); keep content files inside it")])
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise BrochureError([Problem(where, f"file is {size // 1_000_000} MB; text files are limited to 1 MB")])
        data = path.read_bytes()
    except FileNotFoundError:
        raise BrochureError([Problem(where, "file not found")]) from None
    except OSError as error:
        raise BrochureError([Problem(where, f"cannot be read ({error.strerror}); check its permissions")]) from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise BrochureError([Problem(Location(where.path, 1), "starts with a byte order mark; save it as UTF-8 without BOM")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BrochureError([Problem(Location(where.path, line), "is not valid UTF-8; save the file as UTF-8")]) from None
    if not text.strip():
        raise BrochureError([Problem(where, "file is empty")])
    return text


@dataclass(frozen=True)
class YamlDoc:
    """Plain YAML data plus the line of every key path, for error messages."""

    path: str
    data: Any
    lines: dict[KeyPath, int]
    line_offset: int = 0

    def at(self, *keys: str | int) -> Location:
        """Location of the value at `keys`, or of its nearest ancestor that exists."""
        for end in range(len(keys), -1, -1):
            if keys[:end] in self.lines:
                return Location(self.path, self.lines[keys[:end]] + self.line_offset)
        return Location(self.path, 1 + self.line_offset)


def load_yaml(text: str, path: str, line_offset: int = 0) -> YamlDoc:
    """Parse YAML; duplicate keys, tabs and syntax errors become located problems."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        reason = str(error.problem or error.context)
        if "'\\t'" in reason:
            reason = "tab character; indent YAML with spaces"
        else:
            reason = f"invalid YAML: {reason}"
        raise BrochureError([Problem(Location(path, line), reason)]) from None
    lines: dict[KeyPath, int] = {}
    problems: list[Problem] = []
    data = _build(node, (), lines, problems, path, line_offset) if node is not None else None
    if problems:
        raise BrochureError(problems)
    return YamlDoc(path, data, lines, line_offset)


_constructor = SafeConstructor()


def _build(node: yaml.Node, keys: KeyPath, lines: dict[KeyPath, int], problems: list[Problem],
           path: str, offset: int) -> Any:
    lines[keys] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _constructor.construct_object(key_node, deep=True)
            if key in result:
                problems.append(Problem(Location(path, key_node.start_mark.line + 1 + offset),
                                        f"duplicate key '{key}'; keep one of them"))
                continue
            child = (*keys, key)
            result[key] = _build(value_node, child, lines, problems, path, offset)
            lines[child] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*keys, i), lines, problems, path, offset) for i, item in enumerate(node.value)]
    return _constructor.construct_object(node, deep=True)


def suggest(word: str, choices: list[str]) -> str:
    """` (did you mean 'x'?)` for a near miss, else a list of the valid choices."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f"; valid: {', '.join(sorted(choices))}" if choices else ""
