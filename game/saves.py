"""Saving and resuming games: a small JSON file per case, written atomically, checked field by field on load.

A save holds the case (see game.cases) and the player's own moves: how far the narration got, each
accusation and when, marks, notes and options. Everything else (both readers' beliefs, the rival's
accusations) is replayed from those, so a save can never disagree with the readers. A save that is corrupt,
foreign, too large or from another version is refused with a message that says which file and what is wrong.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_path

from game.campaign import RUNGS
from game.cases import CaseRef
from game.match import Match
from game.scoring import Modes
from model.tokenizer import narrate_story
from story import Story
from story.atomic import write_atomic
from story.case_config import DIFFICULTIES
from story.files import NotRegularFile, read_regular

FORMAT = "whodunit-save/1"
MAX_SAVE_BYTES = 256 * 1024
MAX_NOTE_CHARS = 2000
SLOT_KEYS = tuple(str(slot) for slot in range(8))  # how marks and notes name a suspect


class SaveError(Exception):
    """A save file that cannot be used, with the file and the reason."""


@dataclass(frozen=True)
class Options:
    hard: bool = False  # hide the partner's bars
    short_memory: bool = False  # the story pane keeps only the last few clues
    speed: float = 6.0  # words per second


@dataclass(frozen=True)
class SavedGame:
    case: CaseRef
    position: int  # words narrated
    accusations: tuple[tuple[int, int], ...] = ()  # the player's: (suspect, words narrated then)
    marks: dict[int, str] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)
    options: Options = Options()
    saved_at: str = ""
    modes: Modes | None = None  # the handicaps still earning their bonus; None: those of `options`
    campaign_rung: int | None = None  # the campaign's rung this case was played for (game.campaign)

    @property
    def scored_modes(self) -> Modes:
        return self.modes if self.modes is not None else Modes(self.options.hard, self.options.short_memory)


def saves_folder() -> Path:
    """$WHODUNIT_HOME/saves, else where the platform keeps a user's application data (platformdirs): on Linux
    $XDG_DATA_HOME/whodunit/saves or ~/.local/share/whodunit/saves, on macOS ~/Library/Application Support,
    on Windows %LOCALAPPDATA%."""
    home = os.environ.get("WHODUNIT_HOME")
    if home:
        return Path(home) / "saves"
    return user_data_path("whodunit", appauthor=False) / "saves"


def save_game(game: SavedGame, folder: Path | None = None) -> Path:
    folder = folder or saves_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = save_path(game.case, folder)
    document = {
        "format": FORMAT,
        "case": game.case.to_dict(),
        "position": game.position,
        "accusations": [{"suspect": suspect, "at": at} for suspect, at in game.accusations],
        "marks": {str(suspect): mark for suspect, mark in game.marks.items()},
        "notes": {str(suspect): note for suspect, note in game.notes.items()},
        "options": {"hard": game.options.hard, "short_memory": game.options.short_memory, "speed": game.options.speed},
        "scored_modes": {"hard": game.scored_modes.hard, "short_memory": game.scored_modes.short_memory},
        "campaign_rung": game.campaign_rung,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    # ASCII with escapes: a note from a stranger's save may hold a lone surrogate, which UTF-8 cannot encode
    write_atomic(path, json.dumps(document, indent=1))
    return path


def save_path(case: CaseRef, folder: Path | None = None) -> Path:
    """Where a game of `case` is saved: one save per case."""
    return (folder or saves_folder()) / f"{case.save_name}.json"


def forget_save(case: CaseRef, folder: Path | None = None) -> None:
    """A finished game's save goes: there is nothing left to resume."""
    save_path(case, folder).unlink(missing_ok=True)


def list_saves(folder: Path | None = None) -> list[Path]:
    folder = folder or saves_folder()
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.json"), key=_modified, reverse=True)


def _modified(path: Path) -> float:
    """When the save was written; 0 for one that vanished or is a dangling link (it lists as unreadable)."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def load_save(path: Path) -> SavedGame:
    """Read and check a save; SaveError names the file and the field at fault."""
    try:
        document = json.loads(read_regular(path, MAX_SAVE_BYTES).decode("utf-8"))
    except NotRegularFile as exc:  # a FIFO would hang the start screen, /dev/zero would never end
        raise SaveError(f"{path}: not a whodunit save: {exc}") from None
    except OSError as exc:
        raise SaveError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SaveError(f"{path}: not a whodunit save (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise SaveError(f"{path}:{exc.lineno}:{exc.colno}: not a whodunit save (invalid JSON: {exc.msg})") from None
    except RecursionError:
        raise SaveError(f"{path}: not a whodunit save (nested too deeply)") from None
    return _checked(path, document)


def _checked(path: Path, document: Any) -> SavedGame:
    """The SavedGame a save's JSON holds, checked field by field; SaveError names the file and the field."""

    def fail(where: str, what: str) -> SaveError:
        return SaveError(f"{path}: {where}: {what}")

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SaveError(f'{path}: not a whodunit save (expected "format": "{FORMAT}")')
    ref = _case_ref(document.get("case"), fail)
    position = document.get("position")
    if not _is_int(position) or position < 0:
        raise fail("position", "expected a whole number of words, 0 or more")
    accusations = document.get("accusations", [])
    if not isinstance(accusations, list) or len(accusations) > 16:
        raise fail("accusations", "expected a list of at most 16 accusations")
    moves = []
    for index, item in enumerate(accusations):
        if not isinstance(item, dict) or not _is_int(item.get("suspect")) or not _is_int(item.get("at")):
            raise fail(f"accusations[{index}]", 'expected {"suspect": integer, "at": integer}')
        moves.append((item["suspect"], item["at"]))
    marks = _slot_map(document.get("marks", {}), fail, "marks")
    notes = _slot_map(document.get("notes", {}), fail, "notes")
    for slot, mark in marks.items():
        if mark not in ("cleared", "suspicious"):
            raise fail(f"marks.{slot}", f"unknown mark '{mark}'; use cleared or suspicious")
    for slot, note in notes.items():
        if len(note) > MAX_NOTE_CHARS:
            raise fail(f"notes.{slot}", f"longer than {MAX_NOTE_CHARS} characters")
    options, modes = _options_and_modes(document, fail)
    saved_at = document.get("saved_at", "")
    if not isinstance(saved_at, str):
        raise fail("saved_at", "expected a time as text")
    rung = document.get("campaign_rung")
    if rung is not None and (not _is_int(rung) or not 0 <= rung < len(RUNGS)):
        raise fail("campaign_rung", f"expected null or a rung of the campaign, 0 to {len(RUNGS) - 1}")
    if rung is not None and (ref.kind != "generated" or ref.difficulty != RUNGS[rung].difficulty):
        what = f"a generated {ref.difficulty} case" if ref.kind == "generated" else f"a {ref.kind} story"
        raise fail("campaign_rung", f"rung {rung + 1} plays generated {RUNGS[rung].difficulty} cases, not {what}")
    return SavedGame(ref, position, tuple(moves), marks, notes, options, saved_at, modes, rung)


def _case_ref(case: Any, fail: Callable[[str, str], SaveError]) -> CaseRef:
    """Which case a save plays: a generated one by seed, difficulty and checksum, else a story file by name."""
    if not isinstance(case, dict) or case.get("kind") not in ("bundled", "file", "generated"):
        raise fail("case", "expected an object with kind bundled, file or generated")
    if case["kind"] == "generated":
        if not _is_int(case.get("seed")) or case.get("difficulty") not in DIFFICULTIES:
            raise fail("case", f"a generated case needs an integer seed and a difficulty ({', '.join(DIFFICULTIES)})")
        if not isinstance(case.get("sha256"), str) or not case["sha256"]:
            raise fail(
                "case.sha256",
                "missing: this generated case was saved before cases were pinned, and the case generator has "
                "changed since, so its seed no longer tells the same story; start it afresh",
            )
        return CaseRef("generated", seed=case["seed"], difficulty=case["difficulty"], sha256=case["sha256"])
    if not isinstance(case.get("name"), str) or not case["name"]:
        raise fail("case.name", "expected the story's file name")
    if not isinstance(case.get("sha256", ""), str):
        raise fail("case.sha256", "expected the story's checksum as text")
    return CaseRef(case["kind"], name=case["name"], sha256=case.get("sha256", ""))


def _options_and_modes(document: dict, fail: Callable[[str, str], SaveError]) -> tuple[Options, Modes]:
    """The options a game was played with, and the modes it is still scored for."""
    raw = document.get("options", {})
    if not isinstance(raw, dict):
        raise fail("options", "expected an object")
    speed = raw.get("speed", Options.speed)
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0.5 <= speed <= 100:
        raise fail("options.speed", "expected words per second between 0.5 and 100")
    for name in ("hard", "short_memory"):
        if not isinstance(raw.get(name, False), bool):
            raise fail(f"options.{name}", "expected true or false")
    options = Options(raw.get("hard", False), raw.get("short_memory", False), float(speed))
    scored = document.get("scored_modes", {"hard": options.hard, "short_memory": options.short_memory})
    if not isinstance(scored, dict) or set(scored) - {"hard", "short_memory"}:
        raise fail("scored_modes", "expected an object with hard and short_memory")
    for name in ("hard", "short_memory"):
        if not isinstance(scored.get(name, False), bool):
            raise fail(f"scored_modes.{name}", "expected true or false")
    # a mode earns its bonus only while it is on: a save cannot claim one its options have switched off
    modes = Modes(scored.get("hard", False), scored.get("short_memory", False)).kept(options.hard, options.short_memory)
    return options, modes


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63


def _slot_map(value: object, fail, where: str) -> dict[int, str]:
    if not isinstance(value, dict) or len(value) > 8:
        raise fail(where, "expected an object from suspect number to text")
    result = {}
    for key, text in value.items():
        if key not in SLOT_KEYS or not isinstance(text, str):  # "²" is a digit to str.isdigit, not to int()
            raise fail(f"{where}.{key!r}", "expected a suspect number (0-7) and a text")
        result[int(key)] = text
    return result


def check_fits(saved: SavedGame, story: Story, source: str = "save") -> None:
    """SaveError unless the save's moves fit its story: what replay checks first, without a match to replay
    them on (the start screen and `play --resume` check every save so, and name the file at fault)."""
    _check_fits(saved, len(story.suspects), len(narrate_story(story).tokens()), source)  # Match.total, unbuilt


def _check_fits(saved: SavedGame, cast: int, total: int, source: str) -> None:
    if saved.position > total:
        raise SaveError(f"{source}: position: {saved.position} words, but this case has {total}")
    for index, (suspect, at) in enumerate(saved.accusations):
        if not 0 <= suspect < cast or not 0 <= at <= saved.position:
            raise SaveError(f"{source}: accusations[{index}]: no such suspect or moment in this case")
    for suspect in (*saved.marks, *saved.notes):
        if suspect >= cast:
            raise SaveError(f"{source}: marks/notes: suspect {suspect}, but the cast has {cast}")


def replay(saved: SavedGame, match: Match, source: str = "save") -> Match:
    """Bring a fresh Match of the saved case to where the save left it, moves included; SaveError if they
    do not fit the story (a save edited by hand, or one for another case)."""
    _check_fits(saved, len(match.story.suspects), match.total, source)
    for suspect, at in sorted(saved.accusations, key=lambda move: move[1]):
        while match.position < at and not match.over:
            match.advance()
        try:
            match.accuse(suspect)
        except ValueError as exc:
            raise SaveError(f"{source}: accusations: {exc}") from None
    while match.position < saved.position and not match.over:
        match.advance()
    match.marks.update(saved.marks)
    match.notes.update(saved.notes)
    match.modes = saved.scored_modes
    return match
