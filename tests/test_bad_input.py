"""Bad files and flags from strangers end in a located message and a non-zero exit: never a traceback or a hang.

One test per case of issue 15: checkpoints whose parts disagree (in eval, play and train --resume), saves,
markup and emoji codes in text that comes from files, FIFOs and devices, and flags out of range.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from safetensors.numpy import load as load_tensors
from safetensors.numpy import save as save_tensors
from textual.widgets import OptionList

from commands.cli import main
from game.app import WhodunitApp
from game.cases import file_case
from game.saves import SavedGame, SaveError, load_save, save_game
from game.scoring import Modes
from game.screens.start import StartScreen
from model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from model.recipe import TRAIN_PRESETS
from model.stream import StreamingReader
from story import StoryError
from story.jsonl import read_jsonl
from story.loader import read_story_text
from tests.readers import random_weights, vocabulary

ROOT = Path(__file__).resolve().parent.parent
MANOR = ROOT / "story" / "mysteries" / "manor.toml"


def finishes(action: Callable[[], Any], seconds: float = 10.0) -> Any:
    """Run `action`, failing (not hanging) if it takes longer than `seconds`: a FIFO must never block us."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = action()
        except BaseException as exc:  # handed back to the test
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "blocked: a special file was read as if it were a regular one"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = finishes(lambda: main(argv), 120)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    return code, output


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


# Checkpoints whose parts disagree --------------------------------------------------------------------------


def good_meta() -> dict[str, Any]:
    words = list(vocabulary().words)
    return {
        "config": {"kind": "lstm", "vocab_size": len(words), "embedding": 8, "hidden": 16},
        "vocabulary": words,
        "training": {"command": "tests"},
        "metrics": {},
    }


def _set(key: str, value: Any) -> Callable[[dict, dict], None]:
    def change(meta: dict, weights: dict) -> None:
        meta["config"][key] = value

    return change


def _drop_tensor(name: str) -> Callable[[dict, dict], None]:
    return lambda meta, weights: weights.pop(name)


def _reshape(meta: dict, weights: dict) -> None:
    weights["readout.weight"] = np.ascontiguousarray(weights["readout.weight"].T)


def _extra(meta: dict, weights: dict) -> None:
    weights["recurrent.weight_ih_l1"] = np.zeros((64, 16), np.float32)


def _duplicate_word(meta: dict, weights: dict) -> None:
    meta["vocabulary"][-1] = meta["vocabulary"][-2]


def _no_specials(meta: dict, weights: dict) -> None:
    meta["vocabulary"] = [*meta["vocabulary"][1:], "zzz-extra"]


def _word_not_text(meta: dict, weights: dict) -> None:
    meta["vocabulary"][-1] = 7


def _nan(meta: dict, weights: dict) -> None:
    weights["possible.bias"][0] = np.nan


def _integers(meta: dict, weights: dict) -> None:
    weights["possible.bias"] = np.zeros(1, np.int32)


def _training_list(meta: dict, weights: dict) -> None:
    meta["training"] = ["seed", 3]


DISAGREEMENTS = {
    "hidden": (_set("hidden", 32), r"'recurrent\.weight_ih_l0' has shape \(64, 8\).*hidden = 32"),
    "kind": (_set("kind", "rnn"), r"kind = 'rnn' and hidden = 16 \(1 x 16 rows\): expected \(16, 8\)"),
    "unknown kind": (_set("kind", "gru"), r"config\.kind is \"gru\"; a reader is 'lstm' or 'rnn'"),
    "vocab_size": (_set("vocab_size", 5), r"config\.vocab_size is 5, but the vocabulary lists \d+ words"),
    "embedding": (_set("embedding", 9), r"'embed\.weight' has shape \(\d+, 8\), but reader\.json says embedding = 9"),
    "string for a number": (_set("hidden", "16"), r"config\.hidden is \"16\"; expected a whole number"),
    "bool for a number": (_set("embedding", True), r"config\.embedding is true; expected a whole number"),
    "unknown key": (_set("layers", 2), r"config: unknown key 'layers'"),
    "unknown nonlinearity": (
        _set("nonlinearity", "gelu"),
        r"config\.nonlinearity is \"gelu\"; an lstm reader's is 'tanh'",
    ),
    "relu lstm": (_set("nonlinearity", "relu"), r"config\.nonlinearity is \"relu\"; an lstm reader's is 'tanh'"),
    "missing key": (lambda meta, weights: meta["config"].pop("hidden"), r"config: 'hidden' is missing"),
    "missing tensor": (_drop_tensor("possible.weight"), r"tensor 'possible\.weight' is missing"),
    "extra tensor": (_extra, r"tensor 'recurrent\.weight_ih_l1' is not part of an lstm reader"),
    "reshaped weight": (
        _reshape,
        r"'readout\.weight' has shape \(16, \d+\), but the read-out has \d+ x \d+ cells: expected \(\d+, 16\)",
    ),
    "repeated word": (_duplicate_word, r"the vocabulary lists '.*' twice"),
    "no specials": (_no_specials, r"the vocabulary must start with the special tokens"),
    "word not text": (_word_not_text, r"'vocabulary' must be a list of strings"),
    "NaN weight": (_nan, r"tensor 'possible\.bias' holds NaN or infinite values"),
    "integer weight": (_integers, r"tensor 'possible\.bias' holds int32"),
    "training not an object": (_training_list, r"'training' must be an object, not a list"),
    "lineage not an object": (
        lambda meta, weights: meta.update(started_from="runs/first"),
        r"'started_from' must be an object, not a string",
    ),
}


def disagreeing(folder: Path, change: Callable[[dict, dict], None]) -> Path:
    """A checkpoint whose checksums are all right but whose parts disagree as `change` makes them."""
    meta, weights = good_meta(), random_weights("lstm")
    change(meta, weights)
    save_checkpoint(folder, weights, meta)
    return folder


@pytest.mark.parametrize("case", DISAGREEMENTS)
def test_a_checkpoint_is_checked_whole_before_any_tensor_is_used(tmp_path: Path, case: str) -> None:
    change, message = DISAGREEMENTS[case]
    folder = disagreeing(tmp_path / "ckpt", change)
    with pytest.raises(CheckpointError, match=message) as caught:
        load_checkpoint(folder)
    assert str(folder) in str(caught.value)


def test_an_rnn_checkpoint_with_an_unknown_recurrence_names_both_it_may_have(tmp_path: Path) -> None:
    from tests.readers import write_random_checkpoint

    folder = write_random_checkpoint(tmp_path / "rnn", "rnn", nonlinearity="gelu")
    with pytest.raises(CheckpointError, match=r"config\.nonlinearity is \"gelu\"; an rnn reader's is 'tanh' or 'relu'"):
        load_checkpoint(folder)


@pytest.mark.parametrize("value", [None, 7])
def test_a_checkpoint_without_its_weights_checksum_says_it_is_missing(tmp_path: Path, value: Any) -> None:
    folder = disagreeing(tmp_path / "ckpt", lambda meta, weights: None)
    described = json.loads((folder / "reader.json").read_text())
    if value is None:
        del described["weights_sha256"]
    else:
        described["weights_sha256"] = value
    (folder / "reader.json").write_text(json.dumps(described))
    with pytest.raises(CheckpointError, match=r"reader\.json: weights_sha256: missing, or not text") as caught:
        load_checkpoint(folder)
    assert "does not match" not in str(caught.value) and str(folder) in str(caught.value)


@pytest.mark.parametrize("case", ["hidden", "missing tensor", "reshaped weight", "unknown key"])
def test_eval_and_play_refuse_a_disagreeing_checkpoint_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    change, message = DISAGREEMENTS[case]
    folder = disagreeing(tmp_path / "ckpt", change)
    for argv in (["eval", "--checkpoint", str(folder), "--cases", "2"], ["play", "--partner", str(folder)]):
        code, output = run_cli(argv, capsys)
        assert code == 1
        assert str(folder) in output
        assert len(re.findall(message, output)) == 1, output


def test_the_readers_benchmark_refuses_a_folder_that_is_no_checkpoint(tmp_path: Path) -> None:
    """benchmarks/readers.py takes candidate readers from the command line (`bundled --lstm DIR`): a wrong
    folder gets the checkpoint's own message, not a traceback."""
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "readers.py"
    for what in ("bundled", "dev"):
        done = subprocess.run(
            [sys.executable, str(script), what, "--lstm", str(tmp_path)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 1
        assert f"readers.py {what}: {tmp_path}" in done.stderr and "Traceback" not in done.stderr, done.stderr


# train --resume over a tampered checkpoint ------------------------------------------------------------------

RESUMABLE = replace(TRAIN_PRESETS["tiny"], steps=2, eval_every=2, eval_cases=4, batch_cases=4)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from model.train import train

    folder = tmp_path_factory.mktemp("trained") / "run"
    train(RESUMABLE, folder, "tests")
    return folder


def resumable_copy(trained: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    shutil.copytree(trained, folder)
    return folder


def edit_json(path: Path, change: Callable[[dict], None]) -> None:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def _training(key: str, value: Any) -> Callable[[dict], None]:
    return lambda meta: meta["training"].update({key: value})


def _progress(key: str, value: Any) -> Callable[[dict], None]:
    return lambda document: document["progress"].update({key: value})


RESUME_TAMPERING = {
    "steps abc": ("reader.json", _training("steps", "abc"), r"training\.steps is \"abc\"; expected a whole number"),
    "threads -3": ("reader.json", _training("threads", -3), r"training knob 'threads' must not be negative"),
    "eval_every 0": (
        "reader.json",
        _training("eval_every", 0),
        r"'eval_every' \(--checkpoint-every\) must be at least",
    ),
    "learning_rate inf": ("reader.json", _training("learning_rate", float("inf")), r"must be a finite number"),
    "hidden differs": ("reader.json", _training("hidden", 8), r"config\.hidden is 32, but the run's training settings"),
    "level 99": ("resume.json", _progress("level", 99), r"progress\.level is 99; the run's curriculum has levels 0"),
    "step abc": ("resume.json", _progress("step", "abc"), r"progress\.step is 'abc'"),
    "unknown progress": ("resume.json", _progress("lap", 1), r"progress\.lap: not a field"),
    "rng": ("resume.json", _progress("rng", {"state": 1}), r"progress\.rng: not a numpy random state"),
    "planned": ("resume.json", _progress("planned", [5, False, 0]), r"progress\.planned"),
}


@pytest.mark.parametrize("case", RESUME_TAMPERING)
def test_train_resume_refuses_tampered_settings_and_progress(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    name, change, message = RESUME_TAMPERING[case]
    folder = resumable_copy(trained, tmp_path)
    edit_json(folder / name, change)
    code, output = run_cli(["train", "--resume", "--out", str(folder)], capsys)
    assert code == 1
    assert len(re.findall(message, output)) == 1, output


def replace_state(folder: Path, payload: bytes) -> None:
    """Put `payload` in place of the training state, with a resume.json that vouches for it."""
    (folder / "resume.safetensors").write_bytes(payload)
    edit_json(
        folder / "resume.json", lambda document: document.update(state_sha256=hashlib.sha256(payload).hexdigest())
    )


def test_train_resume_refuses_a_pickle_as_training_state_without_running_it(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = resumable_copy(trained, tmp_path)
    marker = tmp_path / "marker"
    replace_state(folder, pickle.dumps(("harmless", str(marker))))
    code, output = run_cli(["train", "--resume", "--out", str(folder)], capsys)
    assert code == 1
    assert "cannot resume: " + str(folder / "resume.safetensors") + ": not safetensors" in output


def test_train_resume_refuses_an_optimiser_tensor_of_the_wrong_shape(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = resumable_copy(trained, tmp_path)
    tensors = dict(load_tensors((folder / "resume.safetensors").read_bytes()))
    tensors["optimizer.0.exp_avg"] = np.zeros((3, 3), np.float32)
    replace_state(folder, save_tensors(tensors))
    code, output = run_cli(["train", "--resume", "--out", str(folder)], capsys)
    assert code == 1
    assert "tensor 'optimizer.0.exp_avg' is float32 (3, 3)" in output


def test_an_untampered_run_still_resumes(trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = resumable_copy(trained, tmp_path)
    edit_json(folder / "reader.json", _training("steps", 3))
    code, output = run_cli(["train", "--resume", "--out", str(folder)], capsys)
    assert code == 0, output
    assert load_checkpoint(folder).meta["metrics"]["steps"] == 3


# Saves -----------------------------------------------------------------------------------------------------


def write_save(path: Path, **fields: Any) -> Path:
    document = {"format": "whodunit-save/1", "case": {"kind": "bundled", "name": "manor.toml"}, "position": 0}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**document, **fields}, ensure_ascii=False))
    return path


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"marks": {"²": "cleared"}}, r"marks\.'²': expected a suspect number \(0-7\)"),
        ({"notes": {"08": "x"}}, r"notes\.'08': expected a suspect number"),
        ({"options": {"hard": "no"}}, r"options\.hard: expected true or false"),
        ({"options": {"short_memory": 1}}, r"options\.short_memory: expected true or false"),
        ({"case": {"kind": "generated", "seed": 1, "difficulty": "[/]"}}, r"case: a generated case needs"),
        ({"case": {"kind": "file", "name": "x.toml", "sha256": 5}}, r"case\.sha256: expected"),
        ({"saved_at": ["now"]}, r"saved_at: expected a time as text"),
        ({"scored_modes": "hard"}, r"scored_modes: expected an object with hard and short_memory"),
        ({"scored_modes": {"hard": "yes"}}, r"scored_modes\.hard: expected true or false"),
    ],
)
def test_a_save_is_checked_with_strict_types(tmp_path: Path, fields: dict, message: str) -> None:
    path = write_save(tmp_path / "save.json", **fields)
    with pytest.raises(SaveError, match=message):
        load_save(path)


def test_a_save_cannot_claim_the_bonus_of_a_mode_its_options_switched_off(tmp_path: Path) -> None:
    claimed = {"hard": True, "short_memory": True}
    saved = load_save(write_save(tmp_path / "save.json", options={"hard": True}, scored_modes=claimed))
    assert saved.scored_modes == Modes(hard=True)
    assert load_save(write_save(tmp_path / "old.json", options={"hard": True})).scored_modes == Modes(hard=True)


def test_a_save_linked_to_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    link = tmp_path / "save.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(SaveError, match=r"save\.json: not a whodunit save: not a regular file \(a device\)"):
        finishes(lambda: load_save(link))


def test_a_save_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = fifo(tmp_path / "save.json")
    with pytest.raises(SaveError, match=r"not a regular file \(a FIFO\)"):
        finishes(lambda: load_save(path))


def test_a_save_records_the_story_file_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(MANOR, tmp_path / "mine.toml")
    monkeypatch.chdir(tmp_path)
    ref, _ = file_case(Path("mine.toml"))
    assert ref.name == str(tmp_path.resolve() / "mine.toml")


async def test_the_start_screen_survives_markup_in_names_and_special_files(readers, tmp_path: Path) -> None:
    saves = tmp_path / "home" / "saves"  # the private saves folder of tests/conftest.py
    story = tmp_path / 'x[link="]y.toml'
    story.write_text(MANOR.read_text().replace('title = "Death at', 'title = "Death at [link=\'\\"]'))
    ref, _ = file_case(story)
    save_game(SavedGame(ref, 0), saves)
    write_save(saves / "generated-tampered.json", case={"kind": "generated", "seed": 1, "difficulty": "[/]"})
    write_save(saves / "marks.json", marks={"²": "cleared"})
    fifo(saves / "fifo.json")
    (saves / "zero.json").symlink_to("/dev/zero")
    app = WhodunitApp(*readers, autoplay=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Resume Death at [link='\"] Ashcombe Manor (saved" in label for label in labels), labels
        for name in ("generated-tampered.json", "marks.json", "fifo.json", "zero.json"):
            assert f"{name}: unreadable save" in labels
        await pilot.press("ctrl+q")
    assert not app.is_running


# Markup and emoji codes in file text -----------------------------------------------------------------------


def test_check_prints_line_100_and_a_title_with_colons_as_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("\n" * 99 + "= nonsense\n")
    code, output = run_cli(["check", str(broken)], capsys)
    assert code == 1 and f"{broken}:100:" in output
    titled = tmp_path / "skull.toml"
    titled.write_text(re.sub(r"^title = .*$", 'title = "The :skull: Case"', MANOR.read_text(), count=1, flags=re.M))
    code, output = run_cli(["check", str(titled)], capsys)
    assert code == 0, output
    assert "The :skull: Case is sound" in output


def test_play_prints_a_broken_story_on_line_100_as_typed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "[bold]broken.toml"
    broken.write_text("\n" * 99 + "= nonsense\n")
    code, output = run_cli(["play", str(broken)], capsys)
    assert code == 1
    assert f"{broken}:100:" in output and f"{broken} is not a playable story" in output


# FIFOs and devices -----------------------------------------------------------------------------------------


def test_story_and_jsonl_readers_refuse_fifos_and_devices(tmp_path: Path) -> None:
    pipe = fifo(tmp_path / "fifo.toml")
    for path, kind in ((pipe, "a FIFO"), (Path("/dev/zero"), "a device"), (tmp_path, "a folder")):
        with pytest.raises(StoryError, match=f"not a regular file \\({kind}\\)"):
            finishes(lambda path=path: read_story_text(path))
        with pytest.raises(StoryError, match=f"not a regular file \\({kind}\\)"):
            finishes(lambda path=path: list(read_jsonl(path)))


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{fifo}"],
        ["play", "{fifo}"],
        ["train", "--data", "{fifo}", "--out", "{tmp}/run"],
        ["check", "/dev/zero"],
    ],
)
def test_commands_refuse_a_fifo_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    pipe = fifo(tmp_path / "fifo.toml")
    code, output = run_cli([arg.format(fifo=pipe, tmp=tmp_path) for arg in argv], capsys)
    assert code == 1
    assert "not a regular file" in output
    assert not (tmp_path / "run").exists()


# Flags -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("knob", "message"),
    [
        ("embedding=1000000000", "training knob 'embedding' must be at most 1,024, not 1,000,000,000"),
        ("hidden=100000", "training knob 'hidden' must be at most 1,024"),
        ("learning_rate=inf", "training knob 'learning_rate' must be a finite number, not inf"),
        ("clip=nan", "training knob 'clip' must be a finite number, not nan"),
        ("weight_decay=1e400", "training knob 'weight_decay' must be a finite number, not inf"),
        ("decay_share=0", "training knob 'decay_share' must be above 0 and at most 1"),
        ("eval_every=5", "set 'eval_every' with --checkpoint-every, not --set"),
    ],
)
def test_train_refuses_out_of_range_knobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], knob: str, message: str
) -> None:
    code, output = run_cli(["train", "--set", knob, "--out", str(tmp_path / "run")], capsys)
    assert code == 2
    assert message in output
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "--seed", str(2**64), "--out", "run"],
        ["train", "--seed", "-1", "--out", "run"],
        ["generate", "--seed", str(2**64), "--out", "x.jsonl"],
        ["generate", "--count", "99999999999999999999", "--out", "x.jsonl"],
        ["train", "--minutes", "inf", "--out", "run"],
        ["train", "--checkpoint-every", "0", "--out", "run"],
    ],
)
def test_flags_out_of_range_are_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "expected" in error and "Traceback" not in error


def test_generate_refuses_several_cases_into_one_toml_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "multi.toml"
    code, output = run_cli(["generate", "--count", "3", "--out", str(out)], capsys)
    assert code == 2
    assert "give a folder (one .toml per case) or a .jsonl file" in output
    assert not out.exists()


def test_generate_refuses_an_out_of_the_wrong_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("mine")
    code, output = run_cli(["generate", "--count", "2", "--format", "toml", "--out", str(tmp_path / "file")], capsys)
    assert code == 2 and "must be a folder" in output
    assert (tmp_path / "file").read_text() == "mine"


def test_generate_stopped_by_a_signal_leaves_no_hidden_file(tmp_path: Path) -> None:
    out = tmp_path / "many.jsonl"
    command = [sys.executable, "-m", "commands.cli", "generate", "--count", "1000000", "--out", str(out)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".many.jsonl.*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".many.jsonl.*")), "the writer never started"
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) != 0
    assert list(tmp_path.iterdir()) == []


def test_train_checks_out_before_training(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("mine")
    code, output = run_cli(["train", "--preset", "tiny", "--out", str(tmp_path / "file")], capsys)
    assert code == 1 and "is a file; a checkpoint is a folder" in output
    assert (tmp_path / "file").read_text() == "mine"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_train_checks_a_read_only_out_before_training(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "locked"
    (folder / ".incoming").mkdir(parents=True)  # a leftover journal, as a killed run leaves
    folder.chmod(0o555)
    try:
        code, output = run_cli(["train", "--preset", "tiny", "--out", str(folder)], capsys)
    finally:
        folder.chmod(0o755)
    assert code == 1 and f"cannot write checkpoints into {folder}" in output


def test_checkpoint_every_sets_the_interval(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["train", "--preset", "tiny", "--steps", "2", "--checkpoint-every", "1", "--set", "eval_cases=2"]
    code, output = run_cli([*argv, "--set", "batch_cases=2", "--out", str(tmp_path / "run")], capsys)
    assert code == 0, output
    assert [line.split("  ")[0] for line in output.splitlines() if "  final " in line][:2] == ["step 1/2", "step 2/2"]
    assert load_checkpoint(tmp_path / "run").meta["training"]["eval_every"] == 1


def test_the_tiny_preset_checkpoints_often_enough_for_its_length() -> None:
    tiny = TRAIN_PRESETS["tiny"]
    assert tiny.eval_every * 20 <= tiny.steps


def test_a_run_whose_loss_turns_nan_stops_and_keeps_the_last_good_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import model.train as training

    real = training.losses

    def poisoned(model, batch, config, step, *args, **kwargs):
        loss, parts = real(model, batch, config, step, *args, **kwargs)
        return (loss * float("nan") if step >= 3 else loss), parts

    monkeypatch.setattr(training, "losses", poisoned)
    config = replace(RESUMABLE, steps=6, eval_every=2)
    with pytest.raises(training.TrainingDiverged, match=r"turned nan .* at step 4; .* last good checkpoint \(step 2\)"):
        training.train(config, tmp_path / "run", "tests")
    kept = load_checkpoint(tmp_path / "run")
    assert kept.meta["metrics"]["steps"] == 2
    assert all(np.isfinite(array).all() for array in kept.weights.values())


SHAPED = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["lstm", "rnn"]),  # the weights'
        "declared": st.fixed_dictionaries(  # the config's
            {
                "kind": st.sampled_from(["lstm", "rnn"]),
                "embedding": st.sampled_from([4, 8]),
                "hidden": st.sampled_from([8, 16]),
            }
        ),
        "drop": st.none() | st.sampled_from(sorted(random_weights("lstm"))),
        "reshape": st.none() | st.tuples(st.sampled_from(sorted(random_weights("lstm"))), st.integers(1, 130)),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=SHAPED)
@example(case={"kind": "rnn", "declared": {"kind": "rnn", "embedding": 8, "hidden": 16}, "drop": None, "reshape": None})
def test_any_checkpoint_that_loads_streams_without_error(tmp_path: Path, case: dict) -> None:
    """Weights of one architecture, a config of another, a tensor dropped or resized: loading refuses it, or
    the game's streaming reader runs on it (what raised KeyError and broadcast errors inside the game)."""
    meta, weights = good_meta(), random_weights(case["kind"])
    meta["config"].update(case["declared"])
    if case["drop"] in weights:
        del weights[case["drop"]]
    if case["reshape"] is not None and case["reshape"][0] in weights:
        name, size = case["reshape"]
        weights[name] = np.zeros((size, *weights[name].shape[1:]), np.float32)
    save_checkpoint(tmp_path / "ckpt", weights, meta)
    try:
        checkpoint = load_checkpoint(tmp_path / "ckpt")
    except CheckpointError:
        return
    reader = StreamingReader.of(checkpoint, 4)
    for token in ("the", "<s0>", "left", "zzz-unknown"):
        assert np.isfinite(reader.step(token).probabilities).all()


def test_a_leftover_journal_that_is_a_file_does_not_stop_the_next_save(tmp_path: Path) -> None:
    folder = tmp_path / "ckpt"
    folder.mkdir()
    (folder / ".incoming").write_text("left by someone")  # was: FileExistsError at the first checkpoint
    save_checkpoint(folder, random_weights("lstm"), good_meta())
    assert load_checkpoint(folder).kind == "lstm"


PROGRESS_JSON = st.dictionaries(
    st.sampled_from(["step", "drawn", "level", "recent", "at_level", "tokens", "seconds", "rng", "planned", "lap"]),
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=5)
    | st.lists(st.integers(-3, 3) | st.booleans() | st.floats(), max_size=4)
    | st.dictionaries(st.sampled_from(["bit_generator", "state", "has_uint32"]), st.integers() | st.text(), max_size=3),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(document=PROGRESS_JSON)
def test_fuzzed_progress_ends_in_a_progress_or_our_message(document: dict) -> None:
    from model.resume import checked_progress

    try:
        progress = checked_progress(document, RESUMABLE, Path("resume.json"))
    except CheckpointError as exc:
        assert str(exc).startswith("resume.json: progress")
        return
    assert 0 <= progress.level < len(RESUMABLE.levels) and 0 <= progress.step <= RESUMABLE.steps


TRAINING_JSON = st.dictionaries(
    st.sampled_from(["steps", "threads", "eval_every", "learning_rate", "levels", "kind", "device", "hidden", "seed"]),
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.lists(st.sampled_from(["tiny", "easy", "default:min_gap=0", "nope", "easy:cast_size=9", ""]), max_size=3),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(stored=TRAINING_JSON)
def test_fuzzed_training_settings_end_in_a_config_or_our_message(stored: dict) -> None:
    from model.recipe import stored_training

    try:
        config = stored_training(stored, "reader.json")
    except ValueError as exc:
        assert str(exc).startswith("reader.json: ")
        return
    assert config.steps >= 1 and config.eval_every >= 1 and config.threads >= 1 and config.levels
