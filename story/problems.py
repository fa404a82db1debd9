"""The one kind of complaint about a story file: located, worded in story terms, rendered `path:line:col: ...`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    path: str  # the file as the user named it
    line: int  # 1-based
    column: int  # 1-based
    message: str  # in story terms: "unknown suspect 'buttler'; did you mean 'butler'?"
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


class StoryError(Exception):
    """A story file that cannot be used; carries every problem found in it, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.severity == "error")


def did_you_mean(word: str, choices: Iterable[str], otherwise: str = "") -> str:
    """ ": did you mean 'butler'?" when a close choice exists, else `otherwise` (such as "; use one of: ...")."""
    close = difflib.get_close_matches(word.lower(), [choice.lower() for choice in choices], n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else otherwise
