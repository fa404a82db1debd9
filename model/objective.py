"""The training objective for one batch of suspect readings (docs/model.md, "Training").

Per reading and token: a BCE on "still possible" against the oracle (cleared cells weighted up, since they are
rare), the KL from the oracle's posterior to the cast distribution, an optional cross-entropy against the
culprit, and a cross-entropy on the memory read-out (known cells weighted over unknown ones: supervising what
is stored is what breaks the plateau); both first terms weigh more at the token where a clue changes who is
possible. Optional activation penalties are there for experiments on the rival, and an optional next-word
cross-entropy on the corpus stories for experiments on people's prose.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from model.batch import Batch, per_case
from model.readers import native_bfloat16
from model.readout import UNKNOWN_CLASS
from model.recipe import TrainConfig


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Per-row cross-entropy, (N, C) logits and (N,) classes -> (N,). The same values and gradients as
    F.cross_entropy, ~4x faster on CPU for the read-out's 8 classes (its kernel is slow on a short last dim)."""
    shift = logits.detach().amax(-1, keepdim=True)
    log_total = (logits - shift).exp().sum(-1).log() + shift[:, 0]
    return log_total - logits.gather(-1, targets[:, None])[:, 0]


def _local(value: torch.Tensor) -> torch.Tensor:
    return value


def losses(
    model: nn.Module,
    batch: Batch,
    config: TrainConfig,
    step: int = 0,
    total: Callable[[torch.Tensor], torch.Tensor] = _local,
    ranks: int = 1,
    rank: int = 0,
) -> tuple[torch.Tensor, dict[str, float]]:
    """The training objective for one batch, and its parts as numbers for the progress display.

    `model` is a Reader, or a Reader wrapped in DDP: its own forward reads the batch. In data-parallel training
    each rank holds a slice of the global batch: `total` sums a count over the ranks, and each rank's sums are
    divided by the global counts and multiplied by `ranks` (DDP averages gradients), so the update equals one
    process's on the whole batch.

    The read-out can be supervised at every `readout_stride`-th token only (a different offset each step),
    which trains faster; the recipe supervises every token (stride 4 did worse: docs/model.md).
    """
    sample = slice(step % config.readout_stride, None, config.readout_stride)
    native = native_bfloat16(batch.views.device)
    reading = model(
        batch.views,
        truncate=config.truncate,
        readout_at=sample,
        bfloat16_readout=config.bfloat16_readout and native,
        bfloat16_recurrence=config.bfloat16_recurrence and native,
        dropout=config.dropout,
    )
    positions = torch.arange(batch.views.shape[1], device=batch.views.device)
    token_mask = (positions[None, :] < batch.lengths[batch.row_case, None]).float()  # (R, T)
    changed = changes(batch.possible)  # (R, T) tokens where the oracle's verdict flips

    weight = possible_weights(batch, token_mask, changed, config)
    bce = (F.binary_cross_entropy_with_logits(reading.possible, batch.possible, reduction="none") * weight).sum()
    bce = bce * ranks / total(token_mask.sum())
    logits = per_case(reading.possible, batch, float("-inf"))  # (B, K, T)
    kl, culprit = belief_terms(logits, batch, changed, config, total, ranks)
    weighted_writes = config.write_weight or config.write_bonus
    writes = recent_writes(batch.readout, config.write_window)[:, sample] if weighted_writes else None
    readout = readout_term(
        reading.readout,
        batch.readout[:, sample],
        token_mask[:, sample],
        config,
        total,
        ranks,
        writes,
        readout_sampler(config, step, rank),
    )
    activation, temporal = activation_penalties(reading.states, token_mask, config, total, ranks)
    objective = bce + kl + config.culprit_weight * culprit + config.readout_weight * readout + activation + temporal
    next_word = torch.zeros(())
    if config.next_word_weight:
        next_word = next_word_term(getattr(model, "module", model), reading.states, batch, config, step, total, ranks)
        objective = objective + config.next_word_weight * next_word

    final = logits[torch.arange(len(batch.lengths), device=logits.device), :, batch.lengths - 1]
    right = total((final.argmax(1) == batch.culprits).float().sum())
    accuracy = (right / total(torch.tensor(float(len(batch.lengths)), device=right.device))).item()
    return objective, {
        "loss": objective.item() / ranks,
        "bce": bce.item() / ranks,
        "kl": kl.item() / ranks,
        "culprit": culprit.item() / ranks,
        "readout": readout.item() / ranks,
        "activation": (activation + temporal).item() / ranks,
        "next_word": next_word.item() / ranks,
        "accuracy": accuracy,
    }


def belief_terms(
    logits: torch.Tensor,
    batch: Batch,
    changed: torch.Tensor,
    config: TrainConfig,
    total: Callable[[torch.Tensor], torch.Tensor] = _local,
    ranks: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The KL from the oracle's uniform posterior to the cast distribution (weighted up where someone is cleared
    and where a clue changes who is possible), and the cross-entropy against the culprit, over every case token.

    logits (B, K, T), -inf beyond each case's cast; changed (R, T), per reading.
    """
    target = per_case(batch.possible, batch, 0.0)
    target = target / target.sum(1, keepdim=True).clamp_min(1e-9)  # the oracle's uniform posterior
    log_probs = logits.log_softmax(1).clamp_min(-1e4)
    kl = (target * (torch.log(target.clamp_min(1e-9)) - log_probs)).sum(1)  # (B, T)
    case_mask = (torch.arange(logits.shape[2], device=logits.device)[None, :] < batch.lengths[:, None]).float()
    someone_cleared = ((target == 0) & (logits > float("-inf"))).any(1)
    case_weight = case_mask * torch.where(someone_cleared, config.cleared_weight, 1.0)
    case_changed = per_case(changed.float(), batch, 0.0).amax(1) > 0  # (B, T)
    case_weight = case_weight * torch.where(case_changed, change_weights(batch, config)[:, None], 1.0)
    case_tokens = total(case_mask.sum())
    kl = (kl * case_weight).sum() * ranks / case_tokens
    on_culprit = log_probs[torch.arange(len(batch.lengths), device=logits.device), batch.culprits]  # (B, T)
    culprit = -(on_culprit * case_mask).sum() * ranks / case_tokens
    return kl, culprit


def readout_term(
    logits: torch.Tensor,
    targets: torch.Tensor,
    token_mask: torch.Tensor,
    config: TrainConfig,
    total: Callable[[torch.Tensor], torch.Tensor] = _local,
    ranks: int = 1,
    writes: torch.Tensor | None = None,
    sampler: torch.Generator | None = None,
) -> torch.Tensor:
    """The read-out's cross-entropy over the supervised tokens, "unknown" cells weighted down, and the cells
    being written (`writes`, from `recent_writes`) weighted up: by `write_weight` inside the weighted mean (so
    holding gets a smaller share), by `write_bonus` on top of it (divided by the total without the bonus, so
    holding's gradient in the objective is what it is without it).

    With `unknown_readout_sample` below 1, a random share of the "unknown" cells (drawn from `sampler`) is
    supervised, weighted up by its inverse, and the cross-entropy is computed on the supervised cells only.

    logits (R, T', cells, classes), targets (R, T', cells), token_mask (R, T') at the same tokens.
    """
    unknown = targets == UNKNOWN_CLASS
    unknown_weight = config.unknown_readout_weight
    if config.unknown_readout_sample < 1.0:  # a random share of the unknown cells, weighted up by its inverse
        unknown_weight = torch.where(
            torch.rand(targets.shape, generator=sampler).to(targets.device) < config.unknown_readout_sample,
            config.unknown_readout_weight / config.unknown_readout_sample,
            0.0,
        )
    weight = torch.where(unknown, unknown_weight, 1.0)
    if writes is not None and config.write_weight:
        weight = weight + config.write_weight * writes
    weight = weight * token_mask[:, :, None]
    taught = weight
    if writes is not None and config.write_bonus:
        taught = weight + config.write_bonus * writes * token_mask[:, :, None]
    if logits.transpose(0, 1).is_contiguous():  # stored time-major, as a Reader gives them: select in that order,
        # so that the gradient is built in it too (selecting from a view copies the whole read-out, both ways)
        logits, targets, taught = logits.transpose(0, 1), targets.transpose(0, 1), taught.transpose(0, 1)
    rows = taught.flatten().nonzero()[:, 0]  # only the supervised cells: padding and unsampled cells cost nothing
    cells = cross_entropy(logits.flatten(0, 2)[rows].float(), targets.flatten()[rows])  # widened once selected
    return (cells * taught.flatten()[rows]).sum() * ranks / total(weight.sum())


def readout_sampler(config: TrainConfig, step: int, rank: int) -> torch.Generator:
    """The random source of one step's sample of "unknown" read-out cells, fixed by the run's seed, the step and
    the rank: a resumed run draws what an uninterrupted one would, and each rank draws its own."""
    seed = np.random.SeedSequence([config.seed, step, rank]).generate_state(1)[0]
    return torch.Generator().manual_seed(int(seed))


def possible_weights(
    batch: Batch, token_mask: torch.Tensor, changed: torch.Tensor, config: TrainConfig
) -> torch.Tensor:
    """(R, T) the "still possible" BCE's weight per reading and token: real tokens only, cleared cells weighted
    up, and each case's change weight where a clue changes who is possible. token_mask, changed (R, T)."""
    weight = token_mask * torch.where(batch.possible > 0.5, 1.0, config.cleared_weight)
    return weight * torch.where(changed, change_weights(batch, config)[batch.row_case, None], 1.0)


def change_weights(batch: Batch, config: TrainConfig) -> torch.Tensor:
    """(B,) each case's weight at a token where a clue changes who is possible: `prose_change_weight` for a
    corpus story in its own words where it is set, `change_weight` otherwise."""
    prose = config.prose_change_weight or config.change_weight
    generated = torch.full(batch.people_prose.shape, config.change_weight, device=batch.people_prose.device)
    return torch.where(batch.people_prose, prose, generated)


def changes(values: torch.Tensor) -> torch.Tensor:
    """values (R, T, ...) -> where a value differs from the token before (bool, same shape; never at token 0)."""
    changed = torch.zeros_like(values, dtype=torch.bool)
    changed[:, 1:] = values[:, 1:] != values[:, :-1]
    return changed


def recent_writes(targets: torch.Tensor, window: int) -> torch.Tensor:
    """Read-out targets (R, T, cells) -> where a known cell is within `window` tokens of the token at which its
    answer last changed (R, T, cells): the moments a statement is written, wherever in the case it is told."""
    positions = torch.arange(targets.shape[1], device=targets.device)[None, :, None]
    last_change = torch.where(changes(targets), positions, -window).cummax(1).values  # -window: never changed yet
    return (positions - last_change < window) & (targets != UNKNOWN_CLASS)


def next_word_term(
    reader: nn.Module,
    states: torch.Tensor,
    batch: Batch,
    config: TrainConfig,
    step: int = 0,
    total: Callable[[torch.Tensor], torch.Tensor] = _local,
    ranks: int = 1,
) -> torch.Tensor:
    """The mean cross-entropy of each corpus story's first reading predicting the token that follows, at every
    `next_word_stride`-th token (a different offset each step), from the reader's state there.

    One reading a story is enough: the readings differ only in which suspect is `<self>`, and the term costs a
    product with the whole vocabulary per token (~7,800 words against the recurrence's 4 x 128). `reader` is the
    Reader itself (DDP's `module`): the projection lives outside its forward, and every rank uses it in every step
    (a zero term where a rank drew no corpus story), so that DDP averages its gradient as any other.

    states (R, T, H), as the reader's forward gives them.
    """
    rows = ((batch.row_slot == 0) & batch.people_prose[batch.row_case]).nonzero()[:, 0]  # (N,)
    positions = torch.arange(step % config.next_word_stride, states.shape[1] - 1, config.next_word_stride)  # (P,)
    lengths = batch.lengths[batch.row_case[rows]]  # (N,)
    mask = positions[None, :] + 1 < lengths[:, None]  # (N, P): a token follows
    predicted = states[rows][:, positions][mask].float()  # (M, H)
    following = batch.views[rows][:, positions + 1][mask]  # (M,)
    count = total(mask.sum().float())  # on every rank, before any returns: it is a collective
    if not len(following):  # no corpus story on this rank: the projection still takes part, with a zero gradient
        return reader.next_word.weight.sum() * 0.0
    logits = reader.next_word_logits(predicted)  # (M, V)
    return cross_entropy(logits, following).sum() * ranks / count.clamp_min(1.0)


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
    zero = states.new_zeros((), dtype=torch.float32)
    activation = temporal = zero
    if config.activation_weight:
        squared = states.float().pow(2).mean(-1) * token_mask  # float32 from a bfloat16 recurrence too
        activation = config.activation_weight * squared.sum() * ranks / total(token_mask.sum())
    if config.temporal_weight:
        pairs = token_mask[:, 1:]
        change = (states[:, 1:] - states[:, :-1]).float().pow(2).mean(-1) * pairs
        temporal = config.temporal_weight * change.sum() * ranks / total(pairs.sum())
    return activation, temporal
