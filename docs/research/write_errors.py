"""What a reader writes wrong: each stated fact's read-out a few words after its clue, by kind of error and clue shape.

    PYTHONPATH=. python docs/research/write_errors.py [--checkpoint DIR] [--cases 150] [--difficulty D] [--reverse]
    PYTHONPATH=. python docs/research/write_errors.py [--checkpoint DIR] --story FILE [FILE ...]

Not part of the package (docs/model.md, "Reading prose people write"). For one reader (the bundled partner by
default) on held-out generated cases, every TraitStated fact is checked in its suspect's reading `AFTER` tokens
after the clue's last token (the age at which `whodunit eval`'s memory curve starts), and each miss is sorted:
- "left unknown": nothing was written;
- "another suspect's value": the value some other suspect was said to have for that trait, earlier in the case
  or in the same clue: a binding error, a statement about someone else written into this reading;
- "its own earlier value": an earlier statement of this suspect's that the new one should have replaced;
- "another value": none of these (a misread value word: "size 8" as 6).
Then the share right by the clue's shape: told in dialogue or narrated, how many suspects the clue names, whether
it names the suspect at all (or only a pronoun does), by trait, by whether the trait is one that evidence names
(or a distractor, never named), by where in its sentence the clue first names the suspect (as the sentence begins,
or after words that tell the fact first), and by where in the case the clue is told, and whether any evidence came
before.
With --reverse, each case's clues are told last first (the intro stays first), and "fifth of the clues" is still
the fifth in which the clue was written: it separates where a statement is told from what it says.
With --story, the cases are those story files (hand-written mysteries: never the held-out benchmarks/authored/),
and each miss is also printed with its clue's text and what was written instead, for a person to read what
shapes of sentence the reader misreads.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from model.checkpoint import load_checkpoint
from model.evaluate import EVAL_RUN_SEED, checkpoint_traces
from model.readout import TRAITS, UNKNOWN_CLASS, value_class
from model.shipped import load_shipped
from model.targets import case_targets
from model.tokenizer import read_story
from story import Evidence, Story, TraitStated, load_story
from story.generator import PRESETS, generate_cases
from story.traits import CATALOGUE

AFTER = 8  # tokens after the clue's last one: the fact is known, and nothing later has had room to change it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--cases", type=int, default=150)
    parser.add_argument("--difficulty", choices=tuple(PRESETS), default="default")
    parser.add_argument("--reverse", action="store_true", help="tell each case's clues last first")
    parser.add_argument("--story", type=Path, nargs="+", help="read these story files instead, printing each miss")
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    if args.story:
        stories = [load_story(path) for path in args.story]
    else:
        stories = list(generate_cases(EVAL_RUN_SEED, args.cases, args.difficulty))
    if args.reverse:
        stories = [replace(story, clues=story.clues[::-1]) for story in stories]
    cases = [case_targets(story, checkpoint.vocabulary) for story in stories]
    traces = checkpoint_traces(checkpoint, cases)
    errors: Counter[str] = Counter()
    shapes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for story, case, trace in zip(stories, cases, traces, strict=True):
        assert trace.readout is not None, "a reader with a read-out"
        evidence_traits = {fact.trait for clue in story.clues for fact in clue.facts if isinstance(fact, Evidence)}
        reading = read_story(story)
        for index, clue in enumerate(story.clues):
            start = reading.clue_ends[index - 1] if index else reading.intro_length
            at = min(reading.clue_ends[index] - 1 + AFTER, len(case.ids) - 1)
            slots = {token for token in reading.tokens[start : reading.clue_ends[index]] if token.startswith("<s")}
            dialogue = "'" in clue.text or '"' in clue.text
            fifth = 1 + 5 * written_at(index, len(story.clues), args.reverse) // len(story.clues)
            evidence_before = any(isinstance(f, Evidence) for earlier in story.clues[:index] for f in earlier.facts)
            for fact in (fact for fact in clue.facts if isinstance(fact, TraitStated)):
                cell = TRAITS.index(fact.trait)
                kind = "evidence" if fact.trait in evidence_traits else "distractor"
                wanted, written = case.stated[fact.suspect, at, cell], trace.readout[fact.suspect, at, cell]
                right = int(wanted == written)
                errors["right" if right else miss_kind(story, index, fact, int(written))] += 1
                if args.story and not right:
                    print(miss_line(story, index, fact, int(written)))
                for shape in (
                    "all",
                    f"the suspect named: {named_where(reading.tokens[start : reading.clue_ends[index]], fact.suspect)}",
                    "dialogue" if dialogue else "narrated",
                    f"suspects named in the clue: {len(slots)}",
                    f"the suspect named in the clue: {'yes' if f'<s{fact.suspect}>' in slots else 'no'}",
                    f"trait: {fact.trait}",
                    f"fifth of the clues: {fifth}/5",
                    f"fifth of the clues: {fifth}/5, told after evidence: {'yes' if evidence_before else 'no'}",
                    f"its trait: {kind}",
                    f"fifth of the clues: {fifth}/5, its trait: {kind}",
                ):
                    shapes[shape][0] += right
                    shapes[shape][1] += 1
    total = sum(errors.values())
    source = "story files" if args.story else f"{args.difficulty} cases"
    print(f"{total} stated facts in {len(stories)} {source}, read {AFTER} tokens after their clue")
    for kind, count in errors.most_common():
        print(f"  {kind:28s} {count / total:6.3f}  ({count})")
    print("share right, by the clue's shape")
    for shape, (right, count) in sorted(shapes.items()):
        print(f"  {shape:40s} {right / count:6.3f}  ({count})")


SENTENCE_ENDS = {".", "!", "?", ";", ":"}


def named_where(tokens: list[str], suspect: int) -> str:
    """Where in its sentence a clue first names the suspect by slot: as the sentence begins (within its first three
    tokens, as most of the grammar's statements do) or after words that tell the fact before saying whose it is."""
    before = tokens_before_name(tokens, suspect)
    if before is None:
        return "not in the clue"
    return "as its sentence begins" if before < 3 else "later in its sentence"


def tokens_before_name(tokens: list[str], suspect: int) -> int | None:
    """How many tokens of its sentence come before a clue's tokens first name the suspect by slot; None if they
    never do. (docs/research/break_reading.py bins it for broken alibis.)"""
    at = next((i for i, token in enumerate(tokens) if token == f"<s{suspect}>"), None)
    if at is None:
        return None
    begun = max((i + 1 for i, token in enumerate(tokens[:at]) if token in SENTENCE_ENDS), default=0)
    return at - begun


def written_at(index: int, clues: int, reverse: bool) -> int:
    """Where clue `index` of the story as read stood in the case as written."""
    return clues - 1 - index if reverse else index


def miss_line(story: Story, clue_index: int, fact: TraitStated, written: int) -> str:
    """One miss as a person reads it: where, the fact, what was written instead, and the clue's text."""
    suspect = story.suspects[fact.suspect].name
    values = CATALOGUE[fact.trait].generated_values
    instead = (
        values[written] if written < len(values) else "unknown" if written == UNKNOWN_CLASS else f"class {written}"
    )
    return (
        f"{story.title}, clue {clue_index + 1}: {suspect} {fact.trait}={fact.value}, written {instead} "
        f"({miss_kind(story, clue_index, fact, written)})\n    {story.clues[clue_index].text}"
    )


def miss_kind(story: Story, clue_index: int, fact: TraitStated, written: int) -> str:
    """Why a read-out cell is wrong: nothing written, someone else's value, its own old value, or another one."""
    if written == UNKNOWN_CLASS:
        return "left unknown"
    told = [
        other
        for clue in story.clues[: clue_index + 1]
        for other in clue.facts
        if isinstance(other, TraitStated) and other.trait == fact.trait and other is not fact
    ]
    if any(value_class(fact.trait, other.value) == written and other.suspect != fact.suspect for other in told):
        return "another suspect's value"
    if any(value_class(fact.trait, other.value) == written and other.suspect == fact.suspect for other in told):
        return "its own earlier value"
    return "another value"


if __name__ == "__main__":
    main()
