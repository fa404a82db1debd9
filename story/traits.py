"""The trait catalogue: the only traits, and values, that a story may give its suspects.

A closed catalogue is what lets the validator catch "hair = 'rde'" and lets one model read every story: the
readers learn each value's words once. `docs/story-format.md` lists the same table for authors.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Trait:
    """One kind of thing a story can say about a suspect, and the culprit."""

    name: str  # the key used in story files, e.g. "shoe_size"
    noun: str  # how prose refers to it: "Hobbs's shoe size"
    values: tuple[str, ...]  # every value a story may use, in catalogue order
    card: dict[str, str]  # value -> short phrase for a suspect card: "left-handed"
    spellings: dict[str, str] = field(default_factory=dict)  # other words authors use for a value: "blond" -> "fair"
    # Values the generator's grammar cannot phrase yet; authors may use them, generated cases never do.
    authored_only: tuple[str, ...] = ()

    @property
    def generated_values(self) -> tuple[str, ...]:
        """The values the case generator draws from, in catalogue order."""
        return tuple(value for value in self.values if value not in self.authored_only)

    def describe(self, value: str) -> str:
        """The phrase the game shows on a suspect's card for this value."""
        return self.card[value]


def _same(values: tuple[str, ...], template: str) -> dict[str, str]:
    return {value: template.format(v=value) for value in values}


_SHOE_SIZES = ("6", "7", "8", "9", "10", "11", "12")
# Shoe sizes as authors often say them. A story uses numbers or words, not both: the oracle matches values
# exactly, so "large" evidence never matches a suspect said to take a 12 (`check` warns of a story that mixes).
_FEET = ("small", "medium", "large")

# Other names authors give a colour, which a story file may use as the value. Words that are more often something
# else are not among them: "dark" (in the dark), "white" (white wine), "silver" and "copper" (the spoons, the
# constable), "chestnut", "camel", "olive", "charcoal". The readers read most of these as the value in every
# sentence (model/lemmas.py); the generator's `synonym_share` tells the rest too, for a reader to learn from
# their context (story/phrases/values.toml).
_HAIR_NAMES = {
    "blond": "fair",
    "blonde": "fair",
    "flaxen": "fair",
    "auburn": "red",
    "ginger": "red",
    "carroty": "red",
    "mousy": "brown",
}

CATALOGUE: dict[str, Trait] = {
    trait.name: trait
    for trait in (
        Trait("handedness", "hand", ("left", "right"), _same(("left", "right"), "{v}-handed")),
        Trait(
            "hair",
            "hair",
            ("black", "brown", "red", "fair", "grey"),
            _same(("black", "brown", "red", "fair", "grey"), "{v} hair"),
            spellings=_HAIR_NAMES,
        ),
        Trait(
            "shoe_size",
            "shoe size",
            _SHOE_SIZES + _FEET,
            _same(_SHOE_SIZES, "size {v} shoes") | _same(_FEET, "{v} feet"),
            authored_only=_FEET,
        ),
        Trait(
            "tobacco",
            "tobacco",
            ("cigar", "pipe", "cigarette", "snuff", "none"),
            {
                "cigar": "smokes cigars",
                "pipe": "smokes a pipe",
                "cigarette": "smokes cigarettes",
                "snuff": "takes snuff",
                "none": "does not smoke",
            },
            authored_only=("none",),
        ),
        Trait(
            "coat",
            "coat",
            ("black", "brown", "grey", "green", "blue"),
            _same(("black", "brown", "grey", "green", "blue"), "{v} coat"),
            spellings={"navy": "blue"},
        ),
        Trait(
            "scent",
            "scent",
            ("lavender", "rose", "sandalwood", "violet", "lemon"),
            _same(("lavender", "rose", "sandalwood", "violet", "lemon"), "smells of {v}"),
        ),
        Trait(
            "drink",
            "drink",
            ("whisky", "brandy", "gin", "sherry", "port"),
            _same(("whisky", "brandy", "gin", "sherry", "port"), "drinks {v}"),
        ),
    )
}

PRONOUNS: dict[str, tuple[str, str, str]] = {
    # subject, object, possessive
    "he": ("he", "him", "his"),
    "she": ("she", "her", "her"),
    "they": ("they", "them", "their"),
}


def trait_value(trait: str, raw: object) -> str | None:
    """The catalogue value that `raw` spells, or None. Shoe sizes may be written as integers, and a value by any
    of its spellings ("blond" is fair hair)."""
    entry = CATALOGUE.get(trait)
    if entry is None:
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    word = raw.strip().lower()
    word = entry.spellings.get(word, word)
    return word if word in entry.values else None
