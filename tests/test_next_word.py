"""The next-word objective on corpus stories (`next_word_weight`): which readings it reads, what it computes, and
the projection it adds to a reader, from a run's start to its checkpoint and the next run's `--init`."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from model.batch import collate
from model.checkpoint import CheckpointError, load_checkpoint
from model.corpus import corpus_stories
from model.objective import cross_entropy, losses, next_word_term
from model.readers import Reader, ReaderConfig
from model.recipe import TRAIN_PRESETS, configure_training
from model.targets import case_targets
from model.train import train
from model.training_data import CaseSource, Plan, reader_vocabulary, run_vocabulary
from model.verdicts import story_verdict
from story import load_story
from story.generator import generate_cases

MYSTERIES = Path(__file__).resolve().parent.parent / "story" / "mysteries"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three bundled mysteries as a small corpus."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("manor", "harrowgate", "lighthouse"):
        shutil.copy(MYSTERIES / f"{name}.toml", folder / f"{name}.toml")
    return folder


def test_a_batch_marks_the_cases_told_in_peoples_own_prose(corpus: Path) -> None:
    settings = {"corpus_share": "0.5", "corpus": str(corpus)}
    config = replace(configure_training(TRAIN_PRESETS["tiny"], settings), batch_cases=40)
    source = CaseSource(config, None)
    written = {id(story) for story in corpus_stories(corpus)}  # generated cases may share a title
    drawn = source.stories(Plan(0, False, 0))
    marked = source.batch(Plan(0, False, 0), run_vocabulary(config)).people_prose.tolist()
    assert marked == [id(story) in written for story in drawn]
    assert 5 < sum(marked) < 35
    dropping = CaseSource(replace(config, corpus_drop=0.5), None)  # shortened stories are new objects, still marked
    assert dropping.batch(Plan(0, False, 0), run_vocabulary(config)).people_prose.tolist() == marked


def test_the_term_predicts_each_corpus_storys_next_tokens_from_its_first_reading() -> None:
    vocabulary = reader_vocabulary(True)
    cases = [case_targets(story, vocabulary) for story in generate_cases(3, 3, "easy")]
    batch = collate(cases, vocabulary, [False, True, False])
    torch.manual_seed(0)
    reader = Reader(ReaderConfig("lstm", len(vocabulary), 16, 24, "tanh", next_word=True))
    config = replace(TRAIN_PRESETS["tiny"], next_word_weight=1.0, next_word_stride=3, corpus_share=0.5)
    states = reader.states(batch.views)  # (R, T, H)
    term = next_word_term(reader, states, batch, config, step=4)

    row = int(((batch.row_case == 1) & (batch.row_slot == 0)).nonzero()[0, 0])
    length = len(cases[1].ids)
    positions = torch.arange(4 % 3, length - 1, 3)  # the step's offset, and every token that has a successor
    expected = cross_entropy(reader.next_word_logits(states[row, positions]), batch.views[row, positions + 1])
    torch.testing.assert_close(term, expected.mean())

    changed = batch.views.clone()
    changed[batch.row_case != 1] = 5  # what the generated cases say does not enter the term
    torch.testing.assert_close(next_word_term(reader, states, replace(batch, views=changed), config, step=4), term)
    term.backward()
    assert reader.next_word.weight.grad.abs().sum() > 0 and reader.embed.weight.grad.abs().sum() > 0


def test_without_a_corpus_story_the_term_is_zero_and_the_projection_still_takes_part() -> None:
    vocabulary = reader_vocabulary(True)
    cases = [case_targets(story, vocabulary) for story in generate_cases(3, 2, "easy")]
    reader = Reader(ReaderConfig("lstm", len(vocabulary), 16, 24, "tanh", next_word=True))
    config = replace(TRAIN_PRESETS["tiny"], next_word_weight=1.0, corpus_share=0.5)
    loss, parts = losses(reader, collate(cases, vocabulary), config)
    loss.backward()
    assert parts["next_word"] == 0.0
    assert reader.next_word.weight.grad is not None and not reader.next_word.weight.grad.any()


def test_the_objective_needs_corpus_stories_to_read() -> None:
    with pytest.raises(ValueError, match=r"next_word_weight.*reads none"):
        configure_training(TRAIN_PRESETS["tiny"], {"next_word_weight": "0.2"})
    with pytest.raises(ValueError, match="next_word_stride"):
        configure_training(TRAIN_PRESETS["tiny"], {"next_word_stride": "0"})


def test_a_run_adds_the_projection_keeps_it_in_its_checkpoint_and_a_run_without_it_drops_it(
    corpus: Path, tmp_path: Path
) -> None:
    tiny = replace(TRAIN_PRESETS["tiny"], steps=2, batch_cases=4, eval_cases=4, eval_every=1000)
    train(tiny, tmp_path / "first", "test: first")
    with_prose = replace(tiny, init=str(tmp_path / "first"), corpus_share=0.5, corpus=str(corpus), next_word_weight=0.5)
    train(with_prose, tmp_path / "second", "test: second")
    second = load_checkpoint(tmp_path / "second")  # checked whole: the projection is declared and shaped
    assert second.meta["config"]["next_word"] is True
    assert second.weights["next_word.weight"].shape == (tiny.embedding, second.meta["config"]["hidden"])
    verdict = story_verdict(second, load_story(MYSTERIES / "manor.toml"))  # the numpy reader reads past it
    assert np.isclose(verdict.clue_beliefs[-1].sum(), 1.0)

    train(replace(tiny, init=str(tmp_path / "second")), tmp_path / "third", "test: third")
    third = load_checkpoint(tmp_path / "third")
    assert "next_word.weight" not in third.weights and third.meta["config"]["next_word"] is False


def test_a_checkpoint_must_declare_the_projection_it_holds(corpus: Path, tmp_path: Path) -> None:
    tiny = replace(TRAIN_PRESETS["tiny"], steps=1, batch_cases=2, eval_cases=2, eval_every=1000)
    run = replace(tiny, corpus_share=0.5, corpus=str(corpus), next_word_weight=0.5)
    train(run, tmp_path / "run", "test")
    meta_path = tmp_path / "run" / "reader.json"
    meta = json.loads(meta_path.read_text())
    meta["config"]["next_word"] = False  # the tensor is there, the config does not say so
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match=r"next_word\.weight"):
        load_checkpoint(tmp_path / "run")
    meta["config"]["next_word"] = "yes"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match=r'config\.next_word is "yes"; expected true or false'):
        load_checkpoint(tmp_path / "run")
