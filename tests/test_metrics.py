"""The evaluation metrics on traces whose right answers are known by construction."""

from __future__ import annotations

import numpy as np
import pytest

from model.metrics import (
    Trace,
    expected_calibration_error,
    longest_third,
    oracle_trace,
    score,
    word_mask,
    word_positions,
)
from model.readout import UNKNOWN_CLASS
from model.targets import case_targets
from model.tokenizer import build_vocabulary
from story.generator import generate_cases

STORIES = list(generate_cases(11, 30, "default"))
VOCABULARY = build_vocabulary([*STORIES, *generate_cases(11, 30, "easy")])
CASES = [case_targets(story, VOCABULARY) for story in STORIES]


def test_the_oracle_scores_perfectly_against_itself() -> None:
    scores = score(CASES, [oracle_trace(case) for case in CASES], VOCABULARY.words)
    assert scores.final_accuracy == scores.decided_accuracy == scores.long_range_accuracy == 1.0
    assert scores.cleared_mass == scores.oracle_tv == 0.0
    assert scores.recall_by_distance and all(recall == 1.0 for _, recall in scores.recall_by_distance)
    assert sum(scores.by_distance_cases) == len(CASES)
    assert scores.excess_over_oracle.max == pytest.approx(0.0)


def test_a_reader_that_never_reads_is_at_chance_and_far_from_the_oracle() -> None:
    traces = [Trace(np.full((len(case.ids), case.cast_size), 1 / case.cast_size)) for case in CASES]
    scores = score(CASES, traces, VOCABULARY.words)
    # argmax of a flat distribution is slot 0: right exactly when slot 0 is the culprit
    assert scores.final_accuracy == np.mean([case.culprit == 0 for case in CASES])
    assert scores.cleared_mass > 0.2
    assert scores.oracle_tv > 0.2
    assert scores.recall_by_distance is None
    assert "recall_by_distance" not in scores.to_json()


def test_a_memory_that_forgets_after_fifty_words_shows_in_the_recall_curve() -> None:
    stories = list(generate_cases(11, 30, "easy"))  # no testimony is retracted: each stated value is said once
    cases = [case_targets(story, VOCABULARY) for story in stories]
    traces = []
    for case in cases:
        truth = oracle_trace(case)
        readout = truth.readout.copy()
        positions = word_positions(case, word_mask(VOCABULARY.words))
        stated = readout[:, :, :7]
        for slot in range(case.cast_size):
            for trait in range(7):
                column = case.stated[slot, :, trait]
                known = np.flatnonzero(column != UNKNOWN_CLASS)
                if len(known):
                    old = positions - positions[known[0]] >= 50
                    stated[slot, old & (column != UNKNOWN_CLASS), trait] = UNKNOWN_CLASS
        traces.append(Trace(truth.probabilities, readout))
    recall = dict(score(cases, traces, VOCABULARY.words).recall_by_distance or ())
    assert recall["0-49"] == 1.0
    assert recall["100-149"] == 0.0


def test_calibration_error_of_honest_and_overconfident_beliefs() -> None:
    assert expected_calibration_error(np.full(10, 0.9), np.array([1] * 9 + [0])) == pytest.approx(0.0)
    assert expected_calibration_error(np.full(10, 0.95), np.array([1] * 5 + [0] * 5)) == pytest.approx(0.45)


def test_the_longest_third_is_a_third_of_the_cases_rounded_up_the_longest_ones() -> None:
    assert longest_third([5, 1, 9, 3]).tolist() == [0, 2]  # 2 of 4: the 5 and the 9, shortest first
    assert len(longest_third(list(range(16)))) == 6 and len(longest_third(list(range(33)))) == 11
    assert longest_third(list(range(16))).tolist() == list(range(10, 16))
