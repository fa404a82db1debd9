"""Reading by lemma: one form taught is every form known, and words that carry a fact keep their form."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.checkpoint import Checkpoint
from model.lemmas import lemma
from model.tokenizer import SPECIALS, UNKNOWN, Vocabulary

MYSTERIES = Path(__file__).resolve().parent.parent / "story" / "mysteries"


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
        ("elevens", "11"),  # "his boots are elevens"
        ("sixes", "6"),
        ("auburn", "red"),  # a value's other names in the catalogue read as the value
        ("blond", "fair"),
        ("blondes", "fair"),  # a form of another name: the lemma's own value
        ("auburn-haired", "red-haired"),  # a compound of another name: the catalogue's compound
        ("navy", "navy"),  # "in the navy": a story file's other name that prose often uses in another sense
        ("ginger", "ginger"),  # ginger beer
        ("dark", "dark"),  # "in the dark": a word with another common sense is not a colour's other name
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


@pytest.mark.parametrize("reader", ["lstm", "rnn"])
def test_a_bundled_readers_table_of_forms_reads_every_word_as_the_lemmatiser_does(reader: str) -> None:
    """The table a checkpoint stores (lemma_forms) gives every word the id the lemmatiser gives it: every word
    lemminflect knows, the number words, the values' other names, and every word of the bundled mysteries and of
    generated cases, some with every colour called by another name ("auburn-haired")."""
    from lemminflect import Lemmatizer

    from model.lemmas import NUMBERS, SPELLINGS, lemma_forms, spelled_compounds
    from model.shipped import load_shipped
    from model.tokenizer import read_story
    from story.generator import PRESETS, configure, generate_cases
    from story.loader import load_story

    checkpoint = load_shipped(reader)
    stored = checkpoint.vocabulary
    assert stored.forms is not None and stored.forms == lemma_forms(stored.words)  # as training would store it
    lemmatised = Vocabulary(stored.words, lemmas=True)
    lemmatizer = Lemmatizer()
    words = [*lemmatizer._getLemmaDict(), *lemmatizer._getOverridesDict(), *NUMBERS, *SPELLINGS]
    words += spelled_compounds(stored.words)
    renamed = configure(PRESETS["default"], {"synonym_share": "1"})
    stories = [*generate_cases(3, 20, "default"), *generate_cases(5, 20, "default", renamed)]
    for story in [*map(load_story, MYSTERIES.glob("*.toml")), *stories]:
        words += read_story(story).tokens
    assert stored.encode(words) == lemmatised.encode(words)


def test_reading_with_a_stored_table_does_not_load_the_lemmatiser() -> None:
    """The game's start: reading on the bundled readers needs no lemminflect (half a second to load)."""
    from tests.test_boundaries import modules_loaded_by

    code = (
        "from model.shipped import load_shipped; from game.match import Match; from story.loader import load_story;"
        " m = Match(load_story('story/mysteries/manor.toml'), load_shipped('lstm'), load_shipped('rnn'));"
        " [m.advance() for _ in range(200)]"
    )
    assert "lemminflect" not in modules_loaded_by(code)


def test_a_table_of_forms_must_map_words_to_words(tmp_path) -> None:
    from model.checkpoint import CheckpointError, check_whole

    meta = {"config": {}, "vocabulary": [*SPECIALS], "lemma_forms": {"invited": 3}}
    with pytest.raises(CheckpointError, match="lemma_forms"):
        check_whole(tmp_path, {**meta, "config": _config(len(SPECIALS))}, {})


def _config(size: int) -> dict:
    from model.checkpoint import CONFIG_KEYS

    values = {
        "kind": "lstm",
        "vocab_size": size,
        "embedding": 4,
        "hidden": 4,
        "nonlinearity": "tanh",
        "next_word": False,
    }
    return {key: values.get(key, 4) for key in CONFIG_KEYS}
