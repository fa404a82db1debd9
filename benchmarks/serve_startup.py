"""Time from `whodunit serve` starting to the game's first screen in a headless browser tab.

    python benchmarks/serve_startup.py [--repeats 3]

Each repeat starts a server on a free localhost port, opens its page in Debian's chromium (driven by playwright,
the serve extra and the test extra installed), and stops the clock when the start screen's text has reached the
tab; then it stops the server. Prints each time and the median.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.test_serve import RECORD_SCREEN, serving  # noqa: E402  (the browser test's server and recorder)


def once(browser_path: str) -> float:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as home, serving(Path(home)) as (port, _):  # as the browser test serves
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.add_init_script(RECORD_SCREEN)
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("window.whodunitScreen().includes('Harrowgate')", timeout=60_000, polling=20)
            seconds = time.perf_counter() - start
            browser.close()
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        sys.exit("needs Debian's chromium: apt install chromium")
    times = [once(browser_path) for _ in range(args.repeats)]
    print("seconds to the first screen in the browser:", ", ".join(f"{t:.2f}" for t in times))
    print(f"median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
