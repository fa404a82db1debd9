"""The story as immutable data: what the loader and the generator produce and everything downstream reads.

Suspects are referred to by their slot (index in the cast), never by name, so that the oracle, the readers and
the game agree on who is who whatever the cast is called.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from story.traits import PRONOUNS


@dataclass(frozen=True, slots=True)
class Suspect:
    name: str  # "Hobbs"
    role: str  # "butler": prose says "the butler"
    pronoun: str  # "he" | "she" | "they"
    traits: dict[str, str] = field(default_factory=dict)  # the author's truth: trait -> catalogue value
    aliases: tuple[str, ...] = ()  # other words the prose uses for them: "Ingrid", "old man" (no leading "the")

    @property
    def pronouns(self) -> tuple[str, str, str]:
        """(subject, object, possessive), e.g. ("she", "her", "her")."""
        return PRONOUNS[self.pronoun]


# Facts. Each may carry an `id` so that a later Retraction can name it.


@dataclass(frozen=True, slots=True)
class TraitStated:
    """A clue states a suspect's trait: latent until evidence about that trait arrives."""

    suspect: int
    trait: str
    value: str
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """The culprit has this trait value: clears every suspect known to differ."""

    trait: str
    value: str
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Alibi:
    """Clears a suspect while it stands."""

    suspect: int
    id: str | None = None


@dataclass(frozen=True, slots=True)
class AlibiBroken:
    """The suspect's standing alibi falls: they are back in play (what a reader must forget)."""

    suspect: int
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Retraction:
    """An earlier fact (named by its id) is withdrawn, as if it had never been said."""

    fact_id: str
    id: str | None = None


Fact = TraitStated | Evidence | Alibi | AlibiBroken | Retraction

FACT_KINDS: dict[str, type] = {
    "trait": TraitStated,
    "evidence": Evidence,
    "alibi": Alibi,
    "alibi_broken": AlibiBroken,
    "retract": Retraction,
}


@dataclass(frozen=True, slots=True)
class Clue:
    text: str  # the prose the player reads and the readers read
    facts: tuple[Fact, ...] = ()  # empty for flavour and red herrings


@dataclass(frozen=True, slots=True)
class Story:
    """A whole mystery: a hand-written story file or a generated case."""

    title: str
    setting: str
    victim: str
    intro: str
    suspects: tuple[Suspect, ...]
    clues: tuple[Clue, ...]
    culprit: int  # slot of the culprit
    reveal: str
    seed: int | None = None  # set for generated cases: generate_case(seed) rebuilds this story
    difficulty: str | None = None  # the generator preset, for generated cases

    def suspect_label(self, slot: int) -> str:
        """How reports name a suspect: "Hobbs (the butler)"."""
        suspect = self.suspects[slot]
        return f"{suspect.name} (the {suspect.role})"
