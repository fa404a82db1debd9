"""The readers' heads read the recurrence's states as it stores them (time-major), and give what two plain
linear layers over the states would: the same logits, the same gradients, the same objective."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from model.readers import Float32Heads, Reader, ReaderConfig


def _heads(hidden: int, outputs: int) -> tuple[nn.Linear, nn.Linear]:
    torch.manual_seed(1)
    return nn.Linear(hidden, 1).double(), nn.Linear(hidden, outputs).double()


@pytest.mark.parametrize("time_major", [True, False])
def test_the_fused_float32_heads_give_two_linear_layers_values_and_gradients(time_major: bool) -> None:
    possible, readout = _heads(6, 16)
    states = torch.randn(3, 5, 6, dtype=torch.double)  # (T, R, H) stored time-major; else a transposed view
    states = (states if time_major else states.transpose(0, 1).contiguous().transpose(0, 1)).requires_grad_()
    weights = (possible.weight, possible.bias, readout.weight, readout.bias)
    assert torch.autograd.gradcheck(Float32Heads.apply, (states, *weights))

    fused_possible, fused_readout = Float32Heads.apply(states, *weights)
    torch.testing.assert_close(fused_possible, possible(states)[..., 0])
    torch.testing.assert_close(fused_readout, readout(states))
    grads = {}
    outputs = {"fused": (fused_possible, fused_readout), "linear": (possible(states)[..., 0], readout(states))}
    for name, (p, r) in outputs.items():
        loss = (p.sin() * torch.arange(5.0, dtype=torch.double)).sum() + (r**2).sum()  # every output weighed apart
        grads[name] = torch.autograd.grad(loss, (states, *weights))
    for fused, linear in zip(grads["fused"], grads["linear"], strict=True):
        torch.testing.assert_close(fused, linear)


def _reader(kind: str = "lstm", nonlinearity: str = "tanh") -> tuple[Reader, torch.Tensor]:
    torch.manual_seed(0)
    model = Reader(ReaderConfig(kind, vocab_size=30, embedding=8, hidden=16, nonlinearity=nonlinearity))
    return model, torch.randint(1, 30, (4, 23))


@pytest.mark.parametrize("truncate", [0, 10])
def test_an_lstm_keeps_its_states_time_major_so_nothing_is_copied_to_read_them(truncate: int) -> None:
    model, ids = _reader()
    states = model.states(ids, truncate)
    assert states.shape == (4, 23, 16)
    assert states.transpose(0, 1).is_contiguous()  # (T, R, H) as the recurrence wrote it
    torch.testing.assert_close(states, model.recurrent(model.embed(ids))[0])  # the batch-first reading's values


@pytest.mark.parametrize(("kind", "nonlinearity"), [("lstm", "tanh"), ("rnn", "tanh"), ("rnn", "relu")])
def test_a_reader_gives_what_its_linear_heads_give_on_its_states_with_the_same_gradients(
    kind: str, nonlinearity: str
) -> None:
    model, ids = _reader(kind, nonlinearity)  # a relu rival's states are stored batch-major: its own reading path
    reading = model(ids)
    states = model.states(ids)
    torch.testing.assert_close(reading.possible, model.possible(states)[..., 0])
    torch.testing.assert_close(reading.readout, model.read_out(states))

    def gradients(possible: torch.Tensor, readout: torch.Tensor) -> list[torch.Tensor]:
        loss = possible.tanh().sum() + readout.log_softmax(-1)[..., 0].sum()
        return list(torch.autograd.grad(loss, list(model.parameters())))

    plain = gradients(model.possible(states)[..., 0], model.read_out(states))
    for ours, theirs in zip(gradients(reading.possible, reading.readout), plain, strict=True):
        torch.testing.assert_close(ours, theirs)


def test_the_read_out_term_is_the_same_whichever_way_its_logits_are_stored() -> None:
    from model.objective import readout_term
    from model.readout import READOUT_CELLS, READOUT_CLASSES
    from model.recipe import TRAIN_PRESETS

    torch.manual_seed(2)
    stored = torch.randn(9, 4, READOUT_CELLS, READOUT_CLASSES)  # (T, R, cells, classes)
    targets = torch.randint(0, READOUT_CLASSES, (4, 9, READOUT_CELLS))
    mask = (torch.arange(9)[None, :] < torch.tensor([9, 5, 7, 2])[:, None]).float()  # (R, T)
    results = {}
    layouts = {"time-major": stored.transpose(0, 1), "batch-major": stored.transpose(0, 1).contiguous()}
    for layout, logits in layouts.items():
        logits = logits.detach().requires_grad_()
        sampler = torch.Generator().manual_seed(3)  # the same sample of "unknown" cells for both
        term = readout_term(logits, targets, mask, TRAIN_PRESETS["tiny"], sampler=sampler)
        results[layout] = (term, torch.autograd.grad(term, logits)[0])
    torch.testing.assert_close(results["time-major"][0], results["batch-major"][0])
    torch.testing.assert_close(results["time-major"][1], results["batch-major"][1])
    assert results["time-major"][1].transpose(0, 1).is_contiguous()  # its gradient built in the stored order


def test_dropout_changes_a_training_reading_only_and_keeps_the_states_time_major() -> None:
    model, ids = _reader()
    plain = model(ids)
    torch.manual_seed(3)
    dropped = model(ids, dropout=0.5)
    assert not torch.allclose(dropped.possible, plain.possible)
    assert dropped.states.transpose(0, 1).is_contiguous()  # the mask kept the recurrence's own layout
    assert (dropped.states == 0).float().mean() > 0.3  # about half the states into the heads are zeroed
    model.eval()  # evaluation and the numpy reader's parity test read without it
    torch.testing.assert_close(model(ids, dropout=0.5).possible, plain.possible)


def test_dropout_must_leave_something_to_read() -> None:
    from model.recipe import TrainConfig, check_training

    assert check_training(TrainConfig(dropout=0.3)).dropout == 0.3
    with pytest.raises(ValueError, match="'dropout' must be below 1"):
        check_training(TrainConfig(dropout=1.0))
