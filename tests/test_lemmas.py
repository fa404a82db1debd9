"""Reading by lemma: one form taught is every form known, and words that carry a fact keep their form."""

from __future__ import annotations

import pytest

from model.checkpoint import Checkpoint
from model.lemmas import lemma
from model.tokenizer import SPECIALS, UNKNOWN, Vocabulary


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("invited", "invite"),
        ("boots", "boot"),
        ("smelt", "smell"),  # the verb wins over the noun (a fish)
        ("wore", "wear"),
        ("cigarettes", "cigarette"),
        ("left", "left"),  # a hand, not the past of "leave"
        ("rose", "rose"),  # a scent, not the past of "rise"
        ("her", "her"),
        ("eleven", "11"),  # shoe sizes are digits in the catalogue
        ("<s3>", "<s3>"),
        ("'s", "'s"),
        ("left-handed", "left-handed"),
        ("zzyzx", "zzyzx"),  # not in the dictionary: as written
    ],
)
def test_lemma(word: str, expected: str) -> None:
    assert lemma(word) == expected


def test_a_lemma_vocabulary_knows_every_form_of_a_word_it_was_taught() -> None:
    vocabulary = Vocabulary.from_words(["invites", "boot", "left"], lemmas=True)
    assert set(vocabulary.words) - set(SPECIALS) == {"invite", "boot", "left"}
    invite, boot, left, unknown = vocabulary.encode(["invite", "boot", "left", UNKNOWN])
    assert vocabulary.encode(["invited", "inviting", "boots", "left", "leave"]) == [invite, invite, boot, left, unknown]
    plain = Vocabulary.from_words(["invites"])
    assert plain.encode(["invited"]) == plain.encode([UNKNOWN])  # without lemmas: only the form taught


def test_a_checkpoint_says_whether_it_reads_lemmas() -> None:
    words = [*SPECIALS, "invite"]
    assert Checkpoint({}, {"vocabulary": words, "lemmas": True}).vocabulary.lemmas
    assert not Checkpoint({}, {"vocabulary": words}).vocabulary.lemmas  # older checkpoints read words as written


def test_a_run_recorded_before_lemmas_existed_resumes_reading_words_as_written() -> None:
    from model.recipe import stored_training

    assert stored_training({"kind": "lstm"}, "old run").lemmas is False
    assert stored_training({"kind": "lstm", "lemmas": True}, "new run").lemmas is True
