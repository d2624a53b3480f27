"""Help: what each meter means (its `help` text) and the keys."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from game.core.model import Story
from game.core.text import paragraphs
from game.tui.screens.base import GameModal

KEYS = (
    ("↑ ↓  Enter", "move through the choices and pick one (or click it)"),
    ("1-9", "pick a choice by its number"),
    ("PgDn PgUp", "scroll the scene's text (when the choices say 'more below')"),
    ("u  ctrl+z", "undo the last choice"),
    ("s", "save the game to a named slot"),
    ("l", "load a saved game"),
    ("h", "show or hide the history of your choices"),
    ("Tab", "move between the text and the choices (arrows then scroll the text)"),
    ("t", "on the ending screen: write a transcript of your game"),
    ("n", "on the title and ending screens: a new game"),
    ("ctrl+p", "the command palette: every action, and the theme"),
    ("? F1", "this help"),
    ("q  ctrl+q", "quit (your game is saved after every choice)"),
)
#: with `play --debug` only
DEBUG_KEYS = (("F12  ctrl+d", "show or hide the debug panel (exact meters, flags, file:line)"),)


def meters_renderable(story: Story) -> Group:
    parts: list[RenderableType] = []
    for meter in story.meters.values():
        side = f"{meter.good.side} is better"
        parts.append(
            Text.assemble((meter.label, "bold"), (f"  {meter.min} to {meter.max}, {side}", "dim"))
        )
        for paragraph in paragraphs(meter.help):
            parts.append(Padding(Text(paragraph), (0, 0, 0, 2)))
        parts.append(Text(""))
    parts.append(
        Text(
            "After each choice, a line above the scene says what it did, and the change "
            "shows next to each meter in words and colour: '+1▲ better' (green), "
            "'-1▼ worse' (red).",
            style="italic",
        )
    )
    return Group(*parts)


def keys_content(debug: bool = False) -> Table:
    """The keys and what they do (`debug`: the debug panel's too); a long line wraps
    under its description."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(ratio=1)
    for key, what in (*KEYS, *(DEBUG_KEYS if debug else ())):
        grid.add_row(key, what)
    return grid


class HelpScreen(GameModal[None]):
    """The meters and the keys; any of Escape, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", key_display="esc"),
    ]

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Static(Content.styled("Help", "bold"), classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(
                    Content.styled("The meters", "bold $text-accent"), classes="heading -first"
                )
                yield Static(meters_renderable(self.story), id="help-meters")
                yield Static(Content.styled("The keys", "bold $text-accent"), classes="heading")
                yield Static(keys_content(getattr(self.app, "debug", False)), id="help-keys")
            yield Static(Content.styled("Esc to close", "dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()
        self.mark_ready()

    def action_close(self) -> None:
        self.close(None)
