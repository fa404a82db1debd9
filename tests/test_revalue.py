"""A corpus story with its values drawn afresh (model/revalue.py): the same prose, a new case to solve."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model.revalue import with_values_redrawn
from story import Clue, Evidence, Story, Suspect, TraitStated, analyze, load_story

MYSTERIES = Path(__file__).resolve().parent.parent / "story" / "mysteries"


def small_story(*clues: Clue) -> Story:
    cast = (
        Suspect("Hobbs", "butler", "he", {"hair": "brown", "shoe_size": "11", "handedness": "left"}),
        Suspect("Mary", "cook", "she", {"hair": "red", "shoe_size": "7", "handedness": "right"}),
        Suspect("Ada", "maid", "she", {"hair": "grey", "shoe_size": "9", "handedness": "right"}),
    )
    return Story("Test", "A house", "Lord Ashford", "Lord Ashford is dead.", cast, clues, 0, "Hobbs did it.")


CLUES = (
    Clue(
        "Hobbs has mousy brown hair and takes an eleven.",
        (TraitStated(0, "hair", "brown"), TraitStated(0, "shoe_size", "11")),
    ),
    Clue(
        "Mary's hair is red, and she wears a size 7 shoe.",
        (TraitStated(1, "hair", "red"), TraitStated(1, "shoe_size", "7")),
    ),
    Clue("Ada is grey now; her boots are nines.", (TraitStated(2, "hair", "grey"), TraitStated(2, "shoe_size", "9"))),
    Clue("A brown hair lay on the rug: the killer has brown hair.", (Evidence("hair", "brown"),)),
    Clue("In the mud, an eleven: whoever did it takes an eleven.", (Evidence("shoe_size", "11"),)),
)


def test_each_value_said_in_plain_words_is_redrawn_with_its_fact_and_the_culprit_follows() -> None:
    story = small_story(*CLUES)
    seen_culprits = set()
    for seed in range(40):
        redrawn = with_values_redrawn(story, np.random.default_rng(seed))
        if redrawn is story:
            continue
        analysis = analyze(redrawn)
        assert analysis.sound and analysis.steps[-1].possible == (redrawn.culprit,)
        seen_culprits.add(redrawn.culprit)
        hobbs, mary, ada, hair, size = redrawn.clues
        said = {fact.trait: fact.value for fact in hobbs.facts}
        if said["hair"] != "brown":  # "mousy brown" is one run of words, told by one new word
            assert hobbs.text.startswith(f"Hobbs has {said['hair']} hair")
        number = {"6": "six", "7": "seven", "8": "eight", "9": "nine", "10": "ten", "11": "eleven", "12": "twelve"}
        article = "an" if said["shoe_size"] in ("8", "11") else "a"
        assert hobbs.text.endswith(f"takes {article} {number[said['shoe_size']]}.")  # a word for a word
        assert f"size {mary.facts[1].value} shoe" in mary.text  # a digit for a digit
        plural = number[ada.facts[1].value] + ("es" if ada.facts[1].value == "6" else "s")
        assert ada.text.endswith(f"her boots are {plural}.")  # a plural for a plural
        assert hair.text.count(hair.facts[0].value) == 2  # every word of the value, the same new one
        assert size.text.count(f" {number[size.facts[0].value]}") == 2
        assert redrawn.suspects[0].traits["hair"] == said["hair"]  # the cast follows what the clues now say
    assert len(seen_culprits) > 1  # the case changes, not only its words


def test_a_value_said_otherwise_or_beside_another_keeps_its_group() -> None:
    implied = Clue("The glass by the body reeked of juniper.", (Evidence("hair", "brown"),))  # no plain word
    story = small_story(*CLUES[:3], implied, CLUES[4])
    for seed in range(20):
        redrawn = with_values_redrawn(story, np.random.default_rng(seed))
        assert redrawn.clues[3] == implied  # the evidence on hair keeps its value
        assert redrawn.suspects[redrawn.culprit].traits["hair"] == "brown"
    foil = Clue("Mary's hair is red, not grey like her mother's.", (TraitStated(1, "hair", "red"),))
    story = small_story(CLUES[0], foil, *CLUES[2:])
    for seed in range(20):
        assert with_values_redrawn(story, np.random.default_rng(seed)).clues[1] == foil


def test_the_bundled_mysteries_redraw_to_sound_cases() -> None:
    for path in sorted(MYSTERIES.glob("*.toml")):
        story = load_story(path)
        for seed in range(5):
            redrawn = with_values_redrawn(story, np.random.default_rng(seed))
            assert redrawn is story or analyze(redrawn).sound, (path.name, seed)
