"""Argument types the subcommands share: each refuses bad text with a message that says what was expected."""

from __future__ import annotations

import argparse
from pathlib import Path

MAX_COUNT = 10_000_000  # generated cases in one run: about 30 GB of JSONL, hours of work
MAX_SEED = 2**63 - 1  # torch's and numpy's seeds are 64-bit


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, not {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not '{text}'") from None
    if not 0 < value < float("inf"):  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"expected a finite number above 0, not {text}")
    return value


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, not '{text}'") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, not {value}")
    return value


def count(text: str) -> int:
    value = positive(text)
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_COUNT:,} cases, not {text}")
    return value


def seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not '{text}'") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected a seed from 0 to {MAX_SEED:,} (64 bits), not {text}")
    return value


def plural(count: int, noun: str) -> str:
    """ "1 case", "2 cases": a count and its noun, in the number the count needs."""
    return f"{count:,} {noun}{'s' * (count != 1)}"


def add_knobs(parser: argparse.ArgumentParser, help: str) -> None:
    """--set KNOB=VALUE, repeatable, collected in `args.knobs` (parsed by story.knobs.parse_knobs)."""
    parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE", dest="knobs", help=help)


def add_seats(parser: argparse.ArgumentParser) -> None:
    """--partner and --rival: checkpoints to read with in place of the bundled readers."""
    parser.add_argument("--partner", type=Path, metavar="DIR", help="an LSTM checkpoint (default: the bundled one)")
    parser.add_argument("--rival", type=Path, metavar="DIR", help="an RNN checkpoint (default: the bundled one)")
