"""Whole games through the Textual UI (Pilot), the play command's errors, and a monkey test."""

from __future__ import annotations

import io
import random
from dataclasses import replace
from datetime import UTC
from importlib.resources import files
from pathlib import Path

import pytest
from rich.console import Console, RenderableType
from textual.message import Message
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets._footer import FooterKey

import game.match
from commands.cli import main
from game import scoring
from game.app import WhodunitApp
from game.campaign import RUNGS, CampaignStep, Progress
from game.cases import CaseRef, file_case, load_case
from game.saves import Options, SavedGame, list_saves, load_save, save_game
from game.screens.choices import CaseChosen
from game.screens.debrief import DebriefScreen
from game.screens.dialogs import AccuseDialog, NotebookScreen
from game.screens.play import PlayScreen
from game.screens.start import StartScreen
from game.widgets import SuspectCard, component_style
from tests.readers import holding_everyone_cleared

MANOR = CaseRef("bundled", name="manor.toml")


def plain(renderable: RenderableType, width: int = 60) -> str:
    """What a rich renderable shows at `width` columns, as plain text."""
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def load_text(name: str) -> str:
    return files("story").joinpath("mysteries", name).read_text(encoding="utf-8")


def manor_app(readers, **kwargs) -> WhodunitApp:
    return WhodunitApp(*readers, case=(MANOR, load_case(MANOR)), autoplay=False, **kwargs)


async def test_the_start_screen_lists_mysteries_and_opens_one(readers) -> None:
    app = WhodunitApp(*readers, autoplay=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, StartScreen)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Ashcombe" in label for label in labels)
        assert any("freshly generated" in label for label in labels)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)


async def test_the_start_screen_lists_the_saves_there_are_when_it_is_shown(readers) -> None:
    """A save resumed and finished from the start screen is gone from its list when the player comes back to it
    (the list is made each time the screen is shown, not once when the app starts)."""
    save_game(SavedGame(MANOR, 10))
    app = WhodunitApp(*readers, autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        options = app.screen.query_one(OptionList)
        resume = [options.get_option_at_index(i).id for i in range(options.option_count)]
        resume = [option for option in resume if option and option.startswith("save:")]
        assert len(resume) == 1
        options.highlighted = options.get_option_index(resume[0])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.match.position == 10
        await pilot.press("a", str(app.screen.match.story.culprit + 1))
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen) and not list_saves()
        await pilot.press("c")  # another case
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id or "" for i in range(options.option_count)]
        assert not [option for option in ids if option.startswith("save:")], ids
        assert options.highlighted is not None and not options.get_option_at_index(options.highlighted).disabled


async def test_help_over_the_start_screen_does_not_make_the_list_again(readers, monkeypatch) -> None:
    """The list reads every bundled mystery and opens every save: made when the screen is first shown and when
    a game has been played, not when a dialog over it closes."""
    made = []
    options = StartScreen.options
    monkeypatch.setattr(StartScreen, "options", lambda self: made.append(1) or options(self))
    app = WhodunitApp(*readers, autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert len(made) == 1
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, StartScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and len(made) == 1
        assert app.screen.query_one(OptionList).highlighted == 0


def told(screen: PlayScreen) -> str:
    """The story as the player sees it now: the paragraphs (and the short-memory note) not hidden."""
    shown = [widget for widget in screen.query("#faded, #story .paragraph") if not widget.has_class("-hidden")]
    return "\n".join(str(widget.render()) for widget in shown)


async def test_the_start_screen_says_what_was_chosen_and_the_app_plays_it(readers) -> None:
    """The start screen posts the player's choice (a message up to the app), which opens that case."""
    posted: list[CaseChosen] = []
    app = WhodunitApp(*readers, autoplay=False)

    def hook(message: Message) -> None:
        if isinstance(message, CaseChosen):
            posted.append(message)

    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        options = app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index("bundled:manor.toml")
        await pilot.press("enter")
        await pilot.pause()
        assert posted and all(message is posted[0] for message in posted)  # one message, seen on its way up
        assert posted[0].ref == MANOR
        assert isinstance(app.screen, PlayScreen) and app.screen.case == MANOR


async def test_narration_accusation_and_debrief(readers) -> None:
    app = manor_app(readers)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        await pilot.press("f", "f", "f")  # the intro and two clues
        story = told(screen)
        assert "1. " in story and "2. " in story and "3. " not in story
        await pilot.press("a")
        await pilot.press(str(screen.match.story.culprit + 1))
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert "Solved" in str(app.screen.query_one("#verdict", Static).render())
        assert not app.screen.check_action("next_in_campaign", ())  # a free game offers no campaign's next case
        await pilot.press("p")  # play again: the same case from its first word
        await pilot.pause()
        again = app.screen
        assert isinstance(again, PlayScreen) and again.match.position == 0 and again.case == screen.case
        assert [type(each) for each in app.screen_stack[1:]] == [StartScreen, PlayScreen]  # the debrief went
        assert isinstance(app.screen, PlayScreen) and app.screen.match.position == 0
        assert app.screen.match.story.title == screen.match.story.title
        await pilot.press("a", str(app.screen.match.story.culprit + 1))
        await pilot.pause()
        await pilot.press("c")  # another case
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)


async def test_the_clock_narrates_on_its_own(readers) -> None:
    app = WhodunitApp(*readers, case=(MANOR, load_case(MANOR)))
    async with app.run_test() as pilot:
        screen = app.screen
        await pilot.press("plus", "plus", "plus", "plus", "plus")  # 50 words a second
        for _ in range(100):  # up to 5 s on a busy machine
            await pilot.pause(0.05)
            if screen.match.position > 3:
                break
        assert screen.match.position > 3
        await pilot.press("space")
        told = screen.match.position
        await pilot.pause(0.3)
        assert screen.match.position == told


async def test_at_the_end_the_player_must_name_someone(readers) -> None:
    app = manor_app(readers)
    async with app.run_test() as pilot:
        screen = app.screen
        while not screen.match.told_all:
            screen.match.advance()
        await pilot.press("f")
        await pilot.pause()
        assert "final accusation" in str(app.screen.query_one("#dialog-title").render())
        innocent = (screen.match.story.culprit + 1) % len(screen.match.story.suspects)
        await pilot.press(str(innocent + 1))
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert "Unsolved" in str(app.screen.query_one("#verdict", Static).render())


async def test_at_the_end_escape_pauses_and_stays_paused_until_resumed(readers) -> None:
    app = WhodunitApp(*readers, case=(MANOR, load_case(MANOR)))  # the clock runs
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        while not screen.match.told_all:
            screen.match.advance()
        await pilot.pause(0.5)  # the next tick asks for the final accusation
        assert isinstance(app.screen, AccuseDialog)
        await pilot.press("escape")
        await pilot.pause(0.8)  # several ticks: none may ask again
        assert app.screen is screen and screen.paused
        assert "paused" in str(screen.query_one("#advice", Static).render())
        await pilot.press("space")
        await pilot.pause(0.5)
        assert isinstance(app.screen, AccuseDialog)


async def test_q_in_a_dialog_saves_and_quits(readers) -> None:
    app = manor_app(readers)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "f", "a")
        assert isinstance(app.screen, AccuseDialog)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and [path.stem for path in list_saves()] == ["manor"]


async def test_the_rival_its_pick_accusations_and_score_are_on_screen(readers, monkeypatch) -> None:
    monkeypatch.setattr(game.match, "RIVAL_THRESHOLD", 0.0)  # it names someone after the first clue
    app = manor_app(readers)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert "Rival: undecided" in str(screen.query_one("#rival", Static).render())
        await pilot.press("f", "f")
        named = next(a for a in screen.match.accusations if a.by == "rival")
        line = str(screen.query_one("#rival", Static).render())
        assert f"named {screen.match.story.suspects[named.suspect].name}" in line
        assert f"score {screen.match.rival_score.total}" in line


async def test_a_lucky_guess_scores_less_than_the_same_name_proved(readers) -> None:
    scores = []
    for proved in (False, True):
        app = manor_app(readers)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            if proved:
                while screen.match.position < screen.match.proved_at:
                    screen.match.advance()
            await pilot.press("f", "a", str(screen.match.story.culprit + 1))
            await pilot.pause()
            verdict = str(app.screen.query_one("#verdict", Static).render())
            scores.append(screen.match.score.total)
            assert ("proved" if proved else "guessed") in verdict
    assert scores[0] < scores[1]


async def test_notebook_marks_and_notes_survive_a_save(readers, private_saves: Path) -> None:
    app = manor_app(readers)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f", "f", "n")
        await pilot.click("#mark-1")
        await pilot.click("#note-0")
        await pilot.press(*"shifty")
        await pilot.press("escape", "s")
        await pilot.pause()
        position = app.screen.match.position
    saved = load_save(list_saves()[0])
    assert saved.position == position and saved.marks == {1: "suspicious"} and saved.notes == {0: "shifty"}
    resumed = WhodunitApp(*readers, saved=saved, autoplay=False)
    async with resumed.run_test() as pilot:
        await pilot.pause()
        assert isinstance(resumed.screen, PlayScreen)
        assert resumed.screen.match.position == position and resumed.screen.match.marks == {1: "suspicious"}


async def test_quitting_mid_game_saves_it(readers) -> None:
    app = manor_app(readers)
    async with app.run_test() as pilot:
        await pilot.press("f", "f", "q")
    assert [path.stem for path in list_saves()] == ["manor"]


async def test_toggles_gates_hard_mode_short_memory_and_help(readers) -> None:
    app = manor_app(readers)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        for _ in range(6):
            await pilot.press("f")
        await pilot.press("g")
        assert not screen.query_one("#gates").has_class("-hidden")
        assert "LSTM gates" in str(screen.query_one("#gates", Static).render())
        await pilot.press("right_square_bracket", "h", "m")
        assert screen.options.hard and screen.options.short_memory
        assert "(hidden)" in plain(screen.query_one("#card-0", SuspectCard).render_view())
        assert "faded" in told(screen)
        assert "1. " not in told(screen)  # short memory keeps the last clues only
        await pilot.press("question_mark")
        assert "How to play" in str(app.screen.query_one(Static).render())
        await pilot.press("escape")
        assert app.screen is screen


def notices(app: WhodunitApp) -> list[str]:
    return [str(notice.message) for notice in app._notifications]


async def test_short_memory_fades_the_cards_the_murderer_line_and_the_notebook_with_the_story(readers) -> None:
    """Manor's clue 2 says Hobbs smokes cigars and clue 12 that the murderer does. Once those clues have faded
    from the story they are gone from his card, from the murderer line and from the notebook; the player's own
    notes stay."""
    app = manor_app(readers, options=Options(short_memory=True))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        screen.match.notes[0] = "cigars?"
        await pilot.press("f", "f", "f", "f", "f")  # the intro and clues 1-4
        assert "smokes cigars" in plain(screen.query_one("#card-0", SuspectCard).render_view(), width=100)
        await pilot.press("f")  # clue 5: clues 1 and 2 fade
        assert "smokes cigars" not in plain(screen.query_one("#card-0", SuspectCard).render_view(), width=100)
        assert "(clues 1-2 have faded: short-memory mode)" in told(screen) and "2. " not in told(screen)
        await pilot.press("n")
        notebook = app.screen
        assert isinstance(notebook, NotebookScreen)
        listed = plain(notebook.clues(), width=100)
        assert "(clues 1-2 have faded: short-memory mode)" in listed
        assert [line[:4] for line in listed.splitlines()[1:] if line[:4].strip()] == ["  3.", "  4.", "  5."]
        assert notebook.query_one("#note-0", Input).value == "cigars?"
        await pilot.press("escape")
        await pilot.press(*"f" * 7)  # clue 12
        murderer = screen.query_one("#evidence", Static)
        assert "smokes cigars" in str(murderer.render())
        await pilot.press(*"fff")  # clue 15: clue 12 has faded
        assert screen.match.clues_told == 15 and "smokes cigars" not in str(murderer.render())


async def test_in_short_memory_the_clue_being_told_is_one_of_the_three_in_view(readers) -> None:
    """From the first word of clue 5 the pane shows clues 3-5, as the cards and the notebook count them: clue 2
    fades as clue 5 begins, not when it ends."""
    app = manor_app(readers, options=Options(short_memory=True))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        await pilot.press(*"f" * 5)  # the intro and clues 1-4
        assert "(clue 1 has faded: short-memory mode)" in told(screen) and "2. " in told(screen)
        screen.match.advance()  # the first word of clue 5, as the clock tells it
        screen.changed()
        await pilot.pause()
        shown = told(screen)
        assert "(clues 1-2 have faded: short-memory mode)" in shown
        assert "2. " not in shown and all(f"{clue}. " in shown for clue in (3, 4, 5))
        assert screen.first_in_view == screen.match.first_in_view(True) == 2


async def test_switching_a_mode_says_what_it_does_to_the_score(readers) -> None:
    """Switched off, a mode kept on from the start stops earning; switched on in play, it earns nothing."""
    short, hard = f"+{scoring.SHORT_MEMORY_BONUS:.0%}", f"+{scoring.HARD_BONUS:.0%}"
    app = manor_app(readers, options=Options(short_memory=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f", "m")
        assert notices(app)[-1].startswith("Short memory off:")
        assert notices(app)[-1].endswith(f"this game no longer earns its {short}.")
        await pilot.press("m")
        assert notices(app)[-1].startswith("Short memory on: only the last 3 clues stay in view")
        assert f"earns {short} only in a game played in it from start to finish: not this one" in notices(app)[-1]
        await pilot.press("h")
        assert notices(app)[-1].startswith("Hard mode on:") and f"earns {hard} only" in notices(app)[-1]
        await pilot.press("h")
        assert notices(app)[-1] == "Hard mode off: your partner is back."  # it had nothing to lose
        assert app.screen.match.modes == scoring.Modes()


async def test_hard_mode_hides_the_partners_pick_memories_and_gates(readers, monkeypatch) -> None:
    """No card is followed for the partner, none shows what it remembers, and its gates stay closed: g says why.
    The player's own choice of a card is still followed."""
    monkeypatch.setattr(game.match.Match, "memories", lambda self, detective, suspect: ("a memory",))
    app = manor_app(readers)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        await pilot.press("f", "f", "f", "g")
        assert any(card.view.selected for card in screen.query(SuspectCard))  # the partner's favourite
        assert not screen.query_one("#gates").has_class("-hidden")
        await pilot.press("h")
        cards = list(screen.query(SuspectCard))
        assert not any(card.view.selected for card in cards)
        assert all(card.view.partner is None and card.view.partner_remembers == () for card in cards)
        assert all(card.view.rival_remembers == ("a memory",) for card in cards)  # the rival's stay in sight
        assert screen.query_one("#gates").has_class("-hidden")  # switching hard mode on closes them
        await pilot.press("g")
        assert screen.query_one("#gates").has_class("-hidden")
        assert notices(app)[-1] == "Hard mode hides the gate view: the gates are your partner's."
        await pilot.press("right_square_bracket")  # the player's own choice: the first card
        assert [card.view.selected for card in cards] == [slot == 0 for slot in range(len(cards))]


async def test_monkey_random_keys_clicks_and_resizes_raise_nothing(readers) -> None:
    rng = random.Random(7)
    keys = [
        "space",
        "f",
        "enter",
        "a",
        "escape",
        "n",
        "g",
        "h",
        "m",
        "plus",
        "minus",
        "1",
        "2",
        "3",
        "tab",
        "left_square_bracket",
        "right_square_bracket",
        "question_mark",
        "down",
        "up",
        "x",
        "p",
    ]
    app = manor_app(readers)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(250):
            roll = rng.random()
            if roll < 0.75:
                await pilot.press(rng.choice(keys))
            elif roll < 0.9:
                await pilot.click(offset=(rng.randrange(app.size.width), rng.randrange(app.size.height)))
            else:
                await pilot.resize_terminal(rng.randrange(60, 160), rng.randrange(16, 50))
        await pilot.pause()


def test_an_invalid_story_is_reported_located_before_the_game_starts(tmp_path: Path, capsys) -> None:
    story = tmp_path / "broken.toml"
    story.write_text('title = "x"\n[[suspects]]\nname = 3\n')
    assert main(["play", str(story)]) == 1
    out = capsys.readouterr().out
    assert f"{story}:" in out and "not a playable story" in out


def test_missing_weights_say_what_is_wrong_and_how_to_fix_it(tmp_path: Path, capsys, monkeypatch) -> None:
    import model.shipped

    monkeypatch.setattr(model.shipped, "SHIPPED", tmp_path / "nowhere")
    assert main(["play", "--generated", "--seed", "1"]) == 1
    out = capsys.readouterr().out
    assert "bundled lstm reader cannot be used" in out and "whodunit train" in out


def test_a_corrupt_save_is_refused_at_resume(tmp_path: Path, capsys, readers, private_saves: Path) -> None:
    private_saves.mkdir(parents=True)
    (private_saves / "manor.json").write_text('{"format": "whodunit-save/1", "case": 7}')
    lstm, rnn = tmp_path / "lstm", tmp_path / "rnn"
    from tests.readers import write_random_checkpoint

    write_random_checkpoint(lstm, "lstm"), write_random_checkpoint(rnn, "rnn")
    assert main(["play", "--resume", "--partner", str(lstm), "--rival", str(rnn)]) == 1
    assert "manor.json: case:" in capsys.readouterr().out


def test_a_save_given_as_the_story_says_how_to_resume_it(tmp_path: Path, capsys, private_saves: Path) -> None:
    story = tmp_path / "my manor.toml"
    story.write_text(load_text("manor.toml"))
    path = save_game(SavedGame(file_case(story)[0], 10))
    assert main(["play", "--resume", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path} is a saved game, not a story; to resume it, run: whodunit play '{story}' --resume" in out
    assert "TOML" not in out
    generated = save_game(SavedGame(CaseRef("generated", seed=7, difficulty="easy"), 0))
    elsewhere = tmp_path / "copy.save"  # no .json, outside the saves folder: read as a save all the same
    elsewhere.write_bytes(generated.read_bytes())
    assert main(["play", str(elsewhere)]) == 1
    out = capsys.readouterr().out
    assert f"move it to {generated}, then run: whodunit play --generated --seed 7 --difficulty easy --resume" in out
    broken = private_saves / "broken.json"
    broken.write_text("{")
    assert main(["play", str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{broken} lies in the saves folder, so it is not a story (a .toml file), and it is no save" in out
    assert f"{broken}:1:2: not a whodunit save (invalid JSON" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"position": 999999}, r"position: 999999 words, but this case has \d+"),
        ({"marks": {"7": "cleared"}}, r"marks/notes: suspect 7, but the cast has \d+"),
    ],
)
def test_a_save_that_does_not_fit_its_story_is_refused_with_its_path(
    capsys, monkeypatch, private_saves: Path, change: dict, message: str
) -> None:
    import json
    import re

    path = save_game(SavedGame(MANOR, 10))
    path.write_text(json.dumps({**json.loads(path.read_text()), **change}))
    monkeypatch.setattr(WhodunitApp, "run", lambda self: pytest.fail("the game started over a broken save"))
    assert main(["play", "--resume"]) == 1
    assert re.search(f"whodunit play: {re.escape(str(path))}: {message}", capsys.readouterr().out)
    assert path.exists()  # the player's file is never deleted


async def test_the_start_screen_marks_a_save_that_does_not_fit_and_names_it_when_chosen(
    readers, private_saves: Path
) -> None:
    import json

    path = save_game(SavedGame(MANOR, 10))
    path.write_text(json.dumps({**json.loads(path.read_text()), "position": 999999}))
    app = WhodunitApp(*readers, autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert not any(label.startswith("Resume Death at Ashcombe Manor") for label in labels), labels
        marked = [label for label in labels if label.startswith("manor.json: position: 999999 words")]
        assert marked and marked[0].endswith("(cannot be resumed)"), labels
        options.highlighted = options.get_option_index(f"save:{path}")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        notices = [str(notice.message) for notice in app._notifications]
        assert any(f"{path}: position: 999999 words" in notice for notice in notices), notices
    assert path.exists()


async def test_a_save_resumed_from_the_command_line_is_named_in_the_notice(readers, tmp_path: Path) -> None:
    saved = SavedGame(MANOR, 10, accusations=((0, 20),))  # accused after the words narrated: edited by hand
    app = WhodunitApp(*readers, saved=saved, saved_path=tmp_path / "mine.json", autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        notices = [str(notice.message) for notice in app._notifications]
        assert any(f"{tmp_path / 'mine.json'}: accusations[0]" in notice for notice in notices), notices


def test_resuming_a_story_file_that_changed_says_so(tmp_path: Path, capsys, readers) -> None:
    story = tmp_path / "manor.toml"
    story.write_text(load_text("manor.toml"))
    lstm, rnn = tmp_path / "lstm", tmp_path / "rnn"
    from tests.readers import write_random_checkpoint

    write_random_checkpoint(lstm, "lstm"), write_random_checkpoint(rnn, "rnn")
    ref, _ = file_case(story)
    save_game(SavedGame(ref, 10))
    story.write_text(story.read_text().replace("Ashcombe", "Ashcombe Hall"))
    assert main(["play", str(story), "--resume", "--partner", str(lstm), "--rival", str(rnn)]) == 1
    assert f"{story} has changed since this game was saved" in capsys.readouterr().out


async def test_saves_are_listed_by_the_story_title(readers) -> None:
    save_game(SavedGame(MANOR, 10))
    app = WhodunitApp(*readers, autoplay=False)
    async with app.run_test(size=(100, 30)):
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(label.startswith("Resume Death at Ashcombe Manor (saved") for label in labels), labels


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_of_a_game_in_progress(readers, snap_compare, size) -> None:
    async def three_clues(pilot) -> None:
        await pilot.press("f", "f", "f", "f")

    assert snap_compare(manor_app(readers), run_before=three_clues, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_of_the_start_screen(readers, snap_compare, size) -> None:
    assert snap_compare(WhodunitApp(*readers, autoplay=False), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_of_the_debrief(readers, snap_compare, size) -> None:
    async def solve(pilot) -> None:
        screen = pilot.app.screen
        while not screen.match.told_all:
            screen.match.advance()
        await pilot.press("a", str(screen.match.story.culprit + 1))
        await pilot.pause()

    assert snap_compare(manor_app(readers), run_before=solve, terminal_size=size)


def eight_suspects_app(readers) -> WhodunitApp:
    ref = CaseRef("generated", seed=0, difficulty="long")
    story = load_case(ref)
    assert len(story.suspects) == 8
    return WhodunitApp(*readers, case=(ref, story), autoplay=False)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_snapshot_of_eight_suspects_following_the_last(readers, snap_compare, size) -> None:
    async def ten_clues_then_the_last_card(pilot) -> None:
        await pilot.press(*"f" * 11)
        pilot.app.screen.gate_slot = 0
        await pilot.press(*["left_square_bracket"])  # from the first suspect back round to the eighth

    assert snap_compare(eight_suspects_app(readers), run_before=ten_clues_then_the_last_card, terminal_size=size)


async def test_at_80x24_every_card_of_eight_is_reachable_and_the_dialog_lists_all(readers) -> None:
    app = eight_suspects_app(readers)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.press(*"f" * 11)
        cards = screen.query_one("#cards")
        for slot in range(8):
            screen.gate_slot = (slot - 1) % 8
            await pilot.press("right_square_bracket")
            await pilot.pause()
            card = screen.query_one(f"#card-{slot}")
            assert cards.region.contains_region(card.region) or card.region.height > cards.region.height, slot
        await pilot.press("a")
        options = app.screen.query_one("#suspects", OptionList)
        assert options.option_count == 8


async def test_at_80x24_the_notebook_scrolls_each_suspects_row_into_view(readers) -> None:
    app = eight_suspects_app(readers)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "f", "n")
        marks = app.screen.query_one("#notebook-marks")
        for slot in range(8):
            for _ in range(4):  # Tab to the row's note, past its mark
                if getattr(app.screen.focused, "id", None) == f"note-{slot}":
                    break
                await pilot.press("tab")
            await pilot.pause()
            note = app.screen.focused
            assert isinstance(note, Input) and note.id == f"note-{slot}", (slot, note)
            assert marks.content_region.contains_region(note.region), slot
        await pilot.press(*"alibi")
        assert app.screen.match.notes == {7: "alibi"}


async def test_at_80x24_the_footer_and_the_debrief_buttons_show_every_control(readers) -> None:
    app = manor_app(readers)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = {key.action: key for key in app.screen.query_one(Footer).query(FooterKey)}
        assert {"quit_game", "help", "accuse", "notebook"} <= set(keys)
        palette = next(key for key in keys.values() if key.has_class("-command-palette"))
        assert keys["quit_game"].region.right <= palette.region.x  # not scrolled off under the palette's key
        screen = app.screen
        while not screen.match.told_all:
            screen.match.advance()
        climbed = CampaignStep(0, True, Progress())  # a campaign's case: four buttons
        await app.push_screen(DebriefScreen(screen.match, screen.case, screen.options, climbed))
        await pilot.pause()
        debrief = app.screen.query_one("#debrief")
        for button in app.screen.query(Button):
            button.focus()  # each reachable, and once in view whole
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()  # focus scrolls the button into view, animated
            await pilot.pause()
            assert debrief.content_region.contains_region(button.region), button.id
            assert button.content_region.width >= len(str(button.label)), button.id


async def test_help_ends_with_its_whole_close_button_at_100x30(readers) -> None:
    app = manor_app(readers)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        help_box = app.screen.query_one("#help")
        help_box.scroll_end(animate=False)
        await pilot.pause()
        close = app.screen.query_one("#close", Button)
        assert close.region.height == 3 and help_box.content_region.contains_region(close.region)


async def test_a_campaign_case_says_what_its_rung_teaches_above_the_story_not_over_the_cards(readers) -> None:
    app = WhodunitApp(*readers, autoplay=False, campaign=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        lesson = app.screen.query_one("#story #lesson", Static)
        assert str(lesson.render()) == RUNGS[0].teaches
        assert not app._notifications  # no toast left over the cards


async def test_a_stray_space_in_the_accusation_dialog_accuses_nobody(readers) -> None:
    app = manor_app(readers)
    async with app.run_test() as pilot:
        screen = app.screen
        await pilot.press("f", "a", "space", "enter")
        await pilot.pause()
        assert screen.match.accusations == []


async def test_a_suspect_named_wrongly_is_listed_as_not_guilty_and_cannot_be_named_again(readers) -> None:
    """The dialog keeps the cast's numbers (they are the cards'), says who the player has already named wrongly,
    and neither a click nor the number names them again."""
    app = manor_app(readers)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        wrong = next(slot for slot in range(len(screen.match.story.suspects)) if slot != screen.match.story.culprit)
        await pilot.press("f", "a", str(wrong + 1))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        options = app.screen.query_one("#suspects", OptionList)
        listed = options.get_option_at_index(wrong)
        assert listed.disabled and "not guilty" in str(listed.prompt)
        assert not any("not guilty" in str(options.get_option_at_index(i).prompt) for i in range(wrong))
        await pilot.press(str(wrong + 1))
        await pilot.pause()
        assert len(screen.match.accusations) == 1 and isinstance(app.screen, AccuseDialog)


def test_saves_go_where_the_platform_keeps_application_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    from game.saves import saves_folder

    monkeypatch.setenv("WHODUNIT_HOME", str(tmp_path / "home"))
    assert saves_folder() == tmp_path / "home" / "saves"  # $WHODUNIT_HOME wins
    if not sys.platform.startswith("linux"):
        pytest.skip("the XDG data folder is Linux's; macOS and Windows have their own (platformdirs)")
    monkeypatch.delenv("WHODUNIT_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert saves_folder() == tmp_path / "data" / "whodunit" / "saves"  # Linux: the XDG data folder


def test_a_generated_case_is_pinned_by_its_story_so_another_generator_cannot_resume_it(tmp_path: Path) -> None:
    import json

    from game.cases import story_checksum
    from game.saves import Options, SavedGame, SaveError, save_game

    ref = CaseRef("generated", seed=7, difficulty="easy")
    assert ref.to_dict()["sha256"] == story_checksum(load_case(ref))
    with pytest.raises(ValueError, match="another version of the case generator"):
        load_case(CaseRef("generated", seed=7, difficulty="easy", sha256="0" * 64))
    path = save_game(SavedGame(ref, 25, (), {}, {}, Options()), tmp_path)
    assert load_save(path).case.sha256 == story_checksum(load_case(ref))
    document = json.loads(path.read_text())
    del document["case"]["sha256"]  # as saves from before the pin were written
    path.write_text(json.dumps(document))
    with pytest.raises(SaveError, match=r"case\.sha256: missing: .*start it afresh"):
        load_save(path)


async def test_a_lost_partner_says_so_and_its_bars_fade(readers, monkeypatch) -> None:
    app = manor_app(readers)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        holding_everyone_cleared(screen.match.partner.reader, monkeypatch)
        await pilot.press("f", "f", "f")  # the intro and two clues: more than LOST_RUN words
        await pilot.pause()
        assert "lost the thread" in str(screen.query_one("#advice", Static).render())
        card = screen.query(SuspectCard).first()
        assert card.view.partner_lost and component_style(card, "suspect-card--partner-lost").dim


async def test_the_status_counts_the_clue_told_not_the_one_to_come(readers) -> None:
    app = manor_app(readers)
    async with app.run_test(size=(100, 30)) as pilot:
        status = app.screen.query_one("#advice", Static)
        assert "the opening ·" in str(status.render())
        await pilot.press("f", "f")  # the intro, then clue 1: clue 2 not begun
        await pilot.pause()
        assert "clue 1/15 ·" in str(status.render())  # it read "clue 2/15"


def test_a_bundled_mystery_given_by_its_path_is_the_bundled_case() -> None:
    """One save per case: `whodunit play story/mysteries/manor.toml` and the start screen's manor share it."""
    path = Path(str(files("story").joinpath("mysteries", "manor.toml")))
    assert file_case(path)[0] == CaseRef("bundled", name="manor.toml")


async def test_beginning_a_case_that_has_a_save_warns_that_saving_will_replace_it(readers) -> None:
    save_game(SavedGame(MANOR, 30))
    app = WhodunitApp(*readers, autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = next(i for i, label in enumerate(labels) if label.startswith("Death at Ashcombe Manor"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.match.position == 0
        assert any("saving this one will replace it" in line for line in notices(app))


def test_a_save_is_listed_by_when_it_says_it_was_saved(tmp_path: Path) -> None:
    from datetime import datetime

    from game.screens.start import saved_when

    path = save_game(SavedGame(MANOR, 30), tmp_path)
    saved = replace(load_save(path), saved_at="2026-01-02T03:04:05+00:00")
    assert saved_when(saved, path) == datetime(2026, 1, 2, 3, 4, 5).replace(tzinfo=UTC).astimezone()
    assert saved_when(replace(saved, saved_at="not a time"), path).year == datetime.now().year  # the file's time
