"""The choices of a scene: numbered, open ones to pick, locked ones dimmed with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.core.engine import Option as GameOption
from game.tui.widgets.prompts import Numbered


def choice_prompt(number: int, option: GameOption) -> Numbered:
    """'1. Text', and for a locked choice a second line with the reason."""
    if option.open:
        return Numbered(number, Content(option.text))
    reason = option.reason or "Locked."
    return Numbered(number, Content(option.text), Content.styled(f"Locked: {reason}", "italic"))


class ChoiceList(OptionList):
    """The visible choices; the id of each option is the choice's id. PgDn and PgUp
    scroll the scene's text (a scene has few choices; its text may run long)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "screen.scroll_text(1)", "More text", show=False),
        Binding("pageup", "screen.scroll_text(-1)", "Back in the text", show=False),
    ]

    def show(self, options: Sequence[GameOption]) -> None:
        """Show `options` (only the visible ones, numbered from 1) and highlight the first open."""
        prompts = [
            Option(choice_prompt(number, option), id=option.choice_id, disabled=not option.open)
            for number, option in enumerate(options, start=1)
        ]
        if prompts:
            self.set_options(prompts)  # in one go: no empty list laid out in between
        else:
            self.clear_options()
        first_open = next((i for i, option in enumerate(options) if option.open), None)
        self.highlighted = first_open
