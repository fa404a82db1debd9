"""The game's widgets. Each renders a frozen view of the state it is given and holds no rules of its own."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from game.match import GateColumn

BAR_WIDTH = 10
FORGET_DROP = 0.1  # a fall in the mean forget gate from one word to the next that the gate view marks


def bar(probability: float, style: str | Style, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar with eighth-block resolution and the percentage after it."""
    eighths = round(max(0.0, min(1.0, probability)) * width * 8)
    full, part = divmod(eighths, 8)
    body = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    text = Text(body.ljust(width), style=style)
    text.append(f" {probability:4.0%}", style="bold")
    return text


@dataclass(frozen=True)
class CardView:
    """What one suspect's card shows."""

    slot: int
    name: str
    role: str
    said: tuple[str, ...]
    partner: float | None  # None in hard mode
    rival: float
    partner_remembers: tuple[str, ...]
    rival_remembers: tuple[str, ...]
    mark: Literal["", "cleared", "suspicious"] = ""  # the player's mark in the notebook
    accused: Literal["", "wrong", "rival"] = ""  # wrong: the player named them, wrongly; rival: the rival named them
    selected: bool = False
    partner_lost: bool = False  # the partner holds every suspect cleared (game.match.Detective.lost): bar drawn dim


def component_style(widget: Widget, component: str) -> Style:
    """The rich style of one of `widget`'s component classes, as whodunit.tcss sets it."""
    return widget.get_component_rich_style(component, partial=True)


class SuspectCard(Static):
    """One suspect: who they are, what was said of them, both readers' beliefs and memories. The readers'
    colours are component classes, styled in whodunit.tcss."""

    COMPONENT_CLASSES = {
        "suspect-card--partner",
        "suspect-card--partner-lost",
        "suspect-card--partner-memory",
        "suspect-card--rival",
        "suspect-card--rival-memory",
        "suspect-card--not-guilty",
    }

    class Selected(Message):
        def __init__(self, slot: int) -> None:
            super().__init__()
            self.slot = slot

    def __init__(self, view: CardView, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view

    def show(self, view: CardView) -> None:
        self.view = view
        self.set_class(view.selected, "-selected")
        self.set_class(view.mark == "cleared", "-cleared")
        self.set_class(view.mark == "suspicious", "-suspicious")
        self.update(self.render_view())

    def on_mount(self) -> None:
        self.show(self.view)

    def on_click(self) -> None:
        self.post_message(self.Selected(self.view.slot))

    def render_view(self) -> RenderableType:
        view = self.view
        style = functools.partial(component_style, self)
        partner, rival = style("suspect-card--partner"), style("suspect-card--rival")
        text = Text()  # wrapped at word boundaries: a trait cut short ("smokes ciga…") may hide the deciding one
        text.append(f"{view.slot + 1} {view.name}", style="bold")
        text.append(f", the {view.role}", style="dim")
        if view.mark:
            text.append(f"  [{view.mark}]", style="italic")
        if view.accused == "wrong":
            text.append("  ✗ not guilty", style=style("suspect-card--not-guilty"))
        elif view.accused == "rival":
            text.append("  ← rival's pick", style=rival)
        text.append("\n  said ", style="dim")
        text.append(", ".join(view.said) or "nothing yet")
        text.append("\n  partner ", style=partner)
        if view.partner is None:
            text.append("(hidden)".ljust(BAR_WIDTH + 5), style="dim")
        else:
            text.append_text(bar(view.partner, style("suspect-card--partner-lost") if view.partner_lost else partner))
            text.append("  " + (", ".join(view.partner_remembers) or "-"), style=style("suspect-card--partner-memory"))
        text.append("\n  rival   ", style=rival)
        text.append_text(bar(view.rival, rival))
        text.append("  " + (", ".join(view.rival_remembers) or "-"), style=style("suspect-card--rival-memory"))
        return text


class GateStrip(Static):
    """The partner's input, forget and output gates over the recent words: one column per word."""

    def show(self, name: str, columns: list[GateColumn], width: int) -> None:
        if not columns:
            self.update(Text("The gate view fills in as the words arrive.", style="dim"))
            return
        label = 8
        kept: list[GateColumn] = []
        used = label
        for column in reversed(columns):  # the newest words that fit
            size = min(len(column.word), 10) + 1
            if used + size > width:
                break
            kept.insert(0, column)
            used += size
        text = Text(f"LSTM gates while reading for {name}", style="bold")
        text.append("   dark: closed (0) ", style="dim")
        for value in (0.0, 0.25, 0.5, 0.75, 1.0):
            text.append("  ", style=gate_style(value))
        text.append(" bright: open (1)\n", style="dim")
        for gate in ("input", "forget", "output"):
            text.append(f"{gate:>7} ")
            for column in kept:
                text.append(" " * min(len(column.word), 10), style=gate_style(getattr(column, gate)))
                text.append(" ")
            text.append("\n")
        drops = [
            index > 0 and kept[index - 1].forget - column.forget >= FORGET_DROP for index, column in enumerate(kept)
        ]
        text.append(" " * label)
        for column, dropped in zip(kept, drops, strict=True):
            text.append(column.word[:10] + " ", style="bold yellow" if dropped else "dim")
        text.append("\n" + " " * label)
        for column, dropped in zip(kept, drops, strict=True):
            size = min(len(column.word), 10) + 1
            text.append(("▲ forgets" if dropped else "")[: size - 1].ljust(size), style="yellow")
        self.update(text)


def gate_style(value: float) -> str:
    """A gate's activity as a shade of blue: dark when closed, bright when open."""
    shade = int(40 + max(0.0, min(1.0, value)) * 215)
    return f"on rgb({shade // 3},{shade // 2},{shade})"


READER_COLOURS = {"partner": "green", "rival": "magenta", "oracle": "cyan"}  # as the cards' bars


def culprit_chart(curves: dict[str, list[float]], decided: int | None, lost: int | None, width: int) -> Text:
    """Each reader's probability on the culprit after every clue (1-based on the x axis), drawn by plotext with
    labelled axes and a legend; a yellow line at the clue that decided the case, a red one where the rival lost
    it. plotext is imported here, so that the game starts without it."""
    import plotext as plt

    points = max((len(values) for values in curves.values()), default=0)
    if points == 0:
        return Text("nothing told yet", style="dim")
    plt.clf()
    plt.plotsize(max(width, 40), 16)
    plt.theme("clear")
    clues = list(range(1, points + 1))
    for name in ("oracle", "rival", "partner"):  # the partner drawn last: on top
        values = curves.get(name, [])
        if values:
            marker = "dot" if name == "oracle" else "braille"
            plt.plot(clues[: len(values)], values, label=name, color=READER_COLOURS[name], marker=marker)
    if decided is not None:
        plt.vline(decided + 1, "yellow")
    if lost is not None:
        plt.vline(lost + 1, "red")
    step = max(1, -(-points // 8))
    plt.xticks(list(range(1, points + 1, step)))  # whole clues, not 5.5
    plt.ylim(0, 1)
    plt.xlabel("clue")
    plt.ylabel("P(culprit)")
    return Text.from_ansi(plt.build())
