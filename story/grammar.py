"""The template grammar that turns generated facts into prose, with many phrasings per fact kind.

A reader must read, not match one template: each fact kind has several clause templates, wrapped in several
sentence frames, with the subject written as a name, a role ("the butler") or, when the story has just named
that suspect, a pronoun; and, as authors write, with facts told through what a suspect does and with other
suspects as witnesses. Slots in templates:

    {s}   the subject: "Martin", "the butler", "Martin, the butler,", "he"     {sp}  possessive: "Martin's", "his"
    {p}   the subject's possessive pronoun: "his"       {sub} / {obj}  its subject / object pronoun: "he", "him"
    {v}   the value's word ("left", "red", "smokes cigars")                    {vp}  in the past ("smoked a cigar")
    {item} a thing of the value ("cigar ash")          {k}   the culprit, unnamed ("the murderer")
    {w}   a witness: "the footman", or another suspect by name or role         {room} a room of the house
    {xp}  any suspect's possessive, in evidence found among their things: "the butler's"

A clue that names two suspects (one as a witness), or a bystander witness, or that ends on atmosphere or on
evidence, is never followed by a pronoun statement: the generator names the subject again first, so "a pronoun
means the suspect named in the sentence just before" is always right.

The words themselves are data, in story/phrases/*.toml (each file's header says what its banks are for and
which slots each takes), so that the prose can grow without touching code; how phrases are drawn and put
together, and how a suspect is named ("the butler", "Martin's"), is the generator's. This module reads the
files once, at import, checks every bank against the slots the generator fills in it (`TEMPLATE_SLOTS`), and
offers each bank as a tuple in file order: the generator's seeded draws depend on that order.
"""

from __future__ import annotations

import functools
import re
import string
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Literal

from story.traits import CATALOGUE
from story.words import split_words


class PhraseError(ValueError):
    """Phrase files the generator cannot use: every problem, one line each, "story/phrases/FILE: BANK: what"."""


@dataclass(frozen=True)
class Slots:
    """The placeholders the generator fills in a bank's templates, and those a template must use: at least one
    of each `required` group."""

    allowed: frozenset[str]
    required: tuple[frozenset[str], ...] = ()


def _slots(allowed: str, *required: str) -> Slots:
    return Slots(frozenset(allowed.split()), tuple(frozenset(group.split()) for group in required))


# Shapes of banks: a list of words put into the prose as written, a list of templates, one template, a list of
# templates per trait, a list of words per trait and value, or a list of words per name (a season, a place, a kind
# of words, an activity).
Shape = Literal["words", "templates", "template", "templates by trait", "words by value", "words by name"]
# Every bank of every phrase file, by file and key, with its shape. A file has these keys and no others.
BANKS: dict[str, dict[str, Shape]] = {
    "cast": {
        "male_names": "words",
        "female_names": "words",
        "surnames": "words",
        "male_titles": "words",
        "female_titles": "words",
        "roles": "words",
        "female_roles": "words",
        "male_roles": "words",
        "witnesses": "words",
        "first_name_titles": "words",
        "male_words": "words",
        "female_words": "words",
    },
    "setting": {
        "places": "words",
        "rooms": "words",
        "victim_titles": "words",
        "victim_surnames": "words",
        "victim_first_name_titles": "words",
        "victim_first_names": "words",
        "victim_male_words": "words",
        "victim_female_words": "words",
        "seasons": "words",
        "years": "words",
        "title_words": "words",
        "case_title": "template",
        "case_when": "template",
        "case_intro": "template",
        "case_openings": "templates",
        "case_casts": "templates",
        "case_reveal": "template",
        "season_kinds": "words by name",
        "season_words": "words by name",
        "place_kinds": "words by name",
        "place_words": "words by name",
    },
    "values": {
        "value_words": "words by value",
        "past_value_words": "words by value",
        "items": "words by value",
        "statement_items": "words by value",
        "shared_value_words": "words by value",
        "listed_value_words": "words by value",
        "synonym_value_words": "words by value",
        "spoken_value_words": "words by value",
        "spoken_plural_words": "words by value",
        "noun_value_words": "words by value",
    },
    "statements": {
        "statement_frames": "templates",
        "statement_frames_named": "templates",
        "testimony_frames": "templates",
        "quoted_testimony_frames": "templates",
        "sketch_frames": "templates",
        "retractions": "templates",
        "statements": "templates by trait",
        "shared_statements": "templates by trait",
        "spoken_statements": "templates by trait",
        "listed_statements": "templates by trait",
        "sketches": "templates by trait",
    },
    "evidence": {
        "killers": "words",
        "evidence_frames": "templates",
        "evidence_frames_placed": "templates",
        "evidence_withdrawals": "templates",
        "evidence": "templates by trait",
        "evidence_placed": "templates by trait",
        "evidence_foils": "templates by trait",
    },
    "alibis": {
        "alibis": "templates",
        "broken_alibis": "templates",
        "paired_alibis": "templates",
        "paired_broken_alibis": "templates",
        "own_alibis": "templates",
        "implied_alibis": "templates",
        "activities": "words by name",
    },
    "dialogue": {
        "dialogue_frames": "templates",
        "joiners": "templates",
        "first_person": "templates by trait",
        "first_person_words": "words by value",
    },
    "scenery": {
        "subject_intros": "templates",
        "suspicions": "templates",
        "flavour": "templates",
        "bridges": "words",
        "whereabouts": "words",
    },
}
_SUBJECT = "s sp p sub obj"
# The slots the generator fills in each template bank (and, per group, one of which each template must use).
TEMPLATE_SLOTS: dict[str, Slots] = {
    "statements": _slots(f"{_SUBJECT} v vp vn item room", "s sp", "v vp vn item"),  # may be told with a pronoun
    "evidence": _slots("k v vp vn item w room", "v vp vn item"),
    # evidence found among a suspect's things (evidence_frames_placed): a thing found, with no place of its own
    "evidence_placed": _slots("k v vp vn item", "v vp vn item"),
    # the evidence's clause {c} ({C} opening a sentence) in a scene with other values: {o} {o2} {oitem} of others
    "evidence_foils": _slots("c C o o2 oitem v item victim w k room", "c C", "o o2 oitem v item"),
    "shared_statements": _slots("a b v room", "a", "b", "v"),  # two suspects named, one value
    "spoken_statements": _slots(f"{_SUBJECT} v vp vs room", "s sp", "v vs"),  # a value in words: "takes a nine"
    # three suspects named, each with a value: "Martin favours a pipe, the cook cigarettes and Ada snuff"
    "listed_statements": _slots("a va b vb c vc w room", "a", "b", "c", "va", "vb", "vc"),
    # a fragment without a main verb: "{v} hair cut short", "the smell of {v} about {obj}"; names nobody
    "sketches": _slots("p sub obj v", "v"),
    # a sketch's sentence around two fragments {f} ("{F}" opening it), naming its suspect: "{s}: {f}."
    "sketch_frames": _slots(f"{_SUBJECT} f F", "s sp", "f F"),
    "statement_frames": _slots("c", "c"),  # wraps pronoun subjects too, so names no witness
    "statement_frames_named": _slots("c w", "c", "w"),
    "testimony_frames": _slots("c w", "c", "w"),
    "quoted_testimony_frames": _slots("q c w", "q c", "w"),  # {q}: the clause capitalised, to open a quotation
    "retractions": _slots(f"{_SUBJECT} w noun k room", "s sp", "w"),
    "evidence_frames": _slots("c", "c"),
    "evidence_frames_placed": _slots("c xp", "c", "xp"),
    "evidence_withdrawals": _slots("k noun w room", "noun"),  # names no suspect: the evidence is withdrawn, not given
    "alibis": _slots(f"{_SUBJECT} w k room", "s sp"),
    "broken_alibis": _slots(f"{_SUBJECT} w k room", "s sp"),
    "paired_alibis": _slots("a b w k room", "a", "b"),
    "paired_broken_alibis": _slots("a b w k room", "a", "b"),
    "own_alibis": _slots(f"{_SUBJECT} w k room", "s sp"),  # the subject speaks ("I was ..."): named, not "I" alone
    "implied_alibis": _slots(f"{_SUBJECT} w k room", "s sp"),
    "subject_intros": _slots(f"{_SUBJECT} room", "s sp"),  # a pronoun about the subject follows: nobody else
    "suspicions": _slots(f"{_SUBJECT} w k room", "s sp"),
    "first_person": _slots("v vp vn item room", "v vp vn item"),  # the speaker's own words: names nobody
    "dialogue_frames": _slots("q s sp", "q", "s sp"),
    "joiners": _slots("a b", "a", "b"),
    "flavour": _slots("room"),  # atmosphere: names no person
    "case_title": _slots("word place", "word", "place"),
    "case_when": _slots("season year", "season", "year"),
    "case_intro": _slots("victim place when size cast", "victim", "place", "when", "size", "cast"),
    "case_openings": _slots("victim place when room", "victim"),  # names no suspect
    "case_casts": _slots("size cast", "cast"),
    "case_reveal": _slots("name role described", "name", "role", "described"),
}
# Where a template bank's {item} comes from: only traits listed there may use it, and they list every value.
ITEM_TABLES = {
    "statements": "statement_items",
    "evidence": "items",
    "evidence_placed": "items",
    "evidence_foils": "items",  # {item} and {oitem}, another value's item
    "first_person": "statement_items",
}
# Banks that only some traits have: exactly the traits of the value table named (spoken sizes have a template
# bank and a plural for each word).
PARTIAL_TRAIT_BANKS = {"spoken_statements": "spoken_value_words", "spoken_plural_words": "spoken_value_words"}
# Value tables that must list every value the generator draws for each trait they list (no plain fallback).
COMPLETE_TABLES = (
    *ITEM_TABLES.values(),
    "first_person_words",
    "shared_value_words",
    "listed_value_words",
    "spoken_value_words",
    "spoken_plural_words",
)


def read_phrase_files() -> dict[str, dict[str, Any]]:
    """Every phrase file, parsed, by name; PhraseError if one is not valid TOML."""
    data = {}
    for name in BANKS:
        text = files("story").joinpath("phrases", f"{name}.toml").read_text(encoding="utf-8")
        try:
            data[name] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PhraseError(f"{_label(name)}: {exc}") from exc
    return data


def phrase_problems(data: dict[str, dict[str, Any]]) -> list[str]:
    """Everything wrong with parsed phrase files, one line each: unknown or missing banks, wrong shapes, empty
    or repeated entries, and placeholders the generator does not fill; [] when the generator can use them."""
    problems = []
    for name, banks in BANKS.items():
        found = data.get(name, {})
        problems += [
            f"{_label(name)}: unknown bank '{key}'; banks: {', '.join(banks)}" for key in found if key not in banks
        ]
        for key, shape in banks.items():
            if key not in found:
                problems.append(f"{_label(name)}: missing bank '{key}'")
            else:
                problems += [f"{_label(name)}: {problem}" for problem in _bank_problems(key, shape, found[key], data)]
    cast = data.get("cast", {})
    roles = cast.get("roles", [])
    for key in ("female_roles", "male_roles"):  # a role of one sex is a role first
        listed = cast.get(key, [])
        if isinstance(listed, list):  # a bank of another shape is told above
            strays = [role for role in listed if role not in roles]
            problems += [f"{_label('cast')}: {key}: '{role}' is not one of roles" for role in strays]
    return problems + _case_problems(data)


def _case_problems(data: dict[str, dict[str, Any]]) -> list[str]:
    """What the banks that fit phrases to a case say that other banks contradict: a season, place or title that is
    none of the setting's, a kind of words that none has, an activity no alibi or broken alibi names, and an alibi
    that no broken alibi fits."""
    problems = []
    cast, setting, alibis = data.get("cast", {}), data.get("setting", {}), data.get("alibis", {})

    def listed(bank: dict[str, Any], key: str) -> list[Any]:
        found = bank.get(key, [])
        return found if isinstance(found, list) else []  # a bank of another shape is told elsewhere

    def table(bank: dict[str, Any], key: str) -> dict[str, Any]:
        found = bank.get(key, {})
        return found if isinstance(found, dict) else {}

    titles = listed(cast, "male_titles") + listed(cast, "female_titles")
    problems += [
        f"{_label('cast')}: first_name_titles: '{title}' is not one of male_titles or female_titles"
        for title in listed(cast, "first_name_titles")
        if title not in titles
    ]
    problems += [
        f"{_label('setting')}: victim_first_name_titles: '{title}' is not one of victim_titles"
        for title in listed(setting, "victim_first_name_titles")
        if title not in listed(setting, "victim_titles")
    ]
    for kinds, words, entries in (
        ("season_kinds", "season_words", "seasons"),
        ("place_kinds", "place_words", "places"),
    ):
        known = listed(setting, entries)
        for entry, names in table(setting, kinds).items():
            if entry not in known:
                problems.append(f"{_label('setting')}: {kinds}: '{entry}' is not one of {entries}")
            for name in names if isinstance(names, list) else []:
                if name not in table(setting, words):
                    problems.append(f"{_label('setting')}: {kinds}.{entry}: '{name}' is not a kind of {words}")
    for kinds, words in (("season_kinds", "season_words"), ("place_kinds", "place_words")):
        held = {name for names in table(setting, kinds).values() if isinstance(names, list) for name in names}
        problems += [
            f"{_label('setting')}: {words}.{kind}: no entry of {kinds} has it, so its words are never said"
            for kind in table(setting, words)
            if kind not in held
        ]
    both = table(setting, "season_words").keys() & table(setting, "place_words").keys()
    problems += [
        f"{_label('setting')}: '{kind}' is a kind of both season_words and place_words" for kind in sorted(both)
    ]
    told = {key: listed(alibis, key) for key in ALIBI_BANKS}
    breaks = listed(alibis, "broken_alibis")
    every_break = breaks + listed(alibis, "paired_broken_alibis")
    activities = {
        name: _said(tuple(words))
        for name, words in table(alibis, "activities").items()
        if isinstance(words, list) and words and all(isinstance(word, str) for word in words)
    }
    for name, pattern in activities.items():
        for kind, wanted in (
            ("broken alibi", every_break),
            ("alibi", [each for bank in told.values() for each in bank]),
        ):
            if not any(pattern.search(each) for each in wanted if isinstance(each, str)):
                problems.append(f"{_label('alibis')}: activities.{name}: no {kind} names it")
    for key, bank in told.items():
        for index, alibi in enumerate(bank):
            if not isinstance(alibi, str) or not breaks:  # told above
                continue
            fits = [each for each in breaks if isinstance(each, str) and _breaks(each, alibi, activities.values())]
            if not fits:
                problems.append(f"{_label('alibis')}: {key}[{index}]: no broken alibi fits it (see activities)")
    return problems


# The banks of alibis that a broken alibi may break: a suspect's, two suspects' in one clue, a suspect's own words,
# a circumstance.
ALIBI_BANKS = ("alibis", "paired_alibis", "own_alibis", "implied_alibis")


@functools.cache
def _said(words: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern that finds any of `words` in a template as whole words, in any case: "snow" in "Snow kept falling"
    and "snow-covered", not in "snowdrop"; "the heat" in "stirring the heat", not in "the heating"."""
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _breaks(broken: str, alibi: str, activities: Iterable[re.Pattern[str]]) -> bool:
    """Whether a broken alibi's template can break an alibi told by `alibi`'s: it names the {room} and the witness
    {w} only where the alibi did (the generator fills them with the alibi's own), and each activity it names
    (alibis.toml's activities: "the card game"), the alibi named too."""
    if any(slot in broken and slot not in alibi for slot in ("{room}", "{w}")):
        return False
    return all(not pattern.search(broken) or pattern.search(alibi) for pattern in activities)


def template_problems(template: str, slots: Slots) -> list[str]:
    """What is wrong with one template, given the slots the generator fills in it; [] when nothing is."""
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:  # a lone "{" or "}"
        return [f"{exc}; a brace meant as text is written {{{{ or }}}}"]
    problems = []
    for name, spec, conversion in fields:
        if name not in slots.allowed:
            allowed = ", ".join(f"{{{slot}}}" for slot in sorted(slots.allowed))
            problems.append(f"unknown placeholder {{{name}}}; this bank takes {allowed}")
        elif spec or conversion:
            problems.append(f"placeholder {{{name}}} has a format or conversion; write it plain, {{{name}}}")
    used = {name for name, _, _ in fields}
    for group in slots.required:
        if not used & group:
            problems.append(f"needs {' or '.join(f'{{{slot}}}' for slot in sorted(group))}")
    return problems


def _bank_problems(key: str, shape: Shape, raw: Any, data: dict[str, dict[str, Any]]) -> list[str]:
    if shape == "template":
        if not isinstance(raw, str):
            return [f"{key}: must be a string"]
        return [f"{key}: {problem}" for problem in template_problems(raw, TEMPLATE_SLOTS[key])]
    if shape in ("words", "templates"):
        return _list_problems(key, raw, TEMPLATE_SLOTS.get(key))
    if not isinstance(raw, dict):
        return [f"{key}: must be a table"]
    if shape == "words by name":  # what the names are is told across files (`_case_problems`)
        return [problem for name, words in raw.items() for problem in _list_problems(f"{key}.{name}", words, None)]
    problems = [
        f"{key}: unknown trait '{trait}'; traits: {', '.join(CATALOGUE)}" for trait in raw if trait not in CATALOGUE
    ]
    partial = PARTIAL_TRAIT_BANKS.get(key)
    if partial or shape == "templates by trait":  # every trait has a bank, or each trait of `partial` does
        needed = data.get("values", {}).get(partial, {}) if partial else CATALOGUE
        problems += [f"{key}: no bank for trait '{trait}'" for trait in needed if trait not in raw]
        problems += [f"{key}.{trait}: the trait has no {partial}" for trait in raw if partial and trait not in needed]
    if shape == "templates by trait":
        with_items = data.get("values", {}).get(ITEM_TABLES.get(key, ""), {})
        slots = TEMPLATE_SLOTS[key]
        for trait, templates in raw.items():
            allowed = slots.allowed if trait in with_items else slots.allowed - {"item", "oitem"}
            problems += _list_problems(f"{key}.{trait}", templates, Slots(allowed, slots.required))
        return problems
    for trait, values in raw.items():
        if not isinstance(values, dict):
            problems.append(f"{key}.{trait}: must be a table of values")
            continue
        known = CATALOGUE[trait].values if trait in CATALOGUE else ()
        problems += [f"{key}.{trait}: unknown value '{value}'" for value in values if value not in known]
        if key in COMPLETE_TABLES:
            generated = CATALOGUE[trait].generated_values if trait in CATALOGUE else ()
            problems += [f"{key}.{trait}: no bank for value '{value}'" for value in generated if value not in values]
        for value, words in values.items():
            problems += _list_problems(f"{key}.{trait}.{value}", words, None)
    return problems


def _list_problems(where: str, raw: Any, slots: Slots | None) -> list[str]:
    """A bank's problems: templates checked against `slots`, words (`slots` None) for braces."""
    if not isinstance(raw, list) or not raw or not all(isinstance(entry, str) and entry.strip() for entry in raw):
        return [f"{where}: must be a list of one or more non-empty strings"]
    problems = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        if entry in seen:
            problems.append(f"{where}[{index}]: {entry!r} is listed twice, so it would be drawn twice as often")
        seen.add(entry)
        if slots is not None:
            problems += [f"{where}[{index}]: {problem}" for problem in template_problems(entry, slots)]
        elif "{" in entry or "}" in entry:
            problems.append(f"{where}[{index}]: a brace, in words that go into the prose as written")
    return problems


def _label(name: str) -> str:
    return f"story/phrases/{name}.toml"


_PHRASES = read_phrase_files()
if _problems := phrase_problems(_PHRASES):
    raise PhraseError("\n".join(_problems))


def phrase_words() -> set[str]:
    """Every word the phrase banks can write, as the readers split words, placeholders left out (with the words
    they are part of: "{v}-haired" gives no word here, "red-haired" comes from the generated cases); suspects'
    names are not among them (the readers see a suspect as a slot token, never by name)."""
    found: set[str] = set()
    stack: list[Any] = [banks for name, banks in _PHRASES.items() if name != "cast"]
    stack.append({key: bank for key, bank in _PHRASES["cast"].items() if key in ("roles", "witnesses")})
    while stack:
        item = stack.pop()
        if isinstance(item, str):  # a placeholder as a word, then dropped: "{s}'s" leaves "'s", as prose does
            found.update(split_words(re.sub(r"\{\w+\}", _PLACEHOLDER, item)))
        elif isinstance(item, list):
            stack += item
        elif isinstance(item, dict):
            stack += item.values()
    return {word for word in found if _PLACEHOLDER.lower() not in word}


_PLACEHOLDER = "Placeholder"


def _bank(name: str, key: str) -> tuple[str, ...]:
    return tuple(_PHRASES[name][key])


def _by_trait(name: str, key: str) -> dict[str, tuple[str, ...]]:
    return {trait: tuple(bank) for trait, bank in _PHRASES[name][key].items()}


def _by_name(name: str, key: str) -> dict[str, tuple[str, ...]]:
    return {entry: tuple(words) for entry, words in _PHRASES[name][key].items()}


def _by_value(name: str, key: str) -> dict[str, dict[str, tuple[str, ...]]]:
    table = _PHRASES[name][key]
    return {trait: {value: tuple(bank) for value, bank in values.items()} for trait, values in table.items()}


# --- people and places: cast.toml, setting.toml -------------------------------------------------------------------

MALE_NAMES = _bank("cast", "male_names")
FEMALE_NAMES = _bank("cast", "female_names")
# Roles of suspects. Witnesses never share a word with them, so "the maid" always means one suspect.
ROLES = _bank("cast", "roles")
# Roles said of one sex only ("the niece", "the nephew"): a suspect drawn to one takes its pronoun, and the name
# with it, so that no case has "Edmund, the niece". Every other role is anyone's.
FEMALE_ROLES = _bank("cast", "female_roles")
MALE_ROLES = _bank("cast", "male_roles")
# Surnames and titles give some suspects a full name, "Dr Ingrid Halvorsen", as authors name people; the prose
# then calls them by it, by "Dr Halvorsen", "Ingrid" or "Halvorsen", and a rank alone ("the Colonel").
SURNAMES = _bank("cast", "surnames")
MALE_TITLES = _bank("cast", "male_titles")
FEMALE_TITLES = _bank("cast", "female_titles")
WITNESSES = _bank("cast", "witnesses")
# Titles said with the first name: "Sir Hugh Vane" is "Sir Hugh", never "Sir Vane"; "Lady Iris" and "Lord Arthur"
# likewise (`_name_forms` in story/narration.py).
FIRST_NAME_TITLES = _bank("cast", "first_name_titles")
# Words said of a man or of a woman only ("after shaving"): a template about suspects that has one is drawn only
# for suspects of that pronoun (`fits_case`).
MALE_WORDS = _bank("cast", "male_words")
FEMALE_WORDS = _bank("cast", "female_words")
PLACES = _bank("setting", "places")
ROOMS = _bank("setting", "rooms")
VICTIM_TITLES = _bank("setting", "victim_titles")
VICTIM_SURNAMES = _bank("setting", "victim_surnames")
# A victim of these titles has a first name too: "Sir Aubrey Carrow", never "Sir Carrow".
VICTIM_FIRST_NAME_TITLES = _bank("setting", "victim_first_name_titles")
VICTIM_FIRST_NAMES = _bank("setting", "victim_first_names")
# Words said of a male or female victim only ("the victim's necklace"): drawn only where the victim's title says so.
VICTIM_MALE_WORDS = _bank("setting", "victim_male_words")
VICTIM_FEMALE_WORDS = _bank("setting", "victim_female_words")
# The kinds of words each season and place allows ("snow", "abbey"), and the words of each kind: a template that
# says a kind's words is drawn only in a case whose season or place has that kind (`fits_case`).
SEASON_KINDS = _by_name("setting", "season_kinds")
SEASON_WORDS = _by_name("setting", "season_words")
PLACE_KINDS = _by_name("setting", "place_kinds")
PLACE_WORDS = _by_name("setting", "place_words")
SEASONS = _bank("setting", "seasons")
YEARS = _bank("setting", "years")
TITLE_WORDS = _bank("setting", "title_words")
CASE_TITLE: str = _PHRASES["setting"]["case_title"]
CASE_WHEN: str = _PHRASES["setting"]["case_when"]
CASE_INTRO: str = _PHRASES["setting"]["case_intro"]
CASE_OPENINGS = _bank("setting", "case_openings")
CASE_CASTS = _bank("setting", "case_casts")
CASE_REVEAL: str = _PHRASES["setting"]["case_reveal"]

# --- facts: values.toml, statements.toml, evidence.toml, alibis.toml --------------------------------------------

# Words for values where the plain value would not read well, per trait and value, one of each tuple at random:
# {v} in the present tense ("smokes cigars"), {vp} in the past ("smoked a cigar"), {item} a thing left behind.
VALUE_WORDS = _by_value("values", "value_words")
PAST_VALUE_WORDS = _by_value("values", "past_value_words")
ITEMS = _by_value("values", "items")
STATEMENT_ITEMS = _by_value("values", "statement_items")
# {vn}: the value as a noun where the plain value reads as a word before another ("smells of roses" beside "rose
# water"); a value not listed is said as itself.
NOUN_VALUE_WORDS = _by_value("values", "noun_value_words")
# Per trait: clause templates stating a suspect's value, plain or told through something the suspect does.
STATEMENTS = _by_trait("statements", "statements")
# Per trait: clause templates stating that two suspects, {a} and {b}, share one value ("both smoke cigars"); {v}
# for tobacco is a shared_value_words entry, said of two ("smoke cigars").
SHARED_STATEMENTS = _by_trait("statements", "shared_statements")
SHARED_VALUE_WORDS = _by_value("values", "shared_value_words")
# Three suspects' values of one trait in one clause ("Martin favours a pipe, the cook cigarettes and Ada snuff"),
# at `listed_share`; for tobacco the values are listed_value_words, said as nouns.
LISTED_STATEMENTS = _by_trait("statements", "listed_statements")
LISTED_VALUE_WORDS = _by_value("values", "listed_value_words")
# One suspect's values of two traits as a sketch without verbs ("Martin: red hair cut short, and a green coat."),
# at `sketch_share`; for tobacco the values are listed_value_words, said as nouns.
SKETCHES = _by_trait("statements", "sketches")
SKETCH_FRAMES = _bank("statements", "sketch_frames")
# A colour by another name ("auburn" hair, a "navy" coat), for {v} and {vp} at `synonym_share`.
SYNONYM_VALUE_WORDS = _by_value("values", "synonym_value_words")
# A value said in words ("a size nine", "she takes nines"): {v} and {vs} of spoken_statements, and {v} of every
# other template at `spoken_size_share`.
SPOKEN_STATEMENTS = _by_trait("statements", "spoken_statements")
SPOKEN_VALUE_WORDS = _by_value("values", "spoken_value_words")
SPOKEN_PLURAL_WORDS = _by_value("values", "spoken_plural_words")
# Sentence frames around a clause {c}; frames with a witness {w} never wrap a pronoun subject.
STATEMENT_FRAMES = _bank("statements", "statement_frames")
STATEMENT_FRAMES_NAMED = _bank("statements", "statement_frames_named")
TESTIMONY_FRAMES = _bank("statements", "testimony_frames")
# A witness's claim in their own words, at `quoted_testimony_share`: "'Martin smokes a pipe,' said the cook."
QUOTED_TESTIMONY_FRAMES = _bank("statements", "quoted_testimony_frames")
RETRACTIONS = _bank("statements", "retractions")
# Per trait: clause templates saying what the culprit's value is. {k} is the culprit, unnamed: "the killer".
EVIDENCE = _by_trait("evidence", "evidence")
KILLERS = _bank("evidence", "killers")
EVIDENCE_FRAMES = _bank("evidence", "evidence_frames")
EVIDENCE_FRAMES_PLACED = _bank("evidence", "evidence_frames_placed")
# Per trait: evidence as a thing found among a suspect's things, with no place of its own, for the placed frames
# ("In {xp} room, {c}."): a clause about the culprit ("the killer smells of roses") or one with its own place
# ("the footprints under the study window") would not read in them.
EVIDENCE_PLACED = _by_trait("evidence", "evidence_placed")
# Evidence told in a scene that names other values of its trait (`evidence_foil_share`).
EVIDENCE_FOILS = _by_trait("evidence", "evidence_foils")
# A piece of evidence taken back (`withdrawn_evidence_share`): "The clue to the killer's scent is worthless after all."
EVIDENCE_WITHDRAWALS = _bank("evidence", "evidence_withdrawals")
ALIBIS = _bank("alibis", "alibis")
BROKEN_ALIBIS = _bank("alibis", "broken_alibis")
PAIRED_ALIBIS = _bank("alibis", "paired_alibis")
PAIRED_BROKEN_ALIBIS = _bank("alibis", "paired_broken_alibis")
# A suspect's own alibi in their own words, borne out by a witness (`own_alibi_share`).
OWN_ALIBIS = _bank("alibis", "own_alibis")
# A suspect cleared by circumstance, told in narration with nobody vouching in words (`implied_alibi_share`).
IMPLIED_ALIBIS = _bank("alibis", "implied_alibis")
# Activities an alibi and the broken alibi after it both name ("the card game"): see `break_fits`.
ACTIVITIES = _by_name("alibis", "activities")

# --- suspects speaking, and two statements in one clue: dialogue.toml ------------------------------------------

FIRST_PERSON = _by_trait("dialogue", "first_person")
FIRST_PERSON_WORDS = _by_value("dialogue", "first_person_words")
DIALOGUE_FRAMES = _bank("dialogue", "dialogue_frames")
JOINERS = _bank("dialogue", "joiners")

# --- clues without facts: scenery.toml --------------------------------------------------------------------------

SUBJECT_INTROS = _bank("scenery", "subject_intros")
SUSPICIONS = _bank("scenery", "suspicions")
# Words that say where a suspect was, or was not, at the hour of the murder ("cannot account for"): see
# `without_whereabouts`.
WHEREABOUTS = _bank("scenery", "whereabouts")
FLAVOUR = _bank("scenery", "flavour")
# Neutral clues that may come before a suspect's introduction (never between it and the pronoun): they name nobody.
BRIDGES = _bank("scenery", "bridges")


# --- fitting phrases to a case ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Needs:
    """What a template's words ask of the case that tells it: kinds of season or place ("snow", "abbey"), and the
    pronoun of its subject or of the victim ("he": "after shaving"); "?" where its words ask for both."""

    kinds: frozenset[str] = frozenset()
    subject: str | None = None
    victim: str | None = None


_KIND_PATTERNS = {kind: _said(words) for kind, words in {**SEASON_WORDS, **PLACE_WORDS}.items()}


@functools.cache
def needs(template: str) -> Needs:
    """What `template` asks of a case, by the words it says (setting.toml's season_words and place_words,
    cast.toml's male_words and female_words, setting.toml's victim_male_words and victim_female_words)."""
    kinds = frozenset(kind for kind, pattern in _KIND_PATTERNS.items() if pattern.search(template))
    return Needs(
        kinds, _sex(template, MALE_WORDS, FEMALE_WORDS), _sex(template, VICTIM_MALE_WORDS, VICTIM_FEMALE_WORDS)
    )


def _sex(template: str, male: tuple[str, ...], female: tuple[str, ...]) -> str | None:
    said = {"he": bool(_said(male).search(template)), "she": bool(_said(female).search(template))}
    if all(said.values()):
        return "?"
    return next((pronoun for pronoun, found in said.items() if found), None)


def case_kinds(place: str, season: str) -> frozenset[str]:
    """The kinds of words a case at `place` in `season` (one of PLACES and SEASONS) may say."""
    return frozenset(PLACE_KINDS.get(place, ()) + SEASON_KINDS.get(season, ()))


def title_pronoun(name: str) -> str | None:
    """The pronoun a name's title says ("Lady Ashford": "she"), or None: no title, or one of both (Dr)."""
    title = name.split()[0] if name.split() else ""
    male, female = title in MALE_TITLES, title in FEMALE_TITLES
    return "he" if male and not female else "she" if female and not male else None


def fits_case(template: str, kinds: frozenset[str] | None, subjects: tuple[str, ...], victim: str | None) -> bool:
    """Whether `template` may be told in a case whose season and place allow `kinds` (None: any, for a story told
    elsewhere), about suspects of the pronouns `subjects` (words of one sex go only to suspects of it; a template
    about nobody has none), where the victim's pronoun is `victim` (None: not known, so no victim's words of
    either sex)."""
    need = needs(template)
    if kinds is not None and not need.kinds <= kinds:
        return False
    if need.subject and any(pronoun != need.subject for pronoun in subjects):
        return False
    return need.victim is None or need.victim == victim


_ACTIVITY_PATTERNS = tuple(_said(words) for words in ACTIVITIES.values())


@functools.cache  # a case asks it of every broken alibi for every alibi it breaks
def break_fits(broken: str, alibi: str) -> bool:
    """Whether the broken alibi `broken` (a template) can break an alibi told by the template `alibi`: it names
    the room and the witness only if the alibi did, since it must name the alibi's own, and an activity only if
    the alibi named it too ("the card game" breaks "playing cards", not "sat at the piano")."""
    return _breaks(broken, alibi, _ACTIVITY_PATTERNS)


@functools.cache
def without_whereabouts(bank: tuple[str, ...]) -> tuple[str, ...]:
    """`bank` without its entries that say where a suspect was, or was not, at the hour of the murder (WHEREABOUTS:
    "cannot account for the twenty minutes before the scream"): none is told of a suspect whose alibi stands."""
    pattern = _said(WHEREABOUTS)
    return tuple(entry for entry in bank if not pattern.search(entry)) or bank
