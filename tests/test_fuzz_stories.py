"""Fuzzing the story checker: whatever the text, `check_text` succeeds or raises a StoryError whose every problem
is located in the file it was given (path as given, line and column from 1). Nothing else may escape.

The default run tries a few hundred inputs; `pytest -m slow` runs the same properties on ten thousand each.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import story
from story.data import FACT_KINDS
from story.locate import locate
from story.problems import StoryError
from story.shape import CLUE_KEYS, FACT_KEYS, SOLUTION_KEYS, SUSPECT_KEYS, TOP_KEYS
from story.traits import CATALOGUE

STORY_FILES = sorted(
    [
        *(Path(story.__file__).parent / "mysteries").glob("*.toml"),
        *(Path(__file__).parent / "data" / "stories" / "valid").glob("*.toml"),
    ]
)
SOURCES = [path.read_text(encoding="utf-8") for path in STORY_FILES]

FAST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
SLOW = settings(FAST, max_examples=10_000)


def assert_checked_or_located(text: str) -> None:
    """The property: success, or a StoryError whose problems are all located in "fuzz.toml"."""
    try:
        story.check_text(text, "fuzz.toml")
    except StoryError as error:
        assert error.problems, "a StoryError with no problem in it"
        last_line = text.count("\n") + 1
        for problem in error.problems:
            assert problem.path == "fuzz.toml", problem
            assert 1 <= problem.line <= last_line, problem
            assert problem.column >= 1, problem
            assert problem.severity in ("error", "warning"), problem
            assert problem.message, problem
        assert error.errors, "raised with warnings only"


def assert_every_value_located(text: str) -> None:
    """For TOML that parses: locate finds every leaf value tomllib found, and points at where it starts."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return
    found = locate(text)
    rows = text.split("\n")
    for path in _leaves(data):
        assert path in found.values, f"{path} not located"
        line, column = found.values[path]
        assert rows[line - 1][column - 1] not in " \t=,", f"{path} located at {line}:{column}, not at its value"


def _leaves(data: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list) and data:
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))
    elif path:
        yield path


# --- what the fuzzer writes --------------------------------------------------------------------------------------

_FACT_KEYS = {key for keys in FACT_KEYS.values() for key in keys}
_TRAIT_VALUES = {value for trait in CATALOGUE.values() for value in trait.values}
_NAMES = {"butler", "maid", "Hobbs", "the butler", "he", "she", "they"}
_WORDS = sorted(
    {
        *TOP_KEYS,
        *SUSPECT_KEYS,
        *CLUE_KEYS,
        *SOLUTION_KEYS,
        *_FACT_KEYS,
        *FACT_KINDS,
        *CATALOGUE,
        *_TRAIT_VALUES,
        *_NAMES,
    }
)

_basic_strings = st.one_of(st.sampled_from(_WORDS), st.text(max_size=30)).map(
    lambda text: json.dumps(text, ensure_ascii=False)
)
_literal_strings = (
    st.text(max_size=20).filter(lambda text: "'" not in text and "\n" not in text).map(lambda text: f"'{text}'")
)
_multiline_strings = st.text(max_size=40).map(lambda text: '"""\n' + text.replace('"""', "") + '"""')

scalars = st.one_of(
    _basic_strings,
    _literal_strings,
    _multiline_strings,
    st.sampled_from(
        [
            '""',
            "''",
            '"   "',
            "true",
            "false",
            "inf",
            "-nan",
            "1e400",
            "0x1F",
            "1_000",
            "1979-05-27",
            "07:32:00",
            "1979-05-27T07:32:00Z",
            "[]",
            "{}",
            "[[]]",
            "[{}]",
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from(_WORDS), inner), max_size=4).map(
            lambda pairs: "{ " + ", ".join(f"{json.dumps(k)} = {v}" for k, v in pairs) + " }"
        ),
    ),
    max_leaves=10,
)
_unescaped = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\\\"'")
keys = st.one_of(
    st.sampled_from(_WORDS).filter(lambda word: " " not in word),
    st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True),
    st.text(_unescaped, max_size=12).map(lambda text: f'"{text}"'),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12).map(json.dumps),  # basic strings with escapes
    st.text(_unescaped, max_size=12).map(lambda text: f"'{text}\\'"),  # a literal key ending in a backslash
    st.text(_unescaped, max_size=12).map(lambda text: f"'{text}'"),
    st.lists(st.sampled_from(["traits", "facts", "solution", "culprit", "hair", "kind"]), min_size=2, max_size=3).map(
        ".".join
    ),
)
lines = st.one_of(
    st.builds(lambda key, value: f"{key} = {value}", keys, values),
    st.sampled_from(
        [
            "[[clues]]",
            "[[suspects]]",
            "[solution]",
            "[[clues.facts]]",
            "[suspects.traits]",
            "[clues]",
            "# a comment",
            "",
            "]",
            "[",
            "}",
            '"""',
            "'''",
        ]
    ),
)


@st.composite
def mutated_stories(draw: st.DrawFn) -> str:
    """A bundled or fixture story with a few lines deleted, duplicated, swapped, replaced or added, or cut short."""
    text = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        rows = text.split("\n")
        at = draw(st.integers(min_value=0, max_value=len(rows) - 1))
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "flip", "value", "insert"]))
        if operation == "delete":
            del rows[at]
        elif operation == "duplicate":
            rows.insert(at, rows[at])
        elif operation == "swap":
            other = draw(st.integers(min_value=0, max_value=len(rows) - 1))
            rows[at], rows[other] = rows[other], rows[at]
        elif operation == "value" and " = " in rows[at]:
            rows[at] = rows[at].split(" = ", 1)[0] + " = " + draw(values)
        elif operation == "insert" or operation == "value":
            rows.insert(at, draw(lines))
        text = "\n".join(rows)
        if operation == "truncate":
            text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
        elif operation == "flip" and text:
            where = draw(st.integers(min_value=0, max_value=len(text) - 1))
            char = draw(st.one_of(st.sampled_from(list("[]{}=\"'#.,\n\\ 0")), st.characters()))
            text = text[:where] + char + text[where + 1 :]
    return text


random_text = st.one_of(st.text(), st.lists(lines, max_size=30).map("\n".join))


# --- the properties --------------------------------------------------------------------------------------------


def test_every_story_file_fuzzed_from_is_sound() -> None:
    assert len(SOURCES) >= 4
    for text in SOURCES:
        story.check_text(text, "fuzz.toml")


@FAST
@given(random_text)
def test_random_text_is_checked_or_located(text: str) -> None:
    assert_checked_or_located(text)


@FAST
@given(mutated_stories())
def test_mutated_stories_are_checked_or_located(text: str) -> None:
    assert_checked_or_located(text)


@FAST
@given(st.one_of(mutated_stories(), random_text))
def test_locate_finds_every_value(text: str) -> None:
    assert_every_value_located(text)


@pytest.mark.slow
@SLOW
@given(random_text)
def test_random_text_is_checked_or_located_long(text: str) -> None:
    assert_checked_or_located(text)


@pytest.mark.slow
@SLOW
@given(mutated_stories())
def test_mutated_stories_are_checked_or_located_long(text: str) -> None:
    assert_checked_or_located(text)


@pytest.mark.slow
@SLOW
@given(st.one_of(mutated_stories(), random_text))
def test_locate_finds_every_value_long(text: str) -> None:
    assert_every_value_located(text)
