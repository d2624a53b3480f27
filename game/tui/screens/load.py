"""The load dialog: every save with role, scene, meters and date; damaged ones with the
reason, not loadable. The result is the save's path (None: back)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.core.model import Story
from game.persist.saves import SlotInfo
from game.tui.screens.base import GameModal
from game.tui.screens.title import slot_summary
from game.tui.widgets.prompts import detailed


def saved_when(saved_at: str) -> str:
    """An ISO time as 'YYYY-MM-DD HH:MM' in local time (the text as-is if unreadable)."""
    try:
        moment = dt.datetime.fromisoformat(saved_at)
    except ValueError:
        return saved_at
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{moment:%Y-%m-%d %H:%M}"


def slot_prompt(story: Story, info: SlotInfo) -> Group:
    name = Text(info.name, style="bold")
    save = info.save
    if save is None:
        reason = info.error.removeprefix(f"{info.path}: ")
        return detailed(Text.assemble(name, "  ", ("damaged", "bold red")), Text(reason))
    if save.story.id != story.id:
        return detailed(
            name, Text(f"made for another story ('{save.story.id}'); start the game with it")
        )
    meters = " · ".join(
        f"{meter.label} {save.summary.meters[meter.id]}"
        for meter in story.meters.values()
        if meter.id in save.summary.meters
    )
    return detailed(
        Text.assemble(name, "  ", (saved_when(save.saved_at), "dim")),
        Text(slot_summary(story, info)),
        Text(meters, style="italic"),
    )


class LoadScreen(GameModal[Path | None]):
    """Pick a save to load."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def __init__(self, story: Story, slots: Sequence[SlotInfo], saves_dir: Path) -> None:
        super().__init__()
        self.story = story
        self.slots = list(slots)
        self.saves_dir = saves_dir

    def loadable(self, info: SlotInfo) -> bool:
        return info.save is not None and info.save.story.id == self.story.id

    def compose(self) -> ComposeResult:
        with Vertical(id="load-box", classes="dialog"):
            yield Static(Content.styled("Load a saved game", "bold"), classes="dialog-title")
            if self.slots:
                yield OptionList(
                    *(
                        Option(
                            slot_prompt(self.story, info),
                            id=info.name,
                            disabled=not self.loadable(info),
                        )
                        for info in self.slots
                    ),
                    id="slots",
                )
            else:
                yield Static(Content(f"No saved games yet (in {self.saves_dir})."), id="no-slots")
            yield Static(
                Content.styled("Enter to load · Esc to go back", "dim"), classes="dialog-hint"
            )

    def on_mount(self) -> None:
        for slots in self.query("#slots").results(OptionList):
            slots.focus()
        self.mark_ready()

    @on(OptionList.OptionSelected, "#slots")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        for info in self.slots:
            if info.name == event.option.id and self.loadable(info):
                self.close(info.path)

    def action_back(self) -> None:
        self.close(None)
