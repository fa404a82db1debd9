"""`whodunit check`: located problems for broken story files, and for sound ones where the case is decided."""

from __future__ import annotations

import argparse
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from commands import arguments
from story import Analysis, CheckedStory, Problem, StoryError, analyze, check_file, parse_story
from story.data import Alibi, AlibiBroken, Evidence, Fact, Retraction, Story, TraitStated
from story.loader import read_story_text
from story.mentions import name_cues

if TYPE_CHECKING:
    from model.checkpoint import Checkpoint
    from model.verdicts import StoryVerdict


@dataclass
class Seats:
    """The readers a check shows: the bundled ones, or the checkpoints given with --partner and --rival (a
    learner's own readers on an author's story); loaded once, when first needed."""

    partner: Path | None = None
    rival: Path | None = None

    @functools.cached_property
    def readers(self) -> tuple[Checkpoint, Checkpoint] | None:
        """(partner, rival); None when the bundled ones are missing. A checkpoint given by path that cannot be
        used raises CheckpointError: the user asked for it."""
        from commands.play import seat_reader
        from model.checkpoint import CheckpointError

        try:
            return seat_reader(self.partner, "lstm"), seat_reader(self.rival, "rnn")
        except CheckpointError:
            if self.partner or self.rival:
                raise
            return None


BUNDLED = Seats()


def run_check(
    paths: list[Path], console: Console, trace: bool = False, readers: bool = False, seats: Seats = BUNDLED
) -> int:
    """Check every file; 0 when all are sound, 1 otherwise. `readers` adds the readers' clue-by-clue report."""
    failed = 0
    for number, path in enumerate(paths):
        if number:
            console.print()
        read: tuple[Story, Analysis] | None
        try:
            checked = check_file(path)
        except StoryError as exc:
            failed += 1
            for problem in exc.problems:
                _print_problem(problem, console)
            errors = len(exc.errors)
            console.print(f"[bold red]✗ {escape(str(path))}[/]: {errors} error{'s' * (errors != 1)}", emoji=False)
            read = _read_unsound(path) if trace or readers else None
        else:
            for problem in checked.warnings:
                _print_problem(problem, console)
            _print_summary(path, checked, console, seats)
            read = checked.story, checked.analysis
        if read and trace:
            console.print(trace_table(*read))
        if read and readers:
            readers_report(*read, console, seats)
    if len(paths) > 1:
        console.print(f"\n{len(paths) - failed} of {len(paths)} files sound")
    return 1 if failed else 0


def _read_unsound(path: Path) -> tuple[Story, Analysis] | None:
    """The story and the oracle's clue-by-clue analysis of a file whose errors are in its logic (a case never
    decided, facts that contradict), for --trace and --readers: the author needs to see where it goes wrong most
    then. None when the file does not parse into a story at all (its errors say why)."""
    try:
        story = parse_story(read_story_text(path), str(path))
    except StoryError:
        return None
    return story, analyze(story)


def _print_problem(problem: Problem, console: Console) -> None:
    colour = "red" if problem.severity == "error" else "yellow"
    location = f"{problem.path}:{problem.line}:{problem.column}"
    # emoji=False: Rich would read ":100:" in "file:100:9" as an emoji code, and a story's text is never markup
    console.print(f"{escape(location)}: [{colour}]{problem.severity}[/]: {escape(problem.message)}", emoji=False)


def _print_summary(path: Path, checked: CheckedStory, console: Console, seats: Seats) -> None:
    story, analysis = checked.story, checked.analysis
    words = analysis.word_ends[-1] if analysis.word_ends else 0
    console.print(f"[bold green]✓ {escape(str(path))}[/]: [bold]{escape(story.title)}[/] is sound", emoji=False)
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
    cue = _name_cue(story)
    if cue:
        rows.append(("names", cue))
    rows += _readers_rows(checked, seats)
    for label, value in rows:
        console.print(f"  [dim]{label:<9}[/] {escape(value)}", emoji=False)


def _name_cue(story: Story) -> str:
    """What names alone give away, or "": a culprit named last, or more often than anyone, can be guessed without
    reading a fact (readers trained on such stories learn to; docs/model.md, 2026-12-06)."""
    cues = name_cues(story)
    said = [
        said
        for said, holds in (("named last", cues.last == story.culprit), ("named most", cues.named_most(story.culprit)))
        if holds
    ]
    if not said:
        return ""
    return f"the culprit is the suspect {' and '.join(said)}: a reader of names alone would accuse them"


def _readers_rows(checked: CheckedStory, seats: Seats) -> list[tuple[str, str]]:
    """How the readers fare on the story: whom each names at the end, and from which clue on."""
    verdicts = _verdicts(checked.story, checked.analysis, seats)
    if verdicts is None:
        return [("readers", "not shown: the bundled readers are missing (see whodunit eval)")]
    return [(seat, verdict_line(checked.story, verdict)) for seat, verdict in verdicts.items()]


def _verdicts(story: Story, analysis: Analysis, seats: Seats) -> dict[str, StoryVerdict] | None:
    """Each reader's reading of the story, by seat ("partner", "rival"); None if the bundled ones are missing."""
    from model.verdicts import story_verdict

    readers = seats.readers
    if readers is None:
        return None
    return {
        seat: story_verdict(checkpoint, story, analysis)
        for checkpoint, seat in zip(readers, ("partner", "rival"), strict=True)
    }


def verdict_line(story: Story, verdict: StoryVerdict) -> str:
    """ "LSTM names Hobbs (92%), rightly, from clue 11 on", or "RNN is undecided (...)" on an even split; and
    where the reader was lost (model.verdicts.LOST_LOGIT), so that an author knows which clues to look at."""
    culprit = verdict.clue_beliefs[-1, story.culprit]
    if verdict.named is None:
        favourite = int(verdict.clue_beliefs[-1].argmax())
        line = (
            f"{verdict.kind.upper()} is undecided: no suspect stands out (highest {story.suspects[favourite].name}, "
            f"{verdict.clue_beliefs[-1, favourite]:.0%}; the culprit {culprit:.0%})"
        )
    else:
        belief = verdict.clue_beliefs[-1, verdict.named]
        line = f"{verdict.kind.upper()} names {story.suspects[verdict.named].name} ({belief:.0%})"
        if verdict.from_clue is not None:
            line += f", rightly, from clue {verdict.from_clue + 1} on"
        else:
            line += f", wrongly; it gives the culprit {culprit:.0%}"
    if verdict.lost_clues:
        clues = verdict.lost_clues
        line += (
            f"; lost at the end of {len(clues)} of {len(story.clues)} clues (from clue {clues[0] + 1}): it reads "
            "every suspect as cleared there, so its bars there may be noise"
        )
    return line


def readers_report(story: Story, analysis: Analysis, console: Console, seats: Seats = BUNDLED) -> None:
    """For authors: each reader's belief after every clue, the words they do not know, and the rival in play."""
    verdicts = _verdicts(story, analysis, seats)
    if verdicts is None:
        console.print("  readers: not shown: the bundled readers are missing (see whodunit eval)")
        return
    names = [suspect.name for suspect in story.suspects]
    table = Table("#", "possible", "partner (LSTM)", "rival (RNN)", box=None, pad_edge=False)
    for index, step in enumerate(analysis.steps):
        cells = [
            _belief_cell(names, verdict.clue_beliefs[index], story.culprit, index in verdict.lost_clues)
            for verdict in verdicts.values()
        ]
        table.add_row(str(index + 1), Text(", ".join(names[slot] for slot in step.possible)), *cells)
    console.print(table)
    partner = verdicts["partner"]
    counts: dict[str, int] = {}
    for word in partner.unknown:
        counts[word] = counts.get(word, 0) + 1
    listed = ", ".join(f"{word} ×{n}" if n > 1 else word for word, n in sorted(counts.items(), key=lambda i: -i[1]))
    console.print(
        f"  [dim]unknown[/]   {len(partner.unknown):,} of {partner.words:,} words ({partner.unknown_share:.0%}) "
        "are not in the readers' vocabulary and read as <unk>"
        + (f": {escape(listed[:600])}{'…' if len(listed) > 600 else ''}" if listed else ""),
        emoji=False,
    )
    console.print(f"  [dim]in play[/]   {escape(_rival_in_play(story, seats))}", emoji=False)


def _belief_cell(names: list[str], belief, culprit: int, lost: bool) -> Text:
    """ "Hobbs 92%" (the one the reader names, or "undecided"), the culprit's share when it is someone else, and
    "lost" where the reader reads every suspect as cleared."""
    from model.verdicts import named_suspect

    named = named_suspect(belief)
    cell = "undecided" if named is None else f"{names[named]} {belief[named]:.0%}"
    if named != culprit:
        cell += f" (culprit {belief[culprit]:.0%})"
    if lost:
        cell += ", lost"
    return Text(cell)  # names from the story file: never markup or emoji codes


def _rival_in_play(story: Story, seats: Seats) -> str:
    """Whether and when the rival accuses, played through the game's own rules with nobody else accusing."""
    from game.match import RIVAL_THRESHOLD, Match

    partner, rival = seats.readers or ()
    match = Match(story, partner, rival)
    made = []
    while not match.told_all and not match.rival_solved:
        accusation = match.advance()
        if accusation:
            made.append((match.words[match.position - 1].clue, accusation))  # the clue of the word just read
    if not made:
        return f"the rival never reaches {RIVAL_THRESHOLD:.0%} on anyone, so it never accuses"
    said = [
        f"{story.suspects[a.suspect].name} at clue {clue + 1} ({'rightly' if a.correct else 'wrongly'})"
        for clue, a in made
    ]
    return f"the rival (accusing at {RIVAL_THRESHOLD:.0%}) would accuse " + ", then ".join(said)


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


def trace_table(story: Story, analysis: Analysis) -> Table:
    """Clue by clue: what it says, its facts, and who is still possible after it."""
    table = Table("#", "clue", "facts", "still possible", box=None, pad_edge=False)
    for index, (clue, step) in enumerate(zip(story.clues, analysis.steps, strict=True)):
        possible = ", ".join(story.suspects[slot].name for slot in step.possible)
        still = Text(possible)  # plain Text: a story's words are never markup or emoji codes
        if index == analysis.decided_at:
            still.append(" ← decided", style="bold green")
        facts = "; ".join(describe_fact(fact, story) for fact in clue.facts)
        table.add_row(str(index + 1), Text(clue.text), Text(facts), still)
    return table


def add_parser(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser(
        "check",
        help="validate story files and prove each case solvable",
        description="Validate story files: every problem located as file:line:col, the "
        "logic proved sound, and where the case is decided.",
    )
    check.add_argument("files", nargs="+", type=Path, metavar="FILE", help="story files (.toml)")
    check.add_argument("--trace", action="store_true", help="show who is still possible after every clue")
    check.add_argument(
        "--readers",
        action="store_true",
        help="show each reader's belief after every clue, the words they do not know, and when the rival accuses",
    )
    arguments.add_seats(check)


def run(args: argparse.Namespace, console: Console, argv: list[str]) -> int:
    from model.checkpoint import CheckpointError

    seats = Seats(args.partner, args.rival)
    if args.partner or args.rival:
        try:
            _ = seats.readers  # loaded now: a checkpoint that cannot be used is refused before any file is read
        except CheckpointError as exc:
            console.print(Text(f"whodunit check: {exc}", style="red"))  # paths and file text: never markup
            return 1
    return run_check(args.files, console, trace=args.trace, readers=args.readers, seats=seats)
