"""The training corpus: mysteries written in people's prose for the readers to learn from, never to measure them.

Generated cases teach the grammar's sentences, and a reader of them reads hand-written mysteries at about chance
(docs/model.md, "Reading prose people write"). `model/corpus/` holds story files written for training, in many
settings and voices, their facts annotated as any story file's are, so that the oracle gives every token of them
the same targets a generated case has. A run mixes them into its steps at `corpus_share`. They were written
without reading the held-out set (`benchmarks/authored/`) or the development set (`benchmarks/dev/`), which
measure what the corpus teaches.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

from model.tokenizer import read_story
from story import Clue, Retraction, Story, StoryError, TraitStated, load_story
from story.mentions import Mention, find_mentions, mention_matcher

CORPUS = Path(__file__).parent / "corpus"  # the bundled training corpus (`corpus=""` in a TrainConfig)
MIN_STORIES = 2  # a corpus word joins the vocabulary when this many stories use it (a run's own:
# TrainConfig's `corpus_min_stories`): a word read in one story alone would be learned from one context, and move
# a reader's belief at random anywhere else


class CorpusError(ValueError):
    """A training corpus that cannot be used: no story files, or files that are not sound stories."""


def corpus_folder(setting: str) -> Path:
    """The folder a TrainConfig's `corpus` names: the bundled one when it is empty."""
    return Path(setting) if setting else CORPUS


@functools.cache  # a run reads its corpus once; the stories are frozen
def corpus_stories(folder: Path) -> tuple[Story, ...]:
    """Every story file (`*.toml`) in `folder`, in name order, each proved sound as `whodunit check` proves it.

    CorpusError lists every problem of every file (`path:line:col: message`), so that one run of `train` says
    all that is wrong with a corpus.
    """
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise CorpusError(f"{folder}: no story files (*.toml) to train on")
    stories: list[Story] = []
    problems: list[str] = []
    for path in paths:
        try:
            stories.append(load_story(path))
        except StoryError as error:
            problems.extend(str(problem) for problem in error.problems)
    if problems:
        raise CorpusError("the training corpus has stories that are not sound:\n" + "\n".join(problems))
    return tuple(stories)


def run_corpus(share: float, folder: str) -> tuple[Story, ...]:
    """The corpus a run reads (a TrainConfig's `corpus_share` and `corpus`): none when its share is 0."""
    return corpus_stories(corpus_folder(folder)) if share else ()


def corpus_words(stories: tuple[Story, ...], min_stories: int = MIN_STORIES) -> frozenset[str]:
    """The tokens used by at least `min_stories` of the stories: the corpus's words a reader can learn."""
    counts = Counter(token for story in stories for token in set(read_story(story).tokens))
    return frozenset(token for token, count in counts.items() if count >= min_stories)


def with_clues_dropped(story: Story, share: float, rng: np.random.Generator) -> Story:
    """The story with each clue that states traits only, or nothing, left out at chance `share` (TrainConfig's
    `corpus_drop`); `story` itself when none is.

    A reader that has read a corpus story before can name its culprit from the story alone, and the recipe's
    partner names more of its own stories when it reads them twice as often, and about as many of others
    (docs/model.md, 2026-12-05). With some statements gone, who the evidence clears depends on which were told,
    and the oracle's targets follow (the case is analysed afresh). Evidence, alibis, broken alibis, retractions
    and any statement a retraction names always stay, so the facts stay consistent and the culprit possible to
    the end; the story may end undecided, among the suspects whose clearing statement was left out, and the
    targets then say so. A pronoun may lose its antecedent with a dropped clue: the facts' suspects are named in
    the annotations, so the targets stay right where the prose grows vaguer. Measured at 0.3 (a fifth of the
    clues left out, two thirds of the stories left undecided): the partner named fewer of its own stories and
    fewer of others, so it is off in the recipe.
    """
    retracted = {fact.fact_id for clue in story.clues for fact in clue.facts if isinstance(fact, Retraction)}
    draws = rng.random(len(story.clues))
    kept = tuple(
        clue
        for clue, draw in zip(story.clues, draws, strict=True)
        if draw >= share or not all(isinstance(f, TraitStated) and f.id not in retracted for f in clue.facts)
    )
    return story if len(kept) == len(story.clues) else replace(story, clues=kept)


def factless_clues(stories: tuple[Story, ...]) -> Iterator[tuple[str, tuple[Mention, ...]]]:
    """The text of every corpus clue that states nothing, with its mentions of its own story's suspects."""
    for story in stories:
        matcher = mention_matcher(story)
        for clue in story.clues:
            if not clue.facts:
                yield clue.text, find_mentions(clue.text, matcher)


def quiet_clues(stories: tuple[Story, ...]) -> tuple[str, ...]:
    """The text of every corpus clue that states nothing and names none of its story's suspects: people's prose
    between facts, which can be told inside any case without changing who did it."""
    return tuple(text for text, mentions in factless_clues(stories) if not mentions)


def with_quiet_prose(story: Story, quiet: tuple[str, ...], share: float, rng: np.random.Generator) -> Story:
    """The story with one of the `quiet` clues told after each of its clues at chance `share` (TrainConfig's
    `quiet_share`): a generated case's facts, targets and culprit, surrounded by people's prose.

    Told after each clue of a generated case, such prose is enough to make the partner decide as it does in
    people's stories: it applies 0.37 of the clearances whose two values it holds (0.93 without), and names 73 of
    150 default cases (148; docs/model.md, 2026-12-05). Here the generator's facts give that prose targets.
    """
    draws = rng.random(len(story.clues))
    picks = rng.integers(len(quiet), size=len(story.clues)) if quiet else np.zeros(len(story.clues), np.int64)
    clues: list[Clue] = []
    for clue, draw, pick in zip(story.clues, draws, picks, strict=True):
        clues.append(clue)
        if quiet and draw < share:
            clues.append(Clue(quiet[int(pick)], ()))
    return replace(story, clues=tuple(clues))


Coda = tuple[str, tuple[tuple[int, int], ...]]  # a clue's text and the spans that name its one suspect


def coda_clues(stories: tuple[Story, ...]) -> tuple[Coda, ...]:
    """Every corpus clue that states nothing and names one of its story's suspects, with the spans that name them:
    people's prose about someone, which can close any story, about any of its suspects, without changing who did
    it (`with_coda`)."""
    return tuple(
        (text, tuple((mention.start, mention.end) for mention in mentions))
        for text, mentions in factless_clues(stories)
        if mentions and len({mention.slot for mention in mentions}) == 1
    )


def with_coda(story: Story, codas: tuple[Coda, ...], rng: np.random.Generator) -> Story:
    """The story with one of the `codas` told after its last clue, about a suspect of its cast drawn uniformly
    (TrainConfig's `corpus_coda`): its mentions replaced by that suspect's name, its facts none.

    The corpus's writers end on the deciding scene: the culprit is the suspect named last in 52% of the 601
    training stories and the one named most in 38% (a uniform guess: 17%; `story.mentions.name_cues`). A reader
    can learn that cue in place of the facts, and one line at the end naming another suspect then moves it
    (docs/research/last_named.py). Told after a coda, the suspect named last is anyone. Codas took some of the cue
    away and taught nothing of the facts, nor to keep a belief through a line that says nothing (docs/model.md,
    2026-12-06)."""
    text, spans = codas[int(rng.integers(len(codas)))]
    name = story.suspects[int(rng.integers(len(story.suspects)))].name
    for start, end in reversed(spans):  # from the end: the spans before stay where they were
        text = text[:start] + name + text[end:]
    return replace(story, clues=(*story.clues, Clue(text, ())))
