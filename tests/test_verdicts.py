"""What a report may claim of a reader's beliefs: an even split names nobody, and a reader that holds everyone
cleared is lost."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from commands.check import verdict_line
from model.verdicts import LOST_LOGIT, LOST_RUN, NAMING_MARGIN, StoryVerdict, lost_tokens, named_suspect
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
EVEN = StoryVerdict("rnn", np.array([[0.34, 0.33, 0.33]]), None, 0.33, None, 0.0, 1, (), 1, ())


def test_an_even_split_reads_undecided_not_a_name() -> None:
    line = verdict_line(STORY, EVEN)
    assert line.startswith("RNN is undecided: no suspect stands out") and "rightly" not in line


def test_a_clear_verdict_says_whether_it_is_right() -> None:
    right = replace(EVEN, clue_beliefs=np.array([[0.1, 0.8, 0.1]]), named=1, from_clue=0)
    assert verdict_line(STORY, right) == "RNN names Bastien (80%), rightly, from clue 1 on"
    wrong = replace(EVEN, clue_beliefs=np.array([[0.8, 0.1, 0.1]]), named=0)
    assert verdict_line(STORY, wrong) == "RNN names Ada (80%), wrongly; it gives the culprit 10%"


def test_a_reader_is_lost_once_it_has_held_everyone_cleared_for_a_run_of_tokens() -> None:
    possible = np.full((3 * LOST_RUN, 3), LOST_LOGIT - 1.0)  # every reading holds its suspect cleared ...
    possible[LOST_RUN - 1, 1] = LOST_LOGIT + 1.0  # ... but one, for one token: the run starts again after it
    possible[2 * LOST_RUN + 5 :, 2] = 4.0  # and from here someone is possible again
    lost = lost_tokens(possible)
    assert not lost[: 2 * LOST_RUN - 1].any() and lost[2 * LOST_RUN - 1 : 2 * LOST_RUN + 5].all()
    assert not lost[2 * LOST_RUN + 5 :].any()


def test_a_verdict_says_where_the_reader_was_lost() -> None:
    lost = replace(EVEN, clue_beliefs=np.array([[0.8, 0.1, 0.1]]), named=0, lost_clues=(0,))
    assert verdict_line(STORY, lost).endswith(
        "; lost at the end of 1 of 1 clues (from clue 1): it reads every suspect as cleared there, so its bars there "
        "may be noise"
    )
