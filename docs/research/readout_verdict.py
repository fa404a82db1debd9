"""Would a verdict computed from the read-out name the culprit where the "still possible" head does not?

    PYTHONPATH=. python docs/research/readout_verdict.py [--checkpoint DIR] [--cases 300] [--story FILE ...]

Not part of the package (docs/model.md, "Reading prose people write"). docs/research/clearances.py found that on
the development mysteries the partner applies a quarter of the clearances at the evidence even where its read-out
holds both the suspect's value and the evidence right, against 0.95 on generated cases: the memory is there,
and the head that decides does not use it. This asks, with no training, what a head built on the read-out would
say at the end of each case: for each suspect and evidence trait, the chance that the value it holds and the
evidence's differ (both known), from the read-out's softmaxes; "consistent" is the product over traits of one
minus that. Three verdicts, each a distribution over the cast, named as model.verdicts names them:
- trained: the reader's own (the softmax of its "still possible" logits);
- read-out: consistency alone, normalised (no alibis: it cannot see them);
- both: the trained distribution times consistency, normalised.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from model.batch import collate
from model.checkpoint import load_checkpoint
from model.evaluate import EVAL_RUN_SEED, reader_from_checkpoint
from model.readout import TRAITS, UNKNOWN_CLASS
from model.shipped import load_shipped
from model.targets import case_targets
from model.verdicts import named_suspect
from story import load_story
from story.generator import generate_cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--story", type=Path, nargs="+", help="read these story files instead")
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    model = reader_from_checkpoint(checkpoint)
    stories = (
        [load_story(path) for path in args.story] if args.story else list(generate_cases(EVAL_RUN_SEED, args.cases))
    )
    named = {"trained": 0, "read-out": 0, "both": 0}
    on_culprit = {name: 0.0 for name in named}
    for story in stories:
        case = case_targets(story, checkpoint.vocabulary)
        batch = collate([case], checkpoint.vocabulary)
        with torch.no_grad():
            possible, readout, _ = model(batch.views)  # (K, T), (K, T, cells, classes)
        end = len(case.ids) - 1
        trained = torch.softmax(possible[:, end], 0).numpy()
        probabilities = torch.softmax(readout[:, end], -1).numpy()  # (K, cells, classes)
        consistent = np.ones(case.cast_size)
        for cell in range(len(TRAITS)):
            held, found = probabilities[:, cell, :UNKNOWN_CLASS], probabilities[0, len(TRAITS) + cell, :UNKNOWN_CLASS]
            same = held @ found  # (K,) both known and equal
            consistent *= 1.0 - (held.sum(1) * found.sum() - same)  # both known and different
        verdicts = {
            "trained": trained,
            "read-out": consistent / consistent.sum(),
            "both": trained * consistent / (trained * consistent).sum(),
        }
        for name, distribution in verdicts.items():
            named[name] += named_suspect(distribution) == story.culprit
            on_culprit[name] += float(distribution[story.culprit])
    source = "story files" if args.story else "default cases"
    print(f"{len(stories)} {source}: culprit named at the end, and mean probability on the culprit")
    for name in named:
        print(f"  {name:10s} {named[name]:4d} of {len(stories)}   {on_culprit[name] / len(stories):.2f}")


if __name__ == "__main__":
    main()
