"""A checkpoint folder from a stranger: loading never writes, and recovering a journal never leaves the folder.

The campaign that found the hole: a `COMPLETE` naming `s/notes.txt` (with `s` a link elsewhere) overwrote a file
outside the folder on `whodunit eval --checkpoint DIR`, and one naming `../up.txt` moved a file above it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from model.checkpoint import (
    COMPLETE,
    INCOMING,
    META,
    WEIGHTS,
    CheckpointError,
    load_checkpoint,
    recover,
    save_checkpoint,
)
from tests.readers import write_random_checkpoint


def tree(root: Path) -> dict[str, str]:
    """Every path under `root` (links not followed) with what it holds: the state a load must leave alone."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            found[str(path)] = "link -> " + os.readlink(path)
        elif path.is_file():
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[str(path)] = "folder"
    return found


def journal(folder: Path, names: list[str], files: dict[str, bytes]) -> None:
    incoming = folder / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (incoming / name).parent.mkdir(parents=True, exist_ok=True)
        (incoming / name).write_bytes(data)
    (incoming / COMPLETE).write_text("\n".join(names))


@pytest.fixture
def planted(tmp_path: Path) -> tuple[Path, Path]:
    """A usable checkpoint in tmp_path/ckpt beside a folder of someone's files, tmp_path/elsewhere."""
    folder = write_random_checkpoint(tmp_path / "ckpt", "lstm")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("my notes")
    (tmp_path / "up.txt").write_text("above the folder")
    return folder, elsewhere


def test_a_journal_naming_a_path_through_a_link_writes_nothing_outside(tmp_path: Path, planted) -> None:
    folder, elsewhere = planted
    (folder / "s").symlink_to(elsewhere)
    journal(folder, ["s/notes.txt"], {"s/notes.txt": b"overwritten"})
    before = tree(tmp_path)
    load_checkpoint(folder)  # the weights and description in place are intact: it loads, and writes nothing
    assert tree(tmp_path) == before
    with pytest.raises(CheckpointError, match=r"names 's/notes\.txt', which is not a checkpoint file"):
        recover(folder)
    assert (elsewhere / "notes.txt").read_text() == "my notes"


def test_a_journal_naming_a_parent_path_moves_nothing_out(tmp_path: Path, planted) -> None:
    folder, _ = planted
    journal(folder, ["../up.txt"], {})
    before = tree(tmp_path)
    load_checkpoint(folder)
    assert tree(tmp_path) == before
    with pytest.raises(CheckpointError, match="which is not a checkpoint file"):
        recover(folder)
    assert (tmp_path / "up.txt").read_text() == "above the folder"


def test_a_journal_that_is_a_link_is_neither_followed_nor_emptied(tmp_path: Path, planted) -> None:
    folder, elsewhere = planted
    (elsewhere / COMPLETE).write_text(f"{WEIGHTS}\n{META}")
    (folder / INCOMING).symlink_to(elsewhere)
    before = tree(tmp_path)
    load_checkpoint(folder)
    assert tree(tmp_path) == before
    with pytest.raises(CheckpointError, match="not a plain folder"):
        recover(folder)
    assert tree(tmp_path) == before
    checkpoint = load_checkpoint(folder)
    save_checkpoint(folder, checkpoint.weights, checkpoint.meta)  # the owner's next save drops the link alone
    assert (elsewhere / "notes.txt").read_text() == "my notes"
    assert not (folder / INCOMING).exists()


def test_journaled_files_that_are_links_are_not_moved_in(tmp_path: Path, planted) -> None:
    folder, elsewhere = planted
    journal(folder, [WEIGHTS], {})
    (folder / INCOMING / WEIGHTS).symlink_to(elsewhere / "notes.txt")
    weights = (folder / WEIGHTS).read_bytes()
    recover(folder)
    assert (folder / WEIGHTS).read_bytes() == weights and not (folder / WEIGHTS).is_symlink()
    assert (elsewhere / "notes.txt").read_text() == "my notes"


def test_a_special_file_in_place_of_the_weights_is_refused_without_reading(tmp_path: Path, planted) -> None:
    folder, _ = planted
    (folder / WEIGHTS).unlink()
    os.mkfifo(folder / WEIGHTS)  # reading it would block for ever
    with pytest.raises(CheckpointError, match="not a regular file"):
        load_checkpoint(folder)


def test_the_other_ranks_wait_for_the_leader_to_finish_an_interrupted_save(tmp_path: Path) -> None:
    """Under torchrun only the leading rank recovers; the others must not read a checkpoint half moved in."""
    import threading

    from model.checkpoint import INCOMING, wait_for_recovery

    wait_for_recovery(tmp_path)  # nothing to finish: returns at once
    (tmp_path / INCOMING).mkdir()
    threading.Timer(0.3, (tmp_path / INCOMING).rmdir).start()
    wait_for_recovery(tmp_path, timeout_s=10)
    assert not (tmp_path / INCOMING).exists()
    (tmp_path / INCOMING).mkdir()
    with pytest.raises(CheckpointError, match="not finished by the leading rank"):
        wait_for_recovery(tmp_path, timeout_s=0.2)
