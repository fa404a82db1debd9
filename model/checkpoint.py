"""Checkpoints that describe themselves and execute nothing: safetensors weights plus a JSON file beside them.

`reader.safetensors` holds the tensors (a JSON header and raw bytes: loading runs no code); `reader.json` holds
the architecture, the vocabulary, the training command, config, seed, metrics, the code version and the
weights' SHA-256, which loading verifies, so a half-written or swapped file is refused rather than used.
A training checkpoint adds `resume.safetensors` (optimiser tensors, random state) and `resume.json` (where the
run stands), tied to the weights by their checksum, and `metrics.jsonl`, the run's log up to that step
(model/run_log.py).

A save never leaves a mix of two checkpoints: every file is first written into `.incoming/`, a `COMPLETE`
marker is written last, and only then are the files moved into place. A kill before the marker leaves the
previous checkpoint untouched; a kill during the moves leaves weights and description that disagree, which the
checksum catches. Either way the journal is finished or dropped by `recover`, which only the training run that
owns the folder calls (on `--resume` and before each save). Loading never writes, moves or deletes anything:
a checkpoint folder may come from a stranger, and its journal could name any path. Pure numpy (no torch), so
the game can load one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load as load_tensors
from safetensors.numpy import save as save_tensors

from model.readout import READOUT_CELLS, READOUT_CLASSES
from model.run_log import LOG
from model.tokenizer import SPECIALS, Vocabulary
from story.atomic import write_atomic
from story.files import read_regular

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
    def nonlinearity(self) -> str:
        """The recurrence's nonlinearity: tanh, or relu for an IRNN rival (checkpoints written before it: tanh)."""
        return str(self.meta["config"].get("nonlinearity", "tanh"))

    @functools.cached_property
    def vocabulary(self) -> Vocabulary:
        """The reader's vocabulary; with lemmas, the stored table of forms (`lemma_forms`) where there is one, so
        that reading needs no lemmatiser. Built once: a match reads it for each reader and for the oracle's
        targets."""
        return Vocabulary(tuple(self.meta["vocabulary"]), self.meta.get("lemmas") is True, self.meta.get("lemma_forms"))


def save_checkpoint(
    folder: Path | str,
    weights: dict[str, np.ndarray],
    meta: dict[str, Any],
    state: dict[str, np.ndarray] | None = None,
    state_meta: dict[str, Any] | None = None,
    log: bytes | None = None,
) -> None:
    """Write a checkpoint (with training state and the run's metrics log, if given) so that a kill at any moment
    loses at most this one, and the log always describes the same step as the weights."""
    folder = Path(folder)
    incoming = folder / INCOMING
    if incoming.is_dir() and not incoming.is_symlink():
        shutil.rmtree(incoming)  # a read-only folder fails here with its reason, not as "File exists" below
    elif incoming.is_symlink() or incoming.exists():
        incoming.unlink()  # a link, a file, a FIFO or a socket: the entry itself, never opened or followed
    incoming.mkdir(parents=True)
    payload = save_tensors({name: np.ascontiguousarray(array) for name, array in weights.items()})
    weights_sha = hashlib.sha256(payload).hexdigest()
    files = {WEIGHTS: payload}
    if state is not None:
        state_payload = save_tensors({name: np.ascontiguousarray(array) for name, array in state.items()})
        document = {**(state_meta or {}), "weights_sha256": weights_sha}
        document["state_sha256"] = hashlib.sha256(state_payload).hexdigest()
        files[STATE], files[STATE_META] = state_payload, json.dumps(document, indent=1).encode()
    if log is not None:
        files[LOG] = log
    files[META] = json.dumps({**meta, "format": FORMAT, "weights_sha256": weights_sha}, indent=1).encode()
    for name, data in files.items():
        write_atomic(incoming / name, data)
    write_atomic(incoming / COMPLETE, "\n".join(files))
    _move_in(folder)


JOURNALED = (WEIGHTS, META, STATE, STATE_META, LOG)  # the only names a journal may move into place


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
    names = read_regular(marker, 1024).decode("utf-8", errors="replace").split("\n")  # five names at most
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


def wait_for_recovery(folder: Path | str, timeout_s: float = 120.0, poll_s: float = 0.1) -> None:
    """For the other ranks of a distributed run resuming from `folder`: wait while its leader, the only rank that
    calls `recover`, finishes an interrupted save, so that no rank reads a checkpoint half moved into place.

    No journal, or none left, means there is nothing to finish. CheckpointError after `timeout_s`."""
    incoming = Path(folder) / INCOMING
    deadline = time.monotonic() + timeout_s
    while incoming.is_symlink() or incoming.exists():
        if time.monotonic() > deadline:
            raise CheckpointError(f"{folder}: the interrupted save in {INCOMING} was not finished by the leading rank")
        time.sleep(poll_s)


def load_state(folder: Path | str, weights_sha256: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The training state saved with the weights whose checksum is given; CheckpointError if absent or foreign."""
    folder = Path(folder)
    meta_path, state_path = folder / STATE_META, folder / STATE
    if not meta_path.exists() or not state_path.exists():
        raise CheckpointError(f"{folder}: no training state to resume from ({STATE} and {STATE_META})")
    meta_bytes, payload = _read(meta_path, MAX_META_BYTES), _read(state_path, MAX_WEIGHTS_BYTES)
    try:
        meta = json.loads(meta_bytes.decode("utf-8"))
        if not isinstance(meta, dict) or hashlib.sha256(payload).hexdigest() != meta.get("state_sha256"):
            raise ValueError(f"{STATE} does not match the checksum in {STATE_META}")
        if meta.get("weights_sha256") != weights_sha256:
            raise ValueError("the training state belongs to other weights")
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CheckpointError(f"{folder}: cannot resume: {exc}") from None
    try:
        tensors = load_tensors(payload)
    except Exception as exc:  # safetensors' own error: a pickle or a zip posing as training state
        raise CheckpointError(f"{state_path}: not safetensors ({exc})") from None
    return tensors, meta


def _read(path: Path, limit: int) -> bytes:
    """A checkpoint file's bytes: a regular file (a FIFO or a device would block or never end) under `limit`."""
    try:
        return read_regular(path, limit)
    except FileNotFoundError:
        raise CheckpointError(f"{path}: missing; a checkpoint is a folder with {WEIGHTS} and {META}") from None
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot be read: {exc.strerror or exc}") from None


def load_checkpoint(folder: Path | str) -> Checkpoint:
    """Load and verify, reading only; CheckpointError says what is wrong and where."""
    folder = Path(folder)
    meta_path, weights_path = folder / META, folder / WEIGHTS
    meta_bytes, payload = (_read(meta_path, MAX_META_BYTES), _read(weights_path, MAX_WEIGHTS_BYTES))
    try:
        meta = json.loads(meta_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CheckpointError(f"{meta_path}: not a valid JSON checkpoint description ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{meta_path}: not a whodunit reader checkpoint (expected format {FORMAT!r})")
    if not isinstance(meta.get("weights_sha256"), str):
        raise CheckpointError(
            f"{meta_path}: weights_sha256: missing, or not text; it is the checksum of {WEIGHTS}, which ties the "
            "weights to this description"
        )
    if hashlib.sha256(payload).hexdigest() != meta["weights_sha256"]:
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
    except Exception as exc:  # safetensors' own error for a pickle, a zip or a truncated header
        raise CheckpointError(f"{weights_path}: not a usable reader checkpoint: not safetensors ({exc})") from None
    check_whole(folder, meta, weights)
    return Checkpoint(weights, meta)


CONFIG_KEYS = ("kind", "vocab_size", "embedding", "hidden", "nonlinearity", "next_word")  # ReaderConfig's fields
OPTIONAL_CONFIG_KEYS = ("nonlinearity", "next_word")  # absent in checkpoints written before them: tanh, none
TEMPERATURES = (0.001, 1000.0)  # a calibrated reader's temperature in all (model/calibrate.py fits 0.25-16 a time)
MAX_WIDTH = 4096  # embedding and hidden; the weights' size cap binds long before
MAX_VOCABULARY = 1_000_000


def expected_shapes(config: dict[str, Any]) -> dict[str, tuple[tuple[int, str], ...]]:
    """Every tensor a reader of this (checked) config has: each dimension with the config fields it comes from.

    The layout of model.readers.Reader (torch's nn.Embedding, nn.LSTM / nn.RNN with one layer, two nn.Linear),
    written out so that the numpy side can check a checkpoint without torch.
    """
    vocab, embedding, hidden = config["vocab_size"], config["embedding"], config["hidden"]
    gates = 4 if config["kind"] == "lstm" else 1
    says = f"{META} says"
    gated = (gates * hidden, f"{says} kind = '{config['kind']}' and hidden = {hidden} ({gates} x {hidden} rows)")
    readout = (READOUT_CELLS * READOUT_CLASSES, f"the read-out has {READOUT_CELLS} x {READOUT_CLASSES} cells")
    next_word = {
        "next_word.weight": ((embedding, f"{says} embedding = {embedding}"), (hidden, f"{says} hidden = {hidden}"))
    }
    return {
        "embed.weight": ((vocab, f"{says} vocab_size = {vocab}"), (embedding, f"{says} embedding = {embedding}")),
        "recurrent.weight_ih_l0": (gated, (embedding, f"{says} embedding = {embedding}")),
        "recurrent.weight_hh_l0": (gated, (hidden, f"{says} hidden = {hidden}")),
        "recurrent.bias_ih_l0": (gated,),
        "recurrent.bias_hh_l0": (gated,),
        "possible.weight": ((1, "a reader has one 'still possible' logit"), (hidden, f"{says} hidden = {hidden}")),
        "possible.bias": ((1, "a reader has one 'still possible' logit"),),
        "readout.weight": (readout, (hidden, f"{says} hidden = {hidden}")),
        "readout.bias": (readout,),
    } | (next_word if config.get("next_word") else {})


def check_whole(folder: Path, meta: dict[str, Any], weights: dict[str, np.ndarray]) -> None:
    """Check a checkpoint whole against the architecture it declares, before any tensor is used.

    CheckpointError names the field and what it disagrees with: a config key or type, the vocabulary, a tensor
    that is missing, extra, misshapen, not floating point or not finite.
    """
    where = folder / META

    def fail(what: str, path: Path = where) -> CheckpointError:
        return CheckpointError(f"{path}: not a usable reader checkpoint: {what}")

    for key in ("training", "metrics", "calibration", "started_from"):
        if key in meta and not isinstance(meta[key], dict):
            raise fail(f"'{key}' must be an object, not {_json_type(meta[key])}")
    calibration = meta.get("calibration", {})
    temperature = calibration.get("temperature", 1.0)
    low, high = TEMPERATURES
    if not _number(temperature) or not low <= temperature <= high:
        raise fail(f"calibration.temperature is {_shown(temperature)}; expected a number from {low} to {high:g}")
    fits = calibration.get("fits", [])
    if not isinstance(fits, list) or not all(isinstance(fit, dict) for fit in fits):
        raise fail("calibration.fits must be a list of objects")
    config = meta.get("config")
    if not isinstance(config, dict):
        raise fail(f"'config' must be an object with {', '.join(CONFIG_KEYS)}")
    unknown = sorted(str(key) for key in config if key not in CONFIG_KEYS)
    if unknown:
        raise fail(f"config: unknown key '{unknown[0]}'; a reader's config has {', '.join(CONFIG_KEYS)}")
    missing = [key for key in CONFIG_KEYS if key not in config and key not in OPTIONAL_CONFIG_KEYS]
    if missing:
        raise fail(f"config: '{missing[0]}' is missing")
    if config["kind"] not in ("lstm", "rnn"):
        raise fail(f"config.kind is {_shown(config['kind'])}; a reader is 'lstm' or 'rnn'")
    nonlinearity = config.get("nonlinearity", "tanh")
    if nonlinearity not in ("tanh", "relu") or (config["kind"] == "lstm" and nonlinearity != "tanh"):
        allowed = "'tanh'" if config["kind"] == "lstm" else "'tanh' or 'relu'"
        raise fail(f"config.nonlinearity is {_shown(nonlinearity)}; an {config['kind']} reader's is {allowed}")
    if not isinstance(config.get("next_word", False), bool):
        raise fail(f"config.next_word is {_shown(config['next_word'])}; expected true or false")
    for key, most in (("vocab_size", MAX_VOCABULARY), ("embedding", MAX_WIDTH), ("hidden", MAX_WIDTH)):
        value = config[key]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= most:
            raise fail(f"config.{key} is {_shown(value)}; expected a whole number from 1 to {most:,}")
    vocabulary = meta.get("vocabulary")
    if not isinstance(vocabulary, list) or not all(isinstance(word, str) for word in vocabulary):
        raise fail("'vocabulary' must be a list of strings")
    if tuple(vocabulary[: len(SPECIALS)]) != SPECIALS:
        raise fail(f"the vocabulary must start with the special tokens {', '.join(SPECIALS)}")
    seen: set[str] = set()
    for word in vocabulary:
        if word in seen:
            raise fail(f"the vocabulary lists {word!r} twice")
        seen.add(word)
    if len(vocabulary) != config["vocab_size"]:
        raise fail(f"config.vocab_size is {config['vocab_size']}, but the vocabulary lists {len(vocabulary)} words")
    forms = meta.get("lemma_forms")
    if forms is not None and (
        not isinstance(forms, dict) or not all(isinstance(value, str) for value in forms.values())
    ):
        raise fail("'lemma_forms' must be an object of words and their lemmas, as strings")
    weights_path = folder / WEIGHTS
    shapes = expected_shapes(config)
    extra = sorted(set(weights) - set(shapes))
    if extra:
        raise fail(f"tensor '{extra[0]}' is not part of an {config['kind']} reader", weights_path)
    for name, dimensions in shapes.items():
        if name not in weights:
            raise fail(f"tensor '{name}' is missing", weights_path)
        array, expected = weights[name], tuple(size for size, _ in dimensions)
        if array.shape != expected:
            if array.ndim != len(expected):
                cause = f"a reader's '{name}' has {len(expected)} dimension{'s' * (len(expected) != 1)}"
            else:
                cause = next(origin for (size, origin), got in zip(dimensions, array.shape, strict=True) if size != got)
            raise fail(f"tensor '{name}' has shape {array.shape}, but {cause}: expected {expected}", weights_path)
        if not np.issubdtype(array.dtype, np.floating):
            raise fail(f"tensor '{name}' holds {array.dtype}, not floating-point numbers", weights_path)
        if not np.isfinite(array).all():
            raise fail(f"tensor '{name}' holds NaN or infinite values", weights_path)


def _number(value: object) -> bool:
    """A JSON number (not true or false); NaN compares false with everything, so range checks refuse it."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown(value: object) -> str:
    """A JSON value as the message quotes it, cut short: it may be anything a stranger wrote."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _json_type(value: object) -> str:
    names = {list: "a list", str: "a string", bool: "true or false", type(None): "null", dict: "an object"}
    return names.get(type(value), "a number")
