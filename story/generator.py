"""The procedural case generator: seeded, deterministic, sound by construction, and fair to the oracle.

How a case is built (and why):
- Every suspect gets a distinct combination of values on the evidence traits, drawn uniformly over all such
  assignments and independently of who the culprit is. So no statement says anything about guilt until
  evidence arrives, and after each piece of evidence the culprit is equally likely to be any suspect still
  consistent with it: exactly the oracle's uniform posterior.
- For each evidence trait, every suspect's value is stated before the evidence about it, at least `min_gap`
  clues earlier. The statements are latent (they change nothing when read) and interleaved across traits, so a
  reader holds many (suspect, trait, value) bindings at once over hundreds of words; the evidence then clears
  every suspect whose remembered value differs.
- Standing alibis go to a uniformly chosen subset of innocents. Broken alibis ("the suspect is back in play")
  fall on any suspect without a standing alibi, the culprit included, with the same probability, and are broken
  before the first evidence; a retracted false testimony falls on any suspect and is withdrawn before that
  suspect's true value is stated. Red herrings and flavour name suspects uniformly. So mention counts and
  positions carry no information about the culprit beyond what the logic says (a test checks simple
  heuristics against a uniform guess). One window is by design not exact: while an alibi that will be broken
  stands, the oracle believes it and clears that suspect, who may be the culprit; that is the forgetting a
  reader must do when the alibi falls.
- Some statements are told with a pronoun right after the suspect is named ("Martin came in from the garden.
  He smokes a pipe."), sometimes across a neutral clue, so a reader must remember who the current subject is.
- Prose is written the way authors write it, so that the readers can follow hand-written mysteries too: facts
  told through what a suspect does ("signed the register with her left hand"), "Martin, the butler," as one
  subject, the murderer under several names, and other suspects as witnesses ("Cora swears that the butler
  smokes cigars", "Cora takes it back: that was someone else"). A witness is any other suspect, uniformly, so
  being one says nothing about guilt; a clue that names two suspects is never followed by a pronoun. Evidence
  is sometimes found among a suspect's things ("In the butler's room, ..."), any suspect's, uniformly.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Literal

from story import grammar
from story.data import Alibi, AlibiBroken, Clue, Evidence, Fact, Retraction, Story, Suspect, TraitStated
from story.knobs import unknown_knob
from story.mentions import RANKS
from story.traits import CATALOGUE


@dataclass(frozen=True)
class GeneratorConfig:
    """Knobs of the generator. Counts are per case; shares are probabilities."""

    cast_size: tuple[int, int] = (5, 6)  # suspects, inclusive range, uniform
    evidence_traits: int = 2  # traits the evidence names; their combination identifies the culprit
    distractor_traits: int = 1  # traits stated for some suspects that no evidence ever names
    distractor_share: float = 0.5  # chance that a suspect's distractor trait is stated
    min_gap: int = 9  # at least this many clues between a trait's last statement and its evidence
    standing_alibis: int = 1  # innocents cleared by an alibi that stands (at most cast - 2)
    broken_alibis: int = 1  # alibis broken later, on any suspect: the "forget" case
    false_testimonies: int = 1  # false trait statements retracted before the true one is stated
    red_herrings: int = 2  # suspicious-sounding clues about a random suspect, with no fact
    flavour: int = 4  # atmosphere, no suspect, no fact
    pronoun_share: float = 0.3  # share of statements told with a pronoun after naming the suspect
    role_share: float = 0.25  # share of mentions that use the role ("the butler") instead of the name
    testimony_share: float = 0.15  # share of true statements framed as a witness's claim, like false ones
    apposition_share: float = 0.2  # share of named subjects written "Martin, the butler," as authors do
    suspect_witness_share: float = 0.3  # share of witnesses to a statement who are other suspects
    placed_evidence_share: float = 0.25  # share of evidence found among a suspect's things (any suspect, uniformly)
    full_name_share: float = 0.5  # share of suspects with a surname and often a title ("Dr Ingrid Halvorsen"),
    # called by it, by title and surname, first name, surname or rank alone ("the Colonel"), as authors do
    title_share: float = 0.6  # share of those full names that open with a title ("Dr", "Colonel", "Mrs")
    dialogue_share: float = 0.15  # share of true statements the suspect says of themself: "'I am left-handed,'
    # said Martin." (or "he said", after the suspect was named)
    joined_share: float = 0.35  # chance that two neighbouring statements about two suspects share one clue
    paired_alibi_share: float = 0.3  # chance that two alibis are one clue: "Martin and Cora played cards all night"
    paragraph_share: float = 0.2  # share of clues told within a paragraph: one or two sentences of atmosphere
    # around them, as authors bury a fact in a description
    min_clues: int = 0  # pad with flavour up to at least this many planned clues
    phrasings: int = 0  # draw only each phrase bank's first N entries (0: all of them): a narrow grammar for a
    # curriculum's first level; names, roles, rooms and witnesses are not limited


PRESETS: dict[str, GeneratorConfig] = {
    # The smallest case that still needs binding: for tests, demos and the first curriculum levels.
    "tiny": GeneratorConfig(
        cast_size=(3, 3),
        evidence_traits=1,
        distractor_traits=0,
        min_gap=1,
        standing_alibis=0,
        broken_alibis=0,
        false_testimonies=0,
        red_herrings=0,
        flavour=1,
        pronoun_share=0.0,
        dialogue_share=0.0,
        joined_share=0.0,
        paragraph_share=0.0,
        paired_alibi_share=0.0,
    ),
    "easy": GeneratorConfig(
        cast_size=(4, 4),
        evidence_traits=1,
        distractor_traits=1,
        min_gap=3,
        broken_alibis=0,
        false_testimonies=0,
        red_herrings=1,
        flavour=2,
        pronoun_share=0.2,
    ),
    "default": GeneratorConfig(),
    "hard": GeneratorConfig(
        cast_size=(6, 7),
        evidence_traits=3,
        distractor_traits=2,
        min_gap=10,
        broken_alibis=2,
        false_testimonies=2,
        red_herrings=3,
        flavour=6,
        pronoun_share=0.4,
    ),
    # The length of a short story as people write them: 7-8 suspects and about 1,100-1,900 words (mean ~1,460;
    # 45-80 clues, shorter than an author's): more to hold at once, for longer, more of it buried in paragraphs.
    "long": GeneratorConfig(
        cast_size=(7, 8),
        evidence_traits=3,
        distractor_traits=1,
        distractor_share=0.4,
        min_gap=12,
        broken_alibis=2,
        false_testimonies=2,
        red_herrings=3,
        flavour=2,
        pronoun_share=0.4,
        paragraph_share=0.3,
    ),
}
DIFFICULTIES = tuple(PRESETS)


def case_seed(run_seed: int, index: int) -> int:
    """The seed of case `index` in a run seeded `run_seed`; runs with different seeds never share a case."""
    digest = hashlib.blake2b(f"whodunit:{run_seed}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def generate_cases(
    run_seed: int, count: int, difficulty: str = "default", config: GeneratorConfig | None = None, start: int = 0
) -> Iterator[Story]:
    """Cases `start` .. `start + count - 1` of the run seeded `run_seed`."""
    for index in range(start, start + count):
        yield generate_case(case_seed(run_seed, index), difficulty, config)


def generate_case(seed: int, difficulty: str = "default", config: GeneratorConfig | None = None) -> Story:
    """One case; the same seed and knobs always give the same story, byte for byte.

    `config` replaces the preset's knobs; the story then records its difficulty as e.g. "default+custom".
    """
    if config is None or config == PRESETS[difficulty]:
        config, label = PRESETS[difficulty], difficulty
    else:
        label = f"{difficulty}+custom"
    return _Builder(random.Random(seed), config).build(seed, label)


# --- building -----------------------------------------------------------------------------------------------------


UnitKind = Literal["statement", "false", "retract", "evidence", "alibi", "broken", "herring", "flavour"]


@dataclass
class _Unit:
    """One planned clue (two, for a statement with its own introduction)."""

    kind: UnitKind
    suspect: int = -1
    trait: str = ""
    value: str = ""
    fact_id: str | None = None
    witness: int = -1  # for a false testimony and its retraction: another suspect's slot, or -1 (a bystander)
    bystander: str = ""  # the bystander witness, when there is one
    pronoun: bool = False  # introduce the suspect first, then state the fact with a pronoun
    joined: bool = False  # a statement told in one clue with the next unit, a statement about someone else


class _Builder:
    def __init__(self, rng: random.Random, config: GeneratorConfig) -> None:
        self.rng = rng
        self.config = config

    def build(self, seed: int, difficulty: str) -> Story:
        rng, config = self.rng, self.config
        size = rng.randint(*config.cast_size)
        cast = self.cast(size)
        culprit = rng.randrange(size)
        evidence_traits, distractors = self.traits(size)
        values = self.values(size, evidence_traits, distractors)
        suspects = tuple(replace(suspect, traits=values[slot]) for slot, suspect in enumerate(cast))

        units = self.plan(size, culprit, evidence_traits, distractors, values)
        place, victim = (
            rng.choice(grammar.PLACES),
            f"{rng.choice(grammar.VICTIM_TITLES)} {rng.choice(grammar.VICTIM_SURNAMES)}",
        )
        when = grammar.CASE_WHEN.format(season=rng.choice(grammar.SEASONS), year=rng.choice(grammar.YEARS))
        clues = _Renderer(rng, config, suspects, victim).render(units)
        names = "; ".join(f"{suspect.name}, the {suspect.role}" for suspect in suspects)
        intro = grammar.CASE_INTRO.format(victim=victim, place=place, when=when, size=size, cast=names)
        guilty = suspects[culprit]
        described = ", ".join(CATALOGUE[trait].describe(values[culprit][trait]) for trait in evidence_traits)
        reveal = grammar.CASE_REVEAL.format(name=guilty.name, role=guilty.role, described=described)
        title = grammar.CASE_TITLE.format(word=rng.choice(grammar.TITLE_WORDS), place=place)
        return Story(title, f"{place}, {when}", victim, intro, suspects, clues, culprit, reveal, seed, difficulty)

    def cast(self, size: int) -> list[Suspect]:
        rng = self.rng
        pronouns = [rng.choice(("he", "she")) for _ in range(size)]
        male = iter(rng.sample(grammar.MALE_NAMES, size))
        female = iter(rng.sample(grammar.FEMALE_NAMES, size))
        roles = rng.sample(grammar.ROLES, size)
        surnames = iter(rng.sample(grammar.SURNAMES, size))
        cast = []
        for pronoun, role in zip(pronouns, roles, strict=True):
            name = next(male) if pronoun == "he" else next(female)
            if rng.random() < self.config.full_name_share:
                titles = grammar.MALE_TITLES if pronoun == "he" else grammar.FEMALE_TITLES
                titles = tuple(title for title in titles if title.lower() not in roles)  # "the Colonel" is one
                title = rng.choice(titles) if rng.random() < self.config.title_share else ""
                name = " ".join(part for part in (title, name, next(surnames)) if part)
            cast.append(Suspect(name, role, pronoun))
        return cast

    def traits(self, size: int) -> tuple[list[str], list[str]]:
        """Evidence traits whose value combinations can tell `size` suspects apart, and distractor traits."""
        config = self.config
        names = list(CATALOGUE)
        while True:
            chosen = self.rng.sample(names, config.evidence_traits + config.distractor_traits)
            evidence = chosen[: config.evidence_traits]
            combinations = 1
            for trait in evidence:
                combinations *= len(CATALOGUE[trait].generated_values)
            if combinations >= size + 1:  # at least one combination to spare, so the culprit's is not forced
                return evidence, chosen[config.evidence_traits :]

    def values(self, size: int, evidence: list[str], distractors: list[str]) -> list[dict[str, str]]:
        """Distinct evidence-value combinations, uniform over such assignments; distractors uniform."""
        radices = [len(CATALOGUE[trait].generated_values) for trait in evidence]
        total = 1
        for radix in radices:
            total *= radix
        values: list[dict[str, str]] = []
        for code in self.rng.sample(range(total), size):
            row = {}
            for trait, radix in zip(evidence, radices, strict=True):
                code, digit = divmod(code, radix)
                row[trait] = CATALOGUE[trait].generated_values[digit]
            for trait in distractors:
                row[trait] = self.rng.choice(CATALOGUE[trait].generated_values)
            values.append(row)
        return values

    def plan(
        self, size: int, culprit: int, evidence: list[str], distractors: list[str], values: list[dict[str, str]]
    ) -> list[_Unit]:
        rng, config = self.rng, self.config
        # Interleave each evidence trait's statements (in random order) followed by its evidence.
        chains = []
        for trait in evidence:
            order = rng.sample(range(size), size)
            chain = [_Unit("statement", slot, trait, values[slot][trait]) for slot in order]
            chains.append([*chain, _Unit("evidence", -1, trait, values[culprit][trait])])
        units = _random_merge(rng, chains)
        for unit in units:
            unit.pronoun = unit.kind == "statement" and rng.random() < config.pronoun_share

        # A false testimony stands for a while and is retracted before the suspect's true value is stated.
        statements = [unit for unit in units if unit.kind == "statement"]
        targets = rng.sample(statements, min(config.false_testimonies, len(statements)))
        for number, target in enumerate(targets):
            wrong = rng.choice([v for v in CATALOGUE[target.trait].generated_values if v != target.value])
            witness = _other(rng, size, target.suspect) if rng.random() < config.suspect_witness_share else -1
            bystander = rng.choice(grammar.WITNESSES)
            fact_id = f"testimony-{number + 1}"
            end = units.index(target)
            first, second = sorted((rng.randint(0, end), rng.randint(0, end)))
            said = {"fact_id": fact_id, "witness": witness, "bystander": bystander}
            units.insert(second, _Unit("retract", target.suspect, target.trait, **said))
            units.insert(first, _Unit("false", target.suspect, target.trait, wrong, **said))

        # Alibis resolve before the first evidence, so the decision always rests on remembered traits.
        innocents = [slot for slot in range(size) if slot != culprit]
        standing = rng.sample(innocents, min(config.standing_alibis, size - 2))
        free = [slot for slot in range(size) if slot not in standing]
        for slot in standing:
            units.insert(rng.randint(0, _first(units, "evidence")), _Unit("alibi", slot))
        for slot in rng.sample(free, min(config.broken_alibis, len(free))):
            first, second = sorted(
                (rng.randint(0, _first(units, "evidence")), rng.randint(0, _first(units, "evidence")))
            )
            units.insert(second, _Unit("broken", slot))
            units.insert(first, _Unit("alibi", slot))

        fillers = [
            _Unit("statement", slot, trait, values[slot][trait])
            for trait in distractors
            for slot in range(size)
            if rng.random() < config.distractor_share
        ]
        fillers += [_Unit("herring", rng.randrange(size)) for _ in range(config.red_herrings)]
        fillers += [_Unit("flavour") for _ in range(config.flavour)]
        rng.shuffle(fillers)
        fillers += [_Unit("flavour") for _ in range(config.min_clues - len(units) - len(fillers))]
        self.widen_gaps(units, evidence, fillers)
        for filler in fillers:
            # No decision depends on a filler (distractor traits never meet evidence), so anywhere is fair.
            units.insert(rng.randint(0, len(units)), filler)
        self.join_alibis(units, evidence)
        self.join_statements(units, evidence)
        return units

    def join_alibis(self, units: list[_Unit], evidence: list[str]) -> None:
        """At `paired_alibi_share`, tell two alibis (standing or to be broken) as one clue, at the first one's
        place: earlier is safe for an alibi, which must come before the evidence and before its own breaking."""
        alibis = [index for index, unit in enumerate(units) if unit.kind == "alibi"]
        if len(alibis) < 2 or self.rng.random() >= self.config.paired_alibi_share:
            return
        first, second = sorted(self.rng.sample(alibis, 2))
        moved = units.pop(second)
        units.insert(first + 1, moved)
        units[first].joined = True
        if not _gaps_hold(units, evidence, self.config.min_gap):
            units[first].joined = False
            units.insert(second, units.pop(first + 1))

    def join_statements(self, units: list[_Unit], evidence: list[str]) -> None:
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
                and self.rng.random() < self.config.joined_share
            ):
                first.joined = True
                if _gaps_hold(units, evidence, self.config.min_gap):
                    index += 2
                    continue
                first.joined = False
            index += 1

    def widen_gaps(self, units: list[_Unit], evidence: list[str], fillers: list[_Unit]) -> None:
        """Move fillers in front of each piece of evidence until it stands `min_gap` clues after its statements."""
        for trait in evidence:
            while True:
                at = next(i for i, unit in enumerate(units) if unit.kind == "evidence" and unit.trait == trait)
                last = max(i for i, unit in enumerate(units[:at]) if unit.kind == "statement" and unit.trait == trait)
                if at - last - 1 >= self.config.min_gap:
                    break
                units.insert(at, fillers.pop() if fillers else _Unit("flavour"))


def _gaps_hold(units: list[_Unit], evidence: list[str], min_gap: int) -> bool:
    """Whether each piece of evidence stands at least `min_gap` clues after its trait's last statement, with
    joined units counted as one clue."""
    clue_of, clue = [], -1
    for index in range(len(units)):
        clue += not (index and units[index - 1].joined)
        clue_of.append(clue)
    for trait in evidence:
        at = next(i for i, unit in enumerate(units) if unit.kind == "evidence" and unit.trait == trait)
        last = max(i for i, unit in enumerate(units[:at]) if unit.kind == "statement" and unit.trait == trait)
        if clue_of[at] - clue_of[last] - 1 < min_gap:
            return False
    return True


def _other(rng: random.Random, size: int, slot: int) -> int:
    """Another suspect than `slot`, uniformly: witnesses say nothing about guilt."""
    return rng.choice([other for other in range(size) if other != slot])


def _first(units: list[_Unit], kind: str) -> int:
    return next(index for index, unit in enumerate(units) if unit.kind == kind)


def _random_merge(rng: random.Random, chains: list[list[_Unit]]) -> list[_Unit]:
    """A uniformly random interleaving of the chains, each kept in order."""
    merged: list[_Unit] = []
    heads = [0] * len(chains)
    remaining = sum(len(chain) for chain in chains)
    while remaining:
        pick = rng.randrange(remaining)
        for index, chain in enumerate(chains):
            left = len(chain) - heads[index]
            if pick < left:
                merged.append(chain[heads[index]])
                heads[index] += 1
                break
            pick -= left
        remaining -= 1
    return merged


# --- rendering ------------------------------------------------------------------------------------------------


class _Renderer:
    """Turns planned units into clues, tracking who was named last so that pronouns stay unambiguous."""

    def __init__(
        self, rng: random.Random, config: GeneratorConfig, suspects: tuple[Suspect, ...], victim: str = ""
    ) -> None:
        self.rng = rng
        self.config = config
        self.suspects = suspects
        self.names = _name_forms(suspects, victim)
        self.last_named = -1
        self.told: set[str] = set()  # the atmosphere and suspicion templates this case has used: none twice

    def render(self, units: list[_Unit]) -> tuple[Clue, ...]:
        clues: list[Clue] = []
        units = iter(units)
        for unit in units:
            if unit.joined:
                pair = unit, next(units)
                clues.append(self.paragraph(self.joined(*pair) if unit.kind == "statement" else self.alibis(*pair)))
                continue
            if unit.kind == "statement" and unit.pronoun and self.last_named != unit.suspect:
                intro = self.sentence(self.rng.choice(self.phrases(grammar.SUBJECT_INTROS)), unit.suspect)
                if self.rng.random() < 0.5:
                    clues.append(self.paragraph(Clue(intro)))
                    if self.rng.random() < 0.5:
                        clues.append(Clue(self.rng.choice(self.phrases(grammar.BRIDGES))))
                else:
                    fact = self.statement(unit)
                    clues.append(self.paragraph(Clue(f"{intro} {fact.text}", fact.facts)))
                    continue
            clues.append(self.paragraph(self.clue(unit)))
        return tuple(clues)

    def paragraph(self, clue: Clue) -> Clue:
        """The clue, or at `paragraph_share` the clue among one or two sentences of atmosphere, which name nobody
        (so a pronoun after it still means the suspect named last)."""
        rng = self.rng
        if rng.random() >= self.config.paragraph_share:
            return clue
        before = [self.atmosphere() for _ in range(rng.randint(0, 2))]
        after = [self.atmosphere() for _ in range(rng.randint(0, 1))]
        if not before and not after:
            before = [self.atmosphere()]
        return Clue(" ".join([*before, clue.text, *after]), clue.facts)

    def alibis(self, first: _Unit, second: _Unit) -> Clue:
        """Two suspects' alibis in one sentence ("Martin and the cook played cards"); no pronoun may follow it."""
        template = self.rng.choice(self.phrases(grammar.PAIRED_ALIBIS))
        text = self.fill(template, -1, a=self.mention(first.suspect), b=self.mention(second.suspect))
        self.last_named = -1
        return Clue(_capital(text), (Alibi(first.suspect), Alibi(second.suspect)))

    def joined(self, first: _Unit, second: _Unit) -> Clue:
        """Two statements about two suspects in one sentence; no pronoun may follow it."""
        text = self.rng.choice(self.phrases(grammar.JOINERS)).format(
            a=self.clause(first, named=True), b=self.clause(second, named=True)
        )
        self.last_named = -1
        facts = (
            TraitStated(first.suspect, first.trait, first.value),
            TraitStated(second.suspect, second.trait, second.value),
        )
        return Clue(_capital(text), facts)

    def atmosphere(self) -> str:
        """A sentence of atmosphere, naming nobody."""
        return self.sentence(self.untold(grammar.FLAVOUR), -1)

    def untold(self, bank: tuple[str, ...]) -> str:
        """A template of `bank` that this case has not used yet (any again once all are): a long case told the
        same sentence twice."""
        phrases = self.phrases(bank)
        template = self.rng.choice([each for each in phrases if each not in self.told] or phrases)
        self.told.add(template)
        return template

    def phrases(self, bank: tuple[str, ...]) -> tuple[str, ...]:
        """The bank, or its first `phrasings` entries: the banks list their plainest phrasings first."""
        limit = self.config.phrasings
        return bank[:limit] if limit else bank

    def clue(self, unit: _Unit) -> Clue:
        rng = self.rng
        match unit.kind:
            case "statement":
                return self.statement(unit)
            case "false":
                frame = rng.choice(self.phrases(grammar.TESTIMONY_FRAMES))
                clause = self.clause(unit, named=True)
                text = self.sentence(frame, -1, c=clause, w=self.witness(unit.witness, unit.bystander))
                return Clue(text, (TraitStated(unit.suspect, unit.trait, unit.value, unit.fact_id),))
            case "retract":
                text = self.sentence(
                    rng.choice(self.phrases(grammar.RETRACTIONS)),
                    unit.suspect,
                    w=self.witness(unit.witness, unit.bystander),
                    noun=CATALOGUE[unit.trait].noun,
                )
                if unit.witness >= 0:
                    self.last_named = -1  # the witness was named before the subject, which fill() then recorded
                return Clue(text, (Retraction(unit.fact_id or ""),))
            case "evidence":
                clause = self.fill(
                    rng.choice(self.phrases(grammar.EVIDENCE[unit.trait])), -1, **self.value_words(unit, False)
                )
                if rng.random() < self.config.placed_evidence_share:
                    owner = self.mention(rng.randrange(len(self.suspects)))
                    text = _capital(
                        rng.choice(self.phrases(grammar.EVIDENCE_FRAMES_PLACED)).format(c=clause, xp=f"{owner}'s")
                    )
                else:
                    text = _capital(rng.choice(self.phrases(grammar.EVIDENCE_FRAMES)).format(c=clause))
                return Clue(text, (Evidence(unit.trait, unit.value),))
            case "alibi" | "broken":
                templates = grammar.ALIBIS if unit.kind == "alibi" else grammar.BROKEN_ALIBIS
                fact: Fact = Alibi(unit.suspect) if unit.kind == "alibi" else AlibiBroken(unit.suspect)
                return Clue(self.sentence(rng.choice(self.phrases(templates)), unit.suspect), (fact,))
            case "herring":
                return Clue(self.sentence(self.untold(grammar.SUSPICIONS), unit.suspect))
            case _:
                return Clue(self.atmosphere())

    def statement(self, unit: _Unit) -> Clue:
        rng = self.rng
        pronoun = unit.pronoun and self.last_named == unit.suspect
        if rng.random() < self.config.dialogue_share:
            return self.dialogue(unit, pronoun)
        clause = self.clause(unit, named=not pronoun)
        if not pronoun and rng.random() < self.config.testimony_share:
            frame = rng.choice(self.phrases(grammar.TESTIMONY_FRAMES))
        else:
            frames = self.phrases(grammar.STATEMENT_FRAMES)
            frame = rng.choice(frames if pronoun else frames + self.phrases(grammar.STATEMENT_FRAMES_NAMED))
        if "{w}" in frame:
            suspect = rng.random() < self.config.suspect_witness_share
            witness = _other(rng, len(self.suspects), unit.suspect) if suspect else -1
            text = _capital(frame.format(c=clause, w=self.witness(witness, rng.choice(grammar.WITNESSES))))
        else:
            text = _capital(frame.format(c=clause))
        return Clue(text, (TraitStated(unit.suspect, unit.trait, unit.value),))

    def dialogue(self, unit: _Unit, pronoun: bool) -> Clue:
        """A statement in the suspect's own words: "'I am left-handed,' said Martin." (or "he said")."""
        rng = self.rng
        words = self.value_words(unit, True)
        first_person = grammar.FIRST_PERSON_WORDS.get(unit.trait)
        if first_person:
            words["v"] = rng.choice(self.phrases(first_person[unit.value]))
        quote = _capital(self.fill(rng.choice(self.phrases(grammar.FIRST_PERSON[unit.trait])), -1, **words))
        frames = self.phrases(grammar.DIALOGUE_FRAMES)
        if pronoun:  # "he shrugged", "'...,' he said"; never "said he" or "the statement of she"
            frames = tuple(frame for frame in frames if _PRONOUN_SPEAKER.search(frame)) or frames
        text = self.sentence(rng.choice(frames), unit.suspect, not pronoun, q=quote)
        return Clue(text, (TraitStated(unit.suspect, unit.trait, unit.value),))

    def witness(self, slot: int, bystander: str) -> str:
        """The witness's words: another suspect, by name or role, or a bystander."""
        return f"the {bystander}" if slot < 0 else self.mention(slot)

    def mention(self, slot: int) -> str:
        """A suspect by name or, at `role_share`, by role ("the butler").

        A suspect named anywhere but as the subject (a witness, an evidence owner) leaves no pronoun a single
        referent, so no pronoun may follow; `fill` records its subject after this.
        """
        self.last_named = -1
        if self.rng.random() < self.config.role_share:
            return f"the {self.suspects[slot].role}"
        return self.rng.choice(self.names[slot])

    def clause(self, unit: _Unit, named: bool) -> str:
        template = self.rng.choice(self.phrases(grammar.STATEMENTS[unit.trait]))
        return self.fill(template, unit.suspect, named=named, **self.value_words(unit, True))

    def value_words(self, unit: _Unit, statement: bool) -> dict[str, str]:
        choose = self.rng.choice
        words = {
            "v": choose(self.phrases(grammar.VALUE_WORDS.get(unit.trait, {}).get(unit.value, (unit.value,)))),
            "vp": choose(self.phrases(grammar.PAST_VALUE_WORDS.get(unit.trait, {}).get(unit.value, (unit.value,)))),
        }
        items = (grammar.STATEMENT_ITEMS if statement else grammar.ITEMS).get(unit.trait)
        if items:
            words["item"] = choose(self.phrases(items[unit.value]))
        return words

    def sentence(self, template: str, slot: int, named: bool = True, **slots: str) -> str:
        return _capital(self.fill(template, slot, named=named, **slots))

    def fill(self, template: str, slot: int, named: bool = True, **slots: str) -> str:
        """Fill a template about suspect `slot` (-1: nobody); the subject is a name or role unless not `named`."""
        rng = self.rng
        if slot >= 0:
            suspect = self.suspects[slot]
            pronoun, object_pronoun, possessive = suspect.pronouns
            subject = pronoun
            if named:
                subject = self.mention(slot)
                possessive_subject = f"{subject}'s"
                if template.startswith("{s} ") and rng.random() < self.config.apposition_share:
                    subject = f"{suspect.name}, the {suspect.role},"
            else:
                possessive_subject = possessive
            slots.update(s=subject, sp=possessive_subject, p=possessive, sub=pronoun, obj=object_pronoun)
            self.last_named = slot
        if "{w}" in template and "w" not in slots:
            slots["w"] = f"the {rng.choice(grammar.WITNESSES)}"
        if "{k}" in template:
            slots["k"] = rng.choice(self.phrases(grammar.KILLERS))
        if "{room}" in template:
            slots["room"] = rng.choice(grammar.ROOMS)
        return template.format(**slots)


def _name_forms(suspects: tuple[Suspect, ...], victim: str) -> list[tuple[str, ...]]:
    """Per suspect, the ways the prose may call them by name. A full name "Dr Ingrid Halvorsen" gives it,
    "Ingrid", "Dr Halvorsen" ("Sir Hugh" for a knight), "Halvorsen" when untitled, and a rank alone ("the
    Colonel") when no other suspect holds it and the victim does not: the forms story/mentions.py resolves."""
    titles = set(grammar.MALE_TITLES + grammar.FEMALE_TITLES)
    held = [suspect.name.split()[0] for suspect in suspects if suspect.name.split()[0] in titles]
    forms = []
    for suspect in suspects:
        parts = suspect.name.split()
        if len(parts) == 1:
            forms.append((suspect.name,))
            continue
        title, first, surname = parts if len(parts) == 3 else ("", *parts)
        if not title:
            forms.append((suspect.name, first, surname))
            continue
        short = f"{title} {first}" if title in ("Sir", "Lady") else f"{title} {surname}"
        found = [suspect.name, first, short, short]  # title and surname twice: the way authors call them most
        if title.lower() in RANKS and held.count(title) == 1 and title not in victim.split():
            found.append(f"the {title}")
        forms.append(tuple(found))
    return forms


# Where a dialogue frame's speaker may be a pronoun: opening the sentence, or after ", ", "as " or a quotation.
_PRONOUN_SPEAKER = re.compile(r"(^|, |\bas |' )\{sp?\}")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def configure(base: GeneratorConfig, overrides: dict[str, str]) -> GeneratorConfig:
    """`base` with knobs set from text ("cast_size" -> "5,6", "min_gap" -> "8"); ValueError says what is wrong."""
    known = {field.name: field for field in fields(GeneratorConfig)}
    changes: dict[str, object] = {}
    for key, text in overrides.items():
        if key not in known:
            raise unknown_knob("generator", key, known)
        current = getattr(base, key)
        try:
            if isinstance(current, tuple):
                low, _, high = text.partition(",")
                changes[key] = (int(low), int(high or low))
            else:
                changes[key] = type(current)(text)
        except ValueError:
            wanted = {tuple: "two integers such as 5,6", int: "an integer", float: "a number"}[type(current)]
            raise ValueError(f"knob '{key}' takes {wanted}, not '{text}'") from None
    config = replace(base, **changes)  # type: ignore[arg-type]
    _check(config)
    return config


def _check(config: GeneratorConfig) -> None:
    low, high = config.cast_size
    if not 3 <= low <= high <= 8:
        raise ValueError("cast_size must be two integers with 3 <= low <= high <= 8")
    if not 1 <= config.evidence_traits <= 3 or config.evidence_traits + config.distractor_traits > len(CATALOGUE):
        raise ValueError(f"evidence_traits must be 1 to 3, and with distractor_traits at most {len(CATALOGUE)}")
    if config.evidence_traits == 1 and high > max(len(t.generated_values) for t in CATALOGUE.values()) - 1:
        raise ValueError("with one evidence trait, the cast must be small enough for its values to tell it apart")
    counts = (
        "distractor_traits",
        "min_gap",
        "standing_alibis",
        "broken_alibis",
        "false_testimonies",
        "red_herrings",
        "flavour",
        "min_clues",
        "phrasings",
    )
    for name in counts:
        if not 0 <= getattr(config, name) <= 100:
            raise ValueError(f"{name} must be between 0 and 100")
    for name in (field.name for field in fields(GeneratorConfig) if field.name.endswith("_share")):
        if not 0.0 <= getattr(config, name) <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1")
