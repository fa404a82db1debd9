"""How often evidence leaves an innocent suspect possible whose value of its trait nobody has told.

    PYTHONPATH=. python docs/research/untold_at_evidence.py --generated default
    PYTHONPATH=. python docs/research/untold_at_evidence.py --folder model/corpus

Not part of the package (docs/model.md, the dated table of 2026-12-04). Manor's cigar ash (clue 12) leaves Hobbs,
Mary and Miss Lane possible: only Hobbs is told to smoke cigars, and the others' tobacco is never told. The
bundled partner gives Hobbs 0.96 there, the one told match taken for the culprit. This counts, per piece of
evidence, whether an innocent suspect who is still possible after it has no told value of its trait yet: a
reader trained where that never happens may learn that a told match is the culprit. Never run on
benchmarks/authored/.
"""

from __future__ import annotations

import argparse

from cleared_then_matching import add_story_source, stories_from  # its neighbour in docs/research

from story.data import Evidence, Story, TraitStated
from story.oracle import analyze


def untold_at_evidence(story: Story) -> tuple[int, int]:
    """(pieces of evidence, those after which an innocent still possible has no told value of its trait)."""
    analysis = analyze(story)
    told: set[tuple[int, str]] = set()
    pieces = untold = 0
    for index, clue in enumerate(story.clues):
        told |= {(fact.suspect, fact.trait) for fact in clue.facts if isinstance(fact, TraitStated)}
        for fact in clue.facts:
            if isinstance(fact, Evidence):
                pieces += 1
                innocents = (slot for slot in analysis.steps[index].possible if slot != story.culprit)
                untold += any((slot, fact.trait) not in told for slot in innocents)
    return pieces, untold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_story_source(parser)
    counts = [untold_at_evidence(story) for story in stories_from(parser.parse_args())]
    pieces, untold = sum(count[0] for count in counts), sum(count[1] for count in counts)
    print(f"{untold} of {pieces} pieces of evidence leave an innocent possible with its trait untold")


if __name__ == "__main__":
    main()
