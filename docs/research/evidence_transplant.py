"""Generated cases with their evidence told in the corpus's sentences: whether the partner's comparison at the
evidence is bound to the generator's evidence sentences.

    PYTHONPATH=. python docs/research/evidence_transplant.py --corpus TRAIN --out DIR [--cases 150] [--difficulty D]
    PYTHONPATH=. python docs/research/evidence_transplant.py --people FOLDER --out DIR [--difficulty D]
    PYTHONPATH=. python docs/research/evidence_transplant.py --people FOLDER --quiet {left-out,generated} --out DIR
    PYTHONPATH=. python docs/research/clearances.py --story DIR/original/*.toml   (and DIR/retold)
    python benchmarks/readers.py authored --folder DIR/retold

Not part of the package (docs/model.md, the dated table of 2026-12-05). In people's prose the partner applies a
third to three fifths of the clearances whose two values its read-out holds, in generated cases nine in ten.
Either the evidence sentence is what it does not act on, or the statements it compares against are held in a
form it cannot compare. This separates the two: each generated case's clues that give one piece of evidence and
nothing else are retold, where the corpus has one, by a clue of the training corpus that gives the same evidence
(the same trait and value) and nothing else and names none of its own suspects; every other clue stays the
generator's. With `--people`, the other way round: people's stories, each such clue retold by one of the
generator's (from 2,000 generated cases), every other clue the author's. DIR/original holds the stories as they
were, DIR/retold the same stories retold, as story files (only stories with at least one clue retold). The corpus
folder is training data: never the held-out or the development set; `--people` may be any folder, since nothing
is trained on what this writes. `--people FOLDER --quiet left-out` tells people's stories without their clues
that state nothing and name none of their suspects (the prose around the facts), and `--quiet generated` tells
each of those by a clue of the generator's that states nothing: whether the prose around people's facts is what
the partner cannot decide in, as it is around the generator's facts (`--corpus --surroundings`).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from model.corpus import corpus_stories, quiet_clues, with_quiet_prose
from model.evaluate import EVAL_RUN_SEED
from story import Evidence, Story, TraitStated, load_story
from story.generator import PRESETS, generate_cases
from story.mentions import find_mentions, mention_matcher
from story.writer import story_to_toml


def evidence_bank(stories: tuple[Story, ...]) -> dict[tuple[str, str], list[str]]:
    """(trait, value) -> the texts of corpus clues that give that evidence alone and name none of their suspects."""
    bank: dict[tuple[str, str], list[str]] = defaultdict(list)
    for story in stories:
        matcher = mention_matcher(story)
        for clue in story.clues:
            if len(clue.facts) != 1 or not isinstance(clue.facts[0], Evidence):
                continue
            if list(find_mentions(clue.text, matcher)):
                continue
            bank[(clue.facts[0].trait, clue.facts[0].value)].append(clue.text)
    return bank


def retold(story: Story, bank: dict[tuple[str, str], list[str]], rng: np.random.Generator) -> Story | None:
    """`story` with each clue that gives one piece of evidence alone told by a corpus clue giving the same; None
    where no clue could be retold."""
    clues, changed = [], False
    for clue in story.clues:
        fact = clue.facts[0] if len(clue.facts) == 1 else None
        texts = bank.get((fact.trait, fact.value), []) if isinstance(fact, Evidence) else []
        if texts:
            clue = replace(clue, text=texts[int(rng.integers(len(texts)))])
            changed = True
        clues.append(clue)
    return replace(story, clues=tuple(clues)) if changed else None


def statement_bank(stories: tuple[Story, ...]) -> dict[tuple[str, str], list[tuple[str, list[tuple[int, int]]]]]:
    """(trait, value) -> generated clues that state that value alone for one suspect, named by full name only: the
    text and where the name stands in it, so that another suspect's name can take its place."""
    bank: dict[tuple[str, str], list[tuple[str, list[tuple[int, int]]]]] = defaultdict(list)
    for story in stories:
        matcher = mention_matcher(story)
        for clue in story.clues:
            if len(clue.facts) != 1 or not isinstance(clue.facts[0], TraitStated):
                continue
            fact = clue.facts[0]
            mentions = find_mentions(clue.text, matcher)
            name = story.suspects[fact.suspect].name
            if mentions and all(m.slot == fact.suspect and clue.text[m.start : m.end] == name for m in mentions):
                bank[(fact.trait, fact.value)].append((clue.text, [(m.start, m.end) for m in mentions]))
    return bank


def statements_retold(story: Story, bank, rng: np.random.Generator) -> Story | None:
    """`story` with each clue that states one value alone for one suspect told by a generated clue stating the
    same value, the generated suspect's name replaced by this suspect's; None where no clue could be retold."""
    clues, changed = [], False
    for clue in story.clues:
        fact = clue.facts[0] if len(clue.facts) == 1 else None
        choices = bank.get((fact.trait, fact.value), []) if isinstance(fact, TraitStated) else []
        if choices:
            text, spans = choices[int(rng.integers(len(choices)))]
            name = story.suspects[fact.suspect].name
            for start, end in reversed(spans):
                text = text[:start] + name + text[end:]
            clue = replace(clue, text=text)
            changed = True
        clues.append(clue)
    return replace(story, clues=tuple(clues)) if changed else None


def quiet_retold(story: Story, flavour: list[str] | None, rng: np.random.Generator) -> Story | None:
    """`story` with each clue that states nothing and names none of its suspects left out (`flavour` None) or told
    by one of `flavour`; None where the story has no such clue."""
    matcher = mention_matcher(story)
    clues, changed = [], False
    for clue in story.clues:
        if not clue.facts and not find_mentions(clue.text, matcher):
            changed = True
            if flavour is None:
                continue
            clue = replace(clue, text=flavour[int(rng.integers(len(flavour)))])
        clues.append(clue)
    return replace(story, clues=tuple(clues)) if changed else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sources = parser.add_mutually_exclusive_group(required=True)
    sources.add_argument("--corpus", type=Path, help="training stories whose evidence clues retell generated cases")
    sources.add_argument("--people", type=Path, help="people's stories to retell with the generator's sentences")
    parser.add_argument("--statements", action="store_true", help="with --people: retell statements, not evidence")
    parser.add_argument(
        "--surroundings", action="store_true", help="with --corpus: add its clues that state nothing, not evidence"
    )
    parser.add_argument(
        "--quiet", choices=("left-out", "generated"), help="with --people: prose around facts left out or retold"
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cases", type=int, default=150)
    parser.add_argument("--difficulty", choices=tuple(PRESETS), default="default")
    args = parser.parse_args()
    generated = tuple(generate_cases(EVAL_RUN_SEED + 1, 2000, args.difficulty)) if args.people else ()
    retell = retold
    if args.people and args.quiet:
        flavour = list(quiet_clues(generated)) if args.quiet == "generated" else None  # the generator's atmosphere
        bank = {("", ""): flavour or []}
        retell = lambda story, _, rng: quiet_retold(story, flavour, rng)  # noqa: E731
        stories = list(corpus_stories(args.people))
    elif args.people and args.statements:
        bank = statement_bank(generated)
        retell = statements_retold
        stories = list(corpus_stories(args.people))
    elif args.people:
        bank = evidence_bank(generated)
        stories = list(corpus_stories(args.people))
    elif args.surroundings:
        quiet = quiet_clues(corpus_stories(args.corpus))  # what `--set quiet_share` tells, here after every clue
        bank = {("", ""): list(quiet)}
        retell = lambda story, _, rng: with_quiet_prose(story, quiet, 1.0, rng)  # noqa: E731
        stories = list(generate_cases(EVAL_RUN_SEED, args.cases, args.difficulty))
    else:
        bank = evidence_bank(corpus_stories(args.corpus))
        stories = list(generate_cases(EVAL_RUN_SEED, args.cases, args.difficulty))
    print(f"{sum(len(texts) for texts in bank.values())} clues to retell with, for {len(bank)} trait values")
    rng = np.random.default_rng(1)
    written = 0
    for index, story in enumerate(stories):
        other = retell(story, bank, rng)
        if other is None:
            continue
        for folder, version in (("original", story), ("retold", other)):
            path = args.out / folder / f"story-{index:04d}.toml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(story_to_toml(version))
            load_story(path)  # proved sound as `whodunit check` proves it: the facts did not change
        written += 1
    print(f"{written} of {len(stories)} stories retold, in {args.out}")


if __name__ == "__main__":
    main()
