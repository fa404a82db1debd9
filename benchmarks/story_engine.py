"""Story-engine throughput: cases generated per second, the oracle's cost, and loading a story file.

    python benchmarks/story_engine.py [--cases 4000] [--repeats 3]

Runs in one process on one core (no threads, no workers): the target is >= 2,000 default-difficulty cases per
second from the generator, so that generating never holds training back. Prints one line per figure; the best
of `--repeats` runs is reported, since a shared machine only ever adds time.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

from story import analyze, check_file
from story.generator import DIFFICULTIES, case_seed, generate_case
from story.writer import story_to_json

MANOR = Path(__file__).resolve().parent.parent / "story" / "mysteries" / "manor.toml"


def best_rate(work, count: int, repeats: int) -> float:
    """Items per second, best of `repeats`."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, one process")
    seeds = [case_seed(0, index) for index in range(args.cases)]
    for difficulty in DIFFICULTIES:
        stories = [generate_case(seed, difficulty) for seed in seeds]
        generate = best_rate(lambda d=difficulty: [generate_case(seed, d) for seed in seeds], args.cases, args.repeats)
        oracle = best_rate(lambda s=stories: [analyze(story) for story in s], args.cases, args.repeats)
        both = 1 / (1 / generate + 1 / oracle)
        jsonl = best_rate(lambda s=stories: [story_to_json(story) for story in s], args.cases, args.repeats)
        analyses = [analyze(story) for story in stories]
        clues = statistics.mean(len(story.clues) for story in stories)
        words = statistics.mean(analysis.word_ends[-1] for analysis in analyses)
        distances = sorted(analysis.memory_distance for analysis in analyses)
        print(
            f"{difficulty:>8}: generate {generate:8,.0f} cases/s | oracle {oracle:8,.0f} cases/s "
            f"({1e3 / oracle:.2f} ms/case) | both {both:7,.0f} cases/s | to JSONL {jsonl:8,.0f} cases/s | "
            f"{clues:.1f} clues, {words:.0f} words, memory distance p10/p50/p90 "
            f"{distances[len(distances) // 10]}/{distances[len(distances) // 2]}/{distances[len(distances) * 9 // 10]}"
        )
    loads = 200
    rate = best_rate(lambda: [check_file(MANOR) for _ in range(loads)], loads, args.repeats)
    print(f"check_file(manor.toml): {1e3 / rate:.2f} ms per file (parse, locate, validate, oracle)")
    target = 2000
    default_rate = best_rate(lambda: [generate_case(seed) for seed in seeds], args.cases, args.repeats)
    verdict = "meets" if default_rate >= target else "MISSES"
    print(f"target: >= {target:,} default cases/s on one core: {default_rate:,.0f} ({verdict})")


if __name__ == "__main__":
    main()
