"""Files from strangers: checkpoints and saves that are not what they claim are refused, and nothing runs."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.saves import SaveError, load_save
from model.checkpoint import FORMAT, CheckpointError, load_checkpoint
from tests.readers import write_random_checkpoint


class Payload:
    """Unpickling this would create a file: proof that something ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


def _disguise(folder: Path, payload: bytes) -> None:
    """A checkpoint folder whose weights are `payload`, with a description that vouches for them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reader.safetensors").write_bytes(payload)
    meta = {"format": FORMAT, "config": {"kind": "lstm"}, "vocabulary": ["<pad>"]}
    meta["weights_sha256"] = hashlib.sha256(payload).hexdigest()
    (folder / "reader.json").write_text(json.dumps(meta))


def test_a_pickle_posing_as_weights_is_refused_without_running(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    _disguise(tmp_path / "ckpt", pickle.dumps(Payload(marker)))
    with pytest.raises(CheckpointError, match="not a usable reader checkpoint"):
        load_checkpoint(tmp_path / "ckpt")
    assert not marker.exists()


def test_a_torch_save_zip_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "model.pt"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("archive/data.pkl", pickle.dumps(Payload(tmp_path / "marker")))
    _disguise(tmp_path / "ckpt", archive.read_bytes())
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "ckpt")
    assert not (tmp_path / "marker").exists()


def test_weights_that_do_not_fit_the_vocabulary_are_refused(tmp_path: Path) -> None:
    folder = write_random_checkpoint(tmp_path / "ckpt", "lstm")
    meta = json.loads((folder / "reader.json").read_text())
    meta["vocabulary"] = meta["vocabulary"][:-3]
    (folder / "reader.json").write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match=r"config\.vocab_size is \d+, but the vocabulary lists \d+ words"):
        load_checkpoint(folder)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
# Mostly the keys a checkpoint or a save really has, with values of any shape, so that fuzzing gets past the
# first check; sometimes anything at all.
CHECKPOINT_KEYS = st.sampled_from(["format", "config", "vocabulary", "weights_sha256", "metrics", "training"])
SAVE_KEYS = st.sampled_from(["format", "case", "position", "accusations", "marks", "notes", "options"])
CHECKPOINT_JSON = JSON | st.dictionaries(
    CHECKPOINT_KEYS,
    JSON | st.dictionaries(st.sampled_from(["kind", "hidden", "vocab_size", "embedding"]), JSON, max_size=4),
    max_size=4,
)
SAVE_JSON = JSON | st.dictionaries(
    SAVE_KEYS,
    JSON
    | st.dictionaries(
        st.sampled_from(["kind", "name", "seed", "difficulty", "suspect", "at", "0", "hard", "speed"]), JSON, max_size=4
    ),
    max_size=5,
)


def check_description(folder: Path, document: object) -> None:
    """Whatever the description holds, loading ends in the weights or in our own message."""
    meta = json.loads((folder / "reader.json").read_text())
    (folder / "reader.json").write_text(json.dumps({**meta, **document} if isinstance(document, dict) else document))
    with contextlib.suppress(CheckpointError):
        load_checkpoint(folder)
    (folder / "reader.json").write_text(json.dumps(meta))


def check_save(path: Path, document: object) -> None:
    if isinstance(document, dict):
        document = {
            "format": "whodunit-save/1",
            "case": {"kind": "bundled", "name": "m.toml"},
            "position": 0,
            **document,
        }
    path.write_text(json.dumps(document))
    with contextlib.suppress(SaveError):
        load_save(path)


@pytest.fixture(scope="module")
def fuzz_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_random_checkpoint(tmp_path_factory.mktemp("fuzz") / "ckpt", "lstm")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=CHECKPOINT_JSON)
def test_fuzzed_checkpoint_descriptions_end_in_our_message(fuzz_folder: Path, document: object) -> None:
    check_description(fuzz_folder, document)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=SAVE_JSON)
def test_fuzzed_saves_end_in_our_message(tmp_path: Path, document: object) -> None:
    check_save(tmp_path / "save.json", document)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=CHECKPOINT_JSON)
def test_fuzz_campaign_checkpoint_descriptions(fuzz_folder: Path, document: object) -> None:
    check_description(fuzz_folder, document)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=SAVE_JSON)
def test_fuzz_campaign_saves(tmp_path: Path, document: object) -> None:
    check_save(tmp_path / "save.json", document)


def test_a_training_run_killed_at_any_moment_resumes_to_the_same_weights(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "commands.cli", "train", "--model", "lstm", "--preset", "tiny", "--steps", "160"]
    subprocess.run([*command, "--out", str(tmp_path / "whole")], check=True, capture_output=True)
    victim = subprocess.Popen(
        [*command, "--out", str(tmp_path / "cut")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not (tmp_path / "cut" / "reader.json").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    resumed = subprocess.run([*command, "--resume", "--out", str(tmp_path / "cut")], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    whole, cut = load_checkpoint(tmp_path / "whole"), load_checkpoint(tmp_path / "cut")
    assert cut.meta["metrics"]["steps"] == 160
    for name, array in whole.weights.items():
        np.testing.assert_array_equal(array, cut.weights[name], err_msg=name)
