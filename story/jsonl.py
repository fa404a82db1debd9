"""Reading generated cases back: one JSON record per line, as `whodunit generate --out cases.jsonl` writes them.

A record is the story-file structure (see `story.writer.story_to_dict`) plus the generator's "generated" record;
it goes through the same shape check and oracle as a story file, with problems placed at the record's line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path as FilePath

from story.data import Story
from story.files import open_regular
from story.locate import Locations
from story.oracle import analyze
from story.problems import Problem, StoryError
from story.shape import MAX_FILE_BYTES, story_from_data


def parse_story_data(data: object, source: str = "<data>", line: int = 1) -> Story:
    """Shape-check story data that is already parsed, such as one JSONL record (its problems sit at `line`)."""
    if not isinstance(data, dict):
        raise StoryError([Problem(source, line, 1, "a story record must be a JSON object")])
    return story_from_data(data, source, Locations(fallback=(line, 1)), generated=True)


def read_jsonl(path: FilePath | str) -> Iterator[Story]:
    """The sound stories of a `whodunit generate` JSONL file; the first bad record raises a located StoryError."""
    source = str(path)
    try:
        binary = open_regular(path)  # a FIFO or a device would block or never end
    except OSError as exc:
        raise StoryError([Problem(source, 1, 1, f"cannot read the file: {exc.strerror or exc}")]) from None
    with binary:
        number = 0
        while raw := binary.readline(MAX_FILE_BYTES + 1):  # bytes, as the cap counts them; never read past it
            number += 1
            if len(raw) > MAX_FILE_BYTES:
                raise StoryError([Problem(source, number, 1, "record is too long for a story")])
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise StoryError([Problem(source, number, 1, "the line is not UTF-8 text")]) from None
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except (json.JSONDecodeError, RecursionError) as exc:
                column = getattr(exc, "colno", 1)
                reason = getattr(exc, "msg", "nested too deeply")
                raise StoryError([Problem(source, number, column, f"not valid JSON: {reason}")]) from None
            story = parse_story_data(data, source, number)
            errors = [f for f in analyze(story).findings if f.severity == "error"]
            if errors:
                raise StoryError([Problem(source, number, 1, f"clue {f.clue + 1}: {f.message}") for f in errors])
            yield story
