"""The logic oracle on hand-worked stories: who is possible after each clue, why the others are cleared, and how
far back a reader must remember. Word counts follow story.words.split_words and are worked out by hand below.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import story
from story.data import Alibi, AlibiBroken, Clue, Evidence, Fact, Retraction, Story, Suspect, TraitStated
from story.oracle import Clearance, Finding, analyze, verdict_window
from story.words import count_words, split_words

ADA = Suspect("Ada", "archer", "she", {"hair": "red", "handedness": "left"})
BRAM = Suspect("Bram", "baker", "he", {"hair": "black", "handedness": "right"})
CLEO = Suspect("Cleo", "cook", "they", {"hair": "red", "handedness": "right"})
A, B, C = 0, 1, 2  # slots; Ada is the culprit unless a test says otherwise

# Every clue text used below, with its word count worked out by hand (an apostrophe starts a word of its own,
# hyphenated words are one word, every punctuation mark is a word).
WORDS = {
    "Cleo is right-handed, like her mother.": 8,  # cleo is right-handed , like her mother .
    "Bram has black hair.": 5,
    "Rain fell on Ada's weather-vane all night.": 9,  # rain fell on ada 's weather-vane all night .
    "The killer had red hair.": 6,
    "The knife was held in the left hand.": 9,
    "Ada mended a net.": 5,
    "Bram's hair is black as coal.": 8,  # bram 's hair is black as coal .
    "Cleo was at the market all day.": 8,
    "Bram was at the mill all evening.": 8,
    "Cleo was at the market with Ada.": 8,
    "The miller lied: Bram left at six.": 9,  # the miller lied : bram left at six .
    "Bram's hair is black; the killer's was red.": 12,  # bram 's hair is black ; the killer 's was red .
    "Bram swears Cleo has black hair.": 7,
    "Bram takes it back: he never saw Cleo.": 10,
    "Bram's hair is black; Cleo is right-handed; Ada is not.": 14,
    "No, he did see her.": 7,
    "It rained.": 3,
    "Cleo is right-handed.": 4,
    "The ARCHER sighed. Bram has black hair.": 9,
    "Adam took up archery. Bram has black hair.": 10,
}


def clue(text: str, *facts: Fact) -> Clue:
    assert text in WORDS, f"add {text!r} and its hand count to WORDS"
    return Clue(text, facts)


def case(*clues: Clue, culprit: int = A, cast: tuple[Suspect, ...] = (ADA, BRAM, CLEO)) -> Story:
    return Story("T", "a house", "a victim", "An intro.", cast, clues, culprit, "The reveal.")


def errors(analysis: story.Analysis) -> tuple[Finding, ...]:
    """The findings less the warnings (tests of errors need not mention every suspect)."""
    return tuple(finding for finding in analysis.findings if finding.severity == "error")


@pytest.mark.parametrize(("text", "count"), WORDS.items())
def test_hand_counts_agree_with_split_words(text: str, count: int) -> None:
    assert len(split_words(text)) == count
    assert count_words(text) == count


# --- clearance by trait, in both orders ---------------------------------------------------------------------------


def trait_then_evidence() -> Story:
    return case(
        clue("Cleo is right-handed, like her mother.", TraitStated(C, "handedness", "right")),  # ends at 8
        clue("Bram has black hair.", TraitStated(B, "hair", "black")),  # 13
        clue("Rain fell on Ada's weather-vane all night."),  # 22
        clue("The killer had red hair.", Evidence("hair", "red")),  # 28
        clue("The knife was held in the left hand.", Evidence("handedness", "left")),  # 37
    )


def test_trait_stated_before_evidence() -> None:
    analysis = analyze(trait_then_evidence())
    assert analysis.word_ends == (8, 13, 22, 28, 37)
    assert [step.possible for step in analysis.steps] == [(A, B, C), (A, B, C), (A, B, C), (A, C), (A,)]
    bram = Clearance(B, "trait", clue=3, latent_clue=1, trait="hair", words=28 - 13)
    cleo = Clearance(C, "trait", clue=4, latent_clue=0, trait="handedness", words=37 - 8)
    assert analysis.steps[2].cleared == (None, None, None)
    assert analysis.steps[3].cleared == (None, bram, None)
    assert analysis.steps[4].cleared == (None, bram, cleo)
    assert analysis.decided_at == 4
    assert analysis.deciding == (cleo,)
    assert analysis.memory_distance == 29
    assert cleo.clue - cleo.latent_clue == 4
    assert analysis.steps[0].posterior(3) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert analysis.steps[3].posterior(3) == (0.5, 0.0, 0.5)
    assert analysis.steps[4].posterior(3) == (1.0, 0.0, 0.0)
    assert analysis.findings == ()
    assert analysis.sound
    assert cleo.explain(trait_then_evidence()) == (
        "Cleo's hand does not match the evidence (clues 1 and 5, 29 words apart)"
    )


def test_evidence_before_trait() -> None:
    story_ = case(
        clue("The killer had red hair.", Evidence("hair", "red")),  # ends at 6
        clue("Ada mended a net."),  # 11
        clue("Bram's hair is black as coal.", TraitStated(B, "hair", "black")),  # 19
        clue("Cleo was at the market all day.", Alibi(C)),  # 27
    )
    analysis = analyze(story_)
    assert analysis.word_ends == (6, 11, 19, 27)
    assert [step.possible for step in analysis.steps] == [(A, B, C), (A, B, C), (A, C), (A,)]
    bram = Clearance(B, "trait", clue=2, latent_clue=0, trait="hair", words=19 - 6)
    cleo = Clearance(C, "alibi", clue=3, latent_clue=3)
    assert analysis.steps[2].cleared == (None, bram, None)
    assert analysis.steps[3].cleared == (None, bram, cleo)
    assert analysis.decided_at == 3
    assert analysis.deciding == (cleo,)
    assert analysis.memory_distance == 0  # an alibi decides: nothing to remember
    assert analysis.findings == ()
    assert bram.explain(story_) == "Bram's hair does not match the evidence (clues 1 and 3, 13 words apart)"
    assert cleo.explain(story_) == "Cleo has an alibi (clue 4)"


def test_earliest_reason_wins_and_ties_go_to_the_shortest_memory() -> None:
    story_ = case(
        clue("Bram has black hair.", TraitStated(B, "hair", "black"), Alibi(C)),  # ends at 5
        clue(
            "Cleo is right-handed, like her mother.",
            TraitStated(B, "handedness", "right"),
            TraitStated(C, "handedness", "right"),
        ),  # 13
        clue(
            "Rain fell on Ada's weather-vane all night.", Evidence("hair", "red"), Evidence("handedness", "left")
        ),  # 22
    )
    analysis = analyze(story_)
    assert analysis.steps[2].cleared == (
        None,
        # hair (clue 1, 22 - 5 = 17 words back) and handedness (clue 2, 9 words back) both complete at clue 3:
        # a reader need only have held the nearer one
        Clearance(B, "trait", clue=2, latent_clue=1, trait="handedness", words=22 - 13),
        Clearance(C, "alibi", clue=0, latent_clue=0),  # the alibi cleared Cleo first
    )
    assert analysis.decided_at == 2
    assert analysis.deciding == (analysis.steps[2].cleared[B],)
    assert analysis.memory_distance == 9
    assert analysis.steps[2].least_words == (0, 9, 0)


# --- alibis and retractions ------------------------------------------------------------------------------------


def test_broken_alibi_puts_a_suspect_back_in_play() -> None:
    analysis = analyze(
        case(
            clue("Bram was at the mill all evening.", Alibi(B)),  # ends at 8
            clue("Cleo was at the market with Ada.", Alibi(C)),  # 16
            clue("The miller lied: Bram left at six.", AlibiBroken(B)),  # 25
            clue(
                "Bram's hair is black; the killer's was red.", TraitStated(B, "hair", "black"), Evidence("hair", "red")
            ),  # 37
        )
    )
    assert [step.possible for step in analysis.steps] == [(A, C), (A,), (A, B), (A,)]
    assert analysis.steps[0].cleared[B] == Clearance(B, "alibi", 0, 0)
    assert analysis.steps[1].cleared == (None, Clearance(B, "alibi", 0, 0), Clearance(C, "alibi", 1, 1))
    assert analysis.steps[2].cleared[B] is None
    bram = Clearance(B, "trait", clue=3, latent_clue=3, trait="hair", words=0)
    assert analysis.steps[3].cleared == (None, bram, Clearance(C, "alibi", 1, 1))
    assert analysis.decided_at == 3  # alone at clue 2 too, but not for good
    assert analysis.deciding == (bram,)
    assert analysis.memory_distance == 0
    assert analysis.steps[2].posterior(3) == (0.5, 0.5, 0.0)
    assert analysis.findings == ()


def retracted_testimony(*more: Clue, retract: bool = True) -> Story:
    take_back = (Retraction("bram-on-cleo", id="take-back"),) if retract else ()
    return case(
        clue("Bram swears Cleo has black hair.", TraitStated(C, "hair", "black", id="bram-on-cleo")),  # ends at 7
        clue("The killer had red hair.", Evidence("hair", "red")),  # 13
        clue("Bram takes it back: he never saw Cleo.", *take_back),  # 23
        clue(
            "Bram's hair is black; Cleo is right-handed; Ada is not.",
            TraitStated(B, "hair", "black"),
            TraitStated(C, "handedness", "right"),
            Evidence("handedness", "left"),
        ),  # 37
        *more,
    )


def test_retracted_testimony() -> None:
    analysis = analyze(retracted_testimony())
    assert analysis.word_ends == (7, 13, 23, 37)
    assert [step.possible for step in analysis.steps] == [(A, B, C), (A, B), (A, B, C), (A,)]
    assert analysis.steps[1].cleared[C] == Clearance(C, "trait", 1, 0, "hair", 13 - 7)
    assert analysis.steps[2].cleared == (None, None, None)
    bram = Clearance(B, "trait", clue=3, latent_clue=1, trait="hair", words=37 - 13)
    cleo = Clearance(C, "trait", clue=3, latent_clue=3, trait="handedness", words=0)
    assert analysis.steps[3].cleared == (None, bram, cleo)
    assert analysis.decided_at == 3
    assert analysis.deciding == (bram, cleo)
    assert analysis.memory_distance == 24
    assert analysis.findings == ()  # the untrue testimony was withdrawn


def test_untrue_testimony_never_retracted() -> None:
    analysis = analyze(retracted_testimony(retract=False))
    assert [step.possible for step in analysis.steps] == [(A, B, C), (A, B), (A, B), (A,)]
    assert analysis.deciding == (Clearance(B, "trait", 3, 1, "hair", 24),)
    assert analysis.findings == (
        Finding(0, 0, "says Cleo's hair is 'black', but the cast says 'red' and it is never retracted"),
    )
    assert not analysis.sound


def test_untrue_testimony_without_an_id_gets_a_hint() -> None:
    analysis = analyze(
        case(
            clue("Bram swears Cleo has black hair.", TraitStated(C, "hair", "black")),
            clue(
                "Bram's hair is black; the killer's was red.", TraitStated(B, "hair", "black"), Evidence("hair", "red")
            ),
        )
    )
    assert errors(analysis) == (
        Finding(
            0,
            0,
            "says Cleo's hair is 'black', but the cast says 'red' and it is "
            "never retracted (give it an id to retract it later)",
        ),
    )


def test_retraction_of_a_retraction_is_refused() -> None:
    analysis = analyze(retracted_testimony(clue("No, he did see her.", Retraction("take-back"))))
    assert [step.possible for step in analysis.steps][-2:] == [(A,), (A,)]
    assert analysis.decided_at == 3
    assert analysis.findings == (
        Finding(
            4,
            0,
            "only trait, evidence and alibi facts can be retracted; to bring a withdrawn fact back, state it again",
        ),
    )


def test_retraction_of_a_broken_alibi_is_refused() -> None:
    analysis = analyze(
        case(
            clue("Bram was at the mill all evening.", Alibi(B)),
            clue("The miller lied: Bram left at six.", AlibiBroken(B, id="lie")),
            clue("No, he did see her.", Retraction("lie")),
            clue(
                "Bram's hair is black; Cleo is right-handed; Ada is not.",
                TraitStated(B, "hair", "black"),
                TraitStated(C, "handedness", "right"),
                Evidence("handedness", "left"),
                Evidence("hair", "red"),
            ),
        )
    )
    assert [step.possible for step in analysis.steps] == [(A, C), (A, B, C), (A, B, C), (A,)]
    assert analysis.findings == (
        Finding(2, 0, "only trait, evidence and alibi facts can be retracted; to restore an alibi, state a new one"),
    )


def test_retracting_twice_or_an_unknown_id() -> None:
    analysis = analyze(
        retracted_testimony(clue("No, he did see her.", Retraction("bram-on-cleo"), Retraction("nobody")))
    )
    assert analysis.findings == (
        Finding(4, 0, "retracts 'bram-on-cleo', which is already retracted"),
        Finding(4, 1, "retracts 'nobody', but no fact of an earlier clue has that id"),
    )


def test_retracted_alibi_and_evidence_stop_clearing() -> None:
    analysis = analyze(
        case(
            clue("Bram was at the mill all evening.", Alibi(B, id="mill"), TraitStated(C, "hair", "red")),
            clue("The killer had red hair.", Evidence("hair", "black", id="wrong")),
            clue("The miller lied: Bram left at six.", Retraction("mill"), Retraction("wrong")),
            clue(
                "Bram's hair is black; the killer's was red.",
                TraitStated(B, "hair", "black"),
                Evidence("hair", "red"),
                Alibi(C),
            ),
        )
    )
    assert [step.possible for step in analysis.steps] == [(A, C), (A,), (A, B, C), (A,)]
    assert errors(analysis) == ()  # the untrue evidence was withdrawn in time


# --- warnings ----------------------------------------------------------------------------------------------------


def decided_at_second(clues: int) -> Story:
    return case(
        clue(
            "Bram's hair is black; Cleo is right-handed; Ada is not.",
            TraitStated(B, "hair", "black"),
            TraitStated(C, "handedness", "right"),
        ),
        clue("The killer had red hair.", Evidence("hair", "red"), Evidence("handedness", "left")),
        *[clue("It rained.")] * (clues - 2),
    )


def test_too_easy_warning() -> None:
    analysis = analyze(decided_at_second(6))
    assert analysis.decided_at == 1
    assert analysis.findings == (Finding(1, None, "decided by clue 2 of 6: too easy", "warning"),)
    assert analysis.sound  # a warning is not an error


@pytest.mark.parametrize("clues", [5, 3, 2])
def test_too_few_clues_to_be_too_easy(clues: int) -> None:
    assert analyze(decided_at_second(clues)).findings == ()


def test_decided_past_the_first_third_is_not_too_easy() -> None:
    story_ = decided_at_second(7)  # decided by clue 2 of 7: 2 <= 7/3, too easy
    assert [f.message for f in analyze(story_).findings] == ["decided by clue 2 of 7: too easy"]
    late = case(clue("It rained."), *story_.clues[:6])  # decided by clue 3 of 7: 3 > 7/3
    assert analyze(late).decided_at == 2
    assert analyze(late).findings == ()


def test_never_mentioned_warning() -> None:
    analysis = analyze(
        case(
            clue("Bram has black hair.", TraitStated(B, "hair", "black")),
            clue("Cleo was at the market all day.", Alibi(C), Evidence("hair", "red")),
        )
    )
    assert analysis.decided_at == 1
    assert analysis.findings == (
        Finding(0, None, "Ada (the archer) is never mentioned in a clue", "warning", suspect=A),
    )


def test_a_role_counts_as_a_mention() -> None:
    analysis = analyze(
        case(
            clue("The ARCHER sighed. Bram has black hair.", TraitStated(B, "hair", "black")),
            clue("Cleo was at the market all day.", Alibi(C), Evidence("hair", "red")),
        )
    )
    assert analysis.findings == ()


def test_a_mention_is_a_whole_word() -> None:
    analysis = analyze(
        case(
            clue("Adam took up archery. Bram has black hair.", TraitStated(B, "hair", "black")),
            clue("Cleo was at the market all day.", Alibi(C), Evidence("hair", "red")),
        )
    )
    assert [finding.message for finding in analysis.findings] == ["Ada (the archer) is never mentioned in a clue"]


# --- errors ------------------------------------------------------------------------------------------------------


def test_contradicting_statements() -> None:
    analysis = analyze(
        case(
            clue("Bram has black hair.", TraitStated(B, "hair", "black")),
            clue("Bram's hair is black as coal.", Alibi(C), TraitStated(B, "hair", "brown")),
            clue("The killer had red hair.", Evidence("hair", "red")),
        )
    )
    assert errors(analysis) == (
        Finding(
            1, 1, "says Bram's hair is 'brown', but clue 1 said 'black' and still stands; retract one of them first"
        ),
        Finding(
            1,
            1,
            "says Bram's hair is 'brown', but the cast says 'black' and it is never retracted (give it "
            "an id to retract it later)",
        ),
    )


def test_contradicting_evidence() -> None:
    analysis = analyze(
        case(
            clue("The killer had red hair.", Evidence("hair", "red"), TraitStated(B, "hair", "black"), Alibi(C)),
            clue("Ada mended a net.", Evidence("hair", "black", id="x")),
            clue("It rained.", Retraction("x")),
        )
    )
    assert errors(analysis) == (
        Finding(1, 0, "evidence says the culprit's hair is 'black', but clue 1 said 'red' and still stands"),
    )
    assert [step.possible for step in analysis.steps] == [(A,), (A,), (A,)]  # no statement of Ada's hair


def test_traits_the_cast_does_not_declare() -> None:
    analysis = analyze(
        case(
            clue("Bram has black hair.", TraitStated(B, "hair", "black"), TraitStated(A, "scent", "rose"), Alibi(C)),
            clue("The killer had red hair.", Evidence("hair", "red"), Evidence("coat", "blue")),
            clue("Ada mended a net."),
        )
    )
    assert errors(analysis) == (
        Finding(0, 1, 'the cast gives Ada no scent; add scent = "rose" to her traits'),
        Finding(1, 1, "evidence about coat, but the cast gives the culprit, Ada, no coat; add it to her traits"),
    )


def test_alibi_broken_without_a_standing_alibi() -> None:
    analysis = analyze(
        case(
            clue("Bram was at the mill all evening.", Alibi(B), AlibiBroken(B), AlibiBroken(C)),
            clue("Cleo was at the market with Ada.", Alibi(C), Alibi(B)),
        )
    )
    # A clue's facts are one event: its break applies to what stood before it, so Bram's same-clue alibi is not
    # broken by it, and breaking it is an error too.
    assert errors(analysis) == (
        Finding(0, 1, "breaks Bram's alibi, but Bram has no alibi standing here"),
        Finding(0, 2, "breaks Cleo's alibi, but Cleo has no alibi standing here"),
    )


def test_culprit_cleared_by_an_alibi_never_broken() -> None:
    analysis = analyze(
        case(
            clue("Bram has black hair.", TraitStated(B, "hair", "black")),
            clue("Cleo was at the market with Ada.", Alibi(A)),
            clue("The killer had red hair.", Evidence("hair", "red")),
        )
    )
    assert [step.possible for step in analysis.steps] == [(A, B, C), (B, C), (C,)]
    assert analysis.decided_at is None
    assert analysis.deciding == ()
    assert analysis.memory_distance == 0
    assert errors(analysis) == (Finding(1, None, "this alibi clears the culprit, Ada, and it is never broken"),)


def test_case_never_decided() -> None:
    analysis = analyze(
        case(
            clue("Ada mended a net."),
            clue("The killer had red hair.", Evidence("hair", "red")),
        )
    )
    assert analysis.decided_at is None
    assert errors(analysis) == (
        Finding(
            1, None, "the case is never decided: after the last clue Bram, Cleo could still have done it as well as Ada"
        ),
    )


def test_no_suspect_fits() -> None:
    analysis = analyze(
        case(
            clue("Bram was at the mill all evening.", Alibi(A), Alibi(B), Alibi(C)),
            clue("It rained."),
            clue("The miller lied: Bram left at six.", AlibiBroken(A)),
            clue("Cleo was at the market all day."),
        )
    )
    assert [step.possible for step in analysis.steps] == [(), (), (A,), (A,)]
    assert analysis.steps[0].posterior(3) == (0.0, 0.0, 0.0)
    assert analysis.decided_at == 2
    assert errors(analysis) == (Finding(0, None, "after this clue no suspect fits every fact"),)


def test_empty_story() -> None:
    analysis = analyze(case())
    assert analysis == story.Analysis((), (), None, (), ())


# --- the bundled story ---------------------------------------------------------------------------------------


def test_manor_is_decided_at_clue_15_by_the_maids_clue_3() -> None:
    manor = story.load_story(Path(story.__file__).parent / "mysteries" / "manor.toml")
    analysis = analyze(manor)
    assert analysis.findings == ()
    assert analysis.decided_at == 14  # clue 15
    assert analysis.steps[13].possible == (0, 1, 4)  # the butler, the maid, the governess
    assert analysis.steps[13].posterior(5) == pytest.approx((1 / 3, 1 / 3, 0, 0, 1 / 3))
    longest = max(analysis.deciding, key=lambda clearance: clearance.words)
    assert (longest.suspect, longest.reason, longest.trait) == (1, "trait", "handedness")
    assert (longest.latent_clue, longest.clue) == (2, 14)  # clue 3, the maid's right hand
    assert longest.words == sum(len(split_words(clue_.text)) for clue_ in manor.clues[3:15])
    assert analysis.memory_distance == longest.words
    assert {clearance.suspect for clearance in analysis.deciding} == {1, 4}


@pytest.mark.slow
def test_repeated_facts_are_checked_quickly() -> None:
    facts = (*[TraitStated(B, "hair", "black")] * 4, *[Evidence("hair", "red")] * 4)
    many = case(*[Clue("Again.", facts)] * 160, Clue("Cleo was at the market with Ada.", (Alibi(C),)))
    started = time.perf_counter()
    assert analyze(many).decided_at == 160
    assert time.perf_counter() - started < 3


def test_memory_distance_counts_the_words_readers_see() -> None:
    text = "İstanbul is far."
    assert count_words(text) == len(split_words(text))


# --- how much a reader must remember at the end ------------------------------------------------------------------


def test_the_verdict_window_reaches_back_to_the_earliest_clearance_still_needed() -> None:
    assert verdict_window(trait_then_evidence()) == 37  # Cleo's handedness, in the first clue, clears her


def test_the_verdict_window_leaves_out_clues_the_verdict_does_not_need() -> None:
    late = case(
        clue("It rained."),  # 3
        clue("Ada mended a net."),  # 5
        clue("Bram has black hair.", TraitStated(B, "hair", "black")),  # 5
        clue("Cleo was at the market all day.", Alibi(C)),  # 8
        clue("The killer had red hair.", Evidence("hair", "red")),  # 6
    )
    assert analyze(late).memory_distance == 14  # Bram's hair, two clues before the evidence
    assert verdict_window(late) == 19  # the last three clues: Bram's hair, Cleo's alibi, the evidence


def test_an_undecided_case_has_no_verdict_window() -> None:
    assert verdict_window(case(clue("It rained."))) is None


def test_the_verdict_distance_is_the_longest_link_the_verdict_still_rests_on() -> None:
    story_ = case(
        clue("Bram has black hair.", TraitStated(B, "hair", "black")),  # 5
        clue("Rain fell on Ada's weather-vane all night."),  # 9
        clue("The killer had red hair.", Evidence("hair", "red")),  # 6: clears Bram, 15 words after his hair
        clue("Cleo is right-handed.", TraitStated(C, "handedness", "right")),  # 4
        clue("It rained."),  # 3
        clue("The knife was held in the left hand.", Evidence("handedness", "left")),  # 9: clears Cleo, decides
    )
    analysis = analyze(story_)
    assert analysis.decided_at == 5
    assert analysis.memory_distance == 3 + 9  # the decision's own link is short
    assert analysis.verdict_distance == 9 + 6  # but the verdict still needs Bram's hair, from further back
    assert analysis.steps[-1].least_words == (0, 15, 12)


# --- a clue's facts are one event ---------------------------------------------------------------------------------


@pytest.mark.parametrize("retract_first", [True, False])
def test_a_clue_that_retracts_and_restates_gives_one_verdict_whatever_the_order(retract_first: bool) -> None:
    lie = TraitStated(C, "hair", "black", id="lie")
    truth, retract = TraitStated(C, "hair", "red"), Retraction("lie")
    both = (retract, truth) if retract_first else (truth, retract)
    analysis = analyze(
        case(
            clue("Bram swears Cleo has black hair.", lie),
            clue("Bram takes it back: he never saw Cleo.", *both),
            clue("The killer had red hair.", Evidence("hair", "red")),
            clue("Bram has black hair.", TraitStated(B, "hair", "black")),
            clue("The knife was held in the left hand.", Evidence("handedness", "left")),
            clue("Cleo is right-handed.", TraitStated(C, "handedness", "right")),
        )
    )
    assert errors(analysis) == ()
    assert analysis.steps[1].stated == ((C, "hair", "red"),)
    assert analysis.steps[-1].possible == (A,)


@pytest.mark.parametrize("break_first", [True, False])
def test_a_clue_that_breaks_an_alibi_and_gives_a_new_one_keeps_the_new_one(break_first: bool) -> None:
    broken, new = AlibiBroken(B), Alibi(B)
    both = (broken, new) if break_first else (new, broken)
    analysis = analyze(
        case(
            clue("Bram was at the mill all evening.", Alibi(B)),
            clue("The miller lied: Bram left at six.", *both),
        )
    )
    assert B not in analysis.steps[1].possible  # the new alibi stands: the clue's break applied to the old one


def test_messages_print_names_and_values_as_written() -> None:
    """Names and values are the author's text: braces in them are printed, never read as a template."""
    odd = Suspect("Bram {the} Baker", "baker", "he", {"hair": "black", "handedness": "right"})
    analysis = analyze(
        case(
            clue("Bram has black hair.", TraitStated(B, "hair", "{red}")),
            clue("The killer had red hair.", Evidence("hair", "red")),
            cast=(ADA, odd, CLEO),
        )
    )
    assert errors(analysis)[0].message.startswith("says Bram {the} Baker's hair is '{red}', but the cast says 'black'")
