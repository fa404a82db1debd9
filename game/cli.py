"""The `whodunit` command: one subcommand per task. Each imports only what it needs, so none waits on torch."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from importlib import metadata
from importlib.resources import files
from pathlib import Path

from rich.console import Console
from rich.markup import escape


def _version() -> str:
    try:
        return metadata.version("whodunit")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    from story.generator import DIFFICULTIES

    parser = argparse.ArgumentParser(
        prog="whodunit",
        description="A murder mystery in the terminal, read clue by clue by an LSTM and a short-memory RNN.",
    )
    parser.add_argument("--version", action="version", version=f"whodunit {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser(
        "check",
        help="validate story files and prove each case solvable",
        description="Validate story files: every problem located as file:line:col, the "
        "logic proved sound, and where the case is decided.",
    )
    check.add_argument("files", nargs="+", type=Path, metavar="FILE", help="story files (.toml)")
    check.add_argument("--trace", action="store_true", help="show who is still possible after every clue")
    check.add_argument(
        "--readers",
        action="store_true",
        help="show each reader's belief after every clue, the words they do not know, and when the rival accuses",
    )

    new = commands.add_parser(
        "new",
        help="write a commented starter story to edit",
        description="Write a valid, commented story file to start a new mystery from.",
    )
    new.add_argument("file", type=Path, metavar="FILE", help="where to write it (.toml)")
    new.add_argument("--force", action="store_true", help="overwrite FILE if it exists")

    generate = commands.add_parser(
        "generate",
        help="generate cases for training and play",
        description="Generate sound cases, deterministically from a seed.",
    )
    generate.add_argument("--count", type=_count, default=1, help=f"how many cases (default 1, at most {MAX_COUNT:,})")
    generate.add_argument("--seed", type=_seed, default=0, help="run seed; case i uses a seed derived from it")
    generate.add_argument("--difficulty", choices=DIFFICULTIES, default="default", help="preset (default: default)")
    generate.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KNOB=VALUE",
        dest="knobs",
        help="override a generator knob, e.g. --set min_gap=12 --set cast_size=6,7",
    )
    generate.add_argument(
        "--format",
        choices=("jsonl", "toml"),
        help="jsonl (one case per line) or toml (story files); default: from --out",
    )
    generate.add_argument(
        "--out", type=Path, required=True, help="a .jsonl file, a .toml file (one case), or a folder for .toml files"
    )
    train = commands.add_parser(
        "train",
        help="train a reader (the LSTM partner or the RNN rival) on generated cases",
        description="Train a reader on generated cases; see docs/training.md and docs/model.md.",
    )
    train.add_argument("--model", choices=("lstm", "rnn"), default="lstm", help="which reader (default lstm)")
    train.add_argument("--preset", choices=("default", "tiny"), default="default", help="recipe preset")
    train.add_argument("--steps", type=_positive, help="optimisation steps (default: the preset's)")
    train.add_argument("--minutes", type=_positive_float, help="wall-clock cap; stops early with a checkpoint")
    train.add_argument("--seed", type=_seed, default=0, help="training run seed (cases and initial weights)")
    train.add_argument(
        "--difficulty", choices=DIFFICULTIES, help="train along the curriculum up to this preset (default: default)"
    )
    train.add_argument("--cases", type=_positive, help="train on a fixed pool of this many cases, not fresh ones")
    train.add_argument("--epochs", type=_positive, help="with --cases or --data: stop after this many passes")
    train.add_argument("--data", type=Path, metavar="FILE", help="train on the cases of a `whodunit generate` JSONL")
    train.add_argument(
        "--device", choices=("auto", "cpu", "cuda"), help="where to train (default cpu; auto: cuda if there is one)"
    )
    train.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KNOB=VALUE",
        dest="knobs",
        help="override a recipe knob of TrainConfig (model/recipe.py), e.g. --set truncate=50 "
        "--set 'levels=tiny easy default'",
    )
    train.add_argument(
        "--checkpoint-every",
        type=_positive,
        metavar="N",
        help="validate and write a checkpoint every N steps (default: the preset's; tiny 200, default 250)",
    )
    train.add_argument("--resume", action="store_true", help="continue the run whose checkpoint is in --out")
    train.add_argument("--out", type=Path, required=True, help="checkpoint folder")

    curves = commands.add_parser(
        "curves",
        help="draw the learning curves of training runs from their metrics logs",
        description="Draw validation accuracy by step and the memory curve (read-out recall by distance) of "
        "one or more training runs, side by side: give the partner's and the rival's runs to see the gap.",
    )
    curves.add_argument("runs", nargs="+", type=Path, metavar="RUN", help="a run folder (`whodunit train --out`)")
    curves.add_argument("--png", type=Path, metavar="FILE", help="also save the plot as a PNG (needs matplotlib)")
    curves.add_argument("--svg", type=Path, metavar="FILE", help="also save the terminal picture as an SVG")
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
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, if not http://HOST:PORT (behind a proxy; default for --host 0.0.0.0: "
        "this machine's name)",
    )
    play = commands.add_parser(
        "play",
        help="play: race the short-memory RNN to name the murderer, with the LSTM as your partner",
        description="Play a mystery. With no story, a start screen lists the bundled mysteries, a freshly "
        "generated case and saved games.",
    )
    play.add_argument("story", nargs="?", type=Path, metavar="STORY.toml", help="a story file to play")
    play.add_argument("--generated", action="store_true", help="play a freshly generated case")
    play.add_argument(
        "--campaign", action="store_true", help="play the campaign's next case, up the ladder of difficulty"
    )
    play.add_argument("--seed", type=int, help="with --generated: the case's seed (default: random)")
    play.add_argument("--difficulty", choices=DIFFICULTIES, default="default", help="with --generated")
    play.add_argument("--resume", action="store_true", help="resume the saved game (of this case, or the latest)")
    play.add_argument("--hard", action="store_true", help="hard mode: your partner's bars are hidden")
    play.add_argument("--short-memory", action="store_true", help="the story pane keeps only the last few clues")
    play.add_argument("--partner", type=Path, metavar="DIR", help="an LSTM checkpoint (default: the bundled one)")
    play.add_argument("--rival", type=Path, metavar="DIR", help="an RNN checkpoint (default: the bundled one)")

    evaluate = commands.add_parser(
        "eval",
        help="measure the readers against the logic oracle on held-out cases",
        description="Run the LSTM, the RNN and the oracle on the same held-out cases and report accuracy, "
        "calibration, distance to the oracle and memory by distance (metrics: docs/model.md).",
    )
    evaluate.add_argument(
        "--checkpoint",
        action="append",
        type=Path,
        metavar="PATH",
        help="a checkpoint folder (repeatable; default: the bundled LSTM and RNN)",
    )
    evaluate.add_argument("--cases", type=_positive, default=500, help="how many cases (default 500)")
    evaluate.add_argument("--seed", type=int, help="run seed of the cases (default: one no training run uses)")
    evaluate.add_argument("--difficulty", choices=DIFFICULTIES, default="default", help="preset (default: default)")
    evaluate.add_argument(
        "--set", action="append", default=[], metavar="KNOB=VALUE", dest="knobs", help="override a generator knob"
    )
    evaluate.add_argument("--json", action="store_true", help='print one JSON object {"models": {...}}')
    evaluate.add_argument(
        "--ladder",
        action="store_true",
        help="final accuracy on every rung (tiny, easy, default, hard, long) and by facts held at once; "
        "--cases is then per rung",
    )
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, not {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, not '{text}'") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, not {value}")
    return value


MAX_COUNT = 10_000_000  # generated cases in one run: about 30 GB of JSONL, hours of work
MAX_SEED = 2**63 - 1  # torch's and numpy's seeds are 64-bit


def _count(text: str) -> int:
    value = _positive(text)
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_COUNT:,} cases, not {text}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not '{text}'") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected a seed from 0 to {MAX_SEED:,} (64 bits), not {text}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not '{text}'") from None
    if not 0 < value < float("inf"):  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"expected a finite number above 0, not {text}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(highlight=False, soft_wrap=True)
    try:
        if args.command == "check":
            from game.check_report import run_check

            return run_check(args.files, console, trace=args.trace, readers=args.readers)
        if args.command == "new":
            return _new(args.file, args.force, console)
        if args.command == "train":
            from model.evaluate import torch_available

            if not torch_available():
                console.print(f"[red]whodunit train needs torch[/]: {escape(TORCH_INSTALL)}")
                return 1
            from game.train_command import run_train

            return run_train(args, console, shlex.join(["whodunit", *(argv if argv is not None else sys.argv[1:])]))
        if args.command == "play":
            if (args.story is not None) + args.generated + args.campaign > 1:
                console.print("[red]whodunit play: give one of a story file, --generated and --campaign[/]")
                return 2
            from game.play_command import run_play

            return run_play(args, console)
        if args.command == "serve":
            from game.serve_command import run_serve

            return run_serve(args.host, args.port, console, args.story, args.public_url)
        if args.command == "curves":
            from game.curves_command import run_curves

            return run_curves(args.runs, console, args.png, args.svg)
        if args.command == "eval":
            from game.eval_command import run_eval

            return run_eval(args, console)
        from game.generate_command import run_generate

        return run_generate(args, console)
    except KeyboardInterrupt:
        console.print("interrupted")
        return 130


# Training's extra, with torch's CPU build first: from PyPI alone, pip would fetch the multi-gigabyte CUDA build.
TORCH_INSTALL = (
    "pip install torch --index-url https://download.pytorch.org/whl/cpu && pip install 'whodunit[train]' "
    "(torch's CPU build first)"
)


def _new(path: Path, force: bool, console: Console) -> int:
    from story.atomic import write_atomic

    if path.exists() and not force:
        console.print(f"[red]{path} already exists[/]; choose another name or pass --force to overwrite it")
        return 1
    try:
        write_atomic(path, files("story").joinpath("starter.toml").read_text(encoding="utf-8"))
    except OSError as exc:
        console.print(f"[red]cannot write {path}: {exc.strerror or exc}[/]")
        return 1
    console.print(f"wrote {path}: a small sound mystery to edit. Check it with: whodunit check {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
