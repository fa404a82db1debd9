"""The ladder: each reader's final accuracy on every rung of generated difficulty, and by the facts a case makes
a reader hold at once. It measures the contrast this game is built on as information piles up: a vanilla RNN
that does well while there is little to hold and drowns as there is more, and an LSTM that keeps what matters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.checkpoint import Checkpoint
from model.evaluate import checkpoint_traces
from model.metrics import Trace
from model.readout import UNKNOWN_CLASS
from model.targets import CaseTargets, case_targets
from story import Story, analyze
from story.oracle import Analysis

LADDER = ("tiny", "easy", "default", "hard", "long")  # rungs, least to hold first
HELD_BANDS = ((0, 4), (5, 8), (9, 12), (13, 16), (17, 24), (25, 10_000))  # facts held at once, inclusive


def facts_held(analysis: Analysis) -> int:
    """The most facts a perfect memory holds at once over the story: standing statements (suspect, trait,
    value) and standing evidence, at their fullest after any clue."""
    return max((len(step.stated) + len(step.evidence) for step in analysis.steps), default=0)


def band_name(low: int, high: int) -> str:
    return f"{low}+" if high >= 10_000 else f"{low}-{high}"


@dataclass(frozen=True)
class Rung:
    """One rung's cases read by every reader."""

    difficulty: str
    cases: int
    accuracy: dict[str, float]  # reader -> final accuracy; "oracle" included
    held: tuple[int, ...]  # facts held, per case
    correct: dict[str, tuple[bool, ...]]  # reader -> final verdict right, per case
    writes: dict[str, tuple[float | None, ...]]  # reader -> write accuracy by fifth of the clues (write_accuracy)


def climb(checkpoints: dict[str, Checkpoint], rungs: dict[str, list[Story]]) -> list[Rung]:
    """Every reader over every rung's stories (all readers must share a vocabulary's tokenizer settings)."""
    results = []
    for difficulty, stories in rungs.items():
        correct: dict[str, tuple[bool, ...]] = {}
        writes: dict[str, tuple[float | None, ...]] = {}
        analyses = [analyze(story) for story in stories]  # once per story, shared by every reader
        held = tuple(facts_held(analysis) for analysis in analyses)
        for name, checkpoint in checkpoints.items():
            cases = [
                case_targets(story, checkpoint.vocabulary, analysis)
                for story, analysis in zip(stories, analyses, strict=True)
            ]
            traces = checkpoint_traces(checkpoint, cases)
            writes[name] = write_accuracy(cases, traces)
            finals = (trace.probabilities[-1].argmax() for trace in traces)
            correct[name] = tuple(bool(final == case.culprit) for final, case in zip(finals, cases, strict=True))
        correct["oracle"] = tuple(
            analysis.steps[-1].possible == (story.culprit,) for story, analysis in zip(stories, analyses, strict=True)
        )
        accuracy = {name: sum(hits) / max(len(hits), 1) for name, hits in correct.items()}  # the oracle: decided
        results.append(Rung(difficulty, len(stories), accuracy, held, correct, writes))
    return results


def write_accuracy(cases: list[CaseTargets], traces: list[Trace], parts: int = 5) -> tuple[float | None, ...]:
    """How well a reader writes: its read-out right at the very token where a statement becomes known, by the part
    (fifth, by default) of the case's clues the statement falls in; None for a part with no statement. A reader
    that forgets writes well everywhere and loses facts with age; one that drowns writes well only while little
    has been read (docs/model.md, "The rival")."""
    right, total = [0] * parts, [0] * parts
    for case, trace in zip(cases, traces, strict=True):
        if trace.readout is None:
            continue
        clue_of_token = np.searchsorted(np.array(case.clue_ends), np.arange(len(case.ids)), side="right")
        fresh = np.zeros_like(case.stated, dtype=bool)  # (K, T, traits): a statement known from this token
        fresh[:, 1:] = (case.stated[:, 1:] != case.stated[:, :-1]) & (case.stated[:, 1:] != UNKNOWN_CLASS)
        clues = len(case.clue_ends)
        for slot, token, trait in zip(*np.nonzero(fresh), strict=True):
            part = min(parts - 1, int(clue_of_token[token]) * parts // clues)
            right[part] += int(trace.readout[slot, token, trait] == case.stated[slot, token, trait])
            total[part] += 1
    return tuple(hits / count if count else None for hits, count in zip(right, total, strict=True))


def by_facts_held(rungs: list[Rung]) -> list[tuple[str, int, dict[str, float]]]:
    """Final accuracy per band of facts held, pooled over the rungs: (band, cases, reader -> accuracy)."""
    bands = []
    for low, high in HELD_BANDS:
        picked = [(rung, index) for rung in rungs for index, held in enumerate(rung.held) if low <= held <= high]
        if not picked:
            continue
        names = rungs[0].correct.keys()
        accuracy = {name: sum(rung.correct[name][i] for rung, i in picked) / len(picked) for name in names}
        bands.append((band_name(low, high), len(picked), accuracy))
    return bands
