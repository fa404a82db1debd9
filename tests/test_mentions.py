"""One mention matcher: the readers' tokenizer and the story checks find a suspect in the same words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.tokenizer import read_story
from story import Clue, Story, Suspect
from story.generator import generate_case
from story.loader import check_file, check_text
from story.mentions import find_mentions, mention_matcher, name_cues, pronoun_could_be
from story.problems import StoryError
from story.shape import SUSPECT_KEYS
from story.traits import CATALOGUE, trait_value

ROOT = Path(__file__).resolve().parent.parent
ALIASES = ROOT / "tests" / "data" / "stories" / "valid" / "aliases.toml"


def sanatorium(*texts: str) -> Story:
    cast = (
        Suspect("Dr Ingrid Halvorsen", "physician", "she", aliases=("old woman", "Doc")),
        Suspect("Frau Zurbriggen", "housekeeper", "she", aliases=("Swiss",)),
        Suspect("Anton Keller", "porter", "he"),
    )
    return Story("T", "S", "Herr Brandt", "Three guests.", cast, tuple(Clue(text) for text in texts), 0, "R")


def mentioned(text: str) -> list[tuple[str, int]]:
    matcher = mention_matcher(sanatorium(text))
    return [(text[m.start : m.end], m.slot) for m in find_mentions(text, matcher)]


def test_every_way_an_author_names_a_suspect_is_one_mention() -> None:
    text = "Ingrid told the old woman's tale to Doc Halvorsen; the Swiss and Anton listened to Dr Ingrid Halvorsen."
    assert mentioned(text) == [
        ("Ingrid", 0),
        ("old woman", 0),
        ("Doc", 0),
        ("Halvorsen", 0),
        ("Swiss", 1),
        ("Anton", 2),
        ("Dr Ingrid Halvorsen", 0),
    ]


def test_a_name_in_capitals_is_a_mention_as_a_transcripts_speaker_tag_writes_it() -> None:
    text = "KELLER: I carried the bags. HALVORSEN: He did. The INGRIDS of this world, and the lane, say nothing."
    assert mentioned(text) == [("KELLER", 2), ("HALVORSEN", 0)]


def test_the_tokenizer_reads_aliases_as_the_suspects_slot() -> None:
    reading = read_story(sanatorium("The old woman lit nothing; Keller lit his pipe."))
    assert reading.tokens[reading.intro_length :] == (
        "the",
        "<s0>",
        "lit",
        "nothing",
        ";",
        "<s2>",
        "lit",
        "his",
        "pipe",
        ".",
    )


def test_the_never_mentioned_warning_uses_the_same_matcher() -> None:
    warnings = [warning.message for warning in check_file(ALIASES).warnings]
    assert not any("never mentioned" in message for message in warnings)  # Halvorsen is only "Doc" and a surname
    text = ALIASES.read_text().replace("Doc would not", "She would not").replace("Halvorsen's", "The")
    text = text.replace("the old woman had", "she had")
    assert any("Dr Ingrid Halvorsen (the physician) is never mentioned" in w.message for w in check_text(text).warnings)


def test_facts_name_a_suspect_by_alias_or_by_a_word_of_the_name_that_is_theirs_alone() -> None:
    story = check_file(ALIASES).story
    assert story.culprit == 0  # culprit = "old woman"
    assert story.suspects[0].aliases == ("old woman", "Doc")
    assert story.suspects[0].traits == {"hair": "fair", "tobacco": "none"}  # "blond" is a spelling of fair


def test_an_alias_taken_by_another_suspect_is_an_error() -> None:
    text = ALIASES.read_text().replace('aliases = ["the Swiss"]', 'aliases = ["Doc"]')
    with pytest.raises(StoryError) as caught:
        check_text(text, "a.toml")
    assert str(caught.value).startswith("a.toml:19:12: error: alias 'Doc' is already used as an alias; suspects are")


def test_catalogue_spellings_and_author_only_values() -> None:
    assert trait_value("hair", "Blonde") == "fair"
    assert trait_value("hair", "auburn") == "red"
    assert trait_value("coat", "navy") == "blue"
    assert trait_value("hair", "navy") is None  # each trait's own other names
    assert trait_value("tobacco", "none") == "none"
    assert "none" not in CATALOGUE["tobacco"].generated_values
    drawn = {generate_case(seed).suspects[slot].traits.get("tobacco") for seed in range(300) for slot in range(3)}
    assert "none" not in drawn


def test_no_word_names_two_values() -> None:
    """The readers read a value's other name as the value in any sentence (model/lemmas.py), so no word may be
    one value's other name and another value, or two values' other names."""
    values = {value for trait in CATALOGUE.values() for value in trait.values}
    named: dict[str, str] = {}
    for trait in CATALOGUE.values():
        for word, value in trait.spellings.items():
            assert word not in values, word
            assert named.setdefault(word, value) == value, word


def test_the_schema_lists_the_loaders_keys_and_the_catalogue() -> None:
    schema = json.loads((ROOT / "docs" / "story.schema.json").read_text())
    definitions = schema["definitions"]
    assert set(definitions["suspect"]["properties"]) == set(SUSPECT_KEYS)
    for name, trait in CATALOGUE.items():
        enum = definitions[f"trait_{name}"]["enum"]
        assert {str(value) for value in enum} == set(trait.values) | set(trait.spellings), name


MANOR = ROOT / "story" / "mysteries" / "manor.toml"
REEVE_CLUE = "Captain Reeve, the nephew, had smoked cigarettes all afternoon and reeked of them at table."


def prose_warnings(text: str) -> list[str]:
    return [str(w) for w in check_text(text, "manor.toml").warnings if "the clue's text never mentions" in w.message]


LIGHTHOUSE = ROOT / "story" / "mysteries" / "lighthouse.toml"
FEET = {"8": '"small"', "9": '"medium"', "11": '"large"'}


def test_shoe_sizes_may_be_feet_as_authors_say_them_but_not_mixed_with_numbers() -> None:
    text = LIGHTHOUSE.read_text()
    worded = text
    for number, word in FEET.items():
        worded = worded.replace(f"shoe_size = {number}", f"shoe_size = {word}")
        worded = worded.replace(f'trait = "shoe_size", value = {number}', f'trait = "shoe_size", value = {word}')
    numbers, words = check_text(text, "lighthouse.toml"), check_text(worded, "lighthouse.toml")
    assert worded != text and words.story.suspects[2].traits["shoe_size"] == "large"
    assert words.analysis.decided_at == numbers.analysis.decided_at and not words.warnings
    assert CATALOGUE["shoe_size"].describe("large") == "large feet"
    assert "large" not in CATALOGUE["shoe_size"].generated_values
    mixed = text.replace("shoe_size = 11", 'shoe_size = "large"').replace("value = 11", 'value = "large"')
    (warning,) = [str(w) for w in check_text(mixed, "lighthouse.toml").warnings if "shoe sizes" in w.message]
    assert warning.startswith("lighthouse.toml:") and "numbers (8) and as words (large)" in warning


def test_a_clue_reworded_away_from_its_facts_suspect_is_a_located_warning() -> None:
    text = MANOR.read_text()
    assert REEVE_CLUE in text and prose_warnings(text) == []
    reworded = text.replace(REEVE_CLUE, "The cooper had smoked cigarettes all afternoon and reeked of them at table.")
    line = text[: text.index(REEVE_CLUE)].count("\n") + 2  # the facts line follows the text
    (warning,) = prose_warnings(reworded)
    assert warning.startswith(f"manor.toml:{line}:")
    assert "this fact is about Captain Reeve, but the clue's text never mentions him" in warning


def test_a_pronoun_that_could_be_the_suspect_is_enough() -> None:
    text = MANOR.read_text()
    assert prose_warnings(text.replace(REEVE_CLUE, "He had smoked cigarettes all afternoon.")) == []
    (warning,) = prose_warnings(text.replace(REEVE_CLUE, "She had smoked cigarettes all afternoon."))
    assert "Captain Reeve" in warning


STARTER = ROOT / "story" / "starter.toml"
MARSH_FACT = '{ kind = "trait", suspect = "Dr Marsh", trait = "drink", value = "whisky" }'


def test_a_pronoun_after_another_name_of_its_kind_is_that_ones() -> None:
    """A play-tester's report: "Dr Marsh never touches sherry; he brought his own flask of whisky." said nothing
    of the curate, yet a fact about him there passed, because "he" could have been anyone's."""
    text = STARTER.read_text()
    curate = '{ kind = "trait", suspect = "curate", trait = "drink", value = "sherry" }'
    assert MARSH_FACT in text and not check_text(text, "starter.toml").warnings
    (warning,) = check_text(text.replace(MARSH_FACT, f"{MARSH_FACT}, {curate}"), "starter.toml").warnings
    assert warning.line == text[: text.index(MARSH_FACT)].count("\n") + 1
    assert "this fact is about Clement, but the clue's text never mentions him" in warning.message


@pytest.mark.parametrize(
    ("text", "could_be"),
    [
        ("Frau Zurbriggen left at nine; she took the sledge.", False),
        ("She took the sledge, Frau Zurbriggen says.", True),  # before any name: the clue before may say whose
        ("Anton saw her take the sledge.", True),  # a man's name stands before no "her"
        ("Frau Zurbriggen left. She took her sledge.", False),  # a sentence opening on "She" goes on about her
        ("Frau Zurbriggen left. The tall woman took her sledge.", True),  # someone only described may be "her"
        ("Frau Zurbriggen met Dr. Keller; she left.", False),  # "Dr." ends no sentence
    ],
)
def test_a_pronoun_could_be_a_suspect_unless_another_of_their_kind_is_named_nearer(text: str, could_be: bool) -> None:
    story = sanatorium(text)
    mentions = find_mentions(text, mention_matcher(story))
    assert pronoun_could_be(story, text, mentions, 0) is could_be  # Dr Halvorsen, never named in these texts


def test_a_name_opening_a_quotation_is_a_mention_but_not_the_end_of_another_word() -> None:
    assert mentioned("'Anton? Never,' said the porter. ‘Halvorsen did it.’") == [
        ("Anton", 2),
        ("porter", 2),
        ("Halvorsen", 0),
    ]
    assert mentioned("Mrs O'Keller and d'Anton called.") == []


def test_an_opening_quotation_mark_is_a_token_of_its_own_and_a_possessive_stays_one() -> None:
    from story.words import split_words

    assert split_words("'I am left-handed,' said Anton's porter.") == [
        "'", "i", "am", "left-handed", ",", "'", "said", "anton", "'s", "porter", ".",
    ]  # fmt: skip


def test_name_cues_count_every_mention_and_the_suspect_named_last() -> None:
    story = sanatorium(
        "The physician and the Swiss woman argued in the hall.",
        "Halvorsen went up to bed; the porter locked the doors behind Ingrid.",
        "Nobody saw Frau Zurbriggen after ten.",
    )
    cues = name_cues(story)
    assert cues.counts == (3, 2, 1) and cues.last == 1
    assert cues.named_most(0) and not cues.named_most(1)
    assert not name_cues(sanatorium("Frau Zurbriggen and Anton Keller.")).named_most(1)  # a tie names no one most
    assert name_cues(sanatorium("The snow fell.")).last is None
