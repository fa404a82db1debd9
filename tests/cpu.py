"""What this machine's CPU can run, for the tests that force a precision the recipe would not pick on it.

The recipe runs the recurrence in bfloat16 only where the CPU has it natively (`readers.native_bfloat16`); some
tests force it anywhere, to check its numbers. oneDNN emulates a bfloat16 LSTM on a CPU with AVX512 but has no
bfloat16 LSTM at all on one with AVX2 alone (an AMD EPYC of this project's kind: "could not create a primitive
descriptor for the LSTM forward propagation primitive"), so there those tests are skipped, not failed: nothing
the recipe runs there is untested by them.
"""

from __future__ import annotations

from functools import cache

import pytest
import torch


@cache
def bfloat16_lstm_runs() -> bool:
    """Whether an nn.LSTM runs under bfloat16 autocast on this CPU, natively or emulated."""
    lstm = torch.nn.LSTM(4, 4)
    try:
        with torch.no_grad(), torch.autocast("cpu", torch.bfloat16):
            lstm(torch.zeros(3, 2, 4))
    except RuntimeError:
        return False
    return True


needs_bfloat16_lstm = pytest.mark.skipif(
    not bfloat16_lstm_runs(), reason="this CPU runs no bfloat16 LSTM, not even emulated (AVX2 alone)"
)
