"""Reading a file that may come from a stranger: regular files only, never past a size cap, never blocking.

A story, a save, a JSONL of cases or a checkpoint may be a FIFO (reading it waits for a writer forever), a
device such as /dev/zero (it never ends) or a folder. `open_regular` opens without blocking, asks the open file
itself what it is (so a swap between the check and the read changes nothing) and refuses anything but a regular
file; a link to a regular file is followed, as an editor would.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class NotRegularFile(OSError):
    """A path that is not a regular file, or one over the caller's size cap; str() is the reason in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.strerror = reason  # callers print `exc.strerror or exc`, as for any OSError


def open_regular(path: Path | str) -> BinaryIO:
    """`path` opened for binary reading; NotRegularFile for a folder, a FIFO, a socket or a device."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"not a regular file ({_kind(mode)})")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular(path: Path | str, limit: int) -> bytes:
    """All bytes of a regular file of at most `limit` bytes; NotRegularFile otherwise, OSError if unreadable."""
    with open_regular(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotRegularFile(f"over {_size(limit)}, too large for this kind of file")
    return data


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a plain file"


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
