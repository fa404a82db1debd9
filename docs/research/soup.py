"""Average the weights of readers fine-tuned from one start: a "uniform soup" (Wortsman et al., 2022).

    PYTHONPATH=. python docs/research/soup.py --out DIR RUN RUN [RUN ...]

Not part of the package (docs/model.md, the dated table of 2026-12-04). Stages that start from the same weights
and differ in seed, rate or corpus share end in one basin more often than not, and their mean can keep what each
learned where a single stage trades one thing for another (here: hand-written stories against the bundled
mysteries). Every run must be the same reader: its config, vocabulary and lemma tables equal, so that row i of
each embedding means the same word; the soup is written as a checkpoint like any other (the first run's
description, its weights' checksum renewed, and `souped_from` listing the runs), for `whodunit eval`,
`benchmarks/readers.py` and `whodunit check --partner` to read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint

SAME_READER = ("config", "vocabulary", "lemmas", "lemma_forms")


def soup(runs: list[Path], out: Path) -> None:
    """Write the mean of `runs`' weights to `out`; ValueError if they are not the same reader."""
    checkpoints = [load_checkpoint(run) for run in runs]
    first = checkpoints[0]
    for run, checkpoint in zip(runs[1:], checkpoints[1:], strict=True):
        differing = [key for key in SAME_READER if checkpoint.meta.get(key) != first.meta.get(key)]
        if differing or checkpoint.weights.keys() != first.weights.keys():
            raise ValueError(f"{run}: not the same reader as {runs[0]} ({', '.join(differing) or 'weights'} differ)")
    weights = {
        name: np.mean([checkpoint.weights[name] for checkpoint in checkpoints], axis=0).astype(array.dtype)
        for name, array in first.weights.items()
    }
    meta = {key: value for key, value in first.meta.items() if key not in ("format", "weights_sha256", "metrics")}
    save_checkpoint(out, weights, {**meta, "souped_from": [str(run) for run in runs]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("runs", type=Path, nargs="+")
    args = parser.parse_args()
    try:
        soup(args.runs, args.out)
    except (CheckpointError, ValueError) as exc:
        sys.exit(f"soup: {exc}")
    print(f"wrote {args.out}: the mean of {len(args.runs)} readers")


if __name__ == "__main__":
    main()
