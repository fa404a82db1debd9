"""Tells a planned case in prose: each planned clue becomes a Clue whose text says its facts as authors do.

The generator (story/generator.py) decides what each clue says and in what order; this module decides only how
it is said, drawing from the phrase banks (story/grammar.py, story/phrases/). What the prose does, and why:
- Some statements are told with a pronoun right after the suspect is named ("Martin came in from the garden.
  He smokes a pipe."), so a reader must keep track of who the current subject is. Nothing comes between the name
  and the pronoun: no sentence of atmosphere, no evidence about the unnamed culprit, no other suspect and no
  bystander, any of whom a reader could take the pronoun for (`last_named`).
- Prose is written the way authors write it, so that the readers can follow hand-written mysteries too: facts
  told through what a suspect does ("signed the register with her left hand"), "Martin, the butler," as one
  subject, the murderer under several names, and other suspects as witnesses ("Cora swears that the butler
  smokes cigars", "Cora takes it back: that was someone else"). A witness is any other suspect, uniformly, so
  being one says nothing about guilt; a clue that names two suspects is never followed by a pronoun. Evidence
  is sometimes found among a suspect's things ("In the butler's room, ..."), any suspect's, uniformly.
- Two suspects who share a value may be told of in one clue ("Martin and the cook both smoke cigars";
  `shared_value_share`, off in every preset), as authors list them; the planner (story/generator.py) pairs them.
- Three suspects' values of one trait may be told as a list ("Martin favours a pipe, the cook cigarettes and
  Ada snuff"; `listed_share`, off in every preset), as authors list a trait across the cast.
- One suspect's values of two traits may be told as a sketch without verbs ("Martin: red hair cut short, and a
  green coat."; `sketch_share`, off in every preset), as authors sketch a character.
- A hair or coat colour may be called by another name ("auburn", "navy"; `synonym_share`, off in every preset).
- A shoe size may be said in words ("a size nine", "she takes a nine", "his boots are elevens";
  `spoken_size_share`, off in every preset), as authors say it.
- A witness's claim may be quoted in the witness's own words ("'Martin smokes a pipe, I would swear to it,' said
  the cook."; `quoted_testimony_share`, off in every preset), as authors let characters talk about each other.
- For training only (`unreadable_share`, off in every preset): a true statement may be told in a made-up word
  and carry no fact, so that a reader learns that a clue it cannot read changes nothing.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, replace

from story import grammar
from story.case_config import GeneratorConfig
from story.data import Alibi, AlibiBroken, Clue, Evidence, Fact, Retraction, Suspect, TraitStated
from story.mentions import RANKS
from story.plan import PlannedClue
from story.traits import CATALOGUE

# Draws from a bank before `untold` lists the templates not yet told: building that list for every draw was the
# most costly line of a case's prose (a third of a default case's generation).
UNTOLD_DRAWS = 4


class Narrator:
    """Turns planned clues into Clues, tracking who was named last so that pronouns stay unambiguous."""

    def __init__(
        self,
        rng: random.Random,
        config: GeneratorConfig,
        suspects: tuple[Suspect, ...],
        victim: str = "",
        names: list[tuple[str, ...]] | None = None,  # per suspect, the names to call them by; None: the forms of
        # the generator's own names (`_name_forms`), which a person's name need not have (story/retell.py)
        place: str = "",  # the case's place and season (grammar.PLACES, grammar.SEASONS), which its prose must fit;
        season: str = "",  # neither: a story told elsewhere, whose prose may say any season's words (story/retell.py)
    ) -> None:
        self.rng = rng
        self.config = config
        self.suspects = suspects
        self.names = names or _name_forms(suspects, victim)
        self.victim = victim
        self.last_named = -1  # the suspect a pronoun may refer to: named, alone, in the sentence just told; or -1
        self.told: set[str] = set()  # the atmosphere and suspicion templates this case has used: none twice
        self.kinds = grammar.case_kinds(place, season) if place or season else None
        self.victim_pronoun = grammar.title_pronoun(victim)
        self.alibis_told: dict[int, _AlibiTold] = {}  # per suspect, the alibi told of them, for its breaking
        self.standing: set[int] = set()  # the suspects whose alibi stands: told, not broken
        self.fitted: dict[tuple[int, tuple[int, ...]], tuple[tuple[str, ...], tuple[str, ...]]] = {}  # `fitting`
        self.filled: dict[str, str] = {}  # the slots of the template filled last (`fill`): its room and witness

    def render(self, units: list[PlannedClue]) -> tuple[Clue, ...]:
        clues: list[Clue] = []
        units = iter(units)
        for unit in units:
            if unit.joined:
                group = [unit]
                while group[-1].joined:
                    group.append(next(units))
                if unit.sketched:
                    clues.append(self.paragraph(self.sketch(group)))
                elif unit.listed:
                    clues.append(self.paragraph(self.listed(group)))
                elif unit.shared:
                    clues.append(self.paragraph(self.shared(*group)))
                elif unit.kind == "statement":
                    clues.append(self.paragraph(self.joined(*group)))
                else:
                    clues.append(self.paragraph(self.alibis(*group)))
                continue
            if unit.kind == "statement" and unit.pronoun and self.last_named != unit.suspect:
                template = self.rng.choice(self.phrases(grammar.SUBJECT_INTROS, (unit.suspect,)))
                intro = self.sentence(template, unit.suspect)
                if self.rng.random() < 0.5:
                    if self.rng.random() < 0.5:  # a neutral clue before the suspect is named, never between
                        clues.append(Clue(self.rng.choice(self.phrases(grammar.BRIDGES))))
                    clues.append(self.paragraph(Clue(intro), leads=True))
                else:
                    fact = self.statement(unit)
                    clues.append(self.paragraph(Clue(f"{intro} {fact.text}", fact.facts)))
                    continue
            pronoun = unit.kind == "statement" and unit.pronoun and self.last_named == unit.suspect
            clues.append(self.paragraph(self.clue(unit), opens_on_pronoun=pronoun))
        return tuple(clues)

    def paragraph(self, clue: Clue, opens_on_pronoun: bool = False, leads: bool = False) -> Clue:
        """The clue, or at `paragraph_share` the clue among one or two sentences of atmosphere. Atmosphere names
        nobody, so a pronoun must never come right after it: a clue told with a pronoun about the suspect named just
        before it (`opens_on_pronoun`) takes its atmosphere after it, a clue that names the suspect of a pronoun
        clue to follow (`leads`) takes it before, and a clue that ends on atmosphere leaves no suspect for a
        pronoun to mean."""
        rng = self.rng
        if rng.random() >= self.config.paragraph_share:
            return clue
        named = self.last_named
        before = [self.atmosphere() for _ in range(rng.randint(0, 2))]
        after = [self.atmosphere() for _ in range(rng.randint(0, 1))]
        if not before and not after:
            before = [self.atmosphere()]
        if opens_on_pronoun:
            before, after = [], before + after
        elif leads:
            before, after = before + after, []
        self.last_named = -1 if after else named
        return Clue(" ".join([*before, clue.text, *after]), clue.facts)

    def alibis(self, first: PlannedClue, second: PlannedClue) -> Clue:
        """Two suspects' alibis in one clue ("Martin and the cook played cards"), or two broken ("The camera shows
        Martin going out at 11.02 and the cook at 11.09"), saying what both alibis said (`_AlibiTold.fits`): the
        room and the witness only where the two alibis share them. No pronoun may follow it."""
        broken = first.kind == "broken"
        bank = self.phrases(
            grammar.PAIRED_BROKEN_ALIBIS if broken else grammar.PAIRED_ALIBIS, (first.suspect, second.suspect)
        )
        told = [self.alibis_told.get(unit.suspect) for unit in (first, second)] if broken else []
        alike: dict[str, str] = {}  # the slots both alibis filled alike: their room, their witness
        if told and told[0] and told[1]:
            alike = {key: value for key, value in told[0].slots().items() if told[1].slots().get(key) == value}
            bank = tuple(each for each in bank if all(t.fits(each, alike) for t in told if t)) or bank
        template = self.rng.choice(bank)
        slots = {key: value for key, value in alike.items() if f"{{{key}}}" in template}
        if "w" in slots and told[0] and told[0].witness_slot >= 0:
            slots["w"] = self.mention(told[0].witness_slot)
        text = self.fill(template, -1, a=self.mention(first.suspect), b=self.mention(second.suspect), **slots)
        self.last_named = -1
        for unit in (first, second):
            if broken:
                self.standing.discard(unit.suspect)
            else:
                self.alibis_told[unit.suspect] = _AlibiTold.of(template, self.filled)
                self.standing.add(unit.suspect)
        fact = AlibiBroken if broken else Alibi
        return Clue(capitalised(text), (fact(first.suspect), fact(second.suspect)))

    def joined(self, first: PlannedClue, second: PlannedClue) -> Clue:
        """Two statements about two suspects in one sentence; no pronoun may follow it."""
        text = self.rng.choice(self.phrases(grammar.JOINERS)).format(
            a=self.clause(first, named=True), b=self.clause(second, named=True)
        )
        self.last_named = -1
        return Clue(capitalised(text), (_stated(first), _stated(second)))

    def shared(self, first: PlannedClue, second: PlannedClue) -> Clue:
        """Two suspects' statements of one value in one sentence ("Martin and the cook both smoke cigars"), in a
        statement frame; no pronoun may follow it."""
        rng = self.rng
        clause = rng.choice(self.phrases(grammar.SHARED_STATEMENTS[first.trait], (first.suspect, second.suspect)))
        value = self.value_told(first, grammar.SHARED_VALUE_WORDS)
        clause = self.fill(clause, -1, a=self.mention(first.suspect), b=self.mention(second.suspect), v=value)
        text = capitalised(rng.choice(self.phrases(grammar.STATEMENT_FRAMES)).format(c=clause))
        self.last_named = -1
        return Clue(text, (_stated(first), _stated(second)))

    def listed(self, group: list[PlannedClue]) -> Clue:
        """Three suspects' statements of one trait as a list ("Martin favours a pipe, the cook cigarettes and Ada
        snuff"), in a statement frame; no pronoun may follow it."""
        rng = self.rng
        trait = group[0].trait
        spoken = self.spoken(group[0])  # a list says its shoe sizes all in words or all in digits
        clause = rng.choice(self.phrases(grammar.LISTED_STATEMENTS[trait], tuple(unit.suspect for unit in group)))
        slots = {}
        for key, unit in zip("abc", group, strict=True):
            value = self.value_told(unit, grammar.LISTED_VALUE_WORDS, spoken)
            slots[key], slots[f"v{key}"] = self.mention(unit.suspect), value
        # A plain list ("Martin favours a pipe, ...") reads well in a frame; a scene ("three coats hung ...") alone.
        frame = rng.choice(self.phrases(grammar.STATEMENT_FRAMES)) if clause.startswith("{a} ") else "{c}."
        text = capitalised(frame.format(c=self.fill(clause, -1, **slots)))
        self.last_named = -1
        return Clue(text, tuple(_stated(unit) for unit in group))

    def sketch(self, group: list[PlannedClue]) -> Clue:
        """One suspect's values of two traits as a sketch without verbs ("Martin: red hair cut short, and a green
        coat."); it names nobody else, so a pronoun may follow it."""
        rng = self.rng
        slot = group[0].suspect
        fragments = []
        for unit in group:
            value = self.value_told(unit, grammar.LISTED_VALUE_WORDS)
            template = rng.choice(self.phrases(grammar.SKETCHES[unit.trait], (slot,)))
            fragments.append(self.fill(template, slot, named=False, v=value))
        both = rng.choice(_FRAGMENT_JOINERS).join(fragments)
        text = self.sentence(
            rng.choice(self.phrases(grammar.SKETCH_FRAMES, (slot,))), slot, f=both, F=capitalised(both)
        )
        return Clue(text, tuple(_stated(unit) for unit in group))

    def value_told(
        self, unit: PlannedClue, table: dict[str, dict[str, tuple[str, ...]]], spoken: bool | None = None
    ) -> str:
        """The value as a clause about several suspects, or a sketch, tells it: in words or by another name
        (`said_otherwise`), else an entry of `table` ("smoke cigars", "a pipe"), else the value itself. `spoken`
        None: this value decides for itself, after its entry is drawn (the order of draws keeps cases the same)."""
        words = table.get(unit.trait, {}).get(unit.value)
        plain = self.rng.choice(self.phrases(words)) if words else unit.value
        return self.said_otherwise(unit, self.spoken(unit) if spoken is None else spoken) or plain

    def said_otherwise(self, unit: PlannedClue, spoken: bool) -> str:
        """The value as authors often say it: in words when `spoken` ("nine"), else by another name at
        `synonym_share` ("auburn"); "" when neither."""
        if spoken:
            return self.rng.choice(grammar.SPOKEN_VALUE_WORDS[unit.trait][unit.value])
        synonyms = self.synonyms(unit)
        return self.rng.choice(synonyms) if synonyms else ""

    def atmosphere(self) -> str:
        """A sentence of atmosphere, naming nobody."""
        return self.sentence(self.untold(grammar.FLAVOUR), -1)

    def untold(self, bank: tuple[str, ...], people: tuple[int, ...] = ()) -> str:
        """A template of `bank` that this case has not used yet (any again once all are): a long case told the
        same sentence twice."""
        phrases = self.phrases(bank, people)
        for _ in range(UNTOLD_DRAWS):  # a draw is nearly always untold: no list of the untold is built
            template = self.rng.choice(phrases)
            if template not in self.told:
                break
        else:  # still uniform over the untold: a draw that is accepted is uniform over them too
            template = self.rng.choice([each for each in phrases if each not in self.told] or phrases)
        self.told.add(template)
        return template

    def phrases(self, bank: tuple[str, ...], people: tuple[int, ...] = ()) -> tuple[str, ...]:
        """The bank's entries that fit this case (`fitting`), or the first `phrasings` of them: the banks list their
        plainest phrasings first."""
        limit = self.config.phrasings
        fitting = self.fitting(bank, people)
        return fitting[:limit] if limit else fitting

    def fitting(self, bank: tuple[str, ...], people: tuple[int, ...] = ()) -> tuple[str, ...]:
        """The bank's entries that fit this case (grammar.fits_case): no snow on an August night, no abbot's ghost
        outside an abbey, no lighthouse keeper inland, no "after shaving" for a woman among `people`, the suspects
        the entries are about. Every bank has some for every case (tests/test_generated_prose.py)."""
        found = self.fitted.get((id(bank), people))
        if found is None or found[0] is not bank:  # the bank is kept with it, so its id names no other bank
            pronouns = tuple(sorted({self.suspects[slot].pronoun for slot in people}))
            found = self.fitted[id(bank), people] = (bank, _fitting(bank, self.kinds, pronouns, self.victim_pronoun))
        return found[1]

    def clue(self, unit: PlannedClue) -> Clue:
        rng = self.rng
        match unit.kind:
            case "statement":
                return self.statement(unit)
            case "false":
                frame = rng.choice(self.phrases(grammar.TESTIMONY_FRAMES))
                clause = self.clause(unit, named=True)
                witness = self.witness(unit.witness, unit.bystander)
                text = self.quoted(clause, witness) or self.sentence(frame, -1, c=clause, w=witness)
                self.last_named = -1  # a witness is named too: a pronoun after it could be theirs
                return Clue(text, (TraitStated(unit.suspect, unit.trait, unit.value, unit.fact_id),))
            case "retract":
                text = self.sentence(
                    rng.choice(self.phrases(grammar.RETRACTIONS, (unit.suspect,))),
                    unit.suspect,
                    w=self.witness(unit.witness, unit.bystander),
                    noun=CATALOGUE[unit.trait].noun,
                )
                self.last_named = -1  # the witness is named too, which fill() does not record
                return Clue(text, (Retraction(unit.fact_id or ""),))
            case "evidence" | "planted":
                return self.evidence(unit)
            case "withdrawn":
                template = rng.choice(self.phrases(grammar.EVIDENCE_WITHDRAWALS))
                text = self.sentence(template, -1, noun=CATALOGUE[unit.trait].noun)
                self.last_named = -1  # it speaks of the culprit, unnamed: a pronoun after it could be theirs
                return Clue(text, (Retraction(unit.fact_id or ""),))
            case "alibi" | "broken":
                return self.alibi(unit)
            case "herring":  # of a suspect whose alibi stands, nothing that says where they were at the hour
                bank = grammar.without_whereabouts(grammar.SUSPICIONS) if unit.suspect in self.standing else None
                template = self.untold(bank or grammar.SUSPICIONS, (unit.suspect,))
                text = self.sentence(template, unit.suspect)
                if "{w}" in template:
                    self.last_named = -1  # a bystander is named too
                return Clue(text)
            case _:
                self.last_named = -1  # atmosphere names nobody: no pronoun may follow it
                return Clue(self.atmosphere())

    def evidence(self, unit: PlannedClue) -> Clue:
        """A piece of evidence: in a frame, or at `evidence_foil_share` among other values of its trait, or at
        `placed_evidence_share` found among a suspect's things (drawn uniformly), told as a thing found there
        (grammar.EVIDENCE_PLACED: "In Cora's room, a handkerchief reeking of roses was found", never "In Cora's
        room, the killer smells of roses"). It names the culprit unnamed, so no pronoun may follow it."""
        rng = self.rng
        fact = Evidence(unit.trait, unit.value, unit.fact_id)
        spoken = self.spoken(unit)
        foils = self.config.evidence_foil_share
        foiled = bool(foils) and rng.random() < foils  # no draw when off
        placed = not foiled and rng.random() < self.config.placed_evidence_share
        bank = grammar.EVIDENCE_PLACED if placed else grammar.EVIDENCE
        template = rng.choice(self.phrases(bank[unit.trait]))
        clause = self.fill(template, -1, **self.value_words(unit, False, spoken=spoken))
        self.last_named = -1
        if foiled:
            return Clue(self.foiled(unit, clause, spoken), (fact,))
        if placed:
            slot = rng.randrange(len(self.suspects))
            owner = self.mention(slot)
            frame = rng.choice(self.phrases(grammar.EVIDENCE_FRAMES_PLACED, (slot,)))  # "the bachelors' corridor"
            return Clue(capitalised(frame.format(c=clause, xp=f"{owner}'s")), (fact,))
        return Clue(capitalised(rng.choice(self.phrases(grammar.EVIDENCE_FRAMES)).format(c=clause)), (fact,))

    def alibi(self, unit: PlannedClue) -> Clue:
        """An alibi, or its breaking, which says what the alibi said: drawn among the broken alibis that fit it
        (`_AlibiTold.fits`: "the card game" only for an alibi at cards), with the alibi's own room and witness."""
        rng, config = self.rng, self.config
        templates = grammar.ALIBIS if unit.kind == "alibi" else grammar.BROKEN_ALIBIS
        own, implied = config.own_alibi_share, config.implied_alibi_share
        if own and unit.kind == "alibi" and rng.random() < own:  # no draw when off: the same cases
            templates = grammar.OWN_ALIBIS
        elif implied and unit.kind == "alibi" and rng.random() < implied:  # likewise
            templates = grammar.IMPLIED_ALIBIS
        fact: Fact = Alibi(unit.suspect) if unit.kind == "alibi" else AlibiBroken(unit.suspect)
        bank = self.phrases(templates, (unit.suspect,))
        told = self.alibis_told.get(unit.suspect) if unit.kind == "broken" else None
        if told:
            bank = tuple(template for template in bank if told.fits(template)) or bank
        template = rng.choice(bank)
        slots = {key: value for key, value in told.slots().items() if f"{{{key}}}" in template} if told else {}
        witness = -1  # another suspect as witness, or -1
        share = config.alibi_witness_share
        if "w" in slots and told and told.witness_slot >= 0:
            witness = told.witness_slot  # the alibi's witness was another suspect: the same one, named anew
            slots["w"] = self.mention(witness)
        elif "w" not in slots and share and "{w}" in template and rng.random() < share:  # no draw when off
            witness = other_suspect(rng, len(self.suspects), unit.suspect)
            slots["w"] = self.mention(witness)
        text = self.sentence(template, unit.suspect, **slots)
        if unit.kind == "alibi":
            self.alibis_told[unit.suspect] = _AlibiTold.of(template, self.filled, witness)
            self.standing.add(unit.suspect)
        else:
            self.standing.discard(unit.suspect)
        if "{w}" in template:
            self.last_named = -1  # a witness is named too: no pronoun may follow
        return Clue(text, (fact,))

    def foiled(self, unit: PlannedClue, clause: str, spoken: bool) -> str:
        """The evidence's clause in a scene that names other values of its trait, none of them a suspect's: the
        victim's own, a bystander's, a thing's (`evidence_foil_share`)."""
        rng = self.rng
        others = [value for value in CATALOGUE[unit.trait].generated_values if value != unit.value]
        rng.shuffle(others)
        other = replace(unit, value=others[0])
        slots = self.value_words(unit, False, spoken=spoken) | {
            "c": clause,
            "C": capitalised(clause),
            "o": others[0],
            "o2": others[1 % len(others)],
            "victim": rng.choice((self.victim, "the victim")) if self.victim else "the victim",
        }
        if "item" in slots:
            slots["oitem"] = self.value_words(other, False)["item"]
        template = rng.choice(self.phrases(grammar.EVIDENCE_FOILS[unit.trait]))
        return sentences_capitalised(self.sentence(template, -1, **slots))

    def statement(self, unit: PlannedClue) -> Clue:
        rng = self.rng
        pronoun = unit.pronoun and self.last_named == unit.suspect
        share = self.config.unreadable_share
        hidden = bool(share) and rng.random() < share  # no draw when off: the same seeds, the same cases
        facts = () if hidden else (_stated(unit),)
        if rng.random() < self.config.dialogue_share:
            return Clue(self.dialogue(unit, pronoun, hidden), facts)
        clause = self.clause(unit, named=not pronoun, hidden=hidden)
        testimony = not pronoun and rng.random() < self.config.testimony_share
        if testimony:
            frame = rng.choice(self.phrases(grammar.TESTIMONY_FRAMES))
        else:
            frames = self.phrases(grammar.STATEMENT_FRAMES)
            frame = rng.choice(frames if pronoun else frames + self.phrases(grammar.STATEMENT_FRAMES_NAMED))
        if "{w}" in frame:
            suspect = rng.random() < self.config.suspect_witness_share
            slot = other_suspect(rng, len(self.suspects), unit.suspect) if suspect else -1
            witness = self.witness(slot, rng.choice(self.fitting(grammar.WITNESSES)))
            text = (testimony and self.quoted(clause, witness)) or capitalised(frame.format(c=clause, w=witness))
            self.last_named = -1  # a witness is named too: a pronoun after it could be theirs
        else:
            text = capitalised(frame.format(c=clause))
        return Clue(text, facts)

    def quoted(self, clause: str, witness: str) -> str:
        """A witness's claim in their own words ("'Martin smokes a pipe,' said the cook."), at
        `quoted_testimony_share`; "" otherwise. No draw when the knob is off, so that cases stay the same."""
        share = self.config.quoted_testimony_share
        if not share or self.rng.random() >= share:
            return ""
        frame = self.rng.choice(self.phrases(grammar.QUOTED_TESTIMONY_FRAMES))
        return capitalised(frame.format(q=capitalised(clause), c=clause, w=witness))

    def dialogue(self, unit: PlannedClue, pronoun: bool, hidden: bool = False) -> str:
        """A statement in the suspect's own words: "'I am left-handed,' said Martin." (or "he said")."""
        rng = self.rng
        words = self.value_words(unit, True, hidden, spoken=not hidden and self.spoken(unit))
        first_person = grammar.FIRST_PERSON_WORDS.get(unit.trait)
        if first_person and not hidden:
            words["v"] = rng.choice(self.phrases(first_person[unit.value]))
        said = self.phrases(grammar.FIRST_PERSON[unit.trait], (unit.suspect,))  # "after shaving": his words only
        quote = capitalised(self.fill(rng.choice(said), -1, **words))
        frames = self.phrases(grammar.DIALOGUE_FRAMES, (unit.suspect,))
        if pronoun:  # "he shrugged", "'...,' he said"; never "said he" or "the statement of she"
            frames = tuple(frame for frame in frames if _PRONOUN_SPEAKER.search(frame)) or frames
        return self.sentence(rng.choice(frames), unit.suspect, not pronoun, q=quote)

    def witness(self, slot: int, bystander: str) -> str:
        """The witness's words: another suspect, by name or role, or a bystander. A bystander the plan drew that this
        case cannot have (a lighthouse keeper inland) is told as one it can, the same one each time."""
        if slot >= 0:
            return self.mention(slot)
        bystanders = self.fitting(grammar.WITNESSES)
        if bystander in grammar.WITNESSES and bystander not in bystanders:
            bystander = bystanders[grammar.WITNESSES.index(bystander) % len(bystanders)]
        return f"the {bystander}"

    def mention(self, slot: int) -> str:
        """A suspect by name or, at `role_share`, by role ("the butler").

        A suspect named anywhere but as the subject (a witness, an evidence owner) leaves no pronoun a single
        referent, so no pronoun may follow; `fill` records its subject after this.
        """
        self.last_named = -1
        if self.rng.random() < self.config.role_share:
            return f"the {self.suspects[slot].role}"
        return self.rng.choice(self.names[slot])

    def clause(self, unit: PlannedClue, named: bool, hidden: bool = False) -> str:
        spoken = not hidden and self.spoken(unit)
        bank = self.phrases(grammar.STATEMENTS[unit.trait], (unit.suspect,))
        if spoken:
            bank += self.phrases(grammar.SPOKEN_STATEMENTS[unit.trait], (unit.suspect,))
        template = self.rng.choice(bank)
        return self.fill(template, unit.suspect, named=named, **self.value_words(unit, True, hidden, spoken))

    def spoken(self, unit: PlannedClue) -> bool:
        """Whether this value is said in words ("a size nine"), at `spoken_size_share`; no draw when it is off or
        the trait has no such words, so that cases stay the same."""
        share = self.config.spoken_size_share
        return bool(share) and unit.trait in grammar.SPOKEN_VALUE_WORDS and self.rng.random() < share

    def value_words(
        self, unit: PlannedClue, statement: bool, hidden: bool = False, spoken: bool = False
    ) -> dict[str, str]:
        """The words for a value's slots; `hidden`: one made-up word in each (`unreadable_share`); `spoken`: the
        value said in words, with its plural for {vs} (`spoken_size_share`); else, at `synonym_share`, a colour
        by another name."""
        choose = self.rng.choice
        if hidden:
            made_up = "".join(choose(NONSENSE_SYLLABLES) for _ in range(2))
            return {"v": made_up, "vp": made_up, "vn": made_up, "item": made_up}
        words = {
            "v": choose(self.phrases(grammar.VALUE_WORDS.get(unit.trait, {}).get(unit.value, (unit.value,)))),
            "vp": choose(self.phrases(grammar.PAST_VALUE_WORDS.get(unit.trait, {}).get(unit.value, (unit.value,)))),
            "vn": unit.value,
        }
        nouns = grammar.NOUN_VALUE_WORDS.get(unit.trait)
        if nouns:  # a draw only for the traits listed: the same cases for the rest
            words["vn"] = choose(self.phrases(nouns.get(unit.value, (unit.value,))))
        items = (grammar.STATEMENT_ITEMS if statement else grammar.ITEMS).get(unit.trait)
        if items:
            words["item"] = choose(self.phrases(items[unit.value]))
        if otherwise := self.said_otherwise(unit, spoken):
            words["v"] = words["vp"] = words["vn"] = otherwise
        if spoken:
            words["vs"] = choose(grammar.SPOKEN_PLURAL_WORDS[unit.trait][unit.value])
        return words

    def synonyms(self, unit: PlannedClue) -> tuple[str, ...]:
        """Other names for the value ("auburn" for red hair) when it is to be called by one, at `synonym_share`;
        no draw when that is off or the value has none, so that cases stay the same."""
        share = self.config.synonym_share
        names = grammar.SYNONYM_VALUE_WORDS.get(unit.trait, {}).get(unit.value, ())
        return names if share and names and self.rng.random() < share else ()

    def sentence(self, template: str, slot: int, named: bool = True, **slots: str) -> str:
        return capitalised(self.fill(template, slot, named=named, **slots))

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
            slots["w"] = f"the {rng.choice(self.fitting(grammar.WITNESSES))}"
        if "{k}" in template:
            slots["k"] = rng.choice(self.phrases(grammar.KILLERS))
        if "{room}" in template and "room" not in slots:  # an alibi's room, given again to its breaking
            slots["room"] = rng.choice(self.fitting(grammar.ROOMS))
        self.filled = slots
        return _with_articles(template, slots).format(**slots)


@functools.cache  # once per bank and kind of case, not once per case: most of the cost of a case's prose
def _fitting(
    bank: tuple[str, ...], kinds: frozenset[str] | None, pronouns: tuple[str, ...], victim: str | None
) -> tuple[str, ...]:
    return tuple(entry for entry in bank if grammar.fits_case(entry, kinds, pronouns, victim)) or bank


@dataclass(frozen=True)
class _AlibiTold:
    """An alibi as told, for its breaking to say the same: its template, and the room and witness it named ("" where
    it named none; `witness_slot` where the witness was another suspect, else -1)."""

    template: str
    room: str = ""
    witness: str = ""
    witness_slot: int = -1

    @staticmethod
    def of(template: str, filled: dict[str, str], witness_slot: int = -1) -> _AlibiTold:
        """The alibi told by `template` with the slots `filled`."""
        room = filled.get("room", "") if "{room}" in template else ""
        return _AlibiTold(template, room, filled.get("w", "") if "{w}" in template else "", witness_slot)

    def slots(self) -> dict[str, str]:
        """The slots a broken alibi fills as this alibi did: its room and its witness, where it named them."""
        return {key: value for key, value in (("room", self.room), ("w", self.witness)) if value}

    def fits(self, broken: str, alike: dict[str, str] | None = None) -> bool:
        """Whether the broken alibi `broken` can break this alibi (grammar.break_fits); for two alibis broken in one
        clue, only with the room and witness both named `alike`."""
        shared = all(f"{{{key}}}" not in broken or key in alike for key in ("room", "w")) if alike is not None else True
        return shared and grammar.break_fits(broken, self.template)


def _stated(unit: PlannedClue) -> TraitStated:
    """The fact a planned true statement tells."""
    return TraitStated(unit.suspect, unit.trait, unit.value)


def other_suspect(rng: random.Random, size: int, slot: int) -> int:
    """Another suspect than `slot`, uniformly: witnesses say nothing about guilt."""
    return rng.choice([other for other in range(size) if other != slot])


def _name_forms(suspects: tuple[Suspect, ...], victim: str) -> list[tuple[str, ...]]:
    """Per suspect, the ways the prose may call them by name. A full name "Dr Ingrid Halvorsen" gives it,
    "Ingrid", "Dr Halvorsen" ("Sir Hugh" for a knight, never "Sir Vane": grammar.FIRST_NAME_TITLES), "Halvorsen" when
    untitled, and a rank alone ("the Colonel") when no other suspect holds it and the victim does not: the forms
    story/mentions.py resolves."""
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
        short = f"{title} {first}" if title in grammar.FIRST_NAME_TITLES else f"{title} {surname}"
        found = [suspect.name, first, short, short]  # title and surname twice: the way authors call them most
        if title.lower() in RANKS and held.count(title) == 1 and title not in victim.split():
            found.append(f"the {title}")
        forms.append(tuple(found))
    return forms


# Syllables of the made-up value words of `unreadable_share` ("vrozq", "kexthw"): letter pairs no English word
# has, so no phrase bank, name or vocabulary can hold one.
NONSENSE_SYLLABLES = ("vro", "zq", "kex", "thw", "yzz", "pjo", "grk", "ulq")

# Between the two fragments of a sketch: "red hair cut short, and a green coat".
_FRAGMENT_JOINERS = (", ", ", and ", "; ")

# Where a dialogue frame's speaker may be a pronoun: opening the sentence, or after ", ", "as " or a quotation.
_PRONOUN_SPEAKER = re.compile(r"(^|, |\bas |' )\{sp?\}")


_ARTICLE_BEFORE_VALUE = re.compile(r"\b([Aa]) \{(v|vp|vn|va|vb|vc|o|o2)\}")


def _with_articles(template: str, slots: dict[str, str]) -> str:
    """The template with "a {v}" as "an {v}" where the value is said with a vowel sound: "an auburn hair", "an
    eleven", "an 8". (No catalogue value begins so; only the words of `synonym_share` and `spoken_size_share`, and
    the sizes in digits: "nor an 8", of another value {o}.)"""

    def article(match: re.Match[str]) -> str:
        word = slots.get(match[2], "").lower()
        vowel = word[:1] in ("a", "e", "i", "o") or re.match(r"(8|11|18)\b", word) is not None
        return f"{match[1]}n {{{match[2]}}}" if vowel else match[0]

    return _ARTICLE_BEFORE_VALUE.sub(article, template)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentences_capitalised(text: str) -> str:
    """`text` with each sentence opening on a capital: "... in 1931. seven people ..." reads "... Seven people"."""
    return capitalised(re.sub(r"(?<=[.!?] )[a-z]", lambda match: match[0].upper(), text))
