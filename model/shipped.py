"""The readers that ship inside the package, trained by `whodunit train --preset default` (docs/model.md).

No torch here: the game loads them through model.checkpoint and streams them with model.stream.
"""

from __future__ import annotations

from pathlib import Path

from model.checkpoint import Checkpoint, CheckpointError, load_checkpoint

SHIPPED = Path(__file__).resolve().parent / "weights"
KINDS = ("lstm", "rnn")  # the partner, the rival


def shipped_folder(kind: str) -> Path:
    return SHIPPED / kind


def load_shipped(kind: str) -> Checkpoint:
    """The bundled reader of this kind; CheckpointError says how to get it back if it is missing or damaged."""
    try:
        checkpoint = load_checkpoint(shipped_folder(kind))
    except CheckpointError as exc:
        raise CheckpointError(
            f"the bundled {kind} reader cannot be used: {exc}. Reinstall whodunit, or train one with "
            f"`whodunit train --model {kind} --out runs/{kind}` and pass that folder with --checkpoint (eval), "
            "--partner (play, an LSTM) or --rival (play, an RNN)"
        ) from None
    if checkpoint.kind != kind:
        raise CheckpointError(f"{shipped_folder(kind)}: holds a {checkpoint.kind} reader, expected {kind}")
    return checkpoint
