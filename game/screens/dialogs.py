"""Dialogs over the game: accuse a suspect, the notebook, help. Each is a ModalScreen that dismisses a value."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from game.match import Match

MARKS = ("", "suspicious", "cleared")


class AccuseDialog(ModalScreen[int | None]):
    """Name the murderer: one button per suspect still accusable; 1-8 pick, Escape cancels."""

    AUTO_FOCUS = "#cancel"  # a stray space or enter (the pause and finish keys) must never accuse anyone
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")] + [
        Binding(str(number), f"pick({number - 1})", show=False) for number in range(1, 9)
    ]

    def __init__(self, match: Match) -> None:
        super().__init__()
        self.match = match

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            final = " The story is told: this is your final accusation." if self.match.told_all else ""
            yield Label(f"Who did it?{final}", id="dialog-title")
            for slot, suspect in enumerate(self.match.story.suspects):
                yield Button(
                    Text(f"{slot + 1}  {suspect.name}, the {suspect.role}"),  # names from a file: never markup
                    id=f"accuse-{slot}",
                    disabled=slot in self.match.wrongly_accused,
                )
            yield Button("Not yet (Esc)", id="cancel", variant="default")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id and event.button.id.startswith("accuse-"):
            self.dismiss(int(event.button.id.removeprefix("accuse-")))
        else:
            self.dismiss(None)

    def action_pick(self, slot: int) -> None:
        if slot < len(self.match.story.suspects) and slot not in self.match.wrongly_accused:
            self.dismiss(slot)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class NotebookScreen(ModalScreen[None]):
    """Every clue told so far, and the player's own marks and notes per suspect."""

    BINDINGS = [Binding("escape,n", "close", "Close")]

    def __init__(self, match: Match) -> None:
        super().__init__()
        self.match = match

    def compose(self) -> ComposeResult:
        match = self.match
        with Vertical(id="notebook"):
            yield Label("Notebook (Esc closes)", id="dialog-title")
            with VerticalScroll(id="notebook-clues"):
                told = match.clues_told
                text = Text()
                for index, clue in enumerate(match.story.clues[:told]):
                    text.append(f"{index + 1:>3}. ", style="dim")
                    text.append(" ".join(clue.text.split()) + "\n")
                yield Static(text if told else Text("No clue told yet.", style="dim"))
            with Grid(id="notebook-marks"):
                for slot, suspect in enumerate(match.story.suspects):
                    yield Label(Text(f"{slot + 1} {suspect.name}"), classes="notebook-name")
                    yield Button(self._mark_label(slot), id=f"mark-{slot}", classes="notebook-mark")
                    yield Input(match.notes.get(slot, ""), placeholder="a note", id=f"note-{slot}", max_length=200)

    def _mark_label(self, slot: int) -> str:
        return self.match.marks.get(slot, "") or "no mark"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        slot = int((event.button.id or "mark-0").removeprefix("mark-"))
        current = self.match.marks.get(slot, "")
        self.match.mark(slot, MARKS[(MARKS.index(current) + 1) % len(MARKS)])
        event.button.label = self._mark_label(slot)

    def on_input_changed(self, event: Input.Changed) -> None:
        slot = int((event.input.id or "note-0").removeprefix("note-"))
        if event.value.strip():
            self.match.notes[slot] = event.value
        else:
            self.match.notes.pop(slot, None)

    def action_close(self) -> None:
        self.dismiss(None)


HELP = """\
[b]How to play[/b]
The clues are told word by word. Beside them, two readers say who they think did it:
[green]your partner[/green], an LSTM that keeps what matters and forgets what no longer applies, and
[magenta]the rival[/magenta], a plain RNN whose memory is short. The rival accuses as soon as it is 75% sure.
Name the murderer before it does. A right answer scores more the earlier it comes; a wrong one costs 40.
The partner advises but never accuses. After each bar, the traits that reader remembers being said.

[b]Keys[/b]
space      pause or resume the narration         +  -     faster, slower
f / enter  finish the current clue               a        accuse
n          notebook: clues so far, marks, notes  g        gate view (the partner's LSTM gates)
[ ]        gate view: previous / next suspect    h        hard mode: hide the partner's bars
m          short memory: keep only the last clues in view
s          save (quitting saves too)             q        quit
Ctrl+P     command palette                       ?  F1    this help

Click a suspect's card to follow that suspect in the gate view.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(HELP)
            with Horizontal():
                yield Button("Close (Esc)", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
