"""Lore problems reported as `path:line:col: message`, the format editors and CI understand."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class LoreProblem:
    """One problem in one lore file; `line` and `col` are 1-based."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class LoreError(Exception):
    """Lore failed to load; `problems` holds every problem found, not just the first, in the
    order given: root causes first (a file's own problems before the references they break)."""

    def __init__(self, problems: list[LoreProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
