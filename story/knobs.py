"""KNOB=VALUE text, as `--set` gives it, for the case generator's knobs and the training recipe's alike: one
parser, and one message for a knob that does not exist, which suggests the nearest one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def parse_knobs(texts: Iterable[str]) -> dict[str, str]:
    """["min_gap=12", "cast_size=6,7"] -> {"min_gap": "12", ...}; ValueError for text without '='."""
    overrides = {}
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep:
            raise ValueError(f"--set takes KNOB=VALUE, not '{text}'")
        overrides[key.strip()] = value.strip()
    return overrides


def unknown_knob(kind: str, key: str, known: Iterable[str]) -> ValueError:
    """The error for a knob `key` that is not among `known` ("generator", "training"), with the nearest name."""
    names = sorted(known)
    hint = difflib.get_close_matches(key, names, n=1)
    suggestion = f"did you mean '{hint[0]}'?" if hint else f"knobs: {', '.join(names)}"
    return ValueError(f"unknown {kind} knob '{key}'; {suggestion}")
