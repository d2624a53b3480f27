"""Messages the screens post up to the app (attributes go down, messages go up)."""

from __future__ import annotations

from textual.message import Message


class ChoicePicked(Message):
    """The player picked an open choice of the current scene."""

    def __init__(self, choice_id: str) -> None:
        super().__init__()
        self.choice_id = choice_id
