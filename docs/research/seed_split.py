"""Which stories a recipe names whatever its seed, which none of its runs names, and which turn on the seed.

    PYTHONPATH=. python docs/research/seed_split.py --folder HELD_BACK --base RUN [RUN ...] [--candidates RUN ...]

Not part of the package (docs/model.md, "Next"). A count of stories named moves with the seed: four runs of the
bundled partner's stage read 13 to 19 of the held-back 33. This splits the folder's stories by the `--base` runs
(one recipe over seeds): named by every run, by none, or by some. Each `--candidates` run (another recipe) is then
counted in each group. A candidate that only reshuffles the stories that turn on the seed reads as the recipe does;
one that reads better names stories that no base run names and keeps those that every base run names. Each run's
mean probability on the culprit at the end is printed too: it moves less from seed to seed than the count; and
each group's shape (length, clues, how far back the deciding statement is told).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from statistics import median

from model.checkpoint import load_checkpoint
from model.verdicts import story_verdict
from story import Story, analyze, load_story
from story.oracle import Analysis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True, help="story files (*.toml) no run has read")
    parser.add_argument("--base", type=Path, nargs="+", required=True, help="runs of one recipe, other seeds")
    parser.add_argument("--candidates", type=Path, nargs="*", default=[], help="runs of other recipes")
    args = parser.parse_args()

    stories = [load_story(path) for path in sorted(args.folder.glob("*.toml"))]
    analyses = [analyze(story) for story in stories]
    named: dict[Path, list[bool]] = {}  # run -> per story, whether it names the culprit at the end
    for run in [*args.base, *args.candidates]:
        checkpoint = load_checkpoint(run)
        verdicts = [
            story_verdict(checkpoint, story, analysis) for story, analysis in zip(stories, analyses, strict=True)
        ]
        named[run] = [verdict.named == story.culprit for verdict, story in zip(verdicts, stories, strict=True)]
        mean = sum(verdict.culprit_probability for verdict in verdicts) / len(verdicts)
        print(f"{run}: names {sum(named[run])} of {len(stories)}, mean on the culprit {mean:.2f}")

    groups: dict[str, list[int]] = {"every base run names": [], "no base run names": [], "some base runs name": []}
    for index in range(len(stories)):
        hits = sum(named[run][index] for run in args.base)
        if hits == len(args.base):
            groups["every base run names"].append(index)
        elif hits == 0:
            groups["no base run names"].append(index)
        else:
            groups["some base runs name"].append(index)
    print()
    for title, members in groups.items():
        print(f"{title} ({len(members)}): {'; '.join(stories[index].title for index in members) or '-'}")
        if members:
            print(f"    {shape([stories[index] for index in members], [analyses[index] for index in members])}")
        for run in args.candidates:
            print(f"    {run}: {sum(named[run][index] for index in members)} of {len(members)}")


def shape(stories: list[Story], analyses: list[Analysis]) -> str:
    """The group's median length, clues and deciding distance (words from the deciding statement to its evidence),
    and the median share of the clues told when the oracle decides the case (`Analysis.decided_at`)."""
    decided = [  # a story never decided counts as decided after its last clue
        (len(story.clues) if analysis.decided_at is None else analysis.decided_at + 1) / len(story.clues)
        for story, analysis in zip(stories, analyses, strict=True)
    ]
    return (
        f"median {median(analysis.word_ends[-1] for analysis in analyses):.0f} words, "
        f"{median(len(story.clues) for story in stories):.0f} clues, deciding distance "
        f"{median(analysis.memory_distance or 0 for analysis in analyses):.0f} words, decided at {median(decided):.2f} "
        "of the clues"
    )


if __name__ == "__main__":
    main()
