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


def top_counts(checkpoint: Checkpoint, stories: list[Story], named: list[int]) -> tuple[int, int]:
    """How many stories end with the culprit on top, and how many with suspect `named[i]` on top."""
    cases = [case_targets(story, checkpoint.vocabulary) for story in stories]
    culprit = added = 0
    for story, slot, trace in zip(stories, named, checkpoint_traces(checkpoint, cases), strict=True):
        top = int(trace.probabilities[-1][: len(story.suspects)].argmax())
        culprit += top == story.culprit
        added += top == slot
    return culprit, added


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
    print(f"{len(stories)} stories from {args.story}: top suspect at the end is the culprit / the added line's suspect")
    for name in args.checkpoint or [None]:
        checkpoint = load_checkpoint(name) if name else load_shipped("lstm")
        written, _ = top_counts(checkpoint, stories, innocents)
        innocent_culprit, innocent_added = top_counts(checkpoint, cleared, innocents)
        guilty_culprit, _ = top_counts(checkpoint, guilty, [s.culprit for s in stories])
        print(
            f"  {name or 'bundled partner'}: as written {written}; last line names a cleared suspect "
            f"{innocent_culprit} / {innocent_added}; last line names the culprit {guilty_culprit}"
        )


if __name__ == "__main__":
    main()
