"""What `whodunit train` shows while it runs: a live progress bar and a table of validations in a terminal,
one plain line per validation elsewhere (CI, a log file), readable by people and by grep.

The display only renders the status dicts that model.train reports; it decides nothing about training.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

# Validation columns: (heading, metric, format).
COLUMNS = (
    ("final", "final_accuracy", "{:.3f}"),
    ("decided", "decided_accuracy", "{:.3f}"),
    ("long-range", "long_range_accuracy", "{:.3f}"),
    ("cleared mass", "cleared_mass", "{:.3f}"),
    ("ECE", "ece", "{:.3f}"),
)


def validation_line(validation: dict[str, Any], steps: int) -> str:
    """One validation as a plain line: "step 250/4,000  level tiny  final 0.620  decided 0.600 ...  0.5 min"."""
    figures = "  ".join(
        f"{heading} {form.format(validation[name])}" for heading, name, form in COLUMNS if name in validation
    )
    return (
        f"step {validation.get('steps', 0):,}/{steps:,}  level {validation.get('level', '?')}  {figures}  "
        f"{validation.get('minutes', 0):.1f} min"
    )


def minutes_left(status: dict[str, Any]) -> float:
    """Minutes until the run ends: its steps at the pace so far, or its time limit, whichever comes first."""
    pace = status["elapsed"] / max(status["step"], 1)
    by_steps = (status["steps"] - status["step"]) * pace / 60
    return max(0.0, min(by_steps, status.get("minutes_limit", float("inf")) - status["elapsed"] / 60))


class TrainingDisplay:
    """A context manager; `report` is the callback for model.train."""

    def __init__(self, console: Console, steps: int) -> None:
        self.console = console
        self.steps = steps
        self.live_output = console.is_terminal and not console.quiet
        self.table = Table(title="validation", title_justify="left", expand=False)
        for heading in ("step", "level", *(heading for heading, _, _ in COLUMNS), "minutes"):
            self.table.add_column(heading, justify="left" if heading == "level" else "right")
        self.progress = Progress(
            TextColumn("{task.fields[level]}", markup=False),  # level names come from a checkpoint: plain text
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[figures]}", markup=False),
            console=console,
        )
        self.task = self.progress.add_task("training", total=steps, level="", figures="starting")
        self.live: Live | None = None

    def __enter__(self) -> TrainingDisplay:
        if self.live_output:
            self.live = Live(Group(self.table, self.progress), console=self.console, refresh_per_second=4)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(None, None, None)

    def show_earlier(self, rows: list[dict[str, Any]]) -> None:
        """Validations from before a resume, from the run's log, so that the table shows the whole run."""
        for row in rows:
            if row.get("kind") == "validation":
                self.validation({**row, "steps": row["step"]})

    def report(self, status: dict[str, Any]) -> None:
        if "validation" in status:
            self.validation(status["validation"])
            return
        if self.live is None:
            return
        figures = (
            f"loss {status['loss']:.3f}  batch accuracy {status['accuracy']:.2f}  "
            f"{status['tokens_per_second']:,.0f} tokens/s  {status['elapsed'] / 60:.1f} min, "
            f"about {minutes_left(status):.0f} min left"
        )
        self.progress.update(self.task, completed=status["step"], level=status["level"], figures=figures)

    def validation(self, validation: dict[str, Any]) -> None:
        if not validation:
            return
        if self.live is None:
            self.console.print(Text(validation_line(validation, self.steps)), soft_wrap=True)
            return
        self.table.add_row(
            f"{validation.get('steps', 0):,}",
            Text(str(validation.get("level", "?"))),
            *(form.format(validation[name]) if name in validation else "" for _, name, form in COLUMNS),
            f"{validation.get('minutes', 0):.1f}",
        )
