"""Exploration on a lent GPU machine: several training recipes at once, one process each, then one evaluation.

    PYTHONPATH=. python3 docs/research/sweep.py --minutes 6.5 --device cuda --out $OUT

Not part of the package. Each recipe trains with model.train.train (minutes cap), then is scored on held-out
default cases and on default cases with min_gap=0 (which fill the short memory-distance bands).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from dataclasses import replace
from pathlib import Path

RECIPES = {
    "lstm-base": dict(kind="lstm"),
    "lstm-culprit": dict(kind="lstm", culprit_weight=0.5),
    "lstm-2500": dict(kind="lstm", steps=2500),
    "rnn-base": dict(kind="rnn"),
    "rnn-lr5e-4": dict(kind="rnn", learning_rate=5e-4),
    "rnn-h256-lr1e-3": dict(kind="rnn", hidden=256, learning_rate=1e-3),
    "rnn-gap0-lr5e-4": dict(
        kind="rnn", learning_rate=5e-4, steps=6000, levels=("tiny", "easy", "default:min_gap=0", "default")
    ),
    "rnn-readout2-lr1e-3": dict(kind="rnn", learning_rate=1e-3, readout_weight=2.0),
    "rnn-b8-lr5e-4": dict(kind="rnn", learning_rate=5e-4, batch_cases=8, steps=8000, level_up_accuracy=0.8),
    "rnn-lr2e-4": dict(kind="rnn", learning_rate=2e-4, steps=6000),
    "rnn-up75-lr1e-3": dict(kind="rnn", learning_rate=1e-3, level_up_accuracy=0.75),
    "lstm-gap0": dict(kind="lstm", levels=("tiny", "easy", "default:min_gap=0", "default")),
}


def run(name: str, minutes: float, device: str, out: str, eval_cases: int) -> None:
    from model.evaluate import reader_traces
    from model.metrics import score
    from model.targets import case_targets
    from model.train import VALIDATION_RUN_SEED, TRAIN_PRESETS, level_config, reader_vocabulary, train
    from story.generator import generate_cases

    config = replace(TRAIN_PRESETS["default"], **RECIPES[name], minutes=minutes, device=device, eval_every=500)
    curve = []
    started = time.perf_counter()

    def report(status: dict) -> None:
        if "validation" in status:
            curve.append({**status["validation"], "wall": round(time.perf_counter() - started, 1)})

    folder = Path(out) / "runs" / name
    train(config, folder, f"sweep {name}", report)
    from model.checkpoint import load_checkpoint
    from model.evaluate import reader_from_checkpoint

    checkpoint = load_checkpoint(folder)
    model = reader_from_checkpoint(checkpoint)
    vocabulary = reader_vocabulary()
    results = {"recipe": RECIPES[name], "curve": curve, "final": checkpoint.meta["metrics"]}
    for label, spec in (("default", "default"), ("gap0", "default:min_gap=0")):
        difficulty, generator = level_config(spec)
        stories = generate_cases(VALIDATION_RUN_SEED + 1, eval_cases, difficulty, generator)
        cases = [case_targets(story, vocabulary) for story in stories]
        results[label] = score(cases, reader_traces(model, cases, vocabulary), vocabulary.words)
    (Path(out) / f"{name}.json").write_text(json.dumps(results, indent=1, default=str))
    print(name, "done", json.dumps(results["final"]), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=6.5)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--out", required=True)
    parser.add_argument("--eval-cases", type=int, default=400)
    parser.add_argument("--only", nargs="*", default=list(RECIPES))
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=run, args=(name, args.minutes, args.device, args.out, args.eval_cases))
        for name in args.only
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    summary = {}
    for name in args.only:
        path = Path(args.out) / f"{name}.json"
        if path.exists():
            data = json.loads(path.read_text())
            summary[name] = {
                "final": data["final"],
                "curve": data["curve"],
                **{
                    label: {key: data[label][key] for key in ("final_accuracy", "long_range_accuracy", "by_distance", "by_distance_cases", "recall_by_distance", "oracle_tv", "ece", "cleared_mass", "decided_accuracy", "excess_over_oracle")}
                    for label in ("default", "gap0")
                },
            }
            path.unlink()
    Path(args.out, "summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps({name: (s["final"], s["gap0"]["by_distance"]) for name, s in summary.items()}, indent=0))
    sys.exit(0)


if __name__ == "__main__":
    main()
