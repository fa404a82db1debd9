"""Whether a partner names people's culprits by who the story names last: each story with one more clue at its end
that states nothing and names one suspect.

    PYTHONPATH=. python docs/research/last_named.py --story FOLDER [--checkpoint DIR ...]

Not part of the package (docs/model.md, the dated table of 2026-12-06). In the training corpus the culprit is the
suspect named last in 52% of the 601 stories and the one named most in 38% (a uniform guess: 17%;
`story.mentions.name_cues`), since its writers end on the deciding scene; the generator's cases carry no such cue
(tests/test_generator.py). A reader that learned it names the suspect of an added last line ("Nobody spoke to
Odette Lavelle again that night.") more often than the facts allow. For each checkpoint (the bundled partner when
none is given) it prints, on the stories as written, with a last line naming a suspect the facts clear (drawn per
story, seeded), and with one naming the culprit: the stories whose top suspect at the end is the culprit, and how
often it is the suspect of the added line. The oracle's verdict is the same in all three. FOLDER is never the
held-out benchmarks/authored/.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import replace
from pathlib import Path

import numpy as np

from model.checkpoint import Checkpoint, load_checkpoint
from model.evaluate import checkpoint_traces
from model.shipped import load_shipped
from model.targets import case_targets
from story import Clue, Story, load_story

# Lines that state nothing of anyone: no trait, no whereabouts, no time.
LAST_LINES = (
    "Nobody spoke to {name} again that night.",
    "{name} said nothing more.",
    "The house was quiet at last, and {name} was left alone with the others.",
    "Later, someone saw {name} standing by the window.",
)


def with_last_line(story: Story, slot: int, rng: random.Random) -> Story:
    """`story` with a clue at its end that names suspect `slot` by their name as written and states nothing."""
    line = rng.choice(LAST_LINES).format(name=story.suspects[slot].name)
    return replace(story, clues=(*story.clues, Clue(line[:1].upper() + line[1:])))


def end_beliefs(checkpoint: Checkpoint, stories: list[Story]) -> list[np.ndarray]:
    """Each story's cast distribution after its last token."""
    cases = [case_targets(story, checkpoint.vocabulary) for story in stories]
    traces = checkpoint_traces(checkpoint, cases)
    return [trace.probabilities[-1][: len(story.suspects)] for story, trace in zip(stories, traces, strict=True)]


def on_top(beliefs: list[np.ndarray], slots: list[int]) -> int:
    """How many of the distributions put suspect `slots[i]` on top."""
    return sum(int(belief.argmax()) == slot for belief, slot in zip(beliefs, slots, strict=True))


def gain(before: list[np.ndarray], after: list[np.ndarray], slots: list[int]) -> float:
    """The mean probability suspect `slots[i]` gains from `before` to `after`."""
    return float(np.mean([a[k] - b[k] for b, a, k in zip(before, after, slots, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", type=Path, required=True, help="a folder of story files")
    parser.add_argument("--checkpoint", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    stories = [load_story(path) for path in sorted(args.story.glob("*.toml"))]
    rng = random.Random(11)
    innocents = [rng.choice([k for k in range(len(s.suspects)) if k != s.culprit]) for s in stories]
    cleared = [with_last_line(s, k, rng) for s, k in zip(stories, innocents, strict=True)]
    guilty = [with_last_line(s, s.culprit, rng) for s in stories]
    culprits = [story.culprit for story in stories]
    print(
        f"{len(stories)} stories from {args.story}: the culprit on top at the end; with a last line naming a cleared "
        "suspect, the culprit on top / that suspect on top / the mean probability that suspect gains; with a last line "
        "naming the culprit, the culprit on top / the mean probability the culprit gains"
    )
    for name in args.checkpoint or [None]:
        checkpoint = load_checkpoint(name) if name else load_shipped("lstm")
        written, after_cleared, after_guilty = (end_beliefs(checkpoint, each) for each in (stories, cleared, guilty))

        cleared_line = (on_top(after_cleared, culprits), on_top(after_cleared, innocents))
        print(
            f"  {name or 'bundled partner'}: as written {on_top(written, culprits)}; a cleared suspect named last "
            f"{cleared_line[0]} / {cleared_line[1]} / {gain(written, after_cleared, innocents):+.3f}; "
            f"the culprit named last {on_top(after_guilty, culprits)} / {gain(written, after_guilty, culprits):+.3f}"
        )


if __name__ == "__main__":
    main()
