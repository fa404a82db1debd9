"""`whodunit train`: one reader, a rich progress line, a checkpoint folder. (Imports torch: training needs it.)"""

from __future__ import annotations

import argparse
from dataclasses import fields

from rich.console import Console
from rich.live import Live
from rich.markup import escape

CURRICULUM = ("tiny", "easy", "default", "hard")  # --difficulty D trains along this order up to D


def run_train(args: argparse.Namespace, console: Console, command: str) -> int:
    from model.checkpoint import CheckpointError, load_checkpoint, recover
    from model.recipe import TRAIN_PRESETS, TrainConfig, configure_training, with_overrides
    from model.train import train
    from story import StoryError
    from story.generator import parse_knobs
    from story.jsonl import read_jsonl

    try:
        knobs = parse_knobs(args.knobs)
        if args.resume and knobs:
            raise ValueError("a resumed run keeps its own settings; --set starts a new run")
        if args.difficulty and "levels" in knobs:
            raise ValueError("--difficulty and --set levels=... both set the curriculum; use one")
        if args.resume:
            recover(args.out)  # this run owns the folder: finish a save that a kill interrupted
            stored = load_checkpoint(args.out).meta.get("training", {})
            known = {field.name for field in fields(TrainConfig)}
            config = TrainConfig(**{key: value for key, value in stored.items() if key in known})
            config = with_overrides(config, levels=tuple(config.levels), minutes=args.minutes)
            console.print(f"resuming {args.out} from its last checkpoint (its own settings; --minutes may change)")
        else:
            levels = None
            if args.difficulty:
                levels = CURRICULUM[: CURRICULUM.index(args.difficulty) + 1]
            config = with_overrides(
                configure_training(TRAIN_PRESETS[args.preset], knobs),
                kind=args.model,
                seed=args.seed,
                minutes=args.minutes,
                steps=args.steps,
                levels=levels,
                pool_cases=args.cases,
                epochs=args.epochs,
                device=args.device,
                data=str(args.data) if args.data else None,
            )
        pool = list(read_jsonl(config.data)) if config.data else None
    except CheckpointError as exc:
        console.print(f"[red]whodunit train: cannot resume: {exc}[/]")
        return 1
    except StoryError as exc:
        console.print(f"[red]whodunit train: {exc}[/]")
        return 1
    except ValueError as exc:  # a knob that does not exist, a value it cannot take, flags that disagree
        console.print(f"[red]whodunit train: {escape(str(exc))}[/]")
        return 2
    from model.distributed import launched_ranks

    if not launched_ranks().leader:  # under torchrun, rank 0 alone shows progress
        console = Console(quiet=True)
    with Live(console=console, transient=False, refresh_per_second=4) as live:

        def report(status: dict) -> None:
            if "validation" in status:
                live.console.print(f"validation: {status['validation']}")
                return
            remaining = (status["steps"] - status["step"]) * status["elapsed"] / max(status["step"], 1)
            live.update(
                f"step {status['step']:,}/{status['steps']:,}  level {status['level']}  loss {status['loss']:.3f}  "
                f"batch accuracy {status['accuracy']:.2f}  {status['tokens_per_second']:,.0f} tokens/s  "
                f"{status['elapsed'] / 60:.1f} min, about {remaining / 60:.0f} min left"
            )

        try:
            metrics = train(config, args.out, command, report, pool=pool, resume=args.resume)
        except CheckpointError as exc:
            console.print(f"[red]whodunit train: cannot resume: {exc}[/]")
            return 1
        except ValueError as exc:  # a device that is not there, a batch that does not split over the ranks
            console.print(f"[red]whodunit train: {exc}[/]")
            return 2
        except OSError as exc:
            console.print(f"[red]whodunit train: cannot write {args.out}: {exc.strerror or exc}[/]")
            return 1
    console.print(f"wrote {args.out}: {metrics}")
    return 0
