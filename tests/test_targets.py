"""Training targets follow the oracle token by token, and never run ahead of the text."""

from __future__ import annotations

import numpy as np

from model.readout import TRAITS, UNKNOWN_CLASS
from model.targets import case_targets
from model.tokenizer import build_vocabulary
from story import load_story
from story.generator import generate_cases
from story.traits import CATALOGUE

MANOR = "story/mysteries/manor.toml"


def test_manor_targets_follow_the_oracle_clue_by_clue() -> None:
    story = load_story(MANOR)
    targets = case_targets(story, build_vocabulary([story]))
    assert targets.possible.shape == (5, len(targets.ids))
    for index, step in enumerate(targets.analysis.steps):
        last = targets.clue_ends[index] - 1
        assert set(np.flatnonzero(targets.possible[:, last])) == set(step.possible)
        if index + 1 < len(targets.clue_ends):  # the next clue's tokens before its last still hold this state
            assert (targets.possible[:, last : targets.clue_ends[index + 1] - 1] == targets.possible[:, [last]]).all()
    assert set(np.flatnonzero(targets.possible[:, -1])) == {story.culprit}
    assert targets.possible[:, : targets.clue_ends[0] - 1].all()  # nothing known before the first clue ends


def test_memory_targets_hold_stated_values_until_retracted() -> None:
    story = load_story(MANOR)
    targets = case_targets(story, build_vocabulary([story]))
    hand = TRAITS.index("handedness")
    right = CATALOGUE["handedness"].values.index("right")
    butler, said, retracted = 0, targets.clue_ends[5] - 1, targets.clue_ends[10] - 1  # clues 6 and 11
    assert targets.stated[butler, said - 1, hand] == UNKNOWN_CLASS
    assert (targets.stated[butler, said:retracted, hand] == right).all()
    assert (targets.stated[butler, retracted:, hand] == UNKNOWN_CLASS).all()
    tobacco = TRAITS.index("tobacco")
    assert targets.evidence[-1, tobacco] == CATALOGUE["tobacco"].values.index("cigar")


def test_generated_targets_end_on_the_culprit_alone() -> None:
    stories = list(generate_cases(5, 20, "default"))
    vocabulary = build_vocabulary(stories)
    for story in stories:
        targets = case_targets(story, vocabulary)
        assert np.flatnonzero(targets.possible[:, -1]).tolist() == [story.culprit]


def test_values_only_authors_use_are_unknown_to_the_read_out_and_leave_its_shape() -> None:
    """Training never shows "large" feet or a non-smoker, so the read-out has no class for them, and adding
    such a value to the catalogue does not change the readers' shape (every checkpoint still loads)."""
    from model.readout import READOUT_CLASSES, UNKNOWN_CLASS, value_class
    from story.traits import CATALOGUE

    assert UNKNOWN_CLASS == max(len(trait.generated_values) for trait in CATALOGUE.values()) == 7
    assert READOUT_CLASSES == 8
    assert value_class("shoe_size", "large") == value_class("tobacco", "none") == UNKNOWN_CLASS
    assert value_class("shoe_size", "12") == 6 and value_class("hair", "fair") == 3
