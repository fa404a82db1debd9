"""The wheel a player installs: built from the checkout, installed into a fresh virtual environment without
torch, and run from there (not from the checkout): `check` on a bundled mystery, `eval`, and the game's first
screen, headless. The bundled weights, story files, phrase banks and stylesheet must all be inside it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# what setuptools builds the wheel from
PACKAGED = ("commands", "game", "model", "story", "pyproject.toml", "README.md")

# The game from the installed package, headless: the start screen, then the first bundled mystery's narration.
HEADLESS_GAME = textwrap.dedent(
    """
    import asyncio, sys
    from game.app import WhodunitApp
    from model.shipped import load_shipped
    from game.screens.play import PlayScreen

    async def main():
        app = WhodunitApp(load_shipped("lstm"), load_shipped("rnn"), autoplay=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, PlayScreen), app.screen
            print("suspects:", ", ".join(s.name for s in app.screen.match.story.suspects))
        assert "torch" not in sys.modules

    asyncio.run(main())
    """
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed, and no torch: its bin folder."""
    folder = tmp_path_factory.mktemp("wheel")
    # Built from a clean copy of what the wheel is made of: a build/ folder left in the checkout would otherwise
    # lend the wheel files that the package data no longer names, and hide the omission.
    source = folder / "source"
    source.mkdir()
    for name in PACKAGED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "-w", str(folder / "dist"), str(source)], check=True)
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True)
    bin_folder = folder / "venv" / "bin"
    (wheel,) = (folder / "dist").glob("whodunit-*.whl")
    subprocess.run([str(bin_folder / "pip"), "install", "-q", str(wheel)], check=True, timeout=900)
    return bin_folder


def run_installed(bin_folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """A command run from outside the checkout, so that only the installed package can answer."""
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=bin_folder.parent,
        timeout=600,
        env={"PATH": str(bin_folder), "WHODUNIT_HOME": str(bin_folder.parent / "home")},  # saves: not the user's
    )


def test_the_wheel_installs_without_torch(installed: Path) -> None:
    listed = run_installed(installed, str(installed / "pip"), "list").stdout.lower()
    assert "whodunit" in listed and "torch" not in listed


def test_check_and_eval_run_from_the_installed_wheel(installed: Path) -> None:
    python = str(installed / "python")
    mystery = run_installed(
        installed, python, "-c", "from importlib.resources import files; print(files('story') / 'mysteries')"
    ).stdout.strip()
    assert str(ROOT) not in mystery
    checked = run_installed(installed, str(installed / "whodunit"), "check", f"{mystery}/lighthouse.toml")
    assert checked.returncode == 0 and "partner   LSTM" in checked.stdout, checked.stdout + checked.stderr
    evaluated = run_installed(installed, str(installed / "whodunit"), "eval", "--cases", "20")
    assert evaluated.returncode == 0 and "oracle" in evaluated.stdout, evaluated.stdout + evaluated.stderr
    training = run_installed(installed, str(installed / "whodunit"), "train", "--out", "run")
    assert training.returncode == 1 and "whodunit[train]" in training.stdout


def test_the_game_starts_headless_from_the_installed_wheel(installed: Path) -> None:
    result = run_installed(installed, str(installed / "python"), "-c", HEADLESS_GAME)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("suspects: ")
