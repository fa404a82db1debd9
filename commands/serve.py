"""`whodunit serve`: the game in a web browser, through textual-serve.

Each browser tab that opens the page gets its own game: textual-serve starts `whodunit play` (the start screen:
bundled mysteries, a generated case, saved games; or the story file given) in a process of its own and relays it
over a websocket. It
binds to localhost unless told otherwise; there is no login, so anyone who can reach another address can play.
"""

from __future__ import annotations

import argparse
import shlex
import socket
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from commands import arguments

SERVE_INSTALL = "pip install 'whodunit[serve]'"


def play_command(story: Path | None = None) -> str:
    """The shell command textual-serve runs for each browser tab: this Python's `whodunit play` (on `story`)."""
    return shlex.join([sys.executable, "-m", "commands.cli", "play", *([str(story.resolve())] if story else [])])


def run_serve(host: str, port: int, console: Console, story: Path | None = None, public_url: str | None = None) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        console.print(f"[red]whodunit serve needs textual-serve[/]: {escape(SERVE_INSTALL)}")
        return 1
    if story is not None:  # checked once here, so that a bad file is told now and not in every tab
        from story import StoryError, load_story

        try:
            load_story(story)
        except (StoryError, OSError) as exc:
            console.print(f"[red]whodunit serve: {escape(str(exc))}[/]")
            return 1
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]serving on {escape(host)}: anyone who can reach it can play; there is no login[/]")
    address = public_url or page_address(host, port)
    try:
        server = Server(play_command(story), host=host, port=port, title="whodunit", public_url=address)
        with socket.create_server((host, port)):  # taken, or not this machine's: say so before serving
            pass
    except OSError as exc:
        console.print(
            f"[red]whodunit serve: cannot listen on {escape(host)} port {port}: {escape(exc.strerror or str(exc))}[/]"
        )
        return 1
    console.print(f"whodunit in a browser: {escape(address)} (a game per tab; ctrl+c stops the server)")
    server.serve()
    return 0


def page_address(host: str, port: int) -> str:
    """The address a browser opens, which the page also uses for its websocket: a wildcard host ("0.0.0.0",
    "::") is this machine's name, and an IPv6 address goes in brackets."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def add_parser(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the game to web browsers (a game per tab)",
        description="Serve the game to web browsers with textual-serve: each tab that opens the page plays its own "
        "game, from the start screen. Binds to localhost unless --host says otherwise.",
    )
    serve.add_argument(
        "story", nargs="?", type=Path, metavar="STORY.toml", help="a story file every tab plays (default: start screen)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)")
    serve.add_argument("--port", type=arguments.port, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, if not http://HOST:PORT (behind a proxy; default for --host 0.0.0.0: "
        "this machine's name)",
    )


def run(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    return run_serve(args.host, args.port, console, args.story, args.public_url)
