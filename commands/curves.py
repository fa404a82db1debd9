"""`whodunit curves RUN [RUN ...]`: the learning curves of training runs, drawn in the terminal from their logs.

Left, validation accuracy by step (final verdicts, solid; on the longest third of the cases, the long-range
ones, dotted); right, the memory curve at each run's last validation: how often the reader's read-out recalls
a stated trait, by how many words ago it was stated. Given the partner's and the rival's runs, the gap between
them is the long-term-dependency gap. `--svg FILE` saves the terminal picture (for a README); `--png FILE`
draws the same with matplotlib, where it is installed.
Reads only the runs' metrics.jsonl and reader.json (no torch).
"""

from __future__ import annotations

import argparse
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from model.checkpoint import META
from model.run_log import RunLogError, read_rows

READER_NAMES = {"lstm": "LSTM partner", "rnn": "RNN rival"}


@dataclass(frozen=True)
class Curves:
    """One run's curves, as read from its log."""

    label: str
    steps: tuple[int, ...]  # validation steps
    final: tuple[float, ...]
    long_range: tuple[float, ...]
    memory_bands: tuple[str, ...]  # the last validation's distance bands: "0-49", ..., "350+"
    memory: tuple[float, ...]


def read_curves(run: Path) -> Curves:
    """A run's curves; RunLogError says what is missing or wrong, and where."""
    validations = [row for row in read_rows(run) if row["kind"] == "validation"]
    if not validations:
        raise RunLogError(f"{run}: its log has no validation yet (the first comes with the first checkpoint)")
    last = validations[-1].get("recall_by_distance") or []
    return Curves(
        label=f"{_reader_name(run)} ({run.name or run})",
        steps=tuple(row["step"] for row in validations),
        final=tuple(_number(row.get("final_accuracy")) for row in validations),
        long_range=tuple(_number(row.get("long_range_accuracy")) for row in validations),
        memory_bands=tuple(str(band) for band, _ in last),
        memory=tuple(_number(value) for _, value in last),
    )


def _reader_name(run: Path) -> str:
    """ "LSTM partner" or "RNN rival" from the run's reader.json; "reader" when it cannot be told."""
    try:
        kind = json.loads((run / META).read_text(encoding="utf-8"))["config"]["kind"]
    except (OSError, ValueError, KeyError, TypeError):
        return "reader"
    return READER_NAMES.get(kind, "reader") if isinstance(kind, str) else "reader"


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("nan")


def terminal_plot(curves: list[Curves], width: int, height: int) -> str:
    """Both panels, side by side, as text with ANSI colours (plotext)."""
    import plotext as plt

    plt.clf()
    plt.plotsize(width, height)
    plt.subplots(1, 2)
    plt.subplot(1, 1)
    plt.theme("clear")
    plt.title("accuracy by step")
    for run in curves:
        plt.plot(run.steps, run.final, label=f"{run.label}: final")
        plt.plot(run.steps, run.long_range, label="  long-range", marker="dot")
    plt.ylim(0, 1)
    plt.xlabel("step")
    plt.subplot(1, 2)
    plt.theme("clear")
    plt.title("memory at the end")
    bands = max((run.memory_bands for run in curves), key=len)
    for run in curves:
        if run.memory:
            plt.plot(list(range(len(run.memory))), run.memory, label=run.label)
    if bands:
        plt.xticks(list(range(len(bands))), list(bands))
    plt.ylim(0, 1)
    plt.xlabel("words since stated")
    return plt.build()


def save_png(curves: list[Curves], path: Path) -> None:
    """The same two panels with matplotlib (imported here: optional)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    figure, (accuracy, memory) = pyplot.subplots(1, 2, figsize=(12, 4.5))
    for run in curves:
        (line,) = accuracy.plot(run.steps, run.final, label=f"{run.label}: final")
        accuracy.plot(run.steps, run.long_range, linestyle=":", color=line.get_color(), label="long-range")
        memory.plot(range(len(run.memory)), run.memory, marker="o", label=run.label)
    bands = max((run.memory_bands for run in curves), key=len)
    memory.set_xticks(range(len(bands)), bands)
    for axes, title, xlabel in (
        (accuracy, "validation accuracy by step", "step"),
        (memory, "memory at the end: read-out recall", "words since stated"),
    ):
        axes.set_title(title)
        axes.set_xlabel(xlabel)
        axes.set_ylim(0, 1)
        axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    pyplot.close(figure)


def summary(run: Curves) -> str:
    """One line per run: where it ended."""
    memory = f", recall {run.memory[0]:.2f} at {run.memory_bands[0]} words" if run.memory else ""
    if len(run.memory) > 1:
        memory += f" and {run.memory[-1]:.2f} at {run.memory_bands[-1]}"
    return (
        f"{run.label}: {len(run.steps)} validations, last at step {run.steps[-1]:,}: final {run.final[-1]:.3f}, "
        f"long-range {run.long_range[-1]:.3f}{memory}"
    )


def run_curves(runs: list[Path], console: Console, png: Path | None = None, svg: Path | None = None) -> int:
    def refuse(message: str, code: int) -> int:
        console.print(Text(f"whodunit curves: {message}", style="red"))  # paths: never markup
        return code

    if png is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return refuse("--png needs matplotlib, which is not installed: pip install matplotlib", 2)
    try:
        curves = [read_curves(run) for run in runs]
    except RunLogError as exc:
        return refuse(str(exc), 1)
    width = max(60, min(console.width, 160))
    drawn = [Text.from_ansi(terminal_plot(curves, width, max(14, min(console.height - 6, 30))))]
    drawn += [Text(summary(run)) for run in curves]
    for part in drawn:
        console.print(part)
    if svg is not None:
        recorder = Console(record=True, width=width, file=io.StringIO(), force_terminal=True, color_system="256")
        for part in drawn:
            recorder.print(part)
        try:
            recorder.save_svg(str(svg), title="whodunit curves")
        except OSError as exc:
            return refuse(f"cannot write {svg}: {exc.strerror or exc}", 1)
        console.print(Text(f"wrote {svg}"))
    if png is not None:
        try:
            save_png(curves, png)
        except OSError as exc:
            return refuse(f"cannot write {png}: {exc.strerror or exc}", 1)
        console.print(Text(f"wrote {png}"))
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    curves = commands.add_parser(
        "curves",
        help="draw the learning curves of training runs from their metrics logs",
        description="Draw validation accuracy by step and the memory curve (read-out recall by distance) of "
        "one or more training runs, side by side: give the partner's and the rival's runs to see the gap.",
    )
    curves.add_argument("runs", nargs="+", type=Path, metavar="RUN", help="a run folder (`whodunit train --out`)")
    curves.add_argument("--png", type=Path, metavar="FILE", help="also save the plot as a PNG (needs matplotlib)")
    curves.add_argument("--svg", type=Path, metavar="FILE", help="also save the terminal picture as an SVG")


def run(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    return run_curves(args.runs, console, args.png, args.svg)
