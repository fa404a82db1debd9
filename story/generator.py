"""The procedural case generator: seeded, deterministic, sound by construction, and fair to the oracle.

How a case is built (and why):
- Every suspect gets a distinct combination of values on the evidence traits, drawn uniformly over all such
  assignments and independently of who the culprit is. So no statement says anything about guilt until
  evidence arrives, and after each piece of evidence the culprit is equally likely to be any suspect still
  consistent with it: exactly the oracle's uniform posterior.
- For each evidence trait, every suspect's value is stated before the evidence about it, at least `min_gap`
  clues earlier. The statements are latent (they change nothing when read) and interleaved across traits, so a
  reader holds many (suspect, trait, value) bindings at once over hundreds of words; the evidence then clears
  every suspect whose remembered value differs. With `late_statement_share`, some statements (of uniformly
  chosen suspects, the culprit's as likely as any) come after their evidence instead, as authors often tell
  them: then the evidence is what must be held, and each such statement clears its suspect when it differs.
  With `untold_share`, some values are never told, as authors leave most of a cast's tobacco untold: an
  innocent's only while another told value still clears them, the culprit's as often (see `_Builder.untold`).
  A suspect possible at a piece of evidence may then have that value untold, and at the evidence that decides
  the case the one told match may be a suspect cleared before, while the culprit's value is untold.
- Standing alibis go to a uniformly chosen subset of innocents. Broken alibis ("the suspect is back in play")
  fall on any suspect without a standing alibi, the culprit included, with the same probability, and are broken
  before the first evidence (with `late_break_share`, some after it: then a suspect chosen uniformly among the
  others without an alibi has all their evidence statements told after the break, so that someone is possible
  while the alibi stands, whoever is guilty); a retracted false testimony falls on any suspect and is withdrawn
  before that suspect's true value is stated and before its trait's evidence (with `late_retraction_share`, some
  after the evidence, the true value after them: see `_Builder.retract_late`); with `withdrawn_evidence_share`, a
  piece of evidence is told and withdrawn before the first true evidence, its value a suspect's drawn uniformly
  among those with no alibi (see `_Builder.withdrawn_evidence`). With `people_shape_share`, a case draws its own
  shares of those knobs (`people_shaped`), as people's stories differ from one to the next. Red herrings and
  flavour name suspects uniformly. So mention counts and positions carry no information about the culprit beyond
  what the logic says (a test checks simple heuristics against a uniform guess). One window is by design not
  exact: while an alibi that will be broken stands, the oracle believes it and clears that suspect, who may be the
  culprit; that is the forgetting a reader must do when the alibi falls.
- The plan (which clue says what, in what order) is built here; story/together.py joins several of its facts into
  one clue, story/narration.py tells it in prose, and story/case_config.py holds the knobs and presets.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace

from story import grammar
from story.case_config import DIFFICULTIES, PRESETS, GeneratorConfig, case_seed, configure
from story.data import Story, Suspect
from story.narration import Narrator, capitalised, other_suspect, sentences_capitalised
from story.plan import PlannedClue
from story.together import evidence_at, last_statement_before, tell_together
from story.traits import CATALOGUE

# The generator's public face: a case from a seed, and the knobs and presets that shape it.
__all__ = ["DIFFICULTIES", "PRESETS", "GeneratorConfig", "case_seed", "configure", "generate_case", "generate_cases"]

# A cast's size as the prose says it: numbers under ten (and ten) in words, "seven people", never "7 people".
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
CAST_LISTED = 2 / 3  # share of openings as authors vary them that list the cast; the rest leave it to the clues
PLANTED_EVIDENCE_ID = "planted-evidence"  # the fact id of a withdrawn piece of evidence (one per case at most)


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


PEOPLE_LATE = (0.2, 1.0)  # the range of a people-shaped case's share of statements told after their evidence
PEOPLE_UNTOLD = (0.0, 0.5)  # ... of its untold_share
PEOPLE_MORE_EVIDENCE = 0.4  # the chance that it has one evidence trait more than its level (at most 3)


def people_shaped(config: GeneratorConfig, rng: random.Random) -> GeneratorConfig:
    """`config` with one case's shape drawn as people's stories vary (`people_shape_share`): how many of its
    statements come after their evidence, how many values go untold, how many alibis break after the evidence,
    and whether it has one evidence trait more. Each knob's own rules keep the case sound, decided, and its
    culprit uniform; the level's cast, prose and fillers stay."""
    traits = config.evidence_traits + (rng.random() < PEOPLE_MORE_EVIDENCE)
    return replace(
        config,
        evidence_traits=min(traits, 3, len(CATALOGUE) - config.distractor_traits),
        late_statement_share=rng.uniform(*PEOPLE_LATE),
        untold_share=rng.uniform(*PEOPLE_UNTOLD),
        late_break_share=rng.random(),
        people_shape_share=0.0,
    )


# --- building -----------------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, rng: random.Random, config: GeneratorConfig) -> None:
        self.rng = rng
        self.config = config

    def build(self, seed: int, difficulty: str) -> Story:
        if self.config.people_shape_share and self.rng.random() < self.config.people_shape_share:  # no draw when off
            self.config = people_shaped(self.config, self.rng)
        rng, config = self.rng, self.config
        size = rng.randint(*config.cast_size)
        cast = self.cast(size)
        culprit = rng.randrange(size)
        evidence_traits, distractors = self.traits(size)
        values = self.values(size, evidence_traits, distractors)
        suspects = tuple(replace(suspect, traits=values[slot]) for slot, suspect in enumerate(cast))

        units = self.plan(size, culprit, evidence_traits, distractors, values)
        # The victim's title is none of the cast's roles or titles: "Colonel Ingram" dead among suspects that
        # include a colonel would be read as that suspect.
        taken = {suspect.role.lower() for suspect in cast} | {suspect.name.split()[0].lower() for suspect in cast}
        titles = [title for title in grammar.VICTIM_TITLES if title.lower() not in taken]
        place, title, surname = rng.choice(grammar.PLACES), rng.choice(titles), rng.choice(grammar.VICTIM_SURNAMES)
        victim = f"{title} {surname}"
        if title in grammar.VICTIM_FIRST_NAME_TITLES:  # "Sir Aubrey Carrow", never "Sir Carrow"
            victim = f"{title} {rng.choice(grammar.VICTIM_FIRST_NAMES)} {surname}"
        season = rng.choice(grammar.SEASONS)
        when = grammar.CASE_WHEN.format(season=season, year=rng.choice(grammar.YEARS))
        narrator = Narrator(rng, config, suspects, victim, place=place, season=season)  # prose that fits them
        clues = narrator.render(units)
        names = "; ".join(f"{suspect.name}, the {suspect.role}" for suspect in suspects)
        intro = grammar.CASE_INTRO.format(victim=victim, place=place, when=when, size=NUMBER_WORDS[size], cast=names)
        intro = sentences_capitalised(intro)  # "... in 1931. Seven people were in the house: ..."
        if config.intro_share and rng.random() < config.intro_share:  # no draw at all when off: cases stay as they were
            intro = self.intro(narrator, victim, place, when, size, names)
        guilty = suspects[culprit]
        described = ", ".join(CATALOGUE[trait].describe(values[culprit][trait]) for trait in evidence_traits)
        reveal = grammar.CASE_REVEAL.format(name=guilty.name, role=guilty.role, described=described)
        title = grammar.CASE_TITLE.format(word=rng.choice(grammar.TITLE_WORDS), place=place)
        return Story(title, f"{place}, {when}", victim, intro, suspects, clues, culprit, reveal, seed, difficulty)

    def intro(self, narrator: Narrator, victim: str, place: str, when: str, size: int, names: str) -> str:
        """An opening as authors vary it: the death told one of many ways, up to three sentences of atmosphere
        around it, and the cast listed one of many ways or, a third of the time, left to the clues."""
        rng = self.rng
        room = rng.choice(narrator.fitting(grammar.ROOMS))
        opening = rng.choice(narrator.phrases(grammar.CASE_OPENINGS))
        sentences = [opening.format(victim=victim, place=place, when=when, room=room)]
        for _ in range(rng.randint(0, 3)):
            sentences.insert(rng.randint(0, len(sentences)), narrator.atmosphere())
        if rng.random() < CAST_LISTED:
            listing = rng.choice(narrator.phrases(grammar.CASE_CASTS))
            sentences.append(capitalised(listing.format(size=NUMBER_WORDS[size], cast=names)))
        return " ".join(sentences)

    def cast(self, size: int) -> list[Suspect]:
        rng = self.rng
        pronouns = [rng.choice(("he", "she")) for _ in range(size)]
        male = iter(rng.sample(grammar.MALE_NAMES, size))
        female = iter(rng.sample(grammar.FEMALE_NAMES, size))
        roles = rng.sample(grammar.ROLES, size)
        surnames = iter(rng.sample(grammar.SURNAMES, size))
        cast = []
        for drawn, role in zip(pronouns, roles, strict=True):
            pronoun = "she" if role in grammar.FEMALE_ROLES else "he" if role in grammar.MALE_ROLES else drawn
            name = next(male) if pronoun == "he" else next(female)
            if rng.random() < self.config.full_name_share:
                titles = grammar.MALE_TITLES if pronoun == "he" else grammar.FEMALE_TITLES
                titles = tuple(title for title in titles if title.lower() not in roles)  # "the Colonel" is one
                title = rng.choice(titles) if rng.random() < self.config.title_share else ""
                if title and role.capitalize() in (*grammar.MALE_TITLES, *grammar.FEMALE_TITLES):
                    title = role.capitalize()  # a colonel is Colonel Quiller, not Reverend Quiller, the colonel
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
    ) -> list[PlannedClue]:
        rng, config = self.rng, self.config
        # Interleave each evidence trait's statements (in random order) followed by its evidence.
        # At `late_statement_share`, the last few statements of a chain (a random order's last: uniform suspects)
        # come after its evidence. At `untold_share`, some are never told.
        untold = self.untold(size, culprit, evidence, values) if config.untold_share else set()  # no draw when off
        chains = []
        for trait in evidence:
            order = rng.sample(range(size), size)
            chain = [
                PlannedClue("statement", slot, trait, values[slot][trait])
                for slot in order
                if (slot, trait) not in untold
            ]
            share = config.late_statement_share
            early = len(chain) - sum(rng.random() < share for _ in chain) if share else len(chain)  # none drawn if off
            found = PlannedClue("evidence", -1, trait, values[culprit][trait])
            chains.append([*chain[:early], found, *chain[early:]])
        units = _random_merge(rng, chains)
        for unit in units:
            unit.pronoun = unit.kind == "statement" and rng.random() < config.pronoun_share

        # A false testimony stands for a while and is retracted before the suspect's true value is stated, and
        # before its trait's evidence (a false value standing then could clear the culprit, perhaps last of all).
        # A value never told may be testified falsely too, and is then only withdrawn, as manor's butler's hand is.
        # With `late_retraction_share`, one is retracted after its evidence instead, once the alibis stand
        # (`retract_late`: someone is kept possible while it stands).
        statements = [unit for unit in units if unit.kind == "statement"]
        statements += [PlannedClue("statement", slot, trait, values[slot][trait]) for slot, trait in sorted(untold)]
        targets = rng.sample(statements, min(config.false_testimonies, len(statements)))
        late_retractions: list[PlannedClue] = []  # retracted after their trait's evidence, once the alibis stand
        for number, target in enumerate(targets):
            wrong = rng.choice([v for v in CATALOGUE[target.trait].generated_values if v != target.value])
            witness = other_suspect(rng, size, target.suspect) if rng.random() < config.suspect_witness_share else -1
            bystander = rng.choice(grammar.WITNESSES)
            fact_id = f"testimony-{number + 1}"
            told = [index for index, unit in enumerate(units) if unit is target]  # none for a value never told
            said = {"fact_id": fact_id, "witness": witness, "bystander": bystander}
            share = config.late_retraction_share
            if share and rng.random() < share:  # no draw when off: the same seeds, the same cases
                # Drawn blind to the truth: one never right would clear the culprit at the evidence every time and an
                # innocent only mostly, and whom a retraction brings back would then point at guilt.
                wrong = rng.choice(CATALOGUE[target.trait].generated_values)
                false = PlannedClue("false", target.suspect, target.trait, wrong, **said)
                units.insert(rng.randint(0, evidence_at(units, target.trait)), false)
                late_retractions.append(false)
                continue
            end = min([*told, evidence_at(units, target.trait)])
            first, second = sorted((rng.randint(0, end), rng.randint(0, end)))
            units.insert(second, PlannedClue("retract", target.suspect, target.trait, **said))
            units.insert(first, PlannedClue("false", target.suspect, target.trait, wrong, **said))

        # Alibis resolve before the first evidence, so the decision always rests on remembered traits.
        innocents = [slot for slot in range(size) if slot != culprit]
        standing = rng.sample(innocents, min(config.standing_alibis, size - 2))
        free = [slot for slot in range(size) if slot not in standing]
        for slot in standing:
            units.insert(rng.randint(0, _first(units, "evidence")), PlannedClue("alibi", slot))
        broken = rng.sample(free, min(config.broken_alibis, len(free)))
        testified_late = {unit.suspect for unit in late_retractions}  # a false value may clear them at the evidence
        for slot in broken:
            start = _first(units, "evidence")
            # Who stays possible while a late alibi stands: nothing told before the break may clear them.
            keeper = [other for other in free if other not in broken and other not in testified_late]
            if config.late_break_share and keeper and rng.random() < config.late_break_share:  # no draw when off
                first, second = rng.randint(0, start), rng.randint(start + 1, len(units))
            else:
                first, second = sorted((rng.randint(0, start), rng.randint(0, start)))
                keeper = []
            units.insert(second, PlannedClue("broken", slot))
            units.insert(first, PlannedClue("alibi", slot))
            if keeper:
                self.tell_after(units, second + 1, rng.choice(keeper), evidence)  # the break is at second + 1
        testified = {target.suspect for target in targets}  # a keeper's own testimony might clear them
        keepers = [slot for slot in free if slot not in broken and slot not in testified]
        for false in late_retractions:
            self.retract_late(units, false, keepers, evidence)

        share = config.withdrawn_evidence_share
        if share and rng.random() < share:  # no draw when off: the same seeds, the same cases
            self.withdrawn_evidence(units, evidence, values, {*standing, *broken})

        fillers = [
            PlannedClue("statement", slot, trait, values[slot][trait])
            for trait in distractors
            for slot in range(size)
            if rng.random() < config.distractor_share
        ]
        fillers += [PlannedClue("herring", rng.randrange(size)) for _ in range(config.red_herrings)]
        fillers += [PlannedClue("flavour") for _ in range(config.flavour)]
        rng.shuffle(fillers)
        fillers += [PlannedClue("flavour") for _ in range(config.min_clues - len(units) - len(fillers))]
        self.widen_gaps(units, evidence, fillers)
        for filler in fillers:
            # No decision depends on a filler (distractor traits never meet evidence), so anywhere is fair.
            units.insert(rng.randint(0, len(units)), filler)
        tell_together(units, evidence, rng, config)
        return units

    def untold(
        self, size: int, culprit: int, evidence: list[str], values: list[dict[str, str]]
    ) -> set[tuple[int, str]]:
        """The (suspect, evidence trait) cells never told, each at `untold_share` in a random order. An innocent's
        value goes untold only while they still differ from the culprit on another evidence trait told of them,
        so every case stays decided by its last clue; the culprit is judged the same way against an innocent drawn
        at random, so that their values go untold as often as an innocent's and what is untold says nothing about
        guilt. A rule blind to guilt (every two suspects told apart) could not leave manor's shape: there the
        butler's hand and the maid's tobacco are both untold, and only the culprit's evidence tells them apart."""
        cells = [(slot, trait) for slot in range(size) for trait in evidence]
        self.rng.shuffle(cells)
        untold: set[tuple[int, str]] = set()
        for slot, trait in cells:
            if self.rng.random() >= self.config.untold_share:
                continue
            against = culprit if slot != culprit else self.rng.choice([other for other in range(size) if other != slot])
            if any(
                other != trait and (slot, other) not in untold and values[slot][other] != values[against][other]
                for other in evidence
            ):
                untold.add((slot, trait))
        return untold

    def withdrawn_evidence(
        self, units: list[PlannedClue], evidence: list[str], values: list[dict[str, str]], alibied: set[int]
    ) -> None:
        """A piece of evidence told and withdrawn before the first true evidence, as train's lemon handkerchief is:
        while it stands it clears every suspect told to differ, and its withdrawal brings them back. Its value is
        that of a suspect drawn uniformly among those with no alibi and no false testimony on its trait, the
        culprit as likely as any, so that who matches it says nothing about guilt; and someone is possible while it
        stands, whoever is guilty, since no true evidence stands yet and nothing else can clear that suspect."""
        rng = self.rng
        trait = rng.choice(evidence)
        testified = {unit.suspect for unit in units if unit.kind == "false" and unit.trait == trait}
        holders = [slot for slot in range(len(values)) if slot not in alibied and slot not in testified]
        if not holders:
            return
        value = values[rng.choice(holders)][trait]
        end = _first(units, "evidence")
        first, second = sorted((rng.randint(0, end), rng.randint(0, end)))
        units.insert(second, PlannedClue("withdrawn", -1, trait, fact_id=PLANTED_EVIDENCE_ID))
        units.insert(first, PlannedClue("planted", -1, trait, value, fact_id=PLANTED_EVIDENCE_ID))

    def retract_late(
        self, units: list[PlannedClue], false: PlannedClue, keepers: list[int], evidence: list[str]
    ) -> None:
        """Retract a false testimony after its trait's evidence, as lighthouse's skipper's boots are: told before
        the evidence, the false value meets it and may clear its suspect (the culprit too) until the retraction
        brings them back. The true value, if told before the retraction, moves after it (a statement told after its
        evidence), and a keeper drawn uniformly among the suspects with no alibi and no false testimony, the
        culprit as likely as any, has its evidence statements told after the retraction, so that someone is
        possible while the testimony stands, whoever is guilty. With no keeper, it is retracted before the evidence.
        Its false value was drawn blind to the truth, so it may be right by chance: retracted, it is unsaid."""
        rng = self.rng
        at_false = next(index for index, unit in enumerate(units) if unit is false)
        evidence_index = evidence_at(units, false.trait)
        said = {"fact_id": false.fact_id, "witness": false.witness, "bystander": false.bystander}
        retraction = PlannedClue("retract", false.suspect, false.trait, **said)
        truth = [
            index
            for index, unit in enumerate(units)
            if unit.kind == "statement" and unit.suspect == false.suspect and unit.trait == false.trait
        ]
        second = rng.randint(evidence_index + 1, len(units)) if keepers else rng.randint(at_false + 1, evidence_index)
        units.insert(second, retraction)
        for index in truth:
            if index < second:
                statement = units.pop(index)
                units.insert(rng.randint(second, len(units)), statement)  # the retraction now stands at second - 1
                statement.pinned = True
        if keepers:
            at = next(index for index, unit in enumerate(units) if unit is retraction)
            self.tell_after(units, at + 1, rng.choice(keepers), evidence)

    def tell_after(self, units: list[PlannedClue], at: int, slot: int, evidence: list[str]) -> None:
        """Move `slot`'s statements of the evidence traits that come before index `at` to random places after it,
        pinned there: while an alibi broken, or a false testimony retracted, at `at` stands, that suspect is
        possible, since nothing told yet can clear them (they have no alibi and no false testimony)."""
        early = [unit for unit in units[:at] if unit.kind == "statement" and unit.suspect == slot]
        for unit in (unit for unit in early if unit.trait in evidence):
            units.pop(next(index for index, other in enumerate(units) if other is unit))
            at -= 1
            units.insert(self.rng.randint(min(at + 1, len(units)), len(units)), unit)  # last, if `at` was the end
            unit.pinned = True

    def widen_gaps(self, units: list[PlannedClue], evidence: list[str], fillers: list[PlannedClue]) -> None:
        """Move fillers in front of each piece of evidence until it stands `min_gap` clues after its statements."""
        for trait in evidence:
            while True:
                at = evidence_at(units, trait)
                last = last_statement_before(units, at, trait)
                if last is None or at - last - 1 >= self.config.min_gap:
                    break
                units.insert(at, _gap_filler(fillers))


def _gap_filler(fillers: list[PlannedClue]) -> PlannedClue:
    """A filler to widen a gap before evidence: flavour or a red herring, never a distractor statement. Those go
    anywhere in the case, as the comment on `plan`'s fillers says; taken as gap fillers, they stood in the gaps
    before the evidence, 78% of them in the last two fifths of a default case's clues, and every statement of its
    last fifth was one: a statement told late was one that never mattered. A gap that the spare flavour and red
    herrings cannot fill gets new flavour: cases run ~5% longer (default 761 words, from 726)."""
    for index in range(len(fillers) - 1, -1, -1):
        if fillers[index].kind != "statement":
            return fillers.pop(index)
    return PlannedClue("flavour")


def _first(units: list[PlannedClue], kind: str) -> int:
    return next(index for index, unit in enumerate(units) if unit.kind == kind)


def _random_merge(rng: random.Random, chains: list[list[PlannedClue]]) -> list[PlannedClue]:
    """A uniformly random interleaving of the chains, each kept in order."""
    merged: list[PlannedClue] = []
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
