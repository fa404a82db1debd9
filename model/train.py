"""Training a reader on generated cases: the recipe of docs/research/per-suspect-prototype.md.

    whodunit train --model lstm --preset tiny --out runs/tiny-lstm

Each step draws fresh cases from the generator (a curriculum of difficulty levels), turns them into per-token
targets from the oracle, and minimises, per suspect reading and token: a BCE on "still possible" (cleared cells
weighted up, since they are rare), the KL from the oracle's posterior to the cast distribution, and a
cross-entropy on the memory read-out (known cells weighted over unknown ones: supervising what is stored is
what breaks the plateau). Validation uses cases from a run seed training never draws from.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from model.checkpoint import save_checkpoint
from model.readers import Reader, ReaderConfig, cast_distribution
from model.readout import READOUT_CLASSES, UNKNOWN_CLASS
from model.targets import CaseTargets, case_targets
from model.tokenizer import Vocabulary, build_vocabulary
from story import load_story
from story.generator import case_seed, generate_case, generate_cases

VALIDATION_RUN_SEED = 1_000_003  # validation cases come from this run seed; training runs use their own
MYSTERIES = Path(__file__).resolve().parent.parent / "story" / "mysteries"


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a training run; stored in the checkpoint."""

    kind: str = "lstm"  # lstm (the partner) or rnn (the rival)
    hidden: int = 128  # recurrent width
    embedding: int = 64  # word embedding width
    batch_cases: int = 16  # cases per step (each read once per suspect)
    learning_rate: float = 2e-3  # Adam
    minutes: float = 40.0  # wall-clock budget for the optimisation steps
    steps: int = 0  # stop after this many steps as well (0: the budget alone decides)
    seed: int = 0  # training cases come from this run seed; also seeds torch
    levels: tuple[str, ...] = ("tiny", "easy", "default")  # curriculum, easiest first
    level_up_accuracy: float = 0.9  # move up when final accuracy over the last 25 steps reaches this
    replay_share: float = 0.2  # share of batches drawn from earlier levels once moved up
    cleared_weight: float = 5.0  # weight of cleared cells and cleared-tokens in the BCE and KL terms
    readout_weight: float = 0.5  # weight of the memory read-out loss
    unknown_readout_weight: float = 0.1  # weight of read-out cells whose answer is "unknown"
    eval_cases: int = 200  # validation cases (from VALIDATION_RUN_SEED), at the last level
    eval_every: int = 250  # steps between validations and checkpoints
    threads: int = 1  # torch threads (the machine has 2 cores; keep one for the generator and the rest)


TRAIN_PRESETS = {
    "default": TrainConfig(),
    # Seconds, not minutes: proves the pipeline end to end and visibly learns the tiny cases.
    "tiny": TrainConfig(hidden=32, embedding=16, minutes=2.0, levels=("tiny",), eval_cases=100, eval_every=50),
}


@dataclass
class Batch:
    views: torch.Tensor  # (R, T) token ids as each row's suspect reads them; R = sum of cast sizes
    possible: torch.Tensor  # (R, T)
    readout: torch.Tensor  # (R, T, cells) class targets
    row_case: torch.Tensor  # (R,) which case a row belongs to
    row_slot: torch.Tensor  # (R,) which suspect it reads for
    lengths: torch.Tensor  # (B,) tokens per case
    cast_sizes: torch.Tensor  # (B,)
    culprits: torch.Tensor  # (B,)


def collate(cases: list[CaseTargets], vocabulary: Vocabulary) -> Batch:
    rows = sum(case.cast_size for case in cases)
    length = max(len(case.ids) for case in cases)
    views = np.zeros((rows, length), np.int64)
    possible = np.zeros((rows, length), np.float32)
    readout = np.full((rows, length, 2 * cases[0].evidence.shape[1]), UNKNOWN_CLASS, np.int64)
    row_case, row_slot = np.zeros(rows, np.int64), np.zeros(rows, np.int64)
    tables = [np.asarray(vocabulary.view_table(slot)) for slot in range(max(case.cast_size for case in cases))]
    row = 0
    for index, case in enumerate(cases):
        tokens, traits = len(case.ids), case.evidence.shape[1]
        for slot in range(case.cast_size):
            views[row, :tokens] = tables[slot][case.ids]
            possible[row, :tokens] = case.possible[slot]
            readout[row, :tokens, :traits] = case.stated[slot]
            readout[row, :tokens, traits:] = case.evidence
            row_case[row], row_slot[row] = index, slot
            row += 1
    lengths = [len(case.ids) for case in cases]
    return Batch(
        *(torch.from_numpy(array) for array in (views, possible, readout, row_case, row_slot)),
        torch.tensor(lengths),
        torch.tensor([case.cast_size for case in cases]),
        torch.tensor([case.culprit for case in cases]),
    )


def per_case(values: torch.Tensor, batch: Batch, fill: float) -> torch.Tensor:
    """Row values (R, T) -> (B, Kmax, T), `fill` where a case has no such suspect."""
    out = values.new_full((len(batch.lengths), int(batch.cast_sizes.max()), values.shape[1]), fill)
    out[batch.row_case, batch.row_slot] = values
    return out


def losses(model: Reader, batch: Batch, config: TrainConfig) -> tuple[torch.Tensor, dict[str, float]]:
    possible_logits, readout_logits = model.forward_rows(batch.views)  # (R, T), (R, T, cells, classes)
    token_mask = (torch.arange(batch.views.shape[1])[None, :] < batch.lengths[batch.row_case, None]).float()
    weight = token_mask * torch.where(batch.possible > 0.5, 1.0, config.cleared_weight)
    bce = (F.binary_cross_entropy_with_logits(possible_logits, batch.possible, reduction="none") * weight).sum()
    bce = bce / token_mask.sum()

    logits = per_case(possible_logits, batch, float("-inf"))  # (B, K, T)
    target = per_case(batch.possible, batch, 0.0)
    target = target / target.sum(1, keepdim=True).clamp_min(1e-9)  # the oracle's uniform posterior
    log_probs = logits.log_softmax(1).clamp_min(-1e4)
    kl = (target * (torch.log(target.clamp_min(1e-9)) - log_probs)).sum(1)  # (B, T)
    case_mask = (torch.arange(logits.shape[2])[None, :] < batch.lengths[:, None]).float()
    someone_cleared = ((target == 0) & (logits > float("-inf"))).any(1)
    case_weight = case_mask * torch.where(someone_cleared, config.cleared_weight, 1.0)
    kl = (kl * case_weight).sum() / case_mask.sum()

    cells = F.cross_entropy(readout_logits.reshape(-1, READOUT_CLASSES), batch.readout.reshape(-1), reduction="none")
    cell_weight = (
        torch.where(batch.readout == UNKNOWN_CLASS, config.unknown_readout_weight, 1.0) * token_mask[..., None]
    )
    readout = (cells.view(batch.readout.shape) * cell_weight).sum() / cell_weight.sum()

    final = logits[torch.arange(len(batch.lengths)), :, batch.lengths - 1]
    accuracy = (final.argmax(1) == batch.culprits).float().mean().item()
    total = bce + kl + config.readout_weight * readout
    return total, {
        "loss": total.item(),
        "bce": bce.item(),
        "kl": kl.item(),
        "readout": readout.item(),
        "accuracy": accuracy,
    }


def reader_vocabulary() -> Vocabulary:
    """Every word the generator's grammar and the bundled mysteries use: the words a reader can know."""
    stories = [story for preset in ("tiny", "easy", "default", "hard") for story in generate_cases(7, 300, preset)]
    stories += [load_story(path) for path in sorted(MYSTERIES.glob("*.toml"))]
    return build_vocabulary(stories)


@torch.no_grad()
def validate(model: Reader, cases: list[CaseTargets], vocabulary: Vocabulary) -> dict[str, float]:
    """Final accuracy and mean probability on cleared suspects over held-out cases."""
    model.eval()
    correct, cleared_mass, tokens = 0, 0.0, 0
    for start in range(0, len(cases), 32):
        chunk = cases[start : start + 32]
        batch = collate(chunk, vocabulary)
        possible_logits, _ = model.forward_rows(batch.views)
        probabilities = cast_distribution(per_case(possible_logits, batch, float("-inf")), batch.cast_sizes)
        for index, case in enumerate(chunk):
            length = len(case.ids)
            correct += int(probabilities[index, length - 1].argmax() == case.culprit)
            cleared = torch.from_numpy(1.0 - case.possible).T  # (T, K)
            cleared_mass += float((probabilities[index, :length, : case.cast_size] * cleared).sum())
            tokens += length
    model.train()
    return {"final_accuracy": correct / len(cases), "cleared_mass": cleared_mass / tokens}


def train(
    config: TrainConfig,
    out: Path,
    command: str,
    report: Callable[[dict[str, Any]], None] = lambda status: None,
) -> dict[str, float]:
    """Train one reader; checkpoints go to `out` every `eval_every` steps and at the end. Returns the metrics."""
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    vocabulary = reader_vocabulary()
    reader_config = ReaderConfig(config.kind, len(vocabulary), config.embedding, config.hidden)
    model = Reader(reader_config)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    held_out = [
        case_targets(story, vocabulary)
        for story in generate_cases(VALIDATION_RUN_SEED, config.eval_cases, config.levels[-1])
    ]
    rng = np.random.default_rng(config.seed)
    level, recent, step, drawn, tokens = 0, [], 0, 0, 0
    metrics: dict[str, float] = {}
    started = time.perf_counter()

    def checkpoint() -> None:
        nonlocal metrics
        metrics = {
            **validate(model, held_out, vocabulary),
            "steps": step,
            "tokens": tokens,
            "minutes": round((time.perf_counter() - started) / 60, 2),
            "level": config.levels[level],
        }
        weights = {name: tensor.detach().numpy() for name, tensor in model.state_dict().items()}
        save_checkpoint(
            out,
            weights,
            {
                "config": reader_config.to_dict(),
                "vocabulary": list(vocabulary.words),
                "training": {"command": command, **asdict(config)},
                "metrics": metrics,
            },
        )

    while (time.perf_counter() - started) / 60 < config.minutes and not (config.steps and step >= config.steps):
        replay = level > 0 and rng.random() < config.replay_share
        preset = config.levels[int(rng.integers(level)) if replay else level]
        cases = []
        for _ in range(config.batch_cases):
            cases.append(case_targets(generate_case(case_seed(config.seed, drawn), preset), vocabulary))
            drawn += 1
        batch = collate(cases, vocabulary)
        loss, parts = losses(model, batch, config)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        tokens += int((batch.views > 0).sum())  # tokens read, over every suspect's reading
        if not replay:
            recent = [*recent[-24:], parts["accuracy"]]
            if len(recent) == 25 and np.mean(recent) >= config.level_up_accuracy and level + 1 < len(config.levels):
                level, recent = level + 1, []
        elapsed = time.perf_counter() - started
        report(
            {
                **parts,
                "step": step,
                "level": config.levels[level],
                "tokens_per_second": tokens / elapsed,
                "elapsed": elapsed,
            }
        )
        if step % config.eval_every == 0:
            checkpoint()
            report({"validation": metrics})
    checkpoint()
    return metrics
