"""Training runs end to end and writes a checkpoint that loads without torch and streams like the model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from commands.cli import main
from model.checkpoint import CheckpointError, load_checkpoint
from model.stream import StreamingReader
from model.tokenizer import read_story
from story.generator import generate_case
from tests.cpu import needs_bfloat16_lstm


def test_train_a_few_steps_then_stream_the_checkpoint(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["train", "--model", "lstm", "--preset", "tiny", "--steps", "3", "--out", str(out)]) == 0
    checkpoint = load_checkpoint(out)
    assert checkpoint.meta["metrics"]["steps"] == 3
    assert checkpoint.meta["training"]["command"].startswith("whodunit train --model lstm")
    assert checkpoint.meta["lemmas"] and checkpoint.vocabulary.forms  # the game reads it without lemminflect
    story = generate_case(5, "tiny")
    stream = StreamingReader.of(checkpoint, len(story.suspects))
    for token in read_story(story).tokens:
        step = stream.step(token)
    assert np.isclose(step.probabilities.sum(), 1.0)


def test_recipe_knobs_set_from_the_command_line_are_trained_with_and_recorded(tmp_path: Path) -> None:
    out = tmp_path / "run"
    argv = ["train", "--preset", "tiny", "--steps", "2", "--set", "levels=tiny easy", "--set", "truncate=7"]
    assert main([*argv, "--out", str(out)]) == 0
    training = load_checkpoint(out).meta["training"]
    assert (training["levels"], training["truncate"]) == (["tiny", "easy"], 7)
    assert "--set 'levels=tiny easy'" in training["command"]  # quoted: the command runs again as written
    assert main(["train", "--resume", "--set", "truncate=3", "--out", str(out)]) == 2  # a resumed run keeps its own


def test_a_resumed_run_may_be_given_a_new_total_of_steps(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["train", "--preset", "tiny", "--steps", "2", "--out", str(out)]) == 0
    assert main(["train", "--resume", "--steps", "1", "--out", str(out)]) == 2
    assert "already at step 2" in capsys.readouterr().out
    assert main(["train", "--resume", "--steps", "3", "--out", str(out)]) == 0
    checkpoint = load_checkpoint(out)
    assert (checkpoint.meta["metrics"]["steps"], checkpoint.meta["training"]["steps"]) == (3, 3)


def test_a_resumed_run_refuses_a_cap_of_minutes_it_has_already_spent(tmp_path: Path, capsys) -> None:
    """--minutes on a resume is the run's new total, as --steps is: a cap the run has reached would stop it at its
    first step, so it is refused, saying what the flag means."""
    out = tmp_path / "run"
    assert main(["train", "--preset", "tiny", "--steps", "2", "--out", str(out)]) == 0
    meta_path = out / "reader.json"
    meta = json.loads(meta_path.read_text())
    meta["metrics"]["minutes"] = 2.5  # as if the two steps had taken that long
    meta_path.write_text(json.dumps(meta))
    assert main(["train", "--resume", "--minutes", "2", "--steps", "3", "--out", str(out)]) == 2
    assert "has trained 2.5 minutes; with --resume, --minutes is the run's new total" in capsys.readouterr().out
    assert main(["train", "--resume", "--minutes", "5", "--steps", "3", "--out", str(out)]) == 0
    assert load_checkpoint(out).meta["metrics"]["steps"] == 3


def test_a_relu_rival_reads_no_long_padding_so_a_long_row_beside_short_ones_keeps_its_gradient_finite() -> None:
    """Rows are padded to the longest; a relu recurrence whose weights grow its state (gain 3 here, the bundled
    rival's is 2.8) overflowed to inf across the padding and turned the masked loss's gradient into NaN, when a
    1,500-token corpus story first sat beside tiny cases. It reads each row in chunks, only while the row lasts."""
    from model.readers import RELU_CHUNK, Reader, ReaderConfig

    torch.manual_seed(0)
    model = Reader(ReaderConfig("rnn", vocab_size=20, embedding=4, hidden=6, nonlinearity="relu"))
    with torch.no_grad():  # a word pulls every unit down to 0; with nothing to read the state triples
        model.embed.weight[1:] = 1.0
        model.recurrent.weight_ih_l0.fill_(-0.25)
        model.recurrent.bias_ih_l0.zero_()
        model.recurrent.weight_hh_l0.copy_(3 * torch.eye(6))
        model.recurrent.bias_hh_l0.fill_(0.1)
    ids = torch.zeros(2, 1500, dtype=torch.long)
    ids[0] = torch.randint(1, 20, (1500,))
    ids[1, :12] = torch.randint(1, 20, (12,))
    with torch.no_grad():
        assert torch.isinf(model.recurrent(model.embed(ids))[0][1]).any()  # read through the padding, it overflows
    alone = model(ids[1:, :12]).states[0]  # (12, H): the short row read unpadded
    reading = model(ids)
    assert torch.allclose(reading.states[1, :12], alone, atol=1e-6)
    assert (reading.states[1, RELU_CHUNK:] == 0).all()
    mask = (ids > 0).float()
    (reading.possible * mask).sum().backward()
    assert all(torch.isfinite(parameter.grad).all() for parameter in model.parameters() if parameter.grad is not None)


def test_a_relu_rival_reads_in_chunks_what_it_reads_whole() -> None:
    from model.readers import Reader, ReaderConfig

    torch.manual_seed(1)
    model = Reader(ReaderConfig("rnn", vocab_size=30, embedding=5, hidden=7, nonlinearity="relu"))
    ids = torch.randint(1, 30, (3, 100))
    ids[1, 70:] = 0
    ids[2, 5:] = 0
    whole = model.recurrent(model.embed(ids))[0]
    chunked = model(ids).states
    for row, length in enumerate((100, 70, 5)):
        assert torch.allclose(chunked[row, :length], whole[row, :length], atol=1e-5)
    truncated = model(ids, truncate=64).states  # detaching changes gradients only
    assert torch.allclose(truncated, chunked)


def test_a_relu_rival_starts_from_identity_and_streams_as_it_trained(tmp_path: Path) -> None:
    """An IRNN rival (`--set nonlinearity=relu`): its checkpoint says relu, and the game's numpy reader reads it
    with relu (read with tanh it would give other beliefs: tests/test_stream.py checks that parity)."""
    from model.readers import Reader, ReaderConfig, initialise_identity
    from model.recipe import TrainConfig, check_training

    model = Reader(ReaderConfig("rnn", vocab_size=20, embedding=4, hidden=6, nonlinearity="relu"))
    initialise_identity(model)
    assert np.array_equal(model.recurrent.weight_hh_l0.detach().numpy(), np.eye(6))
    with pytest.raises(ValueError, match="choose one"):
        check_training(TrainConfig(kind="rnn", nonlinearity="relu", orthogonal_init=True))
    out = tmp_path / "run"
    argv = ["train", "--model", "rnn", "--preset", "tiny", "--steps", "2", "--set", "nonlinearity=relu"]
    assert main([*argv, "--out", str(out)]) == 0
    checkpoint = load_checkpoint(out)
    assert checkpoint.nonlinearity == checkpoint.meta["training"]["nonlinearity"] == "relu"
    story = generate_case(5, "tiny")
    stream = StreamingReader.of(checkpoint, len(story.suspects))
    assert stream.nonlinearity == "relu"
    for token in read_story(story).tokens:
        step = stream.step(token)
    assert np.isclose(step.probabilities.sum(), 1.0)


def test_a_tampered_checkpoint_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["train", "--model", "rnn", "--preset", "tiny", "--steps", "1", "--out", str(out)]) == 0
    weights = out / "reader.safetensors"
    weights.write_bytes(weights.read_bytes()[:-8])
    with pytest.raises(CheckpointError, match="checksum"):
        load_checkpoint(out)


def test_eval_reports_every_metric_for_both_readers_and_the_oracle(tmp_path: Path, capsys) -> None:
    for kind in ("lstm", "rnn"):
        assert main(["train", "--model", kind, "--preset", "tiny", "--steps", "2", "--out", str(tmp_path / kind)]) == 0
    capsys.readouterr()
    arguments = ["eval", "--checkpoint", str(tmp_path / "lstm"), "--checkpoint", str(tmp_path / "rnn")]
    assert main([*arguments, "--cases", "12", "--difficulty", "tiny", "--json"]) == 0
    models = json.loads(capsys.readouterr().out)["models"]
    assert set(models) == {"lstm", "rnn", "oracle"}
    for name in ("final_accuracy", "decided_accuracy", "cleared_mass", "long_range_accuracy", "by_distance", "ece"):
        assert all(name in metrics for metrics in models.values())
    assert models["oracle"]["final_accuracy"] == 1.0
    assert main([*arguments, "--cases", "12", "--difficulty", "tiny"]) == 0
    assert "final accuracy by the deciding clue's memory distance" in capsys.readouterr().out


def test_eval_refuses_a_folder_that_is_not_a_checkpoint(tmp_path: Path, capsys) -> None:
    (tmp_path / "reader.json").write_text("{not json")
    (tmp_path / "reader.safetensors").write_bytes(b"\x00" * 16)
    assert main(["eval", "--checkpoint", str(tmp_path), "--cases", "2"]) == 1
    assert "not a valid JSON checkpoint description" in capsys.readouterr().out


def test_training_on_a_broken_jsonl_says_where(tmp_path: Path, capsys) -> None:
    data = tmp_path / "cases.jsonl"
    data.write_text('{"title": 1}\n')
    assert main(["train", "--preset", "tiny", "--data", str(data), "--out", str(tmp_path / "run")]) == 1
    assert f"{data}:1:" in capsys.readouterr().out


def test_the_fast_cross_entropy_matches_torch() -> None:
    import torch
    import torch.nn.functional as F

    from model.objective import cross_entropy

    logits = (torch.randn(500, 8) * 20).requires_grad_()
    targets = torch.randint(0, 8, (500,))
    ours = cross_entropy(logits, targets)
    (grad_ours,) = torch.autograd.grad(ours.sum(), logits)
    theirs = F.cross_entropy(logits, targets, reduction="none")
    (grad_theirs,) = torch.autograd.grad(theirs.sum(), logits)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(grad_ours, grad_theirs)


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_truncated_backpropagation_keeps_the_states_and_cuts_the_gradient(kind: str) -> None:
    import torch

    from model.readers import Reader, ReaderConfig

    torch.manual_seed(0)
    model = Reader(ReaderConfig(kind, vocab_size=30, embedding=8, hidden=16))
    early, late = torch.randint(1, 10, (2, 10)), torch.randint(10, 30, (2, 15))  # disjoint words per chunk
    ids = torch.cat([early, late], dim=1)
    torch.testing.assert_close(model.states(ids, truncate=10), model.states(ids))
    for truncate, reaches_back in ((0, True), (10, False)):
        model.zero_grad()
        model.states(ids, truncate)[:, -1].sum().backward()  # a loss on the last token only
        early_grad = model.embed.weight.grad[1:10].abs().sum().item()
        assert (early_grad > 0) == reaches_back


def _small_batch(cases: int):
    """A random hidden-32 LSTM, a batch of `cases` easy cases and the tiny preset: enough to compute the loss."""
    import torch

    from model.batch import collate
    from model.readers import Reader, ReaderConfig
    from model.recipe import TRAIN_PRESETS
    from model.targets import case_targets
    from model.tokenizer import build_vocabulary
    from story.generator import generate_cases

    stories = list(generate_cases(3, cases, "easy"))
    vocabulary = build_vocabulary(stories)
    batch = collate([case_targets(story, vocabulary) for story in stories], vocabulary)
    torch.manual_seed(0)
    return Reader(ReaderConfig("lstm", len(vocabulary), embedding=16, hidden=32)), batch, TRAIN_PRESETS["tiny"]


def test_the_bfloat16_read_out_head_gives_the_float32_objective_to_a_percent(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from model import objective
    from model.objective import losses

    monkeypatch.setattr(objective, "native_bfloat16", lambda device: True)  # emulated where the CPU lacks it
    model, batch, config = _small_batch(4)
    config = replace(config, bfloat16_recurrence=False)
    _, half = losses(model, batch, replace(config, bfloat16_readout=True))
    _, full = losses(model, batch, replace(config, bfloat16_readout=False))
    assert half["readout"] == pytest.approx(full["readout"], rel=0.01)
    assert (half["bce"], half["kl"]) == (full["bce"], full["kl"])  # the other terms stay float32


@needs_bfloat16_lstm
def test_both_heads_on_a_bfloat16_recurrence_give_the_float32_objective_to_a_percent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace

    import torch

    from model import objective
    from model.objective import losses

    monkeypatch.setattr(objective, "native_bfloat16", lambda device: True)  # emulated where the CPU lacks it
    model, batch, config = _small_batch(4)
    _, half = losses(model, batch, replace(config, bfloat16_readout=True, bfloat16_recurrence=True))
    _, full = losses(model, batch, replace(config, bfloat16_readout=False, bfloat16_recurrence=False))
    assert half["bce"] != full["bce"]  # it did run in bfloat16
    for term in ("bce", "kl", "readout"):
        assert half[term] == pytest.approx(full[term], rel=0.01), term
    reading = model(batch.views, bfloat16_readout=True, bfloat16_recurrence=True)
    assert reading.possible.dtype == torch.float32 and reading.readout.dtype == torch.bfloat16


@needs_bfloat16_lstm
def test_a_bfloat16_recurrence_reads_as_the_float32_one_to_a_few_hundredths() -> None:
    import torch

    model, batch, _ = _small_batch(2)
    with torch.no_grad():
        full = model(batch.views)
        half = model(batch.views, bfloat16_recurrence=True)  # emulated where the CPU lacks it: slow, still right
    assert half.states.dtype == half.possible.dtype == torch.float32  # the heads and losses read float32
    difference = (half.possible - full.possible).abs()
    assert 0 < difference.max() < 0.05  # it did run in bfloat16, and reads the same


def test_without_native_bfloat16_the_head_and_the_recurrence_stay_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    import torch

    from model import objective

    for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
        monkeypatch.setattr(torch.cpu, probe, lambda: False, raising=False)
    objective.native_bfloat16.cache_clear()
    try:
        assert objective.native_bfloat16(torch.device("cpu")) is False
        model, batch, config = _small_batch(2)
        _, asked = objective.losses(model, batch, replace(config, bfloat16_readout=True, bfloat16_recurrence=True))
        _, full = objective.losses(model, batch, replace(config, bfloat16_readout=False, bfloat16_recurrence=False))
        assert asked == full  # bit for bit: nothing ran in bfloat16
    finally:
        objective.native_bfloat16.cache_clear()


def test_a_stable_phase_holds_the_peak_rate_and_the_cosine_still_ends_at_a_tenth() -> None:
    from model.recipe import TrainConfig, learning_rate

    cosine = TrainConfig(steps=1000, learning_rate=1e-3)
    stable = TrainConfig(steps=1000, learning_rate=1e-3, decay_share=0.25)
    # The recipe's cosine, unchanged: halfway down at the middle step.
    assert learning_rate(cosine, 500) == pytest.approx(1e-3 * (0.1 + 0.9 * 0.5))
    assert learning_rate(stable, 500) == learning_rate(stable, 750) == pytest.approx(1e-3)
    assert learning_rate(stable, 875) == pytest.approx(learning_rate(cosine, 500))
    assert learning_rate(stable, 1000) == learning_rate(cosine, 1000) == pytest.approx(1e-4)
    rates = [learning_rate(stable, step) for step in range(750, 1001)]
    assert rates == sorted(rates, reverse=True)


def test_a_cosine_that_decays_with_the_minutes_ends_where_they_do_whichever_comes_first() -> None:
    from model.recipe import TrainConfig, learning_rate

    by_steps = TrainConfig(steps=1000, minutes=10.0, learning_rate=1e-3)
    by_clock = TrainConfig(steps=1000, minutes=10.0, learning_rate=1e-3, decay_with_minutes=True)
    # Off, the clock says nothing; on, a slow run halfway through its minutes is halfway down its cosine.
    assert learning_rate(by_steps, 100, minutes=5.0) == learning_rate(by_steps, 100)
    assert learning_rate(by_clock, 100, minutes=5.0) == pytest.approx(learning_rate(by_steps, 500))
    assert learning_rate(by_clock, 100, minutes=10.0) == pytest.approx(1e-4)  # out of minutes: at the floor
    # A fast run is as far as its steps say, as it was without the knob.
    assert learning_rate(by_clock, 800, minutes=2.0) == learning_rate(by_steps, 800)
    # With a stable phase the clock's decay starts in the same last share of the minutes as the steps' does.
    stable = TrainConfig(steps=1000, minutes=10.0, learning_rate=1e-3, decay_share=0.25, decay_with_minutes=True)
    assert learning_rate(stable, 100, minutes=7.5) == pytest.approx(1e-3)
    assert learning_rate(stable, 100, minutes=8.75) == pytest.approx(learning_rate(stable, 875))


def test_a_run_that_decays_with_the_minutes_sets_the_rate_its_clock_says(tmp_path: Path, monkeypatch) -> None:
    from dataclasses import replace

    from model.recipe import TRAIN_PRESETS, learning_rate
    from model.train import Run, train

    config = replace(TRAIN_PRESETS["tiny"], steps=3, batch_cases=2, eval_cases=2, decay_with_minutes=True)
    spent = config.minutes * 0.9  # as if the run were a slow one, near the end of its minutes
    monkeypatch.setattr(Run, "agreed_minutes", lambda run: spent)
    rates: list[float] = []
    train(config, tmp_path / "run", "test", report=lambda status: rates.append(status.get("learning_rate", -1.0)))
    stepped = [rate for rate in rates if rate != -1.0]
    assert stepped == pytest.approx([learning_rate(config, step, spent) for step in range(3)])
    assert stepped[-1] < learning_rate(replace(config, decay_with_minutes=False), 2) / 2  # below the steps' rate


def test_the_curriculum_moves_on_after_level_steps_even_without_the_accuracy(tmp_path: Path) -> None:
    from dataclasses import replace

    from model.recipe import TRAIN_PRESETS
    from model.train import train

    base = replace(
        TRAIN_PRESETS["tiny"], levels=("tiny", "easy"), steps=4, batch_cases=2, eval_cases=2, level_up_accuracy=2.0
    )
    stuck = train(replace(base, level_steps=0), tmp_path / "stuck", "test")
    moved = train(replace(base, level_steps=2), tmp_path / "moved", "test")
    assert (stuck["level"], moved["level"]) == ("tiny", "easy")


def test_training_reads_a_share_of_plain_words_as_unknown_and_never_a_fact() -> None:
    from dataclasses import replace

    from model.recipe import TRAIN_PRESETS
    from model.tokenizer import SPECIALS, UNKNOWN, Vocabulary, build_vocabulary
    from model.training_data import CaseSource, Plan, plain_words
    from story.generator import generate_cases
    from story.grammar import phrase_words

    drawn = build_vocabulary(generate_cases(3, 20, "default")).words
    vocabulary = Vocabulary.from_words({*drawn, *phrase_words()})  # every bank's words, as reader_vocabulary has
    plain = plain_words(vocabulary)
    kept = {word for word, hidden in zip(vocabulary.words, plain, strict=True) if not hidden}
    assert {"left", "red", "9", "cigars", "snuff", "he", "her", ",", "<s0>", "<self>"} <= kept
    assert {"auburn", "navy", "twelves"} <= kept  # a value by another name, or in words, says the value too
    assert {"storm", "inspector", "claims", "admits"} <= set(vocabulary.words) - kept

    config = replace(TRAIN_PRESETS["tiny"], levels=("default",), batch_cases=8, unknown_share=0.5)
    source = CaseSource(config, None)
    plan = Plan(0, False, 40)
    batch = source.batch(plan, vocabulary)
    clean = CaseSource(replace(config, unknown_share=0.0), None).batch(plan, vocabulary)
    unknown = SPECIALS.index(UNKNOWN)
    changed = batch.views != clean.views
    assert (batch.views[changed] == unknown).all()
    hidden_share = changed.sum().item() / plain[clean.views.numpy()].sum()
    assert 0.45 < hidden_share < 0.55
    assert (source.batch(plan, vocabulary).views == batch.views).all()  # a resumed run hides the same words


def test_activation_penalties_average_over_real_tokens_and_are_free_when_off() -> None:
    from dataclasses import replace

    import torch

    from model.objective import activation_penalties
    from model.recipe import TRAIN_PRESETS

    states = torch.tensor([[[1.0, 1.0], [0.0, 0.0], [9.0, 9.0]], [[0.5, -0.5], [0.5, 0.5], [0.0, 0.0]]])
    token_mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])  # the 9s are padding
    config = TRAIN_PRESETS["default"]
    assert [term.item() for term in activation_penalties(states, token_mask, config)] == [0.0, 0.0]
    activation, temporal = activation_penalties(
        states, token_mask, replace(config, activation_weight=2.0, temporal_weight=3.0)
    )
    # mean squared state per token: 1, 0 | 0.25, 0.25, 0 -> 1.5 / 5; changes: 1 (pad pair skipped) | 0.5, 0.25
    assert activation.item() == pytest.approx(2.0 * 1.5 / 5)
    assert temporal.item() == pytest.approx(3.0 * (1.0 + 0.5 + 0.25) / 3)


def test_a_write_is_the_window_after_a_known_answer_changes_wherever_it_is_told() -> None:
    from dataclasses import replace

    import torch

    from model.objective import readout_term, recent_writes
    from model.readout import UNKNOWN_CLASS
    from model.recipe import TRAIN_PRESETS

    unknown = UNKNOWN_CLASS
    # one reading, two cells: cell 0 is told at token 1 and again, differently, at token 6; cell 1 is told at
    # token 4 and retracted (back to unknown) at token 7
    targets = torch.tensor([[[unknown, unknown], [2, unknown], [2, unknown], [2, unknown], [2, 5]]])
    targets = torch.cat([targets, torch.tensor([[[2, 5], [3, 5], [3, unknown], [3, unknown]]])], dim=1)
    writes = recent_writes(targets, window=2)
    assert writes[0, :, 0].tolist() == [False, True, True, False, False, False, True, True, False]
    assert writes[0, :, 1].tolist() == [False, False, False, False, True, True, False, False, False]

    # the write weight puts the teaching on those cells: a wrong answer there costs more, one elsewhere less
    config = replace(TRAIN_PRESETS["default"], unknown_readout_sample=1.0)  # every cell, so the sums are exact
    logits = torch.zeros(1, 9, 2, unknown + 1)
    logits[..., 0] = 5.0  # class 0 everywhere: every known cell is wrong
    mask = torch.ones(1, 9)
    plain = readout_term(logits, targets, mask, config)
    assert readout_term(logits, targets, mask, config, writes=writes) == plain  # write_weight 0: as before
    weighted = replace(config, write_weight=10.0)
    fixed = logits.clone()
    fixed[0, writes[0, :, 0], 0, :] = 0.0  # the writes of cell 0 made less wrong
    gain_plain = plain - readout_term(fixed, targets, mask, config)
    gain_weighted = readout_term(logits, targets, mask, weighted, writes=writes) - readout_term(
        fixed, targets, mask, weighted, writes=writes
    )
    # 4 of the 11 known cell-tokens are cell 0's writes: 0.36 of the weight plain, 44 / 71 = 0.62 weighted
    assert gain_weighted / gain_plain == pytest.approx((44 / 71.14) / (4 / 11.14), rel=1e-3)


def test_the_write_bonus_adds_to_the_read_out_without_diluting_what_teaches_holding() -> None:
    from dataclasses import replace

    import torch

    from model.objective import readout_term, recent_writes
    from model.readout import UNKNOWN_CLASS
    from model.recipe import TRAIN_PRESETS

    # one reading, one cell told at token 1 and held to token 5; a window of 2 makes tokens 1-2 its write
    targets = torch.tensor([[[UNKNOWN_CLASS], [2], [2], [2], [2], [2]]])
    writes = recent_writes(targets, window=2)
    logits = torch.zeros(1, 6, 1, UNKNOWN_CLASS + 1)
    mask = torch.ones(1, 6)
    config = replace(TRAIN_PRESETS["default"], unknown_readout_sample=1.0)  # every cell, so the sums are exact
    held = logits.clone()
    held[0, 3:, 0, 2] = 3.0  # the holding tokens made right, the write left wrong
    plain_gain = readout_term(logits, targets, mask, config) - readout_term(held, targets, mask, config)
    bonus = replace(config, write_bonus=10.0)
    bonus_gain = readout_term(logits, targets, mask, bonus, writes=writes) - readout_term(
        held, targets, mask, bonus, writes=writes
    )
    assert bonus_gain == pytest.approx(plain_gain.item())  # holding is taught exactly as without the bonus
    diluted = replace(config, write_weight=10.0)
    diluted_gain = readout_term(logits, targets, mask, diluted, writes=writes) - readout_term(
        held, targets, mask, diluted, writes=writes
    )
    assert diluted_gain < plain_gain / 2  # the write weight, counted in the mean, teaches holding less

    written = logits.clone()
    written[0, 1:3, 0, 2] = 3.0  # the write made right, holding left wrong: the bonus pays for it 11-fold
    write_gain = readout_term(logits, targets, mask, bonus, writes=writes) - readout_term(
        written, targets, mask, bonus, writes=writes
    )
    plain_write_gain = readout_term(logits, targets, mask, config) - readout_term(written, targets, mask, config)
    assert write_gain / plain_write_gain == pytest.approx(11.0)

    masked = mask.clone()
    masked[0, 1] = 0.0  # a write token outside the reading (padding) is taught nothing, bonus or not
    outside = logits.clone()
    outside[0, 1, 0, 2] = 3.0
    assert readout_term(logits, targets, masked, bonus, writes=writes) == pytest.approx(
        readout_term(outside, targets, masked, bonus, writes=writes).item()
    )


def test_the_training_objective_reads_the_write_bonus() -> None:
    from dataclasses import replace

    from model.objective import losses

    model, batch, config = _small_batch(2)
    config = replace(config, bfloat16_readout=False)
    _, plain = losses(model, batch, config)
    _, bonus = losses(model, batch, replace(config, write_bonus=10.0))
    assert bonus["readout"] > plain["readout"] and bonus["bce"] == plain["bce"]


def test_people_prose_may_weigh_a_change_of_who_is_possible_apart_from_generated_cases() -> None:
    from dataclasses import replace

    from model.objective import losses

    model, batch, config = _small_batch(3)
    config = replace(config, bfloat16_readout=False, bfloat16_recurrence=False)
    prose_only = replace(config, prose_change_weight=3 * config.change_weight)
    everywhere = replace(config, change_weight=3 * config.change_weight)
    _, plain = losses(model, batch, config)
    _, generated = losses(model, batch, prose_only)
    assert generated["bce"] == pytest.approx(plain["bce"]) and generated["kl"] == pytest.approx(plain["kl"])
    people = replace(batch, people_prose=torch.ones_like(batch.people_prose))
    _, read = losses(model, people, prose_only)
    _, weighed = losses(model, people, everywhere)
    assert read["bce"] == pytest.approx(weighed["bce"]) and read["kl"] == pytest.approx(weighed["kl"])
    assert read["kl"] > plain["kl"]  # the weight reaches the story's changes
    mixed = replace(batch, people_prose=torch.tensor([True, False, False]))
    _, some = losses(model, mixed, prose_only)
    assert plain["kl"] < some["kl"] < read["kl"]


def test_sampling_the_unknown_read_out_cells_keeps_the_expected_loss_and_every_known_cell() -> None:
    from dataclasses import replace

    import torch

    from model.objective import readout_term
    from model.readout import READOUT_CLASSES, UNKNOWN_CLASS
    from model.recipe import TRAIN_PRESETS

    generator = torch.Generator().manual_seed(0)
    targets = torch.full((4, 50, 14), UNKNOWN_CLASS)
    targets[:, 10:, 3] = 2  # one known cell per reading from token 10 on
    logits = torch.randn(4, 50, 14, READOUT_CLASSES, generator=generator)
    mask = torch.ones(4, 50)
    mask[3, 30:] = 0.0  # padding
    every = replace(TRAIN_PRESETS["default"], unknown_readout_sample=1.0)
    full = readout_term(logits, targets, mask, every).item()
    sampled = replace(every, unknown_readout_sample=0.1)
    torch.manual_seed(1)
    draws = [readout_term(logits, targets, mask, sampled).item() for _ in range(400)]
    assert sum(draws) / len(draws) == pytest.approx(full, rel=0.02)  # the same loss in expectation
    assert len(set(draws)) > 100  # and a different sample each step

    # the known cells are taught whatever the sample: with the unknown cells perfect, only they cost anything
    perfect_unknown = logits.clone()
    perfect_unknown[..., UNKNOWN_CLASS] = 50.0
    known_only = readout_term(perfect_unknown, targets, mask, sampled).item()
    assert known_only == pytest.approx(readout_term(perfect_unknown, targets, mask, every).item(), rel=0.05)
    assert known_only > 1.0

    # padding is never taught: garbage there changes nothing
    garbage = logits.clone()
    garbage[3, 30:] = 1e4 * torch.randn(20, 14, READOUT_CLASSES, generator=generator)
    assert readout_term(garbage, targets, mask, every).item() == pytest.approx(full)


def test_a_run_recorded_before_the_read_out_sample_resumes_supervising_every_cell() -> None:
    from model.recipe import stored_training

    assert stored_training({"kind": "lstm"}, "old run").unknown_readout_sample == 1.0
    assert stored_training({"kind": "lstm", "unknown_readout_sample": 0.1}, "new run").unknown_readout_sample == 0.1


def test_a_run_recorded_before_the_bfloat16_recurrence_resumes_in_float32() -> None:
    from model.recipe import TrainConfig, stored_training

    assert TrainConfig().bfloat16_recurrence  # the recipe, where the device has bfloat16 natively
    assert not stored_training({"kind": "lstm"}, "old run").bfloat16_recurrence
    assert stored_training({"kind": "lstm", "bfloat16_recurrence": True}, "new run").bfloat16_recurrence


def test_a_run_can_start_from_a_trained_readers_weights(tmp_path: Path, capsys) -> None:
    """`--init` fine-tunes: the run starts from the checkpoint's weights, and its own settings are recorded."""
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["train", "--preset", "tiny", "--steps", "2", "--out", str(first)]) == 0
    assert main(["train", "--preset", "tiny", "--steps", "1", "--init", str(first), "--out", str(second)]) == 0
    stages = load_checkpoint(second).meta
    assert stages["training"]["init"] == str(first)
    assert stages["started_from"] == {"command": load_checkpoint(first).meta["training"]["command"]} | {
        "metrics": load_checkpoint(first).meta["metrics"]
    }
    assert main(["train", "--resume", "--init", str(first), "--out", str(second)]) == 2
    shutil.rmtree(first)  # a resumed run needs its own checkpoint only, and keeps what it started from
    assert main(["train", "--resume", "--steps", "2", "--out", str(second)]) == 0
    assert load_checkpoint(second).meta["started_from"] == stages["started_from"]
    third = tmp_path / "third"  # a refused --init takes back the folder it made
    refused = ["train", "--preset", "tiny", "--steps", "1", "--init", str(tmp_path / "none"), "--out", str(third)]
    assert main(refused) == 1
    assert "cannot start from --init" in capsys.readouterr().out and not third.exists()


def test_a_new_run_never_writes_over_another_runs_checkpoint(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["train", "--preset", "tiny", "--steps", "2", "--out", str(out)]) == 0
    kept = (out / "reader.safetensors").read_bytes()
    capsys.readouterr()
    assert main(["train", "--preset", "tiny", "--steps", "1", "--out", str(out)]) == 1
    said = capsys.readouterr().out
    assert f"--out {out} already holds a checkpoint: --resume continues that run" in " ".join(said.split())
    assert (out / "reader.safetensors").read_bytes() == kept and load_checkpoint(out).meta["metrics"]["steps"] == 2


def test_a_warm_start_carries_every_weight_and_reads_new_words_as_it_read_them_before(tmp_path: Path) -> None:
    import torch

    from model.readers import Reader, ReaderConfig
    from model.tokenizer import UNKNOWN, Vocabulary
    from model.train import warm_start

    out = tmp_path / "run"
    assert main(["train", "--preset", "tiny", "--steps", "1", "--out", str(out)]) == 0
    checkpoint = load_checkpoint(out)
    known = checkpoint.vocabulary.words
    grown = Vocabulary((*known[:-2], "zeppelin"), lemmas=True)  # two words gone from the grammar, one new
    config = ReaderConfig(**(checkpoint.meta["config"] | {"vocab_size": len(grown.words)}))
    model = Reader(config)
    warm_start(model, grown, out)
    embed = model.embed.weight.detach().numpy()
    stored = checkpoint.weights["embed.weight"]
    assert np.array_equal(embed[: len(known) - 2], stored[: len(known) - 2])
    assert np.array_equal(embed[-1], stored[known.index(UNKNOWN)])  # the new word reads as <unk> did
    for name, tensor in model.state_dict().items():
        if name != "embed.weight":
            assert torch.equal(tensor, torch.from_numpy(np.array(checkpoint.weights[name]))), name
    wider = Reader(ReaderConfig(**(config.to_dict() | {"hidden": config.hidden + 1})))
    with pytest.raises(CheckpointError, match=r"another reader: hidden"):
        warm_start(wider, grown, out)
    with pytest.raises(CheckpointError, match=r"lemmas"):
        warm_start(Reader(config), Vocabulary(grown.words, lemmas=False), out)
