"""Shared fixtures: seeded random readers for game tests, and a private folder for saves."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.checkpoint import Checkpoint
from tests.readers import random_checkpoints


@pytest.fixture(scope="session")
def readers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Checkpoint, Checkpoint]:
    return random_checkpoints(tmp_path_factory.mktemp("readers"))


@pytest.fixture(autouse=True)
def private_saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test saves games into its own folder, never the user's."""
    monkeypatch.setenv("WHODUNIT_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "saves"
