"""The generator's knobs (GeneratorConfig), its difficulty presets, knobs set from text with their checks, and
the seed of each case of a run. Light to import (the phrase banks are not loaded), so that the game can name a
generated case and check a save's without loading the generator."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace

from story.knobs import unknown_knob
from story.traits import CATALOGUE


@dataclass(frozen=True)
class GeneratorConfig:
    """Knobs of the generator. Counts are per case; shares are probabilities."""

    cast_size: tuple[int, int] = (5, 6)  # suspects, inclusive range, uniform
    evidence_traits: int = 2  # traits the evidence names; their combination identifies the culprit
    distractor_traits: int = 1  # traits stated for some suspects that no evidence ever names
    distractor_share: float = 0.5  # chance that a suspect's distractor trait is stated
    min_gap: int = 9  # at least this many clues between a trait's last statement and its evidence
    standing_alibis: int = 1  # innocents cleared by an alibi that stands (at most cast - 2)
    broken_alibis: int = 1  # alibis broken later, on any suspect: the "forget" case
    false_testimonies: int = 1  # false trait statements retracted before the true one is stated
    red_herrings: int = 2  # suspicious-sounding clues about a random suspect, with no fact
    flavour: int = 4  # atmosphere, no suspect, no fact
    pronoun_share: float = 0.3  # share of statements told with a pronoun after naming the suspect
    role_share: float = 0.25  # share of mentions that use the role ("the butler") instead of the name
    testimony_share: float = 0.15  # share of true statements framed as a witness's claim, like false ones
    apposition_share: float = 0.2  # share of named subjects written "Martin, the butler," as authors do
    suspect_witness_share: float = 0.3  # share of witnesses to a statement who are other suspects
    placed_evidence_share: float = 0.25  # share of evidence found among a suspect's things (any suspect, uniformly)
    full_name_share: float = 0.5  # share of suspects with a surname and often a title ("Dr Ingrid Halvorsen"),
    # called by it, by title and surname, first name, surname or rank alone ("the Colonel"), as authors do
    title_share: float = 0.6  # share of those full names that open with a title ("Dr", "Colonel", "Mrs")
    dialogue_share: float = 0.15  # share of true statements the suspect says of themself: "'I am left-handed,'
    # said Martin." (or "he said", after the suspect was named)
    joined_share: float = 0.35  # chance that two neighbouring statements about two suspects share one clue
    paired_alibi_share: float = 0.3  # chance that two alibis are one clue: "Martin and Cora played cards all night"
    paired_break_share: float = 0.0  # chance that two broken alibis fall in one clue, as people break them ("The
    # camera shows Martin going out at 11.02 and Cora at 11.09"): 59 of the training corpus's 653 break clues break
    # two, and no clue of the generator did. Trained on, the partner learns the generator's pairs and reads people's
    # no better (docs/model.md, 2026-12-07): off in every preset
    shared_value_share: float = 0.0  # chance that a statement is told with a later one of the same value about
    # another suspect, in one clue: "Martin and the cook both smoke cigars", as authors list suspects who share a
    # trait (off in every preset until a reader is trained on it)
    listed_share: float = 0.0  # chance that a statement is told with the next two of the same trait about two other
    # suspects, in one clue: "Martin favours a pipe, the cook cigarettes and Ada snuff", as authors list a trait
    # across the cast (off in every preset until a reader is trained on it)
    sketch_share: float = 0.0  # chance that a statement is told with the same suspect's next statement of another
    # trait, in one clue, as a sketch without verbs: "Martin: red hair cut short, and a green coat.", as authors
    # sketch a character (off in every preset until a reader is trained on it)
    synonym_share: float = 0.0  # share of hair and coat colours called by another name, as authors call them:
    # "auburn" hair, a "navy" coat (off in every preset until a reader is trained on it)
    spoken_size_share: float = 0.0  # share of shoe sizes said in words as authors say them: "a size nine shoe",
    # "she takes a nine", "his boots are elevens" (off in every preset until a reader is trained on it)
    quoted_testimony_share: float = 0.0  # share of witnesses' claims, true or false, quoted in their own words:
    # "'Martin smokes a pipe, I would swear to it,' said the cook." (off in every preset until a reader learns it)
    late_statement_share: float = 0.0  # share of the statements of an evidence trait told after its evidence, as
    # authors tell the evidence first and who fits it later ("a pinch of snuff on the rail", then "Hed takes
    # snuff"): the reader must hold the evidence and clear each suspect as their value is told (off in every
    # preset until a reader is trained on it)
    late_break_share: float = 0.0  # share of broken alibis broken after the first evidence, as authors break them
    # (the suspect is back in play, and the reader must check them against evidence it holds); another suspect's
    # evidence statements then come after the break, so someone is possible while the alibi stands (off in every
    # preset until a reader is trained on it)
    untold_share: float = 0.0  # chance that a suspect's value of an evidence trait is never told, as authors leave
    # most of a cast's tobacco untold: an innocent's only while another told value still clears them, the
    # culprit's as often (story/generator.py `_Builder.untold`), so every case is decided. A suspect possible at a
    # piece of evidence may then have its value untold, and the one told match may be a suspect cleared before
    # (off in every preset until a reader is trained on it)
    late_retraction_share: float = 0.0  # share of false testimonies retracted after their trait's evidence, as
    # authors retract them (lighthouse's skipper's boots; 122 of the training corpus's 138 retracted statements): the
    # false value meets the evidence and may clear its suspect, the culprit too, until the retraction brings them back;
    # the true value, if told, comes after it. Another suspect's evidence statements then come after the retraction,
    # so someone is possible while the testimony stands; the false value is drawn blind to the truth, so that it
    # says nothing of guilt (story/generator.py `_Builder.retract_late`) (off in every preset until a reader is
    # trained on it)
    withdrawn_evidence_share: float = 0.0  # chance that a case tells a piece of evidence that is later withdrawn
    # (planted, a witness's own, a spoilt sample), as train's lemon handkerchief is: the suspects it cleared come back
    # into play, and the one it pointed at is no nearer guilt. Told and withdrawn before the first true evidence; its
    # value is that of a suspect drawn uniformly among those with no alibi nor false testimony on its trait, the
    # culprit as likely as any (story/generator.py `_Builder.withdrawn_evidence`) (off in every preset until a reader
    # is trained on it)
    alibi_witness_share: float = 0.0  # share of alibis (and broken alibis) whose witness is another suspect, who is
    # not cleared by it: "Ned says he was in the loft all night, and Tom Kitto was with him", as authors let
    # suspects vouch for each other (off in every preset until a reader is trained on it)
    own_alibi_share: float = 0.0  # share of standing alibis told in the suspect's own words and borne out by a
    # witness ("'I never left the library,' said Martin. The footman said the same"), as people's suspects give
    # theirs and no other alibi phrasing does (off in every preset until a reader is trained on it)
    implied_alibi_share: float = 0.0  # share of the standing alibis not told in the suspect's words that are told
    # by circumstance, nobody vouching in words: "The exchange's log shows Martin on a trunk call to London for the
    # whole of the fatal hour", as people clear suspects by a log, a ticket or a locked cell (off in every preset
    # until a reader is trained on it)
    evidence_foil_share: float = 0.0  # share of pieces of evidence told in a scene that names other values of their
    # trait, held by the victim, a bystander or a thing: "Two glasses stood on the table. The victim's own had held
    # brandy. The other still held a finger of gin", as 13% of the training corpus's evidence clues do and no
    # evidence phrasing did (off in every preset until a reader is trained on it)
    people_shape_share: float = 0.0  # chance that a case is shaped as one of people's stories, its shape drawn
    # afresh for the case (story/generator.py `people_shaped`): the share of its evidence statements told after
    # their evidence uniform in 0.2-1, of its values left untold in 0-0.5, of its broken alibis broken late in
    # 0-1, and one evidence trait more at chance 0.4 (at most 3), where the training corpus's stories tell 64% of
    # their evidence statements late (1 to 16 of 5 to 23), leave about a quarter untold and use 2.4 evidence
    # traits (docs/research/story_shapes.py). The knobs above at one fixed share make every case alike, where
    # people's stories differ from one to the next (off in every preset until a reader is trained on it)
    paragraph_share: float = 0.2  # share of clues told within a paragraph: one or two sentences of atmosphere
    # around them, as authors bury a fact in a description
    intro_share: float = 0.0  # share of cases opened as authors open them (phrases: setting.toml's case_openings):
    # the death told one of many ways, among up to three sentences of atmosphere, and the cast listed one of many
    # ways or not at all, to be met in the clues; the rest open with case_intro's one template. Off in every
    # preset, so that the cases a preset makes stay as they were
    min_clues: int = 0  # pad with flavour up to at least this many planned clues
    phrasings: int = 0  # draw only each phrase bank's first N entries (0: all of them): a narrow grammar for a
    # curriculum's first level; names, roles, rooms and witnesses are not limited
    unreadable_share: float = 0.0  # share of true statements whose value is told in a made-up word no reader
    # knows ("Martin smokes vrozq"), the clue then carrying no fact: a reader is taught that a clue it cannot
    # read changes nothing. For training only: such a case may end undecided, so it is not a story to play


PRESETS: dict[str, GeneratorConfig] = {
    # The smallest case that still needs binding: for tests, demos and the first curriculum levels.
    "tiny": GeneratorConfig(
        cast_size=(3, 3),
        evidence_traits=1,
        distractor_traits=0,
        min_gap=1,
        standing_alibis=0,
        broken_alibis=0,
        false_testimonies=0,
        red_herrings=0,
        flavour=1,
        pronoun_share=0.0,
        dialogue_share=0.0,
        joined_share=0.0,
        paragraph_share=0.0,
        paired_alibi_share=0.0,
    ),
    "easy": GeneratorConfig(
        cast_size=(4, 4),
        evidence_traits=1,
        distractor_traits=1,
        min_gap=3,
        broken_alibis=0,
        false_testimonies=0,
        red_herrings=1,
        flavour=2,
        pronoun_share=0.2,
    ),
    "default": GeneratorConfig(),
    "hard": GeneratorConfig(
        cast_size=(6, 7),
        evidence_traits=3,
        distractor_traits=2,
        min_gap=10,
        broken_alibis=2,
        false_testimonies=2,
        red_herrings=3,
        flavour=6,
        pronoun_share=0.4,
    ),
    # The length of a short story as people write them: 7-8 suspects and about 1,050-1,900 words (mean ~1,500;
    # 45-85 clues, shorter than an author's): more to hold at once, for longer, more of it buried in paragraphs.
    "long": GeneratorConfig(
        cast_size=(7, 8),
        evidence_traits=3,
        distractor_traits=1,
        distractor_share=0.4,
        min_gap=12,
        broken_alibis=2,
        false_testimonies=2,
        red_herrings=3,
        flavour=2,
        pronoun_share=0.4,
        paragraph_share=0.3,
    ),
}
DIFFICULTIES = tuple(PRESETS)


def case_seed(run_seed: int, index: int) -> int:
    """The seed of case `index` in a run seeded `run_seed`; runs with different seeds never share a case."""
    digest = hashlib.blake2b(f"whodunit:{run_seed}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def configure(base: GeneratorConfig, overrides: dict[str, str]) -> GeneratorConfig:
    """`base` with knobs set from text ("cast_size" -> "5,6", "min_gap" -> "8"); ValueError says what is wrong."""
    known = {field.name: field for field in fields(GeneratorConfig)}
    changes: dict[str, object] = {}
    for key, text in overrides.items():
        if key not in known:
            raise unknown_knob("generator", key, known)
        current = getattr(base, key)
        try:
            if isinstance(current, tuple):
                low, _, high = text.partition(",")
                changes[key] = (int(low), int(high or low))
            else:
                changes[key] = type(current)(text)
        except ValueError:
            wanted = {tuple: "two integers such as 5,6", int: "an integer", float: "a number"}[type(current)]
            raise ValueError(f"knob '{key}' takes {wanted}, not '{text}'") from None
    config = replace(base, **changes)  # type: ignore[arg-type]
    _check(config)
    return config


def _check(config: GeneratorConfig) -> None:
    low, high = config.cast_size
    if not 3 <= low <= high <= 8:
        raise ValueError("cast_size must be two integers with 3 <= low <= high <= 8")
    if not 1 <= config.evidence_traits <= 3 or config.evidence_traits + config.distractor_traits > len(CATALOGUE):
        raise ValueError(f"evidence_traits must be 1 to 3, and with distractor_traits at most {len(CATALOGUE)}")
    if config.evidence_traits == 1 and high > max(len(t.generated_values) for t in CATALOGUE.values()) - 1:
        raise ValueError("with one evidence trait, the cast must be small enough for its values to tell it apart")
    counts = (
        "distractor_traits",
        "min_gap",
        "standing_alibis",
        "broken_alibis",
        "false_testimonies",
        "red_herrings",
        "flavour",
        "min_clues",
        "phrasings",
    )
    for name in counts:
        if not 0 <= getattr(config, name) <= 100:
            raise ValueError(f"{name} must be between 0 and 100")
    for name in (field.name for field in fields(GeneratorConfig) if field.name.endswith("_share")):
        if not 0.0 <= getattr(config, name) <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1")
