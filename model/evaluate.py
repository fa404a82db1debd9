"""Running the readers over held-out cases, batched, for `whodunit eval`, validation and benchmarks: on torch
where it is installed, else on numpy (model.numpy_traces), with the same numbers.

The streaming reader (model.stream) gives the same numbers one token at a time; this runs whole cases at once.
torch is imported only by the functions that use it, so that `eval` runs in an install without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.checkpoint import Checkpoint
from model.metrics import Scores, Trace, oracle_trace, score
from model.targets import CaseTargets, case_targets
from model.tokenizer import Vocabulary, build_vocabulary
from story import Story
from story.oracle import verdict_window

if TYPE_CHECKING:
    from model.readers import Reader

EVAL_RUN_SEED = 1_000_033  # `whodunit eval` cases: a run seed that no training or validation run uses


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def reader_from_checkpoint(checkpoint: Checkpoint) -> Reader:
    import torch

    from model.readers import Reader, ReaderConfig

    config = ReaderConfig(**checkpoint.meta["config"])
    model = Reader(config)
    model.load_state_dict({name: torch.from_numpy(np.array(array)) for name, array in checkpoint.weights.items()})
    return model.eval()


def reader_traces(model: Reader, cases: list[CaseTargets], vocabulary: Vocabulary, chunk: int = 32) -> list[Trace]:
    """The reader's trace over each case, `chunk` cases per forward pass (torch)."""
    import torch

    from model.batch import collate, per_case
    from model.readers import cast_distribution

    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    traces = []
    with torch.no_grad():
        for start in range(0, len(cases), chunk):
            group = cases[start : start + chunk]
            batch = collate(group, vocabulary).to(device)
            possible_logits, readout_logits, _ = model(batch.views)  # (R, T), (R, T, cells, classes)
            probabilities = cast_distribution(per_case(possible_logits, batch, float("-inf")), batch.cast_sizes)
            chosen = readout_logits.argmax(-1)  # (R, T, cells)
            probabilities, chosen = probabilities.cpu().numpy(), chosen.cpu().numpy()
            row = 0
            for index, case in enumerate(group):
                length, cast = len(case.ids), case.cast_size
                traces.append(Trace(probabilities[index, :length, :cast], chosen[row : row + cast, :length]))
                row += cast
    model.train(was_training)
    return traces


def checkpoint_traces(checkpoint: Checkpoint, cases: list[CaseTargets]) -> list[Trace]:
    """A checkpoint's traces over the cases: torch where it is installed (faster), numpy where it is not."""
    if torch_available():
        return reader_traces(reader_from_checkpoint(checkpoint), cases, checkpoint.vocabulary)
    from model.numpy_traces import numpy_traces

    return numpy_traces(checkpoint, cases)


def evaluate(checkpoints: dict[str, Checkpoint], stories: list[Story]) -> dict[str, Scores]:
    """Every metric for each named reader and for the oracle, over the same stories."""
    windows = [verdict_window(story) for story in stories]
    results: dict[str, Scores] = {}
    for name, checkpoint in checkpoints.items():
        vocabulary = checkpoint.vocabulary
        cases = [case_targets(story, vocabulary) for story in stories]
        traces = checkpoint_traces(checkpoint, cases)
        results[name] = score(cases, traces, vocabulary.words, windows)
    vocabulary = next(iter(checkpoints.values())).vocabulary if checkpoints else build_vocabulary(stories)
    cases = [case_targets(story, vocabulary) for story in stories]
    results["oracle"] = score(cases, [oracle_trace(case) for case in cases], vocabulary.words, windows)
    return results
