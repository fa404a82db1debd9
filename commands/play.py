"""`whodunit play`: check everything the game needs (story, readers, save) before the screen takes over.

Bad input stops here with a located message and a non-zero exit, while the terminal is still a terminal.
Never imports torch: the readers are numpy streaming readers over safetensors weights.
"""

from __future__ import annotations

import argparse
import random
import shlex
from pathlib import Path

from rich.console import Console
from rich.text import Text

from commands import arguments
from game.campaign import RUNGS, CampaignError, case_for, load_progress, progress_path
from game.cases import CaseRef, file_case, load_case
from game.match import SHORT_MEMORY_CLUES
from game.saves import Options, SaveError, check_fits, list_saves, load_save, save_path, saves_folder
from game.scoring import HARD_BONUS, SHORT_MEMORY_BONUS
from model.checkpoint import Checkpoint, CheckpointError, load_checkpoint
from model.shipped import load_shipped
from story import StoryError


def run_play(args: argparse.Namespace, console: Console) -> int:
    options = Options(hard=args.hard, short_memory=args.short_memory)
    case = saved = saved_path = None
    if args.story is not None:
        save_instead = _not_a_story_but_a_save(args.story)
        if save_instead:
            console.print(Text(f"whodunit play: {save_instead}", style="red"))
            return 1
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
    if args.resume and args.campaign:  # the campaign plays on from its own save: --resume asks that there be one
        missing = _no_campaign_save()
        if missing:
            console.print(Text(f"whodunit play: {missing}", style="red"))
            return 1
    elif args.resume:
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
        saved_path = saves[0]
        try:
            saved = load_save(saved_path)
            check_fits(saved, load_case(saved.case), str(saved_path))
        except SaveError as exc:
            console.print(Text(f"whodunit play: {exc}", style="red"))
            return 1
        except (StoryError, ValueError, OSError) as exc:  # its story file gone or changed, its generator changed
            console.print(Text(f"whodunit play: cannot resume {saved_path}: {exc}", style="red"))
            return 1
    try:
        partner = seat_reader(args.partner, "lstm")
        rival = seat_reader(args.rival, "rnn")
    except CheckpointError as exc:
        console.print(Text(f"whodunit play: {exc}", style="red"))
        return 1
    from game.app import WhodunitApp

    app = WhodunitApp(
        partner,
        rival,
        case=case,
        saved=saved,
        saved_path=saved_path,
        options=options,
        campaign=args.campaign,
    )
    app.run()
    return app.return_code or 0


def _no_campaign_save() -> str | None:
    """Why `play --campaign --resume` cannot resume, or None: the campaign's next case has a save to play on from
    (the app says what is wrong with it, if anything)."""
    try:
        progress = load_progress(progress_path(saves_folder()))
    except CampaignError as exc:
        return str(exc)
    rung = min(progress.rung, len(RUNGS) - 1)
    path = save_path(case_for(progress, rung))
    if path.exists() or path.is_symlink():
        return None
    return (
        f"no saved game of the campaign's next case (rung {rung + 1}, {RUNGS[rung].title}) in {saves_folder()}; "
        "whodunit play --campaign begins it"
    )


def _not_a_story_but_a_save(path: Path) -> str | None:
    """What to say of a save given where a story goes (one that reads as a save, is named .json or is kept in
    the saves folder), with how to resume it; None for anything else, to be read as a story."""
    in_saves = path.resolve().parent == saves_folder().resolve()
    try:
        saved = load_save(path)
    except SaveError as exc:
        if path.suffix.lower() != ".json" and not in_saves:
            return None
        why = "lies in the saves folder" if in_saves else "is named .json"
        return f"{path} {why}, so it is not a story (a .toml file), and it is no save that can be resumed: {exc}"
    case = saved.case
    if case.kind == "generated":
        command = f"whodunit play --generated --seed {case.seed} --difficulty {case.difficulty} --resume"
    elif case.kind == "file":
        command = f"whodunit play {shlex.quote(case.name)} --resume"
    else:  # a bundled mystery is not played by file name
        command = "whodunit play, and choose it among the saved games (or whodunit play --resume, if it is the latest)"
    home = save_path(case)  # where --resume and the start screen look for this case's save
    move = "" if path.resolve() == home.resolve() else f"move it to {home}, then "
    return f"{path} is a saved game, not a story; to resume it, {move}run: {command}"


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
    play.add_argument("--seed", type=arguments.seed, help="with --generated: the case's seed (default: random)")
    play.add_argument("--difficulty", choices=DIFFICULTIES, default="default", help="with --generated")
    play.add_argument(
        "--resume", action="store_true", help="resume the saved game (of this story or generated case, or the latest)"
    )
    play.add_argument(
        "--hard",
        action="store_true",
        help=f"hard mode: your partner is hidden during play ({HARD_BONUS * 100:+.0f}%% if kept on)",
    )
    play.add_argument(
        "--short-memory",
        action="store_true",
        help=f"only the last {SHORT_MEMORY_CLUES} clues stay in view: story, cards, notebook "
        f"({SHORT_MEMORY_BONUS * 100:+.0f}%% if kept on)",
    )
    arguments.add_seats(play)


def run(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    if (args.story is not None) + args.generated + args.campaign > 1:
        console.print("[red]whodunit play: give one of a story file, --generated and --campaign[/]")
        return 2
    if args.seed is not None and not args.generated:  # a story file, a bundled case and the campaign have no seed
        console.print("[red]whodunit play: --seed goes with --generated (the generated case's seed)[/]")
        return 2
    return run_play(args, console)
