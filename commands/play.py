"""`whodunit play`: check everything the game needs (story, readers, save) before the screen takes over.

Bad input stops here with a located message and a non-zero exit, while the terminal is still a terminal.
Never imports torch: the readers are numpy streaming readers over safetensors weights.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from rich.console import Console
from rich.text import Text

from commands import arguments
from game.cases import CaseRef, file_case
from game.saves import Options, SaveError, list_saves, load_save, saves_folder
from model.checkpoint import Checkpoint, CheckpointError, load_checkpoint
from model.shipped import load_shipped
from story import StoryError


def run_play(args: argparse.Namespace, console: Console) -> int:
    options = Options(hard=args.hard, short_memory=args.short_memory)
    case = saved = None
    if args.story is not None:
        try:
            case = file_case(args.story)
        except StoryError as exc:
            for problem in exc.problems:  # plain Text: "file:100:9" keeps its ":100:", "[" prints as typed
                console.print(Text(str(problem), style="red" if problem.severity == "error" else "yellow"))
            console.print(Text(f"whodunit play: {args.story} is not a playable story", style="red"))
            return 1
    elif args.generated:
        seed = args.seed if args.seed is not None else random.randrange(1_000_000)
        from story.generator import generate_case

        ref = CaseRef("generated", seed=seed, difficulty=args.difficulty)
        case = (ref, generate_case(seed, args.difficulty))
    if args.resume:
        saves = list_saves()
        if case is not None:
            if case[0].kind == "file" and not any(path.stem == case[0].save_name for path in saves):
                changed = _saves_of_an_earlier_text(case[0], saves)
                if changed:
                    console.print(
                        Text(
                            f"whodunit play: {args.story} has changed since this game was saved ({changed[0]}); "
                            "the moves would replay against other clues. Play it afresh without --resume.",
                            style="red",
                        )
                    )
                    return 1
            saves = [path for path in saves if path.stem == case[0].save_name]
        if not saves:
            what = f"for {case[0].save_name}" if case else "at all"
            console.print(Text(f"whodunit play: no saved game {what} in {saves_folder()}", style="red"))
            return 1
        try:
            saved = load_save(saves[0])
        except SaveError as exc:
            console.print(Text(f"whodunit play: {exc}", style="red"))
            return 1
    try:
        partner = seat_reader(args.partner, "lstm")
        rival = seat_reader(args.rival, "rnn")
    except CheckpointError as exc:
        console.print(Text(f"whodunit play: {exc}", style="red"))
        return 1
    from game.app import WhodunitApp

    app = WhodunitApp(partner, rival, case=case, saved=saved, options=options, campaign=args.campaign and not saved)
    app.run()
    return app.return_code or 0


def seat_reader(path: str | None, kind: str) -> Checkpoint:
    """The checkpoint at `path` for the `kind` seat (lstm: the partner, rnn: the rival), else the bundled one."""
    if path is None:
        return load_shipped(kind)
    checkpoint = load_checkpoint(path)
    if checkpoint.kind != kind:
        raise CheckpointError(f"{path}: holds a {checkpoint.kind} reader; this seat needs a {kind}")
    return checkpoint


def _saves_of_an_earlier_text(case: CaseRef, saves: list[Path]) -> list[Path]:
    """Saves of the same story file when its text was different (a save's name holds the text's checksum)."""
    found = []
    for path in saves:
        try:
            saved = load_save(path)
        except SaveError:
            continue
        if saved.case.kind == "file" and saved.case.name == case.name and saved.case.sha256 != case.sha256:
            found.append(path)
    return found


def add_parser(commands: argparse._SubParsersAction) -> None:
    from story.case_config import DIFFICULTIES

    play = commands.add_parser(
        "play",
        help="play: race the short-memory RNN to name the murderer, with the LSTM as your partner",
        description="Play a mystery. With no story, a start screen lists the campaign, the bundled mysteries, a "
        "freshly generated case and saved games.",
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
    arguments.add_seats(play)


def run(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    if (args.story is not None) + args.generated + args.campaign > 1:
        console.print("[red]whodunit play: give one of a story file, --generated and --campaign[/]")
        return 2
    return run_play(args, console)
