"""Fuzzing checkpoint folders: a real training checkpoint (weights, description, training state) mutated as a
stranger might: its JSON, its tensors (re-signed, so that they get past the checksums), safetensors headers,
raw bytes, a journal (`.incoming/`, `COMPLETE`) naming anything, links and special files in place of any file.

What must hold, for every folder: loading (the game, `whodunit eval`) ends in a checkpoint or CheckpointError and
changes nothing at all; resuming (`whodunit train --resume`: recover, load, settings, restore) and the owner's
next save end in success or in the errors the train command reports (CheckpointError; OSError for a save), and
change nothing outside the folder; a save that succeeds leaves a folder that loads and resumes; every example
finishes within 10 s.

The default run tries 50 mutated folders; `python -m pytest -m slow tests/test_fuzz_checkpoints.py` tries 10,000.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import struct
import tempfile
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import event, given
from hypothesis import strategies as st
from safetensors.numpy import load as load_tensors
from safetensors.numpy import save as save_tensors

from model.checkpoint import (
    COMPLETE,
    INCOMING,
    JOURNALED,
    META,
    STATE,
    STATE_META,
    WEIGHTS,
    CheckpointError,
    load_checkpoint,
    load_state,
    save_checkpoint,
)
from model.readers import Reader, ReaderConfig
from model.recipe import TRAIN_PRESETS, check_training, stored_training
from model.resume import Progress, restore, training_state
from model.stream import StreamingReader
from tests.readers import vocabulary
from tests.test_fuzz_saves import (
    FAST,
    LIMIT_S,
    SLOW,
    Draw,
    edit_json,
    json_values,
    plant_surroundings,
    snapshot,
    special_file,
    within,
)

CONFIG = replace(TRAIN_PRESETS["tiny"], hidden=16, embedding=8, steps=10, eval_every=5)


class Sound:
    """A real training checkpoint's files, and what its owner would save next."""

    def __init__(
        self,
        files: dict[str, bytes],
        weights: dict[str, np.ndarray],
        meta: dict[str, Any],
        state: dict[str, np.ndarray],
        state_meta: dict[str, Any],
    ) -> None:
        self.files, self.weights, self.meta, self.state, self.state_meta = files, weights, meta, state, state_meta

    def __repr__(self) -> str:
        return "Sound(a one-step training checkpoint)"  # a falsifying example names it, not its megabyte of tensors


def fresh_run() -> tuple[Reader, torch.optim.Optimizer]:
    """The reader and optimiser that `train()` builds for CONFIG, before restoring into them."""
    model = Reader(ReaderConfig("lstm", len(vocabulary()), CONFIG.embedding, CONFIG.hidden))
    return model, torch.optim.AdamW(model.parameters(), lr=CONFIG.learning_rate, weight_decay=CONFIG.weight_decay)


# The metrics log a run saves with the checkpoint (model/run_log.py): one row of each kind.
LOG_ROWS = b'{"kind":"train","step":1,"level":"tiny","loss":2.0}\n{"kind":"validation","step":1,"level":"tiny"}\n'


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> Sound:
    """What `train()` writes after a step: made the same way (model.train.checkpoint), with a made-up loss."""
    torch.manual_seed(0)
    model, optimizer = fresh_run()
    states = model.states(torch.randint(1, len(vocabulary()), (2, 6)))
    (model.possible(states).pow(2).mean() + model.read_out(states).pow(2).mean()).backward()
    optimizer.step()
    progress = Progress(step=1, drawn=4, tokens=12, rng=np.random.default_rng(0).bit_generator.state)
    progress.planned = [0, False, 4]
    state, state_meta = training_state(model, optimizer, progress)
    weights = {name: tensor.detach().numpy() for name, tensor in model.state_dict().items()}
    meta = {
        "config": model.config.to_dict(),
        "vocabulary": list(vocabulary().words),
        "lemmas": vocabulary().lemmas,
        "training": {"command": "tests: a fuzzed run", **asdict(CONFIG)},
        "metrics": {"final_accuracy": 0.5, "steps": 1},
    }
    folder = tmp_path_factory.mktemp("sound") / "ckpt"
    save_checkpoint(folder, weights, meta, state, state_meta, LOG_ROWS)
    files = {name: (folder / name).read_bytes() for name in JOURNALED}
    return Sound(files, weights, meta, state, state_meta)


# --- mutations ---------------------------------------------------------------------------------------------------

DESCRIPTION_KEYS = ["format", "config", "vocabulary", "lemmas", "weights_sha256", "training", "metrics"]
DESCRIPTION_KEYS += ["kind", "vocab_size", "embedding", "hidden", "steps", "levels", "learning_rate", "command"]
STATE_KEYS = ["progress", "param_groups", "weights_sha256", "state_sha256", "step", "level", "rng", "planned"]
TENSOR_NAMES = [
    "extra",
    "",
    "embed.weight.extra",
    "optimizer.99.step",
    "optimizer.0.unknown",
    "optimizer.x.step",
    "optimizer.\u0663.step",  # an Arabic-Indic three: a digit to str.isdigit, not ASCII
    "optimizer.-1.step",
    "torch_rng",
    "embed.weight",
]
DTYPES = ["F32", "F16", "BF16", "F64", "I8", "I32", "I64", "U8", "U64", "BOOL", "F8_E4M3", "C64", "XX", ""]


def json_file(path: Path) -> Any:
    """The JSON in `path` if it is a readable regular file holding it, else None."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return json.loads(path.read_bytes())
    except (ValueError, RecursionError, OSError):
        return None


def sign(draw: Draw, folder: Path, name: str) -> None:
    """Usually, record the new checksum of `name` where the checkpoint keeps it, as a deliberate stranger would."""
    if name not in (WEIGHTS, STATE) or (folder / name).is_symlink() or not (folder / name).is_file():
        return
    if not draw(st.integers(0, 4)):
        return
    digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    for holder, key in ((META, "weights_sha256"), (STATE_META, "weights_sha256"), (STATE_META, "state_sha256")):
        document = json_file(folder / holder)
        if isinstance(document, dict) and key == ("state_sha256" if name == STATE else "weights_sha256"):
            document[key] = digest
            (folder / holder).write_text(json.dumps(document))


def edit_tensors(draw: Draw, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One tensor dropped, added, retyped, reshaped, or given a value that is not a weight."""
    tensors = dict(tensors)
    names = sorted(tensors)
    operation = draw(st.sampled_from(["drop", "add", "dtype", "shape", "value", "empty"]))
    if operation == "empty" or not names:
        return {}
    name = draw(st.sampled_from(names))
    array = tensors[name]
    if operation == "drop":
        del tensors[name]
    elif operation == "add":
        tensors[draw(st.sampled_from(TENSOR_NAMES))] = np.zeros(
            draw(st.sampled_from([(), (1,), (0,), (3, 0), tuple(array.shape), (5000,)])), np.float32
        )
    elif operation == "dtype":
        tensors[name] = array.astype(draw(st.sampled_from(["float16", "float64", "int32", "int64", "uint8", "bool"])))
    elif operation == "shape":
        shape = draw(st.sampled_from(["flat", "column", "transpose", "no rows", "more rows", "scalar"]))
        if shape == "flat":
            tensors[name] = array.reshape(-1)
        elif shape == "column":
            tensors[name] = array[..., None]
        elif shape == "transpose":
            tensors[name] = np.ascontiguousarray(array.T)
        elif shape == "no rows":
            tensors[name] = array[:0]
        elif shape == "more rows" and array.ndim:
            tensors[name] = np.concatenate([array, array[:1]])
        else:
            tensors[name] = np.array(array.reshape(-1)[0] if array.size else 0, dtype=np.float32)  # shape ()
    elif array.size and np.issubdtype(array.dtype, np.floating):
        changed = array.copy().reshape(-1)
        changed[draw(st.integers(0, changed.size - 1))] = draw(
            st.sampled_from([np.nan, np.inf, -np.inf, 1e38, -3.4e38, 1e-45])
        )
        tensors[name] = changed.reshape(array.shape)
    return tensors


def edit_header(draw: Draw, data: bytes) -> bytes:
    """A safetensors file whose header lies: its length, a tensor's dtype, shape or offsets, or its metadata."""
    if len(data) < 8:
        return data
    (length,) = struct.unpack("<Q", data[:8])
    try:
        header = json.loads(data[8 : 8 + length])
    except (ValueError, UnicodeDecodeError):
        header = None
    operation = draw(st.sampled_from(["length", "dtype", "shape", "offsets", "metadata", "not json"]))
    if operation == "length" or not isinstance(header, dict):
        new_length = draw(st.sampled_from([0, 1, 2, length - 1, length + 1, 2**31, 2**63, 2**64 - 1]))
        return struct.pack("<Q", max(new_length, 0)) + data[8:]
    names = sorted(name for name in header if name != "__metadata__")
    if operation == "not json":
        text = b"{" + b"x" * (length - 1)
    else:
        if operation == "metadata" or not names:
            header["__metadata__"] = draw(json_values)
        else:
            entry = header[draw(st.sampled_from(names))]
            if operation == "dtype":
                entry["dtype"] = draw(st.sampled_from(DTYPES))
            elif operation == "shape":
                entry["shape"] = draw(
                    st.sampled_from([[], [0], [-1], [2**40], [2**62, 2**62], [3, "a"], None, [1.5]])
                    | st.lists(st.integers(0, 100), max_size=3)
                )
            else:
                entry["data_offsets"] = draw(
                    st.sampled_from([[0, 2**64 - 1], [10, 5], [-1, 4], [0], None, [0, 0]])
                    | st.lists(st.integers(0, len(data)), min_size=2, max_size=2)
                )
        text = json.dumps(header).encode()
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data[8 + length :]


def edit_bytes(draw: Draw, data: bytes) -> bytes:
    operation = draw(st.sampled_from(["truncate", "flip", "append", "zero"]))
    at = draw(st.integers(0, len(data)))
    if operation == "truncate":
        return data[:at]
    if operation == "append":
        return data + draw(st.binary(max_size=64))
    if operation == "zero":
        return b""
    return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]


def plant_journal(draw: Draw, folder: Path, root: Path, elsewhere: Path, sound: Sound) -> None:
    """An interrupted save, or something posing as one: `.incoming/` of any kind, a COMPLETE naming anything."""
    incoming = folder / INCOMING
    if incoming.is_dir() and not incoming.is_symlink():
        shutil.rmtree(incoming)
    elif incoming.is_symlink() or incoming.exists():
        incoming.unlink()  # a file, a link, a FIFO or a socket: rmtree would open a FIFO and wait
    kind = draw(st.sampled_from(["folder", "folder", "folder", "file", "link to a folder", "other"]))
    if kind == "file":
        incoming.write_text("left by someone")
        return
    if kind == "other":
        special_file(draw, incoming, elsewhere, b"")
        return
    target = incoming
    if kind == "link to a folder":
        target = elsewhere / "journal"
        if target.exists():
            shutil.rmtree(target)  # an earlier journal's, which may hold a FIFO: writing into that would wait
        target.mkdir()
        incoming.symlink_to(target)
    else:
        incoming.mkdir()
    candidates = [*JOURNALED, "../up.txt", "s/notes.txt", "", ".", "..", COMPLETE, INCOMING, str(root / "up.txt")]
    names = draw(st.lists(st.sampled_from(candidates) | st.text(max_size=8), max_size=5))
    marker = "\n".join(names)
    if draw(st.integers(0, 5)):
        (target / COMPLETE).write_text(marker, errors="surrogateescape")
    else:
        special_file(draw, target / COMPLETE, elsewhere, marker.encode(errors="surrogateescape"))
    for name in draw(st.lists(st.sampled_from(JOURNALED), unique=True, max_size=4)):
        what = draw(st.sampled_from(["sound", "changed", "special"]))
        if what == "sound":
            (target / name).write_bytes(sound.files[name])
        elif what == "changed":
            (target / name).write_bytes(edit_bytes(draw, sound.files[name]))
        else:
            special_file(draw, target / name, elsewhere, sound.files[name])
    if draw(st.booleans()):
        (target / "s").symlink_to(elsewhere)


def plant_checkpoint(draw: Draw, root: Path, sound: Sound) -> Path:
    """The sound training checkpoint, in `root/ckpt`, mutated one to three times; returns the folder."""
    folder = root / "ckpt"
    folder.mkdir()
    for name, data in sound.files.items():
        (folder / name).write_bytes(data)
    elsewhere = plant_surroundings(root)
    for _ in range(draw(st.integers(1, 3))):
        layer = draw(
            st.sampled_from(["description", "description", "tensors", "tensors", "header", "bytes", "journal", "file"])
        )
        name = draw(st.sampled_from(JOURNALED))
        path = folder / name
        if layer == "journal":
            plant_journal(draw, folder, root, elsewhere, sound)
        elif layer == "file":
            special_file(draw, path, elsewhere, sound.files[name])
            if draw(st.booleans()):
                (folder / "s").unlink(missing_ok=True)
                (folder / "s").symlink_to(elsewhere)
        if layer in ("description", "tensors"):
            name = draw(st.sampled_from([META, STATE_META] if layer == "description" else [WEIGHTS, STATE]))
            path = folder / name
        if layer in ("journal", "file") or path.is_symlink() or not path.is_file():
            continue  # planted above, or nothing to edit in place: a link, a folder, a FIFO
        if layer == "description":
            document = json_file(path)
            try:
                text = json.dumps(edit_json(draw, document, DESCRIPTION_KEYS if name == META else STATE_KEYS))
            except RecursionError:  # nested too deeply to edit
                continue
            path.write_text(text)
        elif layer == "tensors":
            try:
                tensors = load_tensors((folder / name).read_bytes())
            except Exception:  # already not safetensors
                continue
            (folder / name).write_bytes(save_tensors(edit_tensors(draw, tensors)))
            sign(draw, folder, name)
        elif layer == "header" and name in (WEIGHTS, STATE):
            path.write_bytes(edit_header(draw, path.read_bytes()))
            sign(draw, folder, name)
        else:
            path.write_bytes(edit_bytes(draw, path.read_bytes()))
            sign(draw, folder, name)
    return folder


# --- what the game, eval and train --resume do with a folder -------------------------------------------------------


def load_as_the_game_does(folder: Path) -> str:
    """`whodunit play/eval --checkpoint`: load, and read a few words with the streaming reader. Says how it went."""
    try:
        checkpoint = load_checkpoint(folder)
    except CheckpointError as error:
        assert str(error).startswith(str(folder)), error  # the message names the folder or a file in it
        return "load: refused"
    with np.errstate(all="ignore"):  # finite but huge weights may overflow: nonsense beliefs, not a crash
        reader = StreamingReader.of(checkpoint, 4)
        for token in ("the", "<s0>", "zzz-unknown"):
            reader.step(token)
    with contextlib.suppress(CheckpointError):
        load_state(folder, checkpoint.meta["weights_sha256"])
    return "load: read"


def resume_as_train_does(folder: Path) -> bool:
    """`whodunit train --resume --out FOLDER`: the settings in reader.json, then everything into a fresh run.
    True if it would train on."""
    with contextlib.suppress(CheckpointError, ValueError):  # the command reports a ValueError here as ours
        stored = load_checkpoint(folder).meta.get("training", {})
        check_training(stored_training(stored, str(folder / META)))
    model, optimizer = fresh_run()
    try:
        restore(folder, model, optimizer, CONFIG)
    except CheckpointError:
        return False
    return True


def save_as_the_owner_does(folder: Path, sound: Sound) -> str:
    """The next checkpoint of the run that owns the folder: it fails with OSError or CheckpointError (both
    reported by the train command), or leaves a folder that loads and resumes."""
    try:
        save_checkpoint(folder, sound.weights, sound.meta, sound.state, sound.state_meta, LOG_ROWS)
    except (OSError, CheckpointError) as error:
        return f"save: {type(error).__name__}"
    load_checkpoint(folder)
    assert resume_as_train_does(folder)
    return "save: written"


def check_mutated_folder(data: st.DataObject, tmp_path: Path, sound: Sound) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as name:
        root = Path(name)
        folder = plant_checkpoint(data.draw, root, sound)
        everything = snapshot(root)
        with within(LIMIT_S):
            loaded = load_as_the_game_does(folder)
        assert snapshot(root) == everything, "loading changed a file"
        outside = snapshot(root, skip=folder)
        with within(LIMIT_S):
            resumed = "resume: restored" if resume_as_train_does(folder) else "resume: refused"
            saved = save_as_the_owner_does(folder, sound)
        assert snapshot(root, skip=folder) == outside, "resuming or saving changed a file outside the folder"
        for outcome in (loaded, resumed, saved):
            event(outcome)  # `pytest --hypothesis-show-statistics` counts them


# --- the properties --------------------------------------------------------------------------------------------


def test_the_owners_save_goes_past_a_fifo_in_place_of_the_journal(tmp_path: Path, sound: Sound) -> None:
    """Found by the campaign: save_checkpoint removed an odd `.incoming` with shutil.rmtree, which opens a FIFO
    and waits for a writer for ever, so a run training into such a folder hung at its first checkpoint. Whatever
    is not a real folder is now unlinked."""
    for name, data in sound.files.items():
        (tmp_path / name).write_bytes(data)
    os.mkfifo(tmp_path / INCOMING)
    with within(2.0):
        assert save_as_the_owner_does(tmp_path, sound) == "save: written"


def test_the_checkpoint_fuzzed_from_loads_and_resumes(tmp_path: Path, sound: Sound) -> None:
    for name, data in sound.files.items():
        (tmp_path / name).write_bytes(data)
    load_as_the_game_does(tmp_path)
    assert resume_as_train_does(tmp_path)


@FAST
@given(data=st.data())
def test_mutated_checkpoints_load_or_end_in_our_message(data: st.DataObject, tmp_path: Path, sound: Sound) -> None:
    check_mutated_folder(data, tmp_path, sound)


@pytest.mark.slow
@SLOW
@given(data=st.data())
def test_mutated_checkpoints_load_or_end_in_our_message_long(data: st.DataObject, tmp_path: Path, sound: Sound) -> None:
    check_mutated_folder(data, tmp_path, sound)
