"""The table: the story told word by word on the left, the suspects' cards with both readers' beliefs on the
right, the partner's advice under the story, and the gate view on demand. All rules live in game.match."""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from game.campaign import RUNGS, CampaignError, CampaignStep, record_result
from game.cases import CaseRef
from game.match import Match, Mode, switch_note
from game.saves import Options, SavedGame, forget_save, save_game, saves_folder
from game.scoring import WRONG, Accusation
from game.screens.choices import OptionsChanged
from game.screens.dialogs import AccuseDialog, HelpScreen, NotebookScreen
from game.widgets import CardView, GateStrip, SuspectCard, component_style, faded_note

SPEEDS = (1.0, 2.0, 3.0, 4.0, 6.0, 9.0, 14.0, 20.0, 30.0, 50.0)  # words per second


class PlayScreen(Screen):
    """The table. Its state is reactive: the match (mutated by the rules, then `mutate_reactive`), the pause,
    the options, the suspect the cards and gates follow, and whether the gates show; each watcher redraws what
    depends on it."""

    COMPONENT_CLASSES = {"play--rival", "play--murderer", "play--clue-number"}
    BINDINGS = [
        Binding("space", "pause", "Pause"),
        Binding("f,enter", "finish_clue", "Finish clue"),
        Binding("a", "accuse", "Accuse"),
        Binding("n", "notebook", "Notebook"),
        Binding("g", "toggle_gates", "Gates"),
        Binding("plus,equals_sign", "faster", "Faster", show=False),
        Binding("minus", "slower", "Slower", show=False),
        Binding("left_square_bracket", "gate_suspect(-1)", "Gates: previous suspect", show=False),
        Binding("right_square_bracket", "gate_suspect(1)", "Gates: next suspect", show=False),
        Binding("h", "toggle_hard", "Hard mode", show=False),
        Binding("m", "toggle_short", "Short memory", show=False),
        Binding("s", "save", "Save", show=False),
        Binding("question_mark,f1", "help", "Help"),
        Binding("q", "quit_game", "Quit"),
    ]

    match: var[Match] = var(cast(Match, None), init=False, always_update=True)
    paused: var[bool] = var(False, init=False)
    options: var[Options] = var(Options(), init=False)
    gate_slot: var[int | None] = var(None, init=False)  # None: follow the partner's favourite
    show_gates: var[bool] = var(False, init=False)

    def __init__(
        self, match: Match, case: CaseRef, options: Options, paused: bool = False, campaign_rung: int | None = None
    ) -> None:
        super().__init__()
        self.set_reactive(PlayScreen.match, match)
        self.set_reactive(PlayScreen.options, options)
        self.set_reactive(PlayScreen.paused, paused)
        self.case = case
        self.campaign_rung = campaign_rung
        self.timer: Timer | None = None
        self.asked_final = False
        self.save_failed = False
        self.told: dict[int, Text] = {}  # each paragraph's words narrated so far, by clue (-1: the intro)
        self.narrated = 0  # words of the match already in `told`
        # (clue, clues heard, first in view, all told) the story was laid out for
        self.arranged: tuple[int, int, int, bool] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="table"):
            with Vertical(id="left"):
                with VerticalScroll(id="story"):
                    if self.campaign_rung is not None:  # in the story, not a toast over the cards
                        yield Static(Text(RUNGS[self.campaign_rung].teaches), id="lesson")
                    yield Static(id="faded", classes="-hidden")
                yield Static(id="advice")
                yield Static(id="rival")
                yield GateStrip(id="gates", classes="-hidden")
            with VerticalScroll(id="cards"):
                yield Static(id="evidence")
                for slot in range(len(self.match.story.suspects)):
                    yield SuspectCard(self.card_view(slot), id=f"card-{slot}")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = self.match.story.title
        if self.campaign_rung is not None:
            rung = RUNGS[self.campaign_rung]
            self.query_one("#story").border_title = f"Campaign, rung {self.campaign_rung + 1}: {rung.title}"
        self.start_timer()
        self.show_table()

    # --- what changes, and what it redraws --------------------------------------------------------------------

    def watch_match(self) -> None:
        self.show_table()

    def watch_paused(self) -> None:
        self.show_status()

    def watch_options(self, old: Options, new: Options) -> None:
        if old.speed != new.speed:
            self.start_timer()
        self.post_message(OptionsChanged(new))
        self.arranged = None  # short memory may have changed what the story shows
        self.show_table()

    def watch_gate_slot(self) -> None:
        self.show_cards()
        self.show_gate_view()

    def watch_show_gates(self, show: bool) -> None:
        self.query_one("#gates", GateStrip).set_class(not show, "-hidden")
        self.show_gate_view()

    @property
    def first_in_view(self) -> int:
        """The first clue still in view (game.match.Match.first_in_view, under the options now)."""
        return self.match.first_in_view(self.options.short_memory)

    def changed(self) -> None:
        """The rules changed the match (a word told, an accusation): redraw what shows it."""
        self.mutate_reactive(PlayScreen.match)

    # --- the narration clock -------------------------------------------------------------------------------

    def start_timer(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        self.timer = self.set_interval(1 / self.options.speed, self.tick)

    def tick(self) -> None:
        if self.paused or self.match.over or self.app.screen is not self:
            return
        if self.match.told_all:
            self.ask_final()  # Esc there pauses: the player may leave, read back, or save, and come back
            return
        self.after_rival(self.match.advance())
        self.changed()

    def after_rival(self, accusation: Accusation | None) -> None:
        if accusation is None:
            return
        name = self.match.story.suspects[accusation.suspect].name
        if accusation.correct:
            self.notify(
                f"The rival names {name}, and is right. Solve it anyway for the points.",
                severity="warning",
                markup=False,
            )
        else:
            self.notify(f"The rival names {name}: wrong. It keeps reading.", markup=False)

    def ask_final(self) -> None:
        if not self.asked_final:
            self.asked_final = True
            self.action_accuse()

    # --- rendering ------------------------------------------------------------------------------------------

    def card_view(self, slot: int) -> CardView:
        """One card as the options allow: in hard mode nothing of the partner (its bar, its memories, its pick as
        the card followed by default), in short-memory mode only what the clues in view say."""
        match = self.match
        suspect = match.story.suspects[slot]
        accused = "wrong" if slot in match.wrongly_accused else ""
        if not accused and any(a.by == "rival" and a.suspect == slot for a in match.accusations):
            accused = "rival"
        hard = self.options.hard
        return CardView(
            slot,
            suspect.name,
            suspect.role,
            match.said_of(slot, since=self.first_in_view),
            None if hard else float(match.partner.belief[slot]),
            float(match.rival.belief[slot]),
            () if hard else match.memories(match.partner, slot),
            match.memories(match.rival, slot),
            match.marks.get(slot, ""),
            accused,
            slot == self.followed_slot,
            match.partner.lost and not hard,
        )

    @property
    def followed_slot(self) -> int | None:
        """The suspect the cards and the gates follow: the player's choice, else the partner's favourite; in hard
        mode the player's choice only (following the partner's favourite would point at it)."""
        if self.gate_slot is not None or self.options.hard:
            return self.gate_slot
        return int(self.match.partner.belief.argmax())

    def show_table(self) -> None:
        self.show_story()
        self.show_status()
        self.query_one("#rival", Static).update(self.rival_line())
        murderer = Text("The murderer: ", style="bold")
        known = self.match.evidence(since=self.first_in_view)
        murderer.append(", ".join(known) or "nothing known yet", component_style(self, "play--murderer"))
        self.query_one("#evidence", Static).update(murderer)
        self.show_cards()
        self.show_gate_view()

    def show_status(self) -> None:
        match = self.match
        advice = Text(match.advice() if not self.options.hard else "Hard mode: your partner keeps quiet.")
        speed = self.options.speed
        status = "paused" if self.paused else f"{speed:g} word{'' if speed == 1 else 's'}/s"
        # the clue being told, or the last told while the next has not begun ("clue 2/5" read a clue ahead)
        heard = match.clues_heard
        told = "all told" if match.told_all else f"clue {heard}/{len(match.story.clues)}" if heard else "the opening"
        advice.append(f"\n{told} · {status} · ", style="dim")
        advice.append(f"your score {match.score.total}", style="bold")
        self.query_one("#advice", Static).update(advice)

    def show_cards(self) -> None:
        for slot in range(len(self.match.story.suspects)):
            self.query_one(f"#card-{slot}", SuspectCard).show(self.card_view(slot))

    def show_gate_view(self) -> None:
        slot = self.followed_slot
        if self.show_gates and slot is not None:  # hard mode closes the gates (set_options)
            gates = self.query_one("#gates", GateStrip)
            name = self.match.story.suspects[slot].name
            gates.show(name, self.match.gate_columns(slot, since=self.first_in_view), max(gates.size.width, 40))

    def rival_line(self) -> Text:
        """The rival in plain sight: whom it leans to now, whom it has named, its score."""
        match = self.match
        line = Text("Rival: ", style=component_style(self, "play--rival"))
        pick = match.rival_pick()
        if pick is None:
            line.append("undecided")
        else:
            line.append(f"leans to {match.story.suspects[pick].name} ({match.rival.belief[pick]:.0%})")
        named = [a for a in match.accusations if a.by == "rival"]
        if named:
            said = ", ".join(f"{match.story.suspects[a.suspect].name} {'✓' if a.correct else '✗'}" for a in named)
            line.append(f" · named {said}")
        line.append(f" · score {match.rival_score.total}")
        return line

    def show_story(self) -> None:
        """Add the words told since the last call to their paragraphs, one Static per paragraph: per word, the
        work is the current paragraph's, however long the story has grown."""
        match = self.match
        story = self.query_one("#story", VerticalScroll)
        touched: set[int] = set()
        for word in match.words[self.narrated : match.position]:
            paragraph = self.told.get(word.clue)
            if paragraph is None:
                paragraph = self.told[word.clue] = Text()
                story.mount(Static(classes="paragraph", id=f"paragraph-{word.clue + 1}"))
            if word.piece.spaced and paragraph.plain:
                paragraph.append(" ")
            paragraph.append(word.piece.text)
            touched.add(word.clue)
        self.narrated = match.position
        for clue in touched:
            shown = Text(f"{clue + 1}. " if clue >= 0 else "", end="")
            # The number only: a Text's own style would spread to the clue appended after it.
            shown.stylize(component_style(self, "play--clue-number"))
            self.query_one(f"#paragraph-{clue + 1}", Static).update(shown.append_text(self.told[clue]))
        arrangement = (match.clue, match.clues_heard, self.first_in_view, match.told_all)
        if arrangement != self.arranged:  # a clue begun or ended, or one faded: which paragraphs show, which is bold
            self.arranged = arrangement
            self.arrange_story()
        if touched:  # after the refresh: a paragraph just mounted has no height until it is laid out
            self.call_after_refresh(story.scroll_end, animate=False)

    def arrange_story(self) -> None:
        """Mark the paragraph being told, and in short-memory mode hide the clues that have faded (and the intro
        with the first of them), saying which."""
        match = self.match
        first = self.first_in_view
        for clue in self.told:
            paragraph = self.query_one(f"#paragraph-{clue + 1}", Static)
            paragraph.set_class(first > 0 and clue < first, "-hidden")
            paragraph.set_class(clue == match.clue and not match.told_all, "-current")
        faded = self.query_one("#faded", Static)
        faded.update(faded_note(first))
        faded.set_class(first == 0, "-hidden")

    # --- actions --------------------------------------------------------------------------------------------

    def action_pause(self) -> None:
        self.paused = not self.paused

    def action_faster(self) -> None:
        self.set_speed(1)

    def action_slower(self) -> None:
        self.set_speed(-1)

    def set_speed(self, direction: int) -> None:
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.options.speed))
        speed = SPEEDS[max(0, min(len(SPEEDS) - 1, index + direction))]
        self.options = Options(self.options.hard, self.options.short_memory, speed)

    def action_finish_clue(self) -> None:
        if self.match.over:
            return
        if self.match.told_all:
            self.ask_final()
            return
        for accusation in self.match.finish_clue():
            self.after_rival(accusation)
        self.changed()

    def action_accuse(self) -> None:
        if not self.match.over:
            self.app.push_screen(AccuseDialog(self.match), self.accused)

    def accused(self, slot: int | None) -> None:
        if slot is None:
            if self.match.told_all:  # all is told: stay paused until the player resumes, then ask again
                self.asked_final = False
                self.paused = True
            return
        accusation = self.match.accuse(slot)
        name = self.match.story.suspects[slot].name
        if not accusation.correct and not self.match.over:
            self.notify(f"{name} did not do it. That costs you {WRONG} points.", severity="error", markup=False)
        self.changed()
        if self.match.over:
            self.finish()

    def finish(self) -> None:
        from game.screens.debrief import DebriefScreen

        forget_save(self.case)
        climbed = self.record_campaign(self.campaign_rung) if self.campaign_rung is not None else None
        self.app.switch_screen(DebriefScreen(self.match, self.case, self.options, climbed))

    def record_campaign(self, rung: int) -> CampaignStep | None:
        """Write this case's result into the campaign's progress; None (and a message) if it cannot be."""
        match = self.match
        try:
            after = record_result(saves_folder(), rung, match.player_solved, match.score.total, match.won_race)
        except (CampaignError, OSError) as exc:
            self.notify(f"Could not record the campaign: {exc}", severity="error", timeout=10, markup=False)
            return None
        return CampaignStep(rung, match.player_solved, after)

    def action_notebook(self) -> None:
        notebook = NotebookScreen(self.match, since=self.first_in_view)
        self.app.push_screen(notebook, lambda _: self.changed())  # marks and notes

    def action_toggle_gates(self) -> None:
        if self.options.hard:  # hard mode keeps them closed (set_options)
            self.notify("Hard mode hides the gate view: the gates are your partner's.", markup=False)
            return
        self.show_gates = not self.show_gates

    def action_gate_suspect(self, direction: int) -> None:
        """Follow the previous or next suspect, bringing their card into view: with a large cast in a small
        window, [ and ] reach every card from the keyboard. From no one (hard mode, before a choice) ] goes to the
        first and [ to the last."""
        cast = len(self.match.story.suspects)
        followed = self.followed_slot
        if followed is None:
            self.gate_slot = 0 if direction > 0 else cast - 1
        else:
            self.gate_slot = (followed + direction) % cast
        self.query_one(f"#card-{self.gate_slot}", SuspectCard).scroll_visible(animate=False)

    def on_suspect_card_selected(self, message: SuspectCard.Selected) -> None:
        self.gate_slot = None if self.gate_slot == message.slot else message.slot

    def action_toggle_hard(self) -> None:
        self.set_options(Options(not self.options.hard, self.options.short_memory, self.options.speed))

    def action_toggle_short(self) -> None:
        self.set_options(Options(self.options.hard, not self.options.short_memory, self.options.speed))

    def set_options(self, options: Options) -> None:
        """Switch a handicap, saying in a toast what that does to the view and to the score (game.match)."""
        earning, was = self.match.modes, self.options
        self.match.set_modes(options.hard, options.short_memory)
        if options.hard:
            self.show_gates = False  # the gates are the partner's
        self.options = options
        modes: tuple[Mode, ...] = ("hard", "short_memory")
        for mode in modes:
            on = getattr(options, mode)
            if on != getattr(was, mode):
                self.notify(switch_note(mode, on, getattr(earning, mode)), markup=False)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def saved_game(self) -> SavedGame:
        match = self.match
        moves = tuple((a.suspect, a.at) for a in match.accusations if a.by == "player")
        return SavedGame(
            self.case,
            match.position,
            moves,
            dict(match.marks),
            dict(match.notes),
            self.options,
            modes=match.modes,
            campaign_rung=self.campaign_rung,
        )

    def action_save(self) -> None:
        try:
            path = save_game(self.saved_game())
        except OSError as exc:
            self.notify(f"Could not save: {exc.strerror or exc}", severity="error", markup=False)
            return
        self.notify(f"Saved to {path}", markup=False)

    def action_quit_game(self) -> None:
        if not self.match.over and self.match.position > 0 and not self.save_failed:
            try:
                save_game(self.saved_game())
            except OSError as exc:
                self.save_failed = True
                self.notify(
                    f"Could not save: {exc.strerror or exc}. Press q again to quit without saving.",
                    severity="error",
                    markup=False,
                )
                return
        self.app.exit()
