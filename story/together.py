"""Telling several planned facts as one clue, as authors do: two alibis in one breath (or two broken in one),
two suspects' statements paired, a shared value, a list of three suspects' values of a trait, one suspect
sketched by two traits.

Each joining is drawn at its share and kept only where every piece of evidence still stands `min_gap` clues
after its trait's last statement (joined units count as one clue), so the generator's guarantee about gaps holds
whatever is joined. Moved earlier is safe for an alibi (it must come before the evidence and its own breaking)
and for a statement (its evidence comes after both), but not for a statement whose true value must follow a
false testimony's retraction, nor for one pinned after a late break or retraction. The plan's positions that
this and the generator's gap widening both ask (`evidence_at`, `last_statement_before`, `gaps_hold`) live here.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from story.case_config import GeneratorConfig
from story.plan import PlannedClue, Together


def tell_together(units: list[PlannedClue], evidence: list[str], rng: random.Random, config: GeneratorConfig) -> None:
    """Join the plan's units into shared clues in place, each kind at its share (the order of the draws is part
    of what a seed means: the same seed, the same case)."""
    _join_alibis(units, evidence, rng, config)
    _join_breaks(units, evidence, rng, config)
    _join_statements(units, evidence, rng, config)
    # Two suspects who share a value in one clue: "Martin and the cook both smoke cigars".
    _gather_statements(units, evidence, rng, config, config.shared_value_share, 1, "shared", _same_value)
    # Three suspects' values of a trait as a list: "Martin favours a pipe, the cook cigarettes and Ada snuff".
    _gather_statements(units, evidence, rng, config, config.listed_share, 2, "listed", _same_trait)
    # One suspect's values of two traits as a sketch: "Martin: red hair cut short, and a green coat."
    _gather_statements(units, evidence, rng, config, config.sketch_share, 1, "sketched", _same_suspect)


def _join_alibis(units: list[PlannedClue], evidence: list[str], rng: random.Random, config: GeneratorConfig) -> None:
    """At `paired_alibi_share`, tell two alibis (standing or to be broken) as one clue, at the first one's
    place: earlier is safe for an alibi, which must come before the evidence and before its own breaking."""
    alibis = [index for index, unit in enumerate(units) if unit.kind == "alibi"]
    if len(alibis) < 2 or rng.random() >= config.paired_alibi_share:
        return
    first, second = sorted(rng.sample(alibis, 2))
    _join_pair(units, first, second, evidence, config.min_gap)


def _join_breaks(units: list[PlannedClue], evidence: list[str], rng: random.Random, config: GeneratorConfig) -> None:
    """At `paired_break_share`, tell two broken alibis as one clue, at the first break's place, where both fall
    before any evidence and both alibis were told before the first break: moved earlier, the second suspect is
    back in play sooner, while nothing is yet decided. No draw when it is off: the same seeds, the same cases."""
    share = config.paired_break_share
    if not share:
        return
    first_evidence = next((index for index, unit in enumerate(units) if unit.kind in ("evidence", "planted")), 0)
    breaks = [index for index, unit in enumerate(units[:first_evidence]) if unit.kind == "broken"]
    if len(breaks) < 2 or rng.random() >= share:
        return
    first, second = sorted(rng.sample(breaks, 2))
    alibi = next(
        index for index, unit in enumerate(units) if unit.kind == "alibi" and unit.suspect == units[second].suspect
    )
    if alibi < first:
        _join_pair(units, first, second, evidence, config.min_gap)


def _join_pair(units: list[PlannedClue], first: int, second: int, evidence: list[str], min_gap: int) -> None:
    """Move the unit at `second` up to just after `first` and tell the two as one clue, where every piece of
    evidence still stands `min_gap` clues after its statements; otherwise leave both where they were."""
    units.insert(first + 1, units.pop(second))
    units[first].joined = True
    if not gaps_hold(units, evidence, min_gap):
        units[first].joined = False
        units.insert(second, units.pop(first + 1))


def _join_statements(
    units: list[PlannedClue], evidence: list[str], rng: random.Random, config: GeneratorConfig
) -> None:
    """Pair neighbouring statements about two suspects into one clue, at `joined_share`, where the evidence
    still stands `min_gap` clues after its statements."""
    index = 0
    while index < len(units) - 1:
        first, second = units[index], units[index + 1]
        if (
            first.kind == second.kind == "statement"
            and first.suspect != second.suspect
            and not first.pronoun
            and not second.pronoun
            and rng.random() < config.joined_share
        ):
            first.joined = True
            if gaps_hold(units, evidence, config.min_gap):
                index += 2
                continue
            first.joined = False
        index += 1


def _gather_statements(
    units: list[PlannedClue],
    evidence: list[str],
    rng: random.Random,
    config: GeneratorConfig,
    share: float,
    count: int,
    kind: Together,
    belongs: Callable[[list[PlannedClue], PlannedClue], bool],
) -> None:
    """At `share`, tell a statement together with the next `count` statements that belong with it (`belongs`:
    given the group so far and a statement), moved up to it: one clue, told as `kind` says (the narrator's
    PlannedClue flag). Earlier is safe for a statement (its evidence comes after both), but not for one a
    false testimony is about, whose true value must come after the retraction; and the evidence must still
    stand `min_gap` clues after."""
    if not share:  # no draw when off: the same seeds, the same cases
        return
    alone = _movable_statements(units)
    for index in range(len(units)):
        if not alone(index):
            continue
        first, picked = units[index], []
        for at in range(index + 1, len(units)):
            if alone(at) and belongs([first, *(units[other] for other in picked)], units[at]):
                picked.append(at)
                if len(picked) == count:
                    break
        if len(picked) < count or rng.random() >= share:
            continue
        moved = [units[at] for at in picked]
        for at in reversed(picked):
            units.pop(at)
        units[index + 1 : index + 1] = moved
        _tell_together([first, *moved], kind, True)
        if not gaps_hold(units, evidence, config.min_gap):
            _tell_together([first, *moved], kind, False)
            del units[index + 1 : index + 1 + count]
            for at, unit in zip(picked, moved, strict=True):  # in ascending order: each lands where it was
                units.insert(at, unit)


def _movable_statements(units: list[PlannedClue]) -> Callable[[int], bool]:
    """Whether the unit at an index is a statement that may be moved earlier and told with others in one clue:
    not told with a pronoun, not already told with another, and not about a trait a false testimony is about
    (whose true value must come after the retraction)."""
    testified = {(unit.suspect, unit.trait) for unit in units if unit.kind == "false"}

    def alone(index: int) -> bool:
        unit = units[index]
        return (
            unit.kind == "statement"
            and not unit.pronoun
            and not unit.joined
            and not unit.pinned
            and not (index and units[index - 1].joined)
            and (unit.suspect, unit.trait) not in testified
        )

    return alone


def _tell_together(group: list[PlannedClue], kind: Together, together: bool) -> None:
    """Mark a group of statements to be told as one clue (each but the last joined to the next), or not."""
    for unit in group[:-1]:
        unit.joined = together
        setattr(unit, kind, together)


def _same_value(group: list[PlannedClue], unit: PlannedClue) -> bool:
    """Another suspect with the group's value: "Martin and the cook both smoke cigars"."""
    return _another_suspect(group, unit) and (unit.trait, unit.value) == (group[0].trait, group[0].value)


def _same_trait(group: list[PlannedClue], unit: PlannedClue) -> bool:
    """Another suspect's value of the group's trait: "Martin favours a pipe, the cook cigarettes and Ada snuff"."""
    return _another_suspect(group, unit) and unit.trait == group[0].trait


def _same_suspect(group: list[PlannedClue], unit: PlannedClue) -> bool:
    """The group's suspect, on a trait the group has not told: "Martin: red hair, and a green coat"."""
    return unit.suspect == group[0].suspect and unit.trait not in {told.trait for told in group}


def _another_suspect(group: list[PlannedClue], unit: PlannedClue) -> bool:
    return unit.suspect not in {told.suspect for told in group}


def gaps_hold(units: list[PlannedClue], evidence: list[str], min_gap: int) -> bool:
    """Whether each piece of evidence stands at least `min_gap` clues after its trait's last statement, with
    joined units counted as one clue."""
    clue_of, clue = [], -1
    for index in range(len(units)):
        clue += not (index and units[index - 1].joined)
        clue_of.append(clue)
    for trait in evidence:
        at = evidence_at(units, trait)
        last = last_statement_before(units, at, trait)
        if last is not None and clue_of[at] - clue_of[last] - 1 < min_gap:
            return False
    return True


def evidence_at(units: list[PlannedClue], trait: str) -> int:
    return next(index for index, unit in enumerate(units) if unit.kind == "evidence" and unit.trait == trait)


def last_statement_before(units: list[PlannedClue], at: int, trait: str) -> int | None:
    """The index of the last statement of `trait` before index `at`; None if all come after (late statements)."""
    told = [index for index, unit in enumerate(units[:at]) if unit.kind == "statement" and unit.trait == trait]
    return told[-1] if told else None
