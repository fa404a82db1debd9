"""`whodunit serve`: the game in a browser tab. The server starts on a free localhost port, serves the page,
and runs a game for a websocket client as it does for a browser (the same protocol textual-serve's page speaks):
its start screen, then a mystery's suspects after "enter". Stopped, it leaves nothing running."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
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


def test_serve_plays_a_game_per_tab_on_localhost_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "WHODUNIT_HOME": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "game.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env=env,
        start_new_session=True,  # the server and the games it starts: one process group to stop
    )
    try:
        page = ""
        for _ in range(300):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "textual.js" in page
        # The start screen (the title, the bundled mysteries), then, after enter, the first one's suspects.
        seen = asyncio.run(screen_text(port, "\r", [b"Harrowgate", b"Agatha, the architect", b"Mabel, the nurse"]))
        assert b"whodunit" in seen and b"Ashcombe" in seen and b"Mabel, the nurse" in seen
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}" in output
    for _ in range(100):  # every game the server started has ended with it
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(server.pid, signal.SIGKILL)
        pytest.fail("whodunit serve left processes running after it was stopped")


def test_serve_refuses_a_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    from game.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", "70000"])
    assert exit_info.value.code == 2 and "expected a port from 1 to 65535" in capsys.readouterr().err
