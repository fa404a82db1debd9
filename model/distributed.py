"""Data-parallel training without a framework, the nanoGPT way: torchrun sets RANK/WORLD_SIZE/LOCAL_RANK.

    torchrun --standalone --nproc_per_node=2 $(which whodunit) train --model lstm --out runs/lstm
    torchrun --nnodes=2 --node_rank=0 --nproc_per_node=8 --rdzv_backend=c10d \\
             --rdzv_endpoint=HOST:29500 $(which whodunit) train --device cuda --out runs/lstm   # on each machine

Every rank plans the same steps from the same seed and builds a disjoint slice of each global batch; DDP
averages the gradients; rank 0 alone validates, shows progress and writes checkpoints. CPU ranks talk
over gloo, CUDA ranks over NCCL, one GPU each (LOCAL_RANK).
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from model.readers import Reader


@dataclass(frozen=True)
class Ranks:
    """Where this process stands in a data-parallel run."""

    rank: int = 0
    world: int = 1
    local: int = 0

    @property
    def leader(self) -> bool:
        return self.rank == 0

    def total(self, value: torch.Tensor) -> torch.Tensor:
        """`value` summed over every rank (itself, in one process), on the device it came from. NCCL reduces GPU
        tensors only, so under NCCL a CPU value (a flag, a count) travels through this rank's GPU and back."""
        if self.world > 1:
            home = value.device
            if home.type != "cuda" and dist.get_backend() == "nccl":
                value = value.to(resolve_device("cuda", self))
            value = value.clone()
            dist.all_reduce(value)
            value = value.to(home)
        return value

    def summed(self, shares: dict[str, float]) -> dict[str, float]:
        """Each rank's share of whole-batch numbers (the parts of a loss normalised by global counts), summed
        over the ranks: the numbers one process reports for the whole batch."""
        if self.world == 1:
            return shares
        values = self.total(torch.tensor(list(shares.values()), dtype=torch.float64))
        return dict(zip(shares, values.tolist(), strict=True))


def launched_ranks() -> Ranks:
    """This process's place in a torchrun launch; one rank of one when run directly."""
    return Ranks(
        int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1)), int(os.environ.get("LOCAL_RANK", 0))
    )


def resolve_device(name: str, ranks: Ranks) -> torch.device:
    """ "auto" -> CUDA when there is one; under torchrun, CUDA ranks take the GPU of their LOCAL_RANK."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("--device cuda, but torch sees no CUDA device here")
        return torch.device("cuda", ranks.local % torch.cuda.device_count())
    return torch.device("cpu")


def start(ranks: Ranks, device: torch.device) -> None:
    if ranks.world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")


def stop(ranks: Ranks) -> None:
    """Leave the process group; DDP wrappers freed but still in a reference cycle are collected first, so that
    the group's last reference goes with it, now, on every rank alike."""
    if ranks.world > 1 and dist.is_initialized():
        gc.collect()
        dist.destroy_process_group()


def wrapped(model: Reader, ranks: Ranks, device: torch.device) -> nn.Module:
    """The reader as training calls it: itself in one process, wrapped in DDP (which averages the gradients of
    every rank's slice) when there are ranks."""
    if ranks.world == 1:
        return model
    return DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)


ALONE = Ranks()  # a run in one process
