"""Whether a "still possible" head that can compare decides people's prose better than the linear one, on a
reader whose recurrence is frozen.

    PYTHONPATH=. python docs/research/frozen_head.py --corpus TRAIN --held HELD_BACK --dev benchmarks/dev [--head mlp]

Not part of the package (docs/model.md, the dated table of 2026-12-05). At a piece of evidence in people's prose
the partner's memory read-out often holds both the culprit's value and the suspect's, and still it does not
clear the suspect (docs/research/clearances.py): a linear head cannot compare two values the state holds (equality
of two stored classes is not linear in them), so the comparison has to be made by the recurrence at the moment
the evidence is read, and there it is bound to the phrasings it was trained on. A head with a hidden layer could
compare what memory holds at any token. This trains a head on the frozen reader's states, by the recipe's terms
for that head (the BCE on "still possible", cleared cells weighted up, and the KL to the oracle's posterior), on
generated cases and the training corpus; `--head linear` refits the linear head on the same data, the control.
The new head starts as the reader's own (the hidden layer's output at zero), so step 0 is the reader as it is.
Measured on the held-back stories, the development set, the corpus stories read, and generated cases.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from model.batch import Batch, collate
from model.checkpoint import load_checkpoint
from model.corpus import corpus_stories
from model.evaluate import EVAL_RUN_SEED, reader_from_checkpoint
from model.objective import belief_terms, changes, possible_weights
from model.recipe import TrainConfig
from model.shipped import load_shipped
from model.targets import CaseTargets, case_targets
from model.verdicts import named_suspect
from story.generator import generate_cases

TRAIN_SEED = 4_242  # generated training cases: a run seed that evaluation does not use


class ComparingHead(nn.Module):
    """The reader's linear "still possible" head plus a hidden layer's correction, which starts at zero."""

    def __init__(self, linear: nn.Linear, hidden: int, kind: str) -> None:
        super().__init__()
        self.linear = nn.Linear(linear.in_features, 1)
        self.linear.load_state_dict(linear.state_dict())
        self.kind = kind
        if kind == "mlp":
            self.inner = nn.Linear(linear.in_features, hidden)
            self.outer = nn.Linear(hidden, 1)
            nn.init.zeros_(self.outer.weight)
            nn.init.zeros_(self.outer.bias)

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        """states (R, T, H) -> logits (R, T)."""
        logits = self.linear(states)
        if self.kind == "mlp":
            logits = logits + self.outer(F.relu(self.inner(states)))
        return logits[..., 0]


def head_loss(logits: torch.Tensor, batch: Batch, config: TrainConfig) -> torch.Tensor:
    """The recipe's BCE and KL terms for the "still possible" head (model.objective.losses, one process)."""
    from model.batch import per_case

    positions = torch.arange(batch.views.shape[1])
    token_mask = (positions[None, :] < batch.lengths[batch.row_case, None]).float()
    changed = changes(batch.possible)
    weight = possible_weights(batch, token_mask, changed, config)
    bce = (F.binary_cross_entropy_with_logits(logits, batch.possible, reduction="none") * weight).sum()
    bce = bce / token_mask.sum()
    kl, _ = belief_terms(per_case(logits, batch, float("-inf")), batch, changed, config)
    return bce + kl


def final_beliefs(model, head: nn.Module, cases: list[CaseTargets], vocabulary, chunk: int = 8) -> list[np.ndarray]:
    """Each case's cast distribution after its last token."""
    out = []
    with torch.no_grad():
        for start in range(0, len(cases), chunk):
            group = cases[start : start + chunk]
            batch = collate(group, vocabulary)
            logits = head(model.states(batch.views))  # (R, T)
            row = 0
            for case in group:
                final = logits[row : row + case.cast_size, len(case.ids) - 1]
                out.append(torch.softmax(final, 0).numpy())
                row += case.cast_size
    return out


def measure(label: str, model, head, cases: list[CaseTargets], vocabulary, generated: bool) -> str:
    beliefs = final_beliefs(model, head, cases, vocabulary)
    if generated:
        right = np.mean([belief.argmax() == case.culprit for belief, case in zip(beliefs, cases, strict=True)])
        return f"{label} {right:.3f}"
    named = sum(named_suspect(belief) == case.culprit for belief, case in zip(beliefs, cases, strict=True))
    mean = np.mean([belief[case.culprit] for belief, case in zip(beliefs, cases, strict=True)])
    return f"{label} {named}/{len(cases)} ({mean:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--corpus", type=Path, required=True, help="the story folder the reader trained on")
    parser.add_argument("--held", type=Path, required=True, help="held-back stories no run has read")
    parser.add_argument("--dev", type=Path, required=True, help="the development set")
    parser.add_argument("--head", choices=("mlp", "linear"), default="mlp")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--corpus-share", type=float, default=0.3)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    checkpoint = load_checkpoint(args.checkpoint) if args.checkpoint else load_shipped("lstm")
    vocabulary = checkpoint.vocabulary
    model = reader_from_checkpoint(checkpoint)
    model.requires_grad_(False)
    head = ComparingHead(model.possible, args.hidden, args.head)

    def targets(stories) -> list[CaseTargets]:
        return [case_targets(story, vocabulary) for story in stories]

    corpus = targets(corpus_stories(args.corpus))
    held = targets(corpus_stories(args.held))
    dev = targets(corpus_stories(args.dev))
    generated = {
        preset: targets(generate_cases(TRAIN_SEED, 1200, preset)) for preset in ("easy", "default", "hard", "long")
    }
    checks = {preset: targets(generate_cases(EVAL_RUN_SEED, 200, preset)) for preset in ("default", "hard")}
    every_fifth = corpus[::5]

    def report(step: int) -> None:
        parts = [
            measure("held-back", model, head, held, vocabulary, False),
            measure("dev", model, head, dev, vocabulary, False),
            measure("corpus/5", model, head, every_fifth, vocabulary, False),
            *(measure(preset, model, head, cases, vocabulary, True) for preset, cases in checks.items()),
        ]
        print(f"step {step}: " + "  ".join(parts), flush=True)

    report(0)
    config = TrainConfig()
    optimiser = torch.optim.Adam(head.parameters(), lr=args.lr)
    started = time.monotonic()
    pools = list(generated.values())
    for step in range(1, args.steps + 1):
        chosen = []
        for _ in range(args.batch):
            if rng.random() < args.corpus_share:
                chosen.append(corpus[rng.integers(len(corpus))])
            else:
                pool = pools[rng.integers(len(pools))]
                chosen.append(pool[rng.integers(len(pool))])
        batch = collate(chosen, vocabulary)
        with torch.no_grad():
            states = model.states(batch.views)
        loss = head_loss(head(states), batch, config)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 200 == 0 or step == args.steps:
            print(f"  {step} steps, loss {loss.item():.3f}, {time.monotonic() - started:.0f} s", flush=True)
        if step % 600 == 0 or step == args.steps:
            report(step)


if __name__ == "__main__":
    main()
