"""`whodunit serve`: the game in a browser tab. The server starts on a free localhost port, serves the page,
and runs a game for a websocket client as it does for a browser (the same protocol textual-serve's page speaks):
its start screen, then a mystery's suspects after "enter". Stopped, it leaves nothing running."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

aiohttp = pytest.importorskip("aiohttp", reason="whodunit serve needs the serve extra (textual-serve, aiohttp)")

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def screen_text(port: int, keys: str, wanted: list[bytes], timeout_s: float = 60.0) -> bytes:
    """What the game sends a browser tab until every `wanted` text has come, after typing `keys` once the first
    has arrived."""
    seen, typed = b"", False
    address = f"http://127.0.0.1:{port}/ws?width=100&height=30"
    async with aiohttp.ClientSession() as session, session.ws_connect(address) as websocket:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not all(text in seen for text in wanted):
            try:
                message = await websocket.receive(timeout=1)
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data
            elif message.type != aiohttp.WSMsgType.TEXT:
                break
            if not typed and wanted[0] in seen:
                await websocket.send_json(["stdin", keys])
                typed = True
    return seen


@contextlib.contextmanager
def serving(home: Path) -> Iterator[tuple[int, list[str]]]:
    """`whodunit serve` on a free localhost port, its page answering; on exit it is stopped, and every game it
    started must have ended with it. Yields the port and, once stopped, what the server printed."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "commands.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "WHODUNIT_HOME": str(home)},  # saved games: not the user's
        start_new_session=True,  # the server and the games it starts: one process group to stop
    )
    printed: list[str] = []
    try:
        page = ""
        for _ in range(300):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "textual.js" in page
        yield port, printed
    finally:
        os.killpg(server.pid, signal.SIGINT)
        printed.append(server.communicate(timeout=30)[0])
    for _ in range(100):  # every game the server started has ended with it
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(server.pid, signal.SIGKILL)
        pytest.fail("whodunit serve left processes running after it was stopped")


def test_serve_plays_a_game_per_tab_on_localhost_and_stops_cleanly(tmp_path: Path) -> None:
    with serving(tmp_path) as (port, printed):
        # The start screen (the title, the bundled mysteries), then, after down (past the campaign) and enter, the
        # first bundled mystery's suspects (the lesson in forgetting).
        keys = "\x1b[B\r"
        seen = asyncio.run(screen_text(port, keys, [b"Harrowgate", b"Martin, the grocer", b"Oliver, the baker"]))
        assert b"whodunit" in seen and b"Ashcombe" in seen and b"Oliver, the baker" in seen
    assert f"http://127.0.0.1:{port}" in printed[0]


# Before the page's own scripts run: keep the text of everything the game sends the tab, which xterm.js then
# draws on a canvas (so the page's DOM never holds it).
RECORD_SCREEN = """
(() => {
  const received = [];
  const decoder = new TextDecoder();
  window.whodunitScreen = () => received.join("");
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer) received.push(decoder.decode(event.data, { stream: true }));
      });
    }
  };
})();
"""
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt install chromium)")
def test_the_game_in_headless_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the browser test drives Chromium with playwright")
    with serving(tmp_path) as (port, _), sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.add_init_script(RECORD_SCREEN)
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_function("window.whodunitScreen().includes('Harrowgate')", timeout=60_000)
        page.focus(".xterm-helper-textarea")  # keys go to the terminal, as a player's do after a click
        page.keyboard.press("ArrowDown")  # past the campaign, to the first bundled mystery (the lesson)
        page.keyboard.press("Enter")
        page.wait_for_function("window.whodunitScreen().includes('Oliver, the baker')", timeout=60_000)
        screen = re.sub(r"\x1b\[[0-9;?$]*[A-Za-z]|\x1b\][^\x07]*\x07", "", page.evaluate("window.whodunitScreen()"))
        assert "whodunit" in screen and "Harrowgate Abbey" in screen and "Jennifer" in screen, screen
        page.screenshot(path=str(tmp_path / "browser.png"))
        if os.environ.get("WHODUNIT_BROWSER_SCREENSHOT"):  # for the README: docs/browser.png
            page.screenshot(path=os.environ["WHODUNIT_BROWSER_SCREENSHOT"])
        assert (tmp_path / "browser.png").stat().st_size > 10_000  # the canvas drew something
        browser.close()


def test_serve_refuses_a_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    from commands.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", "70000"])
    assert exit_info.value.code == 2 and "expected a port from 1 to 65535" in capsys.readouterr().err


def test_serve_tells_a_bad_story_file_before_serving(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from commands.cli import main
    from commands.serve import play_command

    (tmp_path / "bad.toml").write_text("title = [")
    assert main(["serve", str(tmp_path / "bad.toml")]) == 1
    assert "bad.toml:1:" in capsys.readouterr().out
    manor = ROOT / "story" / "mysteries" / "manor.toml"
    assert play_command(manor).endswith(f"play {manor}")


def test_serve_on_a_taken_port_says_so_and_a_wildcard_host_gets_an_address_browsers_can_use(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from commands.cli import main
    from commands.serve import page_address

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["serve", "--port", str(taken.getsockname()[1])]) == 1
    assert "cannot listen on 127.0.0.1 port" in capsys.readouterr().out
    assert page_address("0.0.0.0", 8000) == f"http://{socket.gethostname()}:8000"
    assert page_address("::1", 8000) == "http://[::1]:8000"
