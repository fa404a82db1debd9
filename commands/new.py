"""`whodunit new FILE`: a small, sound, commented story to start a mystery from."""

from __future__ import annotations

import argparse
from importlib.resources import files
from pathlib import Path

from rich.console import Console
from rich.text import Text


def add_parser(commands: argparse._SubParsersAction) -> None:
    new = commands.add_parser(
        "new",
        help="write a commented starter story to edit",
        description="Write a valid, commented story file to start a new mystery from.",
    )
    new.add_argument("file", type=Path, metavar="FILE", help="where to write it (.toml)")
    new.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def run(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    from story.atomic import write_atomic

    path: Path = args.file
    if path.exists() and not args.force:
        console.print(
            Text.assemble((f"{path} already exists", "red"), "; choose another name or pass --force to overwrite it")
        )
        return 1
    try:
        write_atomic(path, files("story").joinpath("starter.toml").read_text(encoding="utf-8"))
    except OSError as exc:
        console.print(Text(f"cannot write {path}: {exc.strerror or exc}", style="red"))
        return 1
    console.print(Text(f"wrote {path}: a small sound mystery to edit. Check it with: whodunit check {path}"))
    return 0
