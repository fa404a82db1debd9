"""The start screen: the campaign, the bundled mysteries, a freshly generated case at each difficulty (the
ladder's rungs), and saved games."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from game.campaign import RUNGS, CampaignError, load_progress, progress_path
from game.cases import CaseRef, bundled_mysteries, load_case
from game.saves import SavedGame, SaveError, check_fits, list_saves, load_save, saves_folder
from game.screens.choices import CampaignChosen, CaseChosen, SaveChosen
from story import Story, StoryError
from story.case_config import PRESETS


class StartScreen(Screen):
    BINDINGS = [Binding("q,escape", "app.quit", "Quit"), Binding("question_mark,f1", "app.help", "Help")]
    _stale = True  # the list of cases must be made again before it is shown

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="start"):
            yield Static(
                Text.assemble(
                    ("whodunit\n", "bold"),
                    "Race a short-memory RNN to name the murderer, with an LSTM as your partner. Choose a case:",
                ),
                id="start-title",
            )
            yield OptionList(id="cases")
        yield Footer()

    def on_screen_suspend(self) -> None:
        # A game may save or finish before the player is back; help or the command palette over the list cannot.
        self._stale = self._stale or not self.app.screen.is_modal

    def on_screen_resume(self) -> None:
        """List the cases when the screen is shown, not when it is built: a game started from the command line
        builds this screen beneath its own and need not wait for the list (every bundled mystery read and
        checked, every save opened), and a game saved or finished since the list was made is shown as it is now."""
        if self.app.screen is not self or not self._stale:  # pushed over at once, or back from a dialog
            return
        self._stale = False
        cases = self.query_one("#cases", OptionList)
        highlighted = cases.highlighted_option.id if cases.highlighted_option is not None else None
        cases.set_options(self.options())
        try:
            cases.highlighted = cases.get_option_index(highlighted or "")
        except OptionDoesNotExist:  # the first showing, or a save finished since: the first case that can be played
            cases.action_first()

    def options(self) -> list[Option | None]:
        entries: list[Option | None] = [campaign_entry(), None]
        for name in bundled_mysteries():
            try:
                story = load_case(CaseRef("bundled", name=name))
            except (StoryError, ValueError, OSError) as exc:  # a damaged install: say so, and offer the rest
                entries.append(Option(Text(f"{name}: cannot be played ({exc})", style="red"), disabled=True))
                continue
            label = Text.assemble((story.title, "bold"), f"  {len(story.suspects)} suspects, {len(story.clues)} clues")
            entries.append(Option(label, id=f"bundled:{name}"))
        entries.append(None)
        for difficulty, config in PRESETS.items():
            fewest, most = config.cast_size
            cast = f"{fewest} suspects" if fewest == most else f"{fewest}-{most} suspects"
            entries.append(Option(f"A freshly generated case ({difficulty}: {cast})", id=f"generated:{difficulty}"))
        saves = list_saves()
        if saves:
            entries.append(None)
        for path in saves[:20]:
            try:
                saved = load_save(path)
            except SaveError:
                entries.append(Option(Text(f"{path.name}: unreadable save", style="red"), id=f"save:{path}"))
                continue
            try:
                story = load_case(saved.case)
            except (StoryError, ValueError, OSError):
                story = None  # listed by its file name: resuming says why it cannot be read
            if story is not None:
                try:
                    check_fits(saved, story, path.name)
                except SaveError as exc:  # edited by hand: choosing it names the file and the field at fault
                    entries.append(Option(Text(f"{exc} (cannot be resumed)", style="red"), id=f"save:{path}"))
                    continue
            when = saved_when(saved, path).strftime("%d %b %H:%M")
            # A save's title comes from a story file or a save's fields: plain Text, never markup.
            entries.append(Option(Text(f"Resume {saved_title(saved, story)} (saved {when})"), id=f"save:{path}"))
        return entries

    def on_mount(self) -> None:
        self.title = "whodunit"
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "campaign":
            self.post_message(CampaignChosen())
        elif kind == "bundled":
            self.post_message(CaseChosen(CaseRef("bundled", name=value)))
        elif kind == "generated":
            self.post_message(CaseChosen(CaseRef("generated", seed=random.randrange(1_000_000), difficulty=value)))
        elif kind == "save":
            self.post_message(SaveChosen(Path(value)))


def saved_when(saved: SavedGame, path: Path) -> datetime:
    """When a game was saved, in local time: its `saved_at`, else (a save without one, or with one that is not a
    time) the file's modification time, which a copy or a restore from a backup moves."""
    try:
        return datetime.fromisoformat(saved.saved_at).astimezone()
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime)


def saved_title(saved: SavedGame, story: Story | None) -> str:
    """A save as a player knows it: its story's title (and the difficulty of a generated case); its file name
    when the story cannot be read any more (`story` None: resuming then says why)."""
    if story is None:
        return saved.case.save_name
    if saved.campaign_rung is not None:
        rung = saved.campaign_rung
        return f"campaign rung {rung + 1} of {len(RUNGS)}, {RUNGS[rung].title}: {story.title}"
    title = story.title
    if saved.case.kind == "generated":
        return f"{title} (generated, {saved.case.difficulty}, case {saved.case.seed})"
    return title


def campaign_entry() -> Option:
    """The campaign, where the player stands on it."""
    try:
        progress = load_progress(progress_path(saves_folder()))
    except CampaignError as exc:
        return Option(Text(f"Campaign: {exc}", style="red"), disabled=True)
    if progress.finished:
        label = Text.assemble(("Campaign", "bold"), f": all {len(RUNGS)} rungs climbed; play the top rung again")
    else:
        rung = RUNGS[progress.rung]
        label = Text.assemble(("Campaign", "bold"), f": rung {progress.rung + 1} of {len(RUNGS)}, {rung.title}")
    return Option(label, id="campaign:")
