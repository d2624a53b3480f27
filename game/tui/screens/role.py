"""Role selection: each role's label and blurb; the result is the role id (None: back)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from game.core.model import Role, Story
from game.core.text import paragraphs
from game.tui.screens.base import GameScreen
from game.tui.widgets.prompts import numbered


def role_prompt(number: int, role: Role) -> Table:
    blurb = " ".join(paragraphs(role.blurb))
    notes = [Text(blurb, style="dim")] if blurb else []
    return numbered(number, Text(role.label, style="bold"), *notes)


class RoleScreen(GameScreen[str | None]):
    """Pick the side you advise."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        *(
            Binding(str(n), f"pick({n})", "Choose", show=n == 1, key_display="1-9")
            for n in range(1, 10)
        ),
    ]

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="role-column"):
            yield Static(Content("Choose your role"), id="role-heading")
            yield OptionList(
                *(
                    Option(role_prompt(number, role), id=role.id)
                    for number, role in enumerate(self.story.roles.values(), start=1)
                ),
                id="roles",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "New game"
        roles = self.query_one("#roles", OptionList)
        roles.highlighted = 0
        roles.focus()
        self.mark_ready()

    @on(OptionList.OptionSelected, "#roles")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.close(event.option.id)

    def action_pick(self, number: int) -> None:
        roles = list(self.story.roles)
        if 1 <= number <= len(roles):
            self.close(roles[number - 1])

    def action_back(self) -> None:
        self.close(None)
