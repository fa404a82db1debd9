"""Why the bundled partners lose train.toml: its alibi break, reworded, read clue by clue.

    PYTHONPATH=. python docs/research/alibi_break_order.py [CHECKPOINT]   # default: model/weights/lstm

Dr Ingram, cleared by an alibi at clue 6, comes back at clue 12, the steward's confession that breaks *Osgood's*
alibi, and the partner ends on him. This reads train.toml as written and with clue 12 (or Dr Ingram's alibi)
reworded, each fact unchanged, and prints Dr Ingram's and Osgood's beliefs at each clue's end from clue 10 on, and
whom the partner names at the end. Not part of the package (docs/model.md, the dated table of 2026-12-07).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from model.checkpoint import load_checkpoint
from model.verdicts import story_verdict
from story import load_story

STORY = Path("story/mysteries/train.toml")
BREAK = (
    "The steward confesses that he dozed over his accounts at midnight; for the best part of an hour nobody was "
    "watching Osgood's table."
)
INGRAM_ALIBI = "setting the fireman's broken arm, and the guard never left his side."
REWORDINGS = {  # name: (text replaced, its replacement)
    "as written": ("", ""),
    "Dr Ingram's alibi in other words": (
        INGRAM_ALIBI,
        "setting the fireman's broken arm; guard and fireman vouch for him.",
    ),
    "the break names Osgood by role": (
        "nobody was watching Osgood's table.",
        "nobody was watching the secretary's table.",
    ),
    "the break without its pronoun": ("confesses that he dozed", "confesses that the steward himself dozed"),
    "the break in the grammar's words": (BREAK, "Osgood's alibi falls apart: the steward was asleep by midnight."),
    "the break with whose alibi first": (
        BREAK,
        "Nobody was watching Osgood's table for the best part of an hour: the steward confesses that he dozed over "
        "his accounts at midnight.",
    ),
    "the break's last sentence alone": (BREAK, "For the best part of an hour nobody was watching Osgood's table."),
}


def main(argv: list[str]) -> int:
    checkpoint = load_checkpoint(Path(argv[0]) if argv else Path("model/weights/lstm"))
    written = STORY.read_text(encoding="utf-8")
    for name, (old, new) in REWORDINGS.items():
        if old and old not in written:
            print(f"error: {STORY} no longer holds: {old}", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / STORY.name
            path.write_text(written.replace(old, new) if old else written, encoding="utf-8")
            story = load_story(path)
            verdict = story_verdict(checkpoint, story)
        names = [suspect.name for suspect in story.suspects]
        ingram, osgood = names.index("Dr Ingram"), names.index("Osgood")
        beliefs = " ".join(f"{b[ingram]:.2f}/{b[osgood]:.2f}" for b in verdict.clue_beliefs[9:])
        named = "undecided" if verdict.named is None else names[verdict.named]
        print(f"{name:34s} names {named:10s} Dr Ingram / Osgood at clues 10-{len(verdict.clue_beliefs)}: {beliefs}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
