"""Play with a partner: a room code to share (or the partner's to type) and a side.

Two players, each at their own screen (two terminals, or two browser tabs of a served
game), play one duo summit: one makes a room and tells the other its code; each takes
a side. The dialog returns (room, side), side None for "whichever is free".
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from game.core.model import Story
from game.session.duo import DuoError, check_room_name

ANY_SIDE = "__any__"


class PartnerScreen(ModalScreen[tuple[str, str | None] | None]):
    """Ask for the room code (a fresh one offered) and the side to take."""

    DEFAULT_CSS = """
    PartnerScreen { align: center middle; }
    PartnerScreen #partner-box {
        width: 72; max-width: 100%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2;
    }
    PartnerScreen #partner-help { margin-bottom: 1; }
    PartnerScreen #partner-sides { height: auto; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Back")]

    def __init__(self, story: Story, code: str) -> None:
        super().__init__()
        self.story = story
        self.code = code

    def compose(self) -> ComposeResult:
        assert self.story.duo is not None
        with Vertical(id="partner-box"):
            yield Static(Content.styled("Play with a partner", "bold"))
            yield Static(
                Content(
                    "Each of you plays one side of the summit at your own screen. To start, "
                    "keep the code below and tell it to your partner; to join your "
                    "partner's game, type their code instead. Then pick a side."
                ),
                id="partner-help",
            )
            yield Input(self.code, placeholder="room code", id="partner-code")
            sides = [Option(Content(self.story.roles[r].label), id=r) for r in self.story.duo.roles]
            sides.append(Option(Content("Whichever side is free"), id=ANY_SIDE))
            yield OptionList(*sides, id="partner-sides")
            yield Static(Content.styled("Enter: take the side · Esc: back", "dim"))

    def on_mount(self) -> None:
        self.query_one("#partner-sides", OptionList).focus()

    @on(Input.Submitted, "#partner-code")
    def typed(self) -> None:
        self.query_one("#partner-sides", OptionList).focus()

    @on(OptionList.OptionSelected, "#partner-sides")
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        code = self.query_one("#partner-code", Input).value.strip().upper()
        try:
            check_room_name(code)
        except DuoError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.query_one("#partner-code", Input).focus()
            return
        side = event.option.id
        self.dismiss((code, None if side in (None, ANY_SIDE) else side))

    def action_cancel(self) -> None:
        self.dismiss(None)
