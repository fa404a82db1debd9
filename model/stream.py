"""The streaming reader on numpy: one token at a time, constant work per token, no torch.

The game feeds it the words as they are narrated. It keeps one recurrent state per suspect reading and, for
each token, advances every reading by one step, so the cost per token is the same at token 10 and token 1,000
(the prefix is never re-read). For the LSTM it returns the step's input, forget and output gates and the cell
state, computed from the same weights as torch's fused nn.LSTM (gate order i, f, g, o).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from model.checkpoint import Checkpoint
from model.readout import READOUT_CELLS, READOUT_CLASSES
from model.tokenizer import Vocabulary


@dataclass(frozen=True)
class StepResult:
    """What the reader believes after one token."""

    probabilities: np.ndarray  # (K,) the cast's distribution
    readout: np.ndarray  # (K, cells, classes) read-out logits per suspect reading
    gates: dict[str, np.ndarray] | None  # LSTM only: "input", "forget", "output", "cell", each (K, H)
    possible: np.ndarray  # (K,) each reading's "still possible" logit, whose softmax is `probabilities`


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # exact, and never overflows


def input_table(weights: Mapping[str, np.ndarray], dtype: type = np.float64) -> np.ndarray:
    """Each word's input projection, embedding through the input weights plus both biases: (V, 4H) or (V, H).
    A word's projection never changes, so a reader looks it up instead of computing it per token."""

    def get(name: str) -> np.ndarray:
        return np.asarray(weights[name], dtype=dtype)

    bias = get("recurrent.bias_ih_l0") + get("recurrent.bias_hh_l0")
    return get("embed.weight") @ get("recurrent.weight_ih_l0").T + bias


def lstm_step(pre: np.ndarray, cell: np.ndarray) -> tuple[np.ndarray, ...]:
    """One LSTM step from its pre-activations (rows, 4H) in torch's gate order i, f, g, o: (hidden, cell, input,
    forget, output)."""
    i, f, g, o = np.split(pre, 4, axis=1)
    i, f, o = sigmoid(i), sigmoid(f), sigmoid(o)
    cell = f * cell + i * np.tanh(g)
    return o * np.tanh(cell), cell, i, f, o


def rnn_step(pre: np.ndarray, nonlinearity: str) -> np.ndarray:
    """One vanilla RNN step from its pre-activations: tanh, or relu (an IRNN rival)."""
    return np.maximum(pre, 0.0) if nonlinearity == "relu" else np.tanh(pre)


class StreamingReader:
    """Reads one case, token by token, for a cast of `cast_size` suspects."""

    def __init__(
        self,
        kind: str,
        weights: Mapping[str, np.ndarray],
        vocabulary: Vocabulary,
        cast_size: int,
        nonlinearity: str = "tanh",
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"no '{nonlinearity}' recurrence; a reader's is tanh or relu")
        self.kind = kind
        self.nonlinearity = nonlinearity
        self.vocabulary = vocabulary
        self.cast_size = cast_size

        def get(name: str) -> np.ndarray:
            return np.asarray(weights[name], dtype=np.float64)  # float64: parity with torch well inside 1e-5

        self.input_table = input_table(weights)
        self.w_hh = get("recurrent.weight_hh_l0")
        self.possible_w, self.possible_b = get("possible.weight"), get("possible.bias")
        self.readout_w, self.readout_b = get("readout.weight"), get("readout.bias")
        hidden = self.w_hh.shape[1]
        self.hidden_state = np.zeros((cast_size, hidden))
        self.cell_state = np.zeros((cast_size, hidden)) if kind == "lstm" else None
        self._slot_views = [vocabulary.view_table(slot) for slot in range(cast_size)]

    @classmethod
    def of(cls, checkpoint: Checkpoint, cast_size: int) -> StreamingReader:
        """The reader a checkpoint holds: its kind, weights, vocabulary and recurrence."""
        return cls(checkpoint.kind, checkpoint.weights, checkpoint.vocabulary, cast_size, checkpoint.nonlinearity)

    def step(self, token: str) -> StepResult:
        """Advance every suspect reading by one token."""
        (token_id,) = self.vocabulary.encode([token])
        rows = [views[token_id] for views in self._slot_views]  # the token as each suspect's reading sees it
        pre = self.input_table[rows] + self.hidden_state @ self.w_hh.T  # (K, 4H) or (K, H)
        gates = None
        if self.kind == "lstm":
            self.hidden_state, self.cell_state, i, f, o = lstm_step(pre, self.cell_state)
            gates = {"input": i, "forget": f, "output": o, "cell": self.cell_state}
        else:
            self.hidden_state = rnn_step(pre, self.nonlinearity)
        logits = (self.hidden_state @ self.possible_w.T + self.possible_b)[:, 0]  # (K,)
        shifted = np.exp(logits - logits.max())
        readout = (self.hidden_state @ self.readout_w.T + self.readout_b).reshape(
            self.cast_size, READOUT_CELLS, READOUT_CLASSES
        )
        return StepResult(shifted / shifted.sum(), readout, gates, logits)


def read_through(
    kind: str,
    weights: Mapping[str, np.ndarray],
    vocabulary: Vocabulary,
    tokens: list[str],
    cast: int,
    nonlinearity: str = "tanh",
):
    """The streaming reader run to the end of a whole reading: the cast's distribution after every token (T, K),
    and each reading's "still possible" logit there (T, K)."""
    reader = StreamingReader(kind, weights, vocabulary, cast, nonlinearity)
    steps = [reader.step(token) for token in tokens]
    return np.stack([step.probabilities for step in steps]), np.stack([step.possible for step in steps])
