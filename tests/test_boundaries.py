"""One-way imports: story/ and model's numpy half import neither torch nor textual; the game never torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def modules_loaded_by(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent
    )
    return set(result.stdout.split())


@pytest.mark.parametrize(
    "code",
    [
        "import story, story.generator, story.writer, story.oracle, story.loader, story.grammar, story.jsonl",
        "import model.tokenizer, model.stream, model.readout, model.checkpoint, model.metrics, model.targets",
        "import model.shipped, game.match, game.saves, game.cases",
        "from game.cli import main; main(['check', 'story/mysteries/manor.toml'])",
    ],
)
def test_story_engine_tokenizer_and_story_commands_load_neither_torch_nor_textual(code: str) -> None:
    loaded = modules_loaded_by(code)
    assert "torch" not in loaded
    assert "textual" not in loaded


def test_the_game_loads_textual_but_never_torch() -> None:
    loaded = modules_loaded_by("import game.app, game.play_command, game.screens.debrief")
    assert "textual" in loaded
    assert "torch" not in loaded
