"""The choices of a scene: numbered, open ones to pick, locked ones dimmed with the reason."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.engine import Option as GameOption
from game.tui.widgets.prompts import numbered


def choice_prompt(number: int, option: GameOption) -> Table:
    """'1. Text', and for a locked choice a second line with the reason."""
    if option.open:
        return numbered(number, Text(option.text))
    reason = option.reason or "Locked."
    return numbered(number, Text(option.text), Text(f"Locked: {reason}", style="italic"))


class ChoiceList(OptionList):
    """The visible choices; the id of each option is the choice's id."""

    def show(self, options: Sequence[GameOption]) -> None:
        """Show `options` (only the visible ones, numbered from 1) and highlight the first open."""
        self.clear_options()
        self.add_options(
            Option(choice_prompt(number, option), id=option.choice_id, disabled=not option.open)
            for number, option in enumerate(options, start=1)
        )
        first_open = next((i for i, option in enumerate(options) if option.open), None)
        self.highlighted = first_open
