"""Everything a checkpoint holds to resume a run exactly (besides the weights), and the checks on loading it.

A resumed run ends with the weights an uninterrupted one would have: the optimiser's state, torch's and
numpy's random states, the curriculum's progress and the next step's plan are saved with every checkpoint, and
every part is checked against the run before any is used (a checkpoint may come from anywhere: nothing in it is
unpickled, and a wrong field is named with its file).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch

from model.checkpoint import META, STATE, STATE_META, CheckpointError, load_checkpoint, load_state
from model.readers import Reader
from model.recipe import LEVEL_UP_WINDOW, TrainConfig
from model.run_log import LOG, RunLogError, read_rows


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


TRAINED = "trained."  # the prefix of the trained weights in a training state whose checkpoint holds their average


def training_state(
    model: Reader, optimizer: torch.optim.Optimizer, progress: Progress, averaged: bool = False
) -> tuple[dict, dict]:
    """Tensors and a JSON document holding everything a resumed run needs besides the checkpoint's weights; with
    `averaged` (the checkpoint holds a moving average of the weights, `ema_decay`), the trained weights too."""
    saved = optimizer.state_dict()
    tensors = {
        f"optimizer.{index}.{key}": value.detach().cpu().numpy()
        for index, entries in saved["state"].items()
        for key, value in entries.items()
    }
    tensors["torch_rng"] = torch.get_rng_state().numpy()
    if averaged:
        tensors |= {TRAINED + name: value.detach().cpu().numpy() for name, value in model.state_dict().items()}
    return tensors, {"progress": asdict(progress), "param_groups": saved["param_groups"]}


def restore(
    out: Path, model: Reader, optimizer: torch.optim.Optimizer, config: TrainConfig, averaged: Reader | None = None
) -> Progress:
    """Load weights, optimiser and random state from the checkpoint in `out` (an interrupted save already
    finished: `recover`); CheckpointError if unusable. With `averaged` (the run keeps a moving average of its
    weights, `ema_decay`), the checkpoint's weights are that average and the trained ones come from the state.

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
    trained = trained_weights(tensors, checkpoint.weights, averaged is not None, out / STATE)
    parameters = list(model.parameters())
    state: dict[int, dict[str, torch.Tensor]] = {}
    for name, array in tensors.items():
        if name == "torch_rng" or name.startswith(TRAINED):
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
    model.load_state_dict({name: torch.from_numpy(np.array(array)) for name, array in trained.items()})
    if averaged is not None:
        averaged.load_state_dict({name: torch.from_numpy(np.array(a)) for name, a in checkpoint.weights.items()})
    # The parameter groups (betas, weight decay, ...) follow from `config`, which matched: this run's own are
    # used, so a tampered copy in resume.json cannot reach AdamW. The learning rate is set anew every step.
    optimizer.load_state_dict({"state": state, "param_groups": optimizer.state_dict()["param_groups"]})
    torch.set_rng_state(torch.from_numpy(np.array(rng_state)))
    return progress


OPTIMIZER_KEYS = ("step", "exp_avg", "exp_avg_sq")  # AdamW's state per parameter


def trained_weights(
    tensors: dict[str, np.ndarray], weights: dict[str, np.ndarray], averaged: bool, source: Path
) -> dict[str, np.ndarray]:
    """The weights a resumed run trains on: the checkpoint's own, or, where it holds their moving average, the
    state's copy of them, each the shape of its averaged weight and finite; CheckpointError says what is wrong."""
    held = {name.removeprefix(TRAINED): array for name, array in tensors.items() if name.startswith(TRAINED)}
    if not averaged:
        if held:
            raise CheckpointError(
                f"{source}: it holds trained weights beside a moving average of them; resume with the run's ema_decay"
            )
        return weights
    if not held:
        raise CheckpointError(
            f"{source}: the run was saved without a moving average of its weights; resume it without ema_decay"
        )
    if set(held) != set(weights):
        raise CheckpointError(f"{source}: the trained weights are incomplete ({len(held)} of {len(weights)})")
    for name, array in held.items():
        if array.shape != weights[name].shape or array.dtype != weights[name].dtype or not np.isfinite(array).all():
            raise CheckpointError(
                f"{source}: tensor '{TRAINED}{name}' is {array.dtype} {array.shape}; expected finite "
                f"{weights[name].dtype} {weights[name].shape}, as the checkpoint's weight"
            )
    return held


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
    recent = progress.recent
    if not isinstance(recent, list) or len(recent) > LEVEL_UP_WINDOW or not all(map(number, recent)):
        raise fail(f"recent: expected a list of at most {LEVEL_UP_WINDOW} batch accuracies")
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


def resumed_log(out: Path, step: int) -> list[dict[str, Any]]:
    """The log rows of the checkpoint a run resumes from (none for a run from before the log existed)."""
    if not (out / LOG).exists():
        return []
    try:
        return read_rows(out, up_to_step=step)
    except RunLogError as exc:
        raise CheckpointError(str(exc)) from None
