"""Turning a story into the word tokens the readers read, with every suspect anonymised as a slot token.

Every mention of a suspect (name, role, alias, a surname alone: `story.mentions` finds them, the same matcher
that the story checks use) becomes `<s0>`..`<s7>` by cast order (entity anonymisation, as in
reading-comprehension work), so one model reads every cast and learns nothing about a particular name. A role is
matched as a word ("the butler" reads "the <s0>"). Pronouns stay words: resolving them is part of the reading.

This module is pure Python (no torch), so the game's numpy reader tokenizes exactly as training did.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from story.data import Story
from story.mentions import Matcher, find_mentions, mention_matcher
from story.words import WORD_PATTERN

PAD, UNKNOWN = "<pad>", "<unk>"
MAX_SLOTS = 8
SLOTS = tuple(f"<s{slot}>" for slot in range(MAX_SLOTS))
# A reader reads a case once per suspect: that suspect's slot token becomes SELF, every other one OTHER.
SELF, OTHER = "<self>", "<other>"
SPECIALS = (PAD, UNKNOWN, SELF, OTHER, *SLOTS)


@dataclass(frozen=True, slots=True)
class Reading:
    """A story as tokens: the intro, then each clue, exactly the prose the player reads."""

    tokens: tuple[str, ...]
    clue_ends: tuple[int, ...]  # index one past each clue's last token
    intro_length: int  # tokens before the first clue


@dataclass(frozen=True, slots=True)
class Piece:
    """One token as the player sees it: the prose's own spelling, and whether a space comes before it."""

    token: str  # what the readers read
    text: str  # what the player reads ("Captain Reeve", "butler", "Left-handed", ",")
    spaced: bool  # whitespace before it in the prose


def tokenize_text(text: str, matcher: Matcher) -> list[str]:
    """Words of `text`, with each suspect reference replaced by its slot token."""
    return [piece.token for piece in text_pieces(text, matcher)]


def text_pieces(text: str, matcher: Matcher) -> list[Piece]:
    """`text` as pieces: tokens exactly as training read them, each with its surface text."""
    pieces: list[Piece] = []
    position = 0
    for mention in find_mentions(text, matcher):
        start, end = mention.start, mention.end
        pieces += _plain_pieces(text, position, start)
        pieces.append(Piece(SLOTS[mention.slot], text[start:end], start > 0 and text[start - 1].isspace()))
        position = end
    pieces += _plain_pieces(text, position, len(text))
    return pieces


def _plain_pieces(text: str, start: int, end: int) -> list[Piece]:
    """The words of text[start:end], matched in the whole text so that what comes before counts: "'s" after a
    name is a possessive, a "'" after a space opens a quotation."""
    return [
        Piece(match.group().lower(), match.group(), match.start() > 0 and text[match.start() - 1].isspace())
        for match in WORD_PATTERN.finditer(text, start, end)
    ]


@dataclass(frozen=True, slots=True)
class Narration:
    """A story as the player is told it: the intro's pieces, then each clue's."""

    intro: tuple[Piece, ...]
    clues: tuple[tuple[Piece, ...], ...]

    def tokens(self) -> tuple[str, ...]:
        return tuple(piece.token for part in (self.intro, *self.clues) for piece in part)


def narrate_story(story: Story) -> Narration:
    """The pieces of the story, tokenized exactly as `read_story` does, with the prose's spelling kept."""
    matcher = mention_matcher(story)
    return Narration(
        tuple(text_pieces(story.intro, matcher)), tuple(tuple(text_pieces(c.text, matcher)) for c in story.clues)
    )


def read_story(story: Story) -> Reading:
    """The story's intro and clues as tokens, suspects anonymised."""
    matcher = mention_matcher(story)
    tokens = tokenize_text(story.intro, matcher)
    intro_length = len(tokens)
    clue_ends = []
    for clue in story.clues:
        tokens += tokenize_text(clue.text, matcher)
        clue_ends.append(len(tokens))
    return Reading(tuple(tokens), tuple(clue_ends), intro_length)


@dataclass(frozen=True)
class Vocabulary:
    """Token <-> id. Stored with each checkpoint, never rebuilt from data at load time.

    With `lemmas`, a token is looked up by its lemma (model.lemmas: "invited" as "invite"), and `words` holds
    lemmas. A checkpoint records which, so a reader always reads as it was trained.
    """

    words: tuple[str, ...]
    lemmas: bool = False
    # With `lemmas`, the checkpoint's table of the forms whose lemma matters to `words` (model.lemmas.lemma_forms):
    # the same ids as the lemmatiser, without loading it. None: the lemmatiser is loaded.
    forms: Mapping[str, str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.words[: len(SPECIALS)] != SPECIALS or len(set(self.words)) != len(self.words):
            raise ValueError("a vocabulary starts with the special tokens and lists each word once")
        object.__setattr__(self, "_ids", {word: index for index, word in enumerate(self.words)})
        key = None
        if self.lemmas:
            forms = self.forms
            key = _lemma_function() if forms is None else functools.partial(_stored_form, forms)
        object.__setattr__(self, "_key", key)
        # For each slot, every id as that suspect's reading sees it (SPECIALS fixes where the tokens sit).
        first, self_id, other_id = SPECIALS.index(SLOTS[0]), SPECIALS.index(SELF), SPECIALS.index(OTHER)
        others = list(range(len(self.words)))
        others[first : first + MAX_SLOTS] = [other_id] * MAX_SLOTS
        tables = []
        for slot in range(MAX_SLOTS):
            table = others.copy()  # a list copy, not a loop over every word: the game builds these at its start
            table[first + slot] = self_id
            tables.append(tuple(table))
        object.__setattr__(self, "_views", tuple(tables))

    def __len__(self) -> int:
        return len(self.words)

    def encode(self, tokens: Iterable[str]) -> list[int]:
        ids: dict[str, int] = self._ids  # type: ignore[attr-defined]
        unknown = ids[UNKNOWN]
        key = self._key  # type: ignore[attr-defined]
        if key is not None:
            return [ids.get(key(token), unknown) for token in tokens]
        return [ids.get(token, unknown) for token in tokens]

    def rows_of(self, words: Iterable[str]) -> list[int]:
        """Each of `words`' id here (words as stored: lemmas when `lemmas`), a word this vocabulary lacks taking
        `<unk>`'s: how an embedding trained on this vocabulary is carried onto a grown one, since that is how it
        read the word until now."""
        ids: dict[str, int] = self._ids  # type: ignore[attr-defined]
        return [ids.get(word, ids[UNKNOWN]) for word in words]

    def view_table(self, slot: int) -> tuple[int, ...]:
        """id -> id as suspect `slot` reads it: its slot token is SELF, every other suspect's is OTHER."""
        return self._views[slot]  # type: ignore[attr-defined]

    @classmethod
    def from_words(cls, words: Iterable[str], lemmas: bool = False) -> Vocabulary:
        """Specials first, then every other word (or lemma) once, sorted: the same words always give the same ids."""
        if lemmas:
            key = _lemma_function()
            words = {key(word) for word in words}
        return cls(SPECIALS + tuple(sorted(set(words) - set(SPECIALS))), lemmas)


def _stored_form(forms: Mapping[str, str], word: str) -> str:
    """A word's lemma from a checkpoint's table: the word itself where the table has none (a named function, not a
    lambda, so that a vocabulary, and a checkpoint that has built one, can be pickled)."""
    return forms.get(word, word)


def _lemma_function():
    """model.lemmas.lemma, imported only by vocabularies that use it (lemminflect loads its tables on import)."""
    from model.lemmas import lemma

    return lemma


def build_vocabulary(stories: Iterable[Story], lemmas: bool = False) -> Vocabulary:
    """Every token (or lemma) the stories use: the generator's grammar, in practice."""
    words: set[str] = set()
    for story in stories:
        words.update(read_story(story).tokens)
    return Vocabulary.from_words(words, lemmas)
