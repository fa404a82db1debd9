"""The ladder: facts held at once, accuracy per rung and per band, and `whodunit eval --ladder`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from commands.cli import main
from model.ladder import LADDER, by_facts_held, climb, facts_held, write_accuracy
from model.metrics import Trace
from model.readout import UNKNOWN_CLASS
from model.targets import case_targets
from story import analyze, load_story
from story.generator import generate_cases
from tests.readers import write_random_checkpoint

MANOR = Path(__file__).resolve().parent.parent / "story" / "mysteries" / "manor.toml"


def test_facts_held_counts_what_a_perfect_memory_holds_at_its_fullest() -> None:
    analysis = analyze(load_story(MANOR))
    fullest = max(len(step.stated) + len(step.evidence) for step in analysis.steps)
    assert facts_held(analysis) == fullest > 0
    tiny, hard = (max(facts_held(analyze(s)) for s in generate_cases(5, 10, d)) for d in ("tiny", "hard"))
    assert tiny < hard  # the ladder's rungs ask more and more of a memory


def test_climb_scores_each_reader_and_the_oracle_per_rung_and_per_band(readers) -> None:
    rungs = climb({"lstm": readers[0], "rnn": readers[1]}, {d: list(generate_cases(3, 4, d)) for d in ("tiny", "easy")})
    assert [rung.difficulty for rung in rungs] == ["tiny", "easy"]
    for rung in rungs:
        assert set(rung.accuracy) == {"lstm", "rnn", "oracle"} and rung.accuracy["oracle"] == 1.0
        assert all(len(hits) == rung.cases == len(rung.held) == 4 for hits in rung.correct.values())
    bands = by_facts_held(rungs)
    assert sum(count for _, count, _ in bands) == 8
    for *_, accuracy in bands:
        assert accuracy["oracle"] == 1.0 and all(0.0 <= value <= 1.0 for value in accuracy.values())


def test_eval_ladder_prints_every_rung(tmp_path: Path, capsys) -> None:
    for kind in ("lstm", "rnn"):
        write_random_checkpoint(tmp_path / kind, kind)
    arguments = ["eval", "--ladder", "--cases", "2", "--checkpoint", str(tmp_path / "lstm")]
    assert main([*arguments, "--checkpoint", str(tmp_path / "rnn"), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document["rungs"]) == list(LADDER)
    assert all(rung["accuracy"]["oracle"] == 1.0 for rung in document["rungs"].values())
    assert all(len(rung["writes_by_fifth"]["lstm"]) == 5 for rung in document["rungs"].values())
    assert main(arguments) == 0
    out = capsys.readouterr().out
    assert "final accuracy up the ladder" in out and "final accuracy by facts held" in out and "write accuracy" in out


def test_write_accuracy_is_the_read_out_at_each_statement_by_fifth_of_the_clues(readers) -> None:
    stories = list(generate_cases(4, 6, "easy"))
    cases = [case_targets(story, readers[0].vocabulary) for story in stories]
    perfect = [Trace(np.zeros((len(c.ids), c.cast_size)), c.stated.copy()) for c in cases]  # reads every statement
    assert all(part in (1.0, None) for part in write_accuracy(cases, perfect)) and 1.0 in write_accuracy(cases, perfect)
    blind = [Trace(t.probabilities, np.full_like(t.readout, UNKNOWN_CLASS)) for t in perfect]  # writes nothing
    assert all(part in (0.0, None) for part in write_accuracy(cases, blind))
    parts = climb({"lstm": readers[0]}, {"easy": stories})[0].writes["lstm"]
    assert len(parts) == 5 and all(part is None or 0.0 <= part <= 1.0 for part in parts)


def test_bar_chart_lines_up_bars_whatever_a_reader_is_called() -> None:
    from commands.eval import bar_chart

    rows = [("easy", {"rnn": 0.5, "rnn:/tmp/a-long-folder-name": 0.25, "oracle": 1.0})]
    bars = [line for line in bar_chart(rows, "by rung").plain.splitlines() if line.endswith(("0.50", "0.25", "1.00"))]
    assert len(bars) == 3 and len({line.index("█") for line in bars}) == 1
