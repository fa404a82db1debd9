"""Two data-parallel ranks on localhost train what one process trains on the same global batch: the same loss
at every step, and the same weights to within the rounding docs/training.md states for each read-out head; a
two-rank run interrupted and resumed (each rank sampling its read-out cells) ends with exactly the weights of an
uninterrupted two-rank run; and a run the ranks refuse says why once, from rank 0, ahead of torchrun's own report."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch.multiprocessing as mp

import commands.train
import model.objective
from commands.cli import main
from model.checkpoint import load_checkpoint
from model.recipe import TRAIN_PRESETS
from model.train import train
from tests.cpu import needs_bfloat16_lstm

MYSTERIES = Path(__file__).resolve().parent.parent / "story" / "mysteries"
CONFIG = replace(TRAIN_PRESETS["tiny"], steps=4, batch_cases=4, eval_cases=4, eval_every=1000)
# The largest weight difference allowed after CONFIG's 4 steps, and the loss's relative difference at any step.
# float32: the ranks' gradients are summed in another order (measured 1.2e-7; the loss within 9e-8).
# bfloat16: each rank rounds its share of the gradients of the read-out and of the recurrence to bfloat16 before
# DDP averages them (measured 9.4e-5, in the embedding; the head alone in bfloat16 5.3e-6, the loss within 2.2e-7).
# The drift grows with the steps: docs/training.md has the figures.
WEIGHTS_WITHIN = {"float32": 1e-6, "bfloat16": 3e-4, "next_word": 1e-6}
LOSS_WITHIN = {"float32": 1e-5, "bfloat16": 1e-5, "next_word": 1e-5}


class Interrupted(Exception):
    pass


def _free_port() -> int:
    return _free_ports(1)[0]


def _free_ports(count: int) -> list[int]:
    """`count` different free ports (each probe stays bound until all are drawn, so none is drawn twice)."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def _spawn_ranks(function, world: int, *args, limit_s: float = 240.0) -> None:
    """function(rank, world, *args) in `world` processes; a rank that hangs (a collective left waiting) fails the
    test after `limit_s` instead of holding the suite until gloo's half-hour timeout."""
    ranks = mp.spawn(function, args=(world, *args), nprocs=world, join=False)
    deadline = time.monotonic() + limit_s
    while not ranks.join(timeout=5):  # raises as soon as a rank fails
        if time.monotonic() > deadline:
            for process in ranks.processes:
                process.kill()
            pytest.fail(f"{world} ranks still running after {limit_s:.0f} s: a collective hung")


def configured(head: str):
    """CONFIG with the read-out head and the recurrence in `head`, every read-out cell supervised: a sample of the
    "unknown" cells is drawn per rank, so two ranks would not supervise the cells one process does. "next_word":
    float32, with the bundled mysteries as a corpus and the next-word objective on them, whose projection is used
    outside the reader's forward (model.objective.next_word_term)."""
    bfloat16 = head == "bfloat16"
    config = replace(CONFIG, bfloat16_readout=bfloat16, bfloat16_recurrence=bfloat16, unknown_readout_sample=1.0)
    if head == "next_word":
        config = replace(config, corpus_share=0.5, corpus=str(MYSTERIES), next_word_weight=0.5)
    return config


def _everywhere(device: object) -> bool:
    return True  # bfloat16 even where the CPU only emulates it (slowly): every machine tests the bfloat16 head


def _losses(reports: list[dict]) -> list[float]:
    return [status["loss"] for status in reports if "loss" in status]


def _rank(rank: int, world: int, port: int, out: str, head: str) -> None:
    os.environ.update(
        RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port)
    )
    model.objective.native_bfloat16 = _everywhere  # a spawned rank's own module
    reports: list[dict] = []
    train(configured(head), Path(out), "test: 2 ranks", reports.append)
    Path(f"{out}.{rank}.losses.json").write_text(json.dumps(_losses(reports)))


@pytest.mark.parametrize("head", ["float32", pytest.param("bfloat16", marks=needs_bfloat16_lstm), "next_word"])
def test_two_ranks_equal_one_process_on_the_same_global_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head: str
) -> None:
    monkeypatch.setattr(model.objective, "native_bfloat16", _everywhere)
    reports: list[dict] = []
    train(configured(head), tmp_path / "one", "test: 1 process", reports.append)
    _spawn_ranks(_rank, 2, _free_port(), str(tmp_path / "two"), head)
    one, two = load_checkpoint(tmp_path / "one"), load_checkpoint(tmp_path / "two")
    assert two.meta["metrics"]["steps"] == one.meta["metrics"]["steps"] == 4
    assert (one.meta["metrics"]["ranks"], two.meta["metrics"]["ranks"]) == (1, 2)
    for rank in (0, 1):  # every rank reports the whole batch's loss, not its share of it
        losses = json.loads((tmp_path / f"two.{rank}.losses.json").read_text())
        np.testing.assert_allclose(losses, _losses(reports), rtol=LOSS_WITHIN[head])
    for name, array in one.weights.items():
        np.testing.assert_allclose(two.weights[name], array, rtol=0, atol=WEIGHTS_WITHIN[head], err_msg=name)
    assert not np.allclose(one.weights["embed.weight"], 0)
    assert ("next_word.weight" in one.weights) == (head == "next_word")  # compared above with the rest


def _stop_after(step: int):
    def report(status: dict) -> None:
        if status.get("step") == step:
            raise Interrupted

    return report


def _interrupted_rank(rank: int, world: int, ports: list[int], out: str) -> None:
    os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank), MASTER_ADDR="127.0.0.1")
    config = replace(CONFIG, steps=6, eval_every=3)
    os.environ["MASTER_PORT"] = str(ports[0])
    train(config, Path(out) / "whole", "test: 2 ranks")
    os.environ["MASTER_PORT"] = str(ports[1])
    with pytest.raises(Interrupted):  # every rank stops after step 5, the last checkpoint at step 3
        train(config, Path(out) / "cut", "test: 2 ranks", _stop_after(5))
    # The resumed run meets on a port of its own, as a new torchrun would: a group formed again on the cut run's
    # port could read the keys that run left in the store there (it failed with "Connection reset by peer").
    os.environ["MASTER_PORT"] = str(ports[2])
    train(config, Path(out) / "cut", "test: 2 ranks", resume=True)


def test_two_ranks_interrupted_and_resumed_equal_two_ranks_uninterrupted(tmp_path: Path) -> None:
    _spawn_ranks(_interrupted_rank, 2, _free_ports(3), str(tmp_path))
    whole, cut = load_checkpoint(tmp_path / "whole"), load_checkpoint(tmp_path / "cut")
    assert cut.meta["metrics"]["steps"] == whole.meta["metrics"]["steps"] == 6
    for name, array in whole.weights.items():
        np.testing.assert_array_equal(cut.weights[name], array, err_msg=name)


@pytest.mark.parametrize(("rank", "speaks"), [(0, True), (1, False), (2, False)])
def test_a_batch_that_does_not_split_is_refused_by_every_rank_and_said_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], rank: int, speaks: bool
) -> None:
    monkeypatch.setenv("RANK", str(rank))
    monkeypatch.setenv("LOCAL_RANK", str(rank))
    monkeypatch.setenv("WORLD_SIZE", "3")
    monkeypatch.setattr(commands.train, "REFUSAL_GRACE_S", 0.0)
    code = main(["train", "--preset", "tiny", "--steps", "2", "--out", str(tmp_path / "out")])
    said = capsys.readouterr().out
    assert code == 2
    assert ("16 cases per step do not split evenly over 3 ranks" in said) == speaks, said
    assert speaks or not said


@pytest.mark.skipif(shutil.which("torchrun", path=os.path.dirname(sys.executable)) is None, reason="no torchrun")
def test_torchrun_reports_the_refusal_of_rank_0_as_the_root_cause(tmp_path: Path) -> None:
    """torchrun adds its own ChildFailedError report to any failure; the message and rank 0's code come first."""
    torchrun = shutil.which("torchrun", path=os.path.dirname(sys.executable))
    command = [torchrun, "--standalone", "--nproc_per_node=3", "-m", "commands.cli", "train", "--preset", "tiny"]
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 1
    assert done.stdout.count("16 cases per step do not split evenly over 3 ranks") == 1, done.stdout
    root_cause = done.stderr.split("Root Cause")[-1]
    assert "rank      : 0" in root_cause and "exitcode  : 2" in root_cause, done.stderr
