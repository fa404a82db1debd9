"""Text that wraps hangs under its own column, never back at the left edge, and a phrase the game keeps whole
("(clue 4)", "✗ not guilty") is never split across lines: the cards, the accusation dialog, the debrief's bullets,
the help's key table; and the gate view shows all its rows, the forget marks under the words, at 80x24."""

from __future__ import annotations

import io
from dataclasses import replace
from types import SimpleNamespace

from rich.console import Console, RenderableType
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import OptionList, Static

from game.app import WhodunitApp
from game.cases import CaseRef, load_case
from game.match import GateColumn
from game.screens.debrief import DebriefScreen, memories_rows
from game.screens.dialogs import KEYS, AccuseDialog
from game.screens.play import PlayScreen
from game.widgets import DROP_MARK, CardView, GateStrip, Hanging, SuspectCard, whole
from story.data import Story

MANOR = CaseRef("bundled", name="manor.toml")


def lines_of(renderable: RenderableType, width: int) -> list[str]:
    """What a rich renderable shows at `width` columns, line by line."""
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue().rstrip("\n").split("\n")


def shown(widget: Widget) -> list[str]:
    """What a widget shows on the screen, line by line, its padding included."""
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]


def block(lines: list[str], start: int, text: str) -> list[str]:
    """The lines from `start` that together show `text` (its words, in order)."""
    words, taken = text.split(), []
    for line in lines[start:]:
        taken.append(line)
        if len(" ".join(taken).split()) >= len(words):
            break
    assert " ".join(taken).split() == words, (text, taken)
    return taken


def assert_hangs(rows: list[str], column: int) -> None:
    """Every line after the first starts at `column`: under its first line's text, not at the left edge."""
    for line in rows[1:]:
        assert line[:column].strip() == "" and line[column : column + 1].strip(), (column, rows)


def assert_whole(lines: list[str], phrase: str) -> None:
    assert any(phrase in line for line in lines), (phrase, lines)


def manor_renamed(names: dict[int, tuple[str, str]]) -> Story:
    """Manor with some suspects renamed (slot: (name, role)): the long names of generated cases."""
    story = load_case(MANOR)
    suspects = tuple(
        replace(suspect, name=names[slot][0], role=names[slot][1]) if slot in names else suspect
        for slot, suspect in enumerate(story.suspects)
    )
    return replace(story, suspects=suspects)


# --- Hanging: phrases kept whole -------------------------------------------------------------------------------


def test_hanging_keeps_a_phrase_whole_and_hangs_every_line_under_the_body() -> None:
    body = Text(", ".join(whole(phrase) for phrase in ("black coat", "fair hair", "alibi (clue 4)")))
    for width in range(22, 50):
        lines = lines_of(Hanging(Text("  said "), body), width)
        assert lines[0].startswith("  said black")
        assert_hangs(lines, 7)
        for phrase in ("black coat", "fair hair", "alibi (clue 4)"):
            assert_whole(lines, phrase)
        assert all(len(line) <= width for line in lines), (width, lines)
        assert "\u00a0" not in "".join(lines)  # shown as ordinary spaces


def test_a_phrase_wider_than_its_column_breaks_at_its_own_spaces_still_hanging() -> None:
    lines = lines_of(Hanging(Text("  said "), Text(whole("alibi broken (clue 12)"))), 20)
    assert lines == ["  said alibi broken", "       (clue 12)"]
    assert str(Hanging(Text("1 "), Text(whole("✗ not guilty")))) == "1 ✗ not guilty"


def test_a_phrase_keeps_its_style_when_it_moves_down() -> None:
    body = Text("Edmund Sayle, the financier")
    body.append("  " + whole("✗ not guilty"), style="red")
    console = Console(width=34, file=io.StringIO(), color_system="truecolor", force_terminal=True)
    rendered = console.render_lines(Hanging(Text("2 "), body), console.options)
    second = "".join(segment.text for segment in rendered[1])
    assert second.rstrip() == "  ✗ not guilty"
    assert all(segment.style and segment.style.color for segment in rendered[1] if segment.text.strip())


# --- 1. the suspect cards ------------------------------------------------------------------------------------------


async def test_a_card_hangs_said_under_its_first_value_and_keeps_clue_and_mark_phrases_whole() -> None:
    """100x30: "said black coat, fair hair, alibi (clue / 4)" and "2 Edmund Sayle, the financier  ✗ not /
    guilty"; the card's width there is about 41 cells."""
    view = CardView(
        1,
        "Edmund Sayle",
        "financier",
        ("black coat", "fair hair", "alibi (clue 4)"),
        0.2,
        0.2,
        ("black coat", "smokes cigarettes"),
        (),
        accused="wrong",
    )
    app = App()
    async with app.run_test(size=(100, 30)):
        card = SuspectCard(view)
        await app.mount(card)
        for width in range(30, 61):
            lines = lines_of(card.render_view(), width)
            said = next(index for index, line in enumerate(lines) if line.startswith("  said "))
            partner = next(index for index, line in enumerate(lines) if line.startswith("  partner "))
            assert_hangs(lines[:said], 2)  # who they are, under the name
            assert_hangs(lines[said:partner], 7)  # what was said, under its first value
            for phrase in ("✗ not guilty", "alibi (clue 4)", "black coat", "fair hair", "smokes cigarettes"):
                assert_whole(lines, phrase)  # a memory too long for its column after the bar goes under the bar


async def test_at_100x30_the_cards_hang_and_keep_their_phrases_whole(readers) -> None:
    """Mary renamed Edmund Sayle, the financier, and named wrongly: the mark stays whole; Miss Lane's alibi and
    the clue that broke it stay whole, under what was said."""
    story = manor_renamed({1: ("Edmund Sayle", "financier"), 4: ("Miss Philippa Lane", "governess")})
    app = WhodunitApp(*readers, case=(MANOR, story), autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        while screen.match.clues_told < 10:
            screen.match.advance()
        await pilot.press("a", "2")
        await pilot.pause()
        assert 1 in screen.match.wrongly_accused
        for slot in (1, 4):
            card = screen.query_one(f"#card-{slot}", SuspectCard)
            left = card.content_region.x - card.region.x  # past the border and padding
            lines = [line[left:] for line in shown(card) if line.strip()]
            said = next(index for index, line in enumerate(lines) if line.startswith("  said "))
            partner = next(index for index, line in enumerate(lines) if line.startswith("  partner "))
            assert_hangs(lines[:said], 2)
            assert_hangs(lines[said:partner], 7)
            for phrase in card.view.said:
                assert_whole(lines, phrase)
        assert_whole(shown(screen.query_one("#card-1", SuspectCard)), "✗ not guilty")


# --- 2. the accusation dialog --------------------------------------------------------------------------------------


async def test_at_100x30_the_dialog_hangs_a_long_name_under_itself_and_keeps_the_mark_whole(readers) -> None:
    story = manor_renamed({2: ("Dr Mabel Pemberton", "auctioneer")})
    app = WhodunitApp(*readers, case=(MANOR, story), autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f", "a", "3")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AccuseDialog)
        lines = shown(app.screen.query_one("#suspects", OptionList))
        start = next(index for index, line in enumerate(lines) if "3  Dr Mabel" in line)
        left = lines[start].index("3  Dr Mabel")  # past the list's border and padding
        lines = [line[left:].rstrip("▎ ") for line in lines]
        rows = block(lines, start, "3  Dr Mabel Pemberton, the auctioneer  ✗ not guilty: you named them")
        assert len(rows) > 1  # the dialog is too narrow for it on one line
        assert_hangs(rows, 3)
        assert_whole(rows, "✗ not guilty")


# --- 3. the debrief ------------------------------------------------------------------------------------------------


async def test_at_80x24_the_debriefs_bullets_hang_under_their_text(readers) -> None:
    app = WhodunitApp(*readers, case=(MANOR, load_case(MANOR)), autoplay=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        while not screen.match.told_all:
            screen.match.advance()
        await pilot.press("a", str(screen.match.story.culprit + 1))
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        match = app.screen.match
        lines = shown(app.screen.query_one("#explanation", Static))
        bullets = [index for index, line in enumerate(lines) if line.startswith("  · ")]
        clearances = [*match.analysis.deciding, *match.analysis.steps[match.analysis.decided_at].cleared]
        texts = [f"· {clearance.explain(match.story)}" for clearance in clearances if clearance is not None]
        assert len(bullets) == len(match.story.suspects) - 1
        wrapped = 0
        for index in bullets:
            text = next(text for text in texts if " ".join(text.split()).startswith(lines[index].strip()))
            rows = block(lines, index, text)
            assert_hangs(rows, 4)
            wrapped += len(rows) > 1
        assert wrapped  # at 80 columns the bullets are longer than a line


def test_the_debriefs_memories_hang_and_keep_each_memory_with_its_mark() -> None:
    suspects = (SimpleNamespace(name="Mrs Lavinia Fothergill"),)
    checked = (("smokes cigarettes", True), ("wears a black coat", False), ("left-handed", True))
    match = SimpleNamespace(
        story=SimpleNamespace(suspects=suspects),
        partner=SimpleNamespace(name="partner"),
        rival=SimpleNamespace(name="rival"),
        checked_memories=lambda detective, slot: checked if detective.name == "partner" else (),
    )
    styles = {name: Style() for name in ("partner", "rival", "true", "false")}
    lead = "  Mrs Lavinia Fothergill, by the partner:"
    for width in range(44, 100):  # 80x24 leaves the debrief 74 cells
        lines = lines_of(memories_rows(match, styles)[1], width)  # type: ignore[arg-type]
        if width >= len(lead) + 1 + len("wears a black coat ✗ never said,"):
            assert lines[0].startswith(lead + " smokes")
            assert_hangs(lines, len(lead) + 1)
        else:  # no room after the name for the longest memory: the memories go under it
            assert lines[0] == lead and len(lines) > 1
            assert_hangs([lead, *lines[1:]], 4)
        for phrase in ("smokes cigarettes ✓", "wears a black coat ✗ never said", "left-handed ✓"):
            assert_whole(lines, phrase)


# --- 4. help --------------------------------------------------------------------------------------------------------


async def test_at_80_columns_the_help_hangs_each_keys_description_under_its_column(readers) -> None:
    app = WhodunitApp(*readers, case=(MANOR, load_case(MANOR)), autoplay=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        lines = [line for static in app.screen.query("#help > Static") for line in shown(static)]
        wrapped = 0
        for keys, description in KEYS:
            start = next(index for index, line in enumerate(lines) if line.startswith(keys.ljust(11)))
            rows = block(lines, start, f"{keys} {description}")
            assert_hangs(rows, 11)
            wrapped += len(rows) > 1
        assert wrapped  # "[ ] follow the previous / next suspect (their card comes into view)" does not fit


# --- 5. the gate view -------------------------------------------------------------------------------------------


COLUMNS = [
    GateColumn("The", 0.2, 0.90, 0.5),
    GateColumn("decanter", 0.3, 0.88, 0.5),
    GateColumn("held", 0.4, 0.85, 0.5),
    GateColumn("arsenic", 0.9, 0.40, 0.6),  # the forget gate falls here
    GateColumn(".", 0.5, 0.45, 0.5),
]


async def test_at_80x24_the_gate_view_shows_the_forget_marks_under_the_words(readers) -> None:
    app = WhodunitApp(*readers, case=(MANOR, load_case(MANOR)), autoplay=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.press("f", "f", "g")
        await pilot.pause()
        gates = screen.query_one("#gates", GateStrip)
        gates.show("Captain Reeve", COLUMNS, max(gates.size.width, 40))  # as PlayScreen.show_gate_view
        await pilot.pause()
        lines = shown(gates)
        words = next(index for index, line in enumerate(lines) if "arsenic" in line)
        assert lines[words + 1].index("▲") == lines[words].index("arsenic"), lines
        assert DROP_MARK in lines[words + 1]
        assert "LSTM gates" in lines[1] and "input" in lines[2], lines  # the title on one row (under the border)
        assert gates.region.bottom <= screen.query_one("#table").region.bottom


async def test_the_gate_views_title_drops_its_legends_words_before_it_wraps() -> None:
    app = App()
    async with app.run_test(size=(120, 10)):
        strip = GateStrip()
        await app.mount(strip)
        for width, legend in ((120, "dark: closed (0)"), (60, "closed"), (44, "closed"), (38, " 0 "), (30, "")):
            strip.show("Mary", COLUMNS, width)
            lines = str(strip.render()).splitlines()
            assert len(lines) == 6 and all(len(line) <= width for line in lines), (width, lines)
            assert lines[0].startswith("LSTM gates") and legend in lines[0], (width, lines[0])
            assert lines[5].index("▲") == lines[4].index("arsenic")
