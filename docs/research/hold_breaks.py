"""What breaks a fact a reader holds: the clue at whose end a stated value, written right, is first read out wrong.

    PYTHONPATH=. python docs/research/hold_breaks.py [--checkpoint DIR] [--cases 150] [--difficulty D]
    PYTHONPATH=. python docs/research/hold_breaks.py [--checkpoint DIR] --story FILE [FILE ...] [--show N]

Not part of the package (docs/model.md, "Reading prose people write"). For one reader (the bundled partner by
default), every TraitStated fact that its suspect's reading writes right `AFTER` tokens after its clue (as
docs/research/write_errors.py reads it) is followed clue by clue, while the story's own target for that cell stays
the same (a later statement or a retraction ends the follow), to the story's end. At each later clue's end the cell
is read out: the first clue where it is wrong is where the hold broke. Each (held fact, later clue) pair is an
exposure, and the share of exposures that break is the hazard, sorted by the later clue's shape: whether it names
the fact's suspect (so that suspect's reading sees `<self>` in it), whether it states the same trait of another
suspect, of the same suspect, whether it is evidence of that trait, told in dialogue or narrated, and how many
words it runs. A reader that holds the generator's facts across 1,000 words and loses people's shows here which
clues between break them. With --story, the first N breaks are printed with the breaking clue's text.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from model.checkpoint import load_checkpoint
from model.evaluate import EVAL_RUN_SEED, checkpoint_traces
from model.readout import TRAITS, UNKNOWN_CLASS, value_class
from model.shipped import load_shipped
from model.targets import case_targets
from model.tokenizer import Reading, read_story
from story import Evidence, Story, TraitStated, load_story
from story.generator import PRESETS, configure, generate_cases
from story.traits import CATALOGUE

AFTER = 8  # tokens after the statement's clue at which it must be written right to count as held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--cases", type=int, default=150)
    parser.add_argument("--difficulty", choices=tuple(PRESETS), default="default")
    parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE", help="a generator knob")
    parser.add_argument("--story", type=Path, nargs="+", help="read these story files instead")
    parser.add_argument("--show", type=int, default=0, help="print the first N breaks with their clue")
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    if args.story:
        stories = [load_story(path) for path in args.story]
    else:
        knobs = dict(item.split("=", 1) for item in args.set)
        config = configure(PRESETS[args.difficulty], knobs) if knobs else None
        stories = list(generate_cases(EVAL_RUN_SEED, args.cases, args.difficulty, config))
    cases = [case_targets(story, checkpoint.vocabulary) for story in stories]
    traces = checkpoint_traces(checkpoint, cases)
    written = Counter[str]()
    hazard: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    ends = Counter[str]()
    shown = 0
    for story, case, trace in zip(stories, cases, traces, strict=True):
        assert trace.readout is not None, "a reader with a read-out"
        reading = read_story(story)
        shapes = [clue_shapes(story, reading, index) for index in range(len(story.clues))]
        for index, clue in enumerate(story.clues):
            for fact in (fact for fact in clue.facts if isinstance(fact, TraitStated)):
                cell = TRAITS.index(fact.trait)
                at = min(reading.clue_ends[index] - 1 + AFTER, len(case.ids) - 1)
                wanted = case.stated[fact.suspect, at, cell]
                if wanted == UNKNOWN_CLASS or trace.readout[fact.suspect, at, cell] != wanted:
                    written["not written right"] += 1
                    continue
                written["written right"] += 1
                end = "held to the end or to its replacement"
                for later in range(index + 1, len(story.clues)):
                    token = reading.clue_ends[later] - 1
                    if case.stated[fact.suspect, token, cell] != wanted:
                        break  # replaced or retracted: the follow ends, held
                    broke = trace.readout[fact.suspect, token, cell] != wanted
                    for shape in exposure_shapes(story, shapes[later], later, fact):
                        hazard[shape][0] += int(broke)
                        hazard[shape][1] += 1
                    if broke:
                        tokens = reading.clue_ends[later] - reading.clue_ends[index]
                        end = f"broke {'within' if tokens < 300 else 'after'} 300 tokens"
                        if args.story and shown < args.show:
                            shown += 1
                            print(break_line(story, index, later, fact, int(trace.readout[fact.suspect, token, cell])))
                        break
                ends[end] += 1
    total = sum(written.values())
    source = "story files" if args.story else f"{args.difficulty} cases"
    print(f"{total} stated facts in {len(stories)} {source}; written right {written['written right'] / total:.3f}")
    held = sum(ends.values())
    for end, count in ends.most_common():
        print(f"  {end:42s} {count / held:6.3f}  ({count})")
    print("hazard: the share of (held fact, later clue) exposures at whose clue the hold breaks, by that clue's shape")
    for shape, (broke, count) in sorted(hazard.items()):
        print(f"  {shape:58s} {broke / count:6.3f}  ({count})")


def clue_shapes(story: Story, reading: Reading, index: int) -> dict[str, object]:
    """What a clue holds, once per clue: the suspects it names, its stated facts, evidence traits, its length."""
    start = reading.clue_ends[index - 1] if index else reading.intro_length
    tokens = reading.tokens[start : reading.clue_ends[index]]
    clue = story.clues[index]
    return {
        "named": {int(token[2:-1]) for token in tokens if token.startswith("<s") and token[2:-1].isdigit()},
        "stated": [fact for fact in clue.facts if isinstance(fact, TraitStated)],
        "evidence": {fact.trait for fact in clue.facts if isinstance(fact, Evidence)},
        "dialogue": "'" in clue.text or '"' in clue.text,
        "tokens": len(tokens),
    }


def exposure_shapes(story: Story, shape: dict[str, object], index: int, fact: TraitStated) -> list[str]:
    """The groups one exposure of a held fact to a later clue counts in."""
    named = shape["named"]
    stated = shape["stated"]
    same_trait_other = any(s.trait == fact.trait and s.suspect != fact.suspect for s in stated)
    named_too = fact.suspect in named
    same_suspect_other_trait = any(s.suspect == fact.suspect and s.trait != fact.trait for s in stated)
    length = shape["tokens"]
    band = "< 40" if length < 40 else "40-79" if length < 80 else "80+"
    return [
        "all",
        f"names the suspect: {'yes' if fact.suspect in named else 'no'}",
        f"suspects named in the clue: {len(named)}",
        f"states the trait of another suspect: {'yes' if same_trait_other else 'no'}",
        f"names the suspect, states the trait of another: {'yes' if named_too and same_trait_other else 'no'}",
        f"states another trait of the suspect: {'yes' if same_suspect_other_trait else 'no'}",
        f"evidence of the trait: {'yes' if fact.trait in shape['evidence'] else 'no'}",
        f"{'dialogue' if shape['dialogue'] else 'narrated'}",
        f"tokens in the clue: {band}",
        f"states no fact: {'yes' if not stated and not shape['evidence'] else 'no'}",
    ]


def break_line(story: Story, stated_at: int, broke_at: int, fact: TraitStated, written: int) -> str:
    """One break as a person reads it: the fact, where it was told, where and to what it broke, the clue's text."""
    values = CATALOGUE[fact.trait].generated_values
    instead = (
        "unknown" if written == UNKNOWN_CLASS else values[written] if written < len(values) else f"class {written}"
    )
    told = [
        other.suspect
        for clue in story.clues[: broke_at + 1]
        for other in clue.facts
        if isinstance(other, TraitStated)
        and other.trait == fact.trait
        and value_class(fact.trait, other.value) == written
    ]
    whose = ", ".join(sorted({story.suspects[s].name for s in told})) or "nobody"
    return (
        f"{story.title}: {story.suspects[fact.suspect].name} {fact.trait}={fact.value} (clue {stated_at + 1}) "
        f"read as {instead} (told of: {whose}) at clue {broke_at + 1}\n    {story.clues[broke_at].text}"
    )


if __name__ == "__main__":
    main()
