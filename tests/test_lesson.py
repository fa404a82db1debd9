"""The bundled lesson in forgetting (story/mysteries/forgetting.toml): the explanation's own example, playable.

It exists to show memory at work, so it must be a story the bundled partner reads right: a lesson whose partner
misreads it would teach the opposite of its point. These tests read it with the shipped weights on numpy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model.shipped import load_shipped
from model.verdicts import story_verdict
from story import Alibi, analyze, load_story

LESSON = Path(__file__).resolve().parent.parent / "story" / "mysteries" / "forgetting.toml"


def test_the_lesson_moves_from_martin_to_jennifer_and_clears_martin_by_an_alibi() -> None:
    story = load_story(LESSON)
    names = [suspect.name for suspect in story.suspects]
    first_jennifer = next(index for index, clue in enumerate(story.clues) if "Jennifer" in clue.text)
    assert all("Jennifer" not in clue.text for clue in story.clues[:first_jennifer])
    assert any(
        isinstance(fact, Alibi) and names[fact.suspect] == "Martin"
        for clue in story.clues[:first_jennifer]
        for fact in clue.facts
    )
    analysis = analyze(story)
    assert names[story.culprit] == "Jennifer" and analysis.decided_at is not None
    assert analysis.decided_at > first_jennifer + 4  # the deciding evidence comes long after the story moved on


def test_the_bundled_partner_waits_for_the_evidence_then_names_jennifer() -> None:
    story = load_story(LESSON)
    analysis = analyze(story)
    verdict = story_verdict(load_shipped("lstm"), story, analysis)
    assert verdict.named == story.culprit and verdict.culprit_probability >= 0.8
    assert verdict.from_clue == analysis.decided_at
    before = verdict.clue_beliefs[: analysis.decided_at]
    assert np.all(before.max(axis=1) < 0.7)  # no conviction before the logic allows one
