"""Reading story files: TOML text in, a `Story` or every located problem out.

The loader reads the file (a regular file, within its cap) and parses the TOML; `story.shape` checks the shape
(keys, types, names, catalogue values, caps); `story.oracle` then checks the logic (consistency, a unique
culprit). `load_story` runs all three and raises one `StoryError` with everything it found.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path as FilePath

from story.data import Story
from story.files import open_regular
from story.locate import Locations, locate, locate_findings
from story.oracle import Analysis, analyze
from story.problems import Problem, StoryError
from story.shape import MAX_FILE_BYTES, story_from_data

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse(text: str, source: str) -> tuple[Story, Locations]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line, column = (int(match[1]), int(match[2])) if match else (1, 1)
        detail = _TOML_POSITION.sub("", message).strip().rstrip(" .")
        raise StoryError([Problem(source, line, column, f"not valid TOML: {detail}")]) from None
    except RecursionError:
        line, column = _deepest(text)
        raise StoryError([Problem(source, line, column, "arrays or tables nested too deeply")]) from None
    locations = locate(text)
    return story_from_data(data, source, locations), locations


def _deepest(text: str, limit: int = 100) -> tuple[int, int]:
    """Where the value starts whose brackets nest deeper than `limit` (strings and comments skipped roughly)."""
    depth, line, line_start, quote_char, index, outermost = 0, 1, 0, "", 0, (1, 1)
    while index < len(text):
        char = text[index]
        if char == "\n":
            line, line_start = line + 1, index + 1
        elif quote_char:
            if char == "\\" and quote_char == '"':
                index += 1
            elif char == quote_char:
                quote_char = ""
        elif char in "\"'":
            quote_char = char
        elif char == "#":
            index = text.find("\n", index) - 1 if "\n" in text[index:] else len(text)
        elif char in "[{":
            depth += 1
            if depth == 1:
                outermost = (line, index - line_start + 1)
            if depth > limit:
                return outermost
        elif char in "]}":
            depth -= 1
        index += 1
    return 1, 1


def parse_story(text: str, source: str = "<story>") -> Story:
    """Parse and shape-check TOML text, without the logic check. Raises StoryError listing every problem."""
    return _parse(text, source)[0]


def read_story_text(path: FilePath | str, source: str | None = None) -> str:
    """The file's text, or a StoryError that says why it can't be read (missing, not a regular file, too big,
    not UTF-8)."""
    source = source or str(path)
    try:
        with open_regular(path) as handle:  # a FIFO or a device would block or never end
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise StoryError([Problem(source, 1, 1, f"cannot read the file: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise StoryError(
            [Problem(source, 1, 1, f"the file is over {MAX_FILE_BYTES // 1024} KiB; a story file is a few kilobytes")]
        )
    try:
        return raw.decode("utf-8-sig")  # an editor's byte-order mark is harmless: drop it
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise StoryError([Problem(source, line, column, "the file is not UTF-8 text")]) from None


@dataclass(frozen=True)
class CheckedStory:
    """A story that parsed, with the oracle's analysis and every warning about it (it has no errors)."""

    story: Story
    analysis: Analysis
    warnings: tuple[Problem, ...]


def check_text(text: str, source: str = "<story>") -> CheckedStory:
    """Parse, shape-check and prove sound. Raises StoryError with every error (warnings ride along)."""
    story, locations = _parse(text, source)
    analysis = analyze(story)
    problems = locate_findings(analysis.findings, source, locations)
    if any(problem.severity == "error" for problem in problems):
        raise StoryError(problems)
    return CheckedStory(story, analysis, tuple(problems))


def check_file(path: FilePath | str) -> CheckedStory:
    """`check_text` on a file, with the file's own read errors (missing, too big, not UTF-8) located too."""
    return check_text(read_story_text(path), str(path))


def load_story(path: FilePath | str) -> Story:
    """Read, parse and prove a story file sound. Raises StoryError with every error found."""
    return check_file(path).story
