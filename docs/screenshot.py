"""Regenerate docs/screenshot.svg: a game of the bundled harrowgate.toml in progress, with the bundled readers.

python docs/screenshot.py
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from game.app import WhodunitApp
from game.cases import CaseRef, load_case
from model.shipped import load_shipped

OUT = Path(__file__).resolve().parent / "screenshot.svg"


async def main() -> None:
    ref = CaseRef("bundled", name="harrowgate.toml")
    app = WhodunitApp(load_shipped("lstm"), load_shipped("rnn"), case=(ref, load_case(ref)), autoplay=False)
    async with app.run_test(size=(110, 34)) as pilot:
        for _ in range(34):  # the intro and 33 of 37 clues
            await pilot.press("f")
        for _ in range(9):
            app.screen.match.advance()
        await pilot.press("g")
        await pilot.pause()
        app.save_screenshot(str(OUT.name), str(OUT.parent))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
