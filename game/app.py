"""The Textual app: wires the screens to the readers and the cases. Rules live in game.match; look in .tcss."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from game.campaign import RUNGS, CampaignError, case_for, load_progress, progress_path
from game.cases import CaseRef, load_case
from game.match import SHORT_MEMORY_CLUES, Match
from game.saves import Options, SavedGame, SaveError, load_save, replay, save_path, saves_folder
from game.scoring import Modes
from game.screens.choices import CampaignChosen, CaseChosen, OptionsChanged, SaveChosen
from game.screens.dialogs import HelpScreen
from game.screens.play import PlayScreen
from game.screens.start import StartScreen
from model.checkpoint import Checkpoint
from story import Story, StoryError


class WhodunitApp(App):
    CSS_PATH = "whodunit.tcss"
    TITLE = "whodunit"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # screen classes for whodunit.tcss's narrow layouts
    # q quits from every screen and dialog (but a text field, where it is a letter); a game in play saves first
    BINDINGS = [Binding("ctrl+q", "quit_game", "Quit", show=False), Binding("q", "quit_game", "Quit", show=False)]

    def __init__(
        self,
        partner: Checkpoint,
        rival: Checkpoint,
        case: tuple[CaseRef, Story] | None = None,
        saved: SavedGame | None = None,
        saved_path: Path | None = None,
        options: Options | None = None,
        autoplay: bool = True,
        campaign: bool = False,
    ) -> None:
        super().__init__()
        self.partner, self.rival = partner, rival
        self.autoplay = autoplay  # False: games start paused (tests and screenshots)
        self.first_case, self.first_save, self.first_save_path = case, saved, saved_path
        self.options = options or Options()  # the next game's: the command line's, then the last chosen in play
        self.start_campaign = campaign  # begin with the campaign's next case

    def on_mount(self) -> None:
        if self.first_save is not None:
            self.push_screen(StartScreen())
            self.resume(self.first_save, self.first_save_path)
        elif self.start_campaign:
            self.push_screen(StartScreen())
            self.play_campaign()
        elif self.first_case is not None:
            self.push_screen(StartScreen())
            ref, story = self.first_case
            self.play(ref, story, self.options)
        else:
            self.push_screen(StartScreen())

    @on(CaseChosen)
    def begin(self, chosen: CaseChosen) -> None:
        try:
            story = load_case(chosen.ref)
        except (StoryError, ValueError, OSError) as exc:
            self.notify(f"Cannot open that case: {exc}", severity="error", markup=False)
            return
        self.back_to_start()
        self.play(chosen.ref, story, chosen.options or self.options)
        if save_path(chosen.ref).exists():  # one save per case: this game's will replace it
            message = "This case has a saved game (Resume, on the start screen); saving this one will replace it."
            self.notify(message, severity="warning", timeout=8, markup=False)

    def back_to_start(self) -> None:
        """A new game is played from the start screen: the debrief it may be chosen from goes."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, StartScreen):
            self.pop_screen()

    def play(
        self,
        ref: CaseRef,
        story: Story,
        options: Options,
        match: Match | None = None,
        campaign_rung: int | None = None,
    ) -> None:
        match = match or Match(story, self.partner, self.rival, Modes(options.hard, options.short_memory))
        self.options = options  # a resumed game's too: the next game starts with what this one is played with
        self.push_screen(PlayScreen(match, ref, options, paused=not self.autoplay, campaign_rung=campaign_rung))

    @on(CampaignChosen)
    def play_campaign(self) -> None:
        """The next case of the campaign: the current rung's next attempt, or the top rung's once all are passed."""
        try:
            progress = load_progress(progress_path(saves_folder()))
        except CampaignError as exc:
            self.notify(f"Cannot open the campaign: {exc}", severity="error", timeout=10, markup=False)
            return
        rung = min(progress.rung, len(RUNGS) - 1)
        ref = case_for(progress, rung)
        saved = save_path(ref)
        if saved.exists() or saved.is_symlink():  # left part-way: play on from there, never over it
            self.back_to_start()
            self.resume_campaign(saved, rung)
            return
        try:
            story = load_case(ref)
        except (StoryError, ValueError, OSError) as exc:
            self.notify(f"Cannot open that case: {exc}", severity="error", markup=False)
            return
        self.back_to_start()
        self.play(ref, story, self.options, campaign_rung=rung)

    def resume_campaign(self, path: Path, rung: int) -> None:
        """Play on from the save of the campaign's next case, which must be one of `rung`'s; a notice says what
        is wrong, and how to go on, if it cannot be, and which options it is played with if not those asked."""
        afresh = "; move that file aside to play the rung afresh"
        asked = self.options
        try:
            saved = load_save(path)
        except SaveError as exc:
            self.notify(f"{exc}{afresh}", severity="error", timeout=10, markup=False)
            return
        if saved.campaign_rung != rung:  # edited by hand: its finish would be recorded against another rung
            held = "no rung" if saved.campaign_rung is None else f"rung {saved.campaign_rung + 1}"
            message = f"{path}: campaign_rung: the save says {held}, but its case is rung {rung + 1}'s{afresh}"
            self.notify(message, severity="error", timeout=10, markup=False)
            return
        if not self.resume(saved, path, afresh):
            return
        note = f"Resuming your saved game of rung {rung + 1}, {RUNGS[rung].title}."
        kept = saved.options
        if (kept.hard, kept.short_memory) != (asked.hard, asked.short_memory):
            modes = f"hard mode {'on' if kept.hard else 'off'}, short memory {'on' if kept.short_memory else 'off'}"
            note += f" It is played as it was saved: {modes} (h and m switch them)."
        self.notify(note, markup=False)

    @on(OptionsChanged)
    def keep_options(self, changed: OptionsChanged) -> None:
        """The options the next game starts with are those the player last chose."""
        self.options = changed.options

    @on(SaveChosen)
    def resume_from(self, chosen: SaveChosen) -> None:
        try:
            self.resume(load_save(chosen.path), chosen.path)
        except SaveError as exc:
            self.notify(str(exc), severity="error", timeout=10, markup=False)

    def resume(self, saved: SavedGame, path: Path | None = None, hint: str = "") -> bool:
        """Play on from a save; a notice names the file (`path`) and what is wrong if it cannot be resumed
        (False then), followed by `hint`."""
        source = path or save_path(saved.case)
        try:
            story = load_case(saved.case)
            match = replay(saved, Match(story, self.partner, self.rival), str(source))
        except (StoryError, ValueError, OSError, SaveError) as exc:
            where = "" if str(source) in str(exc) else f"{source}: "  # replay's own messages name it already
            self.notify(f"Cannot resume that game: {where}{exc}{hint}", severity="error", timeout=10, markup=False)
            return False
        self.play(saved.case, story, saved.options, match, saved.campaign_rung)
        return True

    def action_quit_game(self) -> None:
        """Quit, saving the game in play if there is one (its own q does the same), wherever the player is."""
        table = next((screen for screen in reversed(self.screen_stack) if isinstance(screen, PlayScreen)), None)
        if table is None:
            self.exit()
        else:
            table.action_quit_game()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, PlayScreen):
            for title, help_text, action in (
                ("Accuse", "Name the murderer", screen.action_accuse),
                ("Notebook", "Clues so far, your marks and notes", screen.action_notebook),
                ("Gate view", "Show or hide the partner's LSTM gates", screen.action_toggle_gates),
                ("Hard mode", "Hide or show your partner: bars, advice, pick, memories", screen.action_toggle_hard),
                ("Short memory", f"Keep the last {SHORT_MEMORY_CLUES} clues in view", screen.action_toggle_short),
                ("Pause", "Pause or resume the narration", screen.action_pause),
                ("Save", "Save this game to resume later", screen.action_save),
            ):
                yield SystemCommand(title, help_text, action)
        yield SystemCommand("How to play", "Rules and keys", self.action_help)
