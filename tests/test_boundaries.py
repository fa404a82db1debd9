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
        "import story, story.generator, story.narration, story.case_config, story.writer, story.oracle, story.loader,"
        " story.shape, story.grammar, story.jsonl",
        "import model.tokenizer, model.stream, model.readout, model.checkpoint, model.metrics, model.targets",
        "import model.shipped, game.match, game.saves, game.cases",
        "from commands.cli import main; main(['check', 'story/mysteries/manor.toml'])",
    ],
)
def test_story_engine_tokenizer_and_story_commands_load_neither_torch_nor_textual(code: str) -> None:
    loaded = modules_loaded_by(code)
    assert "torch" not in loaded
    assert "textual" not in loaded


def test_the_game_loads_textual_but_never_torch() -> None:
    loaded = modules_loaded_by("import game.app, commands.play, game.screens.debrief")
    assert "textual" in loaded
    assert "torch" not in loaded


def test_a_game_of_a_story_file_does_not_load_the_case_generator() -> None:
    """The generator's phrase banks take a tenth of the game's start to load; only a generated case needs them.
    Checked through the command line's own entry point (every command's parser is built), the app not run."""
    play = (
        "from unittest import mock; import game.app; from commands.cli import main\n"
        "with mock.patch.object(game.app.WhodunitApp, 'run', lambda self, *a, **k: None):\n"
        "    main([{args}])"
    )
    assert "story.grammar" not in modules_loaded_by(play.format(args="'play', 'story/mysteries/manor.toml'"))
    assert "story.grammar" in modules_loaded_by(play.format(args="'play', '--generated', '--seed', '3'"))


ROOT = Path(__file__).resolve().parent.parent


def lint_imports(config: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"]
    return subprocess.run([*command, "--config", str(config)], capture_output=True, text=True, cwd=ROOT)


def test_the_import_contracts_in_pyproject_are_kept() -> None:
    result = lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_an_import_that_breaks_a_contract_is_caught(tmp_path: Path) -> None:
    """The contracts can fail: `train` loads torch, so naming it among the game's modules breaks one."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    broken = text.replace('    "commands.curves",\n', '    "commands.curves",\n    "commands.train",\n')
    assert broken != text
    (tmp_path / "pyproject.toml").write_text(broken, encoding="utf-8")
    result = lint_imports(tmp_path / "pyproject.toml")
    assert result.returncode == 1 and "never load torch BROKEN" in result.stdout
