"""The two readers: an LSTM (the player's partner) and a vanilla tanh RNN (the rival), otherwise identical.

Each reads a case once per suspect, with shared weights: in suspect k's reading, k is `<self>` and everyone
else `<other>` (see model.tokenizer). After every token, a reading gives one logit, "k is still possible", and
the cast's distribution is the softmax of the K logits. It also gives a memory read-out: for every catalogue
trait, the value it believes was stated for k (or unknown) and the value evidence gave the culprit (or unknown).
Reading per suspect removes the binding of facts to many suspects at once that made a single stream hard to
learn (docs/research/per-suspect-prototype.md); what remains is memory: holding k's traits until evidence.

Training uses the fused nn.LSTM / nn.RNN (fast on CPU); the game streams the same weights through numpy
(model.stream), which also exposes the LSTM's gates.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from model.readout import READOUT_CELLS, READOUT_CLASSES


@dataclass(frozen=True)
class ReaderConfig:
    """The architecture; stored in every checkpoint's JSON."""

    kind: str = "lstm"  # "lstm" (the partner) or "rnn" (the rival: tanh, short memory)
    vocab_size: int = 0  # set from the vocabulary
    embedding: int = 64  # word embedding width
    hidden: int = 128  # recurrent state width

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class Reader(nn.Module):
    def __init__(self, config: ReaderConfig) -> None:
        super().__init__()
        if config.kind not in ("lstm", "rnn"):
            raise ValueError(f"unknown reader kind '{config.kind}'; use lstm or rnn")
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embedding, padding_idx=0)
        recurrent = nn.LSTM if config.kind == "lstm" else nn.RNN
        self.recurrent = recurrent(config.embedding, config.hidden, batch_first=True)
        self.possible = nn.Linear(config.hidden, 1)
        self.readout = nn.Linear(config.hidden, READOUT_CELLS * READOUT_CLASSES)

    def states(self, ids: torch.Tensor, truncate: int = 0) -> torch.Tensor:
        """ids (R, T), one suspect reading per row -> hidden states (R, T, H).

        With `truncate` > 0 (training only), the reading runs in chunks of that many tokens, carrying the state
        across chunks but not the gradient: truncated backpropagation through time. The forward values are the
        same; only how far back a loss can reach to change the weights is cut.
        """
        inputs = self.embed(ids)  # (R, T, E)
        if truncate <= 0:
            return self.recurrent(inputs)[0]
        chunks, carried = [], None
        for chunk in inputs.split(truncate, dim=1):
            states, carried = self.recurrent(chunk, carried)
            chunks.append(states)
            carried = tuple(part.detach() for part in carried) if isinstance(carried, tuple) else carried.detach()
        return torch.cat(chunks, dim=1)

    def read_out(self, states: torch.Tensor) -> torch.Tensor:
        """Hidden states (..., H) -> read-out logits (..., cells, classes)."""
        return self.readout(states).unflatten(-1, (READOUT_CELLS, READOUT_CLASSES))

    def forward_rows(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """ids (R, T), one suspect reading per row -> possible logits (R, T), read-out (R, T, cells, classes)."""
        states = self.states(ids)  # (R, T, H)
        return self.possible(states)[..., 0], self.read_out(states)

    def forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """ids (B, K, T) readings -> possible logits (B, K, T) and read-out logits (B, K, T, cells, classes)."""
        batch, cast, length = ids.shape
        possible, readout = self.forward_rows(ids.reshape(batch * cast, length))
        return possible.reshape(batch, cast, length), readout.reshape(batch, cast, *readout.shape[1:])


@torch.no_grad()
def initialise_recurrent(model: Reader) -> None:
    """Orthogonal recurrent weights (per gate block) and, for the LSTM, a forget-gate bias of 1.

    Both keep early gradients from vanishing over long readings (Saxe et al. 2014; Jozefowicz et al. 2015),
    so a reader starts out able to carry a fact forward instead of having to discover how.
    """
    recurrent = model.recurrent
    hidden = model.config.hidden
    for block in recurrent.weight_hh_l0.split(hidden, dim=0):
        nn.init.orthogonal_(block)
    if model.config.kind == "lstm":
        recurrent.bias_ih_l0[hidden : 2 * hidden].fill_(1.0)  # gate order i, f, g, o
        recurrent.bias_hh_l0[hidden : 2 * hidden].fill_(0.0)


def cast_distribution(possible: torch.Tensor, cast_sizes: torch.Tensor) -> torch.Tensor:
    """possible logits (B, K, T) -> the cast's distribution (B, T, K), zero beyond each case's cast size."""
    slots = torch.arange(possible.shape[1], device=possible.device)
    masked = possible.masked_fill((slots[None, :] >= cast_sizes[:, None])[:, :, None], float("-inf"))
    return masked.softmax(dim=1).transpose(1, 2)
