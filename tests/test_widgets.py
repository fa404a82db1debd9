"""The game's widgets render what they are given: the gate view's legend, its words and the forget gate's drops."""

from __future__ import annotations

from textual.app import App, ComposeResult

from game.match import GateColumn
from game.widgets import GateStrip


class GateApp(App):
    def compose(self) -> ComposeResult:
        yield GateStrip(id="gates")


async def test_the_gate_view_has_a_legend_the_words_and_marks_where_the_forget_gate_drops() -> None:
    columns = [
        GateColumn("Martin", 0.2, 0.90, 0.5),
        GateColumn("buys", 0.3, 0.88, 0.5),
        GateColumn("apples.", 0.4, 0.85, 0.5),
        GateColumn("Jennifer", 0.9, 0.40, 0.6),  # the story moves on: the forget gate falls, the cell is rewritten
        GateColumn("smokes", 0.5, 0.45, 0.5),
    ]
    app = GateApp()
    async with app.run_test(size=(100, 10)):
        strip = app.query_one(GateStrip)
        strip.show("Martin", columns, 100)
        lines = str(strip.render()).splitlines()
        assert "dark: closed (0)" in lines[0] and "bright: open (1)" in lines[0]
        words = next(line for line in lines if "Martin" in line and "apples." in line)
        marks = lines[lines.index(words) + 1]
        assert marks.index("▲") == words.index("Jennifer") and marks.count("▲") == 1
