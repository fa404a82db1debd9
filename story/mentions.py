"""Where prose mentions a suspect: the one matcher that the readers' tokenizer and every story check share.

A suspect is mentioned by their whole name, their role or an alias, matched as whole words and
case-insensitively ("the butler", "Dr Ingrid Halvorsen", "the old woman"), and by any one word of their name
that is capitalised in the text, or written in capitals as a transcript's speaker tag is ("HALVORSEN:"), and
belongs to no other suspect and not to the victim ("Reeve" for "Captain Reeve", "Ingrid" and "Halvorsen" for "Dr
Ingrid Halvorsen"; but not "lane" in "down the lane" for "Miss Lane", nor "Moray" when Angus Moray is the one who
died and Mrs Moray a suspect). A rank used alone ("the Colonel") names the one suspect who holds it. Longer texts
win over shorter ones, so "Captain Reeve" is one mention.

Pronouns are not mentions: resolving "she" is part of reading. The checks only ask whether a clue has a pronoun
that could refer to someone (`unmentioned_facts`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from story.data import Alibi, AlibiBroken, Story, TraitStated
from story.words import split_words

# Words that open a name but say nothing about who: "Captain Reeve" may be called "Reeve", not "Captain".
TITLES = frozenset(
    ["mr", "mrs", "miss", "ms", "dr", "sir", "lady", "lord", "captain", "colonel", "major", "reverend", "the"]
)
RANKS = frozenset(["captain", "colonel", "major", "reverend", "doctor", "inspector"])  # used alone, they name someone
# Titles and forms of address that may stand before a name in a fact's `suspect` or the `culprit` ("Mrs Rintoul",
# "Doc Halloran", "Herr Vogel"): dropped there, as prose names "Mrs Rintoul" by her surname. A superset of TITLES,
# kept apart so that what prose counts as a mention does not change with it.
# fmt: off
HONORIFICS = TITLES | RANKS | frozenset([
    "mx", "mister", "master", "madam", "madame", "mme", "monsieur", "herr", "frau", "fraulein", "fräulein", "signor",
    "signora", "signorina", "senor", "señor", "senora", "señora", "don", "dona", "doña", "dame", "prof", "professor",
    "doc", "sergeant", "sgt", "constable", "detective", "lieutenant", "lt", "officer", "sheriff", "judge", "father",
    "brother", "sister", "mother", "nurse", "chef", "uncle", "aunt", "auntie", "capt", "col", "rev",
])
# fmt: on


# A mention starts a word: not after a letter or hyphen, nor after an apostrophe that follows a letter ("Hara"
# is not in "O'Hara"); an opening quotation mark is fine ("'Martin? Never,' said the cook").
NOT_INSIDE_A_WORD = r"(?<![\w-])(?<!\w['’])"


@dataclass(frozen=True, slots=True)
class Mention:
    """A stretch of text that names one suspect."""

    start: int
    end: int
    slot: int


Matcher = tuple[tuple[re.Pattern[str], int], ...]  # (pattern, slot), tried in order: longest text first


def mention_matcher(story: Story) -> Matcher:
    """The patterns that find the story's suspects in its prose."""
    cast_words: dict[str, set[int]] = {}  # each word of a name -> who bears it (-1: the victim)
    for slot, suspect in enumerate(story.suspects):
        for word in suspect.name.split():
            cast_words.setdefault(word.lower(), set()).add(slot)
    for word in victim_name(story).split():  # the victim's words name nobody in the cast on their own
        cast_words.setdefault(word.lower(), set()).add(-1)
    found: list[tuple[str, int, bool]] = []  # (text, slot, case-sensitive)
    for slot, suspect in enumerate(story.suspects):
        found.append((suspect.name, slot, False))
        found.append((suspect.role, slot, False))
        found += [(alias, slot, False) for alias in suspect.aliases]
        for word in suspect.name.split():
            if word.lower() not in TITLES and cast_words[word.lower()] == {slot} and word[:1].isupper():
                found.append((word, slot, True))
                if len(word) > 1 and word.upper() != word:  # a transcript's speaker tag: "STRODE: I never left"
                    found.append((word.upper(), slot, True))
    found.sort(key=lambda item: -len(item[0]))
    patterns = [
        (re.compile(rf"{NOT_INSIDE_A_WORD}{re.escape(text)}(?![\w-])", 0 if exact else re.IGNORECASE), slot)
        for text, slot, exact in found
    ]
    # A rank used alone ("The Captain signed") names the one suspect who holds it, unless a name follows it
    # ("Lord Ashcombe" is the victim, not a suspect who happens to be a lord) or the victim held it too.
    for title in sorted(RANKS & cast_words.keys()):
        holders = cast_words[title]
        if len(holders) == 1 and -1 not in holders:
            (slot,) = holders
            patterns.append((re.compile(rf"{NOT_INSIDE_A_WORD}{title.capitalize()}(?![\w-])(?!\s+[A-Z])"), slot))
    return tuple(patterns)


def victim_name(story: Story) -> str:
    """The victim's name: the `victim` text up to its first comma ("Angus Moray, the principal keeper")."""
    return story.victim.partition(",")[0]


@functools.lru_cache(maxsize=1024)
def find_mentions(text: str, matcher: Matcher) -> tuple[Mention, ...]:
    """Every mention of a suspect in `text`, in order; an earlier pattern wins where two overlap.

    Remembered for the last texts read: building a training case's targets reads each clue twice, once for its
    tokens and once for the oracle's check that its facts' suspects are mentioned, and this matcher was the largest
    part of that (43% of building a step's long cases, by cProfile; docs/benchmarks.md)."""
    spans: list[Mention] = []
    for pattern, slot in matcher:
        for match in pattern.finditer(text):
            if all(match.end() <= span.start or match.start() >= span.end for span in spans):
                spans.append(Mention(match.start(), match.end(), slot))
    return tuple(sorted(spans, key=lambda span: span.start))


# Every form of each pronoun set, reflexives and possessive pronouns included.
PRONOUN_FORMS = {
    "he": frozenset(["he", "him", "his", "himself"]),
    "she": frozenset(["she", "her", "hers", "herself"]),
    "they": frozenset(["they", "them", "their", "theirs", "themself", "themselves"]),
}


def mentioned_slots(story: Story) -> list[set[int]]:
    """Per clue, the suspects its text mentions."""
    matcher = mention_matcher(story)
    return [{mention.slot for mention in find_mentions(clue.text, matcher)} for clue in story.clues]


def unmentioned_facts(story: Story, per_clue: list[set[int]]) -> list[tuple[int, int, int]]:
    """(clue, fact, slot) for each fact about a suspect whose clue neither mentions them nor has a pronoun that
    could be theirs: prose and facts that disagree, as when a clue is reworded and its fact is not. `per_clue` is
    the story's `mentioned_slots`, which the caller has already found (finding them twice was a fifth of the time
    a training case's targets took; docs/model.md)."""
    found = []
    for clue_index, (clue, mentioned) in enumerate(zip(story.clues, per_clue, strict=True)):
        words = set(split_words(clue.text))
        for fact_index, fact in enumerate(clue.facts):
            about = fact.suspect if isinstance(fact, TraitStated | Alibi | AlibiBroken) else None
            if (
                about is not None
                and about not in mentioned
                and not words & PRONOUN_FORMS[story.suspects[about].pronoun]
            ):
                found.append((clue_index, fact_index, about))
    return found


@dataclass(frozen=True, slots=True)
class NameCues:
    """What a reader of names alone would go by: how often the prose names each suspect, and whom it names last.
    The generator's cases carry no such cue (tests/test_generator.py); the training corpus's stories often do, since
    they end on the deciding scene (half name the culprit last), and a reader that learns the cue names their
    culprits without reading the facts."""

    counts: tuple[int, ...]  # mentions per suspect, in cast order
    last: int | None  # the suspect named last in the story; None if no suspect is named

    def named_most(self, slot: int) -> bool:
        """Whether `slot` is named more often than every other suspect."""
        return all(count < self.counts[slot] for other, count in enumerate(self.counts) if other != slot)


def name_cues(story: Story) -> NameCues:
    """The story's NameCues, by the mentions the readers read (`find_mentions`)."""
    matcher = mention_matcher(story)
    counts = [0] * len(story.suspects)
    last = None
    for clue in story.clues:
        for mention in find_mentions(clue.text, matcher):
            counts[mention.slot] += 1
            last = mention.slot
    return NameCues(tuple(counts), last)
