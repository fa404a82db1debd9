"""What a player chooses on the start and debrief screens, posted up to the app, which starts the game: screens
say what was chosen and never call the app's methods."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from game.cases import CaseRef
from game.saves import Options


class CaseChosen(Message):
    """Play this case from its first word: a bundled mystery, a generated case, or the same case again."""

    def __init__(self, ref: CaseRef, options: Options | None = None) -> None:
        super().__init__()
        self.ref = ref
        self.options = options  # None: the options the game was started with


class CampaignChosen(Message):
    """Play the campaign's next case."""


class OptionsChanged(Message):
    """The player changed the options in play (the speed, a mode): the games after this one start with them, so
    that a campaign's next case is not told at the default speed again."""

    def __init__(self, options: Options) -> None:
        super().__init__()
        self.options = options


class SaveChosen(Message):
    """Resume the game saved in this file."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
