"""How far a reader's belief moves on clues that state nothing, and how much of the move lands on cleared suspects.

    PYTHONPATH=. python docs/research/still_clues.py [--checkpoint DIR] FILE_OR_FOLDER [...]

Not part of the package (docs/model.md, "Reading prose people write"). A clue with no facts (atmosphere, a red
herring, a suspect doing something suspicious that proves nothing) leaves the oracle where it was, and issue 12
asks the partner to do the same: "a clue it cannot read should leave its belief where it was". For each such clue
after the first, this compares the reader's cast distribution at the clue's last token with the one at the last
token of the clue before (`model.verdicts.story_verdict`, as `whodunit check --readers` shows them), and reports:
- moved: the total variation between the two (0 = unmoved, 1 = all its belief elsewhere);
- onto cleared: the rise in the belief on suspects the oracle has cleared by then (0 where it fell);
- jumps: clues after which the suspect it names is one the oracle has cleared, where before it named no one or
  someone still possible (what lighthouse's clue 16 does to the bundled partner).
Clues with facts are reported beside them: how far the belief moves there (it should), and how much it rises on
suspects cleared before the clue and still cleared after it (it should not); at clues with evidence, that rise per
cleared suspect, split by what has been told of the suspect's value of the evidence's trait: nothing (lighthouse's
Callum, cleared by an alibi and never described, gains at every piece of evidence), a value that fits the evidence
(manor's Captain Reeve, cleared by the cigar ash and then told left-handed, as its last evidence says), or one that
does not. Never point it at the held-out benchmarks/authored/ (it refuses): it is for the development set, the
corpus stories held back from a run, and the bundled five.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from model.checkpoint import load_checkpoint
from model.shipped import load_shipped
from model.verdicts import named_suspect, story_verdict
from story import Clue, Evidence, Step, analyze, load_story

ONTO_CLEARED_NOTICED = 0.1  # a still clue that moves at least this much belief onto cleared suspects is listed
HELD_OUT = Path(__file__).resolve().parents[2] / "benchmarks" / "authored"  # measured once per shipped reader


def story_files(paths: list[Path]) -> list[Path]:
    """The .toml files named, and those in the folders named, in a stable order; never the held-out set's."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    held_out = [file for file in files if file.resolve().is_relative_to(HELD_OUT)]
    if held_out:
        sys.exit(f"{held_out[0]}: held out (benchmarks/authored/ is read only by benchmarks/readers.py authored)")
    return files


def told_of_evidence(clue: Clue, step: Step) -> dict[int, bool] | None:
    """For a clue with evidence: each slot told a value of an evidence trait -> whether a value told fits the
    evidence; None for a clue without evidence."""
    evidence = {(fact.trait, str(fact.value)) for fact in clue.facts if isinstance(fact, Evidence)}
    if not evidence:
        return None
    traits = {trait for trait, _ in evidence}
    told: dict[int, bool] = {}
    for slot, trait, value in step.stated:
        if trait in traits:
            told[slot] = told.get(slot, False) or (trait, str(value)) in evidence
    return told


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, help="a reader's folder (default: the bundled partner)")
    parser.add_argument("paths", type=Path, nargs="+", help="story files or folders of them")
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    still_moved, onto_cleared, fact_moved, fact_onto_cleared, jumps, noticed = [], [], [], [], 0, []
    at_evidence: dict[str, list[float]] = {"never told": [], "told, fitting": [], "told, not fitting": []}
    for path in story_files(args.paths):
        story = load_story(path)
        analysis = analyze(story)
        beliefs = story_verdict(checkpoint, story, analysis).clue_beliefs  # (clues, K)
        for index in range(1, len(story.clues)):
            before, after = beliefs[index - 1], beliefs[index]
            moved = 0.5 * float(np.abs(after - before).sum())
            clue, step = story.clues[index], analysis.steps[index]
            cleared = np.ones(len(before), dtype=bool)
            cleared[list(step.possible)] = False
            if clue.facts:
                cleared[list(analysis.steps[index - 1].possible)] = False  # cleared before the clue, and still
            rise = max(0.0, float(after[cleared].sum() - before[cleared].sum()))
            if clue.facts:
                fact_moved.append(moved)
                fact_onto_cleared.append(rise)
                told = told_of_evidence(clue, step)
                for slot in np.flatnonzero(cleared) if told is not None else ():
                    kind = "never told" if slot not in told else "told, fitting" if told[slot] else "told, not fitting"
                    at_evidence[kind].append(max(0.0, float(after[slot] - before[slot])))
                continue
            still_moved.append(moved)
            onto_cleared.append(rise)
            named_before, named_after = named_suspect(before), named_suspect(after)
            if named_after is not None and cleared[named_after] and (named_before is None or not cleared[named_before]):
                jumps += 1
            if rise >= ONTO_CLEARED_NOTICED:
                noticed.append(f"  {path.stem} clue {index + 1}: +{rise:.2f} onto cleared suspects (moved {moved:.2f})")
    print(f"reader: {args.checkpoint or 'the bundled partner'}")
    if still_moved:
        print(f"clues without facts: {len(still_moved)}")
        print(f"  moved, mean {np.mean(still_moved):.3f}, median {np.median(still_moved):.3f}")
        print(f"  onto cleared suspects, mean {np.mean(onto_cleared):.3f}; >= {ONTO_CLEARED_NOTICED} in {len(noticed)}")
        print(f"  jumps to naming a cleared suspect: {jumps}")
    if fact_moved:
        print(f"clues with facts: {len(fact_moved)}")
        print(f"  moved, mean {np.mean(fact_moved):.3f}, median {np.median(fact_moved):.3f}")
        print(f"  onto suspects cleared before them, mean {np.mean(fact_onto_cleared):.3f}")
    for kind, rises in at_evidence.items():
        if rises:
            print(
                f"  at evidence, each suspect cleared before it, its value of the trait {kind}:"
                f" rise, mean {np.mean(rises):.3f} over {len(rises)}; >= 0.05 in {sum(rise >= 0.05 for rise in rises)}"
            )
    print("\n".join(noticed))


if __name__ == "__main__":
    main()
