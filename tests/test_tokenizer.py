"""The readers' tokenizer: the prose the player reads, with suspects anonymised as slot tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.tokenizer import PAD, SLOTS, SPECIALS, UNKNOWN, Vocabulary, build_vocabulary, read_story
from story import Clue, Story, Suspect
from story.generator import generate_cases
from story.mentions import TITLES, find_mentions, mention_matcher
from story.words import count_words

MYSTERIES = sorted((Path(__file__).resolve().parent.parent / "story" / "mysteries").glob("*.toml"))


def story_with(*texts: str) -> Story:
    cast = (
        Suspect("Captain Reeve", "nephew", "he"),
        Suspect("Miss Lane", "governess", "she"),
        Suspect("Hobbs", "butler", "he"),
    )
    return Story("T", "S", "V", "Three guests.", cast, tuple(Clue(text) for text in texts), 2, "R")


def tokens_of(text: str) -> list[str]:
    reading = read_story(story_with(text))
    return list(reading.tokens[reading.intro_length :])


def test_names_and_roles_become_slot_tokens() -> None:
    assert tokens_of("Hobbs, the butler, met Captain Reeve.") == ["<s2>", ",", "the", "<s2>", ",", "met", "<s0>", "."]
    assert tokens_of("HOBBS's glove") == ["<s2>", "'s", "glove"]


def test_a_capitalised_part_of_a_name_refers_to_the_suspect_but_a_common_word_does_not() -> None:
    assert tokens_of("Reeve smokes; Lane walked down the lane.") == [
        "<s0>",
        "smokes",
        ";",
        "<s1>",
        "walked",
        "down",
        "the",
        "lane",
        ".",
    ]
    assert tokens_of("Miss left.") == ["miss", "left", "."]  # a courtesy title alone names nobody


def test_a_word_of_the_victims_name_alone_names_no_suspect() -> None:
    cast = (Suspect("Mrs Moray", "wife", "she"), Suspect("Tulloch", "assistant", "he"))
    clues = (Clue("Angus Moray fell; Moray's lamp went out, and Mrs Moray and Tulloch ran."),)
    story = Story("T", "S", "Angus Moray, the principal keeper", "Two.", cast, clues, 1, "R")
    reading = read_story(story)
    tokens = reading.tokens[reading.intro_length :]
    assert tokens[:5] == ("angus", "moray", "fell", ";", "moray")  # the victim, twice
    assert tokens[-6:] == ("and", "<s0>", "and", "<s1>", "ran", ".")  # the wife by her whole name

    colonels = Story(
        "T",
        "S",
        "Colonel Bligh",
        "Two.",
        (Suspect("Colonel Hart", "guest", "he"), *cast[1:]),
        (Clue("The Colonel fell, and Colonel Hart ran."),),
        0,
        "R",
    )
    reading = read_story(colonels)
    assert reading.tokens[reading.intro_length :][:3] == ("the", "colonel", "fell")  # the victim was a colonel too


def test_a_rank_alone_names_its_only_holder_but_not_before_another_name() -> None:
    assert tokens_of("The Captain signed it.") == ["the", "<s0>", "signed", "it", "."]
    assert tokens_of("Captain Hastings called.") == ["captain", "hastings", "called", "."]
    assert tokens_of("the captain of the ship") == ["the", "captain", "of", "the", "ship"]


def test_pronouns_stay_words() -> None:
    assert tokens_of("She is left-handed.") == ["she", "is", "left-handed", "."]


def test_clue_ends_mark_each_clue() -> None:
    reading = read_story(story_with("Hobbs smokes.", "Rain fell all night."))
    assert reading.tokens[: reading.intro_length] == ("three", "guests", ".")
    assert reading.clue_ends == (6, 11)
    assert reading.tokens[reading.clue_ends[0] : reading.clue_ends[1]] == ("rain", "fell", "all", "night", ".")


def test_generated_clues_have_one_token_per_word_but_a_name_so_memory_distances_are_near_tokens() -> None:
    """A suspect's whole name ("Edith Vane") is one token; every other word is one token."""
    for story in generate_cases(0, 50, "hard"):
        reading = read_story(story)
        matcher = mention_matcher(story)
        starts = (reading.intro_length, *reading.clue_ends[:-1])
        for clue, start, end in zip(story.clues, starts, reading.clue_ends, strict=True):
            names = [clue.text[m.start : m.end] for m in find_mentions(clue.text, matcher)]
            assert end - start == count_words(clue.text) - sum(count_words(name) - 1 for name in names), clue.text


def test_generated_prose_leaves_no_name_behind() -> None:
    for story in generate_cases(1, 100, "default"):
        names = {word.lower() for suspect in story.suspects for word in suspect.name.split()} - TITLES  # "dr" stays
        roles = {suspect.role for suspect in story.suspects}
        assert not (names | roles) & set(read_story(story).tokens)


def test_vocabulary_ids_are_deterministic_and_unknown_words_map_to_unk() -> None:
    stories = list(generate_cases(2, 30, "default"))
    vocabulary = build_vocabulary(stories)
    assert vocabulary == build_vocabulary(reversed(stories))
    assert vocabulary.words[:2] == (PAD, UNKNOWN) and set(SLOTS) <= set(vocabulary.words)
    assert vocabulary.encode(["<s3>", "zyzzyva"]) == [vocabulary.words.index("<s3>"), 1]
    assert Vocabulary(vocabulary.words) == vocabulary


def test_a_vocabulary_without_its_special_tokens_is_refused() -> None:
    with pytest.raises(ValueError, match="special tokens"):
        Vocabulary(("a", "b"))
    with pytest.raises(ValueError, match="each word once"):
        Vocabulary((*SPECIALS, "a", "a"))


def test_narration_reads_exactly_the_tokens_training_read_and_keeps_the_spelling() -> None:
    from model.tokenizer import narrate_story
    from story import load_story
    from story.generator import generate_cases

    stories = [*generate_cases(3, 40, "default"), *(load_story(path) for path in MYSTERIES)]
    for story in stories:
        narration = narrate_story(story)
        assert narration.tokens() == read_story(story).tokens
    manor = narrate_story(load_story(MYSTERIES[0]))
    shown = "".join((" " if piece.spaced else "") + piece.text for piece in manor.clues[0]).strip()
    assert shown == load_story(MYSTERIES[0]).clues[0].text.strip().replace("\n", " ").replace("  ", " ")
