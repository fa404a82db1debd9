"""Splitting prose into words, the unit in which memory distances are measured.

The readers' tokenizer (model/) starts from the same split, so "120 words back" means 120 tokens of theirs too.
"""

from __future__ import annotations

import re

# A word is a run of letters/digits, optionally joined by hyphens ("left-handed"); an apostrophe right after a
# letter starts a word of its own ("hobbs", "'s"), so that a name is the same token with or without its
# possessive; an apostrophe anywhere else opens a quotation and, like every other visible character, is a token
# of its own ("'I am left-handed,'" reads "'", "i", "am"...).
WORD_PATTERN = re.compile(r"[^\W_]+(?:-[^\W_]+)*|(?<=[^\W_])['’][^\W_]+|[^\w\s]")


def split_words(text: str) -> list[str]:
    """Words and punctuation marks, in order, each lower-cased after it is found (lower-casing first could split
    a word differently: "İ" lower-cases to two characters), as the readers' tokenizer finds them."""
    return [match.group().lower() for match in WORD_PATTERN.finditer(text)]


def count_words(text: str) -> int:
    """len(split_words(text)), without building the list."""
    return sum(1 for _ in WORD_PATTERN.finditer(text))
