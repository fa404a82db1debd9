"""Training runs end to end and writes a checkpoint that loads without torch and streams like the model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from model.checkpoint import CheckpointError, load_checkpoint
from model.stream import StreamingReader
from model.tokenizer import read_story
from story.generator import generate_case


def test_train_a_few_steps_then_stream_the_checkpoint(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["train", "--model", "lstm", "--preset", "tiny", "--steps", "3", "--out", str(out)]) == 0
    checkpoint = load_checkpoint(out)
    assert checkpoint.meta["metrics"]["steps"] == 3
    assert checkpoint.meta["training"]["command"].startswith("whodunit train --model lstm")
    story = generate_case(5, "tiny")
    stream = StreamingReader(checkpoint.kind, checkpoint.weights, checkpoint.vocabulary, len(story.suspects))
    for token in read_story(story).tokens:
        step = stream.step(token)
    assert np.isclose(step.probabilities.sum(), 1.0)


def test_a_tampered_checkpoint_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["train", "--model", "rnn", "--preset", "tiny", "--steps", "1", "--out", str(out)]) == 0
    weights = out / "reader.safetensors"
    weights.write_bytes(weights.read_bytes()[:-8])
    with pytest.raises(CheckpointError, match="checksum"):
        load_checkpoint(out)
