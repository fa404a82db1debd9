"""The logic oracle: after every clue, who could still have done it, and why each other suspect is cleared.

A suspect is cleared while an alibi for them stands, or while a standing statement of one of their traits
differs from standing evidence about the culprit's. Everything else is possible, and the oracle's posterior is
uniform over the possible suspects. Facts can be withdrawn (a broken alibi, a retracted testimony), so a
cleared suspect can come back into play: the oracle re-derives each step from the facts then standing.

The same pass proves a story sound: no fact contradicts a standing one or the author's cast, the culprit is
never cleared at the end, and by the last clue the culprit is the only suspect left.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from story.data import Alibi, AlibiBroken, Evidence, Fact, Retraction, Story, TraitStated
from story.mentions import clue_mentions, unmentioned_facts
from story.problems import Severity
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


@dataclass(frozen=True, slots=True)
class _Standing:
    """One fact still in force, with where it was said; `value` is a trait's value (empty for alibis)."""

    fact: Fact
    clue: int
    index: int  # position among the clue's facts
    value: str = ""


@dataclass(slots=True)
class _Ledger:
    """The facts standing as the clues are read, and the problems found on the way: one handler per fact kind."""

    story: Story
    findings: list[Finding]
    alibis: list[list[_Standing]] = field(init=False)  # per slot
    statements: dict[tuple[int, str], list[_Standing]] = field(default_factory=dict)  # (slot, trait) -> standing
    evidence: dict[str, list[_Standing]] = field(default_factory=dict)  # trait -> standing evidence
    by_id: dict[str, _Standing] = field(default_factory=dict)
    withdrawn: set[str] = field(default_factory=set)
    untrue: list[tuple[_Standing, str]] = field(default_factory=list)  # contradict the cast: must be retracted

    def __post_init__(self) -> None:
        self.alibis = [[] for _ in self.story.suspects]

    def read(self, clue_index: int, facts: tuple[Fact, ...]) -> None:
        """Apply one clue's facts as one event, whatever order the author listed them in: what it withdraws
        (retractions, broken alibis) applies to what stood before the clue, then what it states is added."""
        for fact_index, fact in sorted(enumerate(facts), key=lambda item: not _withdraws(item[1])):
            value = fact.value if isinstance(fact, TraitStated | Evidence) else ""
            standing = _Standing(fact, clue_index, fact_index, value)
            if fact.id is not None:
                self.by_id[fact.id] = standing
            match fact:
                case TraitStated():
                    self._state(standing, fact)
                case Evidence():
                    self._find(standing, fact)
                case Alibi(slot):
                    self.alibis[slot].append(standing)
                case AlibiBroken(slot):
                    self._break(standing, slot)
                case Retraction(target):
                    self._retract(standing, target)

    def _problem(self, at: _Standing, message: str) -> None:
        self.findings.append(Finding(at.clue, at.index, message))

    def _state(self, standing: _Standing, fact: TraitStated) -> None:
        suspect = self.story.suspects[fact.suspect]
        said = f"says {suspect.name}'s {fact.trait} is '{fact.value}'"
        self._against(
            standing,
            truth=suspect.traits.get(fact.trait),
            missing=f'the cast gives {suspect.name} no {fact.trait}; add {fact.trait} = "{fact.value}" to '
            f"{suspect.pronouns[2]} traits",
            untrue=lambda truth: f"{said}, but the cast says '{truth}'",
            pile=self.statements.setdefault((fact.suspect, fact.trait), []),
            conflict=lambda clue, other: (
                f"{said}, but clue {clue} said '{other}' and still stands; retract one of them first"
            ),
        )

    def _find(self, standing: _Standing, fact: Evidence) -> None:
        culprit = self.story.suspects[self.story.culprit]
        said = f"the culprit's {fact.trait} is '{fact.value}'"
        self._against(
            standing,
            truth=culprit.traits.get(fact.trait),
            missing=f"evidence about {fact.trait}, but the cast gives the culprit, {culprit.name}, no "
            f"{fact.trait}; add it to {culprit.pronouns[2]} traits",
            untrue=lambda truth: f"says {said}, but the culprit, {culprit.name}, has '{truth}'",
            pile=self.evidence.setdefault(fact.trait, []),
            conflict=lambda clue, other: f"evidence says {said}, but clue {clue} said '{other}' and still stands",
        )

    def _against(
        self,
        standing: _Standing,
        *,
        truth: str | None,
        missing: str,
        untrue: Callable[[str], str],
        pile: list[_Standing],
        conflict: Callable[[int, str], str],
    ) -> None:
        """The check a statement and a piece of evidence share: against the cast's truth (a value the cast lacks is
        an error; one that differs must be retracted later), and against what stands about the same thing."""
        if truth is None:
            self._problem(standing, missing)
        elif truth != standing.value:
            self.untrue.append((standing, untrue(truth)))
        for other in pile:
            if other.value != standing.value:
                self._problem(standing, conflict(other.clue + 1, other.value))
        pile.append(standing)

    def _break(self, standing: _Standing, slot: int) -> None:
        if not self.alibis[slot]:
            name = self.story.suspects[slot].name
            self._problem(standing, f"breaks {name}'s alibi, but {name} has no alibi standing here")
        self.alibis[slot].clear()

    def _retract(self, standing: _Standing, target: str) -> None:
        withdrawn = self.by_id.get(target)
        if target in self.withdrawn:
            self._problem(standing, f"retracts '{target}', which is already retracted")
        elif withdrawn is None:
            self._problem(standing, f"retracts '{target}', but no fact of an earlier clue has that id")
        elif isinstance(withdrawn.fact, AlibiBroken | Retraction):
            advice = (
                "to restore an alibi, state a new one"
                if isinstance(withdrawn.fact, AlibiBroken)
                else "to bring a withdrawn fact back, state it again"
            )
            self._problem(standing, f"only trait, evidence and alibi facts can be retracted; {advice}")
        else:
            self.withdrawn.add(target)
            for pile in (*self.alibis, *self.statements.values(), *self.evidence.values()):
                if withdrawn in pile:
                    pile.remove(withdrawn)

    def never_retracted(self) -> list[Finding]:
        """A fact that contradicts the cast is an error unless a later clue retracts it."""
        return [
            Finding(standing.clue, standing.index, f"{message} and it is never retracted{_id_hint(standing)}")
            for standing, message in self.untrue
            if standing.fact.id is None or standing.fact.id not in self.withdrawn
        ]

    def step(self, word_ends: list[int]) -> Step:
        """The oracle's state from the facts standing now."""
        return _step(len(self.story.suspects), self.alibis, self.statements, self.evidence, word_ends)


def _id_hint(standing: _Standing) -> str:
    return "" if standing.fact.id else " (give it an id to retract it later)"


def analyze(story: Story) -> Analysis:
    """Run the oracle over every clue of `story` and prove it sound (see the module docstring)."""
    word_ends = list(itertools.accumulate(count_words(clue.text) for clue in story.clues))
    findings: list[Finding] = []
    ledger = _Ledger(story, findings)
    steps: list[Step] = []
    for clue_index, clue in enumerate(story.clues):
        ledger.read(clue_index, clue.facts)
        if steps and not clue.facts:  # nothing new stands: the state is the previous clue's
            steps.append(steps[-1])
            continue
        step = ledger.step(word_ends)
        if not step.possible:
            findings.append(Finding(clue_index, None, "after this clue no suspect fits every fact"))
        steps.append(step)
    findings += ledger.never_retracted()
    decided_at, deciding = _decision(story, steps)
    findings += _verdict(story, steps, decided_at)
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
    stated = tuple((slot, trait, pile[-1].value) for (slot, trait), pile in statements.items() if pile)
    found = tuple((trait, pile[-1].value) for trait, pile in evidence.items() if pile)
    return Step(possible, tuple(cleared), stated, found, tuple(least_words))


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
        groups.setdefault(standing.value, []).append(standing.clue)
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
    return decided_at, tuple(reason for slot in before if (reason := after[slot]) is not None)


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
    per_clue = clue_mentions(story)
    mentioned = {mention.slot for mentions in per_clue for mention in mentions}
    for slot, suspect in enumerate(story.suspects):
        if slot not in mentioned:
            message = f"{suspect.name} (the {suspect.role}) is never mentioned in a clue"
            findings.append(Finding(0, None, message, "warning", suspect=slot))
    for clue_index, fact_index, slot in unmentioned_facts(story, per_clue):
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
