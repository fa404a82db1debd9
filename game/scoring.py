"""How a game is scored: pure functions of the accusations, the moment the clues prove the case, and the modes.

The rule that shapes the numbers: no way of playing that ignores the clues may score more than one that reads
them (benchmarks/strategies.py plays both through these functions on generated cases). So a right name earns
its full worth only once the clues prove it; before that it is a guess and earns half, and a wrong name costs
more than a guess can win back on average. Speed counts from the proof, not from the first word: a quick reader
of a case that is proved late is as quick as one of a case proved early.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SOLVE = 100  # naming the culprit once the clues prove it
GUESS = 50  # naming the culprit before they do: the name was right, the reasoning could not have been
SPEED = 100  # the most a quick deduction adds: all of it right at the proof, falling to none ...
READING_WINDOW = 200  # ... this many words after it (about eight clues)
WRONG = 60  # each wrong accusation (random guessing among three costs 60 on average: more than a guess wins)
RACE = 50  # naming the culprit before the rival does; whoever accuses first wins a tie
HARD_BONUS = 0.5  # share added to the points won when the partner's bars stay hidden all game
SHORT_MEMORY_BONUS = 0.25  # share added when the story pane keeps only the last clues all game


Accuser = Literal["player", "rival"]


@dataclass(frozen=True)
class Accusation:
    by: Accuser
    suspect: int
    at: int  # words narrated when it was made
    correct: bool


@dataclass(frozen=True)
class Modes:
    """The handicaps that were on for the whole game so far: one switched off loses its bonus for good."""

    hard: bool = False
    short_memory: bool = False

    @property
    def bonus(self) -> float:
        return HARD_BONUS * self.hard + SHORT_MEMORY_BONUS * self.short_memory

    def kept(self, hard: bool, short_memory: bool) -> Modes:
        """The modes still earning their bonus once the player's options are `hard` and `short_memory`."""
        return Modes(self.hard and hard, self.short_memory and short_memory)


NO_MODES = Modes()


@dataclass(frozen=True)
class Score:
    """One side's score, itemised so that the debrief can say where each point came from."""

    solve: int = 0  # SOLVE, GUESS, or 0 if it never named the culprit
    speed: int = 0
    race: int = 0
    wrong: int = 0  # the count of wrong accusations
    bonus: float = 0.0  # share added to the points won (modes)

    @property
    def won(self) -> int:
        return round((self.solve + self.speed + self.race) * (1.0 + self.bonus))

    @property
    def total(self) -> int:
        return self.won - WRONG * self.wrong


def speed_points(lag: int) -> int:
    """The speed bonus for naming the culprit `lag` words after the proof."""
    return max(0, round(SPEED * (1.0 - lag / READING_WINDOW)))


def first_right(accusations: list[Accusation], by: str) -> int | None:
    """Index, in the order they were made, of the first right accusation by `by`."""
    return next((index for index, a in enumerate(accusations) if a.by == by and a.correct), None)


def won_race(accusations: list[Accusation], by: str = "player") -> bool:
    """`by` named the culprit and the other side had not yet done so. Order, not the word count, decides: the
    rival speaks when it reads a word, so at the same word it has spoken before a player who accuses then."""
    mine = first_right(accusations, by)
    other = first_right(accusations, "rival" if by == "player" else "player")
    return mine is not None and (other is None or mine < other)


def score(accusations: list[Accusation], by: str, proved_at: int | None, modes: Modes = NO_MODES) -> Score:
    """The score of side `by`: its first right accusation (a deduction if made at or after `proved_at`, the words
    narrated once the deciding clue has been told; a guess before), speed from the proof, the race, wrong names."""
    wrong = sum(1 for a in accusations if a.by == by and not a.correct)
    index = first_right(accusations, by)
    if index is None:
        return Score(wrong=wrong)
    at = accusations[index].at
    race = RACE if won_race(accusations, by) else 0
    if proved_at is None or at < proved_at:
        return Score(GUESS, 0, race, wrong, modes.bonus)
    return Score(SOLVE, speed_points(at - proved_at), race, wrong, modes.bonus)
