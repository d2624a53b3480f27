"""Messages the screens post up to the app (attributes go down, messages go up)."""

from __future__ import annotations

from textual.message import Message


class ChoicePicked(Message):
    """The player picked an open choice of the current scene."""

    def __init__(self, choice_id: str, scene: str | None, step: int) -> None:
        super().__init__()
        self.choice_id = choice_id
        #: where the player was when they picked: a pick made on a screen that has
        #: since moved on (a fast second key) must not act on the next scene
        self.scene = scene
        self.step = step
