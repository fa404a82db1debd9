"""The game's widgets. Each renders a frozen view of the state it is given and holds no rules of its own."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from game.match import GateColumn

BAR_WIDTH = 10
FORGET_DROP = 0.1  # a fall in the mean forget gate from one word to the next that the gate view marks


def bar(probability: float, style: str, width: int = BAR_WIDTH) -> Text:
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
    mark: str = ""
    accused: str = ""  # "wrong" once the player's accusation was wrong; "rival" once the rival named them
    selected: bool = False


class SuspectCard(Static):
    """One suspect: who they are, what was said of them, both readers' beliefs and memories."""

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
        text = Text()  # wrapped at word boundaries: a trait cut short ("smokes ciga…") may hide the deciding one
        text.append(f"{view.slot + 1} {view.name}", style="bold")
        text.append(f", the {view.role}", style="dim")
        if view.mark:
            text.append(f"  [{view.mark}]", style="italic")
        if view.accused == "wrong":
            text.append("  ✗ not guilty", style="red")
        elif view.accused == "rival":
            text.append("  ← rival's pick", style="magenta")
        text.append("\n  said ", style="dim")
        text.append(", ".join(view.said) or "nothing yet")
        text.append("\n  partner ", style="green")
        if view.partner is None:
            text.append("(hidden)".ljust(BAR_WIDTH + 5), style="dim")
        else:
            text.append_text(bar(view.partner, "green"))
            text.append("  " + (", ".join(view.partner_remembers) or "-"), style="green dim")
        text.append("\n  rival   ", style="magenta")
        text.append_text(bar(view.rival, "magenta"))
        text.append("  " + (", ".join(view.rival_remembers) or "-"), style="magenta dim")
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


def culprit_chart(curves: dict[str, list[float]], clue_marks: dict[int, str], width: int, height: int = 10) -> Text:
    """P(culprit) per clue for each reader, as a dot chart; `clue_marks` labels clues (decided, lost it)."""
    styles = {"partner": "green", "rival": "magenta", "oracle": "cyan"}
    symbols = {"partner": "●", "rival": "◆", "oracle": "·"}
    points = max(len(values) for values in curves.values()) if curves else 0
    if points == 0:
        return Text("nothing told yet", style="dim")
    step = max(1, -(-points // max(width - 6, 1)))
    columns = list(range(0, points, step))
    grid: list[list[tuple[str, str]]] = [[(" ", "")] * len(columns) for _ in range(height)]
    for name in ("oracle", "rival", "partner"):  # partner drawn last: on top
        for x, index in enumerate(columns):
            values = curves.get(name, [])
            if index < len(values):
                y = height - 1 - min(height - 1, int(values[index] * (height - 1) + 0.5))
                grid[y][x] = (symbols[name], styles[name])
    text = Text()
    for row, cells in enumerate(grid):
        label = "1.0 " if row == 0 else "0.5 " if row == (height - 1) // 2 else "0.0 " if row == height - 1 else "    "
        text.append(label, style="dim")
        for symbol, style in cells:
            text.append(symbol, style=style)
        text.append("\n")
    marks = [" "] * len(columns)
    for clue, symbol in clue_marks.items():
        if 0 <= clue // step < len(marks):
            marks[clue // step] = symbol
    text.append("    " + "".join(marks) + "\n", style="bold yellow")
    text.append("    clue 1" + " " * max(0, len(columns) - 14) + f"clue {points}\n", style="dim")
    for name in ("partner", "rival", "oracle"):
        text.append(f"  {symbols[name]} {name}", style=styles[name])
    return text
