"""Training a reader on generated cases: the recipe of docs/model.md (first found in docs/research/).

    whodunit train --model lstm --preset tiny --out runs/tiny-lstm

Each step draws cases (model.training_data), turns them into per-token targets from the oracle, and minimises
the objective of model.objective; the learning rate follows the recipe's cosine (model.recipe). Validation
uses cases from a run seed that training never draws from. Everything that decides the next step (weights,
optimiser, curriculum, data position, random state) is in the checkpoint, so a resumed run continues exactly
where it stopped.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, astuple, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch

from model.checkpoint import (
    META,
    STATE,
    STATE_META,
    CheckpointError,
    load_checkpoint,
    load_state,
    recover,
    save_checkpoint,
)
from model.distributed import launched_ranks, reading, resolve_device, start, stop
from model.evaluate import reader_traces
from model.metrics import score
from model.objective import losses
from model.readers import Reader, ReaderConfig, initialise_recurrent
from model.recipe import HIDDEN, TrainConfig, learning_rate, level_config
from model.run_log import LOG, TRAIN_ROW_EVERY, RunLogError, TrainRows, encode_rows, read_rows, validation_row
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
def validate(model: Reader, cases: list[CaseTargets], vocabulary: Vocabulary) -> dict[str, Any]:
    """The headline metrics over the held-out cases (`whodunit eval` reports them all), and the memory curve
    (read-out recall by distance) under "recall_by_distance"."""
    scores = score(cases, reader_traces(model, cases, vocabulary), vocabulary.words)
    headline = {
        name: round(float(getattr(scores, name)), 4)
        for name in ("final_accuracy", "decided_accuracy", "cleared_mass", "long_range_accuracy", "ece")
    }
    return headline | {"recall_by_distance": [list(band) for band in scores.recall_by_distance or ()]}


def tensorboard_writer(out: Path, resumed_at: int) -> Any:
    """A TensorBoard SummaryWriter into `out`/tensorboard where the `tensorboard` package is installed (never
    required: None without it). A resumed run purges the events after its checkpoint, as the log does."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        return None
    return SummaryWriter(str(out / "tensorboard"), purge_step=resumed_at + 1 if resumed_at else None)


def log_to_tensorboard(writer: Any, row: dict[str, Any]) -> None:
    """One log row as scalars: train/loss, validation/final_accuracy, memory/50-99 ..."""
    if writer is None:
        return
    step = row["step"]
    for name, value in row.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name not in ("step", "kind"):
            writer.add_scalar(f"{row['kind']}/{name}", value, step)
    for band, recall in row.get("recall_by_distance", []):
        writer.add_scalar(f"memory/{band}", recall, step)


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


class TrainingDiverged(Exception):
    """The loss or the gradient stopped being a finite number: the run stopped, its last checkpoint kept."""


def diverged(loss: float, norm: float, step: int, out: Path, saved_at: int) -> str:
    """What to tell the user when a step's loss or gradient is not finite (the step is not applied)."""
    kept = f"the last good checkpoint (step {saved_at})" if saved_at else "nothing (no checkpoint yet)"
    return (
        f"the loss turned {loss:g} (gradient norm {norm:g}) at step {step}; stopped before applying it, and "
        f"{out} keeps {kept}. Try a lower learning_rate or clip"
    )


def restore(out: Path, model: Reader, optimizer: torch.optim.Optimizer, config: TrainConfig) -> Progress:
    """Load weights, optimiser and random state from the checkpoint in `out` (an interrupted save already
    finished: `recover`); CheckpointError if unusable.

    Every part is checked against this run before any is used: the weights against the reader `config`
    builds, each optimiser tensor against its parameter, the progress field by field.
    """
    checkpoint = load_checkpoint(out)  # checked whole against its own config
    model_config = model.config.to_dict()
    for key, value in checkpoint.meta["config"].items():
        if model_config[key] != value:
            raise CheckpointError(
                f"{out / META}: config.{key} is {value}, but the run's training settings make {model_config[key]}"
            )
    tensors, document = load_state(out, checkpoint.meta["weights_sha256"])
    parameters = list(model.parameters())
    state: dict[int, dict[str, torch.Tensor]] = {}
    for name, array in tensors.items():
        if name == "torch_rng":
            continue
        index, _, key = name.removeprefix("optimizer.").partition(".")
        if not name.startswith("optimizer.") or not index.isascii() or not index.isdigit():
            raise CheckpointError(f"{out / STATE}: tensor '{name}' is not part of a training state")
        if int(index) >= len(parameters) or key not in OPTIMIZER_KEYS:
            raise CheckpointError(f"{out / STATE}: tensor '{name}' names no state of this run's optimiser")
        wanted = (1,) if key == "step" else tuple(parameters[int(index)].shape)  # safetensors stores () as (1,)
        if (
            array.shape not in (wanted, () if key == "step" else wanted)
            or not np.issubdtype(array.dtype, np.floating)
            or not np.isfinite(array).all()
        ):
            raise CheckpointError(
                f"{out / STATE}: tensor '{name}' is {array.dtype} {array.shape}; expected finite floats {wanted}"
            )
        state.setdefault(int(index), {})[key] = torch.from_numpy(np.array(array))
    incomplete = [index for index, entries in state.items() if set(entries) != set(OPTIMIZER_KEYS)]
    if incomplete or (state and len(state) != len(parameters)):
        raise CheckpointError(
            f"{out / STATE}: the optimiser state is incomplete (parameters {len(state)} of {len(parameters)})"
        )
    rng_state = tensors.get("torch_rng")
    expected_rng = torch.get_rng_state()
    if rng_state is None or rng_state.dtype != np.uint8 or rng_state.shape != tuple(expected_rng.shape):
        raise CheckpointError(f"{out / STATE}: 'torch_rng' is missing or not a torch random state")
    progress = checked_progress(document.get("progress"), config, out / STATE_META)
    model.load_state_dict({name: torch.from_numpy(np.array(array)) for name, array in checkpoint.weights.items()})
    # The parameter groups (betas, weight decay, ...) follow from `config`, which matched: this run's own are
    # used, so a tampered copy in resume.json cannot reach AdamW. The learning rate is set anew every step.
    optimizer.load_state_dict({"state": state, "param_groups": optimizer.state_dict()["param_groups"]})
    torch.set_rng_state(torch.from_numpy(np.array(rng_state)))
    return progress


OPTIMIZER_KEYS = ("step", "exp_avg", "exp_avg_sq")  # AdamW's state per parameter
SHARED_PARTS = ("loss", "bce", "kl", "culprit", "readout", "activation")  # per rank: its share of the whole batch's


def checked_progress(document: object, config: TrainConfig, source: Path) -> Progress:
    """The Progress a resume.json holds, each field of the right type and within this run; CheckpointError says
    which field is wrong and how."""

    def fail(what: str) -> CheckpointError:
        return CheckpointError(f"{source}: progress.{what}")

    def whole(value: object, least: int = 0, most: int = 2**63 - 1) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and least <= value <= most

    def number(value: object) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    if not isinstance(document, dict):
        raise CheckpointError(f"{source}: 'progress' must be an object")
    known = {item.name for item in fields(Progress)}
    unknown = sorted(str(key) for key in document if key not in known)
    if unknown:
        raise fail(f"{unknown[0]}: not a field of a run's progress ({', '.join(sorted(known))})")
    progress = Progress(**document)
    levels = len(config.levels)
    if not whole(progress.step, 0, config.steps):
        raise fail(f"step is {progress.step!r}; expected a whole number from 0 to the run's {config.steps} steps")
    if not whole(progress.level, 0, levels - 1):
        raise fail(f"level is {progress.level!r}; the run's curriculum has levels 0 to {levels - 1}")
    for name in ("drawn", "at_level", "tokens"):
        if not whole(getattr(progress, name)):
            raise fail(f"{name} is {getattr(progress, name)!r}; expected a whole number, 0 or more")
    if not number(progress.seconds) or progress.seconds < 0:
        raise fail(f"seconds is {progress.seconds!r}; expected a number of seconds, 0 or more")
    if not isinstance(progress.recent, list) or len(progress.recent) > 25 or not all(map(number, progress.recent)):
        raise fail("recent: expected a list of at most 25 batch accuracies")
    try:
        np.random.default_rng().bit_generator.state = progress.rng
    except (TypeError, ValueError, KeyError, OverflowError):
        raise fail("rng: not a numpy random state") from None
    planned = progress.planned
    if planned and not (
        isinstance(planned, list)
        and len(planned) == 3
        and whole(planned[0], 0, levels - 1)
        and isinstance(planned[1], bool)
        and whole(planned[2])
    ):
        raise fail("planned: expected [level, replay, first case] for the next step")
    return progress


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
    vocabulary = reader_vocabulary(config.lemmas)
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
    if resume:  # the leader alone finishes an interrupted save; the others wait for it (an all-reduce)
        if ranks.leader:
            recover(out)
        ranks.total(torch.zeros(()))
    progress = restore(out, model, optimizer, config) if resume else Progress()
    if resume:
        rng.bit_generator.state = progress.rng
    log = resumed_log(out, progress.step) if resume and ranks.leader else []
    train_rows = TrainRows(math.gcd(TRAIN_ROW_EVERY, config.eval_every))  # a periodic checkpoint ends a row
    board = tensorboard_writer(out, progress.step) if ranks.leader else None
    metrics: dict[str, float] = {}
    session_start, seconds_before = time.perf_counter(), progress.seconds

    def elapsed() -> float:
        return seconds_before + time.perf_counter() - session_start

    saved_at = progress.step  # the step of the checkpoint in `out` (0: none yet)

    def checkpoint() -> None:
        nonlocal metrics, saved_at
        if not ranks.leader:
            return
        validation = validate(model, held_out, vocabulary)
        row = validation_row(progress.step, config.levels[progress.level], validation, elapsed() / 60)
        if log and log[-1]["kind"] == "validation" and log[-1]["step"] == progress.step:
            log[-1] = row  # a finished run resumed: its last step validated again, not logged twice
        else:
            log.append(row)
        log_to_tensorboard(board, row)
        metrics = {
            **{name: value for name, value in validation.items() if name != "recall_by_distance"},
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
                "lemmas": vocabulary.lemmas,
                "training": {"command": command, **asdict(config)},
                "metrics": metrics,
            },
            state,
            state_meta,
            encode_rows(log),
        )
        saved_at = progress.step
        if board is not None:
            board.flush()

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
        parts |= ranks.summed({name: parts[name] for name in SHARED_PARTS})  # the whole batch's, on every rank
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip)
        if ranks.total(torch.tensor(float(not (torch.isfinite(loss) and torch.isfinite(norm))))) > 0:
            builder.shutdown(cancel_futures=True)
            if board is not None:
                board.close()
            stop(ranks)
            raise TrainingDiverged(diverged(float(loss.detach()), float(norm), progress.step + 1, out, saved_at))
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
        status = {
            **parts,
            "step": progress.step,
            "steps": config.steps,
            "minutes_limit": config.minutes,
            "level": config.levels[progress.level],
            "tokens_per_second": progress.tokens / max(elapsed(), 1e-9),
            "learning_rate": optimizer.param_groups[0]["lr"],
            "elapsed": elapsed(),
        }
        report(status)
        row = train_rows.add(
            progress.step,
            status["level"],
            {name: float(status[name]) for name in ("loss", "accuracy", "tokens_per_second", "learning_rate")},
            elapsed() / 60,
        )
        if row is not None and ranks.leader:
            log.append(row)
            log_to_tensorboard(board, row)
        if progress.step % config.eval_every == 0:
            checkpoint()
            report({"validation": metrics})
    builder.shutdown(cancel_futures=True)
    if saved_at != progress.step or not metrics:  # the last step's checkpoint, unless the loop just saved it
        last = train_rows.flush(progress.step, config.levels[progress.level], elapsed() / 60)
        if last is not None and ranks.leader:
            log.append(last)
            log_to_tensorboard(board, last)
        checkpoint()
        report({"validation": metrics})
    if board is not None:
        board.close()
    stop(ranks)
    return metrics


def resumed_log(out: Path, step: int) -> list[dict[str, Any]]:
    """The log rows of the checkpoint a run resumes from (none for a run from before the log existed)."""
    if not (out / LOG).exists():
        return []
    try:
        return read_rows(out, up_to_step=step)
    except RunLogError as exc:
        raise CheckpointError(str(exc)) from None
