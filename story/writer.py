"""Writing a Story back out: as a story file (TOML) that `whodunit check` accepts, or as a plain dict for JSONL.

Both spell suspects by name, so a written file reads like a hand-written one; `story.loader` reads either back
into an equal Story.
"""

from __future__ import annotations

import json
from typing import Any

from story.data import Alibi, AlibiBroken, Evidence, Fact, Retraction, Story, TraitStated
from story.shape import FORMAT_VERSION


def fact_to_dict(fact: Fact, story: Story) -> dict[str, str]:
    entry: dict[str, str] = {}
    match fact:
        case TraitStated(slot, trait, value):
            entry = {"kind": "trait", "suspect": story.suspects[slot].name, "trait": trait, "value": value}
        case Evidence(trait, value):
            entry = {"kind": "evidence", "trait": trait, "value": value}
        case Alibi(slot):
            entry = {"kind": "alibi", "suspect": story.suspects[slot].name}
        case AlibiBroken(slot):
            entry = {"kind": "alibi_broken", "suspect": story.suspects[slot].name}
        case Retraction(target):
            entry = {"kind": "retract", "fact": target}
    return {"id": fact.id, **entry} if fact.id else entry


def story_to_dict(story: Story) -> dict[str, Any]:
    """The story-file structure as plain data (what tomllib would read from the TOML form)."""
    return {
        "format": FORMAT_VERSION,
        "title": story.title,
        "setting": story.setting,
        "victim": story.victim,
        "intro": story.intro,
        "suspects": [
            {
                "name": s.name,
                "role": s.role,
                "pronouns": s.pronoun,
                **({"aliases": list(s.aliases)} if s.aliases else {}),  # generated suspects have none: no key
                "traits": dict(s.traits),
            }
            for s in story.suspects
        ],
        "clues": [
            {"text": clue.text, **({"facts": [fact_to_dict(f, story) for f in clue.facts]} if clue.facts else {})}
            for clue in story.clues
        ],
        "solution": {"culprit": story.suspects[story.culprit].name, "reveal": story.reveal},
    }


def story_to_json(story: Story) -> str:
    """One line of JSONL: the story-file structure plus the generator's seed and difficulty."""
    data = story_to_dict(story)
    if story.seed is not None:
        data["generated"] = {"seed": story.seed, "difficulty": story.difficulty}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML)."""
    return json.dumps(text, ensure_ascii=False)


def _inline(table: dict[str, str]) -> str:
    return "{ " + ", ".join(f"{key} = {_string(value)}" for key, value in table.items()) + " }"


def story_to_toml(story: Story, header: str = "") -> str:
    """A story file for `story`, with `header` as leading comment lines."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    data = story_to_dict(story)
    lines.append(f"format = {FORMAT_VERSION}")
    for key in ("title", "setting", "victim", "intro"):
        lines.append(f"{key} = {_string(data[key])}")
    for suspect in data["suspects"]:
        lines += ["", "[[suspects]]"]
        lines += [f"{key} = {_string(suspect[key])}" for key in ("name", "role", "pronouns")]
        if "aliases" in suspect:
            lines.append("aliases = [" + ", ".join(_string(alias) for alias in suspect["aliases"]) + "]")
        lines.append(f"traits = {_inline(suspect['traits'])}")
    for number, clue in enumerate(data["clues"], start=1):
        lines += ["", f"[[clues]]  # {number}", f"text = {_string(clue['text'])}"]
        if "facts" in clue:
            lines.append("facts = [" + ", ".join(_inline(fact) for fact in clue["facts"]) + "]")
    solution = data["solution"]
    lines += ["", "[solution]", f"culprit = {_string(solution['culprit'])}", f"reveal = {_string(solution['reveal'])}"]
    return "\n".join(lines) + "\n"
