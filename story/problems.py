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
    spelled = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower()[:100], list(spelled), n=1, cutoff=0.6)
    return f": did you mean '{spelled[close[0]]}'?" if close else otherwise


def quote(value: object, limit: int = 40) -> str:
    """A user's value for a message: 'text' (cut at `limit` characters), or a TOML spelling for non-strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else repr(value)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"'{text}'" if isinstance(value, str) else text
