"""The training recipe as data: every knob of a run, the presets, the curriculum's levels, the learning rate.

docs/model.md says how each default was found; a checkpoint stores the whole TrainConfig it was trained with.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields, replace
from typing import Any

from story.generator import PRESETS, GeneratorConfig, configure
from story.knobs import parse_knobs, unknown_knob

# LSTM-128 and RNN-256 have about the same number of weights (114k and 111k besides the embedding): the rival
# differs in how it remembers, not in how much room it has.
HIDDEN = {"lstm": 128, "rnn": 256}
LEVEL_UP_WINDOW = 25  # the curriculum moves up when the batch accuracy over this many steps reaches level_up_accuracy
VALIDATION_RUN_SEED = 1_000_003  # validation and evaluation cases come from this run seed; training never does


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a training run; stored in the checkpoint. The first group is the recipe (docs/model.md says
    how each default was found, with the experiments' figures); the second holds knobs for experiments, each
    off in the recipe; the third, how and where a run runs, which does not change what it learns."""

    # The recipe.
    kind: str = "lstm"  # lstm (the partner) or rnn (the rival)
    nonlinearity: str = "tanh"  # the rival's recurrence: tanh, or relu started from identity recurrent weights (an
    # IRNN, Le et al. 2015), which learned easy cases in a fraction of the steps (docs/model.md); the LSTM's is tanh
    hidden: int = 0  # recurrent width; 0: the kind's own (HIDDEN), which gives both readers similar sizes
    embedding: int = 64  # word embedding width
    batch_cases: int = 8  # cases per step (each read once per suspect); 8 rather than 16 buys twice the steps in the
    # hour, and more steps of the cosine made a better partner (docs/model.md, the dated table of 2026-12-02)
    learning_rate: float = 2e-3  # AdamW, peak; a cosine takes it to a tenth by the last step
    decay_share: float = 1.0  # share of the steps, at the end, over which the cosine falls; before it the rate holds
    # at its peak ("warmup-stable-decay", Hu et al. 2024; Hägele et al. 2024): a run cut short by a small time
    # budget loses less to a cosine that fell early (docs/model.md, the dated table of 2026-12-04)
    decay_with_minutes: bool = False  # the cosine's progress is the further of the steps' and the minutes': a run
    # on a slower machine (a CPU without native bfloat16 makes about half the recipe's steps in its minutes) then
    # ends its decay as its minutes end, instead of being stopped by them at a high rate ("budgeted training", Li et
    # al. 2020); its rates, and so its weights, then depend on the machine's speed. Off by default: on such a CPU
    # it read as the stage without it (docs/model.md, the dated table of 2026-12-06); the bundled partner's prose
    # stage sets it, since at 192 cells its steps never fit its minutes (docs/model.md, "Training")
    clip: float = 1.0  # gradient norm clipping
    weight_decay: float = 0.1  # AdamW's decoupled weight decay, for long readings
    steps: int = 12000  # optimisation steps; set them so that the cosine ends where the minutes do (12,000: in ~45
    # minutes on two ranks of this project's 2-core machines, `torchrun --nproc_per_node=2`; ~58 before the
    # read-out's sampled cells)
    minutes: float = 60.0  # wall-clock cap: stop early (with a checkpoint) if the steps take longer
    seed: int = 0  # training cases come from this run seed; also seeds torch
    levels: tuple[str, ...] = ("tiny", "easy", "default")  # curriculum, easiest first; "preset[:knob=v;knob=v]"
    level_up_accuracy: float = 0.9  # move up when final accuracy over the last LEVEL_UP_WINDOW steps reaches this
    level_steps: int = 2600  # also move up after this many steps at a level, however it does (0: never); replayed
    # batches of earlier levels do not count, so from the second level on it takes ~1/(1 - replay_share) as many
    replay_share: float = 0.2  # share of batches drawn from earlier levels once moved up
    cleared_weight: float = 5.0  # weight of cleared cells and cleared-tokens in the BCE and KL terms
    change_weight: float = 10.0  # extra weight at the token where a clue changes who is possible (the last
    # clue's evidence must be applied at once: the story ends one token later). At 20, over three seeds of the
    # prose stage, people's stories read as at 10, and the lesson and a point of the decided rung were lost
    # (docs/model.md, the dated table of 2026-12-07)
    prose_change_weight: float = 0.0  # that weight in people's prose only (corpus stories in their own words);
    # 0: the change_weight. At 20 beside 10 (one seed) it read people's stories no better and named 3 of the 5
    # bundled mysteries, where the bundled partner names 4 (docs/model.md, 2026-12-07): off in the recipe
    readout_weight: float = 2.0  # weight of the memory read-out loss: supervising what is stored breaks the plateau
    unknown_readout_weight: float = 0.02  # weight of read-out cells whose answer is "unknown" (13 of 14, mostly)
    unknown_readout_sample: float = 0.1  # share of those cells supervised at each step, chosen at random and
    # weighted up by its inverse (the same expected gradient); the read-out's cross-entropy is computed on the
    # supervised cells only, so a tenth cuts most of its cost (the loop 0.81 of a bare nn.LSTM, from 0.71:
    # docs/benchmarks.md)
    unknown_share: float = 0.1  # share of plain words read as <unk> in training, so that the unknown words of
    # an author's prose read as "some word" the reader has learned to pass over
    lemmas: bool = True  # read each word by its lemma (model/lemmas.py): "invited" is "invite", so one form taught
    # is every form known; checkpoints record it, and those without it read words as written
    bfloat16_readout: bool = True  # compute the read-out head in bfloat16 where the device has it natively
    # (readers.native_bfloat16: faster on a CPU with AVX512-BF16, slower where it is emulated); every loss
    # stays float32
    bfloat16_recurrence: bool = True  # run the recurrence in bfloat16 too where the device has it natively:
    # a default-level step 1.6x faster on a CPU with AVX512-BF16, as much learned per step in a side-by-side
    # run (docs/model.md, 2026-12-05); the weights, the optimiser and every loss stay float32. With
    # bfloat16_readout, both heads read its states in one bfloat16 product (Reader._bfloat16_heads)

    # For experiments: each is off (or neutral) in the recipe.
    truncate: int = 0  # backpropagate through at most this many tokens (0: the whole reading)
    culprit_weight: float = 0.0  # weight of a per-token cross-entropy against the culprit
    activation_weight: float = 0.0  # activation regularisation: weight of the mean squared hidden state, which
    # keeps a tanh state out of saturation, where it can still be written (Merity et al. 2017)
    temporal_weight: float = 0.0  # temporal activation regularisation: weight of the mean squared change of the
    # hidden state from one token to the next, so that a word that says nothing writes nothing
    readout_stride: int = 1  # supervise the read-out at every n-th token only (faster per step)
    orthogonal_init: bool = False  # orthogonal recurrent weights (and LSTM forget bias 1) at the start
    write_weight: float = 0.0  # extra read-out weight on a known cell in the `write_window` tokens after its
    # answer changes. A cell is supervised at every token until the case ends, so a statement told early teaches
    # its write far more than one told late; this gives every write the same extra teaching wherever it is told.
    # It counts in the read-out's weighted mean, so it also lowers the share that teaches holding
    write_window: int = 16  # tokens after a read-out answer changes that count as its write (write_weight and
    # write_bonus)
    write_bonus: float = 0.0  # as write_weight, but added on top of the read-out's mean (divided by the same
    # total as without it): holding keeps its gradient in the objective and the writes get more. (Clipping and
    # AdamW's step sizes still see the larger total gradient, so the update can still shift toward the writes)
    pool_cases: int = 0  # > 0: train on this fixed pool of cases (the last level's) instead of fresh ones
    epochs: int = 0  # with a pool: stop after this many passes over it (0: the steps decide)
    data: str = ""  # a JSONL file from `whodunit generate` to use as the pool (overrides pool_cases)
    corpus_share: float = 0.0  # share of each step's cases drawn from the training corpus (model/corpus.py:
    # mysteries written in people's prose, facts annotated) instead of the generator; its words used by two or
    # more of its stories join the vocabulary
    corpus_fall_share: float = 0.0  # share of the steps, at the end, over which the corpus's share falls in a line
    # from corpus_share to corpus_share_end (0: corpus_share throughout): a stage can read people's prose at half its
    # cases, which reads people's stories best, and end on the generator's, which keeps the generated rungs'
    # targets. From 0.5 to 0.15 over the last 0.35 it lifted the default rung a hundredth, short of its targets, and
    # read people's stories as without it; to 0 over the last half it lifted nothing and lost people's stories
    # (docs/model.md, 2026-12-06): off in the recipe
    corpus_share_end: float = 0.0  # with corpus_fall_share: the corpus's share at the last step
    corpus: str = ""  # the training corpus's folder of story files ("": the bundled model/corpus/)
    corpus_min_stories: int = 2  # a corpus word joins the vocabulary when this many of its stories use it (as
    # written, not by lemma); any other word reads as <unk>. A word of a few stories is learned from a few contexts,
    # and can name a story's culprit by heart. At 10 (3,498 words, not 7,814) three seeds of the prose stage read
    # people's stories as the recipe's do, a story or two better on the mean (docs/model.md, 2026-12-07): off
    corpus_level: int = 0  # the first curriculum level whose steps mix in the corpus (0: every level): a corpus
    # story runs to ~1,450 tokens and a tiny case to ~140, so a first stage can read it from its last level only;
    # replayed batches of earlier levels read none either
    corpus_drop: float = 0.0  # the chance that each clue of a corpus story stating traits only, or nothing, is left
    # out of one reading of it (model.corpus.with_clues_dropped): a story read again and again becomes many cases,
    # whose suspects cleared at the evidence depend on which statements were told, so that having read a story
    # before does not name its culprit. At 0.3 the partner named fewer of its own stories and of others alike
    # (docs/model.md, 2026-12-05): off in the recipe
    corpus_retold: float = 0.0  # the chance that a corpus story is read retold in the generator's prose, fact by
    # fact, its values permuted (story.retell.retold_in_grammar): people's shapes (statements after their evidence,
    # values never told, alibis broken late, three or four evidence traits) in sentences the readers read, a new
    # case at each reading. Told so, the stories the partner misreads are misread as often (docs/model.md,
    # 2026-12-05): for the bundled partner their shape comes first; once it is learned, their sentences are what is
    # left (the same table). Off in the recipe
    corpus_redrawn: float = 0.0  # the chance that a corpus story is read with its values drawn afresh, in its own
    # prose (model.revalue.with_values_redrawn): each value said in plain words ("a glass of gin") replaced by
    # another's, the facts with it, and the culprit whoever the oracle then leaves, so that a story read again is
    # another case (at one reading about 550 of the 601 training stories redraw, about 460 to another culprit) and
    # naming it takes reading, not remembering. At 0.7 and 0.3 the partner read people's stories redrawn better and
    # as written worse (docs/model.md, 2026-12-06): off in the recipe
    corpus_coda: float = 0.0  # the chance that a corpus story is read with one more clue at its end, people's prose
    # that states nothing and names a suspect of its cast drawn uniformly (model.corpus.with_coda): the corpus's
    # culprit is the suspect named last in 52% of its stories, a cue that stands in for reading the facts. At 0.7 and
    # 1.0 it took some of the cue away and taught nothing of the facts (docs/model.md, 2026-12-06): off in the recipe
    quiet_share: float = 0.0  # the chance that a corpus clue stating nothing (model.corpus.quiet_clues) is told
    # after each clue of a generated case: the generator's facts and targets inside people's prose, which alone
    # breaks the partner's decision (docs/model.md, 2026-12-05). Needs corpus_share
    next_word_weight: float = 0.0  # weight of a next-word cross-entropy on the corpus stories (`next_word_term`):
    # one reading of each corpus story predicts each `next_word_stride`-th token's successor from its state, so
    # that people's prose teaches the recurrence its sentences and not only its verdicts (semi-supervised sequence
    # learning: Dai & Le 2015, Rei 2017). Adds a projection to the reader (ReaderConfig.next_word). Off in the recipe
    next_word_stride: int = 4  # with next_word_weight: predict at every n-th token (a different offset each step)
    dropout: float = 0.0  # share of the embedding's outputs and of the states into the heads zeroed at each
    # training token (Reader.forward; never the recurrent connection): the partner fits the corpus stories it
    # reads far better than it reads others (docs/model.md, 2026-12-05), the overfitting dropout is for. At 0.25
    # it fit its own stories less and read the others less too (docs/model.md, 2026-12-06): off in the recipe
    ema_decay: float = 0.0  # with it, the checkpoints hold an exponential moving average of the weights, updated
    # after every step at this decay (1 - ema_decay of the new weights: at 0.998 about the last 500 steps count),
    # not the last step's: between two checkpoints 300 steps apart a stage's reading of people's stories moves as
    # much as from one seed to another (docs/model.md, 2026-12-05), the noise an average of the iterates is meant
    # to smooth (Polyak & Juditsky 1992; the "EMA" of image and language models). Validation reads the average;
    # the trained weights go on in the training state (resume.safetensors). No warm-up: the average starts at the
    # run's first weights (at 0.998 still 0.55 of them at step 300), so it suits a stage from --init, and a run's
    # early validations understate it. At 0.998 the prose stage's average read people's stories as its trained
    # weights did and the generated rungs a little better (docs/model.md, 2026-12-07): off in the recipe, where the
    # checkpoints hold the last step's
    init: str = ""  # a checkpoint folder to start from instead of fresh weights (fine-tuning): the same kind, sizes
    # and lemmas (model.train.warm_start); the run's own learning rate, cosine and curriculum apply from step 1

    # How and where it runs.
    eval_cases: int = 200  # validation cases (from VALIDATION_RUN_SEED), at the last level
    eval_every: int = 250  # steps between validations and checkpoints (`whodunit train --checkpoint-every`)
    keep_checkpoints: bool = False  # also keep each checkpoint's reader in OUT/steps/STEP (weights and description,
    # no optimiser state: ~3 MB each at the recipe's sizes), to read the run's course afterwards; the run's own
    # checkpoint in OUT is replaced at every save
    threads: int = 1  # torch threads per process (one process per core: torchrun for more than one)
    device: str = "cpu"  # cpu, cuda or auto (cuda if there is one); shipped weights train on cpu


TRAIN_PRESETS = {
    "default": TrainConfig(),
    # About three minutes on 2 cores: proves the pipeline end to end, and learns the binding on tiny cases told in
    # the banks' plainest phrasings (on every phrasing a reader this small learns little in that time). No
    # weight decay: it is there for long readings, and holds a reader this small back (docs/model.md).
    "tiny": TrainConfig(
        hidden=32,
        embedding=16,
        batch_cases=16,
        weight_decay=0.0,
        unknown_share=0.0,  # for authors' prose; on tiny cases it only slows the demonstration
        steps=4000,
        minutes=5.0,
        levels=("tiny:phrasings=8",),
        eval_cases=100,
        eval_every=200,  # a checkpoint every few seconds: a kill loses little of a two-minute run
    ),
}


def level_config(spec: str) -> tuple[str, GeneratorConfig]:
    """ "default" or "default:min_gap=0;cast_size=5,6" -> (preset, its knobs); ValueError says what is wrong."""
    preset, _, knobs = spec.partition(":")
    if preset not in PRESETS:
        raise ValueError(f"unknown difficulty '{preset}' in level '{spec}'; use one of {', '.join(PRESETS)}")
    return preset, configure(PRESETS[preset], parse_knobs(knobs.split(";")) if knobs else {})


def learning_rate(config: TrainConfig, step: int, minutes: float = 0.0) -> float:
    """Linear warm-up over 50 steps, the peak held until the last `decay_share` of the steps, then a cosine down to
    a tenth of it at the last step. With `decay_with_minutes`, `minutes` (spent so far) counts as well: the cosine
    is as far down as the steps or the minutes say, whichever is further, so it ends where the minutes do."""
    warm = min(1.0, (step + 1) / 50)
    progress = _into_last_share(config.steps, config.decay_share, step)
    if config.decay_with_minutes:
        progress = max(progress, _into_last_share(config.minutes, config.decay_share, minutes, least=0.0))
    return config.learning_rate * warm * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress)))


def corpus_share_at(config: TrainConfig, step: int) -> float:
    """The share of step `step`'s cases drawn from the corpus (steps count from 0): `corpus_share`, falling in a line
    to `corpus_share_end` over the last `corpus_fall_share` of the steps where that is set."""
    if not config.corpus_fall_share:
        return config.corpus_share
    progress = _into_last_share(config.steps, config.corpus_fall_share, step + 1)  # the end share at the last step
    return config.corpus_share + (config.corpus_share_end - config.corpus_share) * progress


def _into_last_share(total: float, share: float, at: float, least: float = 1.0) -> float:
    """How far `at` is into the last `share` of `total` (steps, or minutes with `least` 0: a tail of steps is at
    least one step, one of minutes has no such unit): 0 before that tail, rising in a line to 1 at its end."""
    tail = max(total * share, least)
    return min(1.0, max(0.0, at - (total - tail)) / tail)


def with_overrides(config: TrainConfig, **changes: Any) -> TrainConfig:
    """`config` with the given fields set, skipping those left as None (unset command-line flags)."""
    return replace(config, **{name: value for name, value in changes.items() if value is not None})


# Knobs with a flag of their own in `whodunit train` are set there, so that a run has one way to say each.
FLAGGED = {
    "kind": "--model",
    "seed": "--seed",
    "steps": "--steps",
    "minutes": "--minutes",
    "pool_cases": "--cases",
    "epochs": "--epochs",
    "device": "--device",
    "data": "--data",
    "init": "--init",
    "eval_every": "--checkpoint-every",
}
# probabilities: 0 to 1
SHARES = (
    "level_up_accuracy",
    "replay_share",
    "unknown_share",
    "corpus_share",
    "corpus_fall_share",
    "corpus_share_end",
    "corpus_drop",
    "corpus_retold",
    "corpus_redrawn",
    "corpus_coda",
    "quiet_share",
    "dropout",
    "ema_decay",
)
AT_LEAST_ONE = (
    "embedding",
    "batch_cases",
    "readout_stride",
    "next_word_stride",
    "write_window",
    "corpus_min_stories",
    "eval_cases",
    "eval_every",
    "threads",
    "steps",
)
# Upper bounds: past them a run would not fit in memory, or would write weights no checkpoint may hold (64 MiB).
MOST = {
    "embedding": 1024,
    "hidden": 1024,
    "batch_cases": 4096,
    "eval_cases": 100_000,
    "threads": 1024,
    "steps": 1_000_000_000,
    "eval_every": 1_000_000_000,
    "readout_stride": 1_000_000,
    "next_word_stride": 1_000_000,
    "write_window": 1_000_000,
    "corpus_min_stories": 1_000_000,
    "pool_cases": 10_000_000,
    "epochs": 1_000_000,
    "seed": 2**63 - 1,  # torch's and numpy's seeds are 64-bit
}
CHOICES = {"kind": ("lstm", "rnn"), "nonlinearity": ("tanh", "relu"), "device": ("cpu", "cuda", "auto")}


def configure_training(base: TrainConfig, overrides: dict[str, str]) -> TrainConfig:
    """`base` with knobs set from text, as `whodunit train --set KNOB=VALUE` gives them; ValueError says what is
    wrong. `levels` takes the curriculum's level specs separated by spaces ("tiny easy default:min_gap=0")."""
    known = {field.name for field in fields(TrainConfig)}
    changes: dict[str, object] = {}
    for key, text in overrides.items():
        if key in FLAGGED:
            raise ValueError(f"set '{key}' with {FLAGGED[key]}, not --set")
        if key not in known:
            raise unknown_knob("training", key, known - set(FLAGGED))
        changes[key] = _knob_value(key, getattr(base, key), text)
    return check_training(replace(base, **changes))  # type: ignore[arg-type]


def check_training(config: TrainConfig) -> TrainConfig:
    """`config` itself if every knob is in range (finite, not negative, under its cap); ValueError names the knob."""

    def knob(name: str) -> str:
        return f"training knob '{name}'" + (f" ({FLAGGED[name]})" if name in FLAGGED else "")

    for name in (field.name for field in fields(TrainConfig)):
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{knob(name)} must be a finite number, not {value}")
        if value < 0:
            raise ValueError(f"{knob(name)} must not be negative")
        if name in MOST and value > MOST[name]:
            raise ValueError(f"{knob(name)} must be at most {MOST[name]:,}, not {value:,}")
    for name in SHARES:
        if not 0.0 <= getattr(config, name) <= 1.0:
            raise ValueError(f"{knob(name)} must be between 0 and 1")
    for name in AT_LEAST_ONE:
        if getattr(config, name) < 1:
            raise ValueError(f"{knob(name)} must be at least 1")
    if config.minutes <= 0:
        raise ValueError(f"{knob('minutes')} must be above 0")
    for name in ("unknown_readout_sample", "decay_share"):
        if not 0.0 < getattr(config, name) <= 1.0:
            raise ValueError(f"{knob(name)} must be above 0 and at most 1")
    for name, choices in CHOICES.items():
        if getattr(config, name) not in choices:
            raise ValueError(f"{knob(name)} is {getattr(config, name)!r}; use one of {', '.join(choices)}")
    if config.kind == "lstm" and config.nonlinearity != "tanh":
        raise ValueError(f"{knob('nonlinearity')} is {config.nonlinearity!r}; an LSTM's recurrence is tanh")
    if config.nonlinearity == "relu" and config.orthogonal_init:
        raise ValueError(f"{knob('orthogonal_init')}: a relu rival starts from identity recurrent weights; choose one")
    if config.corpus_share and (config.pool_cases or config.data):
        raise ValueError(f"{knob('corpus_share')} mixes the corpus into fresh cases; a fixed pool is read alone")
    if config.corpus_fall_share and not config.corpus_share:
        raise ValueError(f"{knob('corpus_fall_share')} lowers the corpus's share, and the run reads none")
    if config.corpus_share_end and not config.corpus_fall_share:
        raise ValueError(f"{knob('corpus_share_end')} is where the corpus's share falls to; set corpus_fall_share")
    if config.corpus_share_end > config.corpus_share:
        raise ValueError(f"{knob('corpus_share_end')} must be at most corpus_share: the share falls, never rises")
    if config.corpus_drop and not config.corpus_share:
        raise ValueError(f"{knob('corpus_drop')} leaves clues out of corpus stories, and the run reads none")
    if config.corpus_retold and not config.corpus_share:
        raise ValueError(f"{knob('corpus_retold')} retells corpus stories, and the run reads none")
    if config.corpus_redrawn and not config.corpus_share:
        raise ValueError(f"{knob('corpus_redrawn')} draws corpus stories' values afresh, and the run reads none")
    if config.corpus_coda and not config.corpus_share:
        raise ValueError(f"{knob('corpus_coda')} closes corpus stories with a line, and the run reads none")
    if config.quiet_share and not config.corpus_share:
        raise ValueError(f"{knob('quiet_share')} tells the corpus's prose in generated cases, and the run reads none")
    if config.next_word_weight and not config.corpus_share:
        raise ValueError(f"{knob('next_word_weight')} predicts the words of corpus stories, and the run reads none")
    if config.dropout >= 1:
        raise ValueError(f"{knob('dropout')} must be below 1: at 1 the reader reads nothing")
    if config.ema_decay >= 1:
        raise ValueError(f"{knob('ema_decay')} must be below 1: at 1 the average never leaves the first weights")
    if not config.levels:
        raise ValueError(f"{knob('levels')} needs at least one level")
    if config.corpus_level >= len(config.levels):
        raise ValueError(
            f"{knob('corpus_level')} is {config.corpus_level}; the curriculum's levels count from 0 to "
            f"{len(config.levels) - 1}"
        )
    for spec in config.levels:
        level_config(spec)  # raises with the level's problem
    return config


def stored_training(stored: object, source: str) -> TrainConfig:
    """The TrainConfig a checkpoint's "training" record describes, every value of the right type and in range;
    ValueError names `source`, the knob and what is wrong. Keys that are not knobs (the command) are skipped."""
    if not isinstance(stored, dict):
        raise ValueError(f"{source}: 'training' must be an object")
    # Runs from before these knobs read words as written, supervised every read-out cell and read in float32.
    values: dict[str, Any] = {"lemmas": False, "unknown_readout_sample": 1.0, "bfloat16_recurrence": False}
    for field in fields(TrainConfig):
        if field.name not in stored:
            continue
        value, default = stored[field.name], getattr(TrainConfig(), field.name)
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(default, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif isinstance(default, tuple):
            ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
            value = tuple(value) if ok else value
        else:
            ok = isinstance(value, str)
        if not ok:
            wanted = {bool: "true or false", int: "a whole number", float: "a number", tuple: "a list of levels"}
            shown = json.dumps(value)[:40]
            raise ValueError(
                f"{source}: training.{field.name} is {shown}; expected {wanted.get(type(default), 'text')}"
            )
        values[field.name] = value
    try:
        return check_training(TrainConfig(**values))
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None


def _knob_value(key: str, current: object, text: str) -> object:
    if isinstance(current, tuple):  # the curriculum's levels
        levels = tuple(text.split())
        if not levels:
            raise ValueError(f"training knob '{key}' takes level specs separated by spaces: 'tiny easy default'")
        return levels  # each level is checked with the rest, by check_training
    if isinstance(current, bool):
        if text.lower() not in ("true", "false"):
            raise ValueError(f"training knob '{key}' takes true or false, not '{text}'")
        return text.lower() == "true"
    try:
        return type(current)(text)  # "inf", "nan" and "1e400" are floats: check_training refuses them
    except ValueError:
        wanted = "a whole number" if isinstance(current, int) else "a number"  # str(text) never fails
        raise ValueError(f"training knob '{key}' takes {wanted}, not '{text}'") from None
