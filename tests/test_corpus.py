"""The training corpus: mysteries in people's prose, proved sound, mixed into a run's steps at `corpus_share`."""

from __future__ import annotations

import itertools
import re
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from model.corpus import (
    CORPUS,
    MIN_STORIES,
    CorpusError,
    coda_clues,
    corpus_stories,
    corpus_words,
    quiet_clues,
    with_clues_dropped,
    with_coda,
    with_quiet_prose,
)
from model.recipe import TRAIN_PRESETS, TrainConfig, check_training, configure_training, corpus_share_at
from model.targets import case_targets
from model.tokenizer import Vocabulary, read_story
from model.training_data import CaseSource, Plan, run_vocabulary
from story import Clue, Retraction, Story, TraitStated, analyze, load_story
from story.generator import generate_cases
from story.mentions import find_mentions, mention_matcher

MYSTERIES = Path(__file__).resolve().parent.parent / "story" / "mysteries"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three bundled mysteries as a small corpus, two of them sharing a word that the grammar does not say (the
    grammar has grown to say every word that two of them share)."""
    for name in ("manor", "harrowgate", "lighthouse"):
        shutil.copy(MYSTERIES / f"{name}.toml", tmp_path / f"{name}.toml")
    for name in ("manor", "harrowgate"):
        path = tmp_path / f"{name}.toml"
        path.write_text(
            re.sub(r'^intro = ("""|")', r"intro = \1Quillery creaked. ", path.read_text(), count=1, flags=re.M)
        )
    return tmp_path


def test_the_bundled_corpus_is_sound_and_varied() -> None:
    stories = corpus_stories(CORPUS)
    assert len(stories) >= 180
    assert len({story.title for story in stories}) == len(stories)
    assert len({len(story.suspects) for story in stories}) >= 3  # casts of several sizes


def test_a_corpus_reads_in_name_order_and_once(corpus: Path) -> None:
    stories = corpus_stories(corpus)
    assert [story.title for story in stories] == [
        "A Killing at Harrowgate Abbey",
        "The Light on Carrick Rock",
        "Death at Ashcombe Manor",
    ]
    assert corpus_stories(corpus) is stories  # cached: a run reads its corpus once


def test_an_empty_folder_is_no_corpus(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no story files"):
        corpus_stories(tmp_path)


def test_every_unsound_story_is_reported_where_it_goes_wrong(corpus: Path) -> None:
    text = (corpus / "manor.toml").read_text(encoding="utf-8")
    (corpus / "manor.toml").write_text(text.replace('value = "cigar" }', 'value = "cigra" }', 1), encoding="utf-8")
    (corpus / "zz-broken.toml").write_text("title = [\n", encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        corpus_stories(corpus)
    message = str(caught.value)
    assert f"{corpus / 'manor.toml'}:" in message and "'cigra' is not a value of tobacco" in message
    assert f"{corpus / 'zz-broken.toml'}:1:" in message  # every file's problems, each located


def test_corpus_words_are_those_two_stories_use(corpus: Path) -> None:
    stories = corpus_stories(corpus)
    words = corpus_words(stories)
    per_story = [set(read_story(story).tokens) for story in stories]
    for word in {*per_story[0], *per_story[1], *per_story[2]}:
        assert (word in words) == (sum(word in tokens for tokens in per_story) >= MIN_STORIES)


def test_a_run_may_keep_only_the_corpus_words_that_more_stories_use(corpus: Path) -> None:
    config = configure_training(
        TRAIN_PRESETS["tiny"], {"corpus_share": "0.5", "corpus": str(corpus), "corpus_min_stories": "3"}
    )
    per_story = [set(read_story(story).tokens) for story in corpus_stories(corpus)]
    in_every_story = set.intersection(*per_story)
    assert corpus_words(corpus_stories(corpus), 3) == in_every_story
    vocabulary = run_vocabulary(config)
    grammar = set(run_vocabulary(replace(config, corpus_share=0.0)).words)
    assert set(vocabulary.words) - grammar <= set(Vocabulary.from_words(in_every_story, lemmas=True).words)
    in_two_only = {word for word in set.union(*per_story) if sum(word in tokens for tokens in per_story) == 2}
    by_two, unknown = run_vocabulary(replace(config, corpus_min_stories=2)), vocabulary.encode(["<unk>"])
    assert {word for word in in_two_only if vocabulary.encode([word]) == unknown != by_two.encode([word])}
    with pytest.raises(ValueError, match="corpus_min_stories' must be at least 1"):
        configure_training(TRAIN_PRESETS["tiny"], {"corpus_min_stories": "0"})


def test_a_run_mixes_corpus_cases_in_at_its_share_and_learns_their_words(corpus: Path) -> None:
    config = configure_training(TRAIN_PRESETS["tiny"], {"corpus_share": "0.5", "corpus": str(corpus)})
    written = {id(story) for story in corpus_stories(corpus)}  # generated cases may share a title
    source = CaseSource(replace(config, batch_cases=200), None)
    drawn = source.stories(Plan(0, False, 0))
    from_corpus = [story for story in drawn if id(story) in written]
    assert 70 < len(from_corpus) < 130
    assert len({id(story) for story in from_corpus}) == 3
    assert source.stories(Plan(0, False, 0)) == drawn  # the plan alone decides: a resumed run reads the same
    plain = CaseSource(replace(config, batch_cases=200, corpus_share=0.0), None).stories(Plan(0, False, 0))
    assert not [story for story in plain if id(story) in written]

    learned = set(run_vocabulary(config).words) - set(run_vocabulary(replace(config, corpus_share=0.0)).words)
    assert learned and learned <= set(Vocabulary.from_words(corpus_words(corpus_stories(corpus)), lemmas=True).words)
    vocabulary = run_vocabulary(config)
    batch = source.batch(Plan(0, False, 0), vocabulary)
    assert batch.views.shape[0] > 0
    story = from_corpus[0]  # a corpus story's targets are built once, and are those built fresh
    assert source.targets(story, vocabulary) is source.targets(story, vocabulary)
    fresh = case_targets(story, vocabulary)
    assert (source.targets(story, vocabulary).ids == fresh.ids).all()
    assert (source.targets(story, vocabulary).stated == fresh.stated).all()
    assert (source.batch(Plan(0, False, 0), vocabulary).views == batch.views).all()


def test_corpus_level_keeps_the_corpus_out_of_earlier_levels(corpus: Path) -> None:
    levels = {"levels": "tiny easy", "corpus_share": "1.0", "corpus": str(corpus)}
    config = replace(configure_training(TRAIN_PRESETS["tiny"], {**levels, "corpus_level": "1"}), batch_cases=20)
    written = {id(story) for story in corpus_stories(corpus)}
    source = CaseSource(config, None)
    assert not [story for story in source.stories(Plan(0, False, 0)) if id(story) in written]
    assert not [story for story in source.stories(Plan(0, True, 20)) if id(story) in written]  # a replayed batch
    assert all(id(story) in written for story in source.stories(Plan(1, False, 40)))
    with pytest.raises(ValueError, match=r"corpus_level.* from 0 to 1"):
        configure_training(TRAIN_PRESETS["tiny"], {**levels, "corpus_level": "2"})


def test_the_corpus_share_falls_in_a_line_over_the_last_steps_at_corpus_fall_share(corpus: Path) -> None:
    knobs = {"corpus_share": "0.5", "corpus_fall_share": "0.25", "corpus_share_end": "0.1", "corpus": str(corpus)}
    config = replace(configure_training(TRAIN_PRESETS["tiny"], knobs), steps=100, batch_cases=400)
    shares = [corpus_share_at(config, step) for step in range(100)]
    assert shares[:75] == [0.5] * 75  # held until the last quarter of the steps
    assert shares[75] < 0.5 and shares[-1] == pytest.approx(0.1)
    assert all(later < earlier for earlier, later in itertools.pairwise(shares[75:]))
    assert corpus_share_at(replace(config, corpus_fall_share=0.0), 99) == 0.5  # no fall: the share throughout

    written = {id(story) for story in corpus_stories(corpus)}
    source = CaseSource(config, None)

    def read_from_corpus(step: int) -> int:
        return sum(id(story) in written for story in source.stories(Plan(0, False, step * config.batch_cases)))

    assert 160 < read_from_corpus(0) < 240  # a step's cases drawn at its own share
    assert 10 < read_from_corpus(99) < 70
    with pytest.raises(ValueError, match="never rises"):
        configure_training(TRAIN_PRESETS["tiny"], {**knobs, "corpus_share_end": "0.6"})
    with pytest.raises(ValueError, match="set corpus_fall_share"):
        configure_training(TRAIN_PRESETS["tiny"], {**knobs, "corpus_fall_share": "0"})
    with pytest.raises(ValueError, match="the run reads none"):
        configure_training(TRAIN_PRESETS["tiny"], {"corpus_fall_share": "0.25"})


def test_a_corpus_share_is_a_probability_and_needs_fresh_cases() -> None:
    with pytest.raises(ValueError, match="corpus_share"):
        configure_training(TRAIN_PRESETS["tiny"], {"corpus_share": "1.5"})
    with pytest.raises(ValueError, match="a fixed pool is read alone"):
        check_training(replace(TRAIN_PRESETS["tiny"], corpus_share=0.5, pool_cases=100))  # `train --cases 100`


def test_train_refuses_an_unusable_corpus_before_training(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from commands.cli import main

    (corpus / "zz-broken.toml").write_text("title = [\n", encoding="utf-8")
    out = tmp_path / "run"
    argv = ["train", "--preset", "tiny", "--set", "corpus_share=0.5", "--set", f"corpus={corpus}", "--out", str(out)]
    assert main(argv) == 2
    said = capsys.readouterr()
    error = " ".join((said.out + said.err).split())  # the console wraps long lines
    assert f"{corpus / 'zz-broken.toml'}:1:" in error and "Traceback" not in error
    assert not out.exists()  # refused before the folder was made


def test_clues_left_out_are_statements_or_flavour_and_the_culprit_stays_possible() -> None:
    story = corpus_stories(MYSTERIES)[-1]  # train: a retracted piece of evidence, alibis, a broken one
    assert with_clues_dropped(story, 0.0, np.random.default_rng(0)) is story
    kept_shapes: set[int] = set()
    for seed in range(40):
        dropped = with_clues_dropped(story, 0.5, np.random.default_rng(seed))
        left_out = [clue for clue in story.clues if clue not in dropped.clues]
        assert all(isinstance(fact, TraitStated) for clue in left_out for fact in clue.facts)
        assert [clue for clue in story.clues if clue in dropped.clues] == list(dropped.clues)  # order kept
        assert story.culprit in analyze(dropped).steps[-1].possible
        kept_shapes.add(len(dropped.clues))
    droppable = [clue for clue in story.clues if all(isinstance(fact, TraitStated) for fact in clue.facts)]
    assert len(kept_shapes) > 3 and min(kept_shapes) >= len(story.clues) - len(droppable)


def test_a_retracted_statement_is_never_left_out(corpus: Path) -> None:
    text = (corpus / "manor.toml").read_text(encoding="utf-8")
    story = next(s for s in corpus_stories(corpus) if s.title == "Death at Ashcombe Manor")
    named = {fact.fact_id for clue in story.clues for fact in clue.facts if isinstance(fact, Retraction)}
    retracted = [c for c in story.clues if any(getattr(f, "id", None) in named for f in c.facts)]
    assert retracted and "retract" in text  # manor takes back a statement
    for seed in range(20):
        assert all(clue in with_clues_dropped(story, 1.0, np.random.default_rng(seed)).clues for clue in retracted)


def test_a_run_leaves_clues_out_of_its_corpus_stories_at_corpus_drop(corpus: Path) -> None:
    settings = {"corpus_share": "1.0", "corpus": str(corpus), "corpus_drop": "0.5"}
    config = replace(configure_training(TRAIN_PRESETS["tiny"], settings), batch_cases=30)
    source = CaseSource(config, None)
    drawn = source.stories(Plan(0, False, 0))
    whole = {story.title: story for story in corpus_stories(corpus)}
    assert all(story.title in whole and len(story.clues) <= len(whole[story.title].clues) for story in drawn)
    assert sum(len(story.clues) < len(whole[story.title].clues) for story in drawn) > 20
    assert source.stories(Plan(0, False, 0)) == drawn  # the plan alone decides: a resumed run reads the same
    vocabulary = run_vocabulary(config)
    shorter = next(story for story in drawn if len(story.clues) < len(whole[story.title].clues))
    assert (source.targets(shorter, vocabulary).ids == case_targets(shorter, vocabulary).ids).all()
    source.batch(Plan(0, False, 0), vocabulary)
    kept = {key for key, _ in source.corpus_targets}  # a story with clues left out is built afresh, never kept by id
    assert kept <= {id(story) for story in corpus_stories(corpus)} and id(shorter) not in kept
    with pytest.raises(ValueError, match=r"corpus_drop.*reads none"):
        configure_training(TRAIN_PRESETS["tiny"], {"corpus_drop": "0.3"})
    with pytest.raises(ValueError, match="corpus_drop"):
        configure_training(TRAIN_PRESETS["tiny"], {**settings, "corpus_drop": "1.5"})


def test_quiet_clues_state_nothing_and_name_no_suspect() -> None:
    manor = load_story(MYSTERIES / "manor.toml")
    with_fact = next(clue for clue in manor.clues if clue.facts)
    named = Clue(f"{manor.suspects[0].name} said nothing.", ())
    clues = (Clue("Rain fell on the lawn all night.", ()), named, with_fact)
    assert quiet_clues((replace(manor, clues=clues),)) == ("Rain fell on the lawn all night.",)


def test_a_generated_case_told_among_quiet_prose_keeps_its_facts_and_verdict(corpus: Path) -> None:
    quiet = quiet_clues(corpus_stories(corpus))
    case = next(generate_cases(5, 1, "default"))
    told = with_quiet_prose(case, quiet, 0.5, np.random.default_rng(1))
    assert [clue for clue in told.clues if clue.facts] == [clue for clue in case.clues if clue.facts]
    added = [clue for clue in told.clues if clue not in case.clues]
    assert len(told.clues) > len(case.clues) and all(clue.text in quiet and not clue.facts for clue in added)
    assert analyze(told).steps[-1].possible == analyze(case).steps[-1].possible
    assert with_quiet_prose(case, quiet, 0.5, np.random.default_rng(1)) == told  # the draw alone decides


def test_a_run_tells_its_generated_cases_among_the_corpus_prose_at_quiet_share(corpus: Path) -> None:
    settings = {"corpus_share": "0.2", "corpus": str(corpus), "quiet_share": "0.5"}
    config = replace(configure_training(TRAIN_PRESETS["tiny"], settings), batch_cases=20)
    quiet = set(quiet_clues(corpus_stories(corpus)))
    drawn = CaseSource(config, None).stories(Plan(0, False, 0))
    plain = CaseSource(replace(config, quiet_share=0.0), None).stories(Plan(0, False, 0))
    written = {id(story) for story in corpus_stories(corpus)}
    for story, as_generated in zip(drawn, plain, strict=True):
        if id(as_generated) in written:
            assert story is as_generated  # a corpus story is read as written
            continue
        extra = list(story.clues)
        for clue in as_generated.clues:  # the case's own clues, in order, with quiet ones between them
            while extra[0] != clue:
                assert extra.pop(0).text in quiet
            extra.pop(0)
        assert all(clue.text in quiet for clue in extra)
    assert sum(len(story.clues) for story in drawn) > sum(len(story.clues) for story in plain)
    assert CaseSource(config, None).stories(Plan(0, False, 0)) == drawn  # a resumed run reads the same
    with pytest.raises(ValueError, match=r"quiet_share.*reads none"):
        configure_training(TRAIN_PRESETS["tiny"], {"quiet_share": "0.3"})


def changed_at_half(corpus: Path, knob: str) -> tuple[TrainConfig, CaseSource, list[Story], list[Story]]:
    """A tiny run's config and case source reading `corpus` alone with `knob` at 0.5, its first step's 30
    stories, and those of them read otherwise than as written (about half)."""
    settings = {"corpus_share": "1.0", "corpus": str(corpus), knob: "0.5"}
    config = replace(configure_training(TRAIN_PRESETS["tiny"], settings), batch_cases=30)
    source = CaseSource(config, None)
    drawn = source.stories(Plan(0, False, 0))
    whole = {story.title: story for story in corpus_stories(corpus)}
    changed = [story for story in drawn if story is not whole[story.title]]
    assert 5 < len(changed) < 25
    return config, source, drawn, changed


def test_a_run_reads_its_corpus_stories_retold_in_the_grammar_at_corpus_retold(corpus: Path) -> None:
    config, source, drawn, retold = changed_at_half(corpus, "corpus_retold")
    whole = {story.title: story for story in corpus_stories(corpus)}
    for story in retold:
        assert all(len(clue.facts) <= 1 for clue in story.clues) and story.culprit == whole[story.title].culprit
        verdict = analyze(story).steps[-1].possible
        assert verdict == analyze(whole[story.title]).steps[-1].possible
    assert len({tuple(clue.text for clue in story.clues) for story in retold}) == len(retold)  # a new case each time
    assert source.stories(Plan(0, False, 0)) == drawn  # the plan alone decides: a resumed run reads the same
    vocabulary = run_vocabulary(config)
    marked = source.batch(Plan(0, False, 0), vocabulary).people_prose.tolist()
    assert marked == [story is whole[story.title] for story in drawn]  # the next-word term reads people's own words
    kept = {key for key, _ in source.corpus_targets}  # a retold story is built afresh, never kept by id
    assert not kept & {id(story) for story in retold}
    with pytest.raises(ValueError, match=r"corpus_retold.*reads none"):
        configure_training(TRAIN_PRESETS["tiny"], {"corpus_retold": "0.3"})


def test_a_run_reads_its_corpus_stories_with_values_redrawn_at_corpus_redrawn(corpus: Path) -> None:
    """`corpus_redrawn` reads a share of the corpus stories in their own prose with their values drawn afresh: each
    one sound, its culprit the one suspect the oracle leaves, and a new case at each reading."""
    config, source, drawn, redrawn = changed_at_half(corpus, "corpus_redrawn")
    whole = {story.title: story for story in corpus_stories(corpus)}
    for story in redrawn:
        analysis = analyze(story)
        assert analysis.sound and analysis.steps[-1].possible == (story.culprit,)
        assert story.clues != whole[story.title].clues
    assert source.stories(Plan(0, False, 0)) == drawn  # the plan alone decides: a resumed run reads the same
    marked = source.batch(Plan(0, False, 0), run_vocabulary(config)).people_prose.tolist()
    assert all(marked)  # still people's own words
    with pytest.raises(ValueError, match=r"corpus_redrawn.*reads none"):
        configure_training(TRAIN_PRESETS["tiny"], {"corpus_redrawn": "0.3"})


def test_a_coda_names_any_suspect_of_the_cast_and_changes_nothing_else(corpus: Path) -> None:
    """`with_coda` closes a story with people's prose that states nothing, about a suspect drawn uniformly: the
    suspect named last then says nothing of who did it, and the oracle's verdict stays."""
    stories = corpus_stories(corpus)
    codas = coda_clues(stories)
    assert codas and all(spans for _, spans in codas)
    story = stories[0]
    rng = np.random.default_rng(3)
    named = Counter()
    for _ in range(300):
        closed = with_coda(story, codas, rng)
        assert closed.clues[:-1] == story.clues and closed.clues[-1].facts == ()
        slots = {mention.slot for mention in find_mentions(closed.clues[-1].text, mention_matcher(closed))}
        assert len(slots) == 1, closed.clues[-1].text
        named[slots.pop()] += 1
        assert analyze(closed).steps[-1].possible == analyze(story).steps[-1].possible
    assert set(named) == set(range(len(story.suspects)))
    assert min(named.values()) > 300 / len(story.suspects) / 2  # each about as often as the others


def test_a_run_closes_its_corpus_stories_with_a_coda_at_corpus_coda(corpus: Path) -> None:
    config, source, drawn, closed = changed_at_half(corpus, "corpus_coda")
    whole = {story.title: story for story in corpus_stories(corpus)}
    for story in closed:
        assert story.clues[:-1] == whole[story.title].clues and story.culprit == whole[story.title].culprit
    assert source.stories(Plan(0, False, 0)) == drawn  # the plan alone decides: a resumed run reads the same
    assert all(source.batch(Plan(0, False, 0), run_vocabulary(config)).people_prose.tolist())
    with pytest.raises(ValueError, match=r"corpus_coda.*reads none"):
        configure_training(TRAIN_PRESETS["tiny"], {"corpus_coda": "0.3"})
