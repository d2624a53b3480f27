"""The baseline: the smallest Textual app that shows a screen of text and redraws on a key.

    .venv/bin/python benchmarks/minimal_app.py

The game's start-up and key-to-redraw times are measured against this app, in the same
run, so the ratios say what the game adds to Textual itself.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

TEXT = "Cooperate or Else! (the minimal baseline app): press 1 to redraw, ctrl+q to quit."


class MinimalApp(App[None]):
    BINDINGS = [Binding("1", "bump", "Redraw")]  # noqa: RUF012 (typed by App)

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static(TEXT, id="text")

    def action_bump(self) -> None:
        self.count += 1
        self.query_one("#text", Static).update(f"{TEXT} Pressed {self.count} times.")


if __name__ == "__main__":
    MinimalApp().run()
