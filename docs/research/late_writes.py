"""Why a reader writes late statements wrong: how much teaching each gets, whether the state holds them at all.

    PYTHONPATH=. python docs/research/late_writes.py [--checkpoint DIR] [--cases 300] [--difficulty D]

Not part of the package (docs/model.md, "Reading prose people write"). `write_errors.py` found that the partner
writes a statement right 0.92 of the time in the first fifth of a case's clues and 0.52 in the last. By fifth of
the clues, over held-out generated cases, this prints:
- teaching: how many statements, how many tokens each one's read-out cell is then supervised with its value
  (until the case ends or the value changes), and the share of all that supervision the fifth gets. Through
  backpropagation every supervised token teaches the write as well as the holding, so a statement told early
  teaches its write many times over;
- the reader's own read-out head, 8 tokens after each statement (as write_errors.py), and a linear probe refit
  per trait on the hidden states there (trained on 60% of the statements, all fifths, scored on the rest):
  if the probe reads late statements no better than the head, the state does not hold them;
- for an LSTM, the mean and largest magnitude of the cell state, over every token of every reading.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from model.checkpoint import load_checkpoint
from model.evaluate import EVAL_RUN_SEED
from model.readout import READOUT_CELLS, READOUT_CLASSES, TRAITS
from model.shipped import load_shipped
from model.stream import input_table, lstm_step
from model.targets import case_targets
from model.tokenizer import MAX_SLOTS, read_story
from story import TraitStated
from story.generator import PRESETS, generate_cases

AFTER = 8  # as write_errors.py: tokens after the clue's last one
FIFTHS = range(5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--difficulty", choices=tuple(PRESETS), default="default")
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    weights = {name: np.asarray(array, np.float32) for name, array in checkpoint.weights.items()}
    projections = input_table(weights, np.float32)
    w_hh_t = weights["recurrent.weight_hh_l0"].T
    tables = [np.asarray(checkpoint.vocabulary.view_table(slot)) for slot in range(MAX_SLOTS)]

    held: list[list[int]] = [[] for _ in FIFTHS]
    states, targets, cells, fifths, head_right = [], [], [], [], []
    cell_sizes: list[list[float]] = [[] for _ in FIFTHS]
    cell_largest = [0.0 for _ in FIFTHS]
    for story in generate_cases(EVAL_RUN_SEED, args.cases, args.difficulty):
        case = case_targets(story, checkpoint.vocabulary)
        reading = read_story(story)
        views = np.stack([tables[slot][case.ids] for slot in range(case.cast_size)])  # (K, T)
        hidden, sizes, largest = read_all(checkpoint.kind, projections, w_hh_t, views)  # (K, T, H), (T,), (T,)
        for fifth in FIFTHS:
            tokens = slice(fifth * len(sizes) // 5, (fifth + 1) * len(sizes) // 5)
            cell_sizes[fifth].extend(sizes[tokens])
            cell_largest[fifth] = max(cell_largest[fifth], float(largest[tokens].max()))
        for index, clue in enumerate(story.clues):
            told = reading.clue_ends[index] - 1
            at = min(told + AFTER, len(case.ids) - 1)
            fifth = 5 * index // len(story.clues)
            for fact in (fact for fact in clue.facts if isinstance(fact, TraitStated)):
                cell = TRAITS.index(fact.trait)
                column = case.stated[fact.suspect, told:, cell]
                changes = np.flatnonzero(column != column[0])
                held[fifth].append(int(changes[0]) if len(changes) else len(column))
                state = hidden[fact.suspect, at]
                logits = (state @ weights["readout.weight"].T + weights["readout.bias"]).reshape(
                    READOUT_CELLS, READOUT_CLASSES
                )
                wanted = int(case.stated[fact.suspect, at, cell])
                states.append(state)
                targets.append(wanted)
                cells.append(cell)
                fifths.append(fifth)
                head_right.append(int(logits[cell].argmax() == wanted))

    teaching = [len(tokens) * np.mean(tokens) for tokens in held]
    print(f"{sum(map(len, held))} stated facts in {args.cases} {args.difficulty} cases; by fifth of the clues:")
    print("  statements           ", row([len(tokens) for tokens in held], "{:6d}"))
    print("  tokens held (mean)   ", row([np.mean(tokens) for tokens in held], "{:6.0f}"))
    print("  share of the teaching", row([share / sum(teaching) for share in teaching], "{:6.3f}"))

    fifth_of = np.array(fifths)
    scored = np.random.default_rng(0).random(len(targets)) >= 0.6
    probe_right = refit_probe(np.array(states), np.array(targets), np.array(cells), ~scored)
    head = np.array(head_right)
    print(f"  read-out head        {row([head[scored & (fifth_of == q)].mean() for q in FIFTHS], '{:6.3f}')}")
    print(f"  refit linear probe   {row([probe_right[scored & (fifth_of == q)].mean() for q in FIFTHS], '{:6.3f}')}")
    if checkpoint.kind == "lstm":
        print(f"  |cell| mean          {row([np.mean(sizes) for sizes in cell_sizes], '{:6.2f}')}")
        print(f"  |cell| largest       {row(cell_largest, '{:6.1f}')}")


def read_all(kind: str, projections: np.ndarray, w_hh_t: np.ndarray, views: np.ndarray):
    """Every reading in `views` (K, T) at once: hidden states (K, T, H), and per token the mean and largest
    magnitude of the LSTM's cell state over the readings (zeros for an RNN, which has none)."""
    rows, length = views.shape
    hidden = np.zeros((rows, w_hh_t.shape[0]), np.float32)
    cell = np.zeros_like(hidden)
    states = np.empty((rows, length, hidden.shape[1]), np.float32)
    sizes, largest = np.zeros(length), np.zeros(length)
    for t in range(length):
        pre = projections[views[:, t]] + hidden @ w_hh_t
        if kind == "lstm":
            hidden, cell, *_ = lstm_step(pre, cell)
            sizes[t], largest[t] = np.abs(cell).mean(), np.abs(cell).max()
        else:
            hidden = np.tanh(pre)
        states[:, t] = hidden
    return states, sizes, largest


def refit_probe(states: np.ndarray, targets: np.ndarray, cells: np.ndarray, train: np.ndarray) -> np.ndarray:
    """Per statement, whether a linear probe of its trait, fit on the `train` statements, reads it right."""
    torch.manual_seed(0)
    inputs, classes = torch.from_numpy(states), torch.from_numpy(targets)
    right = np.zeros(len(targets))
    for cell in np.unique(cells):
        fit = torch.from_numpy(np.flatnonzero((cells == cell) & train))
        probe = torch.nn.Linear(states.shape[1], READOUT_CLASSES)
        optimiser = torch.optim.Adam(probe.parameters(), 1e-2, weight_decay=1e-4)
        for _ in range(400):
            optimiser.zero_grad()
            torch.nn.functional.cross_entropy(probe(inputs[fit]), classes[fit]).backward()
            optimiser.step()
        scored = np.flatnonzero((cells == cell) & ~train)
        with torch.no_grad():
            right[scored] = (probe(inputs[scored]).argmax(-1) == classes[scored]).numpy()
    return right


def row(values, form: str) -> str:
    return " ".join(form.format(value) for value in values)


if __name__ == "__main__":
    main()
