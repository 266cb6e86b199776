"""Read project files safely and load YAML that remembers the line of every value."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml.constructor import SafeConstructor

from .errors import BrochureError, Location, Problem

MAX_TEXT_BYTES = 1_000_000
KeyPath = tuple[str | int, ...]


def relative(path: Path | str, root: Path) -> str:
    """The path as the user wrote it, relative to the project (symlinks are not followed).

    `root` is resolved already (Config.root is): this runs for every content file and message."""
    absolute, base = os.path.abspath(path), str(root)
    if absolute.startswith(base + os.sep):
        return absolute[len(base) + 1:].replace(os.sep, "/")
    return str(path)


def inside(path: Path, root: Path) -> bool:
    """True when `path`, with every symlink resolved, lies inside the (resolved) `root`."""
    return path.resolve().is_relative_to(root)


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
    """Parse YAML; duplicate keys, tabs, syntax errors and unreadable values become located problems."""
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        reason = str(error.problem or error.context)
        if "'\\t'" in reason:
            reason = "tab character; indent YAML with spaces"
        else:
            reason = f"invalid YAML: {reason}"
        raise BrochureError([Problem(Location(path, line), reason)]) from None
    except yaml.reader.ReaderError as error:  # a control character: not a MarkedYAMLError
        line = text[: error.position].count("\n") + 1 + line_offset
        raise BrochureError([Problem(Location(path, line), f"control character U+{error.character:04X} is not "
                                                           "allowed in YAML; delete it")]) from None
    builder = _Builder(path, line_offset)
    data = builder.build(node, ()) if node is not None else None
    if builder.problems:
        raise BrochureError(builder.problems)
    return YamlDoc(path, data, builder.lines, line_offset)


def _compose(text: str) -> yaml.Node | None:
    """libyaml is ten times faster; on an error the Python parser says more precisely what is wrong."""
    try:
        return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)


MAX_YAML_VALUES = 100_000


class _Builder:
    """Plain data from a node graph, recording lines; every bad value becomes a problem, never an exception."""

    def __init__(self, path: str, offset: int):
        self.path, self.offset = path, offset
        self.constructor = SafeConstructor()  # one per file: it caches every node it has constructed
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []
        self.open: set[int] = set()  # nodes being built: an alias to one of them is recursive
        self.count = 0

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(Location(self.path, node.start_mark.line + 1 + self.offset), message))

    def scalar(self, node: yaml.Node) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError) as error:
            reason = getattr(error, "problem", None) or str(error)
            self.problem(node, f"cannot read '{node.value}' as {node.tag.rsplit(':', 1)[-1]} ({reason})")
            return None

    def build(self, node: yaml.Node, keys: KeyPath) -> Any:
        self.count += 1
        if self.count > MAX_YAML_VALUES:
            raise BrochureError([Problem(Location(self.path, node.start_mark.line + 1 + self.offset),
                                         f"more than {MAX_YAML_VALUES} values (aliases expanding?); write the data out")])
        if id(node) in self.open:
            self.problem(node, "an alias refers to a value that contains it; write the value out")
            return None
        self.lines[keys] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*keys, i)) for i, item in enumerate(node.value)]
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problem(key_node, "merge keys (<<) are not supported; write the keys out")
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(key_node, "a key must be a single word or number, not a list or mapping")
                    continue
                key = self.scalar(key_node)
                if key in result:
                    self.problem(key_node, f"duplicate key '{key}'; keep one of them")
                    continue
                child = (*keys, key)
                result[key] = self.build(value_node, child)
                self.lines[child] = key_node.start_mark.line + 1
            return result
        finally:
            self.open.discard(id(node))


def suggest(word: str, choices: list[str]) -> str:
    """` (did you mean 'x'?)` for a near miss, else a list of the valid choices."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f"; valid: {', '.join(sorted(choices))}" if choices else ""
