"""Does a reader believe that every suspect is cleared? Where its "still possible" logits all fall below zero.

    PYTHONPATH=. python docs/research/cleared_everyone.py [--checkpoint DIR] --story FILE ...
    PYTHONPATH=. python docs/research/cleared_everyone.py [--checkpoint DIR] --cases 200 [--set KNOB=V ...]

Not part of the package (docs/model.md, the dated table, 2026-12-03). On generated cases the partner's logit is
about +4 for a suspect still possible and -6 for one cleared; the cast's distribution is their softmax. If every
reading sits at -6, the reader holds everyone cleared, and the softmax over those logits is decided by noise:
any reading nudged up (an alibi that names its suspect) takes all the belief. For each story: the share of its
tokens at which every logit is below zero, and the words read up to the first such token (unknown words in
brackets). The oracle never clears everyone, so on generated cases the share should be near zero.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from model.checkpoint import load_checkpoint
from model.shipped import load_shipped
from model.stream import StreamingReader
from model.tokenizer import UNKNOWN, read_story
from story import load_story
from story.generator import PRESETS, configure, generate_cases
from story.knobs import parse_knobs

VALIDATION_SEED = 1_000_003


def logits_through(reader: StreamingReader, tokens: tuple[str, ...]) -> np.ndarray:
    """(T, K) each suspect reading's "still possible" logit after every token."""
    return np.array([reader.step(token).possible for token in tokens])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--story", type=Path, nargs="+", help="story files (the development set, not the held-out)")
    parser.add_argument("--cases", type=int, default=200, help="generated default cases, when no --story")
    parser.add_argument("--set", action="append", default=[], dest="knobs", metavar="KNOB=VALUE")
    args = parser.parse_args()
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    vocabulary = checkpoint.vocabulary
    (unknown,) = vocabulary.encode([UNKNOWN])
    if args.story:
        stories = [(path.stem, load_story(path)) for path in args.story]
    else:
        config = configure(PRESETS["default"], parse_knobs(args.knobs))
        stories = [
            (f"case {i}", s) for i, s in enumerate(generate_cases(VALIDATION_SEED, args.cases, "default", config))
        ]
    shares = []
    for name, story in stories:
        tokens = read_story(story).tokens
        logits = logits_through(StreamingReader.of(checkpoint, len(story.suspects)), tokens)
        everyone = logits.max(1) < 0
        shares.append(everyone.mean())
        if args.story:
            first = int(np.argmax(everyone)) if everyone.any() else None
            shown = (
                ""
                if first is None
                else " ".join(
                    word if vocabulary.encode([word])[0] != unknown else f"[{word}]"
                    for word in tokens[max(0, first - 12) : first + 1]
                )
            )
            print(f"{name:24} {len(tokens):5} tokens  everyone cleared at {everyone.mean():4.0%}  first: ...{shown}")
    print(f"mean share of tokens with everyone cleared: {np.mean(shares):.3f} over {len(stories)} stories")
    print(f"stories with everyone cleared at a quarter of their tokens or more: {sum(s >= 0.25 for s in shares)}")


if __name__ == "__main__":
    main()
