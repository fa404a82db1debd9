"""People's stories told in the generator's prose, fact by fact: whether the partner fails them for their prose or
for their shape.

    PYTHONPATH=. python docs/research/skeleton_retold.py --people FOLDER --out DIR [--difficulty D]
    python benchmarks/readers.py authored --folder DIR/original   (and DIR/retold)

Not part of the package (docs/model.md, the dated table of 2026-12-05). Retelling people's evidence clues, their
single statements, or their prose around the facts in the generator's sentences leaves the partner deciding
people's stories as it did (docs/research/evidence_transplant.py). What is left is everything at once: clues that
tell several facts, facts about suspects named by pronoun or alias, and the stories' shape (the order of the
facts, alibis broken late, testimony taken back, statements after their evidence, long distances). This keeps
the shape and changes all of the prose (`story.retell.retold_in_grammar`, which `--set corpus_retold` trains
on): each fact of each clue, in order, becomes one clue of the generator's narrator holding that same fact; each
clue that states nothing, a sentence of its atmosphere; the intro, the cast and the culprit stay. A story that
uses a value the generator's banks have no words for ("none", a smoker's) is left out. DIR/original holds the
stories retold as they were, DIR/retold the same stories retold; each is proved sound as
`whodunit check` proves it. `--statements-first` also moves each statement told after its trait's first evidence
to just before that evidence, as the generator orders them: how much of the shape is that order alone.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import replace
from pathlib import Path

from model.corpus import corpus_stories
from story import Evidence, Story, TraitStated, analyze, load_story
from story.generator import PRESETS
from story.retell import retold_in_grammar
from story.writer import story_to_toml


def statements_first(story: Story) -> Story:
    """A retold story (one fact a clue) with each statement of an evidence trait told after that trait's first
    evidence moved to just before it, in the order they came: the generator's order for people's facts. `story`
    itself where the move would leave it unsound."""
    first = {}
    for index, clue in enumerate(story.clues):
        for fact in clue.facts:
            if isinstance(fact, Evidence):
                first.setdefault(fact.trait, index)
    late = {
        index: first[fact.trait]
        for index, clue in enumerate(story.clues)
        for fact in clue.facts
        if isinstance(fact, TraitStated) and fact.trait in first and index > first[fact.trait]
    }
    clues = []
    for index, clue in enumerate(story.clues):
        clues += [story.clues[moved] for moved, before in late.items() if before == index]
        if index not in late:
            clues.append(clue)
    other = replace(story, clues=tuple(clues))
    return other if analyze(other).sound else story


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=Path, required=True, help="people's stories to retell")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--difficulty", choices=tuple(PRESETS), default="default")
    parser.add_argument("--permute", action="store_true", help="permute each trait's values, as training does")
    parser.add_argument(
        "--statements-first", action="store_true", help="move statements told after their evidence before it"
    )
    args = parser.parse_args()
    stories = corpus_stories(args.people)
    kept = 0
    for index, story in enumerate(stories):
        other = retold_in_grammar(story, random.Random(index), PRESETS[args.difficulty], permute=args.permute)
        if other is story:
            kept += 1
            continue
        if args.statements_first:
            other = statements_first(other)
        for folder, version in (("original", story), ("retold", other)):
            path = args.out / folder / f"story-{index:04d}.toml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(story_to_toml(version))
            load_story(path)  # proved sound as `whodunit check` proves it: the facts did not change
    print(f"{len(stories) - kept} of {len(stories)} stories retold, in {args.out} (the rest: values it cannot tell)")


if __name__ == "__main__":
    main()
