"""Dialogs over the game: accuse a suspect, the notebook, help. Each is a ModalScreen that dismisses a value."""

from __future__ import annotations

from typing import cast

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from game.match import RIVAL_THRESHOLD, SHORT_MEMORY_CLUES, Match
from game.scoring import GUESS, HARD_BONUS, RACE, READING_WINDOW, SHORT_MEMORY_BONUS, SOLVE, SPEED, WRONG
from game.widgets import Hanging, faded_note, whole

MARKS = ("", "suspicious", "cleared")
# A modal screen hides the app's bindings, so each dialog carries the app's q (quit, saving the game in play).
QUIT = Binding("q", "app.quit_game", "Quit", show=False)


class AccuseDialog(ModalScreen[int | None]):
    """Name the murderer: the cast as a list (it scrolls when the window is small), 1-8 pick, Escape cancels."""

    AUTO_FOCUS = "#cancel"  # a stray space or enter (the pause and finish keys) must never accuse anyone
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel"), QUIT] + [
        Binding(str(number), f"pick({number - 1})", show=False) for number in range(1, 9)
    ]

    def __init__(self, match: Match) -> None:
        super().__init__()
        self.match = match

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            final = " The story is told: this is your final accusation." if self.match.told_all else ""
            yield Label(f"Who did it?{final}", id="dialog-title")
            yield OptionList(*(self.option(slot) for slot in range(len(self.match.story.suspects))), id="suspects")
            yield Button("Not yet (Esc)", id="cancel", variant="default")

    def option(self, slot: int) -> Option:
        """A suspect as the list shows them, wrapped under their name; one the player has named wrongly is listed
        (so that the numbers keep to the cards) as not guilty, that mark moving down whole, and is not offered."""
        suspect = self.match.story.suspects[slot]
        who = Text(f"{suspect.name}, the {suspect.role}")  # names from a file: never markup
        cleared = slot in self.match.wrongly_accused
        if cleared:
            who.append("  " + whole("✗ not guilty: you named them"), style="italic")
        return Option(Hanging(Text(f"{slot + 1}  "), who, 3), disabled=cleared)  # always under the name

    @on(OptionList.OptionSelected, "#suspects")
    def named(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)  # the list holds the cast in order

    @on(Button.Pressed, "#cancel")
    def cancelled(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_pick(self, slot: int) -> None:
        if slot < len(self.match.story.suspects) and slot not in self.match.wrongly_accused:
            self.dismiss(slot)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class MarkButton(Button):
    """A suspect's mark in the notebook; pressing it moves to the next mark."""

    def __init__(self, slot: int, label: str, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.slot = slot


class NoteInput(Input):
    """The player's note on a suspect."""

    def __init__(self, slot: int, value: str, **kwargs) -> None:
        super().__init__(value, max_length=200, **kwargs)
        self.slot = slot


class NotebookScreen(ModalScreen[None]):
    """The clues told so far (in short-memory mode only those still in view, saying how many have faded), and the
    player's own marks and notes per suspect: those stay whatever fades, being the player's own memory."""

    BINDINGS = [Binding("escape,n", "close", "Close"), QUIT]  # a note's field keeps q as a letter

    def __init__(self, match: Match, since: int = 0) -> None:
        """`since`: the first clue still in view (game.match.Match.first_in_view)."""
        super().__init__()
        self.match = match
        self.since = since

    def compose(self) -> ComposeResult:
        match = self.match
        with Vertical(id="notebook"):
            yield Label("Notebook (Esc closes)", id="dialog-title")
            with VerticalScroll(id="notebook-clues"):
                yield Static(self.clues())
            with Grid(id="notebook-marks"):
                for slot, suspect in enumerate(match.story.suspects):
                    yield Label(Text(f"{slot + 1} {suspect.name}"), classes="notebook-name")
                    yield MarkButton(slot, self._mark_label(slot), id=f"mark-{slot}", classes="notebook-mark")
                    yield NoteInput(slot, match.notes.get(slot, ""), placeholder="a note", id=f"note-{slot}")

    def clues(self) -> RenderableType:
        """The clues in view, each wrapped under its first word, not under its number, after a note of those faded."""
        told, since = self.match.clues_told, self.since
        lines: list[RenderableType] = [Text(faded_note(since), style="dim italic")] if since else []
        lines += [
            Hanging(Text(f"{index + 1:>3}. ", style="dim"), Text(" ".join(clue.text.split())))
            for index, clue in enumerate(self.match.story.clues[since:told], start=since)
        ]
        return Group(*lines) if told else Text("No clue told yet.", style="dim")

    def _mark_label(self, slot: int) -> str:
        return self.match.marks.get(slot, "") or "no mark"

    @on(Button.Pressed, ".notebook-mark")
    def next_mark(self, event: Button.Pressed) -> None:
        event.stop()
        slot = cast(MarkButton, event.button).slot
        current = self.match.marks.get(slot, "")
        self.match.mark(slot, MARKS[(MARKS.index(current) + 1) % len(MARKS)])
        event.button.label = self._mark_label(slot)

    @on(Input.Changed)
    def keep_note(self, event: Input.Changed) -> None:
        slot = cast(NoteInput, event.input).slot
        if event.value.strip():
            self.match.notes[slot] = event.value
        else:
            self.match.notes.pop(slot, None)

    def action_close(self) -> None:
        self.dismiss(None)


# Paragraphs are single lines, wrapped by the dialog at any width; the keys are a table of their own (KEYS), each
# description wrapped under its own column.
HELP = f"""\
[b]How to play[/b]
The clues are told word by word. Beside them, two readers say who they think did it: [green]your partner[/green], \
an LSTM that keeps what matters and forgets what no longer applies, and [magenta]the rival[/magenta], a plain RNN \
whose memory is short. It accuses once {RIVAL_THRESHOLD:.0%} sure. The partner advises but never accuses. After \
each bar, what that reader holds with confidence of the traits the clues have stated.

[b]Scoring[/b] (the rival is scored the same way)
Naming the murderer once the clues prove it: {SOLVE}, and up to {SPEED} more for speed, falling to nothing \
{READING_WINDOW} words after the proof. Naming them before the clues prove it is a guess: {GUESS}. Naming them \
before the rival: {RACE} more. Each wrong name: -{WRONG}.

[b]Modes[/b]
Hard mode hides your partner while you play: its bars, its advice, the card it favours, what it remembers and its \
gates (the debrief shows them all). Short memory keeps only the last {SHORT_MEMORY_CLUES} clues in view, the one \
being told among them: the story, what the cards say, the murderer line and the notebook let the others fade; \
your own marks and notes stay. Hard mode adds {HARD_BONUS:.0%} and short memory {SHORT_MEMORY_BONUS:.0%} to the \
points won, only if on from the first word (whodunit play --hard, --short-memory) and kept on: switched off, a \
mode stops earning for the rest of the game; switched on during one, it earns nothing.

[b]Keys[/b]"""

KEYS = (  # (the keys, what they do)
    ("space", "pause or resume the narration"),
    ("f, enter", "finish the current clue"),
    ("+  -", "faster, slower"),
    ("a", "accuse"),
    ("n", "notebook: clues so far (in view), marks, notes"),
    ("g", "gate view: the partner's LSTM gates"),
    ("[ ]", "follow the previous / next suspect (their card comes into view)"),
    ("h", "hard mode: hide your partner"),
    ("m", f"short memory: keep only the last {SHORT_MEMORY_CLUES} clues in view"),
    ("s", "save (quitting saves too)"),
    ("q", "quit, from any screen"),
    ("ctrl+p", "command palette"),
    ("?  F1", "this help"),
)
KEY_COLUMN = 11  # where the descriptions start


def keys_table() -> RenderableType:
    """The keys, one to a row, each description wrapped under its own column (under the keys' column, should the
    window be too narrow for its longest word), then how to follow a suspect with the mouse."""
    rows: list[RenderableType] = [
        Hanging(Text(keys.ljust(KEY_COLUMN)), Text(description), fallback=2) for keys, description in KEYS
    ]
    return Group(*rows, Text(), Text("Click a suspect's card to follow that suspect in the gate view.\n"))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,f1", "close", "Close"), QUIT]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(HELP)
            yield Static(keys_table(), id="help-keys")
            with Horizontal(id="help-buttons"):
                yield Button("Close (Esc)", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
