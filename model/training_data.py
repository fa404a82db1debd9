"""What a run reads: the readers' vocabulary, words read as unknown, the validation cases, and each step's cases.

Fresh cases come from the generator along the curriculum's levels (or from a fixed pool); which ones is decided
from the run seed and the run's progress alone, so a resumed run reads exactly what an uninterrupted one would.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from model.batch import Batch, collate
from model.corpus import (
    coda_clues,
    corpus_words,
    quiet_clues,
    run_corpus,
    with_clues_dropped,
    with_coda,
    with_quiet_prose,
)
from model.distributed import ALONE, Ranks
from model.recipe import VALIDATION_RUN_SEED, TrainConfig, corpus_share_at, level_config
from model.revalue import with_values_redrawn
from model.targets import CaseTargets, case_targets
from model.tokenizer import SPECIALS, UNKNOWN, Vocabulary, build_vocabulary
from story import Story, grammar
from story.case_config import GeneratorConfig
from story.generator import PRESETS, case_seed, generate_case, generate_cases
from story.retell import retold_in_grammar
from story.traits import CATALOGUE, PRONOUNS
from story.words import split_words

if TYPE_CHECKING:
    from model.resume import Progress


@functools.cache  # 2,400 generated cases, seeded: the same every call, and four seconds to build
def reader_vocabulary(lemmas: bool = False, corpus: frozenset[str] = frozenset()) -> Vocabulary:
    """Every word the generator's grammar uses, and the `corpus` words a run trains on (`corpus_words`): the
    words a reader can learn. Any other word is `<unk>`.

    A word that training never shows keeps its random embedding, and moves a reader's belief at random; the
    bundled mysteries' own words are therefore not in it (when they were, a flavour clue of manor moved the
    partner from 0.31 to 0.89 on the butler), nor the corpus's unless the run reads the corpus. Training teaches
    `<unk>` instead, by reading a share of plain words as unknown (`unknown_share`). With `lemmas`, the
    vocabulary holds the words' lemmas (model/lemmas.py).
    """
    generated = build_vocabulary(
        story for preset in ("tiny", "easy", "default", "hard") for story in generate_cases(7, 600, preset)
    )
    # With the banks' own words too: a rare phrase that 2,400 cases happen not to draw is still a known word.
    return Vocabulary.from_words({*generated.words, *grammar.phrase_words(), *corpus}, lemmas)


def run_vocabulary(config: TrainConfig) -> Vocabulary:
    """The vocabulary of a run: the grammar's words, and its corpus's if it reads one."""
    corpus = run_corpus(config.corpus_share, config.corpus)
    return reader_vocabulary(config.lemmas, corpus_words(corpus, config.corpus_min_stories))


# A suspect speaking of themself: "'I am left-handed,' said Martin" binds the fact through these words.
FIRST_PERSON = frozenset(["i", "me", "my", "mine", "myself"])


@functools.lru_cache(maxsize=4)
def plain_words(vocabulary: Vocabulary) -> np.ndarray:
    """Per id, whether training may read it as `<unk>`: not a suspect, a pronoun, punctuation or a value's word.

    Facts stay readable, so the targets stay true: only the words around them go unknown.
    """
    kept = set(SPECIALS) | {word for pronouns in PRONOUNS.values() for word in pronouns} | FIRST_PERSON
    for trait in CATALOGUE.values():
        kept.update(trait.values)
    tables = (
        grammar.VALUE_WORDS,
        grammar.PAST_VALUE_WORDS,
        grammar.ITEMS,
        grammar.STATEMENT_ITEMS,
        grammar.FIRST_PERSON_WORDS,
        grammar.SHARED_VALUE_WORDS,
        grammar.LISTED_VALUE_WORDS,
        grammar.SYNONYM_VALUE_WORDS,  # "auburn" says red: hidden, the target would ask for what the text hides
        grammar.SPOKEN_VALUE_WORDS,
        grammar.SPOKEN_PLURAL_WORDS,
    )
    for table in tables:
        for phrases in table.values():
            kept.update(word for choices in phrases.values() for phrase in choices for word in split_words(phrase))
    if vocabulary.lemmas:  # the vocabulary holds lemmas: keep the lemmas of the kept words
        kept = set(Vocabulary.from_words(kept, lemmas=True).words)
    plain = np.array([word not in kept and any(c.isalpha() for c in word) for word in vocabulary.words])
    plain.flags.writeable = False  # cached and shared
    return plain


def with_unknown_words(ids: np.ndarray, plain: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """`ids` with each plain word replaced by `<unk>` with probability `share`."""
    hidden = plain[ids] & (rng.random(len(ids)) < share)
    return np.where(hidden, SPECIALS.index(UNKNOWN), ids)


def validation_cases(config: TrainConfig, vocabulary: Vocabulary) -> list[CaseTargets]:
    difficulty, generator = level_config(config.levels[-1])
    return [
        case_targets(story, vocabulary)
        for story in generate_cases(VALIDATION_RUN_SEED, config.eval_cases, difficulty, generator)
    ]


@dataclass(frozen=True)
class Plan:
    """Which cases a step will train on, decided before they are built (so building can run ahead)."""

    level: int  # index into the curriculum's levels (unused with a pool)
    replay: bool  # drawn from an earlier level than the current one
    start: int  # first case index in the run (fresh cases) or position in the pool's order


class CaseSource:
    """The cases of each step: fresh from the generator at the curriculum's level, or from a fixed pool.

    `plan` decides, from the run seed and the Progress alone, which cases come next; `batch` builds them (a
    pure function of the plan), in a background thread while the previous step trains. So a resumed run
    draws exactly what the uninterrupted run would have, however fast each part ran.
    """

    def __init__(self, config: TrainConfig, pool: list[Story] | None) -> None:
        self.config = config
        self.levels = [level_config(spec) for spec in config.levels]
        self.pool = pool
        self.corpus = run_corpus(config.corpus_share, config.corpus)
        self.corpus_targets: dict[tuple[int, Vocabulary], CaseTargets] = {}  # built once per corpus story
        self.corpus_ids = {id(story) for story in self.corpus}  # the run's own stories, alive as long as it is
        self.quiet = quiet_clues(self.corpus) if config.quiet_share else ()
        self.codas = coda_clues(self.corpus) if config.corpus_coda else ()

    def plan(self, progress: Progress, rng: np.random.Generator) -> Plan:
        replay = self.pool is None and progress.level > 0 and bool(rng.random() < self.config.replay_share)
        level = int(rng.integers(progress.level)) if replay else progress.level
        plan = Plan(level, replay, progress.drawn)
        progress.drawn += self.config.batch_cases
        return plan

    def indices(self, plan: Plan, ranks: Ranks = ALONE) -> range:
        """The run indices of the plan's cases that this rank trains on (all of them alone)."""
        share = self.config.batch_cases // ranks.world
        return range(plan.start + ranks.rank * share, plan.start + (ranks.rank + 1) * share)

    def stories(self, plan: Plan, ranks: Ranks = ALONE) -> list[Story]:
        """The plan's cases; under data parallelism, this rank's share of them. Each case is drawn from its index
        in the run alone, so a rank builds only its own: generating the whole batch on every rank, as it once did,
        spent half of each rank's case building on cases another rank trains on."""
        return [story for story, _ in self.drawn(plan, ranks)]

    def drawn(self, plan: Plan, ranks: Ranks = ALONE) -> list[tuple[Story, bool]]:
        """The plan's cases (this rank's share), each with whether it is told in people's own prose: a corpus story
        as written or with clues left out, but not one retold in the generator's sentences, whose next words the
        next-word term must not learn as people's. Decided where the story is drawn, not replayed after."""
        indices = self.indices(plan, ranks)
        if self.pool is not None:
            positions = (divmod(index, len(self.pool)) for index in indices)
            return [(self.pool[self._order(epoch)[position]], False) for epoch, position in positions]
        difficulty, generator = self.levels[plan.level]
        return [
            self.corpus_story(index, plan.level) or (self.generated(index, difficulty, generator), False)
            for index in indices
        ]

    def generated(self, index: int, difficulty: str, generator: GeneratorConfig) -> Story:
        """The run's `index`-th case from the generator, told among the corpus's quiet prose at `quiet_share`
        (from the run seed and the index alone, so that a resumed run reads what the uninterrupted one would)."""
        story = generate_case(case_seed(self.config.seed, index), difficulty, generator)
        if not self.quiet:
            return story
        rng = np.random.default_rng([self.config.seed, index, 3])
        return with_quiet_prose(story, self.quiet, self.config.quiet_share, rng)

    def corpus_story(self, index: int, level: int) -> tuple[Story, bool] | None:
        """The run's `index`-th case from the training corpus, at `corpus_share` from level `corpus_level` on, with
        whether it is still in people's prose (not retold), or None (a generated one): drawn from the run seed, the
        index and the level alone, so that a resumed run reads what the uninterrupted one would."""
        rng = self.corpus_draw(index, level)
        if rng is None:
            return None
        story = self.corpus[int(rng.integers(len(self.corpus)))]
        if self.config.corpus_drop:
            story = with_clues_dropped(story, self.config.corpus_drop, rng)
        if self.config.corpus_redrawn and rng.random() < self.config.corpus_redrawn:  # no draw when off
            story = with_values_redrawn(story, rng)
        if self.codas and rng.random() < self.config.corpus_coda:  # no draw when off
            story = with_coda(story, self.codas, rng)
        if self.config.corpus_retold and rng.random() < self.config.corpus_retold:
            retold = retold_in_grammar(story, random.Random(int(rng.integers(2**63))), PRESETS["default"])
            return retold, retold is story  # the story itself where it cannot be retold
        return story, True

    def corpus_draw(self, index: int, level: int) -> np.random.Generator | None:
        """The random source that picks the run's `index`-th case from the corpus, or None where that case is a
        generated one: a pure function of the run seed, the index and the level, at the share of the case's step."""
        if not self.corpus or level < self.config.corpus_level:
            return None
        rng = np.random.default_rng([self.config.seed, index, 2])
        share = corpus_share_at(self.config, index // self.config.batch_cases)
        return rng if rng.random() < share else None

    @functools.lru_cache(maxsize=2)  # noqa: B019 (one source per run; the cache lives as long as the run)
    def _order(self, epoch: int) -> np.ndarray:
        """The pool's order in this epoch: a fresh shuffle per epoch, from the run seed."""
        assert self.pool is not None
        return np.random.default_rng([self.config.seed, epoch]).permutation(len(self.pool))

    def batch(self, plan: Plan, vocabulary: Vocabulary, ranks: Ranks = ALONE) -> Batch:
        """The plan's cases as a padded batch; under data parallelism, this rank's slice of them."""
        drawn = self.drawn(plan, ranks)
        cases = [self.targets(story, vocabulary) for story, _ in drawn]
        if self.config.unknown_share:
            plain = plain_words(vocabulary)
            cases = [
                replace(case, ids=with_unknown_words(case.ids, plain, self.config.unknown_share, rng))
                for case, rng in zip(cases, self.word_rngs(self.indices(plan, ranks)), strict=True)
            ]
        return collate(cases, vocabulary, [in_people_prose for _, in_people_prose in drawn])

    def targets(self, story: Story, vocabulary: Vocabulary) -> CaseTargets:
        """A case's targets. A corpus story is read again and again, and its tokens and the oracle's verdicts never
        change, so they are built once; a generated case is built fresh, as it is read once, and so is a corpus
        story with clues left out, retold, its values redrawn or closed by a coda (`corpus_drop`, `corpus_retold`,
        `corpus_redrawn`, `corpus_coda`: a new story each time, whose id a later one may reuse)."""
        if id(story) not in self.corpus_ids:
            return case_targets(story, vocabulary)
        key = (id(story), vocabulary)  # the corpus's stories live as long as the run (corpus_stories' cache)
        if key not in self.corpus_targets:
            self.corpus_targets[key] = case_targets(story, vocabulary)
        return self.corpus_targets[key]

    def word_rngs(self, indices: range) -> list[np.random.Generator]:
        """One generator per case, from the run seed and the case's draw: a resumed run hides the same words."""
        return [np.random.default_rng([self.config.seed, index, 1]) for index in indices]
