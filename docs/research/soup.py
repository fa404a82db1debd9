"""Average the weights of readers fine-tuned from one start: a "uniform soup" (Wortsman et al., 2022).

    PYTHONPATH=. python docs/research/soup.py --out DIR RUN RUN [RUN ...]
    PYTHONPATH=. python docs/research/soup.py --out DIR --start FIRST --keep 0.5 STAGE

The second form interpolates a stage with the reader it was fine-tuned from (`--init FIRST`): `--keep` of the
start's weights, the rest the stage's ("WiSE-FT", Wortsman et al., 2022: robust fine-tuning by interpolating the
start and the tuned weights). The start's embedding is first mapped onto the stage's vocabulary as `whodunit
train --init` maps it (a word the start did not know takes its `<unk>` row), which is where the stage began.

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
EMBEDDING = "embed.weight"  # (V, E): the one weight whose rows are words


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


def toward(start: Path, stage: Path, keep: float, out: Path) -> None:
    """Write `keep` x the start's weights + (1 - keep) x the stage's to `out`, the start's embedding taken onto the
    stage's vocabulary word by word; ValueError if the two are not the same reader but for the vocabulary."""
    first, tuned = load_checkpoint(start), load_checkpoint(stage)
    same_config = {**first.meta["config"], "vocab_size": 0} == {**tuned.meta["config"], "vocab_size": 0}
    if not same_config or first.meta.get("lemmas") != tuned.meta.get("lemmas"):
        raise ValueError(f"{stage}: not the same reader as {start} (config or lemmas differ)")
    if first.weights.keys() != tuned.weights.keys():
        raise ValueError(f"{stage}: not the same reader as {start} (weights differ)")
    taken = first.vocabulary.rows_of(tuned.vocabulary.words)
    started = {name: array[taken] if name == EMBEDDING else array for name, array in first.weights.items()}
    weights = {
        name: (keep * started[name] + (1 - keep) * array).astype(array.dtype) for name, array in tuned.weights.items()
    }
    meta = {key: value for key, value in tuned.meta.items() if key not in ("format", "weights_sha256", "metrics")}
    save_checkpoint(out, weights, {**meta, "interpolated": {"start": str(start), "stage": str(stage), "keep": keep}})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--start", type=Path, help="interpolate the one run given with this, its --init")
    parser.add_argument("--keep", type=float, default=0.5, help="with --start: the start's share of the weights")
    parser.add_argument("runs", type=Path, nargs="+")
    args = parser.parse_args()
    if args.start and len(args.runs) != 1:
        parser.error("--start interpolates one stage with its start: give one run")
    if not 0 <= args.keep <= 1:
        parser.error(f"--keep is the start's share of the weights, from 0 to 1, not {args.keep}")
    try:
        if args.start:
            toward(args.start, args.runs[0], args.keep, args.out)
        else:
            soup(args.runs, args.out)
    except (CheckpointError, ValueError) as exc:
        sys.exit(f"soup: {exc}")
    done = f"{args.keep} of {args.start}, the rest {args.runs[0]}" if args.start else f"the mean of {len(args.runs)}"
    print(f"wrote {args.out}: {done}")


if __name__ == "__main__":
    main()
