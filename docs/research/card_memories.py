"""How true the memories on the game's cards are: each reader's held values at every clue's end, against the clues.

    PYTHONPATH=. python docs/research/card_memories.py [--partner DIR] [--rival DIR] [--cases 8]

Not part of the package (docs/benchmarks.md, "Memories on the cards"). Plays each case through the game's own
Match with the two readers, and at the end of every clue counts the (suspect, trait, value) a reader holds at
REMEMBERED probability or more: true when the clues told so far state it. Two counts: every read-out cell, and
only the traits the clues have stated of that suspect (what `Match.checked_memories` shows since 2026-12-02).
Cases: `--cases` generated easy and as many default ones (run seed 4242), then the bundled mysteries.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from game.match import Match
from model.checkpoint import load_checkpoint
from story.data import Story
from story.generator import case_seed, generate_case
from story.loader import load_story

ROOT = Path(__file__).resolve().parents[2]


def count(stories: list[Story], partner_dir: str, rival_dir: str) -> dict[tuple[str, str], Counter]:
    partner, rival = load_checkpoint(partner_dir), load_checkpoint(rival_dir)
    counts = {(who, rule): Counter() for who in ("partner", "rival") for rule in ("every cell", "stated traits")}
    for story in stories:
        match = Match(story, partner, rival)
        clue = match.clue
        while not match.told_all:
            match.advance()
            if match.clue == clue or not match.clues_told:
                continue
            clue = match.clue
            said = set(match.analysis.steps[match.clues_told - 1].stated)
            for who, detective in (("partner", match.partner), ("rival", match.rival)):
                for suspect in range(len(story.suspects)):
                    stated = {trait for slot, trait, _ in said if slot == suspect}
                    for trait, value in detective.remembered(suspect):
                        truth = "true" if (suspect, trait, value) in said else "false"
                        counts[(who, "every cell")][truth] += 1
                        if trait in stated:
                            counts[(who, "stated traits")][truth] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partner", default=str(ROOT / "model" / "weights" / "lstm"))
    parser.add_argument("--rival", default=str(ROOT / "model" / "weights" / "rnn"))
    parser.add_argument("--cases", type=int, default=8, help="generated cases of each of easy and default")
    args = parser.parse_args()
    stories = [generate_case(case_seed(4242, i), level) for level in ("easy", "default") for i in range(args.cases)]
    stories += [load_story(path) for path in sorted((ROOT / "story" / "mysteries").glob("*.toml"))]
    for (who, rule), tally in count(stories, args.partner, args.rival).items():
        shown = tally["true"] + tally["false"]
        print(f"{who:8} {rule:14} shown {shown:5}  true {tally['true'] / max(shown, 1):.2f}")


if __name__ == "__main__":
    main()
