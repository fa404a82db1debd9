"""The campaign: generated cases up the ladder of difficulty, from short stories where the rival is quick and sharp
to long ones where it drowns and the player must out-remember it with the partner's help.

Plain state and pure functions; the screens show it and game.saves' folder keeps it. Each rung is one generated
difficulty; its cases are fixed by the rung and the attempt, so every player climbs the same ladder and a rung
failed is tried again on another case. A rung is passed by naming the culprit (before the story ends or with the
final accusation); beating the rival to it is the score's business, not the ladder's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from game.cases import CaseRef, load_case
from story.atomic import write_atomic
from story.case_config import case_seed
from story.files import NotRegularFile, read_regular

FORMAT = "whodunit-campaign/1"
MAX_BYTES = 64 * 1024
CAMPAIGN_RUN_SEED = 20_261_201  # the campaign's cases come from this run seed (story.case_config.case_seed)
# Candidate cases tried per attempt for one set at the rung's house: the generator draws its house from ten, so
# one at the rung's own comes within 64 draws but for about one attempt in 800 (0.9 ** 64 = 0.0012).
HOUSE_DRAWS = 64


@dataclass(frozen=True)
class Rung:
    difficulty: str  # a story.generator preset
    title: str
    teaches: str  # what this rung asks of the player, said before it starts
    house: str  # where its cases are set (one of story/phrases/setting.toml's places): each rung a house of its own


RUNGS = (
    Rung(
        "tiny",
        "A quiet supper",
        "Three suspects and a short story. The rival reads short stories well and accuses the moment it is sure, "
        "often on the very word that proves it: it is hard to beat here. Name the culprit once the clues prove it; "
        "a guess that misses costs more than the race is worth.",
        "Marsh End",
    ),
    Rung(
        "easy",
        "The weekend party",
        "Four suspects. An alibi clears someone for good, however long ago it was given: keep a list.",
        "Fenwick House",
    ),
    Rung(
        "default",
        "The country house",
        "Five or six suspects and a dozen facts to hold at once. Here the rival's short memory starts to fail it; "
        "your partner's bars show what an LSTM keeps.",
        "Blackwood Hall",
    ),
    Rung(
        "hard",
        "The long weekend",
        "Six or seven suspects, lies told and taken back, red herrings. The rival drowns in facts: out-remember it.",
        "Greystone Priory",
    ),
    Rung(
        "long",
        "The whole novel",
        "Seven or eight suspects over some 1,500 words. Every clue may matter fifty sentences later.",
        "Thornfield Grange",
    ),
)


@dataclass(frozen=True)
class RungRecord:
    attempts: int = 0  # cases played to the end on this rung
    passed: bool = False
    best: int | None = None  # best score on it
    beat_rival: bool = False  # named the culprit before the rival, in some attempt


@dataclass(frozen=True)
class Progress:
    records: tuple[RungRecord, ...] = field(default_factory=lambda: tuple(RungRecord() for _ in RUNGS))

    @property
    def rung(self) -> int:
        """The rung to play next: the first not passed; len(RUNGS) once all are."""
        return next((index for index, record in enumerate(self.records) if not record.passed), len(RUNGS))

    @property
    def finished(self) -> bool:
        return self.rung >= len(RUNGS)


def case_for(progress: Progress, rung: int | None = None) -> CaseRef:
    """The case of the next attempt at `rung` (default: the current one): the first of the attempt's candidate
    cases set at the rung's house, so that climbing a rung is going somewhere else (drawn freely, the first
    attempts at rungs 2, 3 and 4 were all at Lindley Court). A generated case takes milliseconds."""
    rung = progress.rung if rung is None else rung
    attempt, difficulty = progress.records[rung].attempts, RUNGS[rung].difficulty
    seeds = (case_seed(CAMPAIGN_RUN_SEED + rung, attempt * HOUSE_DRAWS + draw) for draw in range(HOUSE_DRAWS))
    candidates = [CaseRef("generated", seed=seed, difficulty=difficulty) for seed in seeds]
    at_home = (ref for ref in candidates if load_case(ref).setting.startswith(f"{RUNGS[rung].house},"))
    return next(at_home, candidates[0])


def record(progress: Progress, rung: int, solved: bool, score: int, won_race: bool) -> Progress:
    """`progress` after a case of `rung` was played to the end."""
    old = progress.records[rung]
    new = RungRecord(
        old.attempts + 1,
        old.passed or solved,
        score if old.best is None else max(old.best, score),
        old.beat_rival or won_race,
    )
    return replace(progress, records=(*progress.records[:rung], new, *progress.records[rung + 1 :]))


@dataclass(frozen=True)
class CampaignStep:
    """A campaign case just played: its rung, whether the player solved it, and the progress after it."""

    rung: int
    solved: bool
    progress: Progress


class CampaignError(Exception):
    """A progress file that cannot be used, with the file and the reason."""


def progress_path(saves: Path) -> Path:
    """Where the campaign's progress is kept: beside the saves folder."""
    return saves.parent / "campaign.json"


def save_progress(progress: Progress, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rungs = [
        {"attempts": r.attempts, "passed": r.passed, "best": r.best, "beat_rival": r.beat_rival}
        for r in progress.records
    ]
    write_atomic(path, json.dumps({"format": FORMAT, "rungs": rungs}, indent=1))


def record_result(saves: Path, rung: int, solved: bool, score: int, won_race: bool) -> Progress:
    """Record one finished case in the campaign's progress beside `saves`; CampaignError or OSError if the
    progress cannot be read or written (nothing is changed then)."""
    path = progress_path(saves)
    after = record(load_progress(path), rung, solved, score, won_race)
    save_progress(after, path)
    return after


def load_progress(path: Path) -> Progress:
    """The progress in `path`; a fresh one if there is no file; CampaignError names the file and the fault."""
    if not path.exists() and not path.is_symlink():
        return Progress()
    try:
        document = json.loads(read_regular(path, MAX_BYTES).decode("utf-8"))
    except (NotRegularFile, OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CampaignError(f"{path}: not the campaign's progress: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CampaignError(f'{path}: not the campaign\'s progress (expected "format": "{FORMAT}")')
    rungs = document.get("rungs")
    if not isinstance(rungs, list) or len(rungs) > len(RUNGS):
        raise CampaignError(f"{path}: rungs: expected a list of at most {len(RUNGS)} rungs")
    records = []
    for index, item in enumerate(rungs):
        attempts, best = item.get("attempts") if isinstance(item, dict) else None, None
        ok = isinstance(item, dict) and _count(attempts)
        if ok:
            best = item.get("best")
            ok = (best is None or _count(best, signed=True)) and all(
                isinstance(item.get(key, False), bool) for key in ("passed", "beat_rival")
            )
        if not ok:
            raise CampaignError(
                f"{path}: rungs[{index}]: expected attempts (a whole number), passed and beat_rival (true or "
                "false) and best (a whole number or null)"
            )
        records.append(RungRecord(attempts, item.get("passed", False), best, item.get("beat_rival", False)))
    records += [RungRecord() for _ in range(len(RUNGS) - len(records))]
    return Progress(tuple(records))


def _count(value: object, signed: bool = False) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and (signed or value >= 0) and abs(value) < 2**31
