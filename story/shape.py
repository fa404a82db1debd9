"""A story's shape: parsed story data (a TOML file, or a JSONL record of generated cases) checked key by key
(types, names, catalogue values, caps) and turned into a Story, or every problem found, each located at its line
and column.

story/loader.py reads the text and parses the TOML; this module judges what was parsed; story/oracle.py then
judges the logic (consistency, a unique culprit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from story.data import (
    FACT_KINDS,
    Alibi,
    AlibiBroken,
    Clue,
    Evidence,
    Fact,
    Retraction,
    Story,
    Suspect,
    TraitStated,
)
from story.locate import Locations, Path
from story.mentions import HONORIFICS, TITLES
from story.problems import Problem, StoryError, did_you_mean, quote
from story.traits import CATALOGUE, PRONOUNS, trait_value

# Caps: a story file is a few kilobytes; these bound what a stranger's file can make us do.
MAX_FILE_BYTES = 256 * 1024
MIN_SUSPECTS, MAX_SUSPECTS = 3, 8
MAX_CLUES = 300
MAX_FACTS_PER_CLUE = 8
MAX_NAME_CHARS = 40  # names, roles, aliases, fact ids
MAX_ALIASES = 12  # per suspect
MAX_TITLE_CHARS = 120
MAX_CLUE_CHARS = 1_200
MAX_NARRATION_CHARS = 6_000  # intro, setting, victim, reveal

TOP_KEYS = ("format", "title", "setting", "victim", "intro", "suspects", "clues", "solution")
SUSPECT_KEYS = ("name", "role", "pronouns", "aliases", "traits")
CLUE_KEYS = ("text", "facts")
SOLUTION_KEYS = ("culprit", "reveal")
FACT_KEYS: dict[str, tuple[str, ...]] = {
    "trait": ("kind", "id", "suspect", "trait", "value"),
    "evidence": ("kind", "id", "trait", "value"),
    "alibi": ("kind", "id", "suspect"),
    "alibi_broken": ("kind", "id", "suspect"),
    "retract": ("kind", "id", "fact"),
}
PRONOUN_SPELLINGS = {"he": "he", "she": "she", "they": "they", "he/him": "he", "she/her": "she", "they/them": "they"}
FORMAT_VERSION = 1

_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "an array",
    dict: "a table",
}


def _type_name(value: object) -> str:
    return next((name for kind, name in _TYPE_NAMES.items() if type(value) is kind), "a date or time")


class _ShapeChecker:
    """Turns the parsed TOML tree into a Story, recording a located problem for everything wrong with it."""

    def __init__(self, source: str, locations: Locations) -> None:
        self.source = source
        self.locations = locations
        self.problems: list[Problem] = []
        self.clue_of_id: dict[str, int] = {}

    def error(self, path: Path, message: str, *, at_key: bool = False) -> None:
        line, column = self.locations.key(path) if at_key else self.locations.value(path)
        self.problems.append(Problem(self.source, line, column, message))

    # --- generic checks ---------------------------------------------------------------------------------------
    def unknown_keys(self, table: dict[str, Any], allowed: tuple[str, ...], path: Path, what: str) -> None:
        for key in table:
            if key not in allowed:
                hint = did_you_mean(key, allowed, f"; expected one of: {', '.join(allowed)}")
                self.error((*path, key), f"unknown key {quote(key)} in {what}{hint}", at_key=True)

    def text(self, table: dict[str, Any], key: str, path: Path, *, limit: int, required: bool = True) -> str | None:
        if key not in table:
            if required:
                self.error(path, f"missing '{key}'", at_key=True)
            return None
        value = table[key]
        if not isinstance(value, str):
            self.error((*path, key), f"'{key}' must be a string, not {_type_name(value)}")
            return None
        if not value.strip():
            self.error((*path, key), f"'{key}' is empty")
            return None
        if len(value) > limit:
            self.error((*path, key), f"'{key}' is {len(value):,} characters long; the limit is {limit:,}")
            return None
        return value.strip()

    def tables(self, data: dict[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
        """An array of tables such as [[clues]]; an empty list if absent or malformed (after saying so)."""
        if key not in data:
            self.error(path, f"missing '{key}'", at_key=True)
            return []
        value = data[key]
        if not isinstance(value, list):
            self.error((*path, key), f"'{key}' must be an array of tables ([[{key}]]), not {_type_name(value)}")
            return []
        good = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.error((*path, key, index), f"each entry of '{key}' must be a table, not {_type_name(item)}")
        return good if len(good) == len(value) else []

    # --- the story --------------------------------------------------------------------------------------------
    def story(self, data: dict[str, Any], generated: bool = False) -> Story | None:
        """The Story, or None with self.problems filled. `generated` admits a JSONL record's "generated" key."""
        self.unknown_keys(data, (*TOP_KEYS, "generated") if generated else TOP_KEYS, (), "the story")
        seed, difficulty = self.generated(data.get("generated")) if generated and "generated" in data else (None, None)
        self.format_version(data)
        title = self.text(data, "title", (), limit=MAX_TITLE_CHARS)
        setting = self.text(data, "setting", (), limit=MAX_NARRATION_CHARS)
        victim = self.text(data, "victim", (), limit=MAX_NARRATION_CHARS)
        intro = self.text(data, "intro", (), limit=MAX_NARRATION_CHARS)
        suspect_tables = self.tables(data, "suspects", ())
        if isinstance(data.get("suspects"), list) and not data["suspects"]:
            self.error(("suspects",), f"a cast needs {MIN_SUSPECTS} to {MAX_SUSPECTS} suspects, not 0", at_key=True)
        suspects = self.suspects(suspect_tables)
        # Every entry that names someone can be referred to, even one with other problems, so that one bad
        # suspect does not make every clue about them an "unknown suspect" too.
        resolve = _Resolver([(t.get("name"), t.get("role"), *_listed(t.get("aliases"))) for t in suspect_tables])
        clue_tables = self.tables(data, "clues", ())
        if len(clue_tables) > MAX_CLUES:
            self.error(("clues", MAX_CLUES), f"too many clues: {len(clue_tables)}; the limit is {MAX_CLUES}")
            clue_tables = clue_tables[:MAX_CLUES]
        fact_ids: dict[str, Path] = {}
        self.clue_of_id = {  # every fact id in the file, for "that fact comes later" messages
            fact["id"]: index
            for index, table in enumerate(clue_tables)
            for fact in (table.get("facts") if isinstance(table.get("facts"), list) else [])
            if isinstance(fact, dict) and isinstance(fact.get("id"), str)
        }
        clues = [self.clue(table, ("clues", index), resolve, fact_ids) for index, table in enumerate(clue_tables)]
        if "clues" in data and not clue_tables and isinstance(data["clues"], list) and not data["clues"]:
            self.error(("clues",), "a story needs at least one clue")
        culprit, reveal = self.solution(data, resolve)
        if self.problems or None in (title, setting, victim, intro, reveal, culprit):
            if not self.problems:  # cannot happen: each missing part was reported; never fail silently
                self.error((), "the story is incomplete")
            return None
        assert title and setting and victim and intro and reveal and culprit is not None  # for the type checker
        clue_tuple = tuple(c for c in clues if c)
        return Story(title, setting, victim, intro, tuple(suspects), clue_tuple, culprit, reveal, seed, difficulty)

    def format_version(self, data: dict[str, Any]) -> None:
        """A wrong type is told apart from a version this whodunit does not read: `format = "1"` is a slip of
        the pen, `format = 2` a file from a newer whodunit."""
        if "format" not in data:
            return
        value = data["format"]
        if type(value) is not int:  # true is an int to Python, never to TOML
            quoted = isinstance(value, str) and value.strip() == str(FORMAT_VERSION)
            hint = f" (write format = {FORMAT_VERSION}, without quotes)" if quoted else ""
            self.error(("format",), f"'format' must be an integer, not {_type_name(value)}{hint}")
        elif value != FORMAT_VERSION:
            self.error(("format",), f"unsupported format {value}; this whodunit reads format {FORMAT_VERSION}")

    def generated(self, raw: object) -> tuple[int | None, str | None]:
        """The generator's record of a case: {"seed": int, "difficulty": str}."""
        if (
            isinstance(raw, dict)
            and set(raw) == {"seed", "difficulty"}
            and isinstance(raw["seed"], int)
            and isinstance(raw["difficulty"], str)
        ):
            return raw["seed"], raw["difficulty"]
        self.error(("generated",), 'the "generated" record must be {"seed": <integer>, "difficulty": <string>}')
        return None, None

    def suspects(self, tables: list[dict[str, Any]]) -> list[Suspect]:
        if tables and not MIN_SUSPECTS <= len(tables) <= MAX_SUSPECTS:
            self.error(
                ("suspects",), f"a cast needs {MIN_SUSPECTS} to {MAX_SUSPECTS} suspects, not {len(tables)}", at_key=True
            )
        suspects = []
        seen: dict[str, str] = {}  # lower-cased name, role or alias -> what it was first used as
        for index, table in enumerate(tables):
            path: Path = ("suspects", index)
            self.unknown_keys(table, SUSPECT_KEYS, path, "a suspect")
            name = self.text(table, "name", path, limit=MAX_NAME_CHARS)
            role = self.text(table, "role", path, limit=MAX_NAME_CHARS)
            role = _without_article(role) if role else role
            aliases = self.aliases(table, path)
            words: list[tuple[Path, str, str | None]] = [
                ((*path, "name"), "name", name),
                ((*path, "role"), "role", role),
            ]
            words += [((*path, "aliases", at), "alias", alias) for at, alias in enumerate(aliases or ())]
            for word_path, key, word in words:
                if word is None:
                    continue
                if _reference(word) in seen:
                    self.error(
                        word_path,
                        f"{key} {quote(word)} is already used as {_ARTICLES[seen[_reference(word)]]}; "
                        "suspects are named by name, role or alias, so each must be unique",
                    )
                seen[_reference(word)] = key
            pronoun = self.pronoun(table, path)
            traits = self.cast_traits(table, path)
            if name and role and pronoun and traits is not None and aliases is not None:
                suspects.append(Suspect(name, role, pronoun, traits, aliases))
        return suspects

    def aliases(self, table: dict[str, Any], path: Path) -> tuple[str, ...] | None:
        """The other words the prose uses for a suspect, each with a leading "the " dropped, as for roles."""
        raw = table.get("aliases", [])
        if not isinstance(raw, list):
            self.error((*path, "aliases"), f"'aliases' must be an array of strings, not {_type_name(raw)}")
            return None
        if len(raw) > MAX_ALIASES:
            self.error((*path, "aliases"), f"too many aliases: {len(raw)}; the limit is {MAX_ALIASES}")
            return None
        aliases: list[str] = []
        for index, alias in enumerate(raw):
            alias_path: Path = (*path, "aliases", index)
            if not isinstance(alias, str):
                self.error(alias_path, f"each alias must be a string, not {_type_name(alias)}")
            elif not alias.strip() or _reference(alias) == "":
                self.error(alias_path, "an alias must not be empty")
            elif len(alias) > MAX_NAME_CHARS:
                self.error(alias_path, f"an alias is at most {MAX_NAME_CHARS} characters, not {len(alias)}")
            else:
                aliases.append(_without_article(alias))
        return tuple(aliases) if len(aliases) == len(raw) else None

    def pronoun(self, table: dict[str, Any], path: Path) -> str | None:
        raw = self.text(table, "pronouns", path, limit=MAX_NAME_CHARS)
        if raw is None:
            return None
        pronoun = PRONOUN_SPELLINGS.get(raw.lower().replace(" ", ""))
        if pronoun is None:
            self.error((*path, "pronouns"), f"unknown pronouns {quote(raw)}; use one of: {', '.join(PRONOUNS)}")
        return pronoun

    def cast_traits(self, table: dict[str, Any], path: Path) -> dict[str, str] | None:
        raw = table.get("traits", {})
        if not isinstance(raw, dict):
            self.error((*path, "traits"), f"'traits' must be a table, not {_type_name(raw)}")
            return None
        traits = {}
        for trait, value in raw.items():
            checked = self.trait_and_value(trait, value, (*path, "traits", trait), (*path, "traits", trait))
            if checked:
                traits[checked[0]] = checked[1]
        return traits

    def trait_and_value(
        self,
        trait: object,
        value: object,
        trait_path: Path,
        value_path: Path,
    ) -> tuple[str, str] | None:
        if not isinstance(trait, str) or trait not in CATALOGUE:
            catalogue = f"; the catalogue has: {', '.join(CATALOGUE)}"
            self.error(
                trait_path,
                f"unknown trait {quote(trait)}{did_you_mean(str(trait), CATALOGUE, catalogue)}",
                at_key=trait_path == value_path,
            )
            return None
        checked = trait_value(trait, value)
        if checked is None:
            values = CATALOGUE[trait].values
            hint = did_you_mean(str(value), values, f"; use one of: {', '.join(values)}")
            self.error(value_path, f"{quote(value)} is not a value of {trait}{hint}")
            return None
        return trait, checked

    # --- clues and facts --------------------------------------------------------------------------------------
    def clue(self, table: dict[str, Any], path: Path, resolve: _Resolver, fact_ids: dict[str, Path]) -> Clue | None:
        self.unknown_keys(table, CLUE_KEYS, path, "a clue")
        text = self.text(table, "text", path, limit=MAX_CLUE_CHARS)
        raw_facts = table.get("facts", [])
        if not isinstance(raw_facts, list):
            self.error((*path, "facts"), f"'facts' must be an array of tables, not {_type_name(raw_facts)}")
            return None
        if len(raw_facts) > MAX_FACTS_PER_CLUE:
            self.error((*path, "facts"), f"{len(raw_facts)} facts in one clue; the limit is {MAX_FACTS_PER_CLUE}")
            return None
        facts = [self.fact(raw, (*path, "facts", index), resolve, fact_ids) for index, raw in enumerate(raw_facts)]
        if text is None or any(fact is None for fact in facts):
            return None
        return Clue(text, tuple(fact for fact in facts if fact is not None))

    def fact(self, raw: object, path: Path, resolve: _Resolver, fact_ids: dict[str, Path]) -> Fact | None:
        if not isinstance(raw, dict):
            self.error(
                path, f'a fact must be a table such as {{ kind = "alibi", suspect = "maid" }}, not {_type_name(raw)}'
            )
            return None
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in FACT_KINDS:
            kinds = ", ".join(FACT_KINDS)
            if kind is None:
                self.error(path, f"a fact needs a 'kind': one of {kinds}")
            else:
                hint = did_you_mean(str(kind), FACT_KINDS, f"; use one of: {kinds}")
                self.error((*path, "kind"), f"unknown fact kind {quote(kind)}{hint}")
            return None
        allowed = FACT_KEYS[kind]
        self.unknown_keys(raw, allowed, path, f"a fact of kind '{kind}'")
        missing = [key for key in allowed if key not in raw and key != "id"]
        if missing:
            self.error(path, f"a fact of kind '{kind}' needs {' and '.join(repr(key) for key in missing)}")
            return None
        fact_id = self.fact_id(raw, path, fact_ids)
        match kind:
            case "trait":
                slot = resolve(raw["suspect"], (*path, "suspect"), self.error)
                checked = self.trait_and_value(raw["trait"], raw["value"], (*path, "trait"), (*path, "value"))
                if slot is None or checked is None:
                    return None
                return TraitStated(slot, checked[0], checked[1], fact_id)
            case "evidence":
                checked = self.trait_and_value(raw["trait"], raw["value"], (*path, "trait"), (*path, "value"))
                return Evidence(checked[0], checked[1], fact_id) if checked else None
            case "alibi" | "alibi_broken":
                slot = resolve(raw["suspect"], (*path, "suspect"), self.error)
                if slot is None:
                    return None
                return Alibi(slot, fact_id) if kind == "alibi" else AlibiBroken(slot, fact_id)
            case _:
                target = raw["fact"]
                if target == fact_id:
                    self.error((*path, "fact"), "a fact cannot retract itself; name an earlier fact's id")
                    return None
                if isinstance(target, str) and target not in fact_ids and target in self.clue_of_id:
                    self.error(
                        (*path, "fact"),
                        f"fact {quote(target)} is stated later, in clue {self.clue_of_id[target] + 1}; a retraction "
                        "must come after the fact it retracts",
                    )
                    return None
                if not isinstance(target, str) or target not in fact_ids:
                    otherwise = "; give the fact to retract an id, and retract it after it is stated"
                    hint = did_you_mean(target, fact_ids, otherwise) if isinstance(target, str) else otherwise
                    self.error((*path, "fact"), f"no earlier fact has id {quote(target)}{hint}")
                    return None
                return Retraction(target, fact_id)

    def fact_id(self, raw: dict[str, Any], path: Path, fact_ids: dict[str, Path]) -> str | None:
        if "id" not in raw:
            return None
        fact_id = raw["id"]
        if not isinstance(fact_id, str) or not fact_id.strip() or len(fact_id) > MAX_NAME_CHARS:
            self.error(
                (*path, "id"),
                f"a fact id must be a non-empty string of at most {MAX_NAME_CHARS} characters, not {quote(fact_id)}",
            )
            return None
        if fact_id in fact_ids:
            line, _ = self.locations.value(fact_ids[fact_id])
            self.error((*path, "id"), f"fact id {quote(fact_id)} is already used at line {line}")
            return None
        fact_ids[fact_id] = (*path, "id")
        return fact_id

    def solution(self, data: dict[str, Any], resolve: _Resolver) -> tuple[int | None, str | None]:
        if "solution" not in data:
            self.error((), "missing [solution] table with the culprit and the reveal", at_key=True)
            return None, None
        table = data["solution"]
        if not isinstance(table, dict):
            self.error(("solution",), f"'solution' must be a table, not {_type_name(table)}")
            return None, None
        self.unknown_keys(table, SOLUTION_KEYS, ("solution",), "[solution]")
        reveal = self.text(table, "reveal", ("solution",), limit=MAX_NARRATION_CHARS)
        if "culprit" not in table:
            self.error(("solution",), "missing 'culprit': the name or role of who did it", at_key=True)
            return None, reveal
        return resolve(table["culprit"], ("solution", "culprit"), self.error), reveal


_ARTICLES = {"name": "a name", "role": "a role", "alias": "an alias"}


def _without_article(word: str) -> str:
    """ "the butler" -> "butler": prose adds the article itself, so roles and aliases are stored without it."""
    word = word.strip()
    return word[4:].strip() if word.lower().startswith("the ") else word


def _listed(raw: object) -> list[object]:
    """A suspect's `aliases` entry as a list, whatever the author wrote (checked elsewhere): a lone string still
    names the suspect, so facts that use it are not reported as unknown suspects too."""
    return raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []


def _without_honorifics(reference: str) -> str:
    """ "mrs rintoul" -> "rintoul", "dr. ingrid halvorsen" -> "ingrid halvorsen": the titles and forms of address
    that prose puts before a name, dropped from the front of a reference ("" if nothing else is left)."""
    words = reference.split()
    while words and words[0].rstrip(".") in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def _reference(word: str) -> str:
    """How a name or role is matched: case-insensitively, with a leading "the " dropped."""
    word = word.strip().lower()
    return word[4:].strip() if word.startswith("the ") else word


class _Resolver:
    """Finds a suspect's slot from a name, role or alias ("Hobbs", "butler", "the butler"), case-insensitively,
    or from one word of a name that no other suspect's name has ("Keller" for "Anton Keller"), with any title or
    form of address before it passed over ("Mrs Keller", "Doc Keller")."""

    def __init__(self, entries: list[tuple[object, object]]) -> None:
        self.slots: dict[str, int] = {}
        self.spelled: list[str] = []  # names, roles and aliases as the author wrote them, for suggestions
        bearers: dict[str, set[int]] = {}  # each word of a name -> whose name has it
        for slot, entry in enumerate(entries):
            for word in entry:
                if isinstance(word, str) and word.strip():
                    self.slots.setdefault(_reference(word), slot)
                    self.spelled.append(_reference(word) if word.lower().startswith("the ") else word.strip())
            if isinstance(entry[0], str):
                for part in entry[0].lower().split():
                    bearers.setdefault(part, set()).add(slot)
        # As in prose (story.mentions), one word of a name that no one else bears names its bearer: "Keller".
        for part, slots in bearers.items():
            if len(slots) == 1 and part not in TITLES:
                self.slots.setdefault(part, next(iter(slots)))
        self.known = bool(self.slots)

    def __call__(self, raw: object, path: Path, error: Callable[..., None]) -> int | None:
        if not isinstance(raw, str):
            error(path, f"a suspect is named by a string (name, role or alias), not {_type_name(raw)}")
            return None
        reference = _reference(raw)
        if reference in self.slots:
            return self.slots[reference]
        untitled = _without_honorifics(reference)
        if untitled in self.slots:  # "Mrs Rintoul", "Doc Halloran": a title before what names the suspect
            return self.slots[untitled]
        if self.known:  # with no usable cast every name would look unknown: say nothing more
            error(path, f"unknown suspect {quote(raw)}{did_you_mean(reference, self.spelled)}")
        return None


def story_from_data(data: dict[str, Any], source: str, locations: Locations, generated: bool = False) -> Story:
    """Shape-check parsed story data. `generated` admits a JSONL record's "generated" key. Raises StoryError."""
    checker = _ShapeChecker(source, locations)
    story = checker.story(data, generated)
    if story is None:
        raise StoryError(sorted(checker.problems, key=lambda p: (p.line, p.column)))
    return story
