"""`whodunit check`: located problems for broken story files, and for sound ones where the case is decided."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from story import CheckedStory, Problem, StoryError, check_file
from story.data import Alibi, AlibiBroken, Evidence, Fact, Retraction, Story, TraitStated

if TYPE_CHECKING:
    from model.checkpoint import Checkpoint


def run_check(paths: list[Path], console: Console, trace: bool = False) -> int:
    """Check every file; 0 when all are sound, 1 otherwise."""
    failed = 0
    for number, path in enumerate(paths):
        if number:
            console.print()
        try:
            checked = check_file(path)
        except StoryError as exc:
            failed += 1
            for problem in exc.problems:
                _print_problem(problem, console)
            errors = len(exc.errors)
            console.print(f"[bold red]✗ {escape(str(path))}[/]: {errors} error{'s' * (errors != 1)}")
            continue
        for problem in checked.warnings:
            _print_problem(problem, console)
        _print_summary(path, checked, console)
        if trace:
            console.print(trace_table(checked))
    if len(paths) > 1:
        console.print(f"\n{len(paths) - failed} of {len(paths)} files sound")
    return 1 if failed else 0


def _print_problem(problem: Problem, console: Console) -> None:
    colour = "red" if problem.severity == "error" else "yellow"
    location = f"{problem.path}:{problem.line}:{problem.column}"
    console.print(f"{escape(location)}: [{colour}]{problem.severity}[/]: {escape(problem.message)}")


def _print_summary(path: Path, checked: CheckedStory, console: Console) -> None:
    story, analysis = checked.story, checked.analysis
    words = analysis.word_ends[-1] if analysis.word_ends else 0
    console.print(f"[bold green]✓ {escape(str(path))}[/]: [bold]{escape(story.title)}[/] is sound")
    rows = [
        ("suspects", ", ".join(story.suspect_label(slot) for slot in range(len(story.suspects)))),
        ("culprit", story.suspect_label(story.culprit)),
        ("clues", f"{len(story.clues)} ({words:,} words)"),
    ]
    if analysis.decided_at is not None:
        rows.append(("decided", f"at clue {analysis.decided_at + 1} of {len(story.clues)}"))
        for index, clearance in enumerate(analysis.deciding):
            rows.append(("by" if index == 0 else "", clearance.explain(story)))
        rows.append(("memory", f"{analysis.memory_distance} words back"))
    rows += _readers_rows(checked)
    for label, value in rows:
        console.print(f"  [dim]{label:<9}[/] {escape(value)}")


@functools.cache
def _bundled_readers() -> tuple[Checkpoint, ...] | None:
    """Both bundled readers, loaded (and their checksums verified) once for all the files checked."""
    from model.checkpoint import CheckpointError
    from model.shipped import KINDS, load_shipped

    try:
        return tuple(load_shipped(kind) for kind in KINDS)
    except CheckpointError:
        return None


def _readers_rows(checked: CheckedStory) -> list[tuple[str, str]]:
    """How the bundled readers fare on the story: whom each names at the end, and from which clue on."""
    from model.stream import read_through
    from model.tokenizer import read_story

    readers = _bundled_readers()
    if readers is None:
        return [("readers", "not shown: the bundled readers are missing (see whodunit eval)")]
    story = checked.story
    reading = read_story(story)
    rows = []
    for checkpoint, seat in zip(readers, ("partner", "rival"), strict=True):
        kind = checkpoint.kind
        beliefs = read_through(
            kind, checkpoint.weights, checkpoint.vocabulary, list(reading.tokens), len(story.suspects)
        )
        favourite = int(beliefs[-1].argmax())
        verdict = f"names {story.suspects[favourite].name} ({beliefs[-1, favourite]:.0%})"
        if favourite == story.culprit:
            right = [int(beliefs[end - 1].argmax()) == story.culprit for end in reading.clue_ends]
            last_wrong = max((clue for clue, ok in enumerate(right) if not ok), default=-1)
            verdict += f", rightly, from clue {last_wrong + 2} on"
        else:
            verdict += f", wrongly; it gives the culprit {beliefs[-1, story.culprit]:.0%}"
        rows.append((seat, f"{kind.upper()} {verdict}"))
    return rows


def describe_fact(fact: Fact, story: Story) -> str:
    """A fact in a few words, for traces: "Hobbs: tobacco = cigar"."""
    match fact:
        case TraitStated(slot, trait, value):
            return f"{story.suspects[slot].name}: {trait} = {value}"
        case Evidence(trait, value):
            return f"culprit: {trait} = {value}"
        case Alibi(slot):
            return f"alibi for {story.suspects[slot].name}"
        case AlibiBroken(slot):
            return f"{story.suspects[slot].name}'s alibi broken"
        case Retraction(target):
            return f"retracts {target}"
    return ""


def trace_table(checked: CheckedStory) -> Table:
    """Clue by clue: what it says, its facts, and who is still possible after it."""
    story, analysis = checked.story, checked.analysis
    table = Table("#", "clue", "facts", "still possible", box=None, pad_edge=False)
    for index, (clue, step) in enumerate(zip(story.clues, analysis.steps, strict=True)):
        possible = ", ".join(story.suspects[slot].name for slot in step.possible)
        marker = " [bold green]← decided[/]" if index == analysis.decided_at else ""
        facts = "; ".join(describe_fact(fact, story) for fact in clue.facts)
        table.add_row(str(index + 1), escape(clue.text), escape(facts), escape(possible) + marker)
    return table
