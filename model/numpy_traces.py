"""Whole cases through a reader on numpy, batched over every suspect reading of many cases: `whodunit eval`
where torch is not installed (a player's install), with the numbers torch gives.

Same arithmetic as model.stream's streaming reader (gate order i, f, g, o; one input projection per word,
precomputed for the vocabulary), but a step advances every row of a batch at once, so 500 cases take seconds
rather than the minutes one token at a time would.
"""

from __future__ import annotations

import numpy as np

from model.checkpoint import Checkpoint
from model.metrics import Trace
from model.readout import READOUT_CELLS, READOUT_CLASSES
from model.stream import input_table, lstm_step, rnn_step
from model.targets import CaseTargets
from model.tokenizer import MAX_SLOTS


def numpy_traces(checkpoint: Checkpoint, cases: list[CaseTargets], chunk: int = 32) -> list[Trace]:
    """The reader's trace over each case, `chunk` cases per batch, float32 as torch computes it."""
    weights = {name: np.asarray(array, dtype=np.float32) for name, array in checkpoint.weights.items()}
    projections = input_table(weights, np.float32)  # (V, 4H) or (V, H)
    w_hh_t = weights["recurrent.weight_hh_l0"].T
    vocabulary = checkpoint.vocabulary
    tables = [np.asarray(vocabulary.view_table(slot)) for slot in range(MAX_SLOTS)]
    traces: list[Trace] = []
    for start in range(0, len(cases), chunk):
        group = cases[start : start + chunk]
        views = [tables[slot][case.ids] for case in group for slot in range(case.cast_size)]
        length = max(len(row) for row in views)
        ids = np.zeros((len(views), length), np.int64)
        for row, view in enumerate(views):
            ids[row, : len(view)] = view
        states = _run(checkpoint.kind, checkpoint.nonlinearity, projections, w_hh_t, ids)  # (R, T, H)
        possible = states @ weights["possible.weight"].T + weights["possible.bias"]  # (R, T, 1)
        readout = states @ weights["readout.weight"].T + weights["readout.bias"]
        chosen = readout.reshape(*readout.shape[:2], READOUT_CELLS, READOUT_CLASSES).argmax(-1)  # (R, T, cells)
        row = 0
        for case in group:
            cast, tokens = case.cast_size, len(case.ids)
            logits = possible[row : row + cast, :tokens, 0].T  # (T, K)
            shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
            traces.append(Trace(shifted / shifted.sum(axis=1, keepdims=True), chosen[row : row + cast, :tokens]))
            row += cast
    return traces


def _run(kind: str, nonlinearity: str, input_table: np.ndarray, w_hh_t: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Hidden states (R, T, H) of every row; rows past their end read padding, which nobody looks at."""
    rows, length = ids.shape
    hidden_size = w_hh_t.shape[0]
    hidden = np.zeros((rows, hidden_size), np.float32)
    cell = np.zeros((rows, hidden_size), np.float32)
    states = np.empty((rows, length, hidden_size), np.float32)
    for t in range(length):
        pre = input_table[ids[:, t]] + hidden @ w_hh_t
        if kind == "lstm":
            hidden, cell, *_ = lstm_step(pre, cell)
        else:
            hidden = rnn_step(pre, nonlinearity)
        states[:, t] = hidden
    return states
