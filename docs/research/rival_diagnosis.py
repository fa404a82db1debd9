"""Why the rival misses: does it forget old facts, or fail to write new ones? (docs/model.md, "The rival")

    PYTHONPATH=. python docs/research/rival_diagnosis.py [--checkpoint DIR] [--cases 80] [--set min_gap=0]

Not part of the package. For one reader (the bundled RNN by default) on default cases, it prints:
- how saturated its recurrent state is (share of tanh units beyond +-0.95) and the spectral radius of its
  recurrent weights (for an LSTM: of the cell-input block);
- how well it writes: read-out accuracy at the very token where a statement becomes known (age 0), by the clue's
  position in the story. A reader that forgets writes well everywhere and loses facts with age; a reader that
  drowns writes well only while little has been read.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

from model.batch import collate
from model.checkpoint import load_checkpoint
from model.evaluate import EVAL_RUN_SEED, reader_from_checkpoint
from model.readout import TRAITS, UNKNOWN_CLASS
from model.shipped import load_shipped
from model.targets import case_targets
from story.generator import PRESETS, configure, generate_cases
from story.knobs import parse_knobs

CLUES_PER_ROW = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--cases", type=int, default=80)
    parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE")
    args = parser.parse_args()
    torch.set_num_threads(1)
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("rnn")
    model, vocabulary = reader_from_checkpoint(checkpoint), checkpoint.vocabulary
    config = configure(PRESETS["default"], parse_knobs(args.set))
    stories = list(generate_cases(EVAL_RUN_SEED, args.cases, "default", config))

    hidden = model.config.hidden
    recurrent = model.recurrent.weight_hh_l0.detach()
    block = recurrent if model.config.kind == "rnn" else recurrent[2 * hidden : 3 * hidden]  # LSTM: i, f, g, o
    radius = torch.linalg.eigvals(block).abs().max().item()
    saturated, written = [], defaultdict(lambda: [0, 0])
    for story in stories:
        case = case_targets(story, vocabulary)
        batch = collate([case], vocabulary)
        with torch.no_grad():
            states = model.states(batch.views)  # (K, T, H)
            chosen = model.read_out(states).argmax(-1).numpy()  # (K, T, cells)
        saturated.append(float((states.abs() > 0.95).float().mean()))
        clue_of_token = np.searchsorted(np.array(case.clue_ends), np.arange(len(case.ids)), side="right")
        stated = case.stated  # (K, T, traits)
        fresh = np.zeros_like(stated, dtype=bool)
        fresh[:, 1:] = (stated[:, 1:] != stated[:, :-1]) & (stated[:, 1:] != UNKNOWN_CLASS)
        for slot, token, trait in zip(*np.nonzero(fresh), strict=True):
            row = written[int(clue_of_token[token]) // CLUES_PER_ROW]
            row[0] += int(chosen[slot, token, trait] == stated[slot, token, trait])
            row[1] += 1
    print(f"{checkpoint.kind} (hidden {hidden}) on {args.cases} default cases {' '.join(args.set)}")
    print(f"  tanh units beyond +-0.95: {np.mean(saturated):.0%}; spectral radius of the recurrence: {radius:.2f}")
    print(f"  read-out right at the token a statement becomes known ({len(TRAITS)} traits), by the clue's position:")
    for row, (right, total) in sorted(written.items()):
        first = row * CLUES_PER_ROW + 1
        print(f"    clues {first:>2}-{first + CLUES_PER_ROW - 1:<2}: {right / total:.2f} of {total}")


if __name__ == "__main__":
    main()
