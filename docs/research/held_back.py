"""Split `model/corpus/` into the stories a corpus run may read and the 33 it is measured on.

    PYTHONPATH=. python docs/research/held_back.py --train TRAIN_DIR --held HELD_DIR
    torchrun ... train ... --set corpus=TRAIN_DIR
    python benchmarks/readers.py authored --folder HELD_DIR --lstm RUN

The held-back stories are listed in `docs/research/held_back_corpus.txt`, so that the corpus experiments that
hold back 33 (docs/benchmarks.md, "Training corpus"; the earliest held back only the first 16) can be run again
on the same split. Not part of the package. The folders must not exist yet: a split is written whole or not at
all, never merged into an older one.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from model.corpus import CORPUS

HELD_BACK_LIST = Path(__file__).with_name("held_back_corpus.txt")


def held_back_names(listing: str) -> list[str]:
    """The story file names in a held-back listing: one a line, `#` comments and blank lines skipped."""
    return [line.strip() for line in listing.splitlines() if line.strip() and not line.startswith("#")]


def split_corpus(corpus: Path, held: list[str]) -> tuple[list[Path], list[Path]]:
    """(stories a run may read, stories held back); ValueError naming any listed story the corpus lacks."""
    stories = sorted(corpus.glob("*.toml"))
    missing = sorted(set(held) - {story.name for story in stories})
    if missing:
        raise ValueError(f"{HELD_BACK_LIST.name}: not in {corpus}: {', '.join(missing)}")
    return [s for s in stories if s.name not in held], [s for s in stories if s.name in held]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True, help="new folder for the stories a run may read")
    parser.add_argument("--held", type=Path, required=True, help="new folder for the held-back stories")
    args = parser.parse_args(argv)
    for folder in (args.train, args.held):
        if folder.exists():
            print(f"error: {folder} already exists; give a new folder", file=sys.stderr)
            return 2
    try:
        train, held = split_corpus(CORPUS, held_back_names(HELD_BACK_LIST.read_text(encoding="utf-8")))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for folder, stories in ((args.train, train), (args.held, held)):
        folder.mkdir(parents=True)
        for story in stories:
            shutil.copy2(story, folder / story.name)
        print(f"{folder}: {len(stories)} stories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
