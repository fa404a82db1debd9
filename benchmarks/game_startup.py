"""Time from `python` starting to the game's first frame, in a fresh process each time (target: under 1 s).

    python benchmarks/game_startup.py [--repeats 5] [--partner DIR --rival DIR]

Each run starts a new interpreter that imports the game, loads both readers, builds a match on the bundled
manor.toml, runs the app headless until its first screen is up, and reports whether torch was imported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CHILD = """
import sys
from game.cases import CaseRef, load_case
from commands.play import seat_reader
from game.app import WhodunitApp
partner, rival = seat_reader({partner!r}, "lstm"), seat_reader({rival!r}, "rnn")
ref = CaseRef("bundled", name="manor.toml")
app = WhodunitApp(partner, rival, case=(ref, load_case(ref)), autoplay=False)

async def first_frame(pilot):
    await pilot.pause()
    app.exit()

app.run(headless=True, size=(100, 30), auto_pilot=first_frame)
print("torch imported" if "torch" in sys.modules else "torch not imported")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--partner")
    parser.add_argument("--rival")
    args = parser.parse_args()
    code = CHILD.format(partner=args.partner, rival=args.rival)
    times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
    print(result.stdout.strip().splitlines()[-1])
    print(f"first frame: median {statistics.median(times):.2f} s, best {min(times):.2f} s over {args.repeats} runs")


if __name__ == "__main__":
    main()
