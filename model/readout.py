"""The memory read-out's layout, shared by the torch readers and the numpy streaming reader (so: no torch).

For each catalogue trait, a reading reports the value it believes was stated for its suspect, then, for each
trait, the value evidence gave the culprit: 2 x 7 cells, each a choice among the trait's values or "unknown".
"""

from __future__ import annotations

from story.traits import CATALOGUE

TRAITS = tuple(CATALOGUE)
# Classes: each value the case generator draws, then "unknown". Training can teach no other value, so a value
# that only authors use (tobacco "none", "large" feet) is "unknown" to the read-out, and adding one to the
# catalogue leaves the readers' shape, and every checkpoint, as it was.
UNKNOWN_CLASS = max(len(trait.generated_values) for trait in CATALOGUE.values())
READOUT_CLASSES = UNKNOWN_CLASS + 1
VALUE_CLASSES = {
    name: {value: index for index, value in enumerate(trait.generated_values)} for name, trait in CATALOGUE.items()
}


def value_class(trait: str, value: str) -> int:
    """The read-out class of a trait's value: its place among the values the generator draws, or unknown."""
    return VALUE_CLASSES[trait].get(value, UNKNOWN_CLASS)


READOUT_CELLS = 2 * len(TRAITS)  # self's stated value per trait, then the evidence's value per trait
