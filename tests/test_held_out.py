"""The authored benchmark stays held out: no training run reads it, and neither the generator's prose nor the
training corpus (model/corpus/) shares a sentence with it. It measures how the readers read prose people write only
while nothing is tuned to it. The development mysteries (benchmarks/dev/) may be read while tuning, to find the
shapes of sentence a reader misreads; the generator learns such shapes in its own words, and the corpus was written
without them, so neither shares a sentence with them either."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from model.corpus import CORPUS
from model.recipe import TRAIN_PRESETS
from model.train import train
from story import load_story
from story.generator import DIFFICULTIES, generate_cases
from story.words import split_words

ROOT = Path(__file__).resolve().parent.parent
AUTHORED = ROOT / "benchmarks" / "authored"
DEVELOPMENT = ROOT / "benchmarks" / "dev"
SHINGLE = 8  # words: long enough that a shared run is a copied sentence, not a common phrase


def shingles(text: str) -> set[tuple[str, ...]]:
    words = [word for word in split_words(text) if any(ch.isalnum() for ch in word)]
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def prose_of(folder: Path) -> set[tuple[str, ...]]:
    """Every 8-word run of the mysteries in `folder` (each is loaded, so each must be sound)."""
    found: set[tuple[str, ...]] = set()
    for path in sorted(folder.glob("*.toml")):
        story = load_story(path)
        for text in (story.intro, *(clue.text for clue in story.clues), story.reveal):
            found |= shingles(text)
    return found


def test_the_authored_set_is_there_and_large_enough() -> None:
    assert len(list(AUTHORED.glob("*.toml"))) >= 15


def test_the_development_set_is_there() -> None:
    assert len(list(DEVELOPMENT.glob("*.toml"))) >= 36


opened: list[str] | None = None


def _record(event: str, args: tuple) -> None:
    if event == "open" and opened is not None and isinstance(args[0], str | bytes | Path):
        opened.append(str(args[0]))


sys.addaudithook(_record)  # audit hooks cannot be removed; this one records only while `opened` is a list


@pytest.mark.parametrize("corpus_share", [0.0, 0.5], ids=["generated", "with-corpus"])
def test_training_opens_no_authored_file(tmp_path: Path, corpus_share: float) -> None:
    global opened
    config = replace(TRAIN_PRESETS["tiny"], steps=3, eval_every=3, eval_cases=4, batch_cases=4)
    config = replace(config, corpus_share=corpus_share)
    opened = []
    try:
        train(config, tmp_path / "run", "test")
        files = list(opened)
    finally:
        opened = None
    assert files, "the audit hook saw no file opened at all: it is not watching"
    assert not [name for name in files if "benchmarks/authored" in name.replace("\\", "/")]


@pytest.mark.parametrize(("folder", "runs"), [(AUTHORED, 10_000), (DEVELOPMENT, 3_000)], ids=["authored", "dev"])
def test_the_generators_prose_shares_no_sentence_with_hand_written_sets(folder: Path, runs: int) -> None:
    hand_written = prose_of(folder)
    assert len(hand_written) > runs  # the set is all there
    grammar_sources = [*(ROOT / "story").glob("*.py"), *(ROOT / "story").rglob("*.toml")]
    for path in grammar_sources:
        if "mysteries" not in path.parts:
            assert not shingles(path.read_text(encoding="utf-8")) & hand_written, path
    for difficulty in DIFFICULTIES:
        for story in generate_cases(7, 100, difficulty):
            prose = " ".join((story.intro, *(clue.text for clue in story.clues), story.reveal))
            assert not shingles(prose) & hand_written, (difficulty, story.seed)


@pytest.mark.parametrize("folder", [AUTHORED, DEVELOPMENT], ids=["authored", "dev"])
def test_the_training_corpus_shares_no_sentence_with_hand_written_sets(folder: Path) -> None:
    """The corpus (model/corpus/) was written without reading either set; no copied sentence may slip in."""
    hand_written = prose_of(folder)
    for path in sorted(CORPUS.glob("*.toml")):
        assert not shingles(path.read_text(encoding="utf-8")) & hand_written, path
