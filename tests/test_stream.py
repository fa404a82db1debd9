"""The numpy streaming reader gives what the torch reader gives, token by token, without importing torch."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from model.readers import Nonlinearity, Reader, ReaderConfig, ReaderKind, cast_distribution
from model.stream import StreamingReader
from model.tokenizer import build_vocabulary, read_story
from story.generator import generate_cases


@pytest.mark.parametrize(("kind", "nonlinearity"), [("lstm", "tanh"), ("rnn", "tanh"), ("rnn", "relu")])
def test_streaming_matches_torch_on_random_cases(kind: ReaderKind, nonlinearity: Nonlinearity) -> None:
    torch.manual_seed(0)
    stories = list(generate_cases(11, 4, "default"))
    vocabulary = build_vocabulary(stories)
    config = ReaderConfig(kind, len(vocabulary), embedding=16, hidden=24, nonlinearity=nonlinearity)
    model = Reader(config).eval()
    for parameter in model.parameters():  # larger than the default init, so that gates saturate and differ
        torch.nn.init.uniform_(parameter, -0.5, 0.5)
    if nonlinearity == "relu":  # a relu state grows without bound past a spectral radius of one
        torch.nn.init.uniform_(model.recurrent.weight_hh_l0, -0.1, 0.1)
    weights = {name: tensor.detach().numpy() for name, tensor in model.state_dict().items()}
    for story in stories:
        cast = len(story.suspects)
        ids = vocabulary.encode(read_story(story).tokens)
        views = torch.tensor([[vocabulary.view_table(slot)[i] for i in ids] for slot in range(cast)])[None]  # (1, K, T)
        with torch.no_grad():
            # float32 rounding alone reaches 1e-5 on long readings with these large weights, and how far depends
            # on the CPU's kernels (an AVX512 machine's RNN differed by 1.1e-5): the same model in float64 shows
            # that the algorithm, not the precision, matches; the float32 model, the one training runs, agrees to
            # 1e-4.
            wide = copy.deepcopy(model).double()(views[0])
            expected = cast_distribution(wide.possible[None], torch.tensor([cast]))[0].numpy()  # (T, K)
            readout = wide.readout[None]  # (1, K, T, cells, classes)
            single = cast_distribution(model(views[0]).possible[None], torch.tensor([cast]))[0].double().numpy()
        stream = StreamingReader(kind, weights, vocabulary, cast, nonlinearity)
        for position, token in enumerate(read_story(story).tokens):
            step = stream.step(token)
            np.testing.assert_allclose(step.probabilities, expected[position], atol=1e-9)
            np.testing.assert_allclose(step.probabilities, single[position], atol=1e-4)
            np.testing.assert_allclose(step.readout, readout[0, :, position].numpy(), atol=1e-9)
            assert (step.gates is not None) == (kind == "lstm")


def test_lstm_gates_are_those_of_torchs_cell() -> None:
    torch.manual_seed(1)
    stories = list(generate_cases(12, 1, "tiny"))
    vocabulary = build_vocabulary(stories)
    model = Reader(ReaderConfig(kind="lstm", vocab_size=len(vocabulary), embedding=8, hidden=6))
    weights = {name: tensor.detach().numpy() for name, tensor in model.state_dict().items()}
    cast = len(stories[0].suspects)
    stream = StreamingReader("lstm", weights, vocabulary, cast)
    cell = torch.nn.LSTMCell(8, 6)
    cell.load_state_dict(
        {
            name.replace("recurrent.", "").replace("_l0", ""): tensor
            for name, tensor in model.state_dict().items()
            if name.startswith("recurrent.")
        }
    )
    h = c = torch.zeros(cast, 6)
    for token in read_story(stories[0]).tokens[:40]:
        step = stream.step(token)
        ids = torch.tensor([vocabulary.view_table(slot)[vocabulary.encode([token])[0]] for slot in range(cast)])
        with torch.no_grad():
            h, c = cell(model.embed(ids), (h, c))
        np.testing.assert_allclose(step.gates["cell"], c.double().numpy(), atol=1e-5)
        assert ((step.gates["forget"] > 0) & (step.gates["forget"] < 1)).all()


@pytest.mark.parametrize(("kind", "nonlinearity"), [("lstm", None), ("rnn", None), ("rnn", "relu")])
def test_numpy_traces_for_eval_without_torch_match_torchs(kind: str, nonlinearity: str | None, tmp_path) -> None:
    """`whodunit eval` in an install without torch reads batched on numpy: the same beliefs and read-outs."""
    from model.checkpoint import load_checkpoint
    from model.evaluate import reader_from_checkpoint, reader_traces
    from model.numpy_traces import numpy_traces
    from model.targets import case_targets
    from tests.readers import write_random_checkpoint

    checkpoint = load_checkpoint(write_random_checkpoint(tmp_path, kind, seed=3, nonlinearity=nonlinearity))
    assert checkpoint.nonlinearity == (nonlinearity or "tanh")  # a config from before the key reads as tanh
    cases = [case_targets(story, checkpoint.vocabulary) for story in generate_cases(4, 7, "easy")]
    expected = reader_traces(reader_from_checkpoint(checkpoint), cases, checkpoint.vocabulary, chunk=3)
    got = numpy_traces(checkpoint, cases, chunk=4)  # other batch boundaries: padding must not matter
    for mine, theirs in zip(got, expected, strict=True):
        np.testing.assert_allclose(mine.probabilities, theirs.probabilities, atol=2e-5)
        assert (mine.readout == theirs.readout).mean() > 0.999  # argmax ties aside
