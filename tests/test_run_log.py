"""A training run a learner can watch: the metrics log (JSON Lines, saved with each checkpoint, continued by
--resume), the plain lines `train` prints when its output is not a terminal, and `whodunit curves`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from commands.cli import main
from model.recipe import TRAIN_PRESETS
from model.run_log import LOG, RunLogError, TrainRows, encode_rows, read_rows
from model.train import train
from tests.readers import Interrupted, stop_after

CONFIG = replace(TRAIN_PRESETS["tiny"], steps=12, eval_every=5, eval_cases=8, batch_cases=4)
TIMING = ("minutes", "tokens_per_second")  # differ between two runs of the same steps


def without_timing(rows: list[dict]) -> list[dict]:
    return [{key: value for key, value in row.items() if key not in TIMING} for row in rows]


def test_the_log_is_json_lines_of_train_and_validation_rows_up_to_the_last_step(tmp_path: Path) -> None:
    train(CONFIG, tmp_path / "run", "test")
    lines = (tmp_path / "run" / LOG).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    validations = [row for row in rows if row["kind"] == "validation"]
    assert [row["step"] for row in validations] == [5, 10, 12]
    assert [row["step"] for row in rows if row["kind"] == "train"] == [5, 10, 12]  # every gcd(25, 5), and the end
    for row in validations:
        assert 0 <= row["final_accuracy"] <= 1 and row["level"] == "tiny:phrasings=8"
        assert row["recall_by_distance"] and all(isinstance(band, str) for band, _ in row["recall_by_distance"])
    assert rows == read_rows(tmp_path / "run")


def test_an_interrupted_run_resumed_logs_what_an_uninterrupted_one_does(tmp_path: Path) -> None:
    train(CONFIG, tmp_path / "whole", "test")
    with pytest.raises(Interrupted):
        train(CONFIG, tmp_path / "cut", "test", stop_after(8))  # the last checkpoint, and its log, at step 5
    assert max(row["step"] for row in read_rows(tmp_path / "cut")) == 5
    train(CONFIG, tmp_path / "cut", "test", resume=True)
    assert without_timing(read_rows(tmp_path / "cut")) == without_timing(read_rows(tmp_path / "whole"))


def test_a_finished_run_resumed_does_not_log_its_last_validation_twice(tmp_path: Path) -> None:
    train(CONFIG, tmp_path / "run", "test")
    before = read_rows(tmp_path / "run")
    train(CONFIG, tmp_path / "run", "test", resume=True)
    assert without_timing(read_rows(tmp_path / "run")) == without_timing(before)


def test_a_run_killed_with_sigkill_and_resumed_has_every_row_once(tmp_path: Path) -> None:
    out = tmp_path / "run"
    command = [sys.executable, "-m", "commands.cli", "train", "--preset", "tiny", "--steps", "240"]
    command += ["--checkpoint-every", "40", "--set", "eval_cases=10", "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if (out / LOG).exists() and sum('"validation"' in line for line in (out / LOG).open()) >= 2:
            break
        time.sleep(0.2)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    cut = read_rows(out)
    assert cut and max(row["step"] for row in cut) < 240
    assert main(["train", "--resume", "--out", str(out)]) == 0
    rows = read_rows(out)
    for kind in ("train", "validation"):
        steps = [row["step"] for row in rows if row["kind"] == kind]
        assert steps == sorted(set(steps)), kind  # neither lost nor twice
    assert [row["step"] for row in rows if row["kind"] == "validation"] == list(range(40, 241, 40))
    assert [row["step"] for row in rows if row["kind"] == "train"] == list(range(5, 241, 5))  # gcd(25, 40)


def test_train_rows_average_the_steps_between_them() -> None:
    rows = TrainRows(every=2)
    assert rows.add(1, "tiny", {"loss": 1.0}, 0.1) is None
    assert rows.add(2, "tiny", {"loss": 3.0}, 0.2) == {
        "kind": "train",
        "step": 2,
        "level": "tiny",
        "loss": 2.0,
        "minutes": 0.2,
    }


def test_a_damaged_log_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / LOG).write_bytes(encode_rows([{"kind": "train", "step": 1}]) + b"{not json\n")
    with pytest.raises(RunLogError, match=r"metrics\.jsonl:2: not JSON"):
        read_rows(tmp_path)
    (tmp_path / LOG).write_text('{"kind": "gossip", "step": 1}\n')
    with pytest.raises(RunLogError, match=r"metrics\.jsonl:1: expected an object"):
        read_rows(tmp_path)
    assert (
        encode_rows([{"kind": "train", "step": 1, "loss": float("nan")}]) == b'{"kind":"train","step":1,"loss":null}\n'
    )


def test_train_prints_plain_lines_without_control_characters_when_not_a_terminal(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "commands.cli", "train", "--preset", "tiny", "--steps", "10"]
    command += ["--checkpoint-every", "5", "--set", "eval_cases=8", "--out", str(tmp_path / "run")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    assert not [c for c in result.stdout if ord(c) < 32 and c != "\n"], repr(result.stdout)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("step 5/10  level tiny:phrasings=8  final ") and "cleared mass" in lines[0]
    assert lines[1].startswith("step 10/10  level tiny:phrasings=8  final ")
    assert lines[-1].startswith(f"wrote {tmp_path / 'run'}: step 10/10")


def test_curves_draws_a_run_and_says_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    train(CONFIG, tmp_path / "run", "test")
    assert main(["curves", str(tmp_path / "run"), str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert "accuracy by step" in out and "memory at the end" in out
    assert "LSTM partner (run): 3 validations, last at step 12: final" in out
    assert main(["curves", str(tmp_path / "run"), "--svg", str(tmp_path / "curves.svg")]) == 0
    assert "<svg" in (tmp_path / "curves.svg").read_text() and "wrote" in capsys.readouterr().out
    (tmp_path / "empty").mkdir()
    assert main(["curves", str(tmp_path / "empty")]) == 1
    assert "metrics.jsonl: missing" in capsys.readouterr().out
    assert main(["curves", str(tmp_path / "nowhere")]) == 1
    assert "no such run folder" in capsys.readouterr().out


def test_curves_png_needs_matplotlib_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("plotext")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert main(["curves", str(tmp_path), "--png", str(tmp_path / "c.png")]) == 2
        assert "--png needs matplotlib" in capsys.readouterr().out
    else:
        train(CONFIG, tmp_path / "run", "test")
        assert main(["curves", str(tmp_path / "run"), "--png", str(tmp_path / "c.png")]) == 0
        assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("row", "told"),
    [
        ('{"kind": "validation", "step": 5, "recall_by_distance": 5}', "recall_by_distance"),
        ('{"kind": "validation", "step": 5, "recall_by_distance": [["0-49"]]}', "recall_by_distance"),
        ('{"kind": "validation", "step": 5, "final_accuracy": "high"}', '"final_accuracy" is "high"'),
    ],
)
def test_curves_tells_a_damaged_row_by_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, told: str
) -> None:
    (tmp_path / LOG).write_text('{"kind": "train", "step": 1, "loss": 2.0}\n' + row + "\n")
    assert main(["curves", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "metrics.jsonl:2:" in out and told in out and "Traceback" not in out
