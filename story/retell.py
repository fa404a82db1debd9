"""Retells a story in the generator's prose, fact by fact: the author's shape, told in the grammar's sentences.

A person's story differs from a generated case in two ways at once: its prose, and its shape (how many facts and of
which kinds, in what order: statements told after their evidence, values never told, alibis broken late, testimony
taken back, three or four evidence traits). Told fact by fact in the generator's sentences, the people's stories
that the bundled partner misreads are misread about as often (docs/model.md, 2026-12-05): their shape is what it
has not learned first; a partner trained on the shapes reads them retold and still misreads people's sentences
(the night's rows). This gives training that shape in prose the readers already read: each fact of each clue, in order,
becomes one clue of the generator's narrator holding that same fact; each clue that states nothing becomes a
sentence of the generator's atmosphere; the intro, the cast and the culprit stay. Each trait's values may be
permuted across the cast (the evidence's with them), so that one story read again is a new case with the same
logic, and its culprit is found by reading, not by remembering which value the story turned on.
"""

from __future__ import annotations

import random
from dataclasses import replace

from story.case_config import GeneratorConfig
from story.data import Alibi, AlibiBroken, Clue, Evidence, Fact, Retraction, Story, Suspect, TraitStated
from story.narration import Narrator
from story.oracle import analyze
from story.plan import PlannedClue
from story.traits import CATALOGUE


def retold_in_grammar(story: Story, rng: random.Random, config: GeneratorConfig, permute: bool = True) -> Story:
    """`story` told by the generator's narrator, one clue per fact, with each trait's values permuted across the
    cast when `permute` (and every value the story uses is one the generator tells). `story` itself where a fact
    has a value the generator's banks have no words for ("none", a smoker's), or where the retelling would not be
    sound: splitting a clue's facts into clues can, in principle, change what stands between them."""
    used = _values_used(story)
    if any(value not in CATALOGUE[trait].generated_values for trait, value in used):
        return story
    values = _value_permutation(used, rng) if permute else {}
    facts_by_id = {fact.id: fact for clue in story.clues for fact in clue.facts if fact.id}
    taken_back = {fact.fact_id for clue in story.clues for fact in clue.facts if isinstance(fact, Retraction)}
    suspects = tuple(_with_values(suspect, values) for suspect in story.suspects)
    whole_names = [(suspect.name,) for suspect in suspects]  # a person's name has any number of parts: whole
    narrator = Narrator(rng, config, suspects, story.victim, names=whole_names)  # or by role (`role_share`)
    clues: list[Clue] = []
    for clue in story.clues:
        if not clue.facts:
            clues.append(Clue(narrator.atmosphere()))
            continue
        for fact in clue.facts:
            fact = _fact_with_values(fact, values)
            plan = _plan(fact, facts_by_id, taken_back)
            if plan is None:
                return story
            clues.append(narrator.paragraph(Clue(narrator.clue(plan).text, (fact,))))
    other = replace(story, suspects=suspects, clues=tuple(clues))
    return other if analyze(other).sound else story


def _values_used(story: Story) -> set[tuple[str, str]]:
    """Every (trait, value) the story's facts and cast use."""
    used = {(f.trait, f.value) for clue in story.clues for f in clue.facts if isinstance(f, TraitStated | Evidence)}
    return used | {(trait, value) for suspect in story.suspects for trait, value in suspect.traits.items()}


def _value_permutation(used: set[tuple[str, str]], rng: random.Random) -> dict[tuple[str, str], str]:
    """(trait, value) -> the value it becomes: each used trait's generated values shuffled."""
    mapping: dict[tuple[str, str], str] = {}
    for trait in sorted({trait for trait, _ in used}):  # sorted: the same draws on every run
        values = CATALOGUE[trait].generated_values
        mapping |= {(trait, value): new for value, new in zip(values, rng.sample(values, len(values)), strict=True)}
    return mapping


def _with_values(suspect: Suspect, values: dict[tuple[str, str], str]) -> Suspect:
    traits = {trait: values.get((trait, value), value) for trait, value in suspect.traits.items()}
    return replace(suspect, traits=traits)


def _fact_with_values(fact: Fact, values: dict[tuple[str, str], str]) -> Fact:
    if isinstance(fact, TraitStated | Evidence):
        return replace(fact, value=values.get((fact.trait, fact.value), fact.value))
    return fact


def _plan(fact: Fact, facts_by_id: dict[str, Fact], taken_back: set[str]) -> PlannedClue | None:
    """The generator's plan for telling one fact: a statement later taken back as a false testimony, evidence
    later withdrawn as planted, a retraction as the withdrawal of what it takes back (a broken alibi's taken back
    as the alibi told again); None for a retraction of a retraction, which the generator never tells."""
    match fact:
        case TraitStated(suspect, trait, value, fact_id):
            kind = "false" if fact_id in taken_back else "statement"
            return PlannedClue(kind, suspect, trait, value, fact_id, bystander=_BYSTANDER)
        case Evidence(trait, value, fact_id):
            return PlannedClue("planted" if fact_id in taken_back else "evidence", trait=trait, value=value)
        case Alibi(suspect):
            return PlannedClue("alibi", suspect)
        case AlibiBroken(suspect):
            return PlannedClue("broken", suspect)
        case Retraction(fact_id):
            withdrawn = facts_by_id[fact_id]
            if isinstance(withdrawn, TraitStated):
                return PlannedClue("retract", withdrawn.suspect, withdrawn.trait, fact_id=fact_id, bystander=_BYSTANDER)
            if isinstance(withdrawn, Evidence):
                return PlannedClue("withdrawn", trait=withdrawn.trait)
            if isinstance(withdrawn, Alibi):
                return PlannedClue("broken", withdrawn.suspect)
            if isinstance(withdrawn, AlibiBroken):
                return PlannedClue("alibi", withdrawn.suspect)
    return None


_BYSTANDER = "housekeeper"  # the witness of a testimony taken back: a bystander, so no suspect is made one
