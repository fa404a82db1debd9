"""The memory read-out's layout, shared by the torch readers and the numpy streaming reader (so: no torch).

For each catalogue trait, a reading reports the value it believes was stated for its suspect, then, for each
trait, the value evidence gave the culprit: 2 x 7 cells, each a choice among the trait's values or "unknown".
"""

from __future__ import annotations

from story.traits import CATALOGUE

TRAITS = tuple(CATALOGUE)
UNKNOWN_CLASS = max(len(trait.values) for trait in CATALOGUE.values())  # classes: each value, then "unknown"
READOUT_CLASSES = UNKNOWN_CLASS + 1
READOUT_CELLS = 2 * len(TRAITS)  # self's stated value per trait, then the evidence's value per trait
