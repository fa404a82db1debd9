"""How often a story clears a suspect by evidence and later tells a trait of theirs that matches other evidence.

    PYTHONPATH=. python docs/research/cleared_then_matching.py --generated default --cases 300
    PYTHONPATH=. python docs/research/cleared_then_matching.py --folder model/corpus
    PYTHONPATH=. python docs/research/cleared_then_matching.py --generated hard --checkpoint DIR [DIR ...]

Not part of the package (docs/model.md, the dated table of 2026-12-04). Manor's clue 12 clears Captain Reeve by
the cigar ash; clue 13 tells that he is left-handed; clue 15's evidence is a left-handed hand. A reader that lets
the later match overwrite the clearance names him, as every partner given a corpus stage did. This counts the
pattern (a trait statement about a suspect already cleared by another trait's evidence, whose value the story's
last standing evidence of its trait matches) in generated cases or a folder of story files, to say whether the
readers' training shows it at all; with `--checkpoint`, each reader's final accuracy on the generated evaluation
cases (`whodunit eval`'s) that show it and on those that do not. Never run on benchmarks/authored/.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from model.checkpoint import load_checkpoint
from model.evaluate import EVAL_RUN_SEED, evaluate
from story import load_story
from story.data import Story, TraitStated
from story.generator import DIFFICULTIES, PRESETS, GeneratorConfig, configure, generate_case, generate_cases
from story.oracle import analyze


def cleared_then_matching(story: Story) -> int:
    """The statements of the pattern in one story."""
    analysis = analyze(story)
    last_evidence = dict(analysis.steps[-1].evidence)
    found = 0
    for index, clue in enumerate(story.clues[1:], start=1):
        before = analysis.steps[index - 1]
        for fact in clue.facts:
            if not isinstance(fact, TraitStated):
                continue
            clearance = before.cleared[fact.suspect]
            if (
                clearance is not None
                and clearance.reason == "trait"
                and clearance.trait != fact.trait
                and last_evidence.get(fact.trait) == fact.value
            ):
                found += 1
    return found


def add_story_source(parser: argparse.ArgumentParser) -> None:
    """--generated LEVEL [--cases N] or --folder F: where the stories to count come from."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--generated", choices=DIFFICULTIES)
    source.add_argument("--folder", type=Path)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE", help="a generator knob")


def knob_config(args: argparse.Namespace) -> GeneratorConfig:
    """The `--generated` level's preset with any `--set` knobs."""
    return configure(PRESETS[args.generated], dict(setting.split("=", 1) for setting in args.set))


def stories_from(args: argparse.Namespace) -> list[Story]:
    """The first `--cases` generated cases of a level (seeds 0, 1, ...) with any `--set` knobs, or every story
    file in `--folder`."""
    if args.generated:
        config = knob_config(args)
        return [generate_case(seed, args.generated, config) for seed in range(args.cases)]
    return [load_story(path) for path in sorted(args.folder.glob("*.toml"))]


def score_split(stories: list[Story], shows: list[bool], checkpoints: list[Path]) -> None:
    """Print each reader's final accuracy on the stories that show a pattern and on the rest."""
    with_it = [story for story, shown in zip(stories, shows, strict=True) if shown]
    without = [story for story, shown in zip(stories, shows, strict=True) if not shown]
    if not with_it or not without:
        print(f"{len(with_it)} of {len(stories)} cases show it: nothing to compare")
        return
    for folder in checkpoints:
        reader = {"lstm": load_checkpoint(folder)}
        shown, plain = evaluate(reader, with_it)["lstm"], evaluate(reader, without)["lstm"]
        print(
            f"{folder}: final accuracy {shown.final_accuracy:.3f} on the {len(with_it)} cases that show it, "
            f"{plain.final_accuracy:.3f} on the other {len(without)}"
        )


def pattern_main(description: str, shows: Callable[[Story], int], counted: str = "") -> None:
    """The command line of a pattern counter: count the stories that show it (and, with `counted`, the total of
    `shows`, named so) in generated cases or a folder, or with `--checkpoint` score readers on `whodunit eval`'s
    generated cases (with any `--set` knobs) that show it and on the rest."""
    parser = argparse.ArgumentParser(description=description)
    add_story_source(parser)
    parser.add_argument("--checkpoint", type=Path, nargs="+", help="readers to score on cases with and without it")
    args = parser.parse_args()
    if args.checkpoint and not args.generated:
        parser.error("--checkpoint scores generated cases: give --generated LEVEL")
    if args.checkpoint:
        stories = list(generate_cases(EVAL_RUN_SEED, args.cases, args.generated, knob_config(args)))
        score_split(stories, [bool(shows(story)) for story in stories], args.checkpoint)
        return
    stories = stories_from(args)
    counts = [shows(story) for story in stories]
    total = f" ({sum(counts)} {counted})" if counted else ""
    print(f"{sum(1 for count in counts if count)} of {len(stories)} stories show it{total}")


def main() -> None:
    pattern_main(__doc__.split("\n")[0], cleared_then_matching, "statements")


if __name__ == "__main__":
    main()
