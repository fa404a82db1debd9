"""`whodunit train`: one reader, a live display (commands/train_display.py), a checkpoint folder with the run's
metrics log. (Imports torch: training needs it.)"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from commands import arguments
from commands.train_display import TrainingDisplay, validation_line

if TYPE_CHECKING:
    from model.recipe import TrainConfig

CURRICULUM = ("tiny", "easy", "default", "hard")  # --difficulty D trains along this order up to D
REFUSAL_GRACE_S = 2.0  # under torchrun, how long a rank that refuses silently waits before it exits


def run_train(args: argparse.Namespace, console: Console, command: str) -> int:
    from model.checkpoint import CheckpointError
    from model.corpus import run_corpus
    from model.distributed import launched_ranks
    from model.train import TrainingDiverged, train
    from story import StoryError
    from story.jsonl import read_jsonl
    from story.knobs import parse_knobs

    ranks = launched_ranks()
    speaks = console if ranks.local == 0 else Console(quiet=True)  # under torchrun: one refusal per machine
    shows = console if ranks.leader else Console(quiet=True)  # and rank 0 alone shows progress and the result

    def refuse(message: str, code: int) -> int:
        speaks.print(Text(f"whodunit train: {message}", style="red"))  # paths and file text: never markup
        if ranks.local != 0:  # every rank refuses alike; torchrun stops the others once one exits, so the rank
            time.sleep(REFUSAL_GRACE_S)  # that speaks exits first and its message is never cut off
        return code

    try:
        knobs = parse_knobs(args.knobs)
        if args.resume and (knobs or args.checkpoint_every or args.init):
            raise ValueError("a resumed run keeps its own settings; --set, --checkpoint-every, --init start a new run")
        if args.difficulty and "levels" in knobs:
            raise ValueError("--difficulty and --set levels=... both set the curriculum; use one")
        if args.resume:
            config = resumed_config(args, ranks.leader)
            said = f"resuming {args.out} from its last checkpoint (its own settings; --minutes and --steps may change)"
            shows.print(Text(said))
        else:
            config = new_config(args, knobs)
            unclaimed(args.out)
        pool = list(read_jsonl(config.data)) if config.data else None
        run_corpus(config.corpus_share, config.corpus)  # every corpus story proved sound before training starts
        made = not args.out.exists()
        writable(args.out)  # every setting checked; now the folder, before any training time is spent
    except CheckpointError as exc:
        return refuse(f"cannot resume: {exc}", 1)
    except StoryError as exc:
        return refuse(str(exc), 1)
    except OutFolderError as exc:
        return refuse(str(exc), 1)
    except ValueError as exc:  # a knob that does not exist, a value it cannot take, flags that disagree
        return refuse(str(exc), 2)

    def give_up(message: str, code: int) -> int:
        """Refuse, and take back the --out folder this command made if nothing was written into it (a bad --init
        or device is found only once the run starts)."""
        if made and ranks.leader:
            remove_if_empty(args.out)
        return refuse(message, code)

    with TrainingDisplay(shows, config.steps) as display:
        if args.resume:
            display.show_earlier(earlier_rows(args.out))
        try:
            metrics = train(config, args.out, command, display.report, pool=pool, resume=args.resume)
        except CheckpointError as exc:
            return give_up(f"cannot {'resume' if args.resume else 'start from --init'}: {exc}", 1)
        except TrainingDiverged as exc:
            return give_up(str(exc), 1)
        except ValueError as exc:  # a device that is not there, a batch that does not split over the ranks
            return give_up(str(exc), 2)
        except OSError as exc:
            return give_up(f"cannot write {args.out}: {exc.strerror or exc}", 1)
    shows.print(Text(f"wrote {args.out}: {validation_line(metrics, config.steps)}"), soft_wrap=True)
    return 0


def resumed_config(args: argparse.Namespace, leader: bool) -> TrainConfig:
    """The settings of the run whose checkpoint is in --out (finishing a save that a kill interrupted), with a new
    --minutes or --steps if given; CheckpointError for a checkpoint that cannot be resumed, ValueError for flags."""
    from model.checkpoint import META, CheckpointError, load_checkpoint, recover, wait_for_recovery
    from model.recipe import check_training, stored_training, with_overrides

    if args.out.exists():  # a missing folder is reported as a missing checkpoint, below
        writable(args.out)  # a read-only folder with a leftover journal fails here, not at the first save
    if leader:  # this run owns the folder: finish a save that a kill interrupted
        recover(args.out)
    else:  # under torchrun: one rank moves files; the others wait, then read what it finished
        wait_for_recovery(args.out)
    checkpoint = load_checkpoint(args.out)
    try:
        config = stored_training(checkpoint.meta.get("training", {}), str(args.out / META))
    except ValueError as exc:  # the checkpoint's record, not the command line, is at fault
        raise CheckpointError(str(exc)) from None
    done = checkpoint.meta.get("metrics", {})  # a record, not checked here: what is not a number counts as nothing
    at, spent = (value if isinstance(value, (int, float)) else 0 for value in (done.get("steps"), done.get("minutes")))
    if args.steps is not None and args.steps < at:
        raise ValueError(f"--steps {args.steps}: the run in {args.out} is already at step {at}")
    if args.minutes is not None and args.minutes <= spent:  # a cap already reached would stop the run at once
        raise ValueError(
            f"--minutes {args.minutes:g}: the run in {args.out} has trained {spent:g} minutes; with --resume, "
            "--minutes is the run's new total"
        )
    return check_training(with_overrides(config, minutes=args.minutes, steps=args.steps))


def new_config(args: argparse.Namespace, knobs: dict[str, str]) -> TrainConfig:
    """A new run's settings: the preset, its knobs set with --set, then the flags; ValueError says what is wrong."""
    from model.recipe import TRAIN_PRESETS, check_training, configure_training, with_overrides

    levels = CURRICULUM[: CURRICULUM.index(args.difficulty) + 1] if args.difficulty else None
    reader = with_overrides(TRAIN_PRESETS[args.preset], kind=args.model)  # the knobs are checked for this reader
    config = with_overrides(
        configure_training(reader, knobs),
        seed=args.seed,
        minutes=args.minutes,
        steps=args.steps,
        levels=levels,
        pool_cases=args.cases,
        epochs=args.epochs,
        device=args.device,
        eval_every=args.checkpoint_every,
        data=str(args.data) if args.data else None,
        init=str(args.init) if args.init else None,
    )
    return check_training(config)


def earlier_rows(out: Path) -> list[dict]:
    """The log rows of a run being resumed; none when it has no readable log (train itself then refuses a bad one)."""
    from model.run_log import RunLogError, read_rows

    try:
        return read_rows(out)
    except RunLogError:
        return []


class OutFolderError(Exception):
    """--out cannot take checkpoints: found before training, not at the first checkpoint."""


def writable(out: Path) -> None:
    """Make sure checkpoints can be written into `out` (created if missing); OutFolderError says why not."""
    if out.exists() and not out.is_dir():
        raise OutFolderError(f"--out {out} is a file; a checkpoint is a folder: give a folder's path")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):  # a read-only folder fails here, not after the training time
            pass
    except OSError as exc:
        raise OutFolderError(f"cannot write checkpoints into {out}: {exc.strerror or exc}") from None


def unclaimed(out: Path) -> None:
    """A new run must not write over another run's checkpoint: its first save would replace it, and the hours it
    took. OutFolderError says how to go on."""
    from model.checkpoint import META

    if (out / META).is_file():
        raise OutFolderError(
            f"--out {out} already holds a checkpoint: --resume continues that run; for a new one, give another "
            "folder (or remove this one)"
        )


def remove_if_empty(out: Path) -> None:
    """Remove `out` if it holds nothing (another process may have written into it meanwhile: then keep it)."""
    with contextlib.suppress(OSError):
        out.rmdir()


# Training's extra, with torch's CPU build first: from PyPI alone, pip would fetch the multi-gigabyte CUDA build.
TORCH_INSTALL = (
    "pip install torch --index-url https://download.pytorch.org/whl/cpu && pip install 'whodunit[train]' "
    "(torch's CPU build first)"
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    from story.case_config import DIFFICULTIES

    train = commands.add_parser(
        "train",
        help="train a reader (the LSTM partner or the RNN rival) on generated cases",
        description="Train a reader on generated cases; see docs/training.md and docs/model.md.",
    )
    train.add_argument("--model", choices=("lstm", "rnn"), default="lstm", help="which reader (default lstm)")
    train.add_argument("--preset", choices=("default", "tiny"), default="default", help="recipe preset")
    train.add_argument(
        "--steps",
        type=arguments.positive,
        help="optimisation steps (default: the preset's); with --resume, the run's new total: the learning rate's "
        "cosine then ends at it (the weights then differ from an uninterrupted run's)",
    )
    train.add_argument(
        "--minutes",
        type=arguments.positive_float,
        help="wall-clock cap; stops early with a checkpoint; with --resume, the run's new total",
    )
    train.add_argument("--seed", type=arguments.seed, default=0, help="training run seed (cases and initial weights)")
    train.add_argument(
        "--difficulty", choices=DIFFICULTIES, help="train along the curriculum up to this preset (default: default)"
    )
    train.add_argument(
        "--cases", type=arguments.positive, help="train on a fixed pool of this many cases, not fresh ones"
    )
    train.add_argument("--epochs", type=arguments.positive, help="with --cases or --data: stop after this many passes")
    train.add_argument("--data", type=Path, metavar="FILE", help="train on the cases of a `whodunit generate` JSONL")
    train.add_argument(
        "--device", choices=("auto", "cpu", "cuda"), help="where to train (default cpu; auto: cuda if there is one)"
    )
    arguments.add_knobs(
        train,
        "override a recipe knob of TrainConfig (model/recipe.py), e.g. --set truncate=50 "
        "--set 'levels=tiny easy default'",
    )
    train.add_argument(
        "--checkpoint-every",
        type=arguments.positive,
        metavar="N",
        help="validate and write a checkpoint every N steps (default: the preset's; tiny 200, default 250)",
    )
    train.add_argument(
        "--init",
        type=Path,
        metavar="CHECKPOINT",
        help="start from this reader's weights (fine-tuning): the same kind and sizes; words new to it start as <unk>",
    )
    train.add_argument("--resume", action="store_true", help="continue the run whose checkpoint is in --out")
    train.add_argument("--out", type=Path, required=True, help="checkpoint folder")


def run(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    from model.evaluate import torch_available

    if not torch_available():
        console.print(f"[red]whodunit train needs torch[/]: {escape(TORCH_INSTALL)}")
        return 1
    return run_train(args, console, shlex.join(["whodunit", *argv]))
