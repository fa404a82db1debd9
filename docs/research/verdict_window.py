"""How much of a case must a reader remember to name the culprit at the end? (docs/model.md, "The rival")

    PYTHONPATH=. python docs/research/verdict_window.py --cases 300 [--set min_gap=0]

Not part of the package. A case's deciding memory distance (story.oracle) measures one link: from the statement
that the deciding evidence completes to that evidence. The verdict after the last word also needs every earlier
clearance (alibis, the first evidence trait), so a reader that remembers only the last N words can name the
culprit only if the last N words alone decide the case (story.oracle.verdict_window). This prints the windows of
the cases in each band of deciding distance; `whodunit eval` reports the readers' accuracy by window.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np

from model.evaluate import EVAL_RUN_SEED
from model.metrics import band_label, band_start
from story import analyze
from story.generator import PRESETS, configure, generate_cases
from story.knobs import parse_knobs
from story.oracle import verdict_window


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE", help="generator knob")
    args = parser.parse_args()
    config = configure(PRESETS["default"], parse_knobs(args.set))
    windows: dict[int, list[int]] = defaultdict(list)
    for story in generate_cases(EVAL_RUN_SEED, args.cases, "default", config):
        window = verdict_window(story)
        if window is not None:
            windows[int(band_start(analyze(story).memory_distance))].append(window)
    print(f"{args.cases} default cases {' '.join(args.set)}: verdict window by deciding memory distance (words)")
    for band, values in sorted(windows.items()):
        print(
            f"  deciding {band_label(band):>8}: {len(values):>4} cases, window min {min(values)}, "
            f"median {int(np.median(values))}, max {max(values)}"
        )


if __name__ == "__main__":
    main()
