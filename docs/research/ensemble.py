"""Do several partners read people's stories better together than any one alone?

    PYTHONPATH=. python docs/research/ensemble.py --story FILES --lstm DIR DIR ... [--join probabilities|logits]

Not part of the package (docs/model.md, the dated table). The partner's count on the held-back stories moves by
five stories with the seed alone (LSB4 19, LSB5 14: one command, two seeds), and a mean of the weights of runs
from one start averages their counts (the soups of 2026-12-05). This asks, with no training, whether a mean of
their beliefs does better: each checkpoint reads each story through the streaming reader, as the game would, and
the readings are joined after every token either as the mean of the cast distributions ("probabilities") or as
the softmax of the mean "still possible" logits ("logits"). Printed per checkpoint and for the join: stories
named at the end, mean probability on the culprit, cleared mass over all tokens (the authored-set targets of
benchmarks/readers.py, with model.verdicts' naming margin).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from model.checkpoint import load_checkpoint
from model.stream import read_through
from model.targets import case_targets
from model.tokenizer import read_story
from model.verdicts import named_suspect
from story import analyze, load_story


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(-1, keepdims=True))
    return shifted / shifted.sum(-1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", type=Path, nargs="+", required=True)
    parser.add_argument("--lstm", type=Path, nargs="+", required=True, help="partner checkpoint folders")
    parser.add_argument("--join", choices=("probabilities", "logits"), default="probabilities")
    args = parser.parse_args()
    checkpoints = [load_checkpoint(path) for path in args.lstm]
    labels = [path.name for path in args.lstm] + [f"join ({args.join})"]
    named = np.zeros(len(labels), dtype=int)
    on_culprit = np.zeros(len(labels))
    cleared = np.zeros(len(labels))
    tokens_read = 0
    named_by = []  # per story: how many of the checkpoints (not the join) name its culprit
    for path in args.story:
        story = load_story(path)
        analysis = analyze(story)
        tokens = list(read_story(story).tokens)
        case = case_targets(story, checkpoints[0].vocabulary, analysis)
        possible = case.possible.T  # (T, K) the oracle's "still possible", the same whatever the vocabulary
        beliefs, logits = [], []
        for checkpoint in checkpoints:
            probabilities, still = read_through(
                checkpoint.kind,
                checkpoint.weights,
                checkpoint.vocabulary,
                tokens,
                case.cast_size,
                checkpoint.nonlinearity,
            )  # (T, K) each
            beliefs.append(probabilities)
            logits.append(still)
        joined = np.mean(beliefs, 0) if args.join == "probabilities" else softmax(np.mean(logits, 0))
        tokens_read += len(tokens)
        row = []
        for column, belief in enumerate([*beliefs, joined]):
            verdict = named_suspect(belief[-1])
            named[column] += verdict == story.culprit
            on_culprit[column] += belief[-1, story.culprit]
            cleared[column] += float((belief * (1.0 - possible)).sum())
            row.append(f"{'✓' if verdict == story.culprit else '✗'}{belief[-1, story.culprit]:.2f}")
        named_by.append(sum(cell.startswith("✓") for cell in row[:-1]))
        print(f"  {path.stem[:26]:<26} " + " ".join(f"{cell:>6}" for cell in row))
    count = len(args.story)
    print(f"{count} stories: named at the end / mean on the culprit / cleared mass over all tokens")
    by = np.bincount(named_by, minlength=len(checkpoints) + 1)
    print(f"  named by every checkpoint in {by[-1]}, by none in {by[0]}, by some in {count - by[-1] - by[0]}")
    for column, label in enumerate(labels):
        print(
            f"  {label[:26]:<26} {named[column]:3d} of {count}   {on_culprit[column] / count:.2f}   "
            f"{cleared[column] / tokens_read:.3f}"
        )


if __name__ == "__main__":
    main()
