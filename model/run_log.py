"""A training run's metrics log: `metrics.jsonl` in the run folder, one JSON object per line.

Two kinds of rows, each with the step it describes:

    {"kind": "train", "step": 50, "level": "tiny", "loss": 1.93, "accuracy": 0.41, "tokens_per_second": 41000.0,
     "learning_rate": 0.002, "minutes": 0.1}                                   (the mean of the last `every` steps)
    {"kind": "validation", "step": 250, "level": "tiny", "final_accuracy": 0.62, ..., "recall_by_distance":
     [["0-49", 0.93], ["50-99", 0.81], ...], "minutes": 0.5}

The log is saved with each checkpoint, through the same journal (model/checkpoint.py), so the log and the
weights always describe the same step: a run killed between checkpoints loses the rows after the last one, and
`--resume`, which restarts from that checkpoint, writes them again, neither lost nor twice. Pure Python: the
`curves` command reads logs without torch.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from story.files import read_regular

LOG = "metrics.jsonl"
MAX_LOG_BYTES = 64 * 1024 * 1024
TRAIN_ROW_EVERY = 25  # steps averaged into one "train" row
HEADLINE = ("final_accuracy", "decided_accuracy", "long_range_accuracy", "cleared_mass", "ece")


class RunLogError(Exception):
    """A run folder whose log cannot be read, with the reason and where."""


@dataclass
class TrainRows:
    """Steps of a run so far, averaged into a "train" row every `every` steps."""

    every: int = TRAIN_ROW_EVERY
    pending: list[dict[str, float]] = field(default_factory=list)

    def add(self, step: int, level: str, values: dict[str, float], minutes: float) -> dict[str, Any] | None:
        """Record one step; every `every` steps, the row of their means (else None)."""
        self.pending.append(values)
        if step % self.every:
            return None
        return self.flush(step, level, minutes)

    def flush(self, step: int, level: str, minutes: float) -> dict[str, Any] | None:
        """The row of the steps not yet in one (the last ones of a run that ends between rows), else None."""
        if not self.pending:
            return None
        means = {name: _rounded(sum(row[name] for row in self.pending) / len(self.pending)) for name in self.pending[0]}
        self.pending = []
        return {"kind": "train", "step": step, "level": level, **means, "minutes": round(minutes, 3)}


def validation_row(step: int, level: str, metrics: dict[str, Any], minutes: float) -> dict[str, Any]:
    """The log row of one validation: the headline metrics and the memory curve."""
    row: dict[str, Any] = {"kind": "validation", "step": step, "level": level}
    row |= {name: _rounded(metrics[name]) for name in HEADLINE if name in metrics}
    if "recall_by_distance" in metrics:
        row["recall_by_distance"] = [[str(band), _rounded(value)] for band, value in metrics["recall_by_distance"]]
    row["minutes"] = round(minutes, 3)
    return row


def encode_rows(rows: list[dict[str, Any]]) -> bytes:
    """The log's bytes: one compact JSON object per line, non-finite numbers as null (JSON has no NaN)."""
    return "".join(json.dumps(_finite(row), separators=(",", ":")) + "\n" for row in rows).encode()


def read_rows(folder: Path | str, up_to_step: int | None = None) -> list[dict[str, Any]]:
    """The rows of `folder`'s log (those up to `up_to_step`, if given); RunLogError says what is wrong and where."""
    path = Path(folder) / LOG
    try:
        data = read_regular(path, MAX_LOG_BYTES)
    except FileNotFoundError:
        if not Path(folder).is_dir():
            raise RunLogError(f"{folder}: no such run folder") from None
        raise RunLogError(
            f"{path}: missing; a run folder gets its metrics log from `whodunit train` (runs trained before the "
            "log existed have none)"
        ) from None
    except OSError as exc:
        raise RunLogError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    rows = []
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RunLogError(f"{path}:{number}: not JSON ({exc.msg})") from None
        except RecursionError:
            raise RunLogError(f"{path}:{number}: nested too deeply to be a log row") from None
        if not isinstance(row, dict) or row.get("kind") not in ("train", "validation") or not _whole(row.get("step")):
            raise RunLogError(f'{path}:{number}: expected an object with a "kind" (train, validation) and a "step"')
        if problem := _row_problem(row):
            raise RunLogError(f"{path}:{number}: {problem}")
        if up_to_step is None or row["step"] <= up_to_step:
            rows.append(row)
    return rows


def _row_problem(row: dict[str, Any]) -> str:
    """What is wrong with a row's figures ("" if nothing): each a number or null, the memory curve pairs of a
    distance band and a number."""
    for name in (*HEADLINE, "loss", "accuracy", "tokens_per_second", "learning_rate", "minutes"):
        if name in row and row[name] is not None and not _number(row[name]):
            return f'"{name}" is {json.dumps(row[name])[:40]}; expected a number'
    curve = row.get("recall_by_distance", [])
    if not isinstance(curve, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and (pair[1] is None or _number(pair[1]))
        for pair in curve
    ):
        return '"recall_by_distance" must be a list of [band, number] pairs, such as [["0-49", 0.93]]'
    return ""


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _rounded(value: Any) -> Any:
    return round(float(value), 5) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value
