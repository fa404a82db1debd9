"""The game's rules, played headless: narration, the race, scores, saves and their replay."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import game.match
from game import scoring
from game.cases import CaseRef, load_case
from game.match import SHORT_MEMORY_CLUES, Match, switch_note
from game.saves import Options, SavedGame, SaveError, list_saves, load_save, replay, save_game
from model.checkpoint import Checkpoint
from model.readout import TRAITS, UNKNOWN_CLASS
from model.verdicts import LOST_RUN
from story.traits import CATALOGUE
from tests.readers import holding_everyone_cleared

MANOR = CaseRef("bundled", name="manor.toml")


@pytest.fixture
def match(readers: tuple[Checkpoint, Checkpoint]) -> Match:
    return Match(load_case(MANOR), *readers)


def test_narration_feeds_every_word_to_both_readers_once(match: Match) -> None:
    while not match.told_all:
        match.advance()
    assert len(match.partner.beliefs) == len(match.rival.beliefs) == match.total
    assert match.clues_told == len(match.story.clues)
    assert all(np.isclose(belief.sum(), 1.0) for belief in match.partner.beliefs)
    assert match.advance() is None  # nothing left to tell


def test_finish_clue_stops_at_the_end_of_the_clue(match: Match) -> None:
    match.finish_clue()  # the intro
    assert match.clue == 0 and match.clues_told == 0
    match.finish_clue()
    assert match.clues_told == 1 and match.words[match.position - 1].ends_clue


def test_a_quick_deduction_outscores_a_late_one_and_a_guess_scores_least(readers) -> None:
    lighthouse = load_case(CaseRef("bundled", name="lighthouse.toml"))  # proved two clues before the end
    guess, quick, late = (Match(lighthouse, *readers) for _ in range(3))
    assert quick.proved_at is not None and quick.proved_at < quick.total
    culprit = quick.story.culprit
    guess.finish_clue()  # the intro: nothing proves anything yet
    while quick.position < quick.proved_at:
        quick.advance()
    while not late.told_all:
        late.advance()
    for match in (guess, quick, late):
        assert match.accuse(culprit).correct and match.over
    assert guess.score.solve == scoring.GUESS and quick.score.solve == late.score.solve == scoring.SOLVE
    assert quick.score.speed == scoring.SPEED > late.score.speed
    assert quick.score.total > late.score.total > guess.score.total


def test_a_wrong_accusation_costs_and_the_game_goes_on(match: Match) -> None:
    match.finish_clue()
    innocent = (match.story.culprit + 1) % len(match.story.suspects)
    assert not match.accuse(innocent).correct
    assert match.score.total == -scoring.WRONG and not match.over
    with pytest.raises(ValueError, match="already been cleared"):
        match.accuse(innocent)
    match.advance()
    assert match.accuse(match.story.culprit).correct and match.over


def test_a_wrong_final_accusation_leaves_the_case_unsolved(match: Match) -> None:
    while not match.told_all:
        match.advance()
    match.accuse((match.story.culprit + 1) % len(match.story.suspects))
    assert match.over and not match.player_solved
    with pytest.raises(ValueError, match="closed"):
        match.accuse(match.story.culprit)


def test_the_rival_accuses_once_sure_and_never_the_same_suspect_twice(match: Match, monkeypatch) -> None:
    monkeypatch.setattr(game.match, "RIVAL_THRESHOLD", 0.0)
    made = []
    while not match.told_all and not match.rival_solved:
        accusation = match.advance()
        if accusation:
            made.append(accusation)
    assert made and made[0].at >= match.words.index(next(w for w in match.words if w.ends_clue)) + 1
    named = [accusation.suspect for accusation in made]
    assert len(named) == len(set(named))
    assert made[-1].correct or match.told_all


def test_the_partner_advises_but_never_accuses(match: Match) -> None:
    while not match.told_all:
        match.advance()
    assert match.advice().startswith("Your partner:")
    assert all(accusation.by != "partner" for accusation in match.accusations)


def test_a_partner_that_holds_everyone_cleared_says_it_is_lost(match: Match, monkeypatch) -> None:
    with monkeypatch.context() as patched:
        holding_everyone_cleared(match.partner.reader, patched)
        for _ in range(LOST_RUN - 1):
            match.advance()
        assert "lost the thread" not in match.advice()  # a few words of it are a clue being weighed, not being lost
        match.advance()
        assert match.advice() == "Your partner: I have lost the thread (everyone reads as cleared to me)."
    match.advance()
    assert "lost the thread" not in match.advice()


def test_what_the_story_said_is_on_the_cards_once_told(match: Match) -> None:
    assert match.said_of(0) == ()
    while not match.told_all:
        match.advance()
    butler = next(slot for slot, suspect in enumerate(match.story.suspects) if suspect.role == "butler")
    assert "smokes cigars" in match.said_of(butler)
    assert match.evidence()


def test_a_broken_alibi_stays_on_the_card_as_broken(match: Match) -> None:
    """Manor's clue 5 gives Miss Lane an alibi and clue 8 breaks it: her card says so from then on, rather than
    going back to "said nothing yet" as if clue 5 had never spoken of her."""
    lane = next(slot for slot, suspect in enumerate(match.story.suspects) if "Lane" in suspect.name)
    seen = []
    while not match.told_all:
        match.finish_clue()
        seen.append(match.said_of(lane))
    assert seen[5] == ("alibi (clue 5)",) and seen[7] == ("alibi (clue 5)",)
    assert seen[8] == ("alibi broken (clue 8)",) and "alibi broken (clue 8)" in seen[-1]


def slot_of(match: Match, name: str) -> int:
    return next(slot for slot, suspect in enumerate(match.story.suspects) if name in suspect.name)


def told(match: Match, clues: int) -> Match:
    """`match` with `clues` clues told in full, the next not begun."""
    while match.clues_told < clues:
        match.finish_clue()
    return match


def test_short_memory_keeps_the_last_clues_heard_in_view_the_one_being_told_among_them(match: Match) -> None:
    """The story pane shows the last SHORT_MEMORY_CLUES clues, the one being told counting from its first word:
    the first clue in view is the same rule for the pane, the cards, the murderer line and the notebook."""
    assert SHORT_MEMORY_CLUES == 3
    match.finish_clue()  # the intro
    assert match.first_in_view(True) == 0
    told(match, 3)
    assert match.clues_heard == 3 and match.first_in_view(True) == 0  # clues 1-3: nothing faded yet
    match.advance()  # the first word of clue 4: clue 1 fades as it begins
    assert match.clues_told == 3 and match.clues_heard == 4 and match.first_in_view(True) == 1
    told(match, 4)
    assert match.first_in_view(True) == 1
    told(match, 10)
    assert match.first_in_view(True) == 7 and match.first_in_view(False) == 0


def test_in_short_memory_a_card_says_only_what_the_clues_in_view_say(match: Match) -> None:
    """Manor's clue 2 says Hobbs smokes cigars, clue 5 gives Miss Lane an alibi, clue 8 breaks it and clue 10
    says she is right-handed. A fact said only in a faded clue is off the card, still true or not; a break seen in
    view shows though the alibi it broke has faded; with a full memory the card is as it always was."""
    hobbs, lane = slot_of(match, "Hobbs"), slot_of(match, "Lane")
    cigars, right = CATALOGUE["tobacco"].describe("cigar"), CATALOGUE["handedness"].describe("right")
    told(match, 4)
    assert cigars in match.said_of(hobbs, since=match.first_in_view(True))  # clues 2-4 in view
    told(match, 5)
    since = match.first_in_view(True)
    assert since == 2 and cigars not in match.said_of(hobbs, since=since)  # clue 2 has faded
    assert match.said_of(hobbs, since=match.first_in_view(False)) == match.said_of(hobbs)  # a full memory
    assert cigars in match.said_of(hobbs)
    told(match, 7)
    assert match.said_of(lane, since=match.first_in_view(True)) == ("alibi (clue 5)",)
    told(match, 8)
    assert match.said_of(lane, since=match.first_in_view(True)) == ("alibi broken (clue 8)",)  # clue 5 faded
    told(match, 11)
    assert match.said_of(lane, since=match.first_in_view(True)) == (right,)  # the break, clue 8, has faded too
    assert match.said_of(lane) == (right, "alibi broken (clue 8)")


def test_in_short_memory_the_murderer_line_keeps_only_the_evidence_in_view(match: Match) -> None:
    """Manor's clue 12 says the murderer smokes cigars, clue 15 that they are left-handed."""
    cigars, left = CATALOGUE["tobacco"].describe("cigar"), CATALOGUE["handedness"].describe("left")
    told(match, 12)
    assert match.evidence(since=match.first_in_view(True)) == (cigars,)
    told(match, 15)
    assert match.evidence(since=match.first_in_view(True)) == (left,)  # clues 13-15 in view
    assert set(match.evidence()) == {cigars, left}


def test_a_switch_says_truthfully_what_it_does_to_the_score() -> None:
    """A mode earns only if on from the first word and never switched off (scoring.Modes.kept)."""
    hard, short = f"+{scoring.HARD_BONUS:.0%}", f"+{scoring.SHORT_MEMORY_BONUS:.0%}"
    assert scoring.Modes(True, True).kept(True, False) == scoring.Modes(True, False)  # off: stops earning
    assert switch_note("short_memory", False, earning=True).endswith(f"no longer earns its {short}.")
    assert "earns" not in switch_note("short_memory", False, earning=False)  # it earned nothing to lose
    assert scoring.Modes().kept(True, True) == scoring.Modes()  # on in play: never earns
    on = switch_note("short_memory", True, earning=False)
    assert f"last {SHORT_MEMORY_CLUES} clues" in on and f"earns {short} only" in on and "not this one" in on
    assert f"earns {hard} only" in switch_note("hard", True, earning=False)
    assert switch_note("hard", False, earning=True).endswith(f"no longer earns its {hard}.")


def test_a_save_replays_to_the_same_beliefs_and_moves(readers, match: Match) -> None:
    for _ in range(4):
        match.finish_clue()
    innocent = (match.story.culprit + 1) % len(match.story.suspects)
    match.accuse(innocent)
    match.advance()
    match.mark(2, "suspicious")
    match.notes[1] = "lied about the wine"
    moves = tuple((a.suspect, a.at) for a in match.accusations if a.by == "player")
    path = save_game(SavedGame(MANOR, match.position, moves, dict(match.marks), dict(match.notes), Options(hard=True)))
    assert list_saves() == [path]
    saved = load_save(path)
    resumed = replay(saved, Match(load_case(saved.case), *readers))
    assert resumed.position == match.position and resumed.accusations == match.accusations
    np.testing.assert_allclose(resumed.partner.belief, match.partner.belief)
    assert resumed.marks == {2: "suspicious"} and resumed.notes == {1: "lied about the wine"}
    assert saved.options.hard


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "1:2: not a whodunit save (invalid JSON"),
        ('{"format": "other"}', "not a whodunit save"),
        ('{"format": "whodunit-save/1", "case": {"kind": "bundled"}}', "case.name"),
        (
            '{"format": "whodunit-save/1", "case": {"kind": "bundled", "name": "manor.toml"}, "position": -3}',
            "position",
        ),
        (
            '{"format": "whodunit-save/1", "case": {"kind": "generated", "seed": 1, "difficulty": "easy", '
            '"sha256": "0"}, '
            '"position": 0, "marks": {"0": "guilty"}}',
            "marks.0: unknown mark",
        ),
        (
            '{"format": "whodunit-save/1", "case": {"kind": "bundled", "name": "m"}, "position": 0, "options": 3}',
            "options",
        ),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_a_bad_save_is_refused_with_the_file_and_the_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "save.json"
    path.write_text(content)
    with pytest.raises(SaveError) as caught:
        load_save(path)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)


def test_a_save_for_another_case_does_not_replay(readers, tmp_path: Path) -> None:
    document = {"format": "whodunit-save/1", "case": MANOR.to_dict(), "position": 10**6}
    path = tmp_path / "save.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SaveError, match="position"):
        replay(load_save(path), Match(load_case(MANOR), *readers), str(path))


def test_an_oversized_save_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "save.json"
    path.write_text(" " * (300 * 1024))
    with pytest.raises(SaveError, match="too large"):
        load_save(path)


def test_a_memory_is_checked_against_what_the_clues_said(match: Match) -> None:
    """A card shows what a reader holds of the traits the clues stated of a suspect, right or wrong (the debrief
    marks the wrong ones), and nothing of a trait never stated, however sure the read-out is there."""
    while not match.told_all:
        match.advance()
    stated = match.analysis.steps[-1].stated
    slot, trait, value = stated[0]  # something the story did say
    classes = CATALOGUE[trait].generated_values
    other = next(v for v in classes if v != value)
    readout = np.zeros_like(match.partner.readout)
    readout[..., UNKNOWN_CLASS] = 1.0
    readout[slot, :, UNKNOWN_CLASS] = 0.0
    readout[slot, :, 0] = 1.0  # a sure first value for every trait of this suspect: most were never stated
    index = TRAITS.index(trait)
    readout[slot, index, 0], readout[slot, index, classes.index(value)] = 0.0, 1.0
    match.partner.readout = readout
    held = {t: CATALOGUE[t].generated_values[0] for t in TRAITS} | {trait: value}
    stated_traits = {t for s, t, _ in stated if s == slot}
    assert len(stated_traits) < len(TRAITS)  # some traits of this suspect were never stated: they must not show
    expected = tuple(
        (CATALOGUE[t].describe(held[t]), (slot, t, held[t]) in stated) for t in TRAITS if t in stated_traits
    )
    assert match.checked_memories(match.partner, slot) == expected
    assert (CATALOGUE[trait].describe(value), True) in expected
    assert match.memories(match.partner, slot) == tuple(phrase for phrase, _ in expected)

    readout[slot, index, classes.index(value)], readout[slot, index, classes.index(other)] = 0.0, 1.0
    assert (CATALOGUE[trait].describe(other), False) in match.checked_memories(match.partner, slot)  # misread


def test_the_debrief_says_when_an_accusation_was_made_by_clue(match: Match) -> None:
    assert match.moment(0) == "before the first clue"
    match.finish_clue()  # the intro
    assert match.moment(match.position) == "before the first clue"
    match.advance()
    assert match.moment(match.position) == "during clue 1"
    match.finish_clue()
    assert match.moment(match.position) == "after clue 1"
    assert match.moment(match.total) == "after the last clue"


def test_in_short_memory_the_gate_view_shows_no_word_of_a_faded_clue(readers: tuple[Checkpoint, Checkpoint]) -> None:
    """The gate view's last 16 words reach back into a faded clue where clues are short (the lesson's: "Jennifer
    writes with her left hand."): those words are left out."""
    match = Match(load_case(CaseRef("bundled", name="forgetting.toml")), *readers)
    match.finish_clue()  # the intro
    while not match.first_in_view(True) or all(c.clue >= match.first_in_view(True) for c in match.gate_columns(0)):
        assert not match.told_all, "the window never reached a faded clue"
        match.advance()
    since = match.first_in_view(True)
    full, kept = match.gate_columns(0), match.gate_columns(0, since=since)
    assert kept and all(column.clue >= since for column in kept)
    assert [column.word for column in kept] == [column.word for column in full if column.clue >= since]
    assert len(kept) < len(full)
