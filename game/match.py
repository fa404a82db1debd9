"""One game, as plain state: the narration, both readers' beliefs after every word, the race, the score.

No Textual here, and no torch: the whole game can be played headless (tests do), and the screens only render
a Match and call its methods. The readers are the numpy streaming readers of model.stream, fed one token per
narrated word, so each belief shown is exactly what that reader knows at that word.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from game.scoring import HARD_BONUS, NO_MODES, SHORT_MEMORY_BONUS, Accusation, Modes, Score, score, won_race
from model.checkpoint import Checkpoint
from model.metrics import oracle_posterior
from model.readout import TRAITS, UNKNOWN_CLASS
from model.stream import StreamingReader
from model.targets import case_targets
from model.tokenizer import Piece, narrate_story
from model.verdicts import LOST_RUN, lost_run, named_suspect
from story import Analysis, Evidence, Fact, Story, TraitStated, analyze
from story.traits import CATALOGUE

RIVAL_THRESHOLD = 0.75  # the rival accuses once its belief in one suspect reaches this
PARTNER_SURE = 0.40  # below this the partner says it is too early to tell
GATE_WINDOW = 16  # words kept for the gate view
# Read-out probability from which a trait value counts as remembered. On manor with the bundled readers, 0.6
# showed 10 memories by clue 15, 7 of them never said; 0.8 shows 1, and it is true: a card claims only what a
# reader holds with confidence.
REMEMBERED = 0.8
# Clues kept in view in short-memory mode, the one being told among them: the story pane, the cards, the murderer
# line and the notebook all keep to them (Match.first_in_view).
SHORT_MEMORY_CLUES = 3

Mode = Literal["hard", "short_memory"]


@dataclass(frozen=True)
class ModeRule:
    """A handicap as a switch's toast tells it: its name, its bonus, and what switching it on or off does."""

    name: str
    bonus: float  # game.scoring's share for it
    on: str
    off: str


MODE_RULES: dict[Mode, ModeRule] = {
    "hard": ModeRule(
        "Hard mode",
        HARD_BONUS,
        "your partner's bars, advice, pick, memories and gates are hidden",
        "your partner is back",
    ),
    "short_memory": ModeRule(
        "Short memory",
        SHORT_MEMORY_BONUS,
        f"only the last {SHORT_MEMORY_CLUES} clues stay in view (story, cards, murderer line, notebook, gates)",
        "every clue told is back in view",
    ),
}


def switch_note(mode: Mode, on: bool, earning: bool) -> str:
    """What switching `mode` on or off does, its score included, for a toast; `earning`: whether it earned its
    bonus before the switch. A mode earns only if on from the first word and never switched off
    (scoring.Modes.kept): one switched on in play never earns, and one switched off stops earning for good."""
    rule = MODE_RULES[mode]
    bonus = f"{rule.bonus:+.0%}"
    if on:
        whole = "in a game played in it from start to finish: not this one"
        return f"{rule.name} on: {rule.on}. It earns {bonus} only {whole}."
    if earning:
        return f"{rule.name} off: {rule.off}, and this game no longer earns its {bonus}."
    return f"{rule.name} off: {rule.off}."


@dataclass(frozen=True)
class Word:
    """One narrated word: where it sits, and how the player sees it."""

    clue: int  # -1 for the intro
    piece: Piece
    ends_clue: bool


@dataclass(frozen=True)
class GateColumn:
    """The LSTM's mean gate activity for one word, in one suspect's reading."""

    word: str
    input: float
    forget: float
    output: float
    clue: int = -1  # the clue the word belongs to (-1: the intro), for short memory's fading


@dataclass
class Detective:
    """A reader at the table: its streaming reader and what it has believed after every word so far."""

    name: str
    reader: StreamingReader
    beliefs: list[np.ndarray] = field(default_factory=list)  # (K,) after each word
    readout: np.ndarray | None = None  # (K, cells, classes) read-out probabilities, after the last word
    gates: deque[tuple[Word, dict[str, np.ndarray]]] = field(default_factory=lambda: deque(maxlen=GATE_WINDOW))
    cleared_run: int = 0  # words in a row at which it has held every suspect cleared (model.verdicts.lost_run)

    def read(self, word: Word) -> None:
        result = self.reader.step(word.piece.token)
        self.beliefs.append(result.probabilities)
        self.cleared_run = lost_run(self.cleared_run, result.possible)
        shifted = np.exp(result.readout - result.readout.max(-1, keepdims=True))
        self.readout = shifted / shifted.sum(-1, keepdims=True)
        if result.gates is not None:
            self.gates.append((word, result.gates))

    @property
    def lost(self) -> bool:
        """It has held every suspect cleared for LOST_RUN words: its bars may be noise, whatever they show."""
        return self.cleared_run >= LOST_RUN

    @property
    def belief(self) -> np.ndarray:
        return self.beliefs[-1] if self.beliefs else np.full(self.reader.cast_size, 1 / self.reader.cast_size)

    def remembered(self, suspect: int) -> tuple[tuple[str, str], ...]:
        """The (trait, value) pairs this reader's read-out holds as stated for a suspect: those it gives at
        least REMEMBERED probability (a guess between values is not a memory)."""
        if self.readout is None:
            return ()
        held = []
        for index, trait in enumerate(TRAITS):
            cell = self.readout[suspect, index]
            value = int(cell.argmax())
            values = CATALOGUE[trait].generated_values  # the read-out's classes (model/readout.py)
            if value != UNKNOWN_CLASS and value < len(values) and cell[value] >= REMEMBERED:
                held.append((trait, values[value]))
        return tuple(held)


class Match:
    """A game in progress. Advance the narration word by word; accuse; read the result."""

    def __init__(self, story: Story, partner: Checkpoint, rival: Checkpoint, modes: Modes = NO_MODES) -> None:
        self.story = story
        self.analysis: Analysis = analyze(story)
        narration = narrate_story(story)
        self.words: list[Word] = [Word(-1, piece, False) for piece in narration.intro]
        for index, pieces in enumerate(narration.clues):
            self.words += [Word(index, piece, at == len(pieces) - 1) for at, piece in enumerate(pieces)]
        cast = len(story.suspects)
        self.partner = Detective("partner", StreamingReader.of(partner, cast))
        self.rival = Detective("rival", StreamingReader.of(rival, cast))
        self.oracle = oracle_posterior(case_targets(story, partner.vocabulary, self.analysis))  # (T, K)
        self.position = 0  # words narrated
        self.accusations: list[Accusation] = []
        self.marks: dict[int, str] = {}  # suspect -> "cleared" | "suspicious"
        self.notes: dict[int, str] = {}
        self.modes = modes  # the handicaps kept on since the start (scoring.Modes)
        # clues told in full once n words are narrated, for every n: the count is read on every word
        self._clues_done = [0]
        for word in self.words:
            self._clues_done.append(self._clues_done[-1] + word.ends_clue)
        ends = self.word_clue_ends()
        decided = self.analysis.decided_at
        self.proved_at = ends[decided] if decided is not None and decided < len(ends) else None

    # --- narration ------------------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.words)

    @property
    def told_all(self) -> bool:
        return self.position >= self.total

    @property
    def clue(self) -> int:
        """The clue being told (-1 in the intro); len(clues) once all is told."""
        return self.words[self.position].clue if not self.told_all else len(self.story.clues)

    @property
    def clues_told(self) -> int:
        """Clues told in full."""
        return self._clues_done[self.position]

    @property
    def clues_heard(self) -> int:
        """Clues of which a word has been told: those told in full, and the one being told once it has begun."""
        return self.words[self.position - 1].clue + 1 if self.position else 0

    def first_in_view(self, short_memory: bool) -> int:
        """The first clue (0-based) still in view: 0 with a full memory; in short-memory mode, the first of the
        last SHORT_MEMORY_CLUES clues heard, the one being told counting among them from its first word. The story
        pane hides the clues before it, and the cards, the murderer line and the notebook count only the clues
        from it on: one rule for all, so that nothing on screen remembers what the pane has let fade."""
        return max(0, self.clues_heard - SHORT_MEMORY_CLUES) if short_memory else 0

    def moment(self, at: int) -> str:
        """When `at` words had been narrated, as the debrief says it: "before the first clue", "during clue 3",
        "after clue 3", "after the last clue"."""
        if at >= self.total:
            return "after the last clue"
        last = self.words[at - 1] if at > 0 else None
        if last is None or last.clue < 0:
            return "before the first clue"
        return f"{'after' if last.ends_clue else 'during'} clue {last.clue + 1}"

    def advance(self) -> Accusation | None:
        """Narrate one word to both readers; returns the rival's accusation if it makes one now."""
        if self.told_all or self.over:
            return None
        word = self.words[self.position]
        self.partner.read(word)
        self.rival.read(word)
        self.position += 1
        return self._rival_turn()

    def finish_clue(self) -> list[Accusation]:
        """Narrate to the end of the current clue (or of the intro)."""
        made = []
        clue = self.clue
        while not self.told_all and not self.over and self.words[self.position].clue == clue:
            accusation = self.advance()
            if accusation:
                made.append(accusation)
        return made

    def _rival_turn(self) -> Accusation | None:
        if self.clues_told == 0 or self.rival_solved:
            return None
        belief = self.rival.belief.copy()
        for accusation in self.accusations:
            if accusation.by == "rival":
                belief[accusation.suspect] = 0.0  # it never names the same suspect twice
        suspect = int(belief.argmax())
        if belief[suspect] < RIVAL_THRESHOLD:
            return None
        accusation = Accusation("rival", suspect, self.position, suspect == self.story.culprit)
        self.accusations.append(accusation)
        return accusation

    # --- the player -----------------------------------------------------------------------------------------

    def accuse(self, suspect: int) -> Accusation:
        """The player names a suspect. Wrong costs points and the game goes on, unless all has been told."""
        if self.over:
            raise ValueError("the case is closed")
        if not 0 <= suspect < len(self.story.suspects):
            raise ValueError(f"no suspect {suspect}")
        if suspect in self.wrongly_accused:
            raise ValueError(f"{self.story.suspects[suspect].name} has already been cleared of it")
        accusation = Accusation("player", suspect, self.position, suspect == self.story.culprit)
        self.accusations.append(accusation)
        return accusation

    @property
    def wrongly_accused(self) -> set[int]:
        return {a.suspect for a in self.accusations if a.by == "player" and not a.correct}

    @property
    def player_solved(self) -> bool:
        return any(a.by == "player" and a.correct for a in self.accusations)

    @property
    def rival_solved(self) -> bool:
        return any(a.by == "rival" and a.correct for a in self.accusations)

    @property
    def over(self) -> bool:
        """Solved, or all told and the player has made the final accusation."""
        if self.player_solved:
            return True
        return self.told_all and any(a.by == "player" and a.at >= self.total for a in self.accusations)

    @property
    def won_race(self) -> bool:
        """The player named the culprit before the rival did (or the rival never did)."""
        return won_race(self.accusations)

    @property
    def score(self) -> Score:
        """The player's score (game.scoring): a proved name, speed from the proof, the race, the modes kept."""
        return score(self.accusations, "player", self.proved_at, self.modes)

    @property
    def rival_score(self) -> Score:
        """The rival's score by the same rules: its wrong names cost it as the player's cost the player."""
        return score(self.accusations, "rival", self.proved_at)

    def set_modes(self, hard: bool, short_memory: bool) -> None:
        """The player switched a handicap: one switched off stops earning its bonus, for the rest of the game."""
        self.modes = self.modes.kept(hard, short_memory)

    def mark(self, suspect: int, mark: str) -> None:
        if mark not in ("", "cleared", "suspicious"):
            raise ValueError(f"unknown mark '{mark}'")
        if mark:
            self.marks[suspect] = mark
        else:
            self.marks.pop(suspect, None)

    # --- what the screens show ------------------------------------------------------------------------------

    def advice(self) -> str:
        """The partner's word: it advises, and never accuses."""
        belief = self.partner.belief
        top = int(belief.argmax())
        if self.partner.lost:
            return "Your partner: I have lost the thread (everyone reads as cleared to me)."
        if self.clues_told == 0 or belief[top] < PARTNER_SURE:
            return "Your partner: too early to say; keep listening."
        name = self.story.suspects[top].name
        return f"Your partner: I would look hard at {name} ({belief[top]:.0%})."

    def rival_pick(self) -> int | None:
        """Whom the rival's bars name now, or None while they name nobody (model.verdicts.named_suspect)."""
        return named_suspect(self.rival.belief) if self.rival.beliefs else None

    def said_of(self, suspect: int, since: int = 0) -> tuple[str, ...]:
        """What the clues in view (told in full, from clue `since` on: `first_in_view`) say of a suspect and still
        holds: the traits they state, and an alibi they give or the clue of theirs that broke one (a card that went
        back to "said nothing yet" when an alibi fell would hide the turn the player has just heard).

        A card shows what the clues in view say, not all that is still true: in short-memory mode a trait stated
        only in a faded clue is off the card, and so is an alibi given in one, although it still clears the
        suspect (holding on to it is the player's part, what the mode's bonus pays for). A trait stated again in
        view is on it. A break told in view shows even when the alibi it broke has faded: that clue says the alibi
        fell. What stands is the oracle's to say (its steps); the clues in view only choose what of it shows."""
        if self.clues_told == 0:
            return ()
        steps = self.analysis.steps[: self.clues_told]
        said = {(f.suspect, f.trait, f.value) for f in self._facts_in_view(since) if isinstance(f, TraitStated)}
        phrases = [
            CATALOGUE[trait].describe(value)
            for slot, trait, value in steps[-1].stated
            if slot == suspect and (slot, trait, value) in said
        ]
        alibi, broken = None, None
        for clue, step in enumerate(steps):
            clearance = step.cleared[suspect]
            standing = clearance if clearance is not None and clearance.reason == "alibi" else None
            if alibi is not None and standing is None:
                broken = clue
            alibi = standing
        if alibi is not None and alibi.latent_clue >= since:
            phrases.append(f"alibi (clue {alibi.latent_clue + 1})")
        elif alibi is None and broken is not None and broken >= since:
            phrases.append(f"alibi broken (clue {broken + 1})")
        return tuple(phrases)

    def _facts_in_view(self, since: int) -> list[Fact]:
        """The facts of the clues told in full from clue `since` on. Whether one still stands is the oracle's
        steps' to say: callers keep what is both standing and said in view."""
        return [fact for clue in self.story.clues[since : self.clues_told] for fact in clue.facts]

    def checked_memories(self, detective: Detective, suspect: int) -> tuple[tuple[str, bool], ...]:
        """What `detective` remembers of a suspect, each phrase with whether the clues told said it: the
        debrief marks a false memory as false.

        Only traits the clues told have stated of the suspect count, whatever value the reader holds for them:
        training teaches a read-out cell only once a statement fills it (a cell whose answer is "unknown" weighs
        0.02), so what a reader holds for a trait never stated is noise, not memory. Counting every cell, the
        bundled rival claimed five traits of every suspect during an intro, and its cards' memories were 19%
        true (the partner's 56%); counting stated traits only, 70% (the partner's 98%): what is left false is
        the rival misreading or losing what it was told, the memory the game is about."""
        said = set(self.analysis.steps[self.clues_told - 1].stated) if self.clues_told else set()
        stated = {trait for slot, trait, _ in said if slot == suspect}
        return tuple(
            (CATALOGUE[trait].describe(value), (suspect, trait, value) in said)
            for trait, value in detective.remembered(suspect)
            if trait in stated
        )

    def memories(self, detective: Detective, suspect: int) -> tuple[str, ...]:
        """What `detective` remembers of a suspect, as card phrases (`checked_memories`, unmarked: during play a
        card does not say which memories are true)."""
        return tuple(phrase for phrase, _ in self.checked_memories(detective, suspect))

    def evidence(self, since: int = 0) -> tuple[str, ...]:
        """What the evidence in view says of the murderer: the standing evidence that a clue told in full from
        clue `since` on states (`first_in_view`). Evidence stated only in a faded clue is off the line, although
        it still stands: as on the cards (`said_of`), what shows is what the clues in view say."""
        if self.clues_told == 0:
            return ()
        found = {(f.trait, f.value) for f in self._facts_in_view(since) if isinstance(f, Evidence)}
        standing = self.analysis.steps[self.clues_told - 1].evidence
        return tuple(CATALOGUE[trait].describe(value) for trait, value in standing if (trait, value) in found)

    def gate_columns(self, suspect: int, since: int = 0) -> list[GateColumn]:
        """The partner's recent gate activity in one suspect's reading, one column per word: the words of clue
        `since` on (`first_in_view`; the intro only while nothing has faded), so that the strip of words under
        the gates never shows what short memory has let fade."""
        return [
            GateColumn(
                word.piece.text,
                float(gates["input"][suspect].mean()),
                float(gates["forget"][suspect].mean()),
                float(gates["output"][suspect].mean()),
                word.clue,
            )
            for word, gates in self.partner.gates
            if word.clue >= since or since == 0
        ]

    def culprit_curves(self) -> dict[str, np.ndarray]:
        """Each reader's probability on the true culprit after every word told, and the oracle's."""
        culprit, told = self.story.culprit, self.position
        return {
            "partner": np.array([belief[culprit] for belief in self.partner.beliefs]),
            "rival": np.array([belief[culprit] for belief in self.rival.beliefs]),
            "oracle": self.oracle[:told, culprit],
        }

    def word_clue_ends(self) -> list[int]:
        """Word positions one past each clue's end (for charts over the clue stream)."""
        return [index + 1 for index, word in enumerate(self.words) if word.ends_clue]

    def rival_lost_it(self) -> int | None:
        """The clue after which the rival's favourite was never again the culprit, if it ended wrong."""
        beliefs = self.rival.beliefs
        if not beliefs or int(beliefs[-1].argmax()) == self.story.culprit:
            return None
        ends = [end for end in self.word_clue_ends() if end <= len(beliefs)]
        last_right = None
        for clue, end in enumerate(ends):
            if int(beliefs[end - 1].argmax()) == self.story.culprit:
                last_right = clue
        return None if last_right is None else last_right + 1
