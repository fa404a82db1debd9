"""Where each key and value of a TOML document stands, so that story errors can point at line and column.

tomllib reports positions for syntax errors only. This scanner runs after tomllib has accepted the text, so it
may assume valid TOML; it walks the same structure and records, for every path such as
("clues", 3, "facts", 0, "suspect"), where its key and its value begin (1-based line and column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from story.oracle import Finding
from story.problems import Problem

Path = tuple[str | int, ...]
Position = tuple[int, int]  # (line, column), both 1-based

_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


@dataclass
class Locations:
    """Key and value positions by path. Lookups fall back to the nearest enclosing path that is known."""

    keys: dict[Path, Position] = field(default_factory=dict)
    values: dict[Path, Position] = field(default_factory=dict)
    fallback: Position = (1, 1)  # where anything unknown is placed: a JSONL record's own line, say

    def key(self, path: Path) -> Position:
        """Where the key of `path` is written (for "unknown key" and "missing key" errors)."""
        return self._nearest(self.keys, path)

    def value(self, path: Path) -> Position:
        """Where the value of `path` begins (for "bad value" errors)."""
        return self._nearest(self.values, path)

    def _nearest(self, table: dict[Path, Position], path: Path) -> Position:
        while path:
            if path in table:
                return table[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.fallback


def locate_findings(findings: tuple[Finding, ...], source: str, locations: Locations) -> list[Problem]:
    """The oracle's findings as problems located in the story file they came from."""
    problems = []
    for finding in findings:
        if finding.suspect is not None:
            line, column = locations.key(("suspects", finding.suspect))
        elif finding.fact is None:
            line, column = locations.key(("clues", finding.clue))
        else:
            line, column = locations.value(("clues", finding.clue, "facts", finding.fact))
        problems.append(Problem(source, line, column, finding.message, finding.severity))
    return sorted(problems, key=lambda p: (p.line, p.column))


_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|(.))")


def _unescape(raw: str) -> str:
    """A TOML basic string's escapes decoded, as tomllib decodes them (the text is already known valid)."""

    def one(match: re.Match[str]) -> str:
        code = match[1] or match[2] or match[3]
        return chr(int(code, 16)) if code else _ESCAPES.get(match[4], match[4])

    return _ESCAPE.sub(one, raw)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_start = 0
        self.found = Locations()
        self.table: Path = ()
        # For each array of tables, how many elements it has so far: [[clues]] appends to ("clues",).
        self.array_counts: dict[Path, int] = {}

    # --- low-level movement -------------------------------------------------------------------------------
    def here(self) -> Position:
        return (self.line, self.pos - self.line_start + 1)

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def advance(self, count: int = 1) -> None:
        for _ in range(count):
            if self.pos < len(self.text) and self.text[self.pos] == "\n":
                self.line += 1
                self.line_start = self.pos + 1
            self.pos += 1

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces, tabs, comments and (if `newlines`) line breaks."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.advance()
            elif char == "#":
                while self.pos < len(self.text) and self.text[self.pos] != "\n":
                    self.pos += 1
            else:
                return

    # --- tokens -----------------------------------------------------------------------------------------------
    def read_string(self) -> str:
        """Read a basic, literal or multi-line string and return its (roughly decoded) content."""
        quote = self.peek()
        triple = self.text.startswith(quote * 3, self.pos)
        self.advance(3 if triple else 1)
        start = self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and quote == '"':
                self.advance(2)
                continue
            if triple and self.text.startswith(quote * 3, self.pos):
                # A multi-line string may end in up to two extra quotes: """a""""" is 'a""'.
                end = self.pos
                while self.text.startswith(quote * 4, end):
                    end += 1
                content = self.text[start:end]
                self.advance(end - self.pos + 3)
                return content
            if not triple and char == quote:
                content = self.text[start : self.pos]
                self.advance()
                return content
            self.advance()
        return self.text[start:]

    def read_key(self) -> tuple[list[str], Position]:
        """A possibly dotted key; returns its parts and where it starts."""
        start = self.here()
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            if self.peek() in ('"', "'"):
                quote = self.peek()
                raw = self.read_string()
                parts.append(_unescape(raw) if quote == '"' else raw)
            else:
                begin = self.pos
                while self.peek() in _BARE_KEY_CHARS and self.peek():
                    self.advance()
                parts.append(self.text[begin : self.pos])
            self.skip_blank(newlines=False)
            if self.peek() == ".":
                self.advance()
                continue
            return parts, start

    def skip_scalar(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] not in ",]}\n#":
            self.advance()

    # --- structure --------------------------------------------------------------------------------------------
    def resolve(self, parts: list[str]) -> Path:
        """A header's path, with the current element index of every array of tables along the way."""
        path: Path = ()
        for part in parts:
            path = (*path, part)
            if path in self.array_counts:
                path = (*path, self.array_counts[path] - 1)
        return path

    def read_value(self, path: Path) -> None:
        self.found.values[path] = self.here()
        char = self.peek()
        if char in ('"', "'"):
            self.read_string()
        elif char == "[":
            self.advance()
            index = 0
            while True:
                self.skip_blank(newlines=True)
                if self.peek() in ("]", ""):
                    self.advance()
                    return
                self.found.keys.setdefault((*path, index), self.here())
                self.read_value((*path, index))
                index += 1
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.advance()
        elif char == "{":
            self.advance()
            while True:
                self.skip_blank(newlines=False)
                if self.peek() in ("}", ""):
                    self.advance()
                    return
                self.read_pair(path)
                self.skip_blank(newlines=False)
                if self.peek() == ",":
                    self.advance()
        else:
            self.skip_scalar()

    def read_pair(self, table: Path) -> None:
        parts, start = self.read_key()
        path = (*table, *parts)
        for depth in range(len(table) + 1, len(path) + 1):
            self.found.keys.setdefault(path[:depth], start)
        self.skip_blank(newlines=False)
        self.advance()  # "="
        self.skip_blank(newlines=False)
        self.read_value(path)

    def read_header(self) -> None:
        start = self.here()
        array = self.text.startswith("[[", self.pos)
        self.advance(2 if array else 1)
        parts, _ = self.read_key()
        self.advance(2 if array else 1)
        if array:
            base = (*self.resolve(parts[:-1]), parts[-1])
            self.array_counts[base] = self.array_counts.get(base, 0) + 1
            self.found.keys.setdefault(base, start)
            self.table = (*base, self.array_counts[base] - 1)
        else:
            self.table = self.resolve(parts)
        self.found.keys[self.table] = start
        self.found.values[self.table] = start

    def scan(self) -> Locations:
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.found
            if self.peek() == "[":
                self.read_header()
            else:
                self.read_pair(self.table)


def locate(text: str) -> Locations:
    """Positions of every key and value in `text`, which tomllib must already have accepted."""
    return _Scanner(text).scan()
