"""`whodunit generate`: many cases, deterministically from one seed, as JSONL or story files."""

from __future__ import annotations

import argparse
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.text import Text

from commands import arguments
from story.atomic import atomic_writer, write_atomic
from story.case_config import PRESETS, configure
from story.data import Story
from story.knobs import parse_knobs
from story.writer import story_to_json, story_to_toml

PROGRESS_FROM = 500  # show a progress bar from this many cases on


def run_generate(args: argparse.Namespace, console: Console) -> int:
    from story.generator import generate_cases  # here, so that no other command's start loads the phrase banks

    try:
        overrides = parse_knobs(args.knobs)
        config = configure(PRESETS[args.difficulty], overrides)
    except ValueError as exc:
        console.print(Text(f"whodunit generate: {exc}", style="red"))
        return 2
    out: Path = args.out
    fmt = args.format or ("jsonl" if out.suffix == ".jsonl" else "toml")
    if (fmt == "jsonl" and out.suffix == ".toml") or (fmt == "toml" and out.suffix == ".jsonl"):
        console.print(Text(f"whodunit generate: --format {fmt} does not match --out {out}", style="red"))
        return 2
    if fmt == "toml" and out.suffix not in ("", ".toml") and not out.is_dir():  # x.csv: a file, to its reader
        console.print(
            Text(
                f"whodunit generate: --out {out} ends in {out.suffix}, but generate writes a .jsonl file, a .toml "
                "file (one case) or a folder of .toml files: name a .jsonl or .toml file, or a folder without a suffix",
                style="red",
            )
        )
        return 2
    if fmt == "toml" and out.suffix == ".toml" and args.count > 1:
        console.print(
            Text(
                f"whodunit generate: --out {out} names one story file, but --count {args.count} makes "
                f"{args.count} cases: give a folder (one .toml per case) or a .jsonl file",
                style="red",
            )
        )
        return 2
    if fmt == "toml" and config.unreadable_share:
        message = (
            "whodunit generate: unreadable_share drops the facts of statements no reader can read, so its cases"
            " may end undecided: they are training data, not stories to play; write them to a .jsonl file"
        )
        console.print(Text(message, style="red"))
        return 2
    target_folder = fmt == "toml" and not (out.suffix == ".toml" and args.count == 1)
    if (target_folder and out.exists() and not out.is_dir()) or (not target_folder and out.is_dir()):
        wanted = "a folder" if target_folder else "a file"
        console.print(Text(f"whodunit generate: --out {out} must be {wanted}, and it is not", style="red"))
        return 2
    label = args.difficulty if not overrides else f"{args.difficulty} with {', '.join(args.knobs)}"
    started = time.perf_counter()
    stops = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]  # `kill`, a closed terminal
    previous = {stop: signal.signal(stop, _interrupted) for stop in stops}  # so the temporary file is removed
    try:
        bar = Progress(
            TextColumn("generating"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
            disable=args.count < PROGRESS_FROM,
        )
        with bar:
            task = bar.add_task("generating", total=args.count)
            cases = _counted(generate_cases(args.seed, args.count, args.difficulty, config), bar, task)
            if fmt == "jsonl":
                _write_jsonl(out, cases)
            else:
                _write_toml(out, cases, args.count, f"{label}, run seed {args.seed}")
    except OSError as exc:
        console.print(Text(f"whodunit generate: cannot write {out}: {exc.strerror or exc}", style="red"))
        return 1
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)
    elapsed = time.perf_counter() - started
    console.print(
        Text(
            f"wrote {args.count:,} {label} case{'s' * (args.count != 1)} to {out} in {elapsed:.1f} s "
            f"({args.count / max(elapsed, 1e-9):,.0f} cases/s)"
        )
    )
    return 0


def _interrupted(signum: int, frame: object) -> None:
    """SIGTERM or SIGHUP as ctrl+c: the writer's clean-up runs (an atomic write leaves no hidden temporary file)."""
    raise KeyboardInterrupt


def _counted(cases: Iterator[Story], bar: Progress, task: TaskID) -> Iterator[Story]:
    for story in cases:
        yield story
        bar.advance(task)


def _write_jsonl(out: Path, cases: Iterator[Story]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(out) as handle:
        for story in cases:
            handle.write(story_to_json(story) + "\n")


def _write_toml(out: Path, cases: Iterator[Story], count: int, label: str) -> None:
    single = count == 1 and out.suffix == ".toml"
    if not single:
        out.mkdir(parents=True, exist_ok=True)
    for index, story in enumerate(cases):
        header = (
            f"Generated by whodunit ({label}), case {index}, case seed {story.seed}.\n"
            f"Check it with: whodunit check <this file>"
        )
        target = out if single else out / f"case-{index:05d}.toml"
        write_atomic(target, story_to_toml(story, header))


def add_parser(commands: argparse._SubParsersAction) -> None:
    from story.case_config import DIFFICULTIES

    generate = commands.add_parser(
        "generate",
        help="generate cases for training and play",
        description="Generate sound cases, deterministically from a seed.",
    )
    generate.add_argument(
        "--count", type=arguments.count, default=1, help=f"how many cases (default 1, at most {arguments.MAX_COUNT:,})"
    )
    generate.add_argument("--seed", type=arguments.seed, default=0, help="run seed; case i uses a seed derived from it")
    generate.add_argument("--difficulty", choices=DIFFICULTIES, default="default", help="preset (default: default)")
    arguments.add_knobs(generate, "override a generator knob, e.g. --set min_gap=12 --set cast_size=6,7")
    generate.add_argument(
        "--format",
        choices=("jsonl", "toml"),
        help="jsonl (one case per line) or toml (story files); default: from --out",
    )
    generate.add_argument(
        "--out",
        type=Path,
        required=True,
        help="a .jsonl file, a .toml file (one case), or a folder for .toml files (named without a suffix)",
    )


def run(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    return run_generate(args, console)
