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
    # round 2 (round 1: LSTM 0.81 after 4000 steps; every RNN at chance, stuck at tiny)
    "rnn-orth": dict(kind="rnn", orthogonal_init=True, steps=12000),
    "rnn-orth-lr1e-3": dict(kind="rnn", orthogonal_init=True, learning_rate=1e-3, steps=12000),
    "rnn-orth-short": dict(
        kind="rnn", orthogonal_init=True, steps=12000, levels=("tiny:min_gap=0;flavour=0", "tiny", "easy", "default")
    ),
    "rnn-orth-h256": dict(kind="rnn", orthogonal_init=True, hidden=256, learning_rate=1e-3, steps=12000),
    "rnn-orth-ro2": dict(kind="rnn", orthogonal_init=True, readout_weight=2.0, unknown_readout_weight=0.02, steps=12000),
    "rnn-ro2": dict(kind="rnn", readout_weight=2.0, unknown_readout_weight=0.02, steps=12000),
    "rnn-orth-b8": dict(kind="rnn", orthogonal_init=True, batch_cases=8, learning_rate=1e-3, steps=20000),
    "lstm-6000": dict(kind="lstm", steps=6000),
    "lstm-orth-6000": dict(kind="lstm", orthogonal_init=True, steps=6000),
    "lstm-ro2-6000": dict(kind="lstm", readout_weight=2.0, unknown_readout_weight=0.02, steps=6000),
    "lstm-orth-ro2-6000": dict(kind="lstm", orthogonal_init=True, readout_weight=2.0, unknown_readout_weight=0.02, steps=6000),
    "lstm-lr3e-3-6000": dict(kind="lstm", learning_rate=3e-3, steps=6000),
}


def run(name: str, minutes: float, device: str, out: str, eval_cases: int) -> None:
    from model.evaluate import reader_traces
    from model.metrics import score
    from model.targets import case_targets
    from model.recipe import TRAIN_PRESETS, VALIDATION_RUN_SEED, level_config
    from model.train import train
    from model.training_data import reader_vocabulary
    from story.generator import generate_cases

    config = replace(TRAIN_PRESETS["default"], minutes=minutes, device=device, eval_every=500)
    config = replace(config, **RECIPES[name])
    curve = []
    started = time.perf_counter()

    def report(status: dict) -> None:
        if "validation" in status:
            curve.append({**status["validation"], "wall": round(time.perf_counter() - started, 1)})

    folder = Path("/tmp/sweep-runs") / name
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
        results[label] = score(cases, reader_traces(model, cases, vocabulary), vocabulary.words).to_json()
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
    import shutil

    for kind, key in (("lstm", lambda n: summary[n]["default"]["final_accuracy"]),
                      ("rnn", lambda n: summary[n]["gap0"]["by_distance"][0][1])):
        names = [name for name in summary if name.startswith(kind)]
        if names:
            best = max(names, key=key)
            shutil.copytree(
                Path("/tmp/sweep-runs") / best, Path(args.out) / f"best-{kind}", ignore=shutil.ignore_patterns("resume.*")
            )
            print("best", kind, best)
    print(json.dumps({name: (s["final"], s["gap0"]["by_distance"]) for name, s in summary.items()}, indent=0))
    sys.exit(0)


if __name__ == "__main__":
    main()
