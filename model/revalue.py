"""A corpus story with its values drawn afresh: the author's prose and the story's shape, a new case to solve.

A reader given the training corpus again and again learns its stories, not how to read them: the prose stage names
117 of every fifth training story and about 20 of 33 held back, and taking the fit away (dropout, clues left out)
takes the reading with it (docs/model.md, 2026-12-05 and 12-06). Here each reading of a story may be another case in
the same sentences. Every fact whose value the clue says in plain words ("a glass of gin", "a size eleven boot",
"the killer was left-handed"; the same value may be said more than once) has those words replaced by another
value's, drawn at random, and the fact changed with it; the oracle then says who is left, and the story is kept only
where one suspect is, who becomes its culprit. The culprit changes from one reading to the next, so that naming it
takes reading the values and acting on the evidence in people's own sentences, which is where the partner loses
people's stories (it acts on 0.4-0.6 of their evidence, 0.9 of the generator's).

A value is redrawn per group: every statement of one suspect's trait that still stands (a false testimony, which
a retraction names, alone), and all the evidence on one trait, so that the story stays consistent. A group keeps
its value where any of its facts is said otherwise than by such words (juniper for gin, "corrie-fisted"), or
where its clue names two values of the trait (the victim's own brandy beside the murderer's gin).
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

import numpy as np

from story import Clue, Evidence, Retraction, Story, TraitStated, analyze
from story.traits import CATALOGUE

# The words model/lemmas.py reads as sizes, written out here: importing it loads lemminflect's tables, which a run
# whose vocabulary has no lemmas never needs (model/tokenizer.py imports it lazily for the same reason).
_NUMBER_WORDS = ("six", "seven", "eight", "nine", "ten", "eleven", "twelve")
# Per trait and value, the plain words a clue says it in: the word and, where it has one, its plural.
_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "handedness": {"left": ("left",), "right": ("right",)},
    "hair": {"black": ("black",), "brown": ("brown",), "red": ("red",), "fair": ("fair",), "grey": ("grey",)},
    "coat": {"black": ("black",), "brown": ("brown",), "grey": ("grey",), "green": ("green",), "blue": ("blue",)},
    "tobacco": {
        "cigar": ("cigar", "cigars"),
        "pipe": ("pipe", "pipes"),
        "cigarette": ("cigarette", "cigarettes"),
        "snuff": ("snuff",),
    },
    "scent": {
        "lavender": ("lavender",),
        "rose": ("rose", "roses"),
        "sandalwood": ("sandalwood",),
        "violet": ("violet", "violets"),
        "lemon": ("lemon", "lemons"),
    },
    "drink": {"whisky": ("whisky",), "brandy": ("brandy",), "gin": ("gin",), "sherry": ("sherry",), "port": ("port",)},
    "shoe_size": {  # the digits, the word, its plural ("she takes nines")
        str(size): (str(size), word, "sixes" if word == "six" else f"{word}s")
        for size, word in zip(range(6, 13), _NUMBER_WORDS, strict=True)
    },
}
# The other names of a value that a clue may use for it ("blond", "auburn", "navy"): told by one, the value is
# said in a word, and replaced by the new value's plain word.
_SPELLED = {trait: dict(CATALOGUE[trait].spellings) for trait in _WORDS}
_PLURAL_SIZES = {forms[2] for forms in _WORDS["shoe_size"].values()}
# Hair and coats share colour words: a clue about either is judged by both traits' words.
_FAMILY = {"hair": ("hair", "coat"), "coat": ("hair", "coat")}
# Values that keep their words: snuff is taken, not smoked ("Leckie took snuff too" would read "took cigar").
_KEPT = {"tobacco": ("snuff",)}
TRIES = 12  # fresh draws of the values before the story is kept as it was


def with_values_redrawn(story: Story, rng: np.random.Generator) -> Story:
    """`story` with each group's value drawn afresh where it can be, and its culprit the one suspect the oracle
    leaves; `story` itself when nothing can be redrawn or no draw in `TRIES` leaves exactly one suspect."""
    retracted = {fact.fact_id for clue in story.clues for fact in clue.facts if isinstance(fact, Retraction)}
    groups = _groups(story, retracted)
    if not groups:
        return story
    for _ in range(TRIES):
        values = {key: _draw(key[0], rng) for key in groups}
        clues = tuple(_retold(clue, values, retracted) for clue in story.clues)
        suspects = tuple(
            replace(suspect, traits=suspect.traits | {k[0]: v for k, v in values.items() if k[1:] == ("suspect", slot)})
            for slot, suspect in enumerate(story.suspects)
        )
        told = replace(story, clues=clues, suspects=suspects, culprit=0)
        left = analyze(told).steps[-1].possible  # who is left does not depend on who the story says did it
        if len(left) == 1:
            redrawn = _with_culprit(told, left[0])
            if analyze(redrawn).sound:
                return redrawn
    return story


def _with_culprit(story: Story, slot: int) -> Story:
    """`story` with suspect `slot` its culprit, the evidence's values theirs in the cast (where the clues never
    tell them: a told one that differed would have cleared them)."""
    found = {fact.trait: fact.value for clue in story.clues for fact in clue.facts if isinstance(fact, Evidence)}
    suspects = list(story.suspects)
    suspects[slot] = replace(suspects[slot], traits=suspects[slot].traits | found)
    return replace(story, suspects=tuple(suspects), culprit=slot)


GroupKey = tuple[str, str, object]  # (trait, "evidence" / "testimony" / "suspect", the testimony's id or slot)


def _group(fact: TraitStated | Evidence, retracted: set[str]) -> GroupKey:
    if isinstance(fact, Evidence):
        return fact.trait, "evidence", None
    if fact.id is not None and fact.id in retracted:
        return fact.trait, "testimony", fact.id
    return fact.trait, "suspect", fact.suspect


def _groups(story: Story, retracted: set[str]) -> dict[GroupKey, None]:
    """The groups whose every fact says its value in plain words, and no other value of its trait, in its clue
    (a dict for its order: the draws follow the story)."""
    able: dict[GroupKey, None] = {}
    unable: set[GroupKey] = set()
    for clue in story.clues:
        for fact in clue.facts:
            if isinstance(fact, TraitStated | Evidence):
                key = _group(fact, retracted)
                if _said_plainly(clue, fact):
                    able[key] = None
                else:
                    unable.add(key)
    return {key: None for key in able if key not in unable}


def _said_plainly(clue: Clue, fact: TraitStated | Evidence) -> bool:
    """Whether the clue says `fact`'s value in plain words ("green wool ... a green coat"), no other value of its
    trait, and states nothing else of that trait."""
    if fact.value not in _WORDS[fact.trait] or fact.value in _KEPT.get(fact.trait, ()):
        return False  # a value with no plain word ("none", a non-smoker's; "large" feet), or kept
    same_trait = [f for f in clue.facts if isinstance(f, TraitStated | Evidence) and f.trait == fact.trait]
    if len(same_trait) != 1:
        return False
    found = _value_words(clue.text, fact.trait)
    return bool(found) and all(value == fact.value for *_, value in found)


def _value_words(text: str, trait: str) -> list[tuple[int, int, str, str]]:
    """Each run of words in `text` naming a value of `trait` as (start, end, first word, value), and of a trait
    sharing its words with value "" (a "grey" that could be either is taken as `trait`'s). Words of one value side
    by side are one run: "mousy brown", "navy-blue"."""
    found: dict[tuple[int, int], tuple[int, int, str, str]] = {}
    for each in sorted(_FAMILY.get(trait, (trait,)), key=lambda name: name == trait):  # `trait` last: it wins
        for match in _word_pattern(each).finditer(text):
            word = match[0].lower()
            value = _SPELLED[each].get(word) or next(v for v, forms in _WORDS[each].items() if word in forms)
            found[match.span()] = (match.start(), match.end(), match[0], value if each == trait else "")
    runs: list[tuple[int, int, str, str]] = []
    for start, end, word, value in sorted(found.values()):
        if runs and runs[-1][3] == value and re.fullmatch(r"[\s-]*", text[runs[-1][1] : start]):
            runs[-1] = (runs[-1][0], end, runs[-1][2], value)
        else:
            runs.append((start, end, word, value))
    return runs


@functools.cache
def _word_pattern(trait: str) -> re.Pattern[str]:
    if trait == "handedness":  # "left" is a hand only before "-handed", "hand", "-hander"
        return re.compile(r"\b(?:left|right)(?=[- ]?hand)", re.IGNORECASE)
    words = [form for forms in _WORDS[trait].values() for form in forms] + list(_SPELLED[trait])
    return re.compile(r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def _draw(trait: str, rng: np.random.Generator) -> str:
    values = [v for v in CATALOGUE[trait].generated_values if v in _WORDS[trait] and v not in _KEPT.get(trait, ())]
    return values[int(rng.integers(len(values)))]


def _retold(clue: Clue, values: dict[GroupKey, str], retracted: set[str]) -> Clue:
    """The clue with each redrawn fact's word replaced by its new value's, and the fact with it."""
    text, facts = clue.text, list(clue.facts)
    for index, fact in enumerate(clue.facts):
        if not isinstance(fact, TraitStated | Evidence):
            continue
        value = values.get(_group(fact, retracted), fact.value)
        if value == fact.value:
            continue
        for start, end, old, _ in reversed(_value_words(text, fact.trait)):  # from the end: spans before stay
            word = _word_for(old, fact.trait, value)
            text = _article_for(text[:start], word) + word + text[end:]
        facts[index] = replace(fact, value=value)
    return Clue(text, tuple(facts))


def _word_for(old: str, trait: str, value: str) -> str:
    """`value`'s word in the form of `old`: a number word for a number word, a plural for a plural, capitalised
    as it was; another name for a value ("auburn") gives way to the new value's plain word."""
    forms = _WORDS[trait][value]
    lower = old.lower()
    if trait == "shoe_size":
        word = forms[0] if not lower.isalpha() else forms[2] if lower in _PLURAL_SIZES else forms[1]
    else:
        plural = any(len(each) > 1 and each[1] == lower for each in _WORDS[trait].values())
        word = forms[-1] if plural else forms[0]
    return word[:1].upper() + word[1:] if old[:1].isupper() else word


def _article_for(before: str, word: str) -> str:
    """The text before a new word, its last "a" or "an" made to fit the word: "an eleven" redrawn is "a seven"."""
    match = re.search(r"\b(an?|An?)(\s+)$", before)
    if not match:
        return before
    vowel = word[:1].lower() in "aeiou" or re.match(r"(8|11|18)\b", word) is not None
    article = "an" if vowel else "a"
    article = article.capitalize() if match[1][0].isupper() else article
    return before[: match.start()] + article + match[2]
