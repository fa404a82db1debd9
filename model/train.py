"""Training a reader on generated cases: the recipe of docs/model.md (first found in docs/research/).

    whodunit train --model lstm --preset tiny --out runs/tiny-lstm

Each step draws cases (fresh from the generator along a curriculum of difficulty levels, or from a fixed
pool), turns them into per-token targets from the oracle, and minimises, per suspect reading and token: a BCE
on "still possible" (cleared cells weighted up, since they are rare), the KL from the oracle's posterior to
the cast distribution, a cross-entropy against the culprit, and a cross-entropy on the memory read-out (known
cells weighted over unknown ones: supervising what is stored is what breaks the plateau). The learning rate
follows a cosine from its peak to a tenth over the run's steps. Validation uses cases from a run seed that
training never draws from. Everything that decides the next step (weights, optimiser, curriculum, data
position, random state) is in the checkpoint, so a resumed run continues exactly where it stopped.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, astuple, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from model.batch import Batch, collate, per_case
from model.checkpoint import CheckpointError, load_checkpoint, load_state, save_checkpoint
from model.distributed import ALONE, Ranks, launched_ranks, reading, resolve_device, start, stop
from model.evaluate import reader_traces
from model.metrics import score
from model.readers import Reader, ReaderConfig, initialise_recurrent
from model.readout import UNKNOWN_CLASS
from model.targets import CaseTargets, case_targets
from model.tokenizer import SPECIALS, UNKNOWN, Vocabulary, build_vocabulary
from story import Story, grammar
from story.generator import (
    PRESETS,
    GeneratorConfig,
    case_seed,
    configure,
    generate_case,
    generate_cases,
    parse_knobs,
)
from story.traits import CATALOGUE, PRONOUNS
from story.words import split_words

# LSTM-128 and RNN-256 have about the same number of weights (114k and 111k besides the embedding): the rival
# differs in how it remembers, not in how much room it has.
HIDDEN = {"lstm": 128, "rnn": 256}
VALIDATION_RUN_SEED = 1_000_003  # validation and evaluation cases come from this run seed; training never does


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a training run; stored in the checkpoint."""

    kind: str = "lstm"  # lstm (the partner) or rnn (the rival)
    hidden: int = 0  # recurrent width; 0: the kind's own (HIDDEN), which gives both readers similar sizes
    embedding: int = 64  # word embedding width
    batch_cases: int = 16  # cases per step (each read once per suspect)
    learning_rate: float = 2e-3  # AdamW, peak; a cosine takes it to a tenth by the last step
    clip: float = 1.0  # gradient norm clipping
    weight_decay: float = 0.1  # AdamW's decoupled weight decay: the rival 0.39 instead of 0.31, the partner unharmed
    truncate: int = 0  # backpropagate through at most this many tokens (0: the whole reading)
    steps: int = 8000  # optimisation steps (5,000 until session 5: on the wider prose that left the ECE at 0.028)
    minutes: float = 60.0  # wall-clock cap: stop early (with a checkpoint) if the steps take longer
    seed: int = 0  # training cases come from this run seed; also seeds torch
    levels: tuple[str, ...] = ("tiny", "easy", "default")  # curriculum, easiest first; "preset[:knob=v;knob=v]"
    level_up_accuracy: float = 0.9  # move up when final accuracy over the last 25 steps reaches this
    level_steps: int = 0  # also move up after this many steps at a level, however it does (0: never)
    replay_share: float = 0.2  # share of batches drawn from earlier levels once moved up
    cleared_weight: float = 5.0  # weight of cleared cells and cleared-tokens in the BCE and KL terms
    culprit_weight: float = 0.0  # weight of the per-token cross-entropy against the culprit
    change_weight: float = 10.0  # extra weight at the token where a clue changes who is possible (the last
    # clue's evidence must be applied at once: the story ends one token later)
    readout_weight: float = 2.0  # weight of the memory read-out loss (0.5 reached 0.92 where 2.0 reached 0.985)
    unknown_readout_weight: float = 0.02  # weight of read-out cells whose answer is "unknown" (13 of 14, mostly)
    unknown_share: float = 0.1  # share of plain words read as <unk> in training, so that the unknown words of
    # an author's prose read as "some word" (an untrained embedding moved the partner 0.31 -> 0.89 on a flavour clue)
    activation_weight: float = 0.0  # activation regularisation: weight of the mean squared hidden state, which
    # keeps a tanh state out of saturation, where it can still be written (Merity et al. 2017)
    temporal_weight: float = 0.0  # temporal activation regularisation: weight of the mean squared change of the
    # hidden state from one token to the next, so that a word that says nothing writes nothing
    readout_stride: int = 1  # supervise the read-out at every n-th token (4 is 6% faster but reached only 0.97)
    bfloat16_readout: bool = True  # compute the read-out head in bfloat16 (2.3x faster on a CPU with AVX512-BF16;
    # the recurrence, the "still possible" head and every loss stay float32)
    pool_cases: int = 0  # > 0: train on this fixed pool of cases (the last level's) instead of fresh ones
    epochs: int = 0  # with a pool: stop after this many passes over it (0: the steps decide)
    eval_cases: int = 200  # validation cases (from VALIDATION_RUN_SEED), at the last level
    eval_every: int = 250  # steps between validations and checkpoints
    orthogonal_init: bool = False  # orthogonal recurrent weights (and LSTM forget bias 1) at the start
    threads: int = 1  # torch threads (the machine has 2 cores; keep one for the generator and the rest)
    device: str = "cpu"  # cpu, cuda or auto (cuda if there is one); shipped weights train on cpu
    data: str = ""  # a JSONL file from `whodunit generate` to use as the pool (overrides pool_cases)


TRAIN_PRESETS = {
    "default": TrainConfig(),
    # About two minutes: proves the pipeline end to end, and learns the binding on tiny cases (0.33 -> ~0.9).
    # No weight decay: it is there for long readings, and holds a reader this small back (0.58 with it).
    "tiny": TrainConfig(
        hidden=32,
        embedding=16,
        weight_decay=0.0,
        unknown_share=0.0,  # for authors' prose; on tiny cases it only slows the demonstration
        steps=4000,
        minutes=5.0,
        levels=("tiny",),
        eval_cases=100,
        eval_every=400,
    ),
}


def level_config(spec: str) -> tuple[str, GeneratorConfig]:
    """ "default" or "default:min_gap=0;cast_size=5,6" -> (preset, its knobs); ValueError says what is wrong."""
    preset, _, knobs = spec.partition(":")
    if preset not in PRESETS:
        raise ValueError(f"unknown difficulty '{preset}' in level '{spec}'; use one of {', '.join(PRESETS)}")
    return preset, configure(PRESETS[preset], parse_knobs(knobs.split(";")) if knobs else {})


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


def learning_rate(config: TrainConfig, step: int) -> float:
    """Linear warm-up over 50 steps, then a cosine from the peak down to a tenth of it at the last step."""
    warm = min(1.0, (step + 1) / 50)
    progress = min(1.0, step / max(config.steps, 1))
    return config.learning_rate * warm * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress)))


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Per-row cross-entropy, (N, C) logits and (N,) classes -> (N,). The same values and gradients as
    F.cross_entropy, ~4x faster on CPU for the read-out's 8 classes (its kernel is slow on a short last dim)."""
    shift = logits.detach().amax(-1, keepdim=True)
    log_total = (logits - shift).exp().sum(-1).log() + shift[:, 0]
    return log_total - logits.gather(-1, targets[:, None])[:, 0]


def _local(value: torch.Tensor) -> torch.Tensor:
    return value


def losses(
    model: Reader,
    batch: Batch,
    config: TrainConfig,
    step: int = 0,
    read: Callable[[torch.Tensor], torch.Tensor] | None = None,
    total: Callable[[torch.Tensor], torch.Tensor] = _local,
    ranks: int = 1,
) -> tuple[torch.Tensor, dict[str, float]]:
    """The training objective for one batch, and its parts as numbers for the progress display.

    In data-parallel training each rank holds a slice of the global batch: `read` is the DDP-wrapped
    reading, `total` sums a count over the ranks, and each rank's sums are divided by the global counts and
    multiplied by `ranks` (DDP averages gradients), so the update equals one process's on the whole batch.

    The read-out can be supervised at every `readout_stride`-th token only (a different offset each step),
    which trains faster; the bundled recipe supervises every token (stride 4 reached 0.97, not 0.98).
    """
    states = read(batch.views) if read else model.states(batch.views, config.truncate)  # (R, T, H)
    possible_logits = model.possible(states)[..., 0]  # (R, T)
    positions = torch.arange(batch.views.shape[1], device=batch.views.device)
    token_mask = (positions[None, :] < batch.lengths[batch.row_case, None]).float()  # (R, T)
    changed = torch.zeros_like(batch.possible, dtype=torch.bool)  # (R, T) tokens where the oracle's verdict flips
    changed[:, 1:] = batch.possible[:, 1:] != batch.possible[:, :-1]
    weight = token_mask * torch.where(batch.possible > 0.5, 1.0, config.cleared_weight)
    weight = weight * torch.where(changed, config.change_weight, 1.0)
    bce = (F.binary_cross_entropy_with_logits(possible_logits, batch.possible, reduction="none") * weight).sum()
    bce = bce * ranks / total(token_mask.sum())

    logits = per_case(possible_logits, batch, float("-inf"))  # (B, K, T)
    target = per_case(batch.possible, batch, 0.0)
    target = target / target.sum(1, keepdim=True).clamp_min(1e-9)  # the oracle's uniform posterior
    log_probs = logits.log_softmax(1).clamp_min(-1e4)
    kl = (target * (torch.log(target.clamp_min(1e-9)) - log_probs)).sum(1)  # (B, T)
    case_mask = (torch.arange(logits.shape[2], device=logits.device)[None, :] < batch.lengths[:, None]).float()
    someone_cleared = ((target == 0) & (logits > float("-inf"))).any(1)
    case_weight = case_mask * torch.where(someone_cleared, config.cleared_weight, 1.0)
    case_changed = per_case(changed.float(), batch, 0.0).amax(1) > 0  # (B, T)
    case_weight = case_weight * torch.where(case_changed, config.change_weight, 1.0)
    case_tokens = total(case_mask.sum())
    kl = (kl * case_weight).sum() * ranks / case_tokens
    on_culprit = log_probs[torch.arange(len(batch.lengths), device=logits.device), batch.culprits]  # (B, T)
    culprit = -(on_culprit * case_mask).sum() * ranks / case_tokens

    sample = slice(step % config.readout_stride, None, config.readout_stride)
    with torch.autocast(states.device.type, torch.bfloat16, enabled=config.bfloat16_readout):
        readout_logits = model.read_out(states[:, sample]).float()  # (R, T / stride, cells, classes)
    readout_targets = batch.readout[:, sample]
    cells = cross_entropy(readout_logits.flatten(0, 2), readout_targets.flatten())
    cell_weight = (
        torch.where(readout_targets == UNKNOWN_CLASS, config.unknown_readout_weight, 1.0) * token_mask[:, sample, None]
    )
    readout = (cells.view(readout_targets.shape) * cell_weight).sum() * ranks / total(cell_weight.sum())

    final = logits[torch.arange(len(batch.lengths), device=logits.device), :, batch.lengths - 1]
    right = total((final.argmax(1) == batch.culprits).float().sum())
    accuracy = (right / total(torch.tensor(float(len(batch.lengths)), device=right.device))).item()
    activation, temporal = activation_penalties(states, token_mask, config, total, ranks)
    objective = bce + kl + config.culprit_weight * culprit + config.readout_weight * readout + activation + temporal
    return objective, {
        "loss": objective.item() / ranks,
        "bce": bce.item() / ranks,
        "kl": kl.item() / ranks,
        "culprit": culprit.item() / ranks,
        "readout": readout.item() / ranks,
        "activation": (activation + temporal).item() / ranks,
        "accuracy": accuracy,
    }


def activation_penalties(
    states: torch.Tensor,
    token_mask: torch.Tensor,
    config: TrainConfig,
    total: Callable[[torch.Tensor], torch.Tensor] = _local,
    ranks: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Activation and temporal activation regularisation (Merity et al. 2017), weighted, over real tokens.

    states (R, T, H); each term is a mean over hidden units, averaged over the tokens of the readings. Zero
    (and free) when its weight is zero, as in the bundled recipe.
    """
    zero = states.new_zeros(())
    activation = temporal = zero
    if config.activation_weight:
        squared = states.pow(2).mean(-1) * token_mask
        activation = config.activation_weight * squared.sum() * ranks / total(token_mask.sum())
    if config.temporal_weight:
        pairs = token_mask[:, 1:]
        change = (states[:, 1:] - states[:, :-1]).pow(2).mean(-1) * pairs
        temporal = config.temporal_weight * change.sum() * ranks / total(pairs.sum())
    return activation, temporal


def reader_vocabulary() -> Vocabulary:
    """Every word the generator's grammar uses: the words a reader can learn. Any other word is `<unk>`.

    A word that training never shows keeps its random embedding, and moves a reader's belief at random; the
    bundled mysteries' own words are therefore not in it (they were, until session 5). Training teaches
    `<unk>` instead, by reading a share of plain words as unknown (`unknown_share`).
    """
    return build_vocabulary(
        story for preset in ("tiny", "easy", "default", "hard") for story in generate_cases(7, 600, preset)
    )


@functools.lru_cache(maxsize=4)
def plain_words(vocabulary: Vocabulary) -> np.ndarray:
    """Per id, whether training may read it as `<unk>`: not a suspect, a pronoun, punctuation or a value's word.

    Facts stay readable, so the targets stay true: only the words around them go unknown.
    """
    kept = set(SPECIALS) | {word for pronouns in PRONOUNS.values() for word in pronouns}
    for trait in CATALOGUE.values():
        kept.update(trait.values)
    for table in (grammar.VALUE_WORDS, grammar.PAST_VALUE_WORDS, grammar.ITEMS, grammar.STATEMENT_ITEMS):
        for phrases in table.values():
            kept.update(word for choices in phrases.values() for phrase in choices for word in split_words(phrase))
    plain = np.array([word not in kept and any(c.isalpha() for c in word) for word in vocabulary.words])
    plain.flags.writeable = False  # cached and shared
    return plain


def with_unknown_words(ids: np.ndarray, plain: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """`ids` with each plain word replaced by `<unk>` with probability `share`."""
    hidden = plain[ids] & (rng.random(len(ids)) < share)
    return np.where(hidden, SPECIALS.index(UNKNOWN), ids)


def validation_cases(config: TrainConfig, vocabulary: Vocabulary) -> list[CaseTargets]:
    difficulty, generator = level_config(config.levels[-1])
    return [
        case_targets(story, vocabulary)
        for story in generate_cases(VALIDATION_RUN_SEED, config.eval_cases, difficulty, generator)
    ]


@dataclass(frozen=True)
class Plan:
    """Which cases a step will train on, decided before they are built (so building can run ahead)."""

    level: int  # index into the curriculum's levels (unused with a pool)
    replay: bool  # drawn from an earlier level than the current one
    start: int  # first case index in the run (fresh cases) or position in the pool's order


class CaseSource:
    """The cases of each step: fresh from the generator at the curriculum's level, or from a fixed pool.

    `plan` decides, from the run seed and the Progress alone, which cases come next; `batch` builds them (a
    pure function of the plan), in a background thread while the previous step trains. So a resumed run
    draws exactly what the uninterrupted run would have, however fast each part ran.
    """

    def __init__(self, config: TrainConfig, pool: list[Story] | None) -> None:
        self.config = config
        self.levels = [level_config(spec) for spec in config.levels]
        self.pool = pool

    def plan(self, progress: Progress, rng: np.random.Generator) -> Plan:
        replay = self.pool is None and progress.level > 0 and bool(rng.random() < self.config.replay_share)
        level = int(rng.integers(progress.level)) if replay else progress.level
        plan = Plan(level, replay, progress.drawn)
        progress.drawn += self.config.batch_cases
        return plan

    def stories(self, plan: Plan) -> list[Story]:
        config = self.config
        if self.pool is not None:
            positions = (divmod(index, len(self.pool)) for index in range(plan.start, plan.start + config.batch_cases))
            return [self.pool[self._order(epoch)[position]] for epoch, position in positions]
        difficulty, generator = self.levels[plan.level]
        return [
            generate_case(case_seed(config.seed, index), difficulty, generator)
            for index in range(plan.start, plan.start + config.batch_cases)
        ]

    @functools.lru_cache(maxsize=2)  # noqa: B019 (one source per run; the cache lives as long as the run)
    def _order(self, epoch: int) -> np.ndarray:
        """The pool's order in this epoch: a fresh shuffle per epoch, from the run seed."""
        assert self.pool is not None
        return np.random.default_rng([self.config.seed, epoch]).permutation(len(self.pool))

    def batch(self, plan: Plan, vocabulary: Vocabulary, ranks: Ranks = ALONE) -> Batch:
        """The plan's cases as a padded batch; under data parallelism, this rank's slice of them."""
        stories = self.stories(plan)
        share = len(stories) // ranks.world
        first = ranks.rank * share
        cases = [case_targets(story, vocabulary) for story in stories[first : first + share]]
        if self.config.unknown_share:
            plain = plain_words(vocabulary)
            cases = [
                replace(case, ids=with_unknown_words(case.ids, plain, self.config.unknown_share, rng))
                for case, rng in zip(cases, self.word_rngs(plan, first, share), strict=True)
            ]
        return collate(cases, vocabulary)

    def word_rngs(self, plan: Plan, first: int, count: int) -> list[np.random.Generator]:
        """One generator per case, from the run seed and the case's draw: a resumed run hides the same words."""
        return [np.random.default_rng([self.config.seed, plan.start + first + index, 1]) for index in range(count)]


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
    """Load weights, optimiser and random state from the checkpoint in `out`; CheckpointError if unusable."""
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


def with_overrides(config: TrainConfig, **changes: Any) -> TrainConfig:
    """`config` with the given fields set, skipping those left as None (unset command-line flags)."""
    return replace(config, **{name: value for name, value in changes.items() if value is not None})
