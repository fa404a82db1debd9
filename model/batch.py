"""Padded batches of suspect readings: every case read once per suspect, one row per reading.

Rows are right-padded with `<pad>` (id 0); a one-directional reader's outputs at real tokens do not depend on
the padding after them, so the losses and metrics simply mask it (packing with pack_padded_sequence was slower on
2 CPU cores: 45 against 36 ms a step).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import torch

from model.readout import UNKNOWN_CLASS
from model.targets import CaseTargets
from model.tokenizer import Vocabulary


@dataclass
class Batch:
    views: torch.Tensor  # (R, T) token ids as each row's suspect reads them; R = sum of cast sizes
    possible: torch.Tensor  # (R, T)
    readout: torch.Tensor  # (R, T, cells) class targets
    row_case: torch.Tensor  # (R,) which case a row belongs to
    row_slot: torch.Tensor  # (R,) which suspect it reads for
    lengths: torch.Tensor  # (B,) tokens per case
    cast_sizes: torch.Tensor  # (B,)
    culprits: torch.Tensor  # (B,)
    people_prose: torch.Tensor  # (B,) bool: the case is a corpus story in its own words (not retold by the generator)

    def to(self, device: torch.device | str) -> Batch:
        return Batch(*(getattr(self, field.name).to(device) for field in fields(self)))


def collate(cases: list[CaseTargets], vocabulary: Vocabulary, people_prose: list[bool] | None = None) -> Batch:
    rows = sum(case.cast_size for case in cases)
    length = max(len(case.ids) for case in cases)
    views = np.zeros((rows, length), np.int64)
    possible = np.zeros((rows, length), np.float32)
    readout = np.full((rows, length, 2 * cases[0].evidence.shape[1]), UNKNOWN_CLASS, np.int64)
    row_case, row_slot = np.zeros(rows, np.int64), np.zeros(rows, np.int64)
    tables = [np.asarray(vocabulary.view_table(slot)) for slot in range(max(case.cast_size for case in cases))]
    row = 0
    for index, case in enumerate(cases):
        tokens, traits = len(case.ids), case.evidence.shape[1]
        for slot in range(case.cast_size):
            views[row, :tokens] = tables[slot][case.ids]
            possible[row, :tokens] = case.possible[slot]
            readout[row, :tokens, :traits] = case.stated[slot]
            readout[row, :tokens, traits:] = case.evidence
            row_case[row], row_slot[row] = index, slot
            row += 1
    lengths = [len(case.ids) for case in cases]
    return Batch(
        *(torch.from_numpy(array) for array in (views, possible, readout, row_case, row_slot)),
        torch.tensor(lengths),
        torch.tensor([case.cast_size for case in cases]),
        torch.tensor([case.culprit for case in cases]),
        torch.tensor(people_prose or [False] * len(cases), dtype=torch.bool),
    )


def per_case(values: torch.Tensor, batch: Batch, fill: float) -> torch.Tensor:
    """Row values (R, T) -> (B, Kmax, T), `fill` where a case has no such suspect."""
    out = values.new_full((len(batch.lengths), int(batch.cast_sizes.max()), values.shape[1]), fill)
    out[batch.row_case, batch.row_slot] = values
    return out
