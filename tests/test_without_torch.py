"""A player's install has no torch: everything but training works, and training says what to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run the command line in a process where `import torch` fails, as in an install without the train extra.
WITHOUT_TORCH = (
    "import sys; sys.modules['torch'] = None; from commands.cli import main; raise SystemExit(main(sys.argv[1:]))"
)


def whodunit_without_torch(*argv: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", WITHOUT_TORCH, *argv]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_train_without_torch_says_which_extra_to_install(tmp_path: Path) -> None:
    result = whodunit_without_torch("train", "--preset", "tiny", "--out", str(tmp_path / "run"))
    assert result.returncode == 1
    assert "whodunit train needs torch" in result.stdout and "whodunit[train]" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "run").exists()


def test_eval_without_torch_reads_on_numpy_with_the_bundled_readers() -> None:
    result = whodunit_without_torch("eval", "--cases", "8", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"lstm"' in result.stdout and '"oracle"' in result.stdout and "final_accuracy" in result.stdout


def test_check_and_generate_without_torch(tmp_path: Path) -> None:
    assert whodunit_without_torch("check", "--readers", "story/mysteries/manor.toml").returncode == 0
    result = whodunit_without_torch("generate", "--count", "2", "--out", str(tmp_path / "cases.jsonl"))
    assert result.returncode == 0 and len((tmp_path / "cases.jsonl").read_text().splitlines()) == 2
