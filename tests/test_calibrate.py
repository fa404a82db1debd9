"""Temperature scaling: the fit finds the cross-entropy's minimum, and a tempered checkpoint reads as tempered."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from commands.cli import main
from model.calibrate import (
    calibrate,
    cross_entropy,
    fit_temperature,
    measure,
    tempered,
    tempered_checkpoint,
)
from model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from model.metrics import Trace, oracle_posterior
from model.numpy_traces import numpy_traces
from model.stream import StreamingReader
from model.targets import case_targets
from story.generator import generate_cases
from tests.readers import vocabulary, write_random_checkpoint


def _cases(count: int = 12):
    return [case_targets(story, vocabulary()) for story in generate_cases(5, count, "easy")]


def _guessing(cases, power: float = 1.0) -> list[Trace]:
    """Beliefs split between the oracle's posterior and one suspect still possible, picked at random at every
    token, then raised to `power`: a reader that reads the clears and guesses among the rest."""
    rng = np.random.default_rng(0)
    traces = []
    for case in cases:
        posterior = oracle_posterior(case)  # (T, K)
        guess = np.array([rng.choice(np.flatnonzero(row)) for row in posterior])
        leaning = 0.5 * posterior + 0.05 / case.cast_size
        leaning[np.arange(len(guess)), guess] += 0.45
        traces.append(Trace(tempered(leaning, 1.0 / power)))
    return traces


def test_tempered_keeps_the_leader_and_softens_with_the_temperature() -> None:
    probabilities = np.array([[0.7, 0.2, 0.1], [0.05, 0.05, 0.9]])
    assert np.allclose(tempered(probabilities, 1.0), probabilities)
    hot = tempered(probabilities, 3.0)
    assert (hot.argmax(1) == probabilities.argmax(1)).all()
    assert (hot.max(1) < probabilities.max(1)).all() and np.allclose(hot.sum(1), 1.0)
    assert np.allclose(tempered(probabilities, 1e6), 1 / 3, atol=1e-5)


def test_the_fit_finds_the_least_cross_entropy_and_undoes_a_sharpening() -> None:
    cases = _cases()
    traces = _guessing(cases)
    base = fit_temperature(cases, traces)
    grid = np.exp(np.linspace(np.log(0.25), np.log(16.0), 150))
    best = grid[np.argmin([cross_entropy(cases, traces, value) for value in grid])]
    assert base == pytest.approx(best, rel=0.03)  # the golden-section search found the grid's minimum
    # Logits three times too large are divided by three times the temperature; a third as large, by a third.
    assert fit_temperature(cases, _guessing(cases, 3.0)) == pytest.approx(3.0 * base, rel=1e-3)
    assert fit_temperature(cases, _guessing(cases, 1 / 3)) == pytest.approx(base / 3.0, rel=1e-3)


def test_calibrate_reports_before_and_after_at_the_fitted_temperature() -> None:
    cases = _cases()
    traces = _guessing(cases, 4.0)
    fit = calibrate(cases, traces)
    assert fit.cases == len(cases) and fit.tokens == sum(len(case.ids) for case in cases)
    assert fit.cross_entropy[1] < fit.cross_entropy[0] and fit.ece[1] < fit.ece[0]
    assert measure(cases, traces, 1.0).cross_entropy == (fit.cross_entropy[0], fit.cross_entropy[0])


def test_a_tempered_checkpoint_reads_as_its_beliefs_tempered(tmp_path: Path) -> None:
    """The head's weight and bias divided by T is the cast's logits divided by T, in every reader."""
    checkpoint = load_checkpoint(write_random_checkpoint(tmp_path / "rnn", "rnn", seed=2, possible_scale=2.0))
    cases = _cases(4)
    fit = measure(cases, numpy_traces(checkpoint, cases), 2.5)
    hot = tempered_checkpoint(checkpoint, fit, {"rungs": ["easy"]})
    for before, after in zip(numpy_traces(checkpoint, cases), numpy_traces(hot, cases), strict=True):
        assert np.allclose(after.probabilities, tempered(before.probabilities, 2.5), atol=1e-5)
        assert (after.readout == before.readout).all()  # the memory read-out is not touched
    reader, tokens = StreamingReader.of(hot, cases[0].cast_size), [hot.vocabulary.words[i] for i in cases[0].ids]
    streamed = np.stack([reader.step(token).probabilities for token in tokens[:40]])
    first = numpy_traces(checkpoint, cases[:1])[0].probabilities[:40]
    assert np.allclose(streamed, tempered(first, 2.5), atol=1e-5)
    twice = tempered_checkpoint(hot, measure(cases, numpy_traces(hot, cases), 2.0), {"rungs": ["tiny"]})
    assert twice.meta["calibration"]["temperature"] == pytest.approx(5.0)
    assert [fit["rungs"] for fit in twice.meta["calibration"]["fits"]] == [["easy"], ["tiny"]]
    with pytest.raises(ValueError, match="the temperature in all would be 2000"):
        tempered_checkpoint(twice, measure(cases[:1], numpy_traces(twice, cases[:1]), 400.0), {})


def test_metrics_a_temperature_changes_move_into_the_fit_as_measured_before_it(tmp_path: Path) -> None:
    checkpoint = load_checkpoint(write_random_checkpoint(tmp_path / "rnn", "rnn"))
    trained = {**checkpoint.meta, "metrics": {"final_accuracy": 0.8, "cleared_mass": 0.01, "ece": 0.05, "steps": 9}}
    cases = _cases(2)
    hot = tempered_checkpoint(replace(checkpoint, meta=trained), measure(cases, _guessing(cases), 2.0), {})
    assert hot.meta["metrics"] == {"final_accuracy": 0.8, "steps": 9}  # which suspect leads does not change
    assert hot.meta["calibration"]["fits"][0]["training_metrics_before"] == {"cleared_mass": 0.01, "ece": 0.05}


@pytest.mark.parametrize(
    ("calibration", "message"),
    [
        ("hot", "'calibration' must be an object, not a string"),
        ({"temperature": 0}, "calibration.temperature is 0; expected a number from 0.001 to 1000"),
        ({"temperature": -2.0}, "calibration.temperature is -2.0; expected a number from 0.001 to 1000"),
        ({"temperature": "2"}, 'calibration.temperature is "2"; expected a number from 0.001 to 1000'),
        ({"temperature": True}, "calibration.temperature is true; expected a number from 0.001 to 1000"),
        ({"temperature": float("nan")}, "calibration.temperature is nan; expected a number from 0.001 to 1000"),
        ({"temperature": 10**30}, "calibration.temperature is 1000000000000000000000000000000; expected a number"),
        ({"temperature": 2.0, "fits": {}}, "calibration.fits must be a list of objects"),
        ({"temperature": 2.0, "fits": [1]}, "calibration.fits must be a list of objects"),
    ],
)
def test_a_checkpoint_with_a_bad_calibration_is_refused(tmp_path: Path, calibration: object, message: str) -> None:
    folder = write_random_checkpoint(tmp_path / "rnn", "rnn")
    checkpoint = load_checkpoint(folder)
    meta = {key: value for key, value in checkpoint.meta.items() if key not in ("format", "weights_sha256")}
    save_checkpoint(folder, checkpoint.weights, {**meta, "calibration": calibration})
    with pytest.raises(CheckpointError, match=r"reader\.json: not a usable reader checkpoint: ") as error:
        load_checkpoint(folder)
    assert message in str(error.value)


def test_calibrate_command_writes_a_new_tempered_reader(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_random_checkpoint(tmp_path / "rnn", "rnn", seed=1, possible_scale=3.0)
    out = tmp_path / "tempered"
    assert main(["calibrate", str(folder), "--cases", "3", "--rungs", "tiny", "easy", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "tiny" in printed and "easy" in printed and "temperature:" in printed and f"wrote {out}" in printed
    recorded = json.loads((out / "reader.json").read_text())["calibration"]
    (fit,) = recorded["fits"]
    assert fit["rungs"] == ["tiny", "easy"] and fit["cases_per_rung"] == 3 and fit["cases"] == 6
    assert fit["command"].startswith("whodunit calibrate ") and recorded["temperature"] == fit["temperature"]
    original, tempered = load_checkpoint(folder), load_checkpoint(out)
    for name, array in tempered.weights.items():
        divisor = fit["temperature"] if name.startswith("possible.") else 1.0
        assert np.allclose(array, original.weights[name] / divisor, rtol=1e-6), name


def test_calibrate_command_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_random_checkpoint(tmp_path / "rnn", "rnn")
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    link = tmp_path / "link"
    link.symlink_to(folder)
    for inside in (folder, link, folder / ".incoming"):
        assert main(["calibrate", str(folder), "--cases", "1", "--out", str(inside)]) == 1
        assert "is the checkpoint or inside it" in capsys.readouterr().out
    (tmp_path / "file").write_text("mine")
    assert main(["calibrate", str(folder), "--cases", "1", "--out", str(tmp_path / "file")]) == 1
    assert "exists and is not an empty folder" in capsys.readouterr().out
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    assert main(["calibrate", str(folder), "--cases", "1", "--out", str(taken)]) == 1
    assert "exists and is not an empty folder; nothing was written" in capsys.readouterr().out
    assert (taken / "notes.txt").read_text() == "mine" and len(list(taken.iterdir())) == 1
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_calibrate_command_on_a_bad_checkpoint_says_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "junk").mkdir()
    assert main(["calibrate", str(tmp_path / "junk"), "--cases", "1"]) == 1
    out = capsys.readouterr().out
    assert "whodunit calibrate: " in out and "reader.json: missing" in out and "Traceback" not in out
