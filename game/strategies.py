"""Ways of playing, simulated through the game's rules: does the score reward reading the clues?

Each strategy is a list of the player's accusations, decided from what a player could know (nothing, for the
guessers; the oracle's proof plus a reading lag, for the readers). The rival is the real one: its accusations come
from playing the case through a Match in which the player never speaks. A player's game ends when they name the
culprit, so the rival's accusations count up to then, and at the same word the rival has spoken first (it speaks
as it reads the word). `play` merges the two and scores both with game.scoring, as Match.score does; a test
checks the merge against a Match played move by move.

benchmarks/strategies.py runs every strategy on generated cases of every difficulty and prints the table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from game.match import Match
from game.scoring import Accusation, Score, score, won_race

READING_LAGS = {f"read, {lag} words late": lag for lag in (0, 20, 60)}  # words taken, after the proof, to accuse
STRATEGIES = (
    "guess at once",  # names suspects in a random order before the first word, until right
    "guess at the end",  # waits for the whole story without reading it, then names one at random
    *READING_LAGS,  # names the culprit that many words after the proof
    "read to the end",  # names the culprit once the whole story is told
    "rival alone",  # the player never names anyone
)
CLUE_IGNORING = ("guess at once", "guess at the end")
READING = tuple(name for name in STRATEGIES if name.startswith("read"))


@dataclass(frozen=True)
class Outcome:
    """One strategy on one case."""

    player: Score
    rival: Score
    won_race: bool  # the player named the culprit before the rival
    rival_first: bool  # the rival named the culprit before the player (or the player never did)


@dataclass(frozen=True)
class CaseTrace:
    """What the strategies need of a case: its length, the proof, the culprit, the cast and the rival's moves."""

    total: int  # words
    proved_at: int | None  # words narrated once the deciding clue is told
    culprit: int
    cast: int
    rival: tuple[Accusation, ...]  # the rival's accusations when the player never speaks


def trace(match: Match) -> CaseTrace:
    """Play `match` to the end with a silent player, recording the rival's accusations."""
    while not match.told_all:
        match.advance()
    rival = tuple(a for a in match.accusations if a.by == "rival")
    return CaseTrace(match.total, match.proved_at, match.story.culprit, len(match.story.suspects), rival)


def moves(strategy: str, case: CaseTrace, rng: random.Random) -> list[Accusation]:
    """The player's accusations under `strategy`, in the order made (a guesser stops once right)."""
    culprit = case.culprit
    if strategy == "rival alone":
        return []
    if strategy in CLUE_IGNORING:
        at = 0 if strategy == "guess at once" else case.total
        order = rng.sample(range(case.cast), case.cast)
        names = order[: order.index(culprit) + 1]
        if at == case.total:
            names = names[:1]  # after the whole story, the first name is the final one
        return [Accusation("player", suspect, at, suspect == culprit) for suspect in names]
    if strategy == "read to the end" or case.proved_at is None:
        return [Accusation("player", culprit, case.total, True)]
    return [Accusation("player", culprit, min(case.proved_at + READING_LAGS[strategy], case.total), True)]


def play(strategy: str, case: CaseTrace, rng: random.Random) -> Outcome:
    """`strategy` against the rival on `case`, scored by the game's rules."""
    mine = moves(strategy, case, rng)
    solved = next((a.at for a in mine if a.correct), None)
    rival = [a for a in case.rival if solved is None or a.at <= solved]  # the game ends when the player solves it
    # at the same word the rival spoke first; the player's own moves keep their order
    merged = sorted([(a.at, 0, i, a) for i, a in enumerate(rival)] + [(a.at, 1, i, a) for i, a in enumerate(mine)])
    accusations = [a for *_, a in merged]
    return Outcome(
        score(accusations, "player", case.proved_at),
        score(accusations, "rival", case.proved_at),
        won_race(accusations, "player"),
        won_race(accusations, "rival"),
    )
