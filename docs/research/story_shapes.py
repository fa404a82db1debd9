"""How people's stories are shaped against generated cases, and which shapes the partner misreads.

    PYTHONPATH=. python docs/research/story_shapes.py --story FILE [FILE ...] [--checkpoint DIR]
    PYTHONPATH=. python docs/research/story_shapes.py --difficulty default [--cases 200]

Not part of the package (docs/model.md, the dated table of 2026-12-05). Told fact by fact in the generator's
sentences (docs/research/skeleton_retold.py), people's stories are misread as often as in their own prose: what
differs is their shape. This counts it over the oracle's analysis, per story, and prints each count's mean and
range: the cast, the facts by kind, the evidence traits, the statements of an evidence trait and how many of them
come after the first evidence of that trait ("late"), testimonies retracted after their trait's evidence (2026-12-06),
clues that tell several facts, how many of the culprit's evidence values are never told, and how the innocents end
up cleared; and over all the stories, how often a clue with no fact that names one suspect names the culprit. With
`--story`, the partner (the bundled one, or `--checkpoint`) reads each story, and the stories are also split by
whether all of the culprit's evidence values are told and by whether they retract a testimony late, with how many
of each it names. Never run it on the held-out benchmarks/authored/.
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter
from pathlib import Path

from model.checkpoint import load_checkpoint
from model.shipped import load_shipped
from model.verdicts import story_verdict
from story import Evidence, Retraction, Story, TraitStated, analyze, load_story
from story.generator import PRESETS, generate_cases
from story.mentions import mentioned_slots

COUNTS = (
    "suspects",
    "clues",
    "TraitStated",
    "Evidence",
    "Alibi",
    "AlibiBroken",
    "Retraction",
    "evidence traits",
    "evidence statements",
    "late statements",
    "late retractions",
    "clues of several facts",
    "culprit's values untold",
    "cleared by alibi",
    "cleared by trait",
)


def shape(story: Story) -> Counter:
    """The counts of COUNTS for one story."""
    counts: Counter = Counter(suspects=len(story.suspects), clues=len(story.clues))
    first_evidence: dict[str, int] = {}
    for index, clue in enumerate(story.clues):
        for fact in clue.facts:
            counts[type(fact).__name__] += 1
            if isinstance(fact, Evidence):
                first_evidence.setdefault(fact.trait, index)
    stated = {fact.id: fact for clue in story.clues for fact in clue.facts if isinstance(fact, TraitStated) and fact.id}
    for index, clue in enumerate(story.clues):
        for fact in clue.facts:
            if isinstance(fact, TraitStated) and fact.trait in first_evidence:
                counts["evidence statements"] += 1
                counts["late statements"] += index > first_evidence[fact.trait]
            if isinstance(fact, Retraction) and fact.fact_id in stated:  # a testimony taken back after its evidence
                trait = stated[fact.fact_id].trait
                counts["late retractions"] += trait in first_evidence and index > first_evidence[trait]
    counts["evidence traits"] = len(first_evidence)
    counts["clues of several facts"] = sum(len(clue.facts) > 1 for clue in story.clues)
    told = {f.trait for c in story.clues for f in c.facts if isinstance(f, TraitStated) and f.suspect == story.culprit}
    counts["culprit's values untold"] = len(set(first_evidence) - told)
    cleared = Counter(clearance.reason for clearance in analyze(story).steps[-1].cleared if clearance is not None)
    counts["cleared by alibi"], counts["cleared by trait"] = cleared["alibi"], cleared["trait"]
    return counts


def pointing(stories: list[Story]) -> tuple[int, float, int]:
    """How often a clue with no fact that names one suspect names the culprit, against chance: (culprit named,
    expected by chance, clues). The generator's red herrings name suspects uniformly; authors may point."""
    pointed, chance, clues = 0, 0.0, 0
    for story in stories:
        for clue, named in zip(story.clues, mentioned_slots(story), strict=True):
            if not clue.facts and len(named) == 1:
                clues += 1
                pointed += story.culprit in named
                chance += 1 / len(story.suspects)
    return pointed, chance, max(clues, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sources = parser.add_mutually_exclusive_group(required=True)
    sources.add_argument("--story", type=Path, nargs="+", help="story files (never the held-out set)")
    sources.add_argument("--difficulty", choices=tuple(PRESETS), help="generated cases of this preset")
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--checkpoint", type=Path)
    args = parser.parse_args()
    stories = (
        [load_story(path) for path in args.story]
        if args.story
        else list(generate_cases(7, args.cases, args.difficulty))
    )
    shapes = [shape(story) for story in stories]
    print(f"{len(stories)} {'story files' if args.story else args.difficulty + ' cases'}: mean (min-max) a story")
    for name in COUNTS:
        values = [counts[name] for counts in shapes]
        print(f"  {name:24s} {statistics.mean(values):6.2f}  ({min(values)}-{max(values)})")
    pointed, chance, clues = pointing(stories)
    print(
        f"  clues with no fact that name one suspect: {clues}, naming the culprit {pointed / clues:.3f} of them"
        f" (by chance {chance / clues:.3f})"
    )
    if not args.story:
        return
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    named = [story_verdict(checkpoint, story).named == story.culprit for story in stories]
    for label, keep in (("all told", lambda n: n == 0), ("some untold", lambda n: n > 0)):
        group = [ok for ok, counts in zip(named, shapes, strict=True) if keep(counts["culprit's values untold"])]
        print(f"  culprit's evidence values {label:12s} partner names {sum(group)} of {len(group)}")
    for label, keep in (("some", lambda n: n > 0), ("none", lambda n: n == 0)):
        group = [ok for ok, counts in zip(named, shapes, strict=True) if keep(counts["late retractions"])]
        print(f"  late retractions {label:21s} partner names {sum(group)} of {len(group)}")


if __name__ == "__main__":
    main()
