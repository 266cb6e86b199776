"""User-facing problems: each has a location and prints as `path:line: message`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Location:
    """A place in a project file; `path` is relative to the project root."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, order=True)
class Problem:
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class BrochureError(Exception):
    """The user's content, layouts or settings are wrong: exit 1, no traceback."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))


class UsageProblem(BrochureError):
    """A command-line value names something that does not exist (exit 2, like any usage error)."""


@dataclass
class Problems:
    """Collects every problem of a pass so that all are reported at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, location: Location, message: str) -> None:
        self.items.append(Problem(location, message))

    def extend(self, other: list[Problem]) -> None:
        self.items.extend(other)

    def raise_if_any(self) -> None:
        if self.items:
            raise BrochureError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
