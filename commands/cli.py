"""The `whodunit` command: one subcommand per module of this package, each adding its own parser and running
itself. Each imports only what it needs when it runs, so none waits on torch."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import metadata

from rich.console import Console

from commands import calibrate, check, curves, generate, new, play, serve, train
from commands import eval as evaluate

SUBCOMMANDS = {
    "check": check,
    "new": new,
    "generate": generate,
    "train": train,
    "curves": curves,
    "serve": serve,
    "play": play,
    "eval": evaluate,
    "calibrate": calibrate,
}


def _version() -> str:
    try:
        return metadata.version("whodunit")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="whodunit",
        description="A murder mystery in the terminal, read clue by clue by an LSTM and a short-memory RNN.",
    )
    parser.add_argument("--version", action="version", version=f"whodunit {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in SUBCOMMANDS.values():
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(argv if argv is not None else sys.argv[1:])
    args = build_parser().parse_args(arguments)
    console = Console(highlight=False, soft_wrap=True)
    try:
        return SUBCOMMANDS[args.command].run(args, console, arguments)
    except KeyboardInterrupt:
        console.print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
