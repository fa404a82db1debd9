"""The phrase files (story/phrases/*.toml): they parse, they are documented, every template uses only the
placeholders the generator fills, and the banks the generator draws from are exactly their contents."""

from __future__ import annotations

import copy
import fnmatch
import random
import re
import string
import tomllib
from pathlib import Path

from story import grammar
from story.generator import PRESETS, generate_case
from story.grammar import BANKS, TEMPLATE_SLOTS, phrase_problems, read_phrase_files
from story.narration import Narrator
from story.plan import PlannedClue
from story.traits import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
PHRASES = ROOT / "story" / "phrases"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def templates_of(file: dict) -> list[str]:
    """Every template string in a parsed phrase file, however deeply nested."""
    found: list[str] = []
    stack: list[object] = [file]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, list):
            stack += item
        elif isinstance(item, dict):
            stack += item.values()
    return found


def test_every_phrase_file_parses_and_is_read_by_the_grammar() -> None:
    names = sorted(path.stem for path in PHRASES.glob("*.toml"))
    assert names == sorted(BANKS)
    for name in names:
        tomllib.loads((PHRASES / f"{name}.toml").read_text(encoding="utf-8"))


def test_the_phrase_files_have_no_problems() -> None:
    assert phrase_problems(read_phrase_files()) == []


def test_each_file_header_names_its_banks_and_their_placeholders() -> None:
    for name, banks in BANKS.items():
        text = (PHRASES / f"{name}.toml").read_text(encoding="utf-8")
        lines = text.splitlines()
        header = "\n".join(lines[: next(i for i, line in enumerate(lines) if not line.startswith("#"))])
        assert header.count("\n") >= 2, f"{name}.toml has no comment header"
        for key in banks:
            assert key in header, f"{name}.toml's header does not say what '{key}' is for"
        used = {slot for template in templates_of(tomllib.loads(text)) for slot in placeholders(template)}
        for slot in used:
            assert f"{{{slot}}}" in header, f"{name}.toml's header does not explain {{{slot}}}"


def banks_by_place(table: object, shape: str) -> dict[str, object]:
    """A bank, or a table of banks, as {"trait.value": bank}, {"trait": bank}, {"name": bank} or {"": bank}."""
    if shape == "words by value":
        assert isinstance(table, dict)
        return {f"{trait}.{value}": bank for trait, values in table.items() for value, bank in values.items()}
    if shape in ("templates by trait", "words by name"):
        assert isinstance(table, dict)
        return dict(table)
    return {"": table}


def test_the_banks_the_generator_draws_from_are_the_files_contents() -> None:
    data = read_phrase_files()
    for name, banks in BANKS.items():
        for key, shape in banks.items():
            loaded = banks_by_place(getattr(grammar, key.upper()), shape)
            written = banks_by_place(data[name][key], shape)
            assert list(loaded) == list(written), (name, key)  # the same traits and values, in file order
            for where, bank in written.items():
                if isinstance(bank, str):  # a single template
                    assert loaded[where] == bank, (name, key)
                    continue
                assert isinstance(bank, list)
                # A tuple in file order: the seeded draws pick entries by position.
                assert type(loaded[where]) is tuple and loaded[where] == tuple(bank), (name, key, where)
                assert bank and len(set(bank)) == len(bank), (name, key, where)


def test_every_template_renders_with_what_the_generator_fills() -> None:
    """Each template of each bank is filled the way the generator fills it, for every trait and value."""
    story = generate_case(1, "default")
    narrator = Narrator(random.Random(0), PRESETS["default"], story.suspects)
    fill = narrator.fill
    for trait, entry in CATALOGUE.items():
        for value in entry.generated_values:
            for named in (True, False):
                words = narrator.value_words(PlannedClue("statement", 0, trait, value), True)
                for template in grammar.STATEMENTS[trait]:
                    assert "{" not in fill(template, 0, named=named, **words), template
            words = narrator.value_words(PlannedClue("evidence", -1, trait, value), False)
            for template in grammar.EVIDENCE[trait]:
                assert "{" not in fill(template, -1, **words), template
        for template in grammar.RETRACTIONS:
            assert "{" not in fill(template, 0, w="the vicar", noun=entry.noun), template
        for value in grammar.SPOKEN_VALUE_WORDS.get(trait, {}):
            words = narrator.value_words(PlannedClue("statement", 0, trait, value), True, spoken=True)
            for template in grammar.STATEMENTS[trait] + grammar.SPOKEN_STATEMENTS[trait]:
                assert "{" not in fill(template, 0, **words), template
        for value in entry.generated_values:
            for said in grammar.SHARED_VALUE_WORDS.get(trait, {}).get(value, (value,)):
                for template in grammar.SHARED_STATEMENTS[trait]:
                    assert "{" not in fill(template, -1, a="Martin", b="the cook", v=said), template
            for said in grammar.LISTED_VALUE_WORDS.get(trait, {}).get(value, (value,)):
                three = {"a": "Martin", "b": "the cook", "c": "Ada", "va": said, "vb": said, "vc": said}
                for template in grammar.LISTED_STATEMENTS[trait]:
                    assert "{" not in fill(template, -1, **three), template
    for bank in (grammar.ALIBIS, grammar.BROKEN_ALIBIS, grammar.SUSPICIONS, grammar.SUBJECT_INTROS):
        for template in bank:
            assert "{" not in fill(template, 0), template
    for template in grammar.FLAVOUR:
        assert "{" not in fill(template, -1), template
    frames = (
        (grammar.STATEMENT_FRAMES + grammar.EVIDENCE_FRAMES, {"c": "x"}),
        (grammar.STATEMENT_FRAMES_NAMED + grammar.TESTIMONY_FRAMES, {"c": "x", "w": "the vicar"}),
        (grammar.EVIDENCE_FRAMES_PLACED, {"c": "x", "xp": "the vicar's"}),
    )
    for bank, slots in frames:
        for template in bank:
            assert "{" not in template.format(**slots), template


def test_the_words_of_the_banks_are_words_the_prose_can_hold() -> None:
    """phrase_words feeds the readers' vocabulary: no word in it may be a placeholder's stand-in ("{v}-haired"
    must not become a word of its own), and the plain words of the banks are there."""
    words = grammar.phrase_words()
    assert not [word for word in words if "placeholder" in word]
    assert {"both", "cigars", "constable"} <= words


def test_every_bank_of_templates_has_its_slots_declared() -> None:
    template_banks = {key for banks in BANKS.values() for key, shape in banks.items() if "template" in shape}
    assert template_banks == set(TEMPLATE_SLOTS)


def test_bad_phrases_are_told_by_file_bank_and_entry() -> None:
    data = copy.deepcopy(read_phrase_files())
    roles = len(data["cast"]["roles"])  # where each appended entry lands
    frames = len(data["statements"]["statement_frames"])
    hair, drink = (len(data["evidence"]["evidence"][trait]) for trait in ("hair", "drink"))
    data["statements"]["statements"]["hair"][0] = "{s} has {colour} hair"
    data["statements"]["statements"]["hair"][1] = "{s} keeps {p} {item} tidy"  # hair has no items
    data["statements"]["statements"]["coat"][0] = "{s} wears a {v:>6} coat"
    data["statements"]["statement_frames"].append("{w} says {c}.")  # pronoun subjects: no witness
    data["evidence"]["evidence"]["hair"].append("a hair was found")
    data["evidence"]["evidence"]["drink"].append("{k} drank {v")
    data["cast"]["roles"].append("butler")
    data["scenery"]["bridges"][0] = "The lamps in the {room} flickered."
    data["alibis"]["alibi"] = ["{s} was out."]
    del data["scenery"]["flavour"]
    del data["values"]["items"]["tobacco"]["snuff"]
    data["values"]["value_words"]["hair"] = {"ginger": ["ginger"]}
    data["statements"]["spoken_statements"]["coat"] = ["{s} wears {v}"]  # coats have no spoken words
    del data["values"]["spoken_plural_words"]["shoe_size"]  # each spoken word has its plural
    assert phrase_problems(data) == [
        f"story/phrases/cast.toml: roles[{roles}]: 'butler' is listed twice, so it would be drawn twice as often",
        "story/phrases/values.toml: value_words.hair: unknown value 'ginger'",
        "story/phrases/values.toml: items.tobacco: no bank for value 'snuff'",
        "story/phrases/values.toml: spoken_plural_words: no bank for trait 'shoe_size'",
        f"story/phrases/statements.toml: statement_frames[{frames}]: unknown placeholder {{w}}; this bank takes {{c}}",
        "story/phrases/statements.toml: statements.hair[0]: unknown placeholder {colour}; this bank takes {obj}, "
        "{p}, {room}, {s}, {sp}, {sub}, {v}, {vn}, {vp}",
        "story/phrases/statements.toml: statements.hair[0]: needs {item} or {v} or {vn} or {vp}",
        "story/phrases/statements.toml: statements.hair[1]: unknown placeholder {item}; this bank takes {obj}, "
        "{p}, {room}, {s}, {sp}, {sub}, {v}, {vn}, {vp}",
        "story/phrases/statements.toml: statements.coat[0]: placeholder {v} has a format or conversion; write it "
        "plain, {v}",
        "story/phrases/statements.toml: spoken_statements.coat: the trait has no spoken_value_words",
        f"story/phrases/evidence.toml: evidence.hair[{hair}]: needs {{item}} or {{v}} or {{vn}} or {{vp}}",
        f"story/phrases/evidence.toml: evidence.drink[{drink}]: expected '}}' before end of string; "
        "a brace meant as text is written {{ or }}",
        "story/phrases/alibis.toml: unknown bank 'alibi'; "
        "banks: alibis, broken_alibis, paired_alibis, paired_broken_alibis, own_alibis, implied_alibis, activities",
        "story/phrases/scenery.toml: missing bank 'flavour'",
        "story/phrases/scenery.toml: bridges[0]: a brace, in words that go into the prose as written",
    ]


def test_an_installed_wheel_ships_the_phrase_files() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["story"]
    for path in PHRASES.glob("*.toml"):
        relative = path.relative_to(ROOT / "story").as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


def test_names_and_roles_suffice_for_the_largest_cast() -> None:
    """The generator draws a cast's names (per pronoun) and roles without repeats; a cast has up to 8 suspects."""
    assert min(len(grammar.MALE_NAMES), len(grammar.FEMALE_NAMES), len(grammar.ROLES)) >= 8


def test_a_role_of_one_sex_must_be_a_role() -> None:
    data = copy.deepcopy(read_phrase_files())
    data["cast"]["female_roles"].append("duchess")
    assert phrase_problems(data) == ["story/phrases/cast.toml: female_roles: 'duchess' is not one of roles"]


def test_a_value_said_otherwise_takes_the_right_article() -> None:
    """Every template that writes "a {v}", filled with every word of `synonym_share` and `spoken_size_share`
    (and every size in digits), says "an auburn hair", "an eleven", "an 8", never "a olive coat"."""
    story = generate_case(1, "default")
    narrator = Narrator(random.Random(0), PRESETS["default"], story.suspects)
    wrong = re.compile(r"\b[Aa] (?:[aeio][\w-]*|8|11|18)\b")
    tables = (grammar.SYNONYM_VALUE_WORDS, grammar.SPOKEN_VALUE_WORDS, grammar.SPOKEN_PLURAL_WORDS)
    checked = 0
    for trait, entry in CATALOGUE.items():
        words = {word for table in tables for choices in table.get(trait, {}).values() for word in choices}
        words |= set(entry.generated_values)
        banks = (
            grammar.STATEMENTS[trait],
            grammar.SPOKEN_STATEMENTS.get(trait, ()),
            grammar.EVIDENCE[trait],
            grammar.FIRST_PERSON[trait],
        )
        for word in words:
            slots = {"v": word, "vp": word, "vn": word, "vs": word, "item": "case", "w": "the vicar", "k": "the killer"}
            for template in (template for bank in banks for template in bank):
                text = narrator.fill(template, 0, **slots)
                assert not wrong.search(text), text
                checked += "{v}" in template
            three = {"a": "Martin", "b": "the cook", "c": "Ada", "va": word, "vb": word, "vc": word}
            for template in grammar.LISTED_STATEMENTS[trait]:
                assert not wrong.search(narrator.fill(template, -1, **three)), template
            for template in grammar.SHARED_STATEMENTS[trait]:
                assert not wrong.search(narrator.fill(template, -1, a="Martin", b="the cook", v=word)), template
    assert checked > 1_000


# Words that put a scene somewhere a generated case never is: every case is set at an English country house
# (setting.toml's places) between 1923 and 1938, so an entry that rocks a train, docks a shuttle or buzzes an
# open-plan office breaks the story for a player mid-case. Entries may still place a suspect elsewhere (an
# alibi on "the last train out of the valley"); these words are the ones that only fit a scene set there.
OFF_SETTING = (
    "airlock", "orbit", "orbital", "intercom", "monitors", "telemetry", "hull", "viewport", "hydroponics",
    "email", "inboxes", "microwaved", "photocopier", "whiteboard", "fluorescent", "open-plan",
    "elevator", "swipe-card", "neon", "subway", "streetcar", "skyscraper", "taxi", "cops", "diner",
    "senators", "chariots", "souk", "muezzin", "camels", "felucca", "feluccas", "gangway", "promenade deck",
    "cabin", "bunk", "bunks", "dining car", "signal box", "wheelhouse", "galley",
    "blackout", "ration books",
    "racecourse", "bookmakers", "members' enclosure", "taproom", "bar parlour", "sickroom", "barrel organ",
    "county town", "pier", "bathing machines", "boarding house", "sea wall", "station buffet", "cattle market",
    "chain ferry",
)  # fmt: skip


def test_no_phrase_sets_its_scene_outside_a_country_house() -> None:
    pattern = re.compile(r"\b(" + "|".join(re.escape(word) for word in OFF_SETTING) + r")\b", re.IGNORECASE)
    found = [
        f"{name}.toml: {entry!r}"
        for name, file in read_phrase_files().items()
        for entry in templates_of(file)
        if pattern.search(entry)
    ]
    assert found == []


def test_phrases_that_fit_only_some_cases_are_checked_against_the_setting_and_the_alibis() -> None:
    """The tables that fit phrases to a case name seasons, places and titles the files have, kinds of words some
    season or place has, and activities some alibi and broken alibi name; and every alibi has a broken alibi that
    fits it (the same room and witness, the same activity)."""
    data = copy.deepcopy(read_phrase_files())
    data["setting"]["season_kinds"]["a sultry August night"].append("monsoon")
    data["setting"]["place_kinds"]["Nowhere Hall"] = ["abbey"]
    data["setting"]["season_words"]["blossom"] = ["blossom"]
    data["cast"]["first_name_titles"].append("Baron")
    data["alibis"]["activities"]["golf"] = ["golf"]
    data["alibis"]["implied_alibis"].append("{s} was on the links all day, playing golf.")
    data["alibis"]["broken_alibis"] = [each for each in data["alibis"]["broken_alibis"] if "{w}" in each]
    problems = phrase_problems(data)
    last = len(data["alibis"]["implied_alibis"]) - 1
    for problem in (
        "story/phrases/cast.toml: first_name_titles: 'Baron' is not one of male_titles or female_titles",
        "story/phrases/setting.toml: season_kinds.a sultry August night: 'monsoon' is not a kind of season_words",
        "story/phrases/setting.toml: place_kinds: 'Nowhere Hall' is not one of places",
        "story/phrases/setting.toml: season_words.blossom: no entry of season_kinds has it, so its words are never "
        "said",
        "story/phrases/alibis.toml: activities.golf: no broken alibi names it",
        f"story/phrases/alibis.toml: implied_alibis[{last}]: no broken alibi fits it (see activities)",
    ):
        assert problem in problems, (problem, problems)
    assert phrase_problems(read_phrase_files()) == []


def test_a_broken_alibi_fits_only_an_alibi_it_can_break() -> None:
    assert grammar.break_fits(
        "It turns out that {s} was not in the {room} after all.", "{w} swears {s} never left the {room}."
    )
    assert not grammar.break_fits("It turns out that {s} was not in the {room} after all.", "{s} was in the darkroom.")
    assert not grammar.break_fits("{sp} alibi falls apart: {w} was asleep by nine.", "At the hour {s} was on stage.")
    card_game = "The card game that was supposed to cover {s} broke up at ten, {w} now recalls."
    assert grammar.break_fits(card_game, "{s} was playing cards with {w} all evening.")
    assert not grammar.break_fits(card_game, "{w} swears that {s} sat at the piano in the {room}.")
