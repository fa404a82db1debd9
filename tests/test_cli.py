"""The whodunit command line, run in-process through `main` (what the console script calls)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from commands.cli import main
from story import check_file
from story.jsonl import read_jsonl

MYSTERIES = Path(__file__).parent.parent / "story" / "mysteries"
INVALID = Path(__file__).parent / "data" / "stories" / "invalid"


def test_check_reports_where_a_sound_case_is_decided(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(MYSTERIES / "manor.toml")]) == 0
    out = capsys.readouterr().out
    assert "is sound" in out
    assert "decided   at clue 15 of 15" in out
    assert "Mary's hand does not match the evidence (clues 3 and 15, 221 words apart)" in out


def test_check_says_when_names_alone_give_the_culprit_away(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(MYSTERIES / "lighthouse.toml"), str(MYSTERIES / "harrowgate.toml")]) == 0
    lighthouse, harrowgate = capsys.readouterr().out.split("A Killing at Harrowgate Abbey")
    assert "names     the culprit is the suspect named most: a reader of names alone would accuse them" in lighthouse
    assert "a reader of names alone" not in harrowgate
    manor = MYSTERIES.joinpath("manor.toml").read_text(encoding="utf-8")
    told_last = manor.replace("[solution]", '[[clues]]\ntext = "Hobbs said nothing."\n\n[solution]')
    (tmp_path / "told-last.toml").write_text(told_last, encoding="utf-8")
    assert main(["check", str(tmp_path / "told-last.toml")]) == 0
    assert "the culprit is the suspect named last and named most" in capsys.readouterr().out


def test_check_trace_shows_who_is_possible_after_each_clue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--trace", str(MYSTERIES / "manor.toml")]) == 0
    assert "← decided" in capsys.readouterr().out


def test_check_trace_and_readers_still_show_a_case_never_decided(capsys: pytest.CaptureFixture[str]) -> None:
    """An author needs the clue-by-clue view most when the case is never decided: it comes after the error, and the
    check still fails; a file that does not parse into a story has nothing to trace."""
    never = str(INVALID / "never_decided.toml")
    for flag, header in (("--trace", "still possible"), ("--readers", "partner (LSTM)")):
        assert main(["check", flag, never]) == 1
        out = capsys.readouterr().out
        assert "error: the case is never decided" in out and "✗" in out
        assert out.index("never decided") < out.index(header)
        assert [line.split()[0] for line in out.splitlines() if line[:2].strip().isdigit()] == ["1", "2"]
        assert "Hobbs, Reeve" in out  # the two still possible after the last clue
    assert main(["check", "--trace", str(INVALID / "unknown_suspect.toml")]) == 1
    assert "still possible" not in capsys.readouterr().out


def test_check_locates_every_problem_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (MYSTERIES / "manor.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('suspect = "maid"', 'suspect = "maide"').replace('value = "snuff"', 'value = "snuf"'))
    assert main(["check", str(bad), str(MYSTERIES / "manor.toml")]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:" in out
    assert "unknown suspect 'maide': did you mean 'maid'?" in out
    assert "'snuf' is not a value of tobacco: did you mean 'snuff'?" in out
    assert "1 of 2 files sound" in out


def test_check_on_a_missing_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nowhere.toml")]) == 1
    assert "cannot read the file" in capsys.readouterr().out


def test_new_writes_a_sound_starter_and_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "mine.toml"
    assert main(["new", str(target)]) == 0
    checked = check_file(target)
    assert not checked.warnings and checked.analysis.decided_at is not None
    target.write_text("my work")
    assert main(["new", str(target)]) == 1
    assert target.read_text() == "my work"
    assert "already exists" in capsys.readouterr().out
    assert main(["new", str(target), "--force"]) == 0


def test_generate_jsonl_is_deterministic_and_loads_back(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert main(["generate", "--count", "20", "--seed", "4", "--out", str(first)]) == 0
    assert main(["generate", "--count", "20", "--seed", "4", "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    stories = list(read_jsonl(first))
    assert len(stories) == 20
    assert all(story.difficulty == "default" for story in stories)
    assert json.loads(first.read_text().splitlines()[0])["generated"]["seed"] == stories[0].seed


def test_generate_toml_writes_story_files_that_check(tmp_path: Path) -> None:
    out = tmp_path / "cases"
    assert main(["generate", "--count", "3", "--difficulty", "hard", "--set", "min_gap=12", "--out", str(out)]) == 0
    files = sorted(out.glob("*.toml"))
    assert len(files) == 3
    for path in files:
        assert main(["check", str(path)]) == 0
    single = tmp_path / "one.toml"
    assert main(["generate", "--out", str(single)]) == 0
    assert check_file(single).story.difficulty is None  # a story file does not record the generator


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["generate", "--set", "min_gapp=3", "--out", "x.jsonl"],
            "unknown generator knob 'min_gapp'; did you mean 'min_gap'?",
        ),
        (["generate", "--set", "min_gap", "--out", "x.jsonl"], "--set takes KNOB=VALUE"),
        (["generate", "--format", "toml", "--out", "x.jsonl"], "does not match"),
        (["generate", "--set", "unreadable_share=0.1", "--out", "cases"], "not stories to play"),
    ],
)
def test_generate_rejects_bad_flags_clearly(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["generate", "--count", "0", "--out", "x.jsonl"], ["check"], ["frobnicate"]])
def test_argument_errors_exit_2_with_usage(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage: whodunit" in capsys.readouterr().err


def test_generate_into_an_unwritable_place_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["generate", "--out", str(blocker / "cases.jsonl")]) == 1
    assert "cannot write" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("knob", "message"),
    [
        ("activaton_weight=1", "unknown training knob 'activaton_weight'; did you mean 'activation_weight'?"),
        ("steps=5", "set 'steps' with --steps, not --set"),
        ("truncate=abc", "training knob 'truncate' takes a whole number, not 'abc'"),
        ("unknown_share=2", "training knob 'unknown_share' must be between 0 and 1"),
        ("levels=tiny nope", "unknown difficulty 'nope' in level 'nope'"),
        ("levels=tiny default:min_gapp=1", "unknown generator knob 'min_gapp'"),
        ("bfloat16_readout=maybe", "takes true or false, not 'maybe'"),
        ("batch_cases=0", "training knob 'batch_cases' must be at least 1"),
        ("clip=-1", "training knob 'clip' must not be negative"),
        ("nonlinearity=sigmoid", "training knob 'nonlinearity' is 'sigmoid'; use one of tanh, relu"),
        ("nonlinearity=relu", "training knob 'nonlinearity' is 'relu'; an LSTM's recurrence is tanh"),
    ],
)
def test_train_rejects_a_bad_knob_before_training(
    knob: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", "--preset", "tiny", "--set", knob, "--out", str(tmp_path / "run")]) == 2
    assert message in capsys.readouterr().out
    assert not (tmp_path / "run").exists()


def test_check_readers_shows_beliefs_unknown_words_and_the_rival_in_play(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--readers", str(MYSTERIES / "manor.toml")]) == 0
    out = capsys.readouterr().out
    assert "partner (LSTM)" in out and "rival (RNN)" in out
    rows = [line.split()[0] for line in out.splitlines() if line[:2].strip().isdigit()]
    assert rows == [str(clue) for clue in range(1, 16)]  # one row per clue
    assert re.search(r"unknown +\d+ of \d+ words \(\d+%\) are not in the readers' vocabulary", out)
    assert re.search(r"in play +the rival (\(accusing at 75%\) would accuse \w|never reaches 75%)", out)


def test_check_readers_reads_with_the_checkpoints_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--partner and --rival put a learner's own readers on an author's story; a checkpoint of the wrong kind
    for its seat is refused before any file is read."""
    from tests.readers import write_random_checkpoint

    partner = write_random_checkpoint(tmp_path / "lstm", "lstm", seed=3)
    rival = write_random_checkpoint(tmp_path / "rnn", "rnn", seed=4)
    manor = str(MYSTERIES / "manor.toml")
    assert main(["check", "--readers", "--partner", str(partner), "--rival", str(rival), manor]) == 0
    given = capsys.readouterr().out
    assert main(["check", "--readers", manor]) == 0
    assert given != capsys.readouterr().out  # other readers, other beliefs
    assert main(["check", "--readers", "--partner", str(rival), manor]) == 1
    out = capsys.readouterr().out
    assert "holds a rnn reader; this seat needs a lstm" in out and "Traceback" not in out and "sound" not in out


def test_generate_refuses_an_out_named_as_a_file_of_another_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.csv"
    assert main(["generate", "--out", str(out)]) == 2
    assert f"--out {out} ends in .csv" in capsys.readouterr().out
    assert not out.exists()  # not a folder named x.csv
    (tmp_path / "cases.v2").mkdir()  # a folder that is there already is a folder, whatever its name
    assert main(["generate", "--count", "2", "--out", str(tmp_path / "cases.v2")]) == 0


@pytest.mark.parametrize("argv", [["play", "--seed", "abc"], ["eval", "--seed", "abc"], ["generate", "--seed", "abc"]])
def test_every_seed_flag_says_what_it_expected(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--out", "x.jsonl"] if argv[0] == "generate" else argv)
    assert exited.value.code == 2
    assert "argument --seed: expected a whole number, not 'abc'" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["play", "--seed", "5"], ["play", "--campaign", "--seed", "5"]])
def test_play_refuses_a_seed_without_generated(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from game.app import WhodunitApp

    monkeypatch.setattr(WhodunitApp, "run", lambda self: pytest.fail("the game started, its seed ignored"))
    assert main(argv) == 2
    assert "--seed goes with --generated" in capsys.readouterr().out


def test_eval_counts_one_case_in_the_singular() -> None:
    from types import SimpleNamespace

    from commands.arguments import plural
    from commands.eval import distance_plot

    scores = SimpleNamespace(by_distance=(("0-20", 1.0), ("20-40", 0.5)), by_distance_cases=(1, 3))
    text = distance_plot({"lstm": scores}, "by_distance", "final accuracy").plain  # type: ignore[dict-item]
    assert "(1 case)" in text and "(3 cases)" in text and "(1 cases)" not in text
    assert (plural(1, "case"), plural(0, "case"), plural(1200, "case")) == ("1 case", "0 cases", "1,200 cases")


def test_play_campaign_resume_without_a_campaign_save_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--resume` with `--campaign` resumes the campaign's own save, never the latest game of another case."""
    monkeypatch.setenv("WHODUNIT_HOME", str(tmp_path))
    from game.cases import CaseRef
    from game.saves import SavedGame, save_game

    save_game(SavedGame(CaseRef("bundled", name="manor.toml"), 10))  # the latest save, not the campaign's
    assert main(["play", "--campaign", "--resume"]) == 1
    said = capsys.readouterr().out
    assert "no saved game of the campaign's next case (rung 1, A quiet supper)" in said
    assert "whodunit play --campaign begins it" in said
