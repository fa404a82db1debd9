"""Where prose mentions a suspect: the one matcher that the readers' tokenizer and every story check share.

A suspect is mentioned by their whole name, their role or an alias, matched as whole words and
case-insensitively ("the butler", "Dr Ingrid Halvorsen", "the old woman"), and by any one word of their name
that is capitalised in the text, or written in capitals as a transcript's speaker tag is ("HALVORSEN:"), and
belongs to no other suspect and not to the victim ("Reeve" for "Captain Reeve", "Ingrid" and "Halvorsen" for "Dr
Ingrid Halvorsen"; but not "lane" in "down the lane" for "Miss Lane", nor "Moray" when Angus Moray is the one who
died and Mrs Moray a suspect). A rank used alone ("the Colonel") names the one suspect who holds it. Longer texts
win over shorter ones, so "Captain Reeve" is one mention.

Pronouns are not mentions: resolving "she" is part of reading. The checks only ask whether a clue has a pronoun
that could refer to someone (`unmentioned_facts`): one that no nearer suspect of the same pronouns, named earlier in
the clue, would take first.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from story.data import Alibi, AlibiBroken, Story, TraitStated
from story.words import WORD_PATTERN

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


def clue_mentions(story: Story) -> list[tuple[Mention, ...]]:
    """Per clue, the mentions of suspects in its text, in order."""
    matcher = mention_matcher(story)
    return [find_mentions(clue.text, matcher) for clue in story.clues]


def mentioned_slots(story: Story) -> list[set[int]]:
    """Per clue, the suspects its text mentions."""
    return [{mention.slot for mention in mentions} for mentions in clue_mentions(story)]


def unmentioned_facts(story: Story, per_clue: list[tuple[Mention, ...]]) -> list[tuple[int, int, int]]:
    """(clue, fact, slot) for each fact about a suspect whose clue neither mentions them nor has a pronoun that
    could be theirs: prose and facts that disagree, as when a clue is reworded and its fact is not. `per_clue` is
    the story's `clue_mentions`, which the caller has already found (finding them twice was a fifth of the time
    a training case's targets took; docs/model.md)."""
    found = []
    for clue_index, (clue, mentions) in enumerate(zip(story.clues, per_clue, strict=True)):
        mentioned = {mention.slot for mention in mentions}
        for fact_index, fact in enumerate(clue.facts):
            about = fact.suspect if isinstance(fact, TraitStated | Alibi | AlibiBroken) else None
            if about is not None and about not in mentioned and not pronoun_could_be(story, clue.text, mentions, about):
                found.append((clue_index, fact_index, about))
    return found


def pronoun_could_be(story: Story, text: str, mentions: tuple[Mention, ...], slot: int) -> bool:
    """Whether a pronoun in `text` could refer to `slot`, a suspect the text does not name.

    The nearest antecedent wins: in "Dr Marsh never touches sherry; he brought his own flask" both pronouns are Dr
    Marsh's, not the curate's, though both men are "he". So a pronoun is not `slot`'s when another suspect with the
    same pronouns is named before it in its `_reach`. A pronoun before any such name may still refer back across
    the clue's start ("She left at nine," as the next clue opens), as authors write."""
    pronoun = story.suspects[slot].pronoun
    rivals = [mention.start for mention in mentions if story.suspects[mention.slot].pronoun == pronoun]
    for match in WORD_PATTERN.finditer(text):
        if match.group().lower() in PRONOUN_FORMS[pronoun]:
            reach = _reach(text, match.start())
            if not any(reach <= rival < match.start() for rival in rivals):
                return True
    return False


ALL_PRONOUNS = frozenset().union(*PRONOUN_FORMS.values())
# A sentence ends at . ! ? or … (and any closing quotes or brackets), then space; "Mr. Gaines" does not end one.
_SENTENCE_END = re.compile(r"(\w*)[.!?…]+[\"'”’)\]]*\s+")


def _reach(text: str, position: int) -> int:
    """Where the stretch of text begins in which a name can be the antecedent of a pronoun at `position`: its own
    sentence, and the sentences before it for as long as each opens on a pronoun ("The porter shut the gate. He
    never saw the lamp lit."). A sentence that opens any other way may be about someone the prose describes but no
    matcher finds ("The porter shut the gate. The stranger slipped out, he said."): a name before it is no nearer
    antecedent than that description."""
    starts = [0] + [
        match.end() for match in _SENTENCE_END.finditer(text, 0, position) if match[1].lower() not in HONORIFICS
    ]
    index = len(starts) - 1
    while index > 0 and _opens_on_pronoun(text, starts[index]):
        index -= 1
    return starts[index]


def _opens_on_pronoun(text: str, start: int) -> bool:
    """Whether the first word from `start` (quotation marks and dashes skipped) is a pronoun."""
    for match in WORD_PATTERN.finditer(text, start):
        if match.group()[0].isalnum():
            return match.group().lower() in ALL_PRONOUNS
    return False


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
