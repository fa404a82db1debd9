"""How sure a reader's "still possible" head is of who is possible: its logits through a story, and at evidence.

    PYTHONPATH=. python docs/research/possible_logits.py [--checkpoint DIR] [--cases 100] [--difficulty D]
    PYTHONPATH=. python docs/research/possible_logits.py [--checkpoint DIR] --story FILE [FILE ...]

Not part of the package (docs/model.md, the dated table of 2026-12-05). The cast's distribution is a softmax, so
it cannot show whether a reader holds every suspect possible or every suspect cleared; the logits can. Two tables:
- by tenth of the clues: the mean logit, at each clue's last token, of the suspects the oracle holds possible
  there and of those it has cleared;
- at each piece of evidence: the mean change of the logit from the token before its clue to `AFTER` tokens after
  it, of the suspects the evidence clears by a trait and of those it leaves possible, with where they stood before.
With cleared cells weighted `cleared_weight` times in training, a head that cannot tell who is cleared sits near
log(possible / (weight x cleared)): the share of the cast cleared so far, not a reading of it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from model.batch import collate
from model.checkpoint import load_checkpoint
from model.evaluate import EVAL_RUN_SEED, reader_from_checkpoint
from model.shipped import load_shipped
from model.targets import case_targets
from story import Evidence, load_story
from story.generator import PRESETS, generate_cases

AFTER = 8  # tokens after the evidence's clue, as docs/research/clearances.py reads a clearance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--difficulty", choices=tuple(PRESETS), default="default")
    parser.add_argument("--story", type=Path, nargs="+", help="read these story files instead")
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    model = reader_from_checkpoint(checkpoint)
    if args.story:
        stories = [load_story(path) for path in args.story]
    else:
        stories = list(generate_cases(EVAL_RUN_SEED, args.cases, args.difficulty))
    by_tenth: dict[bool, list[list[float]]] = {True: [[] for _ in range(10)], False: [[] for _ in range(10)]}
    at_evidence: dict[str, list[tuple[float, float]]] = {"cleared": [], "kept": []}  # (before, change)
    for story in stories:
        case = case_targets(story, checkpoint.vocabulary)
        with torch.no_grad():
            logits = model(collate([case], checkpoint.vocabulary).views).possible.numpy()  # (K, T)
        steps = case.analysis.steps
        for index, end in enumerate(case.clue_ends):
            token = end - 1
            for slot in range(case.cast_size):
                by_tenth[bool(case.possible[slot, token])][10 * index // len(steps)].append(logits[slot, token])
            if not any(isinstance(fact, Evidence) for fact in story.clues[index].facts):
                continue
            before = case.clue_ends[index - 1] - 1 if index else token - 1
            after = min(token + AFTER, logits.shape[1] - 1)
            was = set(steps[index - 1].possible) if index else set(range(case.cast_size))
            for slot in was:
                cleared = steps[index].cleared[slot]
                if slot in steps[index].possible or (cleared is not None and cleared.reason == "trait"):
                    kind = "kept" if slot in steps[index].possible else "cleared"
                    at_evidence[kind].append((logits[slot, before], logits[slot, after] - logits[slot, before]))
    source = "story files" if args.story else f"{args.difficulty} cases"
    print(f"{len(stories)} {source}: mean 'still possible' logit at clue ends, by tenth of the clues")
    print("  tenth   possible (n)       cleared (n)")
    for tenth in range(10):
        cells = [by_tenth[True][tenth], by_tenth[False][tenth]]
        print("  " + f"{tenth + 1:5d}" + "".join(f"  {mean(cell):+6.2f} ({len(cell):5d})" for cell in cells))
    print(f"at evidence: the logit before its clue, and its change {AFTER} tokens after")
    for kind, pairs in at_evidence.items():
        before, change = np.array(pairs).T if pairs else (np.array([]), np.array([]))
        dropped = float(np.mean(change < -2)) if pairs else float("nan")
        print(
            f"  {kind:8s} {len(pairs):5d}  before {mean(before):+6.2f}  change {mean(change):+6.2f}  "
            f"share falling by more than 2: {dropped:.2f}"
        )


def mean(values: list[float] | np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


if __name__ == "__main__":
    main()
