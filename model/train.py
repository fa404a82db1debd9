"""Training a reader on generated cases: the recipe of docs/model.md (first found in docs/research/).

    whodunit train --model lstm --preset tiny --out runs/tiny-lstm
    torchrun --standalone --nproc_per_node=2 -m commands.cli train --model lstm --out runs/lstm   # both cores

`train` reads top to bottom: `begin` sets the run up; then each step takes the batch built in the background,
plans the next, `optimise`s (the reader's own forward and model.objective's loss; the learning rate follows
the recipe's cosine, model.recipe), `climb`s the curriculum and `log_step`s; every `eval_every` steps `save`
validates and writes a checkpoint. The cases come from model.training_data; validation uses a run seed that
training never draws from. Everything that decides the next step (weights, optimiser, curriculum, data
position, random state) is in the checkpoint (model.resume), so a resumed run continues exactly where it
stopped.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, astuple, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from model.batch import Batch
from model.checkpoint import CheckpointError, load_checkpoint, recover, save_checkpoint
from model.distributed import Ranks, launched_ranks, resolve_device, start, stop, wrapped
from model.evaluate import reader_from_checkpoint, reader_traces
from model.lemmas import lemma_forms
from model.metrics import score
from model.objective import losses
from model.readers import Reader, ReaderConfig, initialise_identity, initialise_recurrent
from model.recipe import HIDDEN, LEVEL_UP_WINDOW, TrainConfig, learning_rate, level_config
from model.resume import Progress, restore, resumed_log, training_state
from model.run_log import TRAIN_ROW_EVERY, TrainRows, encode_rows, validation_row
from model.targets import CaseTargets
from model.tokenizer import Vocabulary
from model.training_data import CaseSource, Plan, run_vocabulary, validation_cases
from story import Story
from story.generator import generate_cases


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


class TrainingDiverged(Exception):
    """The loss or the gradient stopped being a finite number: the run stopped, its last checkpoint kept."""


def diverged(loss: float, norm: float, step: int, out: Path, saved_at: int) -> str:
    """What to tell the user when a step's loss or gradient is not finite (the step is not applied)."""
    kept = f"the last good checkpoint (step {saved_at})" if saved_at else "nothing (no checkpoint yet)"
    return (
        f"the loss turned {loss:g} (gradient norm {norm:g}) at step {step}; stopped before applying it, and "
        f"{out} keeps {kept}. Try a lower learning_rate or clip"
    )


# The objective's parts that each rank computes as its share of the whole batch's (summed over the ranks)
SHARED_PARTS = ("loss", "bce", "kl", "culprit", "readout", "activation", "next_word")


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
    run = begin(config, out, command, pool, resume)
    builder = ThreadPoolExecutor(max_workers=1)  # pure Python, so it runs while torch's kernels drop the GIL
    try:
        plan = Plan(*run.progress.planned) if run.progress.planned else run.source.plan(run.progress, run.rng)
        pending = builder.submit(run.source.batch, plan, run.vocabulary, run.ranks)
        while not finished(run):
            batch, replay = pending.result().to(run.device), plan.replay
            plan = run.source.plan(run.progress, run.rng)  # the next step's cases, built while this one trains
            run.progress.planned = list(astuple(plan))
            pending = builder.submit(run.source.batch, plan, run.vocabulary, run.ranks)
            parts = optimise(run, batch)
            if not replay and run.pool is None:  # a level-up shows from the step after next: plans run one ahead
                climb(run.progress, parts["accuracy"], config)
            log_step(run, parts, report)
            if run.progress.step % config.eval_every == 0:
                save(run)
                report({"validation": run.metrics})
        builder.shutdown(cancel_futures=True)
        if run.saved_at != run.progress.step or not run.metrics:  # unless the loop has just saved the last step
            last = run.train_rows.flush(run.progress.step, config.levels[run.progress.level], run.minutes())
            if last is not None and run.ranks.leader:
                run.log.append(last)
                log_to_tensorboard(run.board, last)
            save(run)
            report({"validation": run.metrics})
    finally:
        builder.shutdown(cancel_futures=True)
        if run.board is not None:
            run.board.close()
        # Free the DDP wrapper, which holds the process group, here, where every rank is: a run ended by an
        # exception would otherwise keep it alive in the traceback, and a gloo group freed later, once its peers
        # have moved on, can hang in its destructor (the two-rank interrupt-and-resume test, on a loaded machine:
        # 2 of 8 runs hung without this, 0 of 8 with it).
        run.net = run.model
        stop(run.ranks)
    return run.metrics


@dataclass
class Run:
    """One training run's parts, made once by `begin`; the loop's phases below read and advance them."""

    config: TrainConfig
    out: Path
    command: str  # as typed, saved with every checkpoint
    ranks: Ranks
    device: torch.device
    vocabulary: Vocabulary
    model: Reader
    net: nn.Module  # what a step calls: the model, or the model wrapped in DDP
    averaged: Reader | None  # with ema_decay: the moving average of the model's weights, which checkpoints hold
    optimizer: torch.optim.Optimizer
    source: CaseSource
    pool: list[Story] | None  # a fixed set of cases to train on (None: generated fresh, the recipe)
    held_out: list[CaseTargets]  # validation cases (the leader's; empty on the other ranks)
    rng: np.random.Generator  # draws every plan: which level, replay or not
    progress: Progress
    log: list[dict[str, Any]]  # the run log's rows so far (the leader's)
    train_rows: TrainRows
    board: Any  # a TensorBoard writer, or None
    saved_at: int  # the step of the checkpoint in `out` (0: none yet)
    started_from: dict[str, Any]  # with --init: the starting reader's own record (`lineage`); {} otherwise
    metrics: dict[str, Any] = field(default_factory=dict)  # the last validation's, as the checkpoint holds them
    started: float = field(default_factory=time.perf_counter)  # this session's start; progress.seconds is before it

    def elapsed(self) -> float:
        """Seconds of training, summed over resumed sessions."""
        return self.progress.seconds + time.perf_counter() - self.started

    def minutes(self) -> float:
        return self.elapsed() / 60

    def agreed_minutes(self) -> float:
        """The minutes spent as the leader counts them, the same on every rank: each rank's clock reads a little
        differently, and a rate taken from the clock must be one rate for all of them."""
        spent = torch.tensor(self.minutes() if self.ranks.leader else 0.0, dtype=torch.float64)
        return float(self.ranks.total(spent))


def begin(config: TrainConfig, out: Path, command: str, pool: list[Story] | None, resume: bool) -> Run:
    """Set up a run: ranks and device, the reader and its optimiser, the data, and with `resume` the state of
    the checkpoint in `out` (the leader alone finishes a save a kill interrupted; the others wait for it)."""
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    ranks = launched_ranks()
    device = resolve_device(config.device, ranks)
    if config.batch_cases % ranks.world:
        raise ValueError(f"{config.batch_cases} cases per step do not split evenly over {ranks.world} ranks")
    start(ranks, device)
    vocabulary = run_vocabulary(config)
    hidden = config.hidden or HIDDEN[config.kind]
    reader_config = ReaderConfig(
        config.kind, len(vocabulary), config.embedding, hidden, config.nonlinearity, config.next_word_weight > 0
    )
    model = Reader(reader_config)
    if config.orthogonal_init:
        initialise_recurrent(model)
    if config.nonlinearity == "relu":
        initialise_identity(model)
    started_from = warm_start(model, vocabulary, Path(config.init)) if config.init and not resume else {}
    model = model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    averaged = moving_average_of(model) if config.ema_decay else None  # copied before DDP hooks the weights
    net = wrapped(model, ranks, device)
    if averaged is not None:
        averaged.load_state_dict(model.state_dict())  # the leader's weights, which DDP has just given every rank
    held_out = validation_cases(config, vocabulary) if ranks.leader else []
    if pool is None and config.pool_cases:
        difficulty, generator = level_config(config.levels[-1])
        pool = list(generate_cases(config.seed, config.pool_cases, difficulty, generator))
    source = CaseSource(config, pool)
    rng = np.random.default_rng(config.seed)
    progress = Progress()
    if resume:
        if ranks.leader:
            recover(out)
        ranks.total(torch.zeros(()))  # an all-reduce: every rank waits here for the leader's recovery
        progress = restore(out, model, optimizer, config, averaged)
        rng.bit_generator.state = progress.rng
        started_from = load_checkpoint(out).meta.get("started_from", {})  # the --init folder is not needed again
    return Run(
        config=config,
        out=out,
        command=command,
        ranks=ranks,
        device=device,
        vocabulary=vocabulary,
        model=model,
        net=net,
        averaged=averaged,
        optimizer=optimizer,
        source=source,
        pool=pool,
        held_out=held_out,
        rng=rng,
        progress=progress,
        log=resumed_log(out, progress.step) if resume and ranks.leader else [],
        train_rows=TrainRows(math.gcd(TRAIN_ROW_EVERY, config.eval_every)),  # a periodic checkpoint ends a row
        board=tensorboard_writer(out, progress.step) if ranks.leader else None,
        saved_at=progress.step,
        started_from=started_from,
    )


def moving_average_of(model: Reader) -> Reader:
    """A copy of `model` that `follow` keeps at the exponential moving average of its weights; never trained
    itself, so it starts (and, resumed, restarts) from weights it is given."""
    averaged = copy.deepcopy(model).eval()
    averaged.requires_grad_(False)
    return averaged


@torch.no_grad()
def follow(averaged: Reader, model: Reader, decay: float) -> None:
    """Move the average a share 1 - `decay` of the way to the model's weights (every rank alike, since DDP keeps
    the ranks' weights equal)."""
    for (name, mean), (twin, weight) in zip(averaged.state_dict().items(), model.state_dict().items(), strict=True):
        assert name == twin, "the average is a copy of the model, tensor for tensor"
        if mean.is_floating_point():
            mean.lerp_(weight, 1.0 - decay)
        else:
            mean.copy_(weight)


def warm_start(model: Reader, vocabulary: Vocabulary, folder: Path) -> dict[str, Any]:
    """Start `model` from the weights of the reader in `folder` (`whodunit train --init`): fine-tuning a trained
    reader on other cases costs a fraction of training one from nothing. It must be the same reader (kind, sizes,
    lemmas) or its weights would mean nothing here; CheckpointError says what differs. The grammar may have grown
    since it was trained: a word it did not know starts as its `<unk>` row, since that is how it read the word
    until now, and a word the run no longer has is dropped. The next-word projection (ReaderConfig.next_word) is
    training's own: a run with a next-word objective starts it fresh where the reader has none, and a run without
    one leaves it out. A calibrated reader's temperature is in its weights
    and is trained on from there (the new checkpoint records no calibration). Returns the starting reader's
    record (`lineage`), which the new checkpoint keeps as "started_from"."""
    checkpoint = load_checkpoint(folder)
    source = reader_from_checkpoint(checkpoint)
    theirs = source.config
    differs = [
        f"{name} {getattr(theirs, name)!r} (this run's {value!r})"
        for name, value in asdict(model.config).items()
        if name not in ("vocab_size", "next_word") and getattr(theirs, name) != value
    ]
    stored = checkpoint.vocabulary
    if stored.lemmas != vocabulary.lemmas:
        differs.append(f"lemmas {stored.lemmas} (this run's {vocabulary.lemmas})")
    if differs:
        raise CheckpointError(f"{folder} holds another reader: {', '.join(differs)}; --init needs the run's own")
    weights = source.state_dict()
    taken = torch.tensor(stored.rows_of(vocabulary.words))
    weights["embed.weight"] = weights["embed.weight"][taken]  # (V, E) in this run's order
    if not model.config.next_word:
        weights.pop("next_word.weight", None)  # a projection this run has no objective for
    elif "next_word.weight" not in weights:
        weights["next_word.weight"] = model.next_word.weight.detach().clone()  # a fresh one, as a new run's
    model.load_state_dict(weights)
    return lineage(checkpoint.meta)


def lineage(meta: dict[str, Any]) -> dict[str, Any]:
    """What a checkpoint started from, to keep in one trained from it: the command and metrics that made it, its
    calibration, and what it started from in turn, so that a reader trained in stages describes every stage."""
    keys = ("metrics", "calibration", "started_from")
    return {"command": meta.get("training", {}).get("command", "")} | {key: meta[key] for key in keys if key in meta}


def finished(run: Run) -> bool:
    """Whether the run stops before another step: its steps done, its pool's epochs read, or its minutes up
    (decided together, so that every rank stops at the same step)."""
    config, progress = run.config, run.progress
    if progress.step >= config.steps:
        return True
    if run.pool is not None and config.epochs and progress.drawn >= config.epochs * len(run.pool):
        return True
    out_of_time = torch.tensor(float(run.minutes() >= config.minutes))
    return bool(run.ranks.total(out_of_time) > 0)


def optimise(run: Run, batch: Batch) -> dict[str, float]:
    """One step of AdamW on the objective, at the recipe's learning rate; the objective's parts for the whole
    batch. A loss or gradient that is not finite stops the run before it touches the weights (TrainingDiverged)."""
    config, progress, ranks = run.config, run.progress, run.ranks
    spent = run.agreed_minutes() if config.decay_with_minutes else 0.0
    for group in run.optimizer.param_groups:
        group["lr"] = learning_rate(config, progress.step, spent)
    loss, parts = losses(run.net, batch, config, progress.step, ranks.total, ranks.world, ranks.rank)
    parts |= ranks.summed({name: parts[name] for name in SHARED_PARTS})  # the whole batch's, on every rank
    run.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(run.model.parameters(), config.clip)
    if ranks.total(torch.tensor(float(not (torch.isfinite(loss) and torch.isfinite(norm))))) > 0:
        raise TrainingDiverged(diverged(float(loss.detach()), float(norm), progress.step + 1, run.out, run.saved_at))
    run.optimizer.step()
    if run.averaged is not None:
        follow(run.averaged, run.model, config.ema_decay)
    progress.step += 1
    progress.tokens += int(ranks.total((batch.views > 0).sum()))  # tokens read, every suspect's reading
    return parts


def climb(progress: Progress, accuracy: float, config: TrainConfig) -> None:
    """The curriculum: move up a level once the batch accuracy, averaged over the last LEVEL_UP_WINDOW steps at
    this level, reaches `level_up_accuracy`, or after `level_steps` steps at it (when set)."""
    progress.recent = [*progress.recent[-(LEVEL_UP_WINDOW - 1) :], accuracy]
    progress.at_level += 1
    ready = len(progress.recent) == LEVEL_UP_WINDOW and np.mean(progress.recent) >= config.level_up_accuracy
    ready = ready or 0 < config.level_steps <= progress.at_level
    if ready and progress.level + 1 < len(config.levels):
        progress.level, progress.recent, progress.at_level = progress.level + 1, [], 0


def log_step(run: Run, parts: dict[str, float], report: Callable[[dict[str, Any]], None]) -> None:
    """Tell the display how the step went, and add a row to the run log every TRAIN_ROW_EVERY steps."""
    config, progress = run.config, run.progress
    status = {
        **parts,
        "step": progress.step,
        "steps": config.steps,
        "minutes_limit": config.minutes,
        "level": config.levels[progress.level],
        "tokens_per_second": progress.tokens / max(run.elapsed(), 1e-9),
        "learning_rate": run.optimizer.param_groups[0]["lr"],
        "elapsed": run.elapsed(),
    }
    report(status)
    row = run.train_rows.add(
        progress.step,
        status["level"],
        {name: float(status[name]) for name in ("loss", "accuracy", "tokens_per_second", "learning_rate")},
        run.minutes(),
    )
    if row is not None and run.ranks.leader:
        run.log.append(row)
        log_to_tensorboard(run.board, row)


def kept_checkpoint(out: Path, step: int) -> Path:
    """Where `keep_checkpoints` keeps the reader saved at `step`: zero-padded, so that the folders sort by step."""
    return out / "steps" / f"{step:09d}"


def save(run: Run) -> None:
    """Validate on the held-out cases and write a checkpoint with everything a resume needs (the leader only)."""
    if not run.ranks.leader:
        return
    config, progress = run.config, run.progress
    reader = run.model if run.averaged is None else run.averaged  # what the checkpoint holds is what is validated
    validation = validate(reader, run.held_out, run.vocabulary)
    row = validation_row(progress.step, config.levels[progress.level], validation, run.minutes())
    if run.log and run.log[-1]["kind"] == "validation" and run.log[-1]["step"] == progress.step:
        run.log[-1] = row  # a finished run resumed: its last step validated again, not logged twice
    else:
        run.log.append(row)
    log_to_tensorboard(run.board, row)
    run.metrics = {
        **{name: value for name, value in validation.items() if name != "recall_by_distance"},
        "steps": progress.step,
        "tokens": progress.tokens,
        "minutes": round(run.minutes(), 2),
        "level": config.levels[progress.level],
        "ranks": run.ranks.world,
    }
    weights = {name: tensor.detach().cpu().numpy() for name, tensor in reader.state_dict().items()}
    progress.seconds, progress.rng = run.elapsed(), run.rng.bit_generator.state
    run.started = time.perf_counter()  # progress.seconds now counts this session up to here
    state, state_meta = training_state(run.model, run.optimizer, progress, averaged=run.averaged is not None)
    meta = {
        "config": run.model.config.to_dict(),
        "vocabulary": list(run.vocabulary.words),
        "lemmas": run.vocabulary.lemmas,
        **({"lemma_forms": lemma_forms(run.vocabulary.words)} if run.vocabulary.lemmas else {}),
        "training": {"command": run.command, **asdict(config)},
        "metrics": run.metrics,
        **({"started_from": run.started_from} if run.started_from else {}),
    }
    save_checkpoint(run.out, weights, meta, state, state_meta, encode_rows(run.log))
    if config.keep_checkpoints:
        save_checkpoint(kept_checkpoint(run.out, progress.step), weights, meta)
    run.saved_at = progress.step
    if run.board is not None:
        run.board.flush()
