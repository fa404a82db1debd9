"""Generated prose that agrees with itself: a broken alibi says what the alibi said, evidence found among a
suspect's things reads as a thing found, a case's scenery fits its season and its house, words of one sex go only
to suspects of it, titles take the names English gives them, numbers under ten are words, and a pronoun stands
right after the suspect it means. Each test reads many generated cases across the presets, quickly."""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest

from story import grammar
from story.data import Alibi, AlibiBroken, Evidence, Story, TraitStated
from story.generator import DIFFICULTIES, PRESETS, GeneratorConfig, case_seed, generate_case
from story.mentions import PRONOUN_FORMS, find_mentions, mention_matcher
from story.narration import Narrator
from story.traits import CATALOGUE
from story.words import split_words

# A sentence ends at . ! ? (and any closing quotation mark), then a space.
SENTENCE_END = re.compile(r"(?<=[.!?])['’]?\s+")


def stories(difficulties: tuple[str, ...] = DIFFICULTIES, count: int = 60, run_seed: int = 3) -> Iterator[Story]:
    for difficulty in difficulties:
        yield from cases(difficulty, run_seed)[:count]


@functools.cache
def cases(difficulty: str, run_seed: int) -> tuple[Story, ...]:
    """The first 150 cases of a run, made once for every test that reads them."""
    return tuple(generate_case(case_seed(run_seed, index), difficulty) for index in range(150))


def texts(story: Story) -> list[str]:
    return [story.intro, *(clue.text for clue in story.clues), story.reveal]


def sentences(text: str) -> list[str]:
    return [sentence for sentence in SENTENCE_END.split(text) if sentence]


def said(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(word) for word in words) + r")(?!\w)", re.IGNORECASE)


ROOMS, WITNESSES = said(grammar.ROOMS), said(grammar.WITNESSES)


# A sentence of atmosphere, as a paragraph puts it around a clue (its {room} any room).
ATMOSPHERE = re.compile(
    "|".join(re.escape(template).replace(re.escape("{room}"), "[a-z' ]+") for template in grammar.FLAVOUR)
)


# Words in quotation marks: "'I smoke a pipe. Are you satisfied?'" (an apostrophe inside a word is no mark).
QUOTATION = re.compile(r"(?<!\w)'.*?[.!?,—]'(?!\w)")


def without_atmosphere(text: str) -> str:
    """A clue's text without the sentences of atmosphere around it, which say rooms of their own."""
    return ATMOSPHERE.sub("", text)


@pytest.mark.parametrize("difficulty", ["default", "hard", "long"])
def test_a_broken_alibi_names_the_room_witness_and_activity_of_the_alibi_it_breaks(difficulty: str) -> None:
    """ "Harriet was shut in the darkroom" is never broken by "Harriet was not in the armoury after all", nor the
    ploughman's word by the milkman's, nor an evening at the piano by "the card game broke up at ten"."""
    activities = {name: said(words) for name, words in grammar.ACTIVITIES.items()}
    broken = 0
    for story in stories((difficulty,), 150):
        alibis: dict[int, str] = {}
        for clue in story.clues:
            for fact in clue.facts:
                if isinstance(fact, Alibi):
                    alibis[fact.suspect] = without_atmosphere(clue.text)
                elif isinstance(fact, AlibiBroken) and fact.suspect in alibis:
                    alibi, breaking = alibis[fact.suspect], without_atmosphere(clue.text)
                    for pattern in (ROOMS, WITNESSES):
                        found = {word.lower() for word in pattern.findall(breaking)}
                        assert found <= {word.lower() for word in pattern.findall(alibi)}, (alibi, breaking)
                    for pattern in activities.values():
                        assert pattern.search(alibi) or not pattern.search(breaking), (alibi, breaking)
                    broken += 1
    assert broken > {"default": 100, "hard": 250, "long": 250}[difficulty], broken


def test_evidence_found_among_a_suspects_things_is_a_thing_found_there() -> None:
    """ "In Julian's room, the person responsible smells of rose": a placed frame wraps only a clause that names a
    thing found, with no place of its own (grammar.EVIDENCE_PLACED); and a scent reads as a smell ("of roses")."""

    def shape(template: str) -> re.Pattern[str]:
        """`template` as a pattern: its clause {c} a group, every other placeholder any text."""
        parts = re.split(r"(\{\w+\})", template)
        holes = {"{c}": "(?P<c>.+)"}
        return re.compile("".join(holes.get(p, ".+") if p.startswith("{") else re.escape(p) for p in parts), re.I)

    frames = [shape(frame) for frame in grammar.EVIDENCE_FRAMES_PLACED]
    clauses = {trait: [shape(template) for template in bank] for trait, bank in grammar.EVIDENCE_PLACED.items()}
    wrong_scent = re.compile(
        r"\b(?:of|with) (?:rose|violet)\b(?! water| scent| soap| oil| cologne| salts| incense|-scented)"
    )
    placed = 0
    for story in stories():
        for text in texts(story)[:-1]:  # the reveal quotes the suspect card's label, "smells of rose"
            assert not wrong_scent.search(text), text
        for clue in story.clues:
            evidence = [fact for fact in clue.facts if isinstance(fact, Evidence)]
            if len(evidence) != 1:
                continue
            for sentence in sentences(clue.text):
                found = next((m for frame in frames if (m := frame.fullmatch(sentence))), None)
                if found and any(clause.fullmatch(found["c"]) for clause in clauses[evidence[0].trait]):
                    placed += 1
                elif found:  # a placed frame around a clause that is not a thing found
                    raise AssertionError(sentence)
    assert placed > 40, placed


SEASONS_SAY = {  # words each season never says, as a reader would object to them
    "August": r"\b(?:snow\w*|frost\w*|hoarfrost|frozen|sleet|thaw|carols|aurora|muffler|pheasants?)\b",
    "January": r"\b(?:sultry|heat haze|the heat|drought|mown grass|wasps?|grasshoppers|harvest|picnic|regatta)\b",
    "March": r"\b(?:sultry|heat haze|the heat|drought|mown grass|wasps?|grasshoppers|harvest|picnic|regatta)\b",
    "October": r"\b(?:snow\w*|sleet|sultry|heat haze|the heat|drought|mown grass|grasshoppers|picnic|regatta)\b",
    "November": r"\b(?:sultry|heat haze|the heat|drought|mown grass|wasps?|grasshoppers|harvest|picnic|regatta)\b",
}
PLACES_SAY = {  # words only some houses may say
    "abbey": r"\b(?:abbot|abbey|compline|cloister|nave)\b",
    "coast": r"\b(?:harbour|gulls|lighthouse|foghorn|estuary|the sea)\b",
}


def test_a_case_says_nothing_its_season_or_house_rules_out() -> None:
    """No snow on a sultry August night, no heat haze in January, no abbot's ghost but at an abbey or priory, no
    gulls over the harbour but at the house by the marshes; and every season and house still gets scenery."""
    told = Counter()
    for story in stories(count=80):
        month = next(month for month in SEASONS_SAY if month in story.setting)
        kinds = {kind for kind in PLACES_SAY if kind in grammar.PLACE_KINDS.get(story.setting.split(",")[0], ())}
        for text in texts(story):
            assert not re.search(SEASONS_SAY[month], text, re.IGNORECASE), (story.setting, text)
            for kind, words in PLACES_SAY.items():
                assert kind in kinds or not re.search(words, text, re.IGNORECASE), (story.setting, text)
        told[month] += sum(not clue.facts for clue in story.clues)
    assert min(told.values()) > 100, told


# Banks that say which phrases fit, not phrases a case draws.
WORD_LISTS = {"male_words", "female_words", "victim_male_words", "victim_female_words"}


def test_every_bank_has_phrases_for_every_case() -> None:
    """A case draws only the phrases that fit it (grammar.fits_case), so every bank must keep some for every season,
    house, victim and suspect: none ever falls back to phrases that do not fit."""
    banks = []
    for file in grammar.BANKS.values():
        for key, shape in file.items():
            bank = getattr(grammar, key.upper())
            if shape in ("templates", "words") and key not in WORD_LISTS:
                banks.append(bank)
            elif shape == "templates by trait":
                banks += bank.values()
            elif shape == "words by value":
                banks += [words for values in bank.values() for words in values.values()]
    assert len(banks) > 100
    for place in grammar.PLACES:
        for season in grammar.SEASONS:
            kinds = grammar.case_kinds(place, season)
            for victim in ("he", "she", None):
                for pronouns in ((), ("he",), ("she",), ("he", "she")):
                    for bank in banks:
                        assert any(grammar.fits_case(e, kinds, pronouns, victim) for e in bank), (place, season, bank)


def test_words_of_one_sex_go_only_to_suspects_of_it() -> None:
    """ "Florence ... 'I splash on lavender water after shaving'": a template that says a man's or a woman's word
    about its suspect is told only of a suspect of that sex; men still say it. The victim likewise: no necklace on
    Colonel Ingram."""
    config = replace(PRESETS["default"], dialogue_share=1.0, placed_evidence_share=0.5)
    male, female = said(grammar.MALE_WORDS), said(grammar.FEMALE_WORDS)
    his = Counter()
    for index in range(400):
        story = generate_case(case_seed(5, index), "default", config)
        victim = grammar.title_pronoun(story.victim)
        for clue in story.clues:
            suspects = {fact.suspect for fact in clue.facts if isinstance(fact, TraitStated | Alibi | AlibiBroken)}
            pronouns = {story.suspects[slot].pronoun for slot in suspects}
            if male.search(clue.text):
                his[tuple(pronouns)] += 1
                assert pronouns <= {"he"}, clue.text
            assert not female.search(clue.text) or pronouns <= {"she"}, clue.text
            assert victim == "he" or not said(grammar.VICTIM_MALE_WORDS).search(clue.text), (story.victim, clue.text)
            assert victim == "she" or not said(grammar.VICTIM_FEMALE_WORDS).search(clue.text), (story.victim, clue.text)
    assert his[("he",)] > 5, his


def test_a_narrator_gives_a_woman_none_of_a_mans_words() -> None:
    story = generate_case(1, "default")
    narrator = Narrator(random.Random(0), PRESETS["default"], story.suspects, story.victim)
    male = said(grammar.MALE_WORDS)
    for slot, suspect in enumerate(story.suspects):
        for trait in CATALOGUE:
            told = narrator.phrases(grammar.FIRST_PERSON[trait], (slot,))
            assert suspect.pronoun == "he" or not [template for template in told if male.search(template)], told
    assert [template for template in grammar.FIRST_PERSON["scent"] if male.search(template)]  # men's words there are


def test_a_title_takes_the_name_english_gives_it() -> None:
    """ "Sir" takes the first name: "Sir Aubrey Carrow" or "Sir Aubrey", never "Sir Carrow"; "Lord Arthur Quiller" is
    "Lord Arthur". The victim is given a first name where the title needs one."""
    surnames = grammar.SURNAMES + grammar.VICTIM_SURNAMES
    never = said(tuple(f"{title} {surname}" for title in grammar.VICTIM_FIRST_NAME_TITLES for surname in surnames))
    victims = Counter()
    for story in stories(count=150):
        victims[story.victim.split()[0]] += 1
        wrong = []
        for suspect in story.suspects:
            title, _, surname = [*suspect.name.split(), "", ""][:3]
            if title in grammar.FIRST_NAME_TITLES and surname:  # "Sir Hugh Vane": never "Sir Vane"
                wrong.append(f"{title} {surname}")
        for text in [*texts(story), story.victim]:
            assert not never.search(text), text
            assert not [name for name in wrong if name in text], text
    assert victims["Sir"] > 20, victims


def test_numbers_under_ten_are_words_in_the_opening() -> None:
    """ "7 people were in the house" reads "Seven people were in the house"."""
    digit = re.compile(r"(?<![\d.,:£])\b[1-9]\b(?![.:,]?\d)")
    for story in stories(count=100):
        assert not digit.search(story.intro), story.intro
        assert re.search(r"\b(?:Three|Four|Five|Six|Seven|Eight)\b", story.intro), story.intro


@pytest.mark.parametrize("knobs", [{}, {"pronoun_share": 1.0, "paragraph_share": 0.5}])
def test_a_pronoun_stands_right_after_the_suspect_it_means(knobs: dict[str, float]) -> None:
    """A clue that tells a suspect's fact with a pronoun follows a clue that names that suspect, alone, in its last
    sentence (or one that tells another of their facts with a pronoun, so the chain goes back to their name), with
    no bystander beside them ("The washerwoman says Harriet ... She smokes" could be either), and no sentence of
    atmosphere comes between: the pronoun is in the clue's first sentence."""
    told = 0
    for difficulty in ("default", "hard", "long"):
        config: GeneratorConfig = replace(PRESETS[difficulty], **knobs)
        for index in range(70):
            story = generate_case(case_seed(7, index), difficulty, config)
            matcher = mention_matcher(story)
            for before, clue in zip(story.clues, story.clues[1:], strict=False):
                named = {mention.slot for mention in find_mentions(clue.text, matcher)}
                for fact in clue.facts:
                    if not isinstance(fact, TraitStated) or fact.suspect in named:
                        continue
                    told += 1
                    last = sentences(QUOTATION.sub("", before.text).strip())[-1]  # a quotation is its speaker's
                    forms = PRONOUN_FORMS[story.suspects[fact.suspect].pronoun]
                    # The clue before names nobody else, and its last sentence names them, or tells another of
                    # their facts with a pronoun (a chain that goes back to their name).
                    assert {m.slot for m in find_mentions(before.text, matcher)} <= {fact.suspect}, (before, clue)
                    if fact.suspect not in {m.slot for m in find_mentions(last, matcher)}:
                        stated = {f.suspect for f in before.facts if isinstance(f, TraitStated)}
                        assert stated == {fact.suspect}, (before.text, clue.text)
                        assert forms & set(split_words(last.lower())), (before.text, clue.text)
                    assert not WITNESSES.search(last), (before.text, clue.text)
                    assert not ATMOSPHERE.match(clue.text), (before.text, clue.text)  # nothing between
    assert told > (300 if knobs else 100), told


def test_no_suspicion_contradicts_an_alibi_that_stands() -> None:
    """ "The lodger cannot account for the twenty minutes before the scream" is never told while the lodger's alibi
    (in the library with the vicar all evening) stands; once it is broken, it may be."""
    whereabouts = said(grammar.WHEREABOUTS)
    told = Counter()
    for story in stories(count=150):
        matcher = mention_matcher(story)
        standing: set[int] = set()
        for clue in story.clues:
            standing |= {fact.suspect for fact in clue.facts if isinstance(fact, Alibi)}
            standing -= {fact.suspect for fact in clue.facts if isinstance(fact, AlibiBroken)}
            if clue.facts:
                continue
            named = {mention.slot for mention in find_mentions(clue.text, matcher)}
            told[bool(named & standing), bool(whereabouts.search(clue.text))] += 1
            assert not (named & standing and whereabouts.search(clue.text)), clue.text
    assert told[True, False] > 100 and told[False, True] > 20, told
