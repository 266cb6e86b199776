"""Declarative checks of YAML mappings: unknown keys (with a suggestion), missing fields, types."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from .errors import Problems
from .sourcemap import KeyPath, YamlDoc, suggest

_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
          list: "a list", dict: "a mapping", datetime.date: "a date (YYYY-MM-DD)", type(None): "empty"}


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = True
    default: Any = None


def describe(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_NAMES.get(k, k.__name__) for k in kinds)


def matches(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        return False
    if isinstance(value, int) and float in kinds:
        return True
    return isinstance(value, kinds)


def value_at(data: Any, keys: KeyPath) -> Any:
    for key in keys:
        data = data[key]
    return data


def check_mapping(doc: YamlDoc, keys: KeyPath, fields: dict[str, Field], problems: Problems,
                  what: str) -> dict[str, Any]:
    """Return the mapping at `keys` with defaults filled in; record every problem found."""
    value = value_at(doc.data, keys)
    if not isinstance(value, dict):
        problems.add(doc.at(*keys), f"{what} must be a mapping of keys to values, not {describe(type(value))}")
        return {name: field.default for name, field in fields.items()}
    result: dict[str, Any] = {}
    for key in value:
        if key not in fields:
            problems.add(doc.at(*keys, key), f"unknown key '{key}' in {what}{suggest(str(key), list(fields))}")
    for name, field in fields.items():
        if name not in value or value[name] is None:
            if field.required:
                problems.add(doc.at(*keys), f"missing field '{name}' in {what}")
            result[name] = field.default
        elif not matches(value[name], field.kind):
            problems.add(doc.at(*keys, name),
                         f"'{name}' must be {describe(field.kind)}, not {describe(type(value[name]))}")
            result[name] = field.default
        else:
            result[name] = value[name]
    return result


def check_list(doc: YamlDoc, keys: KeyPath, problems: Problems, what: str) -> list[Any]:
    value = value_at(doc.data, keys)
    if not isinstance(value, list):
        problems.add(doc.at(*keys), f"{what} must be a list, not {describe(type(value))}")
        return []
    return value
