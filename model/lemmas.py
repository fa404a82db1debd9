"""Reading a word by its lemma: "invited" as "invite", "boots" as "boot", "smelt" as "smell".

A reader taught "invites" then knows "invited" and "inviting" too, so an author's prose has fewer words it has
never seen. The dictionaries are lemminflect's (shipped inside the package: no download, numpy only), and each
word is looked up once per process.

Words whose exact form carries a fact are kept as written: every catalogue value ("left" is a hand, not the past
of "leave"; "rose" a scent, not the past of "rise"), pronouns (which reader resolves "her" depends on the form),
and the words of a name's title. Number words from six to twelve, and their plurals, read as digits, the way the
catalogue writes shoe sizes ("size eleven boots" reads as "size 11 boots", "she takes nines" as "she takes 9").
A value's other names in the catalogue, their forms and compounds read as the value ("auburn" as "red", "blondes"
as "fair", "auburn-haired" as "red-haired"), except the names that prose often uses in another sense ("navy").
"""

from __future__ import annotations

import functools

from lemminflect import Lemmatizer, getAllLemmas

from story.mentions import RANKS, TITLES
from story.traits import CATALOGUE, PRONOUNS

# Which reading of an ambiguous form wins: a verb first ("smelt" -> "smell"), then a noun, an adjective ...
_PRIORITY = ("VERB", "NOUN", "ADJ", "ADV", "AUX", "PROPN")

KEPT = frozenset(
    {value for trait in CATALOGUE.values() for value in trait.values}
    | {form for forms in PRONOUNS.values() for form in forms}
    | {"hers", "himself", "herself", "themselves", "theirs", "its", "it"}
    | TITLES
    | RANKS
)


_NUMBER_WORDS = {"six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12"}
# Read as digits wherever they stand, as the number words are ("ten o'clock" as "10 o'clock", "tens of thousands"
# as "10 of thousands"): the digit is a size only where the words around it make it one, which a reader learns.
NUMBERS = _NUMBER_WORDS | {("sixes" if word == "six" else f"{word}s"): digits for word, digits in _NUMBER_WORDS.items()}


# Other names a story file may use for a value that prose often uses in another sense: "in the navy", ginger beer,
# "a mousy little woman". A reader reads them as words, to be read in context, not as the value.
_OTHER_SENSES = frozenset({"navy", "ginger", "mousy"})
# Each trait's other names for its values, read as the value (story.traits: "blond" -> "fair", "auburn" -> "red");
# no word names two values (tests/test_mentions.py), so one table serves every trait.
SPELLINGS = {
    word: value for trait in CATALOGUE.values() for word, value in trait.spellings.items() if word not in _OTHER_SENSES
}


@functools.cache
def lemma(word: str) -> str:
    """The word's lemma, or the word itself when it is kept, not a plain lower-case word, or not in the dictionary."""
    if word in NUMBERS:
        return NUMBERS[word]
    if word in SPELLINGS:
        return SPELLINGS[word]
    head, dash, tail = word.partition("-")
    if dash and head in SPELLINGS:  # "auburn-haired" as "red-haired", the catalogue's compound
        return f"{SPELLINGS[head]}-{tail}"
    if word in KEPT or not word.isalpha() or not word.islower():
        return word
    readings = getAllLemmas(word)
    for tag in _PRIORITY:
        if tag in readings:
            found = readings[tag][0]
            return SPELLINGS.get(found, found)  # "blondes" -> "blonde" -> "fair"
    return word


def spelled_compounds(vocabulary: tuple[str, ...]) -> set[str]:
    """The compounds of a value's other names that read as a word of `vocabulary`: "auburn-haired" for
    "red-haired". `lemma` changes a hyphenated word only where its first part is such a name."""
    by_value: dict[str, list[str]] = {}
    for word, value in SPELLINGS.items():
        by_value.setdefault(value, []).append(word)
    return {
        f"{other}-{tail}"
        for word in vocabulary
        for head, dash, tail in [word.partition("-")]
        if dash
        for other in by_value.get(head, ())
    }


@functools.cache
def lemma_forms(vocabulary: tuple[str, ...]) -> dict[str, str]:
    """Every word whose lemma differs from it and matters to `vocabulary` (its lemma is there, or the word itself
    is), with that lemma: looking a word up here, and reading it as written when it is not here, gives the same
    id as `lemma` for every word. `lemma` changes only words in lemminflect's dictionaries (getAllLemmas reads
    nothing else), the number words, the values' other names and their compounds, so those are all the words
    there are to check.

    A checkpoint stores this table (model/checkpoint.py), so that the game reads without loading lemminflect,
    whose dictionaries take about half a second to load: most of the game's start (docs/benchmarks.md)."""
    known = set(vocabulary)
    lemmatizer = Lemmatizer()
    # lemminflect 0.2.3's tables, then ours
    words = {*lemmatizer._getLemmaDict(), *lemmatizer._getOverridesDict(), *NUMBERS, *SPELLINGS}
    words |= spelled_compounds(vocabulary)
    table = {}
    for word in sorted(words):
        found = lemma(word)
        if found != word and (found in known or word in known):
            table[word] = found
    return table
