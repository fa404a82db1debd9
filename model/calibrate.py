"""Temperature scaling (Guo et al. 2017): one number that makes a reader's confidence mean what it says.

A reader can name the right suspect and still be too sure too early: the IRNN rival puts 0.9 on a suspect the
oracle cannot yet tell from two others, and in play it accuses on that. Dividing the cast's logits by a
temperature T > 1 softens every belief without changing which suspect leads. T is fitted on generated
validation cases (never the cases `whodunit eval` or the race reads) by the cross-entropy of the tempered
distribution against the oracle's posterior, uniform over the suspects still possible: the belief a perfect
reader of the same words would hold, token by token.

The cast's logits are the "still possible" head's output, one per suspect reading, so a tempered reader is the
same reader with that head's weight and bias divided by T: no new reading path, and every reader (torch, the
batched numpy traces, the game's streaming reader) reads it alike. Pure numpy.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from model.checkpoint import TEMPERATURES, Checkpoint
from model.metrics import Trace, expected_calibration_error, oracle_posterior
from model.targets import CaseTargets

LOWEST, HIGHEST = 0.25, 16.0  # the temperatures searched; a fit at either end says the reader is far off
_TINY = np.finfo(np.float32).tiny  # a probability that underflowed in float32: its log stays finite
_STEPS = 60  # golden-section steps: the bracket shrinks to ~1e-12 of its width
TEMPERED_METRICS = ("cleared_mass", "ece")  # training metrics of the cast's beliefs that a temperature changes


@dataclass(frozen=True)
class Calibration:
    """A fitted temperature and what it changed, as `whodunit calibrate` reports it and reader.json records it."""

    temperature: float  # divide the cast's logits by this
    cases: int
    tokens: int
    cross_entropy: tuple[float, float]  # before, after: against the oracle's posterior (see `cross_entropy`)
    ece: tuple[float, float]  # before, after: of the leading suspect against the culprit, over every token

    def to_json(self) -> dict[str, object]:
        return {name: list(value) if isinstance(value, tuple) else value for name, value in asdict(self).items()}


def tempered(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """(T, K) distributions with their logits divided by `temperature`: softmax(log p / T), row by row."""
    logits = np.log(np.maximum(probabilities, _TINY)) / temperature
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def cross_entropy(cases: list[CaseTargets], traces: list[Trace], temperature: float = 1.0) -> float:
    """Mean over cases of the per-token cross-entropy (nats) of the tempered beliefs against the oracle's posterior.

    Each case weighs the same, so a ladder of rungs is fitted as a whole rather than by its longest cases."""
    return _cross_entropy(_prepared(cases, traces), temperature)


Prepared = list[tuple[np.ndarray, np.ndarray]]  # per case: log-probabilities (T, K), the oracle's posterior (T, K)


def _prepared(cases: list[CaseTargets], traces: list[Trace]) -> Prepared:
    """What every temperature's cross-entropy reads, computed once for a whole fit."""
    return [
        (np.log(np.maximum(trace.probabilities.astype(np.float64), _TINY)), oracle_posterior(case))
        for case, trace in zip(cases, traces, strict=True)
    ]


def _cross_entropy(prepared: Prepared, temperature: float) -> float:
    per_case = []
    for logs, posterior in prepared:
        scaled = logs / temperature
        shifted = scaled - scaled.max(axis=1, keepdims=True)
        log_tempered = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # log softmax(log p / T)
        per_case.append(float(-(posterior * log_tempered).sum(axis=1).mean()))
    return float(np.mean(per_case))


def fit_temperature(cases: list[CaseTargets], traces: list[Trace]) -> float:
    """The temperature in [LOWEST, HIGHEST] with the least `cross_entropy`.

    The cross-entropy is convex in 1/T (a log-sum-exp of logits scaled by 1/T, less a linear term), so a
    golden-section search over 1/T finds its minimum without gradients.
    """
    prepared = _prepared(cases, traces)
    low, high = 1.0 / HIGHEST, 1.0 / LOWEST  # over 1/T
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    loss_a, loss_b = _cross_entropy(prepared, 1.0 / a), _cross_entropy(prepared, 1.0 / b)
    for _ in range(_STEPS):
        if loss_a <= loss_b:
            high, b, loss_b = b, a, loss_a
            a = high - ratio * (high - low)
            loss_a = _cross_entropy(prepared, 1.0 / a)
        else:
            low, a, loss_a = a, b, loss_b
            b = low + ratio * (high - low)
            loss_b = _cross_entropy(prepared, 1.0 / b)
        if high - low < 1e-6:
            break
    return 1.0 / ((low + high) / 2.0)


def calibrate(cases: list[CaseTargets], traces: list[Trace]) -> Calibration:
    """Fit a temperature to these traces and measure it, before and after."""
    return measure(cases, traces, fit_temperature(cases, traces))


def measure(cases: list[CaseTargets], traces: list[Trace], temperature: float) -> Calibration:
    """What dividing the logits by `temperature` does to these traces (a rung's share of a fit, say)."""
    prepared = _prepared(cases, traces)
    pairs = zip(cases, traces, strict=True)
    hits = np.concatenate([trace.probabilities.argmax(1) == case.culprit for case, trace in pairs])

    def ece(at: float) -> float:
        confidence = np.concatenate([tempered(trace.probabilities, at).max(1) for trace in traces])
        return round(expected_calibration_error(confidence, hits), 4)

    return Calibration(
        temperature=round(temperature, 4),
        cases=len(cases),
        tokens=int(sum(len(case.ids) for case in cases)),
        cross_entropy=(round(_cross_entropy(prepared, 1.0), 4), round(_cross_entropy(prepared, temperature), 4)),
        ece=(ece(1.0), ece(temperature)),
    )


def at_range_end(temperature: float) -> bool:
    """A fit that stopped at an end of the range searched: the loss still falls beyond it."""
    return temperature <= LOWEST * 1.001 or temperature >= HIGHEST / 1.001


def tempered_checkpoint(checkpoint: Checkpoint, calibration: Calibration, fitted_on: dict[str, object]) -> Checkpoint:
    """The same reader with its cast logits divided by the fitted temperature: the "still possible" head's weight
    and bias scaled by 1/T. reader.json records the fit under "calibration": the temperature applied in all
    (a reader calibrated twice carries the product) and each fit with the cases it was fitted on.

    The training metrics that tempering changes (cleared mass, ECE) move into the fit's record, as measured
    before it; the accuracies stay, since which suspect leads does not change. ValueError if the temperature in
    all would leave the range a checkpoint may hold (model.checkpoint.TEMPERATURES)."""
    temperature = calibration.temperature
    earlier = checkpoint.meta.get("calibration") or {}
    total = float(earlier.get("temperature", 1.0)) * temperature
    low, high = TEMPERATURES
    if not low <= total <= high:
        raise ValueError(f"the temperature in all would be {total:g}, outside {low}-{high:g}")
    weights = dict(checkpoint.weights)
    for name in ("possible.weight", "possible.bias"):
        weights[name] = (np.asarray(weights[name], np.float64) / temperature).astype(weights[name].dtype)
    metrics = dict(checkpoint.meta.get("metrics") or {})
    before = {name: metrics.pop(name) for name in TEMPERED_METRICS if name in metrics}
    fit = {**calibration.to_json(), **fitted_on, **({"training_metrics_before": before} if before else {})}
    calibrated = {"temperature": round(total, 6), "fits": [*earlier.get("fits", []), fit]}
    return Checkpoint(weights, {**checkpoint.meta, "metrics": metrics, "calibration": calibrated})
