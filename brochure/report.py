"""What a build did, per output file: kept apart from the pipeline so that a no-op build can report without it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Problem


@dataclass
class Outcome:
    """What happened to one output file."""

    name: str
    status: str  # "built", "fresh" or "failed"
    pages: int = 0
    size: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class BuildReport:
    outcomes: list[Outcome] = field(default_factory=list)
    #: Seconds spent per stage, summed over documents (workers included).
    stages: dict[str, float] = field(default_factory=dict)
    #: Problems that do not stop the build (stale translations without --strict).
    warnings: list[Problem] = field(default_factory=list)

    def add_time(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds

    @property
    def problems(self) -> list[Problem]:
        return [p for outcome in self.outcomes for p in outcome.problems]
