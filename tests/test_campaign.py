"""The campaign: the ladder's rules, its progress file, and a climb through the UI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from game.app import WhodunitApp
from game.campaign import RUNGS, CampaignError, Progress, case_for, load_progress, progress_path, record, save_progress
from game.cases import load_case
from game.saves import Options, SavedGame, load_save, save_game, save_path, saves_folder
from game.screens.debrief import DebriefScreen
from game.screens.play import PlayScreen
from story import grammar


def test_a_failed_rung_is_tried_again_on_another_case_and_a_solved_one_leads_up() -> None:
    progress = Progress()
    first = case_for(progress)
    assert progress.rung == 0 and first.difficulty == RUNGS[0].difficulty == "tiny"
    assert case_for(progress) == first  # the same ladder for everyone
    failed = record(progress, 0, solved=False, score=-60, won_race=False)
    assert failed.rung == 0 and case_for(failed) != first
    passed = record(failed, 0, solved=True, score=150, won_race=True)
    assert passed.rung == 1 and case_for(passed).difficulty == RUNGS[1].difficulty
    assert passed.records[0].best == 150 and passed.records[0].beat_rival and passed.records[0].attempts == 2
    climbed = Progress()
    for rung in range(len(RUNGS)):
        climbed = record(climbed, rung, solved=True, score=100, won_race=False)
    assert climbed.finished


def test_progress_survives_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "campaign.json"
    assert load_progress(path) == Progress()  # none yet: a fresh climb
    progress = record(record(Progress(), 0, True, 210, True), 1, False, -60, False)
    save_progress(progress, path)
    assert load_progress(path) == progress


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{oops", "not the campaign's progress"),
        ('{"format": "other"}', 'expected "format": "whodunit-campaign/1"'),
        ('{"format": "whodunit-campaign/1", "rungs": 3}', "rungs: expected a list"),
        ('{"format": "whodunit-campaign/1", "rungs": [{"attempts": -1}]}', r"rungs\[0\]: expected attempts"),
        ('{"format": "whodunit-campaign/1", "rungs": [{"attempts": 1, "passed": "yes"}]}', r"rungs\[0\]"),
        ('{"format": "whodunit-campaign/1", "rungs": [{"attempts": 1, "best": 1.5}]}', r"rungs\[0\]"),
    ],
)
def test_a_bad_progress_file_is_refused_with_where_and_what(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "campaign.json"
    path.write_text(content)
    with pytest.raises(CampaignError, match=message) as caught:
        load_progress(path)
    assert str(path) in str(caught.value)


def test_a_save_remembers_its_rung_and_refuses_one_that_is_not(tmp_path: Path) -> None:
    ref = case_for(Progress())
    path = save_game(SavedGame(ref, 5, campaign_rung=0), tmp_path)
    assert load_save(path).campaign_rung == 0
    document = json.loads(path.read_text())
    path.write_text(json.dumps({**document, "campaign_rung": len(RUNGS)}))
    with pytest.raises(Exception, match="campaign_rung: expected null or a rung"):
        load_save(path)


async def test_climbing_from_the_start_screen(readers) -> None:
    app = WhodunitApp(*readers, autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        options = app.screen.query_one(OptionList)
        assert "Campaign: rung 1 of" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen) and screen.campaign_rung == 0
        assert len(screen.match.story.suspects) == 3  # the first rung's short cases
        while not screen.match.told_all:
            screen.match.advance()
        await pilot.press("a", str(screen.match.story.culprit + 1))
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert "Passed. Next (n): rung 2" in str(app.screen.query_one("#campaign", Static).render())
        shown = [each.binding.description for each in app.screen.active_bindings.values() if each.binding.show]
        assert "Campaign: next case" in shown  # in the footer, where the keys are read
        assert load_progress(progress_path(saves_folder())).rung == 1
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.campaign_rung == 1
        assert app.screen.match.story.difficulty == RUNGS[1].difficulty


def test_each_rung_is_set_at_a_house_of_its_own() -> None:
    houses = [rung.house for rung in RUNGS]
    assert len(set(houses)) == len(RUNGS) and set(houses) <= set(grammar.PLACES)
    for index, rung in enumerate(RUNGS):
        progress = Progress()
        for _ in range(4):  # a rung failed is tried again at the same house
            story = load_case(case_for(progress, index))
            assert story.setting.startswith(f"{rung.house},") and story.difficulty == rung.difficulty
            progress = record(progress, index, solved=False, score=0, won_race=False)


async def test_the_campaign_plays_on_from_a_save_of_its_case_and_lists_it_as_the_campaigns(readers) -> None:
    ref = case_for(Progress())
    save_game(SavedGame(ref, 40, campaign_rung=0))
    app = WhodunitApp(*readers, autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        options = app.screen.query_one(OptionList)
        listed = [str(options.get_option_at_index(index).prompt) for index in range(options.option_count)]
        assert any(line.startswith(f"Resume campaign rung 1 of {len(RUNGS)}, {RUNGS[0].title}:") for line in listed)
        await pilot.press("enter")  # the campaign: its next case is the one saved
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen) and screen.campaign_rung == 0
        assert screen.case.seed == ref.seed and screen.match.position == 40  # not begun again over the save


async def test_a_campaign_save_that_cannot_be_read_is_named_and_kept(readers) -> None:
    path = save_path(case_for(Progress()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{oops")
    app = WhodunitApp(*readers, autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, PlayScreen)
        assert any(str(path) in str(note.message) for note in app._notifications)
    assert path.read_text() == "{oops"


async def solve_and_climb(screen: PlayScreen, pilot) -> None:
    """Tell the case to its end, name its culprit, and go on up the ladder from the debrief."""
    while not screen.match.told_all:
        screen.match.advance()
    await pilot.press("a", str(screen.match.story.culprit + 1))
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()


async def test_the_next_case_is_told_at_the_speed_the_player_chose(readers) -> None:
    app = WhodunitApp(*readers, autoplay=False, campaign=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        default = screen.options.speed
        await pilot.press("plus", "plus", "m")  # faster twice, and short memory on
        chosen = screen.options
        assert chosen.speed > default and chosen.short_memory
        await solve_and_climb(screen, pilot)
        following = app.screen
        assert isinstance(following, PlayScreen) and following.campaign_rung == 1
        assert following.options == chosen  # not the default speed again
        assert following.match.modes.short_memory  # on from its first word: this case earns the mode's bonus


async def test_a_resumed_case_hands_its_speed_and_modes_on_and_says_which_it_is_played_with(readers) -> None:
    """A campaign case played on from its save keeps the save's options, says so when they are not those asked
    (`play --campaign --hard` over a save made without), and the next case starts with them."""
    kept = Options(hard=False, short_memory=True, speed=14.0)
    save_game(SavedGame(case_for(Progress()), 0, options=kept, campaign_rung=0))
    app = WhodunitApp(*readers, autoplay=False, campaign=True, options=Options(hard=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen) and screen.options == kept
        said = [str(notice.message) for notice in app._notifications]
        assert any("played as it was saved: hard mode off, short memory on" in line for line in said)
        await solve_and_climb(screen, pilot)
        assert isinstance(app.screen, PlayScreen) and app.screen.options == kept


def test_a_save_whose_rung_does_not_play_its_case_is_refused(tmp_path: Path) -> None:
    path = save_game(SavedGame(case_for(Progress()), 0, campaign_rung=0), tmp_path)  # a tiny case
    document = json.loads(path.read_text())
    path.write_text(json.dumps({**document, "campaign_rung": 2}))
    with pytest.raises(Exception, match=r"campaign_rung: rung 3 plays generated default cases, not a generated tiny"):
        load_save(path)
