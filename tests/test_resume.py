"""An interrupted run, resumed, ends with exactly the weights of an uninterrupted one; saves never mix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from model.checkpoint import INCOMING, CheckpointError, load_checkpoint, load_state, recover, save_checkpoint
from model.evaluate import reader_from_checkpoint
from model.readers import Reader, ReaderConfig
from model.recipe import TRAIN_PRESETS
from model.resume import TRAINED
from model.train import follow, kept_checkpoint, train, validate
from model.training_data import validation_cases
from tests.readers import Interrupted, random_weights, stop_after, vocabulary

CONFIG = replace(TRAIN_PRESETS["tiny"], steps=12, eval_every=5, eval_cases=8, batch_cases=4)


def test_resume_reproduces_the_uninterrupted_run(tmp_path: Path) -> None:
    train(CONFIG, tmp_path / "whole", "test")
    with pytest.raises(Interrupted):
        train(CONFIG, tmp_path / "cut", "test", stop_after(8))  # the last checkpoint is at step 5
    assert load_checkpoint(tmp_path / "cut").meta["metrics"]["steps"] == 5
    train(CONFIG, tmp_path / "cut", "test", resume=True)
    whole, cut = load_checkpoint(tmp_path / "whole"), load_checkpoint(tmp_path / "cut")
    assert not (tmp_path / "whole" / "steps").exists()  # readers are kept only when asked
    assert cut.meta["metrics"]["steps"] == 12
    for name, array in whole.weights.items():
        np.testing.assert_array_equal(array, cut.weights[name], err_msg=name)


def test_kept_checkpoints_hold_the_reader_of_each_save(tmp_path: Path) -> None:
    out = tmp_path / "run"
    train(replace(CONFIG, keep_checkpoints=True), out, "test")
    saves = (5, 10, 12)  # every eval_every steps, and the last
    assert sorted((out / "steps").iterdir()) == [kept_checkpoint(out, step) for step in saves]
    kept = [load_checkpoint(kept_checkpoint(out, step)) for step in saves]
    assert [checkpoint.meta["metrics"]["steps"] for checkpoint in kept] == list(saves)
    final = load_checkpoint(out)
    for name, array in final.weights.items():
        np.testing.assert_array_equal(array, kept[-1].weights[name], err_msg=name)
    assert not np.array_equal(kept[0].weights["embed.weight"], final.weights["embed.weight"])


def _trained(out: Path) -> dict[str, np.ndarray]:
    """The trained weights that a run keeping a moving average holds in its training state."""
    state, _ = load_state(out, load_checkpoint(out).meta["weights_sha256"])
    return {name.removeprefix(TRAINED): array for name, array in state.items() if name.startswith(TRAINED)}


def test_a_moving_average_moves_its_share_of_the_way_to_the_weights() -> None:
    model, averaged = (Reader(ReaderConfig("lstm", 10, 4, 6)) for _ in range(2))
    before = {name: tensor.clone() for name, tensor in averaged.state_dict().items()}
    follow(averaged, model, 0.75)
    for name, tensor in averaged.state_dict().items():
        torch.testing.assert_close(tensor, 0.75 * before[name] + 0.25 * model.state_dict()[name], msg=name)


def test_a_run_with_a_moving_average_checkpoints_the_average_and_resumes_exactly(tmp_path: Path) -> None:
    averaging = replace(CONFIG, ema_decay=0.9)
    train(CONFIG, tmp_path / "plain", "test")
    train(averaging, tmp_path / "whole", "test")
    plain, whole, trained = (
        load_checkpoint(tmp_path / "plain"),
        load_checkpoint(tmp_path / "whole"),
        _trained(tmp_path / "whole"),
    )
    for name, array in plain.weights.items():  # the average only watches: training is the run without it
        np.testing.assert_array_equal(array, trained[name], err_msg=name)
    assert not np.allclose(whole.weights["embed.weight"], trained["embed.weight"])
    with pytest.raises(Interrupted):
        train(averaging, tmp_path / "cut", "test", stop_after(8))  # the last checkpoint is at step 5
    train(averaging, tmp_path / "cut", "test", resume=True)
    cut = load_checkpoint(tmp_path / "cut")
    for name, array in whole.weights.items():
        np.testing.assert_array_equal(array, cut.weights[name], err_msg=name)
        np.testing.assert_array_equal(trained[name], _trained(tmp_path / "cut")[name], err_msg=name)


def test_the_average_follows_every_step_and_its_checkpoints_are_validated_as_the_average(tmp_path: Path) -> None:
    """A_t = d A_(t-1) + (1 - d) W_t at every step t, W_t the trained weights (the plain run's, step by step), and
    each checkpoint's metrics are the average's own."""
    every_step = replace(CONFIG, steps=6, eval_every=1, keep_checkpoints=True)
    train(every_step, tmp_path / "plain", "test")
    train(replace(every_step, ema_decay=0.5), tmp_path / "averaged", "test")
    for step in range(2, 7):
        trained = load_checkpoint(kept_checkpoint(tmp_path / "plain", step)).weights
        before = load_checkpoint(kept_checkpoint(tmp_path / "averaged", step - 1)).weights
        after = load_checkpoint(kept_checkpoint(tmp_path / "averaged", step)).weights
        for name, array in after.items():
            np.testing.assert_allclose(array, 0.5 * before[name] + 0.5 * trained[name], rtol=1e-5, atol=1e-6)
    checkpoint = load_checkpoint(tmp_path / "averaged")
    vocabulary = checkpoint.vocabulary
    measured = validate(reader_from_checkpoint(checkpoint), validation_cases(every_step, vocabulary), vocabulary)
    for name in ("final_accuracy", "decided_accuracy", "cleared_mass", "ece"):
        assert checkpoint.meta["metrics"][name] == measured[name], name


def test_resuming_with_a_moving_average_from_a_run_without_one_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(Interrupted):
        train(CONFIG, tmp_path, "test", stop_after(6))
    with pytest.raises(CheckpointError, match=r"resume.safetensors: the run was saved without a moving average"):
        train(replace(CONFIG, ema_decay=0.9), tmp_path, "test", resume=True)


def test_a_moving_average_must_move() -> None:
    from model.recipe import TrainConfig, check_training

    assert check_training(TrainConfig(ema_decay=0.998)).ema_decay == 0.998
    with pytest.raises(ValueError, match="'ema_decay' must be below 1"):
        check_training(TrainConfig(ema_decay=1.0))


def test_resume_without_a_checkpoint_says_so(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="missing"):
        train(CONFIG, tmp_path / "nothing", "test", resume=True)


def _weights(value: float) -> dict[str, np.ndarray]:
    """A whole small reader (loading checks every tensor), told apart by the first embedding weight."""
    weights = random_weights("lstm")
    weights["embed.weight"][0, 0] = value
    return weights


def _meta() -> dict:
    words = list(vocabulary().words)
    return {"config": {"kind": "lstm", "vocab_size": len(words), "embedding": 8, "hidden": 16}, "vocabulary": words}


def test_a_save_killed_before_it_completes_leaves_the_previous_checkpoint(tmp_path: Path) -> None:
    save_checkpoint(tmp_path, _weights(1.0), _meta())
    (tmp_path / INCOMING).mkdir()
    (tmp_path / INCOMING / "reader.safetensors").write_bytes(b"half")  # no COMPLETE marker: never moved in
    checkpoint = load_checkpoint(tmp_path)
    assert checkpoint.weights["embed.weight"][0, 0] == 1.0
    assert (tmp_path / INCOMING).exists()  # loading only reads: the run that owns the folder cleans up
    recover(tmp_path)
    assert not (tmp_path / INCOMING).exists()
    assert load_checkpoint(tmp_path).weights["embed.weight"][0, 0] == 1.0


def test_a_save_killed_while_moving_in_is_refused_by_loading_and_completed_by_recovery(tmp_path: Path) -> None:
    save_checkpoint(tmp_path, _weights(1.0), _meta())
    staged = tmp_path / "staged"
    save_checkpoint(staged, _weights(2.0), _meta())
    incoming = tmp_path / INCOMING
    incoming.mkdir()
    for name in ("reader.safetensors", "reader.json"):
        (incoming / name).write_bytes((staged / name).read_bytes())
    (incoming / "COMPLETE").write_text("reader.safetensors\nreader.json")
    (tmp_path / "reader.safetensors").write_bytes((incoming / "reader.safetensors").read_bytes())  # first move done
    (incoming / "reader.safetensors").unlink()
    with pytest.raises(CheckpointError, match="interrupted; `whodunit train --resume"):
        load_checkpoint(tmp_path)
    recover(tmp_path)
    assert load_checkpoint(tmp_path).weights["embed.weight"][0, 0] == 2.0
    assert not incoming.exists()
