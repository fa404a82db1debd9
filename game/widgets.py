"""The game's widgets. Each renders a frozen view of the state it is given and holds no rules of its own."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from game.match import GateColumn

BAR_WIDTH = 10
READER_INDENT = 10  # where a card's reader rows start their bars: "  partner "
GATE_WORD = 14  # the widest word the gate view shows whole; a longer one ends in "…"
DROP_MARK = "▲ forgets"  # under a word where the forget gate drops
FORGET_DROP = 0.1  # a fall in the mean forget gate from one word to the next that the gate view marks
NBSP = "\u00a0"  # joins a phrase's words: Hanging breaks a line there only when the phrase is wider than the line
UNBROKEN = re.compile(r"(?:[^\s]|\u00a0)+")  # a run of text with no breaking space in it: a word or a whole phrase
WORD = re.compile(r"\S+")  # a word: a phrase too wide for its line is broken between its words


def bar(probability: float, style: str | Style, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar with eighth-block resolution and the percentage after it."""
    eighths = round(max(0.0, min(1.0, probability)) * width * 8)
    full, part = divmod(eighths, 8)
    body = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    text = Text(body.ljust(width), style=style)
    text.append(f" {probability:4.0%}", style="bold")
    return text


def whole(phrase: str) -> str:
    """`phrase` with its words joined by non-breaking spaces, for Hanging to keep on one line: "(clue 4)" or
    "✗ not guilty" moves down whole rather than leaving its last word alone on the next line."""
    return NBSP.join(phrase.split())


def wrap_phrases(text: Text, width: int) -> list[Text]:
    """`text` wrapped to `width` cells at its ordinary spaces, never inside a phrase joined by `whole`; a phrase
    wider than the line is broken at its own spaces, and a word wider still is cut (as rich folds it). The lines
    come back without trailing spaces, their non-breaking spaces shown as ordinary ones, each span whole."""
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        lines += paragraph.divide(line_starts(paragraph.plain, 0, len(paragraph.plain), width, (UNBROKEN, WORD)))
    for line in lines:
        line.rstrip()
        line.plain = line.plain.replace(NBSP, " ")
    return lines


def line_starts(plain: str, start: int, end: int, width: int, runs: tuple[re.Pattern[str], ...]) -> list[int]:
    """Where each line after the first starts, filling lines of `width` cells greedily with plain[start:end]'s
    runs (runs[0]); a run wider than a line broken by the next pattern, and by cells after the last."""
    starts: list[int] = []
    line: int | None = None  # where the current line starts
    for match in runs[0].finditer(plain, start, end):
        if line is not None and cell_len(plain[line : match.end()]) <= width:
            continue
        if line is not None:
            starts.append(match.start())
        line = match.start()
        if cell_len(match.group()) > width:
            if len(runs) > 1:
                inner = line_starts(plain, match.start(), match.end(), width, runs[1:])
            else:
                inner = list(itertools.accumulate(len(piece) for piece in chop_cells(match.group(), width)[:-1]))
                inner = [match.start() + offset for offset in inner]
            starts += inner
            line = inner[-1] if inner else line
    return starts


@dataclass(frozen=True)
class Hanging:
    """`lead` then `body`, the body wrapped at word boundaries with each further line indented under its first
    (a hanging indent: "partner ███ 33%  smokes" / "cigarettes" under "smokes", never at the left edge). A phrase
    whose words the body joins with `whole` moves down whole. Where the body's column would be narrower than its
    longest word, or than its longest phrase where the fallback's column is not, the body starts on the next line,
    indented by `fallback`, so that no word is cut and no phrase split (a fallback as wide as the lead: never)."""

    lead: Text
    body: Text
    fallback: int = 0

    def __str__(self) -> str:
        """The text shown, unwrapped: "3  Hobbs, the butler  ✗ not guilty"."""
        return (self.lead.plain + self.body.plain).replace(NBSP, " ")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        indent = self.lead.cell_len
        word = max((cell_len(word) for word in self.body.plain.split()), default=0)  # split at NBSP too
        phrase = max((cell_len(run) for run in UNBROKEN.findall(self.body.plain)), default=0)
        shown = self.lead.copy()
        if indent > self.fallback and (width - indent < word or width - indent < phrase <= width - self.fallback):
            indent = self.fallback
            shown.rstrip()
            shown.append("\n" + " " * indent)
        for number, line in enumerate(wrap_phrases(self.body, max(width - indent, 1))):
            if number:
                shown.append("\n" + " " * indent)
            shown.append_text(line)
        shown.no_wrap = True
        yield shown

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((cell_len(word) for word in self.body.plain.split()), default=0)
        return Measurement(self.fallback + longest, self.lead.cell_len + self.body.cell_len).clamp(
            max_width=options.max_width
        )


@dataclass(frozen=True)
class CardView:
    """What one suspect's card shows."""

    slot: int
    name: str
    role: str
    said: tuple[str, ...]
    partner: float | None  # None in hard mode
    rival: float
    partner_remembers: tuple[str, ...]  # () in hard mode
    rival_remembers: tuple[str, ...]
    mark: Literal["", "cleared", "suspicious"] = ""  # the player's mark in the notebook
    accused: Literal["", "wrong", "rival"] = ""  # wrong: the player named them, wrongly; rival: the rival named them
    selected: bool = False  # the suspect followed (in hard mode only the player's own choice)
    partner_lost: bool = False  # the partner holds every suspect cleared (game.match.Detective.lost): bar drawn dim


def phrases(said: tuple[str, ...]) -> str:
    """Phrases as a card lists them, each kept whole: "black coat, alibi (clue 4)"."""
    return ", ".join(whole(phrase) for phrase in said)


def faded_note(first: int) -> str:
    """What short-memory mode says where clues have faded: the clues before `first` (0-based), by number."""
    if first <= 0:
        return ""
    clues = "clue 1 has" if first == 1 else f"clues 1-{first} have"
    return f"({clues} faded: short-memory mode)"


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
        """Four rows (who, what was said, each reader), each wrapped at word boundaries under its own column: a
        trait cut short ("smokes ciga…") may hide the deciding one. Each phrase ("alibi (clue 4)", "✗ not
        guilty") is kept on one line where the column is wide enough for it."""
        view = self.view
        style = functools.partial(component_style, self)
        partner, rival = style("suspect-card--partner"), style("suspect-card--rival")
        who = Text(view.name, style="bold")
        who.append(f", the {view.role}", style="dim")
        if view.mark:
            who.append(f"  [{view.mark}]", style="italic")
        if view.accused == "wrong":  # each mark on one line, moving down whole
            who.append("  " + whole("✗ not guilty"), style=style("suspect-card--not-guilty"))
        elif view.accused == "rival":
            who.append("  " + whole("← rival's pick"), style=rival)
        rows = [
            Hanging(Text(f"{view.slot + 1} ", style="bold"), who, 2),
            Hanging(Text("  said ", style="dim"), Text(phrases(view.said) or "nothing yet"), 2),
        ]
        lead = Text("  partner ", style=partner)
        if view.partner is None:
            lead.append("(hidden)", style="dim")
            rows.append(Hanging(lead, Text()))
        else:
            lead.append_text(bar(view.partner, style("suspect-card--partner-lost") if view.partner_lost else partner))
            lead.append("  ")
            memory = Text(phrases(view.partner_remembers) or "-", style=style("suspect-card--partner-memory"))
            rows.append(Hanging(lead, memory, READER_INDENT))
        lead = Text("  rival   ", style=rival)
        lead.append_text(bar(view.rival, rival))
        lead.append("  ")
        memory = Text(phrases(view.rival_remembers) or "-", style=style("suspect-card--rival-memory"))
        rows.append(Hanging(lead, memory, READER_INDENT))
        return Group(*rows)


class GateStrip(Static):
    """The partner's input, forget and output gates over the recent words: one column per word, as wide as the
    word (a long one abbreviated with an ellipsis), or as its "▲ forgets" mark where the forget gate drops. Six
    rows, none of them wrapped: a title with the legend, the three gates, the words and the marks under them; where
    the title does not fit, its legend is shortened, then dropped."""

    shown: tuple[str, list[GateColumn]] | None = None  # what show() was given last, drawn again on a resize

    def show(self, name: str, columns: list[GateColumn], width: int) -> None:
        """Draw `columns` for the suspect `name`, `width` cells wide or as wide as the strip is, if narrower."""
        self.shown = (name, columns)
        if self.size.width:
            width = min(width, self.size.width)
        if not columns:
            self.update(Text("The gate view fills in as the words arrive.", style="dim"))
            return
        label = 8
        drops = [
            index > 0 and columns[index - 1].forget - column.forget >= FORGET_DROP
            for index, column in enumerate(columns)
        ]
        words = [abbreviated(column.word) for column in columns]
        sizes = [
            max(cell_len(word), cell_len(DROP_MARK) if dropped else 1)
            for word, dropped in zip(words, drops, strict=True)
        ]
        first = len(columns)  # the newest words that fit, each with a space after it
        used = label
        while first > 0 and used + sizes[first - 1] + 1 <= width:
            first -= 1
            used += sizes[first] + 1
        kept = range(first, len(columns))
        text = gate_title(name, width)
        for gate in ("input", "forget", "output"):
            text.append(f"\n{gate:>7} ")
            for index in kept:
                text.append(" " * sizes[index], style=gate_style(getattr(columns[index], gate)))
                text.append(" ")
        text.append("\n" + " " * label)
        for index in kept:
            text.append(padded(words[index], sizes[index] + 1), style="bold yellow" if drops[index] else "dim")
        text.append("\n" + " " * label)
        for index in kept:
            text.append(padded(DROP_MARK if drops[index] else "", sizes[index] + 1), style="yellow")
        text.no_wrap, text.overflow = True, "ellipsis"  # a row too long for the strip is cut, never wrapped
        self.update(text)

    def on_resize(self) -> None:
        if self.shown is not None:
            self.show(*self.shown, self.size.width)


def gate_title(name: str, width: int) -> Text:
    """The gate view's first row: its title and the legend of its shades, the longest that fits in `width` cells
    (the legend's words shortened, then the title, then the legend dropped; a name too long still is cut)."""
    swatches = Text()
    for value in (0.0, 0.25, 0.5, 0.75, 1.0):
        swatches.append("  ", style=gate_style(value))
    long_title, short_title = f"LSTM gates while reading for {name}", f"LSTM gates for {name}"
    titles = [
        (long_title, "   dark: closed (0) ", " bright: open (1)"),
        (long_title, "   closed ", " open"),
        (short_title, "  closed ", " open"),
        (short_title, "  0 ", " 1"),
        (short_title, "", ""),
    ]
    for title, before, after in titles:
        text = Text(title, style="bold")
        if before:
            text.append(before, style="dim")
            text.append_text(swatches)
            text.append(after, style="dim")
        if text.cell_len <= width:
            break
    return text


def padded(text: str, cells: int) -> str:
    """`text` with spaces after it to `cells` terminal cells (a wide character takes two)."""
    return text + " " * (cells - cell_len(text))


def abbreviated(word: str) -> str:
    """A word as its gate column shows it: whole up to GATE_WORD cells, else cut with a visible ellipsis."""
    if cell_len(word) <= GATE_WORD:
        return word
    while cell_len(word) > GATE_WORD - 1:
        word = word[:-1]
    return word + "…"


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
