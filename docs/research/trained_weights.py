"""Write the last step's weights of a run that kept a moving average (`--set ema_decay=D`) as a reader of its own.

    PYTHONPATH=. python docs/research/trained_weights.py RUN --out DIR
    python benchmarks/readers.py authored --folder HELD --lstm DIR

Such a run's checkpoint holds the average, which is what `whodunit eval`, `benchmarks/readers.py` and the game
read; the trained weights it averaged go on in the training state (resume.safetensors), for a resume. This
writes them as a checkpoint like any other (the run's description, `trained_weights_of` naming the run, its
metrics dropped, since they are the average's), so that one run measures both: the average and the last step.
Not part of the package (docs/model.md, the dated table of 2026-12-07).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model.checkpoint import CheckpointError, load_checkpoint, load_state, save_checkpoint
from model.resume import TRAINED


def write_trained(run: Path, out: Path) -> None:
    """Write `run`'s trained weights to `out`; CheckpointError if the run kept no average or is unreadable."""
    checkpoint = load_checkpoint(run)
    state, _ = load_state(run, checkpoint.meta["weights_sha256"])
    trained = {name.removeprefix(TRAINED): array for name, array in state.items() if name.startswith(TRAINED)}
    if set(trained) != set(checkpoint.weights):
        raise CheckpointError(f"{run}: its training state holds no trained weights (a run without ema_decay)")
    meta = {key: value for key, value in checkpoint.meta.items() if key not in ("weights_sha256", "metrics")}
    save_checkpoint(out, trained, meta | {"trained_weights_of": str(run)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a run folder trained with --set ema_decay=D")
    parser.add_argument("--out", type=Path, required=True, help="a new folder for the trained weights' reader")
    args = parser.parse_args(argv)
    if args.out.exists():
        print(f"error: {args.out} exists; give a new folder", file=sys.stderr)
        return 1
    try:
        write_trained(args.run, args.out)
    except CheckpointError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: the last step's weights of {args.run}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
