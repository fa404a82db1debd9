"""Two data-parallel ranks on localhost train exactly what one process trains on the same global batch."""

from __future__ import annotations

import os
import socket
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch.multiprocessing as mp

from model.checkpoint import load_checkpoint
from model.recipe import TRAIN_PRESETS
from model.train import train

CONFIG = replace(TRAIN_PRESETS["tiny"], steps=4, batch_cases=4, eval_cases=4, eval_every=1000)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rank(rank: int, world: int, port: int, out: str) -> None:
    os.environ.update(
        RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port)
    )
    train(CONFIG, Path(out), "test: 2 ranks")


def test_two_ranks_equal_one_process_on_the_same_global_batch(tmp_path: Path) -> None:
    train(CONFIG, tmp_path / "one", "test: 1 process")
    mp.spawn(_rank, args=(2, _free_port(), str(tmp_path / "two")), nprocs=2, join=True)
    one, two = load_checkpoint(tmp_path / "one"), load_checkpoint(tmp_path / "two")
    assert two.meta["metrics"]["steps"] == one.meta["metrics"]["steps"] == 4
    assert (one.meta["metrics"]["ranks"], two.meta["metrics"]["ranks"]) == (1, 2)
    for name, array in one.weights.items():
        np.testing.assert_allclose(two.weights[name], array, atol=1e-5, err_msg=name)
    assert not np.allclose(one.weights["embed.weight"], 0)
