"""Training a reader on generated cases: the recipe of docs/model.md (first found in docs/research/).

    whodunit train --model lstm --preset tiny --out runs/tiny-lstm

Each step draws cases (model.training_data), turns them into per-token targets from the oracle, and minimises
the objective of model.objective; the learning rate follows the recipe's cosine (model.recipe). Validation
uses cases from a run seed that training never draws from. Everything that decides the next step (weights,
optimiser, curriculum, data position, random state) is in the checkpoint, so a resumed run continues exactly
where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, astuple, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from model.checkpoint import CheckpointError, load_checkpoint, load_state, recover, save_checkpoint
from model.distributed import launched_ranks, reading, resolve_device, start, stop
from model.evaluate import reader_traces
from model.metrics import score
from model.objective import losses
from model.readers import Reader, ReaderConfig, initialise_recurrent
from model.recipe import HIDDEN, TrainConfig, learning_rate, level_config
from model.targets import CaseTargets
from model.tokenizer import Vocabulary
from model.training_data import CaseSource, Plan, reader_vocabulary, validation_cases
from story import Story
from story.generator import generate_cases


@dataclass
class Progress:
    """Where a run stands: what a checkpoint must hold, besides weights and optimiser, to resume exactly."""

    step: int = 0
    drawn: int = 0  # generated cases consumed so far (case i of the run has seed case_seed(seed, i))
    level: int = 0
    recent: list[float] = field(default_factory=list)  # batch accuracies at the current level, for levelling up
    at_level: int = 0  # steps trained at the current level (replays not counted)
    tokens: int = 0
    seconds: float = 0.0  # optimisation time, summed over resumed sessions
    rng: dict[str, Any] = field(default_factory=dict)  # numpy bit generator state
    planned: list[Any] = field(default_factory=list)  # the next step's Plan, already drawn


@torch.no_grad()
def validate(model: Reader, cases: list[CaseTargets], vocabulary: Vocabulary) -> dict[str, float]:
    """The headline metrics over the held-out cases (`whodunit eval` reports them all)."""
    metrics = score(cases, reader_traces(model, cases, vocabulary), vocabulary.words)
    return {
        name: round(float(metrics[name]), 4)  # type: ignore[arg-type]
        for name in ("final_accuracy", "decided_accuracy", "cleared_mass", "long_range_accuracy", "ece")
    }


def training_state(model: Reader, optimizer: torch.optim.Optimizer, progress: Progress) -> tuple[dict, dict]:
    """Tensors and a JSON document holding everything a resumed run needs besides the weights."""
    saved = optimizer.state_dict()
    tensors = {
        f"optimizer.{index}.{key}": value.detach().cpu().numpy()
        for index, entries in saved["state"].items()
        for key, value in entries.items()
    }
    tensors["torch_rng"] = torch.get_rng_state().numpy()
    return tensors, {"progress": asdict(progress), "param_groups": saved["param_groups"]}


def restore(out: Path, model: Reader, optimizer: torch.optim.Optimizer) -> Progress:
    """Finish an interrupted save in `out`, then load weights, optimiser and random state from its checkpoint;
    CheckpointError if unusable."""
    recover(out)
    checkpoint = load_checkpoint(out)
    tensors, document = load_state(out, checkpoint.meta["weights_sha256"])
    try:
        model.load_state_dict({name: torch.from_numpy(np.array(array)) for name, array in checkpoint.weights.items()})
        state: dict[int, dict[str, torch.Tensor]] = {}
        for name, array in tensors.items():
            if name.startswith("optimizer."):
                _, index, key = name.split(".", 2)
                state.setdefault(int(index), {})[key] = torch.from_numpy(np.array(array))
        optimizer.load_state_dict({"state": state, "param_groups": document["param_groups"]})
        torch.set_rng_state(torch.from_numpy(np.array(tensors["torch_rng"])))
        return Progress(**document["progress"])
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{out}: the training state does not fit this run: {exc}") from None


def train(
    config: TrainConfig,
    out: Path,
    command: str,
    report: Callable[[dict[str, Any]], None] = lambda status: None,
    pool: list[Story] | None = None,
    resume: bool = False,
) -> dict[str, float]:
    """Train one reader; checkpoints go to `out` every `eval_every` steps and at the end. Returns the metrics.

    With `resume`, the run continues from the checkpoint in `out` (which `config` must match) and ends with
    the weights an uninterrupted run would have.
    """
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    ranks = launched_ranks()
    device = resolve_device(config.device, ranks)
    if config.batch_cases % ranks.world:
        raise ValueError(f"{config.batch_cases} cases per step do not split evenly over {ranks.world} ranks")
    start(ranks, device)
    vocabulary = reader_vocabulary()
    reader_config = ReaderConfig(config.kind, len(vocabulary), config.embedding, config.hidden or HIDDEN[config.kind])
    model = Reader(reader_config)
    if config.orthogonal_init:
        initialise_recurrent(model)
    model = model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    read = reading(model, ranks, device, config.truncate)
    held_out = validation_cases(config, vocabulary) if ranks.leader else []
    if pool is None and config.pool_cases:
        difficulty, generator = level_config(config.levels[-1])
        pool = list(generate_cases(config.seed, config.pool_cases, difficulty, generator))
    source = CaseSource(config, pool)
    rng = np.random.default_rng(config.seed)
    progress = restore(out, model, optimizer) if resume else Progress()
    if resume:
        rng.bit_generator.state = progress.rng
    metrics: dict[str, float] = {}
    session_start, seconds_before = time.perf_counter(), progress.seconds

    def elapsed() -> float:
        return seconds_before + time.perf_counter() - session_start

    def checkpoint() -> None:
        nonlocal metrics
        if not ranks.leader:
            return
        metrics = {
            **validate(model, held_out, vocabulary),
            "steps": progress.step,
            "tokens": progress.tokens,
            "minutes": round(elapsed() / 60, 2),
            "level": config.levels[progress.level],
            "ranks": ranks.world,
        }
        weights = {name: tensor.detach().cpu().numpy() for name, tensor in model.state_dict().items()}
        progress.seconds, progress.rng = elapsed(), rng.bit_generator.state
        state, state_meta = training_state(model, optimizer, progress)
        save_checkpoint(
            out,
            weights,
            {
                "config": reader_config.to_dict(),
                "vocabulary": list(vocabulary.words),
                "training": {"command": command, **asdict(config)},
                "metrics": metrics,
            },
            state,
            state_meta,
        )

    def finished() -> bool:
        if progress.step >= config.steps:
            return True
        if pool is not None and config.epochs and progress.drawn >= config.epochs * len(pool):
            return True
        out_of_time = torch.tensor(float(elapsed() / 60 >= config.minutes))
        return bool(ranks.total(out_of_time) > 0)  # every rank stops at the same step

    model.train()
    builder = ThreadPoolExecutor(max_workers=1)  # pure Python, so it runs while torch's kernels drop the GIL
    plan = Plan(*progress.planned) if progress.planned else source.plan(progress, rng)
    pending = builder.submit(source.batch, plan, vocabulary, ranks)
    while not finished():
        batch, replay = pending.result().to(device), plan.replay
        plan = source.plan(progress, rng)
        progress.planned = list(astuple(plan))
        pending = builder.submit(source.batch, plan, vocabulary, ranks)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(config, progress.step)
        loss, parts = losses(model, batch, config, progress.step, read, ranks.total, ranks.world)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip)
        optimizer.step()
        progress.step += 1
        progress.tokens += int(ranks.total((batch.views > 0).sum()))  # tokens read, every suspect's reading
        if not replay and pool is None:  # a level-up shows from the step after next: plans run one ahead
            progress.recent = [*progress.recent[-24:], parts["accuracy"]]
            progress.at_level += 1
            ready = len(progress.recent) == 25 and np.mean(progress.recent) >= config.level_up_accuracy
            ready = ready or 0 < config.level_steps <= progress.at_level
            if ready and progress.level + 1 < len(config.levels):
                progress.level, progress.recent, progress.at_level = progress.level + 1, [], 0
        report(
            {
                **parts,
                "step": progress.step,
                "steps": config.steps,
                "level": config.levels[progress.level],
                "tokens_per_second": progress.tokens / max(elapsed(), 1e-9),
                "elapsed": elapsed(),
            }
        )
        if progress.step % config.eval_every == 0:
            checkpoint()
            report({"validation": metrics})
    builder.shutdown(cancel_futures=True)
    checkpoint()
    stop(ranks)
    return metrics
