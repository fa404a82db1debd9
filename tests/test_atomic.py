"""Atomic writes: all of the new content or all of the old, never a mixture, and no litter."""

from __future__ import annotations

from pathlib import Path

import pytest

from story.atomic import atomic_writer, write_atomic


def test_write_atomic_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "cases.jsonl"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    write_atomic(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["cases.jsonl"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "cases.jsonl"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half of the new")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["cases.jsonl"]


def test_a_written_file_gets_the_usual_permissions(tmp_path) -> None:
    import os

    from story.atomic import write_atomic

    write_atomic(tmp_path / "plain.txt", "x")
    (tmp_path / "reference.txt").write_text("x")
    assert os.stat(tmp_path / "plain.txt").st_mode == os.stat(tmp_path / "reference.txt").st_mode
