"""The scoring rules on their own: proof before speed, the race decided by order, wrong names, modes."""

from __future__ import annotations

from game.scoring import (
    GUESS,
    HARD_BONUS,
    RACE,
    READING_WINDOW,
    SOLVE,
    SPEED,
    WRONG,
    Accusation,
    Modes,
    score,
    speed_points,
    won_race,
)

PROOF = 300  # words narrated once the deciding clue is told


def right(by: str, at: int) -> Accusation:
    return Accusation(by, 0, at, True)


def wrong(by: str, at: int, suspect: int = 1) -> Accusation:
    return Accusation(by, suspect, at, False)


def test_a_right_name_before_the_proof_is_a_guess() -> None:
    assert score([right("player", PROOF - 1)], "player", PROOF).solve == GUESS
    assert score([right("player", PROOF)], "player", PROOF).solve == SOLVE


def test_speed_counts_from_the_proof_and_runs_out() -> None:
    assert speed_points(0) == SPEED
    assert SPEED > speed_points(READING_WINDOW // 2) > 0
    assert speed_points(READING_WINDOW) == speed_points(10 * READING_WINDOW) == 0
    assert score([right("player", PROOF + 20)], "player", PROOF).speed == speed_points(20)


def test_at_the_same_word_whoever_spoke_first_wins_the_race() -> None:
    rival_first = [right("rival", PROOF), right("player", PROOF)]
    player_first = [right("player", PROOF), right("rival", PROOF)]
    assert not won_race(rival_first) and won_race(player_first)
    assert score(rival_first, "player", PROOF).race == 0
    assert score(rival_first, "rival", PROOF).race == RACE


def test_wrong_names_cost_both_sides_alike() -> None:
    moves = [wrong("rival", 10), wrong("player", 20), wrong("player", 30, 2), right("player", PROOF)]
    assert score(moves, "rival", PROOF).total == -WRONG
    assert score(moves, "player", PROOF).total == SOLVE + SPEED + RACE - 2 * WRONG


def test_guessing_through_three_suspects_does_not_pay_on_average() -> None:
    """The expected score of naming three suspects at random before any clue, until right, against the least a
    reader earns who names the culprit only once proved, however late and even after the rival."""
    outcomes = [
        score([right("player", 0)], "player", PROOF).total,
        score([wrong("player", 0), right("player", 0)], "player", PROOF).total,
        score([wrong("player", 0), wrong("player", 0, 2), right("player", 0)], "player", PROOF).total,
    ]
    slowest_reader = score([right("rival", PROOF), right("player", 10 * PROOF)], "player", PROOF).total
    assert sum(outcomes) / len(outcomes) < slowest_reader == SOLVE


def test_a_mode_earns_its_bonus_only_if_kept_on() -> None:
    hard = Modes(hard=True)
    assert score([right("player", PROOF)], "player", PROOF, hard).total == round(
        (SOLVE + SPEED + RACE) * (1 + HARD_BONUS)
    )
    assert hard.kept(hard=False, short_memory=False) == Modes()
    assert Modes().kept(hard=True, short_memory=True) == Modes()  # switched on late: no bonus
    assert score([wrong("player", 0)], "player", PROOF, hard).total == -WRONG  # a bonus never grows a loss
