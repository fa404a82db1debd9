"""The debrief says only what the game showed: a case closed before its proof was told is not explained as if the
readers had heard the deciding clue."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import Static

from game.app import WhodunitApp
from game.cases import CaseRef, load_case
from game.match import Match
from game.screens.debrief import DebriefScreen
from game.screens.play import PlayScreen

MANOR = CaseRef("bundled", name="manor.toml")


async def play_to_debrief(readers, clues: int | None) -> tuple[Match, str, str]:
    """Manor narrated to the end of `clues` clues (None: all of them), then its culprit accused: the match, and
    the debrief's explanation and chart as plain text."""
    app = WhodunitApp(*readers, case=(MANOR, load_case(MANOR)), autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        match = screen.match
        while not match.told_all and (clues is None or match.clues_told < clues):
            match.advance()
        await pilot.press("a", str(match.story.culprit + 1))
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        return match, *(plain(app.screen.query_one(selector, Static)) for selector in ("#explanation", "#chart"))


def plain(static: Static) -> str:
    """What `static` shows, as plain text, on lines too long to wrap: a phrase is found whole."""
    console = Console(width=1000, file=io.StringIO(), color_system=None)
    console.print(static.content)
    return console.file.getvalue()


async def test_a_case_named_before_its_proof_is_not_explained_as_heard(readers) -> None:
    """Culprit named after clue 3 of manor, decided at a later clue: the debrief says the proof came after the
    accusation, and neither the chart's legend nor the text speak of readers who held (or lost) a clue they never
    heard."""
    match, explanation, chart = await play_to_debrief(readers, clues=3)
    assert match.analysis.decided_at is not None and match.analysis.decided_at >= 3
    assert "before the clues proved it" in explanation and "after clue 3" in explanation
    assert f"only after clue {match.analysis.decided_at + 1}, which the readers never heard" in explanation
    assert "held on to it" not in explanation and "words back" not in explanation
    assert "the clue that decided the case" not in chart


async def test_a_case_named_after_its_proof_explains_the_deciding_clue(readers) -> None:
    match, explanation, chart = await play_to_debrief(readers, clues=None)
    assert f"After clue {match.analysis.decided_at + 1}, only" in explanation
    decided = explanation.split("What decided it")[1]
    innocents = [suspect.name for slot, suspect in enumerate(match.story.suspects) if slot != match.story.culprit]
    assert all(f"· {name}" in decided for name in innocents), decided  # the whole list, earlier alibis too
    assert "before the clues proved it" not in explanation
    assert "the clue that decided the case" in chart
