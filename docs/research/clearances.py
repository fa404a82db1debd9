"""How a reader takes each change in who is possible: by the kind of change, the share it applies at once.

    PYTHONPATH=. python docs/research/clearances.py [--checkpoint DIR] [--cases 150] [--difficulty D] [--set K=V]
    PYTHONPATH=. python docs/research/clearances.py [--checkpoint DIR] --story FILE [FILE ...]

Not part of the package (docs/model.md, "Reading prose people write"). For one reader (the bundled partner by
default), every suspect the oracle clears at a clue counts as applied when the reader's probability on them
`AFTER` tokens after the clue's last token is under half of what it was before the clue; every suspect brought
back (an alibi broken, a word taken back) when it is over one and a half times. Each change is sorted by why:
- "cleared: alibi";
- "cleared: trait, at the evidence": the evidence met a value told earlier (what every generated case does);
- "cleared: trait, at the statement": a value told after its evidence (`late_statement_share`);
- "brought back, before / after the first evidence".
Then "evidence written": each piece of evidence's read-out cell `AFTER` tokens after its clue; and "values held
when their evidence comes": each suspect's value of that trait, told earlier, in the read-out just before the
evidence's clue (a clearance at the evidence needs both).
A suspect the reader had all but dropped already counts as not applied when a few hundredths move either way, so
a second table takes only the clearances at the evidence of suspects it held at `HELD` or more before the clue:
the share applied and the share of their probability it kept (under 0.2 on generated cases), by trait and by
whether the clue names another value of that trait (`names_another_value`: the victim's own drink beside the
murderer's, the wound on the right temple of a left-handed blow), and by how many words of the clue follow the
last that says the evidence's value (`words_after_value`).
Generated cases show what the reader learned; hand-written ones (`--story`: never the held-out
benchmarks/authored/) show which kinds of change their prose and their order of telling lose.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

from model.checkpoint import load_checkpoint
from model.evaluate import EVAL_RUN_SEED, checkpoint_traces
from model.readout import TRAITS, UNKNOWN_CLASS
from model.shipped import load_shipped
from model.targets import case_targets
from story import Clue, Evidence, load_story
from story.generator import PRESETS, configure, generate_cases
from story.traits import CATALOGUE

AFTER = 8  # tokens after the clue's last one, as docs/research/write_errors.py reads the read-out
HELD = 0.1  # the probability before the clue from which a suspect's clearance enters the second table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--cases", type=int, default=150)
    parser.add_argument("--difficulty", choices=tuple(PRESETS), default="default")
    parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE", help="a generator knob")
    parser.add_argument("--story", type=Path, nargs="+", help="read these story files instead")
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    if args.story:
        stories = [load_story(path) for path in args.story]
    else:
        knobs = dict(item.split("=", 1) for item in args.set)
        config = configure(PRESETS[args.difficulty], knobs) if knobs else None
        stories = list(generate_cases(EVAL_RUN_SEED, args.cases, args.difficulty, config))
    cases = [case_targets(story, checkpoint.vocabulary) for story in stories]
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # kind -> [applied, seen]
    held: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])  # -> [applied, seen, before, after]
    for story, case, trace in zip(stories, cases, checkpoint_traces(checkpoint, cases), strict=True):
        assert trace.readout is not None, "a reader with a read-out"
        steps = case.analysis.steps
        for index, step in enumerate(steps):
            end = case.clue_ends[index] - 1
            before = case.clue_ends[index - 1] - 1 if index else end - 1
            at = min(end + AFTER, len(case.ids) - 1)
            evidence_told = any(isinstance(fact, Evidence) for clue in story.clues[:index] for fact in clue.facts)
            evidence_here = any(isinstance(fact, Evidence) for fact in story.clues[index].facts)
            was = set(steps[index - 1].possible) if index else set(range(case.cast_size))
            for slot in was - set(step.possible):
                clearance = step.cleared[slot]
                assert clearance is not None
                kind = "cleared: alibi"
                if clearance.reason == "trait":
                    kind = f"cleared: trait, at the {'evidence' if evidence_here else 'statement'}"
                applied = trace.probabilities[at, slot] < 0.5 * trace.probabilities[before, slot]
                tally[kind][0] += applied
                tally[kind][1] += 1
                if clearance.reason == "trait" and evidence_here:  # was what it needed in its read-out?
                    cell = TRAITS.index(clearance.trait)
                    known = trace.readout[slot, before, cell] == case.stated[slot, before, cell]
                    known &= trace.readout[slot, at, len(TRAITS) + cell] == case.evidence[at, cell]
                    split = tally[f"{kind}, value and evidence read out right: {'yes' if known else 'no'}"]
                    split[0] += applied
                    split[1] += 1
                    was_held, now = float(trace.probabilities[before, slot]), float(trace.probabilities[at, slot])
                    if was_held >= HELD:
                        foiled = names_another_value(story.clues[index], clearance.trait)
                        after = words_after_value(story.clues[index], clearance.trait)
                        for row in (
                            "all",
                            f"trait {clearance.trait}",
                            f"another value in the clue: {foiled}",
                            f"words after the evidence's value: {after}",
                        ):
                            for column, amount in enumerate((applied, 1, was_held, now)):
                                held[row][column] += amount
            for slot in set(step.possible) - was:
                kind = f"brought back, {'after' if evidence_told else 'before'} the first evidence"
                tally[kind][0] += trace.probabilities[at, slot] > 1.5 * trace.probabilities[before, slot]
                tally[kind][1] += 1
            for cell in (TRAITS.index(fact.trait) for fact in story.clues[index].facts if isinstance(fact, Evidence)):
                for slot in range(case.cast_size):  # what it holds of each value told earlier, as the evidence comes
                    wanted = case.stated[slot, before, cell]
                    if wanted != UNKNOWN_CLASS:
                        tally["values held when their evidence comes"][0] += int(
                            trace.readout[slot, before, cell] == wanted
                        )
                        tally["values held when their evidence comes"][1] += 1
            for cell in range(len(TRAITS)):
                wanted = case.evidence[at, cell]
                if wanted != UNKNOWN_CLASS and (index == 0 or case.evidence[before, cell] != wanted):
                    tally["evidence written"][0] += int(trace.readout[0, at, len(TRAITS) + cell] == wanted)
                    tally["evidence written"][1] += 1
    source = "story files" if args.story else f"{args.difficulty} cases"
    print(f"changes in who is possible in {len(stories)} {source}, applied {AFTER} tokens after their clue")
    for kind, (applied, seen) in sorted(tally.items()):
        print(f"  {kind:40s} {applied / seen:6.3f}  ({seen})")
    print(f"clearances at the evidence of suspects held at {HELD} or more before the clue")
    for row, (applied, seen, was_held, now) in sorted(held.items()):
        print(f"  {row:40s} applied {applied / seen:6.3f}  kept {now / was_held:6.3f}  ({int(seen)})")


def words_after_value(clue: Clue, trait: str) -> str:
    """How far from the clue's end its evidence of `trait` is told: the words after the last one that says the
    value (by the catalogue's words and spellings), binned; "not said" where no word does ("reeked of juniper").
    The targets change at the clue's last token, so a long tail leaves a reader to carry the evidence unapplied."""
    wanted = value_words(trait, evidence_values(clue, trait))
    words = clue_words(clue)
    said = [index for index, word in enumerate(words) if word in wanted]
    if not said:
        return "not said"
    tail = len(words) - 1 - said[-1]
    return "0-5" if tail <= 5 else "6-20" if tail <= 20 else "21+"


def names_another_value(clue: Clue, trait: str) -> str:
    """ "yes" where the clue's words name a value of `trait` other than that of its evidence, by the catalogue's
    words and spellings ("brandy" in a clue of gin), as `evidence_foil_share` tells evidence; else "no"."""
    told, words = evidence_values(clue, trait), set(clue_words(clue))
    others = (value for value in CATALOGUE[trait].values if value not in told)
    return "yes" if any(value_words(trait, {value}) & words for value in others) else "no"


def evidence_values(clue: Clue, trait: str) -> set[str]:
    """The values of `trait` that the clue's facts give the murderer."""
    return {fact.value for fact in clue.facts if isinstance(fact, Evidence) and fact.trait == trait}


def value_words(trait: str, values: set[str]) -> set[str]:
    """The words that say any of `values`: each value itself and the catalogue's other spellings of it."""
    return values | {word for word, meant in CATALOGUE[trait].spellings.items() if meant in values}


def clue_words(clue: Clue) -> list[str]:
    """The clue's words and numbers, lower-cased, in order."""
    return re.findall(r"[a-z]+|\d+", clue.text.lower())


if __name__ == "__main__":
    main()
