"""`whodunit train`: one reader, a rich progress line, a checkpoint folder. (Imports torch: training needs it.)"""

from __future__ import annotations

import argparse
from dataclasses import replace

from rich.console import Console
from rich.live import Live


def run_train(args: argparse.Namespace, console: Console, command: str) -> int:
    from model.train import TRAIN_PRESETS, train

    config = replace(TRAIN_PRESETS[args.preset], kind=args.model, seed=args.seed)
    if args.minutes is not None:
        config = replace(config, minutes=args.minutes)
    if args.steps is not None:
        config = replace(config, steps=args.steps)
    with Live(console=console, transient=False, refresh_per_second=4) as live:

        def report(status: dict) -> None:
            if "validation" in status:
                live.console.print(f"validation: {status['validation']}")
                return
            live.update(
                f"step {status['step']:,}  level {status['level']}  loss {status['loss']:.3f}  "
                f"batch accuracy {status['accuracy']:.2f}  {status['tokens_per_second']:,.0f} tokens/s  "
                f"{status['elapsed'] / 60:.1f} of {config.minutes:g} min"
            )

        try:
            metrics = train(config, args.out, command, report)
        except OSError as exc:
            console.print(f"[red]whodunit train: cannot write {args.out}: {exc.strerror or exc}[/]")
            return 1
    console.print(f"wrote {args.out}: {metrics}")
    return 0
