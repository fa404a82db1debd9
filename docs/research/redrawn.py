"""Whether a partner names people's culprits by the facts or by the story around them: the same stories with their
values drawn afresh, so that the facts point at another suspect.

    PYTHONPATH=. python docs/research/redrawn.py --story FOLDER --out DIR [--checkpoint DIR ...]
    python benchmarks/readers.py authored --folder DIR --lstm CHECKPOINT

Not part of the package (docs/model.md, the dated table of 2026-12-06). Each story of FOLDER is redrawn once by
`model.revalue.with_values_redrawn` (seeded by its place in the folder, so that every run writes the same
stories): each value said in plain words replaced by another's, the facts and the cast with it, and the culprit
whoever the oracle then leaves. DIR gets the stories that redraw, as story files. Then for each checkpoint (the
bundled partner when none is given), on the stories whose culprit changed: how often its top suspect at the end is
the new culprit, whom the facts leave, and how often the original one, whom the facts now clear. A reader of the
facts names the new one; a reader of the story around them (who the author wrote as guilty, and values told by
their context: a "briar" left beside a redrawn "cigarette") the original. FOLDER is never the held-out
benchmarks/authored/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from model.checkpoint import load_checkpoint
from model.evaluate import checkpoint_traces
from model.revalue import with_values_redrawn
from model.shipped import load_shipped
from model.targets import case_targets
from story import load_story
from story.writer import story_to_toml


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", type=Path, required=True, help="a folder of story files")
    parser.add_argument("--out", type=Path, required=True, help="where the redrawn stories are written")
    parser.add_argument("--checkpoint", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    changed = []
    paths = sorted(args.story.glob("*.toml"))
    for index, path in enumerate(paths):
        story = load_story(path)
        redrawn = with_values_redrawn(story, np.random.default_rng([7, index]))
        if redrawn is not story:
            (args.out / path.name).write_text(story_to_toml(redrawn), encoding="utf-8")
            if redrawn.culprit != story.culprit:
                changed.append((story.culprit, redrawn))
    written = len(list(args.out.glob("*.toml")))
    print(f"{written} of {len(paths)} stories redrawn into {args.out}, {len(changed)} to another culprit")
    for name in args.checkpoint or [None]:
        checkpoint = load_checkpoint(name) if name else load_shipped("lstm")
        cases = [case_targets(story, checkpoint.vocabulary) for _, story in changed]
        new = original = 0
        for (was, story), trace in zip(changed, checkpoint_traces(checkpoint, cases), strict=True):
            top = int(trace.probabilities[-1][: len(story.suspects)].argmax())
            new += top == story.culprit
            original += top == was
        print(f"  {name or 'bundled partner'}: top suspect the new culprit {new}, the original {original}")


if __name__ == "__main__":
    main()
