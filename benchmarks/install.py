"""A player's install against a learner's: the wheel into a fresh virtual environment, without torch and with
the CPU build of torch first, timed, with each environment's size on disk.

    python benchmarks/install.py [--keep DIR]

Needs network access to the package index (or its mirror) for the game's dependencies; torch==2.13.0 is the
CPU build (on this kind of machine it is on disk). Prints one line per install.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def size_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink()) / 2**20


def install(where: Path, wheel: Path, first: list[str]) -> tuple[float, float]:
    """Seconds to create a venv and install `first` then the wheel into it, and its size in MB."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    pip = [str(where / "bin" / "pip"), "install", "-q"]
    if first:
        subprocess.run([*pip, *first], check=True)
    subprocess.run([*pip, str(wheel)], check=True)
    return time.perf_counter() - start, size_mb(where)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(ROOT)], check=True
        )
        (wheel,) = folder.glob("whodunit-*.whl")
        print(
            f"wheel: {wheel.name}, {wheel.stat().st_size / 2**20:.1f} MB, built in {time.perf_counter() - start:.1f} s"
        )
        seconds, size = install(folder / "player", wheel, [])
        print(f"player (no torch): {seconds:.1f} s, {size:.0f} MB")
        seconds, size = install(folder / "learner", wheel, ["torch==2.13.0"])
        print(f"learner (torch==2.13.0 CPU first): {seconds:.1f} s, {size:.0f} MB")


if __name__ == "__main__":
    main()
