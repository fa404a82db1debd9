"""What a report may claim of a reader's beliefs: an even split names nobody."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from commands.check import verdict_line
from model.verdicts import NAMING_MARGIN, StoryVerdict, named_suspect
from story import Clue, Story, Suspect


@pytest.mark.parametrize(
    ("belief", "named"),
    [
        ([0.2] * 5, None),  # five equal bars
        ([0.26, 0.24, 0.2, 0.15, 0.15], None),
        ([0.2 + NAMING_MARGIN, 0.2, 0.2, 0.2 - NAMING_MARGIN], 0),
        ([0.05, 0.9, 0.05], 1),
        ([1.0], 0),
    ],
)
def test_a_reader_names_someone_only_when_they_stand_out(belief: list[float], named: int | None) -> None:
    assert named_suspect(np.array(belief)) == named


CAST = tuple(Suspect(name, role, "they") for name, role in [("Ada", "archer"), ("Bastien", "baker"), ("Cy", "cook")])
STORY = Story("T", "S", "V", "I.", CAST, (Clue("It rained."),), 1, "R")
EVEN = StoryVerdict("rnn", np.array([[0.34, 0.33, 0.33]]), None, 0.33, None, 0.0, 1, (), 1)


def test_an_even_split_reads_undecided_not_a_name() -> None:
    line = verdict_line(STORY, EVEN)
    assert line.startswith("RNN is undecided: no suspect stands out") and "rightly" not in line


def test_a_clear_verdict_says_whether_it_is_right() -> None:
    right = replace(EVEN, clue_beliefs=np.array([[0.1, 0.8, 0.1]]), named=1, from_clue=0)
    assert verdict_line(STORY, right) == "RNN names Bastien (80%), rightly, from clue 1 on"
    wrong = replace(EVEN, clue_beliefs=np.array([[0.8, 0.1, 0.1]]), named=0)
    assert verdict_line(STORY, wrong) == "RNN names Ada (80%), wrongly; it gives the culprit 10%"
