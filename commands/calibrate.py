"""`whodunit calibrate`: fit a reader's temperature on generated validation cases and write the tempered reader.

The fit and why it is one number: model/calibrate.py. The cases come from the validation run seed, on every
rung of the ladder unless told otherwise, so neither `whodunit eval` nor the race benchmark reads them.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from commands import arguments
from model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint

DEFAULT_CASES = 60  # per rung: 300 cases over the ladder, ~15 seconds for a bundled reader on this machine


def run_calibrate(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    from model.calibrate import HIGHEST, LOWEST, at_range_end, calibrate, measure, tempered_checkpoint
    from model.evaluate import checkpoint_traces
    from model.recipe import VALIDATION_RUN_SEED
    from model.targets import case_targets
    from story.generator import generate_cases

    def fail(message: str, code: int = 1) -> int:
        console.print(Text(f"whodunit calibrate: {message}", style="red"))  # paths are data, never markup
        return code

    out: Path | None = args.out
    if out is not None:
        if out.resolve().is_relative_to(args.checkpoint.resolve()):
            return fail(f"--out {out} is the checkpoint or inside it; write the tempered reader to a new folder")
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            return fail(f"--out {out} exists and is not an empty folder; nothing was written")
    try:
        checkpoint = load_checkpoint(args.checkpoint)
    except CheckpointError as exc:
        return fail(str(exc))
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)  # now, not after the fit: the folder is this run's from here on
        except OSError as exc:
            return fail(f"cannot write {out}: {exc.strerror or exc}")

    vocabulary = checkpoint.vocabulary
    rungs = list(dict.fromkeys(args.rungs))  # a rung named twice is fitted once
    per_rung = {}
    for rung in rungs:
        stories = generate_cases(VALIDATION_RUN_SEED, args.cases, rung)
        cases = [case_targets(story, vocabulary) for story in stories]
        per_rung[rung] = (cases, checkpoint_traces(checkpoint, cases))
    cases = [case for rung_cases, _ in per_rung.values() for case in rung_cases]
    traces = [trace for _, rung_traces in per_rung.values() for trace in rung_traces]
    fit = calibrate(cases, traces)

    table = Table(
        title=f"{checkpoint.kind} reader, {arguments.plural(args.cases, 'validation case')} a rung "
        f"(run seed {VALIDATION_RUN_SEED})",
        title_justify="left",
    )
    for column in ("rung", "cases", "cross-entropy", "tempered", "ECE", "tempered"):
        table.add_column(column, justify="left" if column == "rung" else "right")
    rows = [(rung, measure(*pair, fit.temperature)) for rung, pair in per_rung.items()] + [("all", fit)]
    for name, row in rows:
        table.add_row(name, str(row.cases), *(f"{value:.4f}" for value in (*row.cross_entropy, *row.ece)))
    console.print(table)
    console.print(
        "cross-entropy: against the oracle's posterior, nats per token; ECE: of the leading suspect, every token"
    )
    console.print(f"temperature: {fit.temperature:.4f} (the cast's logits divided by it; searched {LOWEST}-{HIGHEST})")
    if at_range_end(fit.temperature):
        console.print(Text("warning: the fit stopped at the end of the range searched", style="yellow"))
    if out is None:
        console.print("nothing written (give --out DIR to write the tempered reader)")
        return 0
    fitted_on = {
        "run_seed": VALIDATION_RUN_SEED,
        "rungs": rungs,
        "cases_per_rung": args.cases,
        "command": "whodunit " + shlex.join(argv),
    }
    try:
        tempered = tempered_checkpoint(checkpoint, fit, fitted_on)
        save_checkpoint(out, tempered.weights, tempered.meta)
    except ValueError as exc:
        return fail(f"{args.checkpoint}: already calibrated, and {exc}; nothing was written")
    except OSError as exc:
        return fail(f"cannot write {out}: {exc.strerror or exc}")
    console.print(Text(f"wrote {out}: the same reader, its cast's logits divided by {fit.temperature:.4f}"))
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    from story.case_config import DIFFICULTIES  # the ladder's rungs, least to hold first

    parser = commands.add_parser(
        "calibrate",
        help="fit a reader's confidence (a temperature) on generated validation cases",
        description="Fit one temperature that divides a reader's logits so that its confidence matches the logic "
        "oracle's on generated validation cases of every rung, report cross-entropy and calibration error before "
        "and after, and with --out write the tempered reader as a new checkpoint (docs/model.md).",
    )
    parser.add_argument("checkpoint", type=Path, metavar="CHECKPOINT", help="the reader's checkpoint folder")
    parser.add_argument("--out", type=Path, metavar="DIR", help="write the tempered reader here (a new folder)")
    parser.add_argument(
        "--cases", type=arguments.positive, default=DEFAULT_CASES, help=f"cases per rung (default {DEFAULT_CASES})"
    )
    parser.add_argument(
        "--rungs",
        nargs="+",
        choices=DIFFICULTIES,
        default=list(DIFFICULTIES),
        metavar="RUNG",
        help=f"the rungs to fit on (default: all of {', '.join(DIFFICULTIES)})",
    )


def run(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    return run_calibrate(args, console, argv)
