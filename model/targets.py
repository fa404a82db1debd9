"""What the readers are taught, token by token, from the oracle: who is still possible, and what to remember.

A clue's facts become known at its last token: before it, every token of the clue carries the state after the
previous clue (the intro carries the state before any clue: everyone possible, nothing known). So a target never
tells a reader something it has not read yet. Pure numpy: evaluation and the game's debrief use it too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.readout import TRAITS, UNKNOWN_CLASS, value_class
from model.tokenizer import Vocabulary, read_story
from story import Analysis, Story, analyze

_TRAIT_INDEX = {trait: index for index, trait in enumerate(TRAITS)}


@dataclass(frozen=True)
class CaseTargets:
    ids: np.ndarray  # (T,) token ids, suspects as slot tokens
    possible: np.ndarray  # (K, T) 1.0 where the oracle still allows suspect k after token t
    stated: np.ndarray  # (K, T, traits) class of k's standing stated value per trait; UNKNOWN_CLASS if none
    evidence: np.ndarray  # (T, traits) class of the standing evidence per trait; UNKNOWN_CLASS if none
    clue_ends: tuple[int, ...]  # one past each clue's last token
    culprit: int
    analysis: Analysis

    @property
    def cast_size(self) -> int:
        return self.possible.shape[0]


def case_targets(story: Story, vocabulary: Vocabulary, analysis: Analysis | None = None) -> CaseTargets:
    analysis = analysis or analyze(story)
    reading = read_story(story)
    cast, length = len(story.suspects), len(reading.tokens)
    possible = np.ones((cast, length), np.float32)
    stated = np.full((cast, length, len(TRAITS)), UNKNOWN_CLASS, np.int64)
    evidence = np.full((length, len(TRAITS)), UNKNOWN_CLASS, np.int64)
    for index, step in enumerate(analysis.steps):
        known_from = reading.clue_ends[index] - 1  # the clue's last token; holds until the next clue's last
        possible[:, known_from:] = 0.0
        possible[list(step.possible), known_from:] = 1.0
        stated[:, known_from:] = UNKNOWN_CLASS
        for slot, trait, value in step.stated:
            stated[slot, known_from:, _TRAIT_INDEX[trait]] = value_class(trait, value)
        evidence[known_from:] = UNKNOWN_CLASS
        for trait, value in step.evidence:
            evidence[known_from:, _TRAIT_INDEX[trait]] = value_class(trait, value)
    ids = np.array(vocabulary.encode(reading.tokens), np.int64)
    return CaseTargets(ids, possible, stated, evidence, reading.clue_ends, story.culprit, analysis)
