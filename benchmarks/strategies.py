"""Does the score reward reading? Simulated players against the real rival, scored by the game's rules.

    python benchmarks/strategies.py [--cases 200] [--rungs tiny easy default hard] [--partner DIR --rival DIR]

For each rung (a generated difficulty) it plays `--cases` cases (seeds 0 .. cases-1, as `whodunit play
--generated --seed N` tells them) through a Match with a silent player to record the rival's accusations, then
scores every strategy of game.strategies against them. It prints, per rung and strategy, the mean score, how
often the player named the culprit before the rival, and how often the rival got there first; then the checks:
every reading strategy must outscore every clue-ignoring one on every rung. The rival's share of wins against a
player who reads 20 words late is the figure the campaign's rungs are judged by (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from commands.play import seat_reader
from game.match import Match
from game.strategies import CLUE_IGNORING, READING, STRATEGIES, Outcome, play, trace
from story.generator import generate_case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--rungs", nargs="+", default=["tiny", "easy", "default", "hard"])
    parser.add_argument("--partner", help="partner checkpoint folder (default: the bundled one)")
    parser.add_argument("--rival", help="rival checkpoint folder (default: the bundled one)")
    args = parser.parse_args()
    partner, rival = seat_reader(args.partner, "lstm"), seat_reader(args.rival, "rnn")
    failures = []
    print(f"{'rung':8} {'strategy':22} {'mean score':>10} {'beat rival':>10} {'rival first':>11}")
    for rung in args.rungs:
        started = time.perf_counter()
        traces = [trace(Match(generate_case(seed, rung), partner, rival)) for seed in range(args.cases)]
        means: dict[str, float] = {}
        for strategy in STRATEGIES:
            rng = random.Random(f"{rung}:{strategy}")
            outcomes: list[Outcome] = [play(strategy, case, rng) for case in traces]
            means[strategy] = statistics.fmean(o.player.total for o in outcomes)
            beat = statistics.fmean(o.won_race for o in outcomes)
            first = statistics.fmean(o.rival_first for o in outcomes)
            shown = f"{means[strategy]:10.1f}" if strategy != "rival alone" else f"{'-':>10}"
            print(f"{rung:8} {strategy:22} {shown} {beat:10.0%} {first:11.0%}")
        rival_mean = statistics.fmean(play("rival alone", case, random.Random(0)).rival.total for case in traces)
        print(f"{rung:8} {'(the rival, alone)':22} {rival_mean:10.1f}   {time.perf_counter() - started:.0f} s")
        worst_reader = min(READING, key=means.__getitem__)
        best_guesser = max(CLUE_IGNORING, key=means.__getitem__)
        if means[worst_reader] <= means[best_guesser]:
            failures.append(
                f"{rung}: '{worst_reader}' {means[worst_reader]:.1f} <= '{best_guesser}' {means[best_guesser]:.1f}"
            )
    print()
    for failure in failures:
        print(f"FAIL reading does not pay: {failure}")
    if not failures:
        print(f"ok: on every rung every reading strategy outscores every clue-ignoring one ({args.cases} cases each)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
