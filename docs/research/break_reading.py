"""How a reader reads a broken alibi: whether the break revives the suspect it names, or a bystander cleared before it.

    PYTHONPATH=. python docs/research/break_reading.py [--checkpoint DIR] [--cases 300] [--difficulty D] [--set K=V]
    PYTHONPATH=. python docs/research/break_reading.py [--checkpoint DIR] --story FILE [FILE ...]

Not part of the package (docs/model.md, the dated table of 2026-12-07). train.toml is lost because the partner
takes a confession's first 21 words as a break of its own reading's suspect's alibi, before the sentence says
whose alibi it was (docs/research/alibi_break_order.py). This asks whether that is how the partner reads breaks in
general, on generated cases (where the grammar tells 13 of its 31 break phrasings with 9 or more words before the
name) and on people's prose (story files: the development set, the held-back split; never benchmarks/authored/).

For every AlibiBroken fact, and every *bystander* (a suspect the oracle holds cleared both before the break's
clue and after it, and not the one whose alibi falls), it compares the reader's probability on the bystander at the
end of the clue before with its highest inside the break's clue and with its value `AFTER` tokens past the clue's
end: a bystander that gains 0.1 or more is revived, wrongly. For the suspect the break names, when the oracle
holds them possible again, it counts whether their probability rose by 0.05 or more (the break read). Each is
split by how many words of the break's sentence come before its first naming of the suspect. With --story, each
break not read is printed with its clue's text.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
from write_errors import tokens_before_name  # beside this script: run as docs/research/break_reading.py

from model.checkpoint import load_checkpoint
from model.evaluate import EVAL_RUN_SEED, checkpoint_traces
from model.shipped import load_shipped
from model.targets import case_targets
from model.tokenizer import read_story
from story import AlibiBroken, load_story
from story.generator import PRESETS, GeneratorConfig, configure, generate_cases

AFTER = 8  # tokens past the clue's end: as write_errors.py, long enough to have acted, too short for a later clue
REVIVED = 0.1  # a bystander's gain that counts as taking the break for theirs
READ = 0.05  # the named suspect's gain that counts as the break read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--difficulty", choices=tuple(PRESETS), default="default")
    parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE", help="a generator knob")
    parser.add_argument("--story", type=Path, nargs="+", help="read these story files instead of generated cases")
    args = parser.parse_args()
    try:
        config = generator_config(args)
    except ValueError as exc:
        parser.error(str(exc))
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    stories = (
        [load_story(path) for path in args.story]
        if args.story
        else list(generate_cases(EVAL_RUN_SEED, args.cases, args.difficulty, config))
    )
    cases = [case_targets(story, checkpoint.vocabulary) for story in stories]
    traces = checkpoint_traces(checkpoint, cases)
    bystanders: dict[str, list[tuple[float, float]]] = defaultdict(list)  # split: (highest gain in clue, gain after)
    named: dict[str, list[bool]] = defaultdict(list)
    breaks = 0
    for story, case, trace in zip(stories, cases, traces, strict=True):
        reading = read_story(story)
        beliefs = trace.probabilities  # (T, K)
        for index, clue in enumerate(story.clues):
            for fact in (fact for fact in clue.facts if isinstance(fact, AlibiBroken)):
                breaks += 1
                start = reading.clue_ends[index - 1] if index else reading.intro_length
                end = reading.clue_ends[index]
                before, after = start - 1, min(end - 1 + AFTER, len(case.ids) - 1)
                split = words_before_name(reading.tokens[start:end], fact.suspect)
                for suspect in range(case.cast_size):
                    cleared = case.possible[suspect, before] == 0 and case.possible[suspect, end - 1] == 0
                    if suspect == fact.suspect or not cleared:
                        continue
                    gain_inside = float(beliefs[start:end, suspect].max() - beliefs[before, suspect])
                    gain_after = float(beliefs[after, suspect] - beliefs[before, suspect])
                    for key in ("all", split):
                        bystanders[key].append((gain_inside, gain_after))
                if case.possible[fact.suspect, end - 1] == 1:
                    gain = float(beliefs[after, fact.suspect] - beliefs[before, fact.suspect])
                    for key in ("all", split):
                        named[key].append(gain >= READ)
                    if args.story and gain < READ:
                        name = story.suspects[fact.suspect].name
                        moved = f"{beliefs[before, fact.suspect]:.2f} to {beliefs[after, fact.suspect]:.2f}"
                        print(f"{story.title}, clue {index + 1}: {name}'s alibi falls, {moved}\n    {clue.text}")
    source = f"{len(stories)} story files" if args.story else f"{len(stories)} {args.difficulty} cases"
    print(f"{breaks} broken alibis in {source}")
    print(
        f"{'words before the name':24s} {'bystanders':>10s} {'revived in clue':>16s} {'revived after':>14s}"
        f" {'mean gain after':>16s} {'named, possible':>16s} {'read':>6s}"
    )
    for key in sorted(bystanders.keys() | named.keys(), key=order):
        gains = np.array(bystanders.get(key, []), np.float64).reshape(-1, 2)
        reads = named.get(key, [])
        inside = (gains[:, 0] >= REVIVED).mean() if len(gains) else float("nan")
        after = (gains[:, 1] >= REVIVED).mean() if len(gains) else float("nan")
        mean_after = gains[:, 1].mean() if len(gains) else float("nan")
        read = np.mean(reads) if reads else float("nan")
        print(
            f"{key:24s} {len(gains):10d} {inside:16.3f} {after:14.3f} {mean_after:16.3f} {len(reads):16d} {read:6.3f}"
        )


def generator_config(args: argparse.Namespace) -> GeneratorConfig:
    """The difficulty's preset with the --set knobs ("paired_break_share=1": two breaks in one clue where they can)."""
    knobs = dict(setting.partition("=")[::2] for setting in args.set)
    return configure(PRESETS[args.difficulty], knobs)


def words_before_name(tokens: list[str], suspect: int) -> str:
    """How many tokens of its sentence come before the clue first names the suspect (by slot), in bins."""
    before = tokens_before_name(tokens, suspect)
    if before is None:
        return "not named"
    return "0-2" if before < 3 else "3-8" if before < 9 else "9+"


def order(key: str) -> int:
    return ["all", "0-2", "3-8", "9+", "not named"].index(key)


if __name__ == "__main__":
    main()
