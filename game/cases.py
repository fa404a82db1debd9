"""Which case a game is about: a bundled mystery, a story file, or a generated case; and how to load it again.

A CaseRef is what a save file records, so that resuming rebuilds the very same story (a story file is pinned
by its SHA-256: resuming after the author edited it would replay the moves against different clues).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from story import Story, check_text
from story.generator import DIFFICULTIES, generate_case
from story.loader import read_story_text


@dataclass(frozen=True)
class CaseRef:
    kind: str  # "bundled" | "file" | "generated"
    name: str = ""  # bundled: the file name in story/mysteries; file: the absolute path
    sha256: str = ""  # file: the text's checksum when the game started
    seed: int = 0  # generated
    difficulty: str = "default"  # generated

    @property
    def save_name(self) -> str:
        """A file name for this case's save: one save per case."""
        if self.kind == "generated":
            return f"generated-{self.difficulty}-{self.seed}"
        stem = Path(self.name).stem
        return stem if self.kind == "bundled" else f"file-{stem}-{self.sha256[:8]}"

    def to_dict(self) -> dict[str, object]:
        if self.kind == "generated":
            return {"kind": self.kind, "seed": self.seed, "difficulty": self.difficulty}
        if self.kind == "file":
            return {"kind": self.kind, "name": self.name, "sha256": self.sha256}
        return {"kind": self.kind, "name": self.name}


def bundled_mysteries() -> list[str]:
    return sorted(
        entry.name for entry in files("story").joinpath("mysteries").iterdir() if entry.name.endswith(".toml")
    )


def load_case(ref: CaseRef) -> Story:
    """The story a CaseRef names; StoryError (located problems) or ValueError if it cannot be used."""
    if ref.kind == "generated":
        if ref.difficulty not in DIFFICULTIES:
            raise ValueError(f"unknown difficulty '{ref.difficulty}'; use one of {', '.join(DIFFICULTIES)}")
        return generate_case(ref.seed, ref.difficulty)
    if ref.kind == "bundled":
        if ref.name not in bundled_mysteries():
            raise ValueError(f"no bundled mystery '{ref.name}'; bundled: {', '.join(bundled_mysteries())}")
        text = files("story").joinpath("mysteries", ref.name).read_text(encoding="utf-8")
        return check_text(text, ref.name).story
    text = read_story_text(ref.name)
    if ref.sha256 and hashlib.sha256(text.encode()).hexdigest() != ref.sha256:
        raise ValueError(f"{ref.name} has changed since this game was saved; start it afresh")
    return check_text(text, ref.name).story


def file_case(path: Path) -> tuple[CaseRef, Story]:
    """A story file as a case (StoryError with every located problem if it is invalid)."""
    text = read_story_text(path)
    story = check_text(text, str(path)).story
    checksum = hashlib.sha256(text.encode()).hexdigest()
    return CaseRef("file", name=str(Path(path).resolve()), sha256=checksum), story  # resumable from anywhere
