"""Checkpoints that describe themselves and execute nothing: safetensors weights plus a JSON file beside them.

`reader.safetensors` holds the tensors (a JSON header and raw bytes: loading runs no code); `reader.json` holds
the architecture, the vocabulary, the training command, config, seed, metrics, the code version and the
weights' SHA-256, which loading verifies, so a half-written or swapped file is refused rather than used.
A training checkpoint adds `resume.safetensors` (optimiser tensors, random state) and `resume.json` (where the
run stands), tied to the weights by their checksum.

A save never leaves a mix of two checkpoints: every file is first written into `.incoming/`, a `COMPLETE`
marker is written last, and only then are the files moved into place. A kill before the marker leaves the
previous checkpoint untouched; a kill during the moves leaves weights and description that disagree, which the
checksum catches. Either way the journal is finished or dropped by `recover`, which only the training run that
owns the folder calls (on `--resume` and before each save). Loading never writes, moves or deletes anything:
a checkpoint folder may come from a stranger, and its journal could name any path. Pure numpy (no torch), so
the game can load one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
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
STATE, STATE_META = "resume.safetensors", "resume.json"
INCOMING, COMPLETE = ".incoming", "COMPLETE"
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


def save_checkpoint(
    folder: Path | str,
    weights: dict[str, np.ndarray],
    meta: dict[str, Any],
    state: dict[str, np.ndarray] | None = None,
    state_meta: dict[str, Any] | None = None,
) -> None:
    """Write a checkpoint (with training state, if given) so that a kill at any moment loses at most this one."""
    folder = Path(folder)
    incoming = folder / INCOMING
    if incoming.is_symlink():
        incoming.unlink()  # the link itself, inside the folder; never what it points to
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    payload = save_tensors({name: np.ascontiguousarray(array) for name, array in weights.items()})
    weights_sha = hashlib.sha256(payload).hexdigest()
    files = {WEIGHTS: payload}
    if state is not None:
        state_payload = save_tensors({name: np.ascontiguousarray(array) for name, array in state.items()})
        document = {**(state_meta or {}), "weights_sha256": weights_sha}
        document["state_sha256"] = hashlib.sha256(state_payload).hexdigest()
        files[STATE], files[STATE_META] = state_payload, json.dumps(document, indent=1).encode()
    files[META] = json.dumps({**meta, "format": FORMAT, "weights_sha256": weights_sha}, indent=1).encode()
    for name, data in files.items():
        write_atomic(incoming / name, data)
    write_atomic(incoming / COMPLETE, "\n".join(files))
    _move_in(folder)


JOURNALED = (WEIGHTS, META, STATE, STATE_META)  # the only names a journal may move into place


def _move_in(folder: Path) -> None:
    """Move a complete `.incoming/` into place, description last; drop an incomplete one.

    Only the checkpoint's own file names are moved, only regular files, and no symbolic link is followed, so a
    tampered journal cannot write outside the folder.
    """
    incoming = folder / INCOMING
    if incoming.is_symlink() or not incoming.is_dir():
        raise CheckpointError(f"{incoming}: not a plain folder; refusing to use it as a save journal")
    marker = incoming / COMPLETE
    if not _is_regular(marker):
        shutil.rmtree(incoming)
        return
    names = marker.read_text(encoding="utf-8").split("\n")
    foreign = [name for name in names if name not in JOURNALED]
    if foreign:
        raise CheckpointError(
            f"{marker}: names {foreign[0]!r}, which is not a checkpoint file ({', '.join(JOURNALED)}); "
            "refusing to finish this save"
        )
    for name in sorted(names, key=lambda name: name == META):  # the description last
        if _is_regular(incoming / name):
            os.replace(incoming / name, folder / name)  # replaces a link at the target, never what it points to
    for name in {STATE, STATE_META} - set(names):  # training state from an earlier save would not match
        if (folder / name).is_symlink() or _is_regular(folder / name):
            (folder / name).unlink()
    shutil.rmtree(incoming)  # a real folder (checked above): rmtree removes links inside it without following


def _is_regular(path: Path) -> bool:
    """A regular file, not a link to one: the only kind of file a checkpoint is read from or moved."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def recover(folder: Path | str) -> None:
    """Finish or drop a save that a kill interrupted (nothing to do for a clean folder).

    For the training run that owns `folder` only: it writes inside the folder.
    """
    folder = Path(folder)
    incoming = folder / INCOMING
    if incoming.is_symlink() or incoming.exists():
        try:
            _move_in(folder)
        except OSError as exc:
            raise CheckpointError(f"{folder}: an interrupted save could not be completed: {exc}") from None


def load_state(folder: Path | str, weights_sha256: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The training state saved with the weights whose checksum is given; CheckpointError if absent or foreign."""
    folder = Path(folder)
    meta_path, state_path = folder / STATE_META, folder / STATE
    if not meta_path.is_file() or not state_path.is_file():
        raise CheckpointError(f"{folder}: no training state to resume from ({STATE} and {STATE_META})")
    for path in (meta_path, state_path):
        if path.stat().st_size > MAX_WEIGHTS_BYTES:
            raise CheckpointError(f"{path}: too large for training state")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        payload = state_path.read_bytes()
        if not isinstance(meta, dict) or hashlib.sha256(payload).hexdigest() != meta.get("state_sha256"):
            raise ValueError(f"{STATE} does not match the checksum in {STATE_META}")
        if meta.get("weights_sha256") != weights_sha256:
            raise ValueError("the training state belongs to other weights")
        return load_tensors(payload), meta
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CheckpointError(f"{folder}: cannot resume: {exc}") from None


def load_checkpoint(folder: Path | str) -> Checkpoint:
    """Load and verify, reading only; CheckpointError says what is wrong and where."""
    folder = Path(folder)
    meta_path, weights_path = folder / META, folder / WEIGHTS
    for path, limit in ((meta_path, MAX_META_BYTES), (weights_path, MAX_WEIGHTS_BYTES)):
        if not path.exists():
            raise CheckpointError(f"{path}: missing; a checkpoint is a folder with {WEIGHTS} and {META}")
        if not path.is_file():  # a FIFO or a device would block or never end
            raise CheckpointError(f"{path}: not a regular file")
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
        interrupted = (folder / INCOMING).exists()
        raise CheckpointError(
            f"{weights_path}: does not match the checksum in {META}: "
            + (
                f"a save into this folder was interrupted; `whodunit train --resume --out {folder}` finishes it"
                if interrupted
                else "truncated, half-written or replaced"
            )
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
