"""The save dialog: a slot name, checked as it is typed; the result is the name (None: cancel)."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static

from game.persist import saves
from game.tui.screens.base import GameModal


class SaveScreen(GameModal[str | None]):
    """Ask for a slot name; an invalid name is explained in the dialog, which stays open."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str, existing: Collection[str]) -> None:
        super().__init__()
        self.suggestion = suggestion
        self.existing = set(existing)
        self.slot_input = Input(value=suggestion, id="slot-name", select_on_focus=True)
        self.error = Static(id="save-error")

    def compose(self) -> ComposeResult:
        with Vertical(id="save-box", classes="dialog"):
            yield Static(Content.styled("Save the game", "bold"), classes="dialog-title")
            yield Static(
                Content("Slot name: letters, digits, '-' and '_'. Enter saves, Esc cancels."),
                classes="dialog-text",
            )
            yield self.slot_input
            yield self.error
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.slot_input.focus()
        self._check(self.suggestion, final=False)
        self.mark_ready()

    def _check(self, name: str, *, final: bool) -> bool:
        error = self.error
        try:
            saves.check_slot_name(name)
        except saves.SaveError as exc:
            shown = str(exc) if (final or name) else ""
            error.update(Content(shown))
            error.set_class(bool(shown), "-error")
            return False
        note = f"Slot '{name}' exists: saving replaces it." if name in self.existing else ""
        error.update(Content(note))
        error.set_class(False, "-error")
        return True

    @on(Input.Changed, "#slot-name")
    def changed(self, event: Input.Changed) -> None:
        self._check(event.value.strip(), final=False)

    @on(Input.Submitted, "#slot-name")
    def submitted(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self._submit(self.slot_input.value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.close(None)

    def _submit(self, value: str) -> None:
        name = value.strip()
        if self._check(name, final=True):
            self.close(name)
