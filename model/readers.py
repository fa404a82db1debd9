"""The two readers: an LSTM (the player's partner) and a vanilla RNN (the rival), otherwise identical.

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

import functools
from dataclasses import asdict, dataclass
from typing import Literal, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn
from torch.autograd.function import FunctionCtx

from model.readout import READOUT_CELLS, READOUT_CLASSES

RELU_CHUNK = 32  # tokens a relu rival reads per call: at most 31 of padding, a growth of at most 2.8**31 ~ 1e14


class Reading(NamedTuple):
    """What one pass of a reader over suspect readings gives (a tuple, so that DDP can wrap the pass)."""

    possible: torch.Tensor  # (R, T) logits: "this reading's suspect is still possible"
    readout: torch.Tensor  # (R, T', cells, classes) read-out logits at the tokens asked for (every token: T' = T)
    states: torch.Tensor  # (R, T, H) hidden states, for the activation penalties of experiments (bfloat16 where
    # the recurrence and the heads ran in it: `_bfloat16_heads`)


ReaderKind = Literal["lstm", "rnn"]
Nonlinearity = Literal["tanh", "relu"]


@dataclass(frozen=True)
class ReaderConfig:
    """The architecture; stored in every checkpoint's JSON."""

    kind: ReaderKind = "lstm"  # the partner, or the rival (no gates: it cannot choose what to forget)
    vocab_size: int = 0  # set from the vocabulary
    embedding: int = 64  # word embedding width
    hidden: int = 128  # recurrent state width
    nonlinearity: Nonlinearity = "tanh"  # the rival's recurrence: tanh, or relu (an IRNN, started from identity
    # recurrent weights: `initialise_identity`); the LSTM's is tanh. Checkpoints written before it are tanh
    next_word: bool = False  # a projection of the state onto the embedding (`next_word_logits`), for a next-word
    # objective on people's prose in training (TrainConfig.next_word_weight); kept so that a run resumes, and
    # never used in reading. Checkpoints written before it have none

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class Reader(nn.Module):
    def __init__(self, config: ReaderConfig) -> None:
        super().__init__()
        if config.kind not in ("lstm", "rnn"):
            raise ValueError(f"unknown reader kind '{config.kind}'; use lstm or rnn")
        if config.nonlinearity not in ("tanh", "relu") or (config.kind == "lstm" and config.nonlinearity != "tanh"):
            raise ValueError(f"a {config.kind} reader has no '{config.nonlinearity}' recurrence")
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embedding, padding_idx=0)
        if config.kind == "lstm":
            self.recurrent = nn.LSTM(config.embedding, config.hidden, batch_first=True)
        else:
            self.recurrent = nn.RNN(config.embedding, config.hidden, batch_first=True, nonlinearity=config.nonlinearity)
        self.possible = nn.Linear(config.hidden, 1)
        self.readout = nn.Linear(config.hidden, READOUT_CELLS * READOUT_CLASSES)
        if config.next_word:
            self.next_word = nn.Linear(config.hidden, config.embedding, bias=False)

    def states(self, ids: torch.Tensor, truncate: int = 0, dropout: float = 0.0) -> torch.Tensor:
        """ids (R, T), one suspect reading per row -> hidden states (R, T, H), stored time-major.

        The fused recurrence works time-major: given batch-first tensors, nn.LSTM copies its input to (T, R, E)
        and returns its states as a (R, T, H) view of (T, R, H), and every consumer of the view copied it back
        (the heads forward, the recurrence's gradient backward: strided copies of the whole state, 5% of a
        float32 training step; docs/benchmarks.md, "The readers work time-major"). So the embedding is looked up
        time-major and the states stay a view of the recurrence's own layout; `forward` runs the heads on it.

        With `truncate` > 0 (training only), the reading runs in chunks of that many tokens, carrying the state
        across chunks but not the gradient: truncated backpropagation through time. The forward values are the
        same; only how far back a loss can reach to change the weights is cut. `dropout`: see `forward`.
        """
        inputs = self.embed(ids.T).transpose(0, 1)  # (R, T, E), stored (T, R, E): the recurrence copies nothing
        if dropout and self.training:
            inputs = F.dropout(inputs, dropout, training=True)  # keeps the (T, R, E) storage (`empty_like`)
        if self.config.nonlinearity == "relu":
            return self._relu_states(ids, inputs, truncate)
        if truncate <= 0:
            return self.recurrent(inputs)[0]
        chunks, carried = [], None
        for chunk in inputs.split(truncate, dim=1):
            states, carried = self.recurrent(chunk, carried)
            chunks.append(states.transpose(0, 1))  # (t, R, H), contiguous
            carried = tuple(part.detach() for part in carried) if isinstance(carried, tuple) else carried.detach()
        return torch.cat(chunks).transpose(0, 1)

    def _relu_states(self, ids: torch.Tensor, inputs: torch.Tensor, truncate: int) -> torch.Tensor:
        """A relu recurrence read in chunks of RELU_CHUNK tokens, each chunk only for the rows not yet ended, so
        that no row reads more than RELU_CHUNK - 1 tokens of padding; states past a row's chunk are zeros.

        Rows are padded to the longest, and a relu recurrence is unbounded: carried on through the padding with
        nothing to read, its state can grow each token by up to its recurrent weights' spectral radius (2.8 for
        the bundled rival), and a tiny case padded to a 1,500-token corpus story overflowed to inf, which the
        masked loss turned into a NaN gradient. The states at real tokens are the same as a padded reading's, and
        a step is no slower (finished rows drop out); `truncate` detaches the carried state at the chunk boundary
        that reaches each multiple of it (the same cut as the padded path's when it is a multiple of RELU_CHUNK).
        """
        lengths = (ids > 0).sum(1)  # (R,): right padding, id 0 only after a row's last token
        carried = inputs.new_zeros(1, ids.shape[0], self.config.hidden)  # (1, R, H)
        chunks = []
        for start in range(0, ids.shape[1], RELU_CHUNK):
            active = (lengths > start).nonzero()[:, 0]  # rows with a token left to read here
            states, last = self.recurrent(inputs[active, start : start + RELU_CHUNK], carried[:, active])
            if truncate > 0 and (start + RELU_CHUNK) // truncate > start // truncate:
                last = last.detach()
            chunks.append(states.new_zeros(ids.shape[0], *states.shape[1:]).index_copy(0, active, states))
            carried = carried.index_copy(1, active, last)
        return torch.cat(chunks, dim=1)

    def next_word_logits(self, states: torch.Tensor) -> torch.Tensor:
        """Hidden states (N, H) -> logits (N, V) over the word each state is followed by: the state projected onto
        the embedding and scored against every word's row of it (tied weights, Press & Wolf 2017), so the words
        that follow in people's prose shape the embedding of the words the reader reads."""
        return self.next_word(states) @ self.embed.weight.T  # (N, E) @ (E, V)

    def read_out(self, states: torch.Tensor) -> torch.Tensor:
        """Hidden states (..., H) -> read-out logits (..., cells, classes)."""
        return self.readout(states).unflatten(-1, (READOUT_CELLS, READOUT_CLASSES))

    def forward(
        self,
        ids: torch.Tensor,
        *,
        truncate: int = 0,
        readout_at: slice = slice(None),
        bfloat16_readout: bool = False,
        bfloat16_recurrence: bool = False,
        dropout: float = 0.0,
    ) -> Reading:
        """ids (R, T), one suspect reading per row -> every head's logits: the one path that training (wrapped in
        DDP when there are ranks), evaluation and the numpy reader's parity test all call.

        Training may read out at some tokens only (`readout_at`) and compute the read-out head, the costliest
        part of a step after the recurrence, in bfloat16 (`bfloat16_readout`, where the device has it natively:
        `native_bfloat16`); its logits then come back in bfloat16, for the objective to widen only the cells it
        supervises. The recurrence too may run in bfloat16 (`bfloat16_recurrence`: oneDNN's LSTM with bfloat16
        data and float32 weights kept by the optimiser); with both, the heads read its states as one bfloat16
        product (`_bfloat16_heads`). In float32 at every token (training on a CPU without native bfloat16, and
        every evaluation), both heads are one function with its own gradient (`Float32Heads`). `truncate`: see
        `states`.

        `dropout` (training only: a module in eval mode ignores it) zeroes that share of the embedding's outputs
        into the recurrence and of the states into the heads, a fresh mask at every token, and never the
        recurrent connection itself (Zaremba et al. 2014, "Recurrent Neural Network Regularization"): the state
        carries what it holds intact, and no one unit of the input or the state can be what a verdict rests on.
        """
        with torch.autocast(ids.device.type, torch.bfloat16, enabled=bfloat16_recurrence):
            states = self.states(ids, truncate, dropout)  # (R, T, H), bfloat16 from a bfloat16 recurrence
        if dropout and self.training:
            states = F.dropout(states, dropout, training=True)
        if bfloat16_recurrence and bfloat16_readout:
            return self._bfloat16_heads(states, readout_at)
        if bfloat16_recurrence:
            states = states.float()
        by_token = states.transpose(0, 1)  # (T, R, H): the heads read the states as they are stored (`states`)
        if readout_at.indices(len(by_token)) != (0, len(by_token), 1) or bfloat16_readout:
            with torch.autocast(ids.device.type, torch.bfloat16, enabled=bfloat16_readout):
                readout = self.read_out(by_token[readout_at]).transpose(0, 1)  # (R, T', cells, classes)
            return Reading(self.possible(by_token)[..., 0].T, readout, states)
        heads = (self.possible.weight, self.possible.bias, self.readout.weight, self.readout.bias)
        possible, readout = Float32Heads.apply(by_token, *heads)  # (T, R), (T, R, cells * classes)
        readout = readout.unflatten(-1, (READOUT_CELLS, READOUT_CLASSES)).transpose(0, 1)  # (R, T, cells, classes)
        return Reading(possible.T, readout, states)

    def _bfloat16_heads(self, states: torch.Tensor, readout_at: slice) -> Reading:
        """Both heads over a bfloat16 recurrence's states (R, T, H) as one bfloat16 matrix product.

        With a float32 "still possible" head beside the bfloat16 read-out, a step copied the states to float32 and
        its gradient back, and that head's one-column product and outer-product gradient are slow kernels for
        their size: together a tenth of a training step on a 2-core CPU (docs/benchmarks.md, "Both heads in one
        bfloat16 product"). Its logit is now rounded to bfloat16 as the read-out's are; evaluation and the game
        read in float32. (In float32 one product gained nothing, its slices' zero-filled gradients costing what it
        saved; `Float32Heads` adds the two heads' gradients without them.) The read-out is computed at every token
        and `readout_at` sliced from it (the recipe reads out at every one).
        """
        weight = torch.cat([self.possible.weight, self.readout.weight]).to(states.dtype)  # (1 + cells * classes, H)
        bias = torch.cat([self.possible.bias, self.readout.bias]).to(states.dtype)
        heads = F.linear(states.transpose(0, 1), weight, bias)  # (T, R, 1 + cells * classes), as stored
        readout = heads[readout_at, :, 1:].unflatten(-1, (READOUT_CELLS, READOUT_CLASSES))  # (T', R, cells, classes)
        return Reading(heads[..., 0].T.float(), readout.transpose(0, 1), states)


class Float32Heads(torch.autograd.Function):
    """Both heads in float32 at every token of time-major states (T, R, H): the "still possible" logits (T, R) and
    the read-out's (T, R, cells * classes), with the gradients two nn.Linear would give.

    What autograd does with two nn.Linear over one tensor costs a float32 step two passes over a tensor the size
    of the states: it forms the one-column head's gradient for the states as an outer product (a (N, 1) x (1, H)
    matrix product, a slow kernel for that shape) and adds it to the read-out's as a third tensor. Here it is
    added into the read-out's gradient in place (`addr_`): docs/benchmarks.md, "The readers work time-major".
    """

    @staticmethod
    def forward(
        ctx: FunctionCtx,
        states: torch.Tensor,
        possible_weight: torch.Tensor,
        possible_bias: torch.Tensor,
        readout_weight: torch.Tensor,
        readout_bias: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        flat = states.reshape(-1, states.shape[-1])  # (N, H): a view of time-major states, which are contiguous
        ctx.save_for_backward(flat, possible_weight, readout_weight)
        ctx.states_shape = states.shape
        possible = torch.addmv(possible_bias, flat, possible_weight[0])  # (N,)
        readout = torch.addmm(readout_bias, flat, readout_weight.T)  # (N, cells * classes)
        return possible.view(states.shape[:-1]), readout.view(*states.shape[:-1], -1)

    @staticmethod
    def backward(ctx: FunctionCtx, grad_possible: torch.Tensor, grad_readout: torch.Tensor) -> tuple[torch.Tensor, ...]:
        flat, possible_weight, readout_weight = ctx.saved_tensors
        grad_possible = grad_possible.reshape(-1)  # (N,)
        grad_readout = grad_readout.reshape(len(flat), -1)  # (N, cells * classes)
        grad_states = (grad_readout @ readout_weight).addr_(grad_possible, possible_weight[0])  # (N, H)
        return (
            grad_states.view(ctx.states_shape),
            (grad_possible @ flat)[None],  # (1, H)
            grad_possible.sum(0, keepdim=True),  # (1,)
            grad_readout.T @ flat,  # (cells * classes, H)
            grad_readout.sum(0),
        )


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


@torch.no_grad()
def initialise_identity(model: Reader) -> None:
    """Identity recurrent weights and zero biases, the start of an IRNN (Le, Jaitly and Hinton 2015): with relu, a
    state is carried forward unchanged until an input writes to it, so a vanilla RNN starts out able to hold a
    fact over a long reading (measured: the rival reached easy cases in 500 steps against 2,750 with tanh)."""
    recurrent = model.recurrent
    recurrent.weight_hh_l0.copy_(torch.eye(model.config.hidden))
    recurrent.bias_hh_l0.zero_()
    recurrent.bias_ih_l0.zero_()


@functools.cache
def native_bfloat16(device: torch.device) -> bool:
    """Whether `device` computes in bfloat16 natively: a GPU that supports it, or a CPU with AVX512-BF16 or AMX.

    Elsewhere bfloat16 is emulated and slower than float32 (measured on a 2-core machine without AVX512-BF16:
    the loop at 0.64 of a bare nn.LSTM with the bfloat16 head, 0.78 with float32), so the head stays float32.
    """
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type != "cpu":
        return False
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")  # torch.cpu's own probes of the processor
    return any(getattr(torch.cpu, check, lambda: False)() for check in checks)


def cast_distribution(possible: torch.Tensor, cast_sizes: torch.Tensor) -> torch.Tensor:
    """possible logits (B, K, T) -> the cast's distribution (B, T, K), zero beyond each case's cast size."""
    slots = torch.arange(possible.shape[1], device=possible.device)
    masked = possible.masked_fill((slots[None, :] >= cast_sizes[:, None])[:, :, None], float("-inf"))
    return masked.softmax(dim=1).transpose(1, 2)
