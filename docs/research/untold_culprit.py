"""How readers fare where the deciding evidence fits a suspect already cleared, and the culprit's value is untold.

    PYTHONPATH=. python docs/research/untold_culprit.py --generated hard --set untold_share=0.4 --cases 600
    PYTHONPATH=. python docs/research/untold_culprit.py --folder model/corpus
    PYTHONPATH=. python docs/research/untold_culprit.py --generated hard --set untold_share=0.4 --checkpoint DIR ...

Not part of the package (docs/model.md, the dated table of 2026-12-04). Manor's last clue is a left-handed hand:
the one suspect told left-handed, Captain Reeve, was cleared by the cigar ash three clues before, and the
butler's hand is never told (a word about it was taken back). The partners given a corpus stage send about half
their belief to the Captain there. This counts that pattern (at the evidence that decides the case, the
culprit's value of its trait is untold, and a suspect told to match it is already cleared) in generated cases
(`--set` knobs, e.g. `untold_share`, which makes it) or a folder of story files; with `--checkpoint`, each
reader's final accuracy on the generated cases (`whodunit eval`'s run seed) that show it and on those that do
not. Never run on benchmarks/authored/.
"""

from __future__ import annotations

from cleared_then_matching import pattern_main  # its neighbour in docs/research

from story.data import Evidence, Retraction, Story, TraitStated
from story.oracle import analyze


def untold_culprit(story: Story) -> bool:
    """Whether the deciding evidence fits a cleared suspect's told value while the culprit's value is untold."""
    analysis = analyze(story)
    decided = analysis.decided_at
    if not decided:  # undecided, or decided by the first clue, before anyone could be cleared
        return False
    withdrawn = {fact.fact_id for clue in story.clues for fact in clue.facts if isinstance(fact, Retraction)}
    told: dict[tuple[int, str], str] = {}
    for clue in story.clues[: decided + 1]:
        for fact in clue.facts:
            if isinstance(fact, TraitStated) and fact.id not in withdrawn:
                told[fact.suspect, fact.trait] = fact.value
    cleared = analysis.steps[decided - 1].cleared
    for fact in story.clues[decided].facts:
        if isinstance(fact, Evidence) and (story.culprit, fact.trait) not in told:
            matching = [slot for (slot, trait), value in told.items() if (trait, value) == (fact.trait, fact.value)]
            if any(cleared[slot] is not None for slot in matching):
                return True
    return False


def main() -> None:
    pattern_main(__doc__.split("\n")[0], untold_culprit)


if __name__ == "__main__":
    main()
