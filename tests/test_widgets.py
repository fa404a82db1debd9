"""The game's widgets render what they are given: the gate view's legend, its words and the forget gate's drops;
a suspect's card, each row wrapped under its own column."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType
from textual.app import App, ComposeResult

from game.match import GateColumn
from game.widgets import CardView, GateStrip, SuspectCard


class GateApp(App):
    def compose(self) -> ComposeResult:
        yield GateStrip(id="gates")


async def gate_lines(name: str, columns: list[GateColumn], width: int) -> list[str]:
    """The gate view's lines for `columns`, shown `width` cells wide."""
    app = GateApp()
    async with app.run_test(size=(width, 10)):
        strip = app.query_one(GateStrip)
        strip.show(name, columns, width)
        return str(strip.render()).splitlines()


def lines_of(renderable: RenderableType, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue().rstrip("\n").split("\n")


async def test_the_gate_view_has_a_legend_the_words_and_marks_where_the_forget_gate_drops() -> None:
    columns = [
        GateColumn("Martin", 0.2, 0.90, 0.5),
        GateColumn("buys", 0.3, 0.88, 0.5),
        GateColumn("apples.", 0.4, 0.85, 0.5),
        GateColumn("Jennifer", 0.9, 0.40, 0.6),  # the story moves on: the forget gate falls, the cell is rewritten
        GateColumn("smokes", 0.5, 0.45, 0.5),
    ]
    lines = await gate_lines("Martin", columns, 100)
    assert "dark: closed (0)" in lines[0] and "bright: open (1)" in lines[0]
    words = next(line for line in lines if "Martin" in line and "apples." in line)
    marks = lines[lines.index(words) + 1]
    assert marks.index("▲") == words.index("Jennifer") and marks.count("▲") == 1


async def test_the_gate_view_shows_whole_words_or_an_ellipsis_and_whole_drop_marks() -> None:
    columns = [
        GateColumn("The", 0.2, 0.90, 0.5),
        GateColumn("killer", 0.3, 0.70, 0.5),  # a drop under a word shorter than its mark
        GateColumn("was", 0.4, 0.70, 0.5),
        GateColumn("left-handed", 0.4, 0.70, 0.5),
        GateColumn(".", 0.4, 0.50, 0.5),  # a drop under a one-letter word
        GateColumn("incomprehensibilities", 0.4, 0.50, 0.5),
    ]
    lines = await gate_lines("Jennifer", columns, 160)
    words = next(line for line in lines if "The" in line and "killer" in line)
    marks = lines[lines.index(words) + 1]
    assert words.split() == ["The", "killer", "was", "left-handed", ".", "incomprehensi…"]
    assert marks.split() == ["▲", "forgets", "▲", "forgets"]
    assert [marks.index("▲"), marks.rindex("▲")] == [words.index("killer"), words.index(" . ") + 1]


async def test_a_card_wraps_each_row_under_its_own_column_and_never_cuts_a_word() -> None:
    view = CardView(
        4,
        "Reverend Silas Rutherford",
        "attaché",
        ("smokes cigarettes", "left-handed"),
        0.33,
        0.05,
        ("smokes cigarettes", "left-handed"),
        (),
    )
    app = App()
    async with app.run_test(size=(80, 24)):
        card = SuspectCard(view)
        await app.mount(card)
        for width in (36, 40, 60):
            lines = lines_of(card.render_view(), width)
            assert lines[0].startswith("5 Reverend") and all(line.startswith("  ") for line in lines[1:]), lines
            shown = " ".join(" ".join(lines).split())
            for phrase in ("Reverend Silas Rutherford, the attaché", "smokes cigarettes, left-handed"):
                assert phrase in shown, (width, lines)
        lines = lines_of(card.render_view(), 46)  # room for the longest phrase after the bar: wrapped under it
        partner = next(index for index, line in enumerate(lines) if "partner" in line)
        assert lines[partner + 1].index("left-handed") == lines[partner].index("smokes cigarettes")
        for width in (36, 40):  # no room for "smokes cigarettes": the memory goes under the bar, each phrase whole
            lines = lines_of(card.render_view(), width)
            partner = next(index for index, line in enumerate(lines) if "partner" in line)
            assert lines[partner].rstrip().endswith("33%")
            assert lines[partner + 1].index("smokes cigarettes") == lines[partner].index("█")
