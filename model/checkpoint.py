"""Checkpoints that describe themselves and execute nothing: safetensors weights plus a JSON file beside them.

`reader.safetensors` holds the tensors (a JSON header and raw bytes: loading runs no code); `reader.json` holds
the architecture, the vocabulary, the training command, config, seed, metrics, the code version and the
weights' SHA-256, which loading verifies, so a half-written or swapped file is refused rather than used.
Both are written atomically, JSON last: a checkpoint whose JSON exists is complete. Pure numpy (no torch), so
the game can load one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load as load_tensors
from safetensors.numpy import save as save_tensors

from model.tokenizer import Vocabulary
from story.atomic import write_atomic

FORMAT = "whodunit-reader/1"
WEIGHTS, META = "reader.safetensors", "reader.json"
MAX_WEIGHTS_BYTES = 64 * 1024 * 1024
MAX_META_BYTES = 4 * 1024 * 1024


class CheckpointError(Exception):
    """A checkpoint that cannot be used, with the reason in words."""


@dataclass(frozen=True)
class Checkpoint:
    weights: dict[str, np.ndarray]
    meta: dict[str, Any]  # "format", "config" (ReaderConfig fields), "vocabulary", "training", "metrics", ...

    @property
    def kind(self) -> str:
        return str(self.meta["config"]["kind"])

    @property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary(tuple(self.meta["vocabulary"]))


def save_checkpoint(folder: Path | str, weights: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    payload = save_tensors({name: np.ascontiguousarray(array) for name, array in weights.items()})
    write_atomic(folder / WEIGHTS, payload)
    document = {**meta, "format": FORMAT, "weights_sha256": hashlib.sha256(payload).hexdigest()}
    write_atomic(folder / META, json.dumps(document, indent=1, ensure_ascii=False))


def load_checkpoint(folder: Path | str) -> Checkpoint:
    """Load and verify; CheckpointError says what is wrong and where."""
    folder = Path(folder)
    meta_path, weights_path = folder / META, folder / WEIGHTS
    for path, limit in ((meta_path, MAX_META_BYTES), (weights_path, MAX_WEIGHTS_BYTES)):
        if not path.is_file():
            raise CheckpointError(f"{path}: missing; a checkpoint is a folder with {WEIGHTS} and {META}")
        if path.stat().st_size > limit:
            raise CheckpointError(f"{path}: over {limit // (1024 * 1024)} MiB, too large for a reader checkpoint")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CheckpointError(f"{meta_path}: not a valid JSON checkpoint description ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{meta_path}: not a whodunit reader checkpoint (expected format {FORMAT!r})")
    payload = weights_path.read_bytes()
    if hashlib.sha256(payload).hexdigest() != meta.get("weights_sha256"):
        raise CheckpointError(
            f"{weights_path}: does not match the checksum in {META}: truncated, half-written or replaced"
        )
    try:
        weights = load_tensors(payload)
        vocabulary = tuple(meta["vocabulary"])
        Vocabulary(vocabulary)
        config = meta["config"]
        if config["kind"] not in ("lstm", "rnn") or weights["embed.weight"].shape[0] != len(vocabulary):
            raise ValueError("the weights do not fit the architecture or vocabulary described")
    except Exception as exc:  # any defect in a stranger's file becomes one clear message
        raise CheckpointError(f"{folder}: not a usable reader checkpoint: {exc}") from None
    return Checkpoint(weights, meta)
