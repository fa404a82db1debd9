"""`whodunit eval`: the readers and the oracle on the same held-out cases, as a table and a terminal plot.

Imports torch (through model.evaluate): evaluation runs whole cases in batches. The metrics are defined in
model.metrics and docs/model.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from commands import arguments
from model.checkpoint import Checkpoint, CheckpointError, load_checkpoint
from model.metrics import Scores
from model.shipped import KINDS, load_shipped

HEADLINE = (
    ("final_accuracy", "final accuracy", "higher"),
    ("decided_accuracy", "decided accuracy", "higher"),
    ("long_range_accuracy", "long-range accuracy", "higher"),
    ("cleared_mass", "mass on cleared suspects", "lower"),
    ("oracle_tv", "distance to the oracle (TV)", "lower"),
    ("ece", "calibration error (ECE)", "lower"),
    ("brier", "Brier score", "lower"),
)
STYLES = {"lstm": "green", "rnn": "magenta", "oracle": "cyan"}
BAR = 24  # characters for accuracy 1.0


def run_eval(args: argparse.Namespace, console: Console) -> int:
    from model.evaluate import EVAL_RUN_SEED, evaluate
    from story.generator import PRESETS, configure, generate_cases
    from story.knobs import parse_knobs

    try:
        checkpoints = _checkpoints(args.checkpoint)
    except CheckpointError as exc:
        console.print(Text(f"whodunit eval: {exc}", style="red"))  # paths and file text: never markup
        return 1
    try:
        generator = configure(PRESETS[args.difficulty], parse_knobs(args.knobs))
    except ValueError as exc:
        console.print(Text(f"whodunit eval: {exc}", style="red"))
        return 2
    seed = EVAL_RUN_SEED if args.seed is None else args.seed
    if args.ladder:
        return run_ladder(checkpoints, args.cases, seed, args.json, console)
    for name, checkpoint in checkpoints.items():
        if checkpoint.meta.get("training", {}).get("seed") == seed:
            warning = f"warning: {name} was trained on run seed {seed}: these cases are not held out"
            console.print(Text(warning, style="yellow"))
    stories = list(generate_cases(seed, args.cases, args.difficulty, generator))
    results = evaluate(checkpoints, stories)
    if args.json:
        models = {name: scores.to_json() for name, scores in results.items()}
        sys.stdout.write(json.dumps({"models": models}, indent=1) + "\n")
        return 0
    console.print(f"{arguments.plural(args.cases, stories[0].difficulty + ' case')} from run seed {seed}")
    console.print(headline_table(results))
    console.print(distance_plot(results, "by_distance", "final accuracy by the deciding clue's memory distance"))
    console.print(
        distance_plot(results, "by_verdict_distance", "final accuracy by the longest link the verdict rests on")
    )
    console.print(distance_plot(results, "by_window", "final accuracy by the verdict window (words to remember)"))
    console.print(distance_plot(results, "recall_by_distance", "read-out recall of a stated trait, by its age"))
    return 0


def _checkpoints(paths: list[Path] | None) -> dict[str, Checkpoint]:
    if not paths:
        return {kind: load_shipped(kind) for kind in KINDS}
    loaded: dict[str, Checkpoint] = {}
    for path in paths:
        checkpoint = load_checkpoint(path)
        name = checkpoint.kind if checkpoint.kind not in loaded else f"{checkpoint.kind}:{path}"
        loaded[name] = checkpoint
    return loaded


def headline_table(results: dict[str, Scores]) -> Table:
    table = Table(title="readers against the oracle", title_justify="left")
    table.add_column("metric")
    for name in results:
        table.add_column(Text(name), justify="right", style=STYLES.get(name.split(":")[0]))
    table.add_column("better", style="dim")
    for key, label, better in HEADLINE:
        if key == "long_range_accuracy":
            label = f"{label} (>= {next(iter(results.values())).long_range_min_words} words)"
        table.add_row(label, *(f"{getattr(scores, key):.3f}" for scores in results.values()), better)
    return table


def distance_plot(results: dict[str, Scores], key: str, title: str) -> Text:
    """A grouped horizontal bar chart: one block per distance band, one bar per reader (`key` names a field of
    Scores that holds bands: by_distance, recall_by_distance, ...; a reader without it has no bar)."""
    bands = next((getattr(scores, key) for scores in results.values() if getattr(scores, key) is not None), ())
    first_counts = getattr(next(iter(results.values())), f"{key}_cases", None) or ()
    counts = dict(zip((band for band, _ in bands), first_counts, strict=False))
    rows = []
    for band, _ in bands:
        suffix = f"  ({arguments.plural(counts[band], 'case')})" if band in counts else ""
        values = {name: dict(getattr(scores, key) or ()).get(band) for name, scores in results.items()}
        rows.append((f"{band:>8} words{suffix}", {name: value for name, value in values.items() if value is not None}))
    return bar_chart(rows, title)


def bar_chart(rows: list[tuple[str, dict[str, float]]], title: str) -> Text:
    """One block of bars per row (a band, a rung), one bar per reader, each in its reader's colour. The readers'
    names are right-aligned to the longest, so that a checkpoint named by its folder ("rnn:/tmp/run7") does not
    push its bar out of line with the others."""
    text = Text(f"\n{title}\n", style="bold")
    width = max([10, *(len(name) for _, values in rows for name in values)])
    for label, values in rows:
        text.append(f"{label:>8}\n", style="dim")
        for name, value in values.items():
            filled = round(value * BAR)
            text.append(f"{name:>{width}} ")
            text.append("█" * filled, style=STYLES.get(name.split(":")[0]))
            text.append("·" * (BAR - filled), style="dim")
            text.append(f" {value:.2f}\n")
    return text


def run_ladder(checkpoints: dict[str, Checkpoint], cases: int, seed: int, as_json: bool, console: Console) -> int:
    """`eval --ladder`: each reader's final accuracy on every rung, and by facts held at once."""
    from model.ladder import LADDER, by_facts_held, climb
    from story.generator import generate_cases

    rungs = climb(checkpoints, {rung: list(generate_cases(seed, cases, rung)) for rung in LADDER})
    bands = by_facts_held(rungs)
    if as_json:
        document = {
            "rungs": {
                rung.difficulty: {
                    "cases": rung.cases,
                    "accuracy": rung.accuracy,
                    "writes_by_fifth": rung.writes,
                }
                for rung in rungs
            },
            "by_facts_held": {band: {"cases": count, "accuracy": accuracy} for band, count, accuracy in bands},
        }
        sys.stdout.write(json.dumps(document, indent=1) + "\n")
        return 0
    names = list(rungs[0].accuracy)
    title = f"final accuracy up the ladder ({arguments.plural(cases, 'case')} a rung, run seed {seed})"
    table = Table(title=title, title_justify="left")
    table.add_column("rung")
    table.add_column("facts held", justify="right", style="dim")
    for name in names:
        table.add_column(Text(name), justify="right", style=STYLES.get(name.split(":")[0]))
    for rung in rungs:
        held = sorted(rung.held)
        table.add_row(rung.difficulty, f"{held[len(held) // 2]}", *(f"{rung.accuracy[name]:.3f}" for name in names))
    console.print(table)
    console.print(Text("(facts held: the median case's most facts a perfect memory holds at once)", style="dim"))
    writes = Table(
        title="write accuracy: read-out right where a statement is made, by fifth of the clues", title_justify="left"
    )
    writes.add_column("rung")
    writes.add_column("reader")
    for fifth in range(1, 6):
        writes.add_column(f"{fifth}/5", justify="right")
    for rung in rungs:
        for name, parts in rung.writes.items():
            shown = ("-" if part is None else f"{part:.2f}" for part in parts)
            writes.add_row(rung.difficulty, Text(name, style=STYLES.get(name.split(":")[0], "")), *shown)
    console.print(writes)
    console.print(bar_chart([(rung.difficulty, rung.accuracy) for rung in rungs], "final accuracy by rung"))
    console.print(bar_chart([(band, accuracy) for band, _, accuracy in bands], "final accuracy by facts held"))
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    from story.case_config import DIFFICULTIES

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
    evaluate.add_argument("--cases", type=arguments.positive, default=500, help="how many cases (default 500)")
    evaluate.add_argument(
        "--seed", type=arguments.seed, help="run seed of the cases (default: one no training run uses)"
    )
    evaluate.add_argument("--difficulty", choices=DIFFICULTIES, default="default", help="preset (default: default)")
    arguments.add_knobs(evaluate, "override a generator knob")
    evaluate.add_argument("--json", action="store_true", help='print one JSON object {"models": {...}}')
    evaluate.add_argument(
        "--ladder",
        action="store_true",
        help="final accuracy on every rung (tiny, easy, default, hard, long) and by facts held at once; "
        "--cases is then per rung",
    )


def run(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    return run_eval(args, console)
