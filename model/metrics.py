"""How well a reader reads: the evaluation metrics over a reader's token-by-token beliefs, in numpy (no torch).

A reader's beliefs about one case are a `Trace`: the cast's distribution after every token and, for the
neural readers, the read-out's chosen class per suspect reading, token and cell. The oracle has a trace too
(its uniform posterior and a perfect memory), so every metric is computed the same way for all three. The
game's debrief and `whodunit check` can call these on traces from the streaming reader.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from model.readout import TRAITS, UNKNOWN_CLASS
from model.targets import CaseTargets

BAND_WORDS = 50  # width of a memory-distance band
LAST_BAND = 350  # distances at or beyond this share the last band
ECE_BINS = 15
PROGRESS_BINS = 10  # the leak check compares beliefs with the oracle's at ten points along each case


@dataclass(frozen=True)
class Trace:
    """One reader's beliefs over one case."""

    probabilities: np.ndarray  # (T, K) the cast's distribution after each token
    readout: np.ndarray | None = None  # (K, T, cells) chosen read-out class; None for a reader without one


def oracle_posterior(case: CaseTargets) -> np.ndarray:
    """(T, K) the oracle's belief after each token: uniform over the suspects still possible."""
    possible = case.possible.T
    return possible / np.maximum(possible.sum(1, keepdims=True), 1.0)


def oracle_trace(case: CaseTargets) -> Trace:
    """The oracle: its posterior, and a memory that never fails."""
    evidence = np.broadcast_to(case.evidence, case.stated.shape)
    return Trace(oracle_posterior(case), np.concatenate([case.stated, evidence], axis=2))


def word_mask(words: tuple[str, ...]) -> np.ndarray:
    """(V,) which vocabulary entries are words (punctuation is not; slot tokens are names, so they are)."""
    return np.array([any(ch.isalnum() for ch in word) or word.startswith("<") for word in words])


def word_positions(case: CaseTargets, is_word: np.ndarray) -> np.ndarray:
    """(T,) how many words have been read up to and including each token, given `word_mask` of the vocabulary."""
    return np.cumsum(is_word[case.ids])


def band_label(low: int) -> str:
    return f"{low}+" if low >= LAST_BAND else f"{low}-{low + BAND_WORDS - 1}"


def band_start(distance: np.ndarray | int) -> np.ndarray:
    """The first word of the band each distance falls in (0, 50, ... 350 for everything from 350 on)."""
    return np.minimum(np.asarray(distance) // BAND_WORDS, LAST_BAND // BAND_WORDS) * BAND_WORDS


Banded = tuple[tuple[str, float], ...]  # (band label, accuracy) per band, shortest first


def accuracy_by_band(correct: np.ndarray, words: np.ndarray) -> tuple[Banded, tuple[int, ...]]:
    """Final accuracy per band of `words` (one value per case): ((band label, accuracy), ...) and case counts."""
    accuracies, counts = [], []
    bands = band_start(words)
    for band in np.unique(bands):
        members = bands == band
        accuracies.append((band_label(int(band)), round(float(correct[members].mean()), 4)))
        counts.append(int(members.sum()))
    return tuple(accuracies), tuple(counts)


@dataclass(frozen=True, slots=True)
class Excess:
    """The leak check at its worst point along the cases (see `excess_over_oracle`)."""

    max: float  # the largest mean excess of the reader's probability on the culprit over the oracle's
    z: float  # that excess over its standard error
    at: float  # where along the cases, as a share of each case's tokens (0.1 .. 1.0)


@dataclass(frozen=True, slots=True)
class Scores:
    """Every metric of `whodunit eval` for one reader over a set of cases (docs/model.md defines each)."""

    cases: int
    tokens: int
    final_accuracy: float  # the argmax after the last token is the culprit
    decided_accuracy: float  # over tokens where the oracle has one suspect left, the argmax is that suspect
    cleared_mass: float  # mean probability on suspects the oracle has cleared, per token
    long_range_accuracy: float  # final accuracy over the third of cases with the longest deciding distance
    long_range_min_words: int  # the shortest deciding distance in that third
    by_distance: Banded  # final accuracy by the deciding clue's memory distance
    by_distance_cases: tuple[int, ...]
    by_verdict_distance: Banded  # final accuracy by the longest link the verdict rests on
    by_verdict_distance_cases: tuple[int, ...]
    ece: float  # expected calibration error of the argmax, over every token
    brier: float  # per token
    oracle_tv: float  # total-variation distance to the oracle's posterior, per token
    excess_over_oracle: Excess
    recall_by_distance: Banded | None = None  # read-out recall of a stated trait by its age (readers with one)
    by_window: Banded | None = None  # final accuracy by verdict window (when windows were given)
    by_window_cases: tuple[int, ...] | None = None

    def to_json(self) -> dict[str, object]:
        """As `whodunit eval --json` writes it: every measured field, nested dataclasses as objects."""
        return {name: value for name, value in asdict(self).items() if value is not None}


def longest_third(distances: np.ndarray | list[int]) -> np.ndarray:
    """The indices of the longest third of the cases by deciding distance (a third rounded up: 6 of 16), shortest
    first: where the long-range figures of the readers are measured."""
    third = -(-len(distances) // 3)
    return np.argsort(np.asarray(distances), kind="stable")[len(distances) - third :]


def score(
    cases: list[CaseTargets], traces: list[Trace], words: tuple[str, ...], windows: list[int | None] | None = None
) -> Scores:
    """Every metric of `whodunit eval` for one reader over the same cases (see docs/model.md for definitions).

    With `windows` (story.oracle.verdict_window of each case, costly to find), also final accuracy by window.
    """
    pairs = list(zip(cases, traces, strict=True))
    final_correct = np.array([trace.probabilities[-1].argmax() == case.culprit for case, trace in pairs])
    distances = np.array([case.analysis.memory_distance for case in cases])
    longest = longest_third(distances)
    oracles = [oracle_posterior(case) for case in cases]

    decided_hits = decided_tokens = 0
    cleared_mass = brier = tv = 0.0
    confidences, hits = [], []
    for (case, trace), oracle in zip(pairs, oracles, strict=True):
        probabilities, possible = trace.probabilities, case.possible.T  # (T, K) each
        choice = probabilities.argmax(1)
        alone = possible.sum(1) == 1
        decided_tokens += int(alone.sum())
        decided_hits += int((choice[alone] == possible[alone].argmax(1)).sum())
        cleared_mass += float((probabilities * (1.0 - possible)).sum())
        truth = np.zeros_like(probabilities)
        truth[:, case.culprit] = 1.0
        brier += float(((probabilities - truth) ** 2).sum())
        tv += float(0.5 * np.abs(probabilities - oracle).sum())
        confidences.append(probabilities.max(1))
        hits.append(choice == case.culprit)

    tokens = sum(len(case.ids) for case in cases)
    by_distance, by_distance_cases = accuracy_by_band(final_correct, distances)
    links = np.array([case.analysis.verdict_distance for case in cases])
    by_verdict_distance, by_verdict_distance_cases = accuracy_by_band(final_correct, links)
    by_window = by_window_cases = None
    if windows is not None:
        known = np.array([window is not None for window in windows])
        sizes = np.array([window or 0 for window in windows])
        by_window, by_window_cases = accuracy_by_band(final_correct[known], sizes[known])
    return Scores(
        cases=len(cases),
        tokens=tokens,
        final_accuracy=float(final_correct.mean()),
        decided_accuracy=decided_hits / max(decided_tokens, 1),
        cleared_mass=cleared_mass / tokens,
        long_range_accuracy=float(final_correct[longest].mean()),
        long_range_min_words=int(distances[longest].min()),
        by_distance=by_distance,
        by_distance_cases=by_distance_cases,
        by_verdict_distance=by_verdict_distance,
        by_verdict_distance_cases=by_verdict_distance_cases,
        ece=expected_calibration_error(np.concatenate(confidences), np.concatenate(hits)),
        brier=brier / tokens,
        oracle_tv=tv / tokens,
        excess_over_oracle=excess_over_oracle(cases, traces, oracles),
        recall_by_distance=recall_by_age(cases, traces, words),
        by_window=by_window,
        by_window_cases=by_window_cases,
    )


def recall_by_age(cases: list[CaseTargets], traces: list[Trace], words: tuple[str, ...]) -> Banded | None:
    """Read-out recall of a stated trait by its age, the words since it became known, over every case; None for
    a reader without a read-out."""
    is_word = word_mask(words)
    recall: dict[int, list[tuple[int, int]]] = {}
    for case, trace in zip(cases, traces, strict=True):
        if trace.readout is not None:
            for band, correct in _recall(case, trace.readout, word_positions(case, is_word)):
                recall.setdefault(band, []).append(correct)
    if not recall:
        return None
    return tuple(
        (band_label(band), round(sum(right for right, _ in counts) / sum(total for _, total in counts), 4))
        for band, counts in sorted(recall.items())
    )


def _recall(case: CaseTargets, readout: np.ndarray, positions: np.ndarray) -> list[tuple[int, tuple[int, int]]]:
    """Per distance band: (right, total) read-outs of a stated trait, by words since the statement became known."""
    stated = case.stated  # (K, T, traits)
    predicted = readout[:, :, : len(TRAITS)]
    length = stated.shape[1]
    changed = np.ones_like(stated, dtype=bool)
    changed[:, 1:] = stated[:, 1:] != stated[:, :-1]
    since = np.maximum.accumulate(np.where(changed, np.arange(length)[None, :, None], 0), axis=1)
    distance = positions[None, :, None] - positions[since]
    known = stated != UNKNOWN_CLASS
    bands = band_start(distance[known])
    right = (predicted[known] == stated[known]).astype(int)
    return [(int(band), (int(right[bands == band].sum()), int((bands == band).sum()))) for band in np.unique(bands)]


def expected_calibration_error(confidences: np.ndarray, hits: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE over equal-width confidence bins (Guo et al. 2017): sum of |accuracy - confidence|, weighted by size."""
    which = np.minimum((confidences * bins).astype(int), bins - 1)
    total = 0.0
    for index in range(bins):
        members = which == index
        if members.any():
            total += members.sum() * abs(float(hits[members].mean()) - float(confidences[members].mean()))
    return total / len(confidences)


def excess_over_oracle(
    cases: list[CaseTargets], traces: list[Trace], oracles: list[np.ndarray] | None = None
) -> Excess:
    """The leak check: how far a reader's probability on the culprit rises above the oracle's, at its worst.

    Along each case, at ten points of progress, the reader's and the oracle's probability on the culprit are
    compared; the largest mean excess over the cases is reported with its z score (excess / standard error).
    No reader should beat the oracle by more than noise: a clear excess means the prose gives the answer away.
    `oracles` are the cases' oracle posteriors, if already computed.
    """
    oracles = oracles or [oracle_posterior(case) for case in cases]
    excess = np.zeros((len(cases), PROGRESS_BINS))
    for index, (case, trace, posterior) in enumerate(zip(cases, traces, oracles, strict=True)):
        length = len(case.ids)
        at = np.minimum((np.arange(1, PROGRESS_BINS + 1) * length) // PROGRESS_BINS, length) - 1
        excess[index] = trace.probabilities[at, case.culprit] - posterior[at, case.culprit]
    mean = excess.mean(0)
    error = excess.std(0, ddof=1) / np.sqrt(len(cases)) if len(cases) > 1 else np.full(PROGRESS_BINS, np.inf)
    worst = int(mean.argmax())
    return Excess(float(mean[worst]), float(mean[worst] / max(error[worst], 1e-12)), (worst + 1) / PROGRESS_BINS)
