"""Simulated ways of playing: the shortcut the benchmark takes is the game's own rules, and reading pays."""

from __future__ import annotations

import random
import statistics
from dataclasses import replace

import pytest

import game.match
from game.match import Match
from game.strategies import CLUE_IGNORING, READING, STRATEGIES, moves, play, trace
from story.generator import generate_case


@pytest.mark.parametrize("seed", [3, 8])
def test_a_strategy_scores_as_the_same_moves_played_in_a_match(readers, monkeypatch, seed: int) -> None:
    monkeypatch.setattr(game.match, "RIVAL_THRESHOLD", 0.3)  # a rival that speaks, so that its moves interleave
    story = generate_case(seed, "easy")
    case = trace(Match(story, *readers))
    assert case.rival, "the rival should accuse at this threshold"
    for strategy in STRATEGIES:
        outcome = play(strategy, case, random.Random(seed))
        match = Match(story, *readers)
        for accusation in moves(strategy, case, random.Random(seed)):
            while match.position < accusation.at:
                match.advance()
            match.accuse(accusation.suspect)
        while not match.told_all and not match.over:
            match.advance()
        assert (match.score, match.rival_score) == (outcome.player, outcome.rival), strategy
        assert match.won_race == outcome.won_race, strategy


@pytest.mark.parametrize("difficulty", ["tiny", "easy"])
def test_every_reading_strategy_outscores_every_guesser(readers, difficulty: str) -> None:
    cases = [trace(Match(generate_case(seed, difficulty), *readers)) for seed in range(12)]
    means = {
        strategy: statistics.fmean(
            play(strategy, case, random.Random(index)).player.total for index, case in enumerate(cases)
        )
        for strategy in (*READING, *CLUE_IGNORING)
    }
    assert min(means[s] for s in READING) > max(means[s] for s in CLUE_IGNORING), means


def test_at_the_rivals_word_the_rival_wins_in_the_match_and_in_the_simulation(readers, monkeypatch) -> None:
    monkeypatch.setattr(game.match, "RIVAL_THRESHOLD", 0.3)
    story, rival_right = next(
        (story, right)
        for story in (generate_case(seed, "easy") for seed in range(40))
        for right in [next((a for a in trace(Match(story, *readers)).rival if a.correct), None)]
        if right is not None
    )
    case = replace(trace(Match(story, *readers)), proved_at=rival_right.at)  # "read, 0 words late" then ties
    outcome = play("read, 0 words late", case, random.Random(0))
    match = Match(story, *readers)
    match.proved_at = rival_right.at
    while match.position < rival_right.at:
        match.advance()
    match.accuse(story.culprit)
    assert match.rival_solved and not match.won_race and not outcome.won_race and outcome.rival_first
    assert (match.score, match.rival_score) == (outcome.player, outcome.rival)
