"""The story loader against the fixture folders, plus its read errors, `locate` on tricky TOML and did_you_mean.

Each file in tests/data/stories/invalid/ starts with `# expect: LINE:COL: MESSAGE` lines: every error the loader
reports must match one of them and every one of them must match an error. Files in valid/ must load and be sound;
their `# warn: LINE:COL: MESSAGE` lines list the warnings they must produce, and no others.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import story
from story.loader import check_file, check_text, read_story_text
from story.locate import Locations, locate
from story.problems import Problem, StoryError, did_you_mean
from story.shape import MAX_CLUES, MAX_FILE_BYTES

DATA = Path(__file__).parent / "data" / "stories"
VALID = sorted((DATA / "valid").glob("*.toml"))
INVALID = sorted((DATA / "invalid").glob("*.toml"))
MANOR = Path(story.__file__).parent / "mysteries" / "manor.toml"

_HEADER = re.compile(r"^# (expect|warn): (\d+):(\d+): (.+)$")


def _expectations(path: Path, kind: str) -> list[tuple[int, int, str]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line)
        if not match:
            break
        if match[1] == kind:
            found.append((int(match[2]), int(match[3]), match[4]))
    return found


def _unmatched(
    problems: tuple[Problem, ...], expected: list[tuple[int, int, str]], source: str, severity: str
) -> tuple[list[str], list[str]]:
    """(expectations no problem meets, rendered problems no expectation covers)."""
    rendered = [str(problem) for problem in problems if problem.severity == severity]

    def meets(text: str, line: int, column: int, message: str) -> bool:
        prefix = f"{source}:{line}:{column}: {severity}: "
        return text.startswith(prefix) and message in text[len(prefix) :]

    missing = [
        f"{line}:{column}: {message}"
        for line, column, message in expected
        if not any(meets(text, line, column, message) for text in rendered)
    ]
    extra = [text for text in rendered if not any(meets(text, *expectation) for expectation in expected)]
    return missing, extra


def _param(path: Path) -> object:
    return pytest.param(path, id=path.stem)


# --- fixture folders ---------------------------------------------------------------------------------------------


def test_fixture_folders_are_populated() -> None:
    assert len(VALID) >= 3
    assert len(INVALID) >= 25
    for path in INVALID:
        assert _expectations(path, "expect"), f"{path.name} has no '# expect:' line"


@pytest.mark.parametrize("path", [*VALID, MANOR], ids=lambda path: path.stem)
def test_valid_story_loads_and_is_sound(path: Path) -> None:
    checked = check_file(str(path))
    assert checked.analysis.sound
    assert checked.analysis.decided_at is not None
    assert checked.analysis.steps[-1].possible == (checked.story.culprit,)
    missing, extra = _unmatched(checked.warnings, _expectations(path, "warn"), str(path), "warning")
    assert not missing and not extra, f"warnings not reported: {missing}; unexpected warnings: {extra}"
    assert story.load_story(path) == checked.story


@pytest.mark.parametrize("path", [_param(path) for path in INVALID])
def test_invalid_story_reports_every_expected_error(path: Path) -> None:
    with pytest.raises(StoryError) as caught:
        check_file(str(path))
    missing, extra = _unmatched(caught.value.problems, _expectations(path, "expect"), str(path), "error")
    assert not missing and not extra, f"errors not reported: {missing}; unexpected errors: {extra}"
    assert caught.value.errors
    for problem in caught.value.problems:
        assert str(problem) in str(caught.value)


def test_messages_name_the_file_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    with pytest.raises(StoryError) as caught:
        check_file("invalid/unknown_suspect.toml")
    assert str(caught.value).startswith("invalid/unknown_suspect.toml:31:31: error: unknown suspect 'nefew'")
    with pytest.raises(StoryError) as caught:
        check_text((DATA / "invalid" / "unknown_suspect.toml").read_text(), "my story")
    assert all(problem.path == "my story" for problem in caught.value.problems)


def test_parse_story_skips_the_logic_check() -> None:
    text = (DATA / "invalid" / "never_decided.toml").read_text()
    parsed = story.parse_story(text, "never_decided.toml")
    assert [suspect.name for suspect in parsed.suspects] == ["Hobbs", "Mary", "Reeve"]
    with pytest.raises(StoryError, match="never decided"):
        check_text(text, "never_decided.toml")


def test_valid_story_details_survive_loading() -> None:
    vicarage = story.load_story(DATA / "valid" / "vicarage.toml")
    assert vicarage.title == "The Vicarage Poisoning"
    assert vicarage.intro.startswith("The Colonel came to tea and never left. The doctor's verdict was plain: \"Fox")
    assert [s.role for s in vicarage.suspects] == ["vicar", "housekeeper", "gardener", "doctor"]
    assert [s.pronoun for s in vicarage.suspects] == ["he", "she", "he", "they"]
    assert vicarage.suspects[0].traits == {"shoe_size": "9", "hair": "grey", "drink": "sherry"}
    assert vicarage.suspects[2].traits == {"shoe_size": "11", "tobacco": "pipe", "hair": "fair"}
    assert vicarage.culprit == 3
    assert vicarage.clues[3].text.endswith("[caked in mud] # and smokes a pipe")
    assert vicarage.clues[2].facts == (story.Alibi(1, "shop"), story.TraitStated(1, "shoe_size", "7"))
    assert vicarage.clues[5].facts == (story.AlibiBroken(1),)
    assert vicarage.clues[8].facts == (story.Retraction("sexton", "sexton-takes-it-back"),)
    lighthouse = story.load_story(DATA / "valid" / "lighthouse.toml")
    assert lighthouse.culprit == 0
    assert lighthouse.clues[3].facts == (story.TraitStated(2, "coat", "grey"),)


# --- read errors ------------------------------------------------------------------------------------------------


def test_non_utf8_bytes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'title = "The Case"\nvictim = "Sir Roger Cr\xe9ville"\n')
    with pytest.raises(StoryError) as caught:
        check_file(path)
    assert str(caught.value) == f"{path}:2:23: error: the file is not UTF-8 text"  # the 23rd character


def test_non_utf8_column_counts_characters(tmp_path: Path) -> None:
    path = tmp_path / "mixed.toml"
    path.write_bytes('victim = "Sir Roger Crévillé'.encode() + b'\xff"\n')
    with pytest.raises(StoryError) as caught:
        check_file(path)
    assert str(caught.value) == f"{path}:1:29: error: the file is not UTF-8 text"


def test_file_over_the_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(StoryError) as caught:
        check_file(path)
    assert str(caught.value) == (f"{path}:1:1: error: the file is over 256 KiB; a story file is a few kilobytes")


def test_file_at_the_size_cap_is_read(tmp_path: Path) -> None:
    text = MANOR.read_text(encoding="utf-8")
    padding = MAX_FILE_BYTES - len(text.encode())
    path = tmp_path / "padded.toml"
    path.write_text(text + "#" * (padding - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert read_story_text(path) == path.read_text(encoding="utf-8")
    assert check_file(path).story == story.load_story(MANOR)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoryError) as caught:
        check_file(tmp_path / "nowhere.toml")
    expected = f"{tmp_path / 'nowhere.toml'}:1:1: error: cannot read the file: No such file or directory"
    assert str(caught.value) == expected


def test_byte_order_mark_is_accepted_or_explained(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MANOR.read_bytes())
    try:
        check_file(path)
    except StoryError as error:
        message = error.problems[0].message.lower()
        assert "byte order mark" in message or "bom" in message


def test_too_many_clues(tmp_path: Path) -> None:
    text = (DATA / "valid" / "smallest.toml").read_text()
    head, solution = text.split("[solution]")
    extra = '[[clues]]\ntext = "The train rattled on."\n\n' * MAX_CLUES
    path = tmp_path / "long.toml"
    path.write_text(head + extra + "[solution]" + solution)
    line = (head + extra).count("\n") - 2  # the header of the last [[clues]], the 301st
    with pytest.raises(StoryError) as caught:
        check_file(path)
    assert str(caught.value) == f"{path}:{line}:1: error: too many clues: 301; the limit is 300"


# --- known bad messages, found while writing the fixtures ------------------------------------------------------


def _smallest(*replacements: tuple[str, str]) -> str:
    """tests/data/stories/valid/smallest.toml with some text replaced."""
    text = (DATA / "valid" / "smallest.toml").read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    return text


def test_a_name_that_starts_with_the() -> None:
    text = _smallest(('"Cy"', '"The Colonel"'))
    assert check_text(text, "colonel.toml").story.suspects[2].name == "The Colonel"
    text = _smallest(('name = "Cy"', 'name = "The Colonel"'), ('suspect = "Cy"', 'suspect = "colonel"'))
    assert check_text(text, "colonel.toml").story.clues[0].facts[2] == story.TraitStated(2, "hair", "black")


def test_a_name_that_is_another_suspects_role_with_the() -> None:
    text = _smallest(('name = "Ann"', 'name = "The Porter"'), ('culprit = "Ann"', 'culprit = "nurse"'))
    with pytest.raises(StoryError) as caught:
        check_text(text, "porter.toml")
    assert "already used" in caught.value.errors[0].message


def test_a_title_before_a_name_names_the_suspect() -> None:
    """Authors write a fact's suspect as the prose calls them: "Mrs Ross" for Ann Ross, "Doc Hale" for Bob Hale."""
    text = _smallest(
        ('name = "Ann"', 'name = "Ann Ross"'),
        ('name = "Bob"', 'name = "Bob Hale"'),
        ('suspect = "Bob"', 'suspect = "Doc Hale"'),
        ('culprit = "Ann"', 'culprit = "Mrs. Ross"'),
    )
    checked = check_text(text, "titles.toml").story
    assert checked.clues[0].facts[1] == story.TraitStated(1, "hair", "fair")
    assert checked.culprit == 0


def test_a_title_does_not_excuse_a_wrong_name() -> None:
    text = _smallest(('name = "Bob"', 'name = "Bob Hale"'), ('suspect = "Bob"', 'suspect = "Mr Hales"'))
    with pytest.raises(StoryError, match="unknown suspect 'Mr Hales': did you mean 'Bob Hale'"):
        check_text(text, "x.toml")


def test_suggestion_keeps_the_names_capitals() -> None:
    with pytest.raises(StoryError, match="did you mean 'Bob'\\?"):
        check_text(_smallest(('suspect = "Bob"', 'suspect = "Bobb"')), "x.toml")


def test_retract_suggestion_differs_from_what_was_written() -> None:
    retract = '\n[[clues]]\ntext = "No."\nfacts = [{ kind = "retract", fact = "red-hair" }]\n\n[solution]'
    text = _smallest(('{ kind = "evidence"', '{ kind = "evidence", id = "Red-Hair"'), ("[solution]", retract))
    with pytest.raises(StoryError) as caught:
        check_text(text, "x.toml")
    assert "did you mean 'Red-Hair'?" in str(caught.value)


def test_retract_of_a_later_fact_says_so() -> None:
    with pytest.raises(StoryError) as caught:
        check_file(DATA / "invalid" / "retract_forward_reference.toml")
    message = caught.value.errors[0].message
    assert "give the fact to retract an id" not in message
    assert "later" in message


def test_messages_stay_short_for_huge_values() -> None:
    with pytest.raises(StoryError) as caught:
        check_text(_smallest(('suspect = "Bob"', f'suspect = "{"x" * 5000}"')), "x.toml")
    assert all(len(problem.message) < 300 for problem in caught.value.problems)


def test_never_mentioned_warning_points_at_the_suspect() -> None:
    warnings = check_file(DATA / "valid" / "easy.toml").warnings
    never = next(warning for warning in warnings if "never mentioned" in warning.message)
    assert (never.line, never.column) == (21, 1)  # the [[suspects]] of Edgar Voss


# --- locate -------------------------------------------------------------------------------------------------------


def _where(text: str, path: tuple[str | int, ...]) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    found = locate(text)
    return found.keys.get(path), found.values.get(path)


def test_locate_skips_brackets_hashes_and_keys_inside_multiline_strings() -> None:
    text = 'intro = """\n[[not a table]]\n# not a comment\nkey = "not a key"\n"""\ntitle = "T"\n'
    assert tomllib.loads(text)["title"] == "T"
    found = locate(text)
    assert found.keys == {("intro",): (1, 1), ("title",): (6, 1)}
    assert found.values == {("intro",): (1, 9), ("title",): (6, 9)}


def test_locate_multiline_literal_and_escaped_strings() -> None:
    text = (
        "a = '''\n]] ' '' \\'''\n"  # a literal multi-line string may hold quotes and a trailing backslash
        's = """q"""""\n'  # ends in two extra quotes: 'q""'
        'e = "\\" [ # }"\n'  # an escaped quote does not end a basic string
        "p = 'C:\\'\n"  # nor does a backslash end a literal one
        "z = 1\n"
    )
    data = tomllib.loads(text)
    assert (data["a"], data["s"], data["p"]) == ("]] ' '' \\", 'q""', "C:\\")
    found = locate(text)
    assert found.values == {("a",): (1, 5), ("s",): (3, 5), ("e",): (4, 5), ("p",): (5, 5), ("z",): (6, 5)}


def test_locate_quoted_and_dotted_keys() -> None:
    text = '"quoted key" = 1\n\'literal\' = 2\n"a.b" = 3\nx . "y z" . w = 4\n[ "odd.table" . sub ] # a comment\nk = 5\n'
    assert tomllib.loads(text)["x"]["y z"]["w"] == 4
    found = locate(text)
    assert found.values[("quoted key",)] == (1, 16)
    assert found.values[("literal",)] == (2, 13)
    assert found.values[("a.b",)] == (3, 9)
    assert found.keys[("x",)] == found.keys[("x", "y z")] == found.keys[("x", "y z", "w")] == (4, 1)
    assert found.values[("x", "y z", "w")] == (4, 17)
    assert found.keys[("odd.table", "sub")] == (5, 1)
    assert found.values[("odd.table", "sub", "k")] == (6, 5)


def test_locate_nested_arrays_of_inline_tables_with_comments() -> None:
    text = (
        "q = [ # opening comment, with a ] in it\n"
        "  1, # one\n"
        '  [{ a = "]" }, { b = "}", c = [[], [{ d = 2 }]] }],\n'
        "]\n"
        "r = 2 # [not a header]\n"
    )
    assert tomllib.loads(text)["q"][1][1]["c"][1][0]["d"] == 2
    assert _where(text, ("q", 0)) == ((2, 3), (2, 3))
    assert _where(text, ("q", 1, 0, "a")) == ((3, 6), (3, 10))
    assert _where(text, ("q", 1, 1, "b")) == ((3, 19), (3, 23))
    assert _where(text, ("q", 1, 1, "c")) == ((3, 28), (3, 32))
    assert _where(text, ("q", 1, 1, "c", 0)) == ((3, 33), (3, 33))
    assert _where(text, ("q", 1, 1, "c", 1, 0, "d")) == ((3, 40), (3, 44))
    assert _where(text, ("r",)) == ((5, 1), (5, 5))


def test_locate_arrays_of_tables_and_their_sub_arrays() -> None:
    text = "[[a]]\nx = 1\n[[a.b]]\ny = 2\n[[a.b]]\ny = 3\n\n[[a]]\n[[a.b]]\n  y = 4\n[a.c]\nz = 5\n"
    assert tomllib.loads(text)["a"][1]["b"][0]["y"] == 4
    found = locate(text)
    assert found.keys[("a", 0)] == (1, 1)
    assert found.keys[("a", 0, "b", 1)] == (5, 1)
    assert found.values[("a", 0, "b", 1, "y")] == (6, 5)
    assert found.keys[("a", 1)] == (8, 1)
    assert found.values[("a", 1, "b", 0, "y")] == (10, 7)
    assert found.values[("a", 1, "c", "z")] == (12, 5)


def test_locate_counts_columns_in_characters_and_accepts_crlf() -> None:
    text = 'a = "Crévillé" \r\nb = { "é" = 1, ü = 2 }\r\n'
    with pytest.raises(tomllib.TOMLDecodeError):  # bare keys are ASCII
        tomllib.loads(text)
    text = text.replace("ü", '"ü"')
    assert tomllib.loads(text)["b"]["ü"] == 2
    assert _where(text, ("b", "é")) == ((2, 7), (2, 13))
    assert _where(text, ("b", "ü")) == ((2, 16), (2, 22))


def test_locations_fall_back_to_the_nearest_enclosing_path() -> None:
    found = locate('[solution]\nculprit = "butler"\n\n[[clues]]\ntext = "x"\n')
    assert found.key(("solution", "reveal")) == (1, 1)
    assert found.value(("clues", 0, "facts", 3)) == (4, 1)
    assert found.value(("nowhere", 1)) == (1, 1)
    assert Locations().key(()) == (1, 1)
    assert Locations().value(("a",)) == (1, 1)


def test_locations_value_falls_back_to_the_key() -> None:
    found = locate("[[clues]]\ntext = 'x'\n[[clues.facts]]\nkind = 'alibi'\n")
    assert ("clues", 0, "facts") not in found.values
    assert found.value(("clues", 0, "facts")) == (3, 1)


def test_locate_literal_key_with_backslash() -> None:
    text = "'C:\\x' = 1\n"
    assert tomllib.loads(text) == {"C:\\x": 1}
    assert _where(text, ("C:\\x",)) == ((1, 1), (1, 10))


def test_locate_non_ascii_key_with_an_escape() -> None:
    text = '"é\\"" = 1\n'
    assert tomllib.loads(text) == {'é"': 1}
    assert _where(text, ('é"',)) == ((1, 1), (1, 9))


# --- did_you_mean ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "choices", "otherwise", "expected"),
    [
        ("buttler", ["butler", "maid"], "", ": did you mean 'butler'?"),
        ("BUTLER", ["butler", "maid"], "", ": did you mean 'butler'?"),
        ("evidense", ["trait", "evidence", "alibi"], "", ": did you mean 'evidence'?"),
        ("pronoun", ("name", "role", "pronouns", "traits"), "", ": did you mean 'pronouns'?"),
        ("xyz", ["butler", "maid"], "; use one of: butler, maid", "; use one of: butler, maid"),
        ("xyz", [], "", ""),
        ("", ["butler"], "!", "!"),
    ],
)
def test_did_you_mean(word: str, choices: list[str], otherwise: str, expected: str) -> None:
    assert did_you_mean(word, choices, otherwise) == expected


def test_did_you_mean_accepts_any_iterable() -> None:
    assert did_you_mean("hiar", {"hair": 1, "coat": 2}) == ": did you mean 'hair'?"
    assert did_you_mean("hiar", (name for name in ("coat", "hair"))) == ": did you mean 'hair'?"


def test_did_you_mean_keeps_the_choices_spelling() -> None:
    assert did_you_mean("Hobs", ["Hobbs", "Mary"]) == ": did you mean 'Hobbs'?"


def test_problem_and_error_rendering() -> None:
    problem = Problem("a.toml", 3, 7, "unknown suspect 'x'")
    warning = Problem("a.toml", 1, 1, "too easy", "warning")
    error = StoryError([problem, warning])
    assert str(error) == "a.toml:3:7: error: unknown suspect 'x'\na.toml:1:1: warning: too easy"
    assert error.errors == (problem,)
