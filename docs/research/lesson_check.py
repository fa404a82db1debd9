"""Whether a candidate partner reads the bundled lesson as `tests/test_lesson.py` asks of the shipped one.

    PYTHONPATH=. python docs/research/lesson_check.py RUN [RUN ...]

The test reads the shipped weights only, so a candidate had to be copied into `model/weights/lstm` before the
suite could say that it names Jennifer late; a candidate must be checked before the held-out set is read with it
(docs/model.md, "Next"), and this says it for any run folder: named, probability on the culprit at the end, the
clue from which it names her against the clue that decides the case, and its most confident belief before then.
The criterion is the test's: the culprit named at >= 0.8, from the deciding clue on, and no suspect at 0.7 or more
before it. Exits 1 when any run fails it. Not part of the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

from model.checkpoint import CheckpointError, load_checkpoint
from model.verdicts import story_verdict
from story import analyze, load_story

LESSON = Path(__file__).resolve().parents[2] / "story" / "mysteries" / "forgetting.toml"


def main(runs: list[str]) -> int:
    if not runs:
        print(__doc__.strip().splitlines()[2].strip())
        return 2
    story = load_story(LESSON)
    analysis = analyze(story)
    decided = analysis.decided_at
    names = [suspect.name for suspect in story.suspects]
    failed = False
    for run in runs:
        try:
            verdict = story_verdict(load_checkpoint(Path(run)), story, analysis)
        except CheckpointError as error:
            print(f"{run}: {error}")
            failed = True
            continue
        before = float(verdict.clue_beliefs[:decided].max())
        right = verdict.named == story.culprit and verdict.culprit_probability >= 0.8
        kept = right and verdict.from_clue == decided and before < 0.7
        failed |= not kept
        named = names[verdict.named] if verdict.named is not None else "nobody"
        print(
            f"{run}: {'at its evidence' if kept else 'NOT at its evidence'}: names {named} "
            f"({verdict.culprit_probability:.2f} on {names[story.culprit]}) from clue {verdict.from_clue}, "
            f"decided at {decided}; most before then {before:.2f}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
