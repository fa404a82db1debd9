"""How one reader fares on one story: whom it names and from which clue, belief left on cleared suspects, and
the words it does not know. For authors (`whodunit check`) and the authored benchmark; pure numpy (the
streaming reader), so neither needs torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.checkpoint import Checkpoint
from model.stream import read_through
from model.targets import case_targets
from model.tokenizer import UNKNOWN, read_story
from story import Analysis, Story, analyze

# A reader names someone only when its favourite leads the runner-up by this much: five equal bars of 20%, or
# 0.26 against 0.24, name nobody. The game's bars show the same beliefs; this is what a report may claim of them.
NAMING_MARGIN = 0.10
# A reader is lost when every reading's "still possible" logit has stayed below LOST_LOGIT for LOST_RUN tokens: it
# holds every suspect cleared, which the oracle never does, and its bars are a softmax over noise. Not below zero:
# the head is trained with cleared cells weighted 5 times (TrainConfig.cleared_weight), which puts a suspect held
# possible with probability p at logit(p) - log 5, below zero up to p = 0.83, and "every logit below zero for 16
# tokens" happens in half the generated hard cases the partner reads right. Below -3 (every suspect under ~0.2) for
# 32 tokens: the bundled partner in 2% of generated default cases and 6% of hard ones, and in 9 of the 12
# development mysteries, lighthouse and train (docs/model.md, the dated table, 2026-12-03); the bundled rival, its
# head tempered, in 1% of default and hard cases and 3 of the 12 development mysteries.
LOST_LOGIT = -3.0
LOST_RUN = 32


def named_suspect(probabilities: np.ndarray) -> int | None:
    """The suspect a distribution names, or None when it is undecided (see NAMING_MARGIN)."""
    if len(probabilities) == 1:
        return 0
    runner_up, favourite = np.sort(probabilities)[-2:]
    return int(probabilities.argmax()) if favourite - runner_up >= NAMING_MARGIN else None


def lost_run(run: int, possible: np.ndarray) -> int:
    """The tokens in a row at which a reader holds every suspect cleared, after one more token's "still possible"
    logits (K,); the reader is lost once this reaches LOST_RUN. It needs only the tokens so far, so the game can
    tell it as the story is narrated."""
    return run + 1 if possible.max() < LOST_LOGIT else 0


def lost_tokens(possible: np.ndarray) -> np.ndarray:
    """(T, K) "still possible" logits -> (T,) whether the reader is lost after each token (LOST_LOGIT)."""
    lost = np.zeros(len(possible), dtype=bool)
    run = 0
    for token, logits in enumerate(possible):
        run = lost_run(run, logits)
        lost[token] = run >= LOST_RUN
    return lost


@dataclass(frozen=True)
class StoryVerdict:
    """One reader's reading of one story, summed up."""

    kind: str  # "lstm" | "rnn"
    clue_beliefs: np.ndarray  # (clues, K) the cast distribution after each clue's last token
    named: int | None  # whom it names after the last token; None: undecided
    culprit_probability: float  # its probability on the culprit after the last token
    from_clue: int | None  # the first clue (0-based) from which it names the culprit to the end; None: not at the end
    cleared_mass: float  # summed over tokens: probability on suspects the oracle has cleared
    tokens: int  # tokens read (so that cleared mass can be pooled over stories)
    unknown: tuple[str, ...]  # each word read as <unk>, in reading order, repeats included
    words: int  # word tokens read (punctuation excluded)
    lost_clues: tuple[int, ...]  # clues (0-based) at whose end the reader is lost (lost_tokens): it reads no one

    @property
    def unknown_share(self) -> float:
        return len(self.unknown) / max(self.words, 1)

    @property
    def mean_cleared_mass(self) -> float:
        return self.cleared_mass / max(self.tokens, 1)


def story_verdict(checkpoint: Checkpoint, story: Story, analysis: Analysis | None = None) -> StoryVerdict:
    """Read `story` with `checkpoint`'s reader, token by token, and sum up how it fared against the oracle."""
    vocabulary = checkpoint.vocabulary
    case = case_targets(story, vocabulary, analysis or analyze(story))
    tokens = read_story(story).tokens  # what case.ids encodes, with the words kept for the list of unknown ones
    beliefs, possible = read_through(
        checkpoint.kind, checkpoint.weights, vocabulary, list(tokens), case.cast_size, checkpoint.nonlinearity
    )  # (T, K) each
    clue_beliefs = beliefs[[end - 1 for end in case.clue_ends]]
    lost = lost_tokens(possible)
    named = named_suspect(beliefs[-1])
    from_clue = None
    if named == story.culprit:
        right = [named_suspect(belief) == story.culprit for belief in clue_beliefs]
        from_clue = max((clue for clue, ok in enumerate(right) if not ok), default=-1) + 1
    is_word = [any(ch.isalnum() for ch in token) or token.startswith("<") for token in tokens]
    (unknown_id,) = vocabulary.encode([UNKNOWN])
    unknown = tuple(
        token for token, id_, word in zip(tokens, case.ids, is_word, strict=True) if word and id_ == unknown_id
    )
    return StoryVerdict(
        kind=checkpoint.kind,
        clue_beliefs=clue_beliefs,
        named=named,
        culprit_probability=float(beliefs[-1, story.culprit]),
        from_clue=from_clue,
        cleared_mass=float((beliefs * (1.0 - case.possible.T)).sum()),
        tokens=len(tokens),
        unknown=unknown,
        words=sum(is_word),
        lost_clues=tuple(clue for clue, end in enumerate(case.clue_ends) if lost[end - 1]),
    )
