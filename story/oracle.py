"""The logic oracle: after every clue, who could still have done it, and why each other suspect is cleared.

A suspect is cleared while an alibi for them stands, or while a standing statement of one of their traits
differs from standing evidence about the culprit's. Everything else is possible, and the oracle's posterior is
uniform over the possible suspects. Facts can be withdrawn (a broken alibi, a retracted testimony), so a
cleared suspect can come back into play: the oracle re-derives each step from the facts then standing.

The same pass proves a story sound: no fact contradicts a standing one or the author's cast, the culprit is
never cleared at the end, and by the last clue the culprit is the only suspect left.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from story.data import Alibi, AlibiBroken, Evidence, Fact, Retraction, Story, TraitStated
from story.locate import Locations
from story.mentions import mentioned_slots, unmentioned_facts
from story.problems import Problem, Severity
from story.traits import CATALOGUE
from story.words import count_words

# A case decided within this share of its clues (and with at least this many clues) earns a "too easy" warning.
EARLY_DECISION_SHARE = 1 / 3
EARLY_DECISION_MIN_CLUES = 6


@dataclass(frozen=True, slots=True)
class Clearance:
    """Why a suspect is out of play, and how far back the reader had to remember to see it."""

    suspect: int
    reason: Literal["alibi", "trait"]
    clue: int  # the clue at which this reason became complete
    latent_clue: int  # the clue of the earlier fact it completes (== clue for an alibi: nothing to remember)
    trait: str | None = None  # for reason "trait": which trait differs
    words: int = 0  # memory distance in words from the end of latent_clue to the end of clue

    def explain(self, story: Story) -> str:
        who = story.suspects[self.suspect].name
        if self.reason == "alibi":
            return f"{who} has an alibi (clue {self.latent_clue + 1})"
        noun = CATALOGUE[self.trait].noun if self.trait else "trait"
        return (
            f"{who}'s {noun} does not match the evidence (clues {self.latent_clue + 1} and {self.clue + 1}, "
            f"{self.words} words apart)"
        )


@dataclass(frozen=True, slots=True)
class Step:
    """The oracle's state after one clue."""

    possible: tuple[int, ...]  # slots consistent with every standing fact, in cast order
    cleared: tuple[Clearance | None, ...]  # per slot; None where possible
    # What a perfect memory holds now (the readers' read-out targets): the latest standing statement of each
    # (slot, trait) and the latest standing evidence of each trait.
    stated: tuple[tuple[int, str, str], ...] = ()  # (slot, trait, value)
    evidence: tuple[tuple[str, str], ...] = ()  # (trait, value)
    # Per slot, the least memory in words among all its standing reasons to be cleared (0 if possible, or if an
    # alibi clears it): the shortest link a reader must have made to see it cleared.
    least_words: tuple[int, ...] = ()

    def posterior(self, cast_size: int) -> tuple[float, ...]:
        """Uniform over the possible suspects (all zeros if none is possible)."""
        share = 1.0 / len(self.possible) if self.possible else 0.0
        return tuple(share if slot in self.possible else 0.0 for slot in range(cast_size))


@dataclass(frozen=True, slots=True)
class Finding:
    """A logic problem at a clue (and fact), or at a suspect, before it is located in a file."""

    clue: int
    fact: int | None
    message: str
    severity: Severity = "error"
    suspect: int | None = None  # set for problems about a cast entry rather than a clue


@dataclass(frozen=True, slots=True)
class Analysis:
    steps: tuple[Step, ...]  # one per clue
    word_ends: tuple[int, ...]  # cumulative word count of the clue stream at the end of each clue
    decided_at: int | None  # first clue after which only the culprit remains (and stays); None if never
    deciding: tuple[Clearance, ...]  # the clearances completed at decided_at that left the culprit alone
    findings: tuple[Finding, ...]

    @property
    def sound(self) -> bool:
        return not any(finding.severity == "error" for finding in self.findings)

    @property
    def memory_distance(self) -> int:
        """Words back to the latent fact that the deciding clue completed (0 when an alibi decides)."""
        return max((clearance.words for clearance in self.deciding), default=0)

    @property
    def verdict_distance(self) -> int:
        """The longest link that the verdict after the last clue rests on, in words.

        The deciding distance measures only the last clearance; the verdict also needs every suspect cleared
        earlier, each by its shortest link. A reader that can hold a latent fact for N words, and carry a
        belief ("cleared") as long as it likes, names the culprit when this is at most N.
        """
        return max(self.steps[-1].least_words, default=0) if self.steps else 0


@dataclass(slots=True)
class _Standing:
    """One fact still in force, with where it was said."""

    fact: Fact
    clue: int
    index: int  # position among the clue's facts


def analyze(story: Story) -> Analysis:
    """Run the oracle over every clue of `story` and prove it sound (see the module docstring)."""
    cast = len(story.suspects)
    findings: list[Finding] = []
    word_ends: list[int] = []
    total_words = 0
    for clue in story.clues:
        total_words += count_words(clue.text)
        word_ends.append(total_words)

    alibis: list[list[_Standing]] = [[] for _ in range(cast)]
    statements: dict[tuple[int, str], list[_Standing]] = {}  # (slot, trait) -> standing statements
    evidence: dict[str, list[_Standing]] = {}  # trait -> standing evidence
    by_id: dict[str, _Standing] = {}
    withdrawn: set[str] = set()
    untrue: list[tuple[_Standing, str]] = []  # facts that contradict the cast: must be retracted later
    steps: list[Step] = []

    for clue_index, clue in enumerate(story.clues):
        # A clue's facts take effect as one event, whatever order the author listed them in: what it withdraws
        # (retractions, broken alibis) applies to what stood before it, then what it states is added.
        for fact_index, fact in sorted(enumerate(clue.facts), key=lambda item: not _withdraws(item[1])):
            standing = _Standing(fact, clue_index, fact_index)
            if fact.id is not None:
                by_id[fact.id] = standing

            def problem(message: str, severity: Severity = "error", *, at: _Standing = standing) -> None:
                findings.append(Finding(at.clue, at.index, message, severity))

            match fact:
                case TraitStated(slot, trait, value):
                    suspect = story.suspects[slot]
                    truth = suspect.traits.get(trait)
                    if truth is None:
                        problem(
                            f'the cast gives {suspect.name} no {trait}; add {trait} = "{value}" to '
                            f"{suspect.pronouns[2]} traits"
                        )
                    elif truth != value:
                        untrue.append(
                            (standing, f"says {suspect.name}'s {trait} is '{value}', but the cast says '{truth}'")
                        )
                    for other in statements.get((slot, trait), []):
                        if other.fact.value != value:  # type: ignore[union-attr]
                            problem(
                                f"says {suspect.name}'s {trait} is '{value}', but clue {other.clue + 1} said "
                                f"'{other.fact.value}' and still stands; retract one of them first"
                            )  # type: ignore[union-attr]
                    statements.setdefault((slot, trait), []).append(standing)
                case Evidence(trait, value):
                    culprit = story.suspects[story.culprit]
                    truth = culprit.traits.get(trait)
                    if truth is None:
                        problem(
                            f"evidence about {trait}, but the cast gives the culprit, {culprit.name}, no "
                            f"{trait}; add it to {culprit.pronouns[2]} traits"
                        )
                    elif truth != value:
                        untrue.append(
                            (
                                standing,
                                f"says the culprit's {trait} is '{value}', but the culprit, "
                                f"{culprit.name}, has '{truth}'",
                            )
                        )
                    for other in evidence.get(trait, []):
                        if other.fact.value != value:  # type: ignore[union-attr]
                            problem(
                                f"evidence says the culprit's {trait} is '{value}', but clue {other.clue + 1} "
                                f"said '{other.fact.value}' and still stands"
                            )  # type: ignore[union-attr]
                    evidence.setdefault(trait, []).append(standing)
                case Alibi(slot):
                    alibis[slot].append(standing)
                case AlibiBroken(slot):
                    if not alibis[slot]:
                        name = story.suspects[slot].name
                        problem(f"breaks {name}'s alibi, but {name} has no alibi standing here")
                    alibis[slot].clear()
                case Retraction(target):
                    withdrawn_fact = by_id.get(target)
                    if withdrawn_fact is None or target in withdrawn:
                        problem(
                            f"retracts '{target}', which is already retracted"
                            if target in withdrawn
                            else f"retracts '{target}', but no fact of an earlier clue has that id"
                        )
                        continue
                    if isinstance(withdrawn_fact.fact, AlibiBroken | Retraction):
                        advice = (
                            "to restore an alibi, state a new one"
                            if isinstance(withdrawn_fact.fact, AlibiBroken)
                            else "to bring a withdrawn fact back, state it again"
                        )
                        problem(f"only trait, evidence and alibi facts can be retracted; {advice}")
                        continue
                    withdrawn.add(target)
                    for pile in (*alibis, *statements.values(), *evidence.values()):
                        if withdrawn_fact in pile:
                            pile.remove(withdrawn_fact)

        if steps and not clue.facts:  # nothing new stands: the state is the previous clue's
            steps.append(steps[-1])
            continue
        step = _step(cast, alibis, statements, evidence, word_ends)
        if not step.possible:
            findings.append(Finding(clue_index, None, "after this clue no suspect fits every fact"))
        steps.append(step)

    for standing, message in untrue:
        if standing.fact.id is None or standing.fact.id not in withdrawn:
            hint = "" if standing.fact.id else " (give it an id to retract it later)"
            findings.append(Finding(standing.clue, standing.index, f"{message} and it is never retracted{hint}"))

    decided_at, deciding = _decision(story, steps)
    findings.extend(_verdict(story, steps, decided_at))
    return Analysis(tuple(steps), tuple(word_ends), decided_at, deciding, tuple(findings))


def _withdraws(fact: Fact) -> bool:
    """Whether a fact takes back what stood before its clue (it applies before the clue's other facts)."""
    return isinstance(fact, Retraction | AlibiBroken)


def _step(
    cast: int,
    alibis: list[list[_Standing]],
    statements: dict[tuple[int, str], list[_Standing]],
    evidence: dict[str, list[_Standing]],
    word_ends: list[int],
) -> Step:
    found_by_trait = {trait: _clues_by_value(pile) for trait, pile in evidence.items() if pile}
    cleared: list[Clearance | None] = []
    least_words: list[int] = []
    for slot in range(cast):
        reasons: list[Clearance] = []
        if alibis[slot]:
            first = alibis[slot][0].clue
            reasons.append(Clearance(slot, "alibi", first, first))
        for trait, found_by_value in found_by_trait.items():
            for stated_value, stated in _clues_by_value(statements.get((slot, trait), ())).items():
                for found_value, found in found_by_value.items():
                    if stated_value != found_value:
                        late, early = _first_completion(stated, found)
                        reasons.append(Clearance(slot, "trait", late, early, trait, word_ends[late] - word_ends[early]))
        # The reason completed first; of those, the one needing the least memory: what a reader minimally had to hold.
        cleared.append(min(reasons, key=lambda r: (r.clue, r.words)) if reasons else None)
        least_words.append(min((reason.words for reason in reasons), default=0))
    possible = tuple(slot for slot in range(cast) if cleared[slot] is None)
    stated = tuple((slot, trait, pile[-1].fact.value) for (slot, trait), pile in statements.items() if pile)
    found = tuple((trait, pile[-1].fact.value) for trait, pile in evidence.items() if pile)
    return Step(possible, tuple(cleared), stated, found, tuple(least_words))  # type: ignore[arg-type]


def verdict_window(story: Story) -> int | None:
    """How many of the last words a reader must remember to name the culprit after the last clue.

    The deciding memory distance measures one link: the statement that the deciding evidence completes. The
    verdict at the end rests on every earlier clearance too (alibis, the first evidence trait). This is the
    word count of the shortest run of final clues that, read by the oracle on its own, leaves only the culprit
    (None if none does); a reader that remembers only the last N words can name the culprit only when it is
    at most N. Costs one analysis per clue of the run.
    """
    words = 0
    for start in range(len(story.clues) - 1, -1, -1):
        words += count_words(story.clues[start].text)
        if analyze(replace(story, clues=story.clues[start:])).steps[-1].possible == (story.culprit,):
            return words
    return None


def _clues_by_value(pile: list[_Standing]) -> dict[str, list[int]]:
    """Standing facts grouped by value, each group's clues in order: repeats cost nothing extra."""
    groups: dict[str, list[int]] = {}
    for standing in pile:
        groups.setdefault(standing.fact.value, []).append(standing.clue)  # type: ignore[union-attr]
    return groups


def _first_completion(stated: list[int], found: list[int]) -> tuple[int, int]:
    """Of all (statement, evidence) pairs, the earliest to complete and, of those, the one with the latest start.

    A pair completes at the later of its two clues, so the earliest completion pairs the first of each list; its
    partner is then the latest clue of the other list that is not after it.
    """
    late = max(stated[0], found[0])
    other = found if stated[0] == late else stated
    return late, max(clue for clue in other if clue <= late)


def _decision(story: Story, steps: list[Step]) -> tuple[int | None, tuple[Clearance, ...]]:
    alone = (story.culprit,)
    decided_at = None
    for index in range(len(steps) - 1, -1, -1):
        if steps[index].possible != alone:
            break
        decided_at = index
    if decided_at is None:
        return None, ()
    before = steps[decided_at - 1].possible if decided_at > 0 else tuple(range(len(story.suspects)))
    after = steps[decided_at].cleared
    return decided_at, tuple(after[slot] for slot in before if after[slot] is not None)  # type: ignore[misc]


def _verdict(story: Story, steps: list[Step], decided_at: int | None) -> list[Finding]:
    if not steps:
        return []
    last = len(steps) - 1
    final = steps[-1]
    culprit = story.suspects[story.culprit]
    findings = []
    clearance = final.cleared[story.culprit]
    if clearance is not None and clearance.reason == "alibi":
        findings.append(
            Finding(
                clearance.latent_clue, None, f"this alibi clears the culprit, {culprit.name}, and it is never broken"
            )
        )
    if story.culprit in final.possible and len(final.possible) > 1:
        others = [story.suspects[slot].name for slot in final.possible if slot != story.culprit]
        findings.append(
            Finding(
                last,
                None,
                f"the case is never decided: after the last clue {', '.join(others)} "
                f"could still have done it as well as {culprit.name}",
            )
        )
    if (
        decided_at is not None
        and len(steps) >= EARLY_DECISION_MIN_CLUES
        and decided_at + 1 <= len(steps) * EARLY_DECISION_SHARE
    ):
        findings.append(
            Finding(decided_at, None, f"decided by clue {decided_at + 1} of {len(steps)}: too easy", "warning")
        )
    mentioned = set().union(*mentioned_slots(story))
    for slot, suspect in enumerate(story.suspects):
        if slot not in mentioned:
            message = f"{suspect.name} (the {suspect.role}) is never mentioned in a clue"
            findings.append(Finding(0, None, message, "warning", suspect=slot))
    for clue_index, fact_index, slot in unmentioned_facts(story):
        suspect = story.suspects[slot]
        message = (
            f"this fact is about {suspect.name}, but the clue's text never mentions {suspect.pronouns[1]}: not by "
            f"name, role or alias, nor by a pronoun that could be {suspect.pronouns[2]}"
        )
        findings.append(Finding(clue_index, fact_index, message, "warning"))
    findings += mixed_scales(story)
    return findings


def mixed_scales(story: Story) -> list[Finding]:
    """A warning at the first shoe size said the other way, when a story gives sizes both as numbers and as
    words: the oracle matches values exactly, so "large" evidence never matches a suspect who takes a 12."""
    first: dict[bool, str] = {}  # is a word -> the first value of that kind
    for slot, suspect in enumerate(story.suspects):
        value = suspect.traits.get("shoe_size")
        if value is not None:
            first.setdefault(not value.isdigit(), value)
            if len(first) == 2:
                return [Finding(0, None, _mixed_message(first), "warning", suspect=slot)]
    for clue_index, clue in enumerate(story.clues):
        for fact_index, fact in enumerate(clue.facts):
            if isinstance(fact, TraitStated | Evidence) and fact.trait == "shoe_size":
                first.setdefault(not fact.value.isdigit(), fact.value)
                if len(first) == 2:
                    return [Finding(clue_index, fact_index, _mixed_message(first), "warning")]
    return []


def _mixed_message(first: dict[bool, str]) -> str:
    return (
        f"shoe sizes are given both as numbers ({first[False]}) and as words ({first[True]}): the oracle matches "
        "values exactly, so a size never matches a word; use one or the other in a story"
    )


def locate_findings(findings: tuple[Finding, ...], source: str, locations: Locations) -> list[Problem]:
    """The oracle's findings as problems located in the story file they came from."""
    problems = []
    for finding in findings:
        if finding.suspect is not None:
            line, column = locations.key(("suspects", finding.suspect))
        elif finding.fact is None:
            line, column = locations.key(("clues", finding.clue))
        else:
            line, column = locations.value(("clues", finding.clue, "facts", finding.fact))
        problems.append(Problem(source, line, column, finding.message, finding.severity))
    return sorted(problems, key=lambda p: (p.line, p.column))
