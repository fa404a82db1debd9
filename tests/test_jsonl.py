"""Stories written out (JSONL, story files) read back equal, and bad records are located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from story import StoryError
from story.generator import generate_cases
from story.jsonl import read_jsonl
from story.loader import load_story
from story.writer import story_to_json, story_to_toml


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cases_read_back_equal(tmp_path: Path) -> None:
    cases = list(generate_cases(3, 5, "easy"))
    path = write_lines(tmp_path / "cases.jsonl", [story_to_json(case) for case in cases])
    assert list(read_jsonl(path)) == cases


def test_a_written_story_reads_back_equal_aliases_and_all(tmp_path: Path) -> None:
    """What authors write survives the writer: a suspect's aliases are how the readers find them in the prose,
    and the story's fingerprint for saves (game.cases) is its JSON form."""
    story = load_story(Path(__file__).parent / "data" / "stories" / "valid" / "aliases.toml")
    assert any(suspect.aliases for suspect in story.suspects)
    (tmp_path / "story.toml").write_text(story_to_toml(story))
    assert load_story(tmp_path / "story.toml") == story
    assert list(read_jsonl(write_lines(tmp_path / "story.jsonl", [story_to_json(story)]))) == [story]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("{not json", "cases.jsonl:2:2: error: not valid JSON"),
        ("[1, 2]", "cases.jsonl:2:1: error: a story record must be a JSON object"),
        ('{"title": 3}', "cases.jsonl:2:1: error: 'title' must be a string, not an integer"),
    ],
)
def test_a_bad_record_is_located_by_its_line(tmp_path: Path, record: str, message: str) -> None:
    good = story_to_json(next(generate_cases(1, 1, "tiny")))
    path = write_lines(tmp_path / "cases.jsonl", [good, record])
    with pytest.raises(StoryError) as caught:
        list(read_jsonl(path))
    assert message in str(caught.value)


def test_an_unsound_record_is_refused(tmp_path: Path) -> None:
    """Naming an innocent as the culprit makes the evidence contradict the cast: the oracle refuses the record."""
    data = json.loads(story_to_json(next(generate_cases(1, 1, "tiny"))))
    culprit = data["solution"]["culprit"]
    data["solution"]["culprit"] = next(s["name"] for s in data["suspects"] if s["name"] != culprit)
    path = write_lines(tmp_path / "cases.jsonl", [json.dumps(data)])
    with pytest.raises(StoryError, match=r"cases\.jsonl:1:1: error: clue \d+: "):
        list(read_jsonl(path))


def test_the_record_cap_counts_bytes_and_a_bad_line_is_located(tmp_path: Path, monkeypatch) -> None:
    import story.jsonl

    good = story_to_json(next(generate_cases(1, 1, "tiny")))
    cap = len(good.encode()) + 10
    monkeypatch.setattr(story.jsonl, "MAX_FILE_BYTES", cap)
    wide = json.dumps({"title": "é" * (cap // 2 + 10)}, ensure_ascii=False)  # under the cap in characters only
    assert len(wide) < cap < len(wide.encode())
    path = write_lines(tmp_path / "cases.jsonl", [good, wide])
    with pytest.raises(StoryError, match=r"cases\.jsonl:2:1: error: record is too long for a story"):
        list(read_jsonl(path))
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(good.encode() + b"\n\xff\xfe\n")
    with pytest.raises(StoryError, match=r"broken\.jsonl:2:1: error: the line is not UTF-8 text"):
        list(read_jsonl(broken))
