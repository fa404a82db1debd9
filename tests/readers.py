"""Small reader checkpoints with seeded random weights, built without torch, for game tests and snapshots; a way
to make a reader lose the thread; and a report callback that interrupts a training run, for the resume tests.

Their beliefs are nonsense but deterministic, which is what tests of the game's mechanics need (the shipped
readers' quality is measured by benchmarks/readers.py, not here).
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np

from model.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from model.readout import READOUT_CELLS, READOUT_CLASSES
from model.stream import StreamingReader
from model.tokenizer import Vocabulary, build_vocabulary
from model.verdicts import LOST_LOGIT
from story import load_story
from story.generator import generate_cases

MYSTERIES = Path(__file__).resolve().parent.parent / "story" / "mysteries"


@cache
def vocabulary() -> Vocabulary:
    stories = [*generate_cases(7, 100, "default"), *generate_cases(7, 50, "easy")]
    return build_vocabulary([*stories, *(load_story(path) for path in sorted(MYSTERIES.glob("*.toml")))])


def random_weights(
    kind: str, hidden: int = 16, embedding: int = 8, seed: int = 0, possible_scale: float = 0.5
) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    gates = 4 if kind == "lstm" else 1
    shapes = {
        "embed.weight": (len(vocabulary()), embedding),
        "recurrent.weight_ih_l0": (gates * hidden, embedding),
        "recurrent.weight_hh_l0": (gates * hidden, hidden),
        "recurrent.bias_ih_l0": (gates * hidden,),
        "recurrent.bias_hh_l0": (gates * hidden,),
        "possible.weight": (1, hidden),
        "possible.bias": (1,),
        "readout.weight": (READOUT_CELLS * READOUT_CLASSES, hidden),
        "readout.bias": (READOUT_CELLS * READOUT_CLASSES,),
    }
    # Each tensor from its own stream, and each word's embedding from a stream of its own spelling: the vocabulary
    # grows whenever the generator's prose or a bundled mystery gains a word, and these readers' beliefs about a
    # story must not move with it (snapshots and the game's tests would change for nothing).
    streams = rng.spawn(len(shapes))
    # Recurrent weights with a spectral radius below one, as a trained reader's are: wider ones make a vanilla RNN
    # chaotic, and then float32 and float64 readings of the same weights part ways within a case.
    scale = {"possible.weight": possible_scale, "recurrent.weight_hh_l0": 0.8 / np.sqrt(hidden)}
    weights = {
        name: stream.normal(0, scale.get(name, 0.5), shape).astype(np.float32)
        for stream, (name, shape) in zip(streams, shapes.items(), strict=True)
        # The embedding's rows come from the words, below; its stream stays spawned, so the others keep theirs.
        if name != "embed.weight"
    }
    weights["embed.weight"] = np.stack(
        [
            np.random.default_rng([seed, zlib.crc32(word.encode())]).normal(0, 0.5, embedding)
            for word in vocabulary().words
        ]
    ).astype(np.float32)
    return weights


def write_random_checkpoint(
    folder: Path, kind: str, seed: int = 0, possible_scale: float = 0.5, nonlinearity: str | None = None
) -> Path:
    """A reader of random weights; `nonlinearity` None writes a config from before that key (tanh)."""
    config = {"kind": kind, "vocab_size": len(vocabulary()), "embedding": 8, "hidden": 16}
    if nonlinearity is not None:
        config["nonlinearity"] = nonlinearity
    meta = {
        "config": config,
        "vocabulary": list(vocabulary().words),
        "training": {"command": "tests: random weights"},
        "metrics": {},
    }
    save_checkpoint(folder, random_weights(kind, seed=seed, possible_scale=possible_scale), meta)
    return folder


def random_checkpoints(folder: Path) -> tuple[Checkpoint, Checkpoint]:
    """The readers of the game's tests. Their "possible" head is drawn wide, so that a mention moves a belief
    visibly: those tests need beliefs that move (the rival must reach its threshold and accuse)."""
    return (
        load_checkpoint(write_random_checkpoint(folder / "lstm", "lstm", seed=1, possible_scale=10.0)),
        load_checkpoint(write_random_checkpoint(folder / "rnn", "rnn", seed=2, possible_scale=10.0)),
    )


def holding_everyone_cleared(reader: StreamingReader, monkeypatch) -> None:
    """From now on `reader` holds every suspect cleared (each "still possible" logit below model.verdicts.LOST_LOGIT),
    its beliefs as they were: a reader that has lost the thread, for as long as `monkeypatch` lasts."""
    step = reader.step

    def cleared(token: str):
        result = step(token)
        return replace(result, possible=np.full_like(result.possible, LOST_LOGIT - 1.0))

    monkeypatch.setattr(reader, "step", cleared)


class Interrupted(Exception):
    """A training run stopped from its report callback, as a crash after a checkpoint would stop it."""


def stop_after(step: int):
    """A report callback that interrupts the run once it reports `step`."""

    def report(status: dict) -> None:
        if status.get("step") == step:
            raise Interrupted

    return report
