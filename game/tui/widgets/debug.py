"""`play --debug` in the terminal app: a panel under the scene (or the ending) with what
an author needs to find it and its state: the scene's id and file:line, each meter's
exact value and range, the flags that are set, the visits of each scene and the seed of
the random routes. F12 or ctrl+d hides and shows it; without `--debug` there is none."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from game.core.engine import GameState
from game.core.model import Story
from game.core.text import shown
from game.tools.debug import debug_facts

#: the keys that hide and show the panel (game/tui/debugging.py), as its border says them
TOGGLE_SAID = "F12/^d"
#: between two items of a row
SEP = " · "
#: the labels' column: the widest label and a space
LABELS = len("meters") + 1


def items(parts: tuple[str, ...], none: str, width: int) -> Text:
    """The items of a row, packed into lines of `width` cells: a line breaks between two
    items, never inside one ("standing=6 (0..10)"), unless the item alone is wider
    (`none` when there are none; `width` 0: one line, left to wrap)."""
    if not parts:
        return Text(none)
    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]}{SEP}{part}" if lines else part
        if lines and (width <= 0 or len(joined) <= width):
            lines[-1] = joined
        else:
            lines.append(part)
    return Text(shown("\n".join(lines)))


def short_path(file: str) -> str:
    """`file` relative to the working folder when it lies inside it (shorter to read,
    and still a path a terminal or an editor opens); else as it is."""
    if not file:
        return "?"
    try:
        relative = Path(file).resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return file
    return str(relative) if str(relative) != "." else file


def debug_renderable(story: Story, state: GameState, width: int = 0) -> Table:
    """The panel's rows, `width` cells wide: a dim label, then the values (wrapped
    under themselves)."""
    facts = debug_facts(story, state)
    width = max(0, width - LABELS)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(ratio=1)
    if facts.place:
        file, line = facts.where
        grid.add_row("at", Text(shown(f"{facts.place}  {short_path(file)}:{line}")))
    grid.add_row("meters", items(facts.meters, "none", width))
    grid.add_row("flags", items(facts.flags, "none set", width))
    if facts.visits:
        grid.add_row("visits", items(facts.visits, "", width))
    if facts.seed:
        grid.add_row("random", Text(facts.seed))
    return grid


class DebugPanel(VerticalScroll, can_focus=False):
    """The author's view of the state on screen; it scrolls on its own (the wheel) when
    it holds more than its few rows."""

    DEFAULT_CSS = """
    DebugPanel {
        height: auto;
        max-height: 9;
        border-top: hkey $warning;
        border-title-color: $warning;
        border-title-align: left;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    Screen.-short DebugPanel { max-height: 6; }
    DebugPanel #debug-text { width: 100%; }
    """

    def __init__(self, *, id: str | None = "debug") -> None:
        super().__init__(id=id)
        self.border_title = f"debug · {TOGGLE_SAID} hides"
        self.shown: tuple[Story, GameState] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="debug-text")

    def show(self, story: Story, state: GameState) -> None:
        self.shown = (story, state)
        self.draw()

    def on_resize(self) -> None:
        self.draw()  # the rows are packed to the width

    def draw(self) -> None:
        if self.shown is not None:
            story, state = self.shown
            width = self.scrollable_content_region.width - 1  # room for a scrollbar
            self.query_one("#debug-text", Static).update(debug_renderable(story, state, width))


def debug_panels(app: object) -> list[DebugPanel]:
    """A panel for a screen of `app` to compose: one when the game runs with `--debug`
    (shown or hidden as the player last left it), none without."""
    if not getattr(app, "debug", False):
        return []
    panel = DebugPanel()
    panel.display = getattr(app, "debug_shown", True)
    return [panel]
