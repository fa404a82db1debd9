"""A planned case before it is told: the units the generator orders, one clue each (or half of one, joined).

The generator (story/generator.py) decides what each unit says and where it stands, story/together.py gathers
units into one clue, and the Narrator (story/narration.py) tells each in prose. The plan is mutable while it is
made (units are inserted, moved and flagged); the Story it becomes is frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# "planted": evidence told as any other and later withdrawn ("withdrawn"), at `withdrawn_evidence_share`.
ClueKind = Literal[
    "statement", "false", "retract", "evidence", "planted", "withdrawn", "alibi", "broken", "herring", "flavour"
]
# How statements gathered into one clue are told (PlannedClue's flag of that name): of one value, of one trait, of
# one suspect.
Together = Literal["shared", "listed", "sketched"]


@dataclass
class PlannedClue:
    """One planned unit of the story: usually one clue; two for a statement with its own introduction, and half of
    one when `joined` tells it in one clue with the next."""

    kind: ClueKind
    suspect: int = -1
    trait: str = ""
    value: str = ""
    fact_id: str | None = None  # for a fact to be withdrawn (a false testimony, planted evidence) and its withdrawal
    witness: int = -1  # for a false testimony and its retraction: another suspect's slot, or -1 (a bystander)
    bystander: str = ""  # the bystander witness, when there is one
    pronoun: bool = False  # introduce the suspect first, then state the fact with a pronoun
    joined: bool = False  # a statement told in one clue with the next unit, a statement about someone else
    shared: bool = False  # with `joined`: the next unit states the same value, told as one ("both smoke cigars")
    listed: bool = False  # with `joined`: one of three statements of a trait told as a list ("Martin favours a
    # pipe, the cook cigarettes and Ada snuff"); the first two of the three are joined and listed
    sketched: bool = False  # with `joined`: the next unit states another trait of the same suspect, told as a
    # sketch without verbs ("Martin: red hair cut short, and a green coat.")
    pinned: bool = False  # a statement that must stay where it is: one moved after a late broken alibi, so that
    # its suspect is still possible while the alibi stands (the generator's gathering moves statements earlier)
