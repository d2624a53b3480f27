"""Helpers for the TUI tests (importable as `tui_support`: pytest puts tests/tui on the path)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.content import Content
from textual.widget import Widget

from game.tui.app import GameApp
from game.tui.widgets.prompts import Numbered

TESTS = Path(__file__).resolve().parent.parent
MINI = TESTS / "fixtures" / "mini"
SHIPPED = TESTS.parent / "story"


def edit(path: Path, change: Callable[[str], str]) -> None:
    """Rewrite a story file and move its mtime on, as an editor would."""
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def autosave_path(app: GameApp) -> Path:
    """The file the game in progress autosaves to (each game has its own)."""
    session = app.session
    return session.saves_dir / f"{session.autosave_slot}.json"


def notes(app: App[object]) -> list[str]:
    """Record every notification the app shows, from now on."""
    seen: list[str] = []
    original = app.notify

    def spy(message: str, **kwargs: object) -> None:
        seen.append(f"{kwargs.get('title', '')}{message}")
        original(message, **kwargs)  # type: ignore[arg-type]

    app.notify = spy  # type: ignore[method-assign]
    return seen


def shown(widget: Widget) -> str:
    """The text a widget and its descendants show on screen, line by line."""
    lines = []
    for node in [widget, *widget.query("*")]:
        for y in range(node.size.height):
            line = "".join(segment.text for segment in node.render_line(y)).rstrip()
            if line:
                lines.append(line)
    return "\n".join(lines)


def screen_lines(app: App[object]) -> list[str]:
    """The terminal as a person sees it: one string a row (what is drawn, not what a
    widget holds; scrolled-away text is not there)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    lines = console.export_text(styles=False).split("\n")
    return [line.ljust(width) for line in lines[:height]]


def seen_in(app: App[object], widget: Widget, *, scrollbar: bool = True) -> str:
    """The words drawn on screen inside `widget`'s region, joined by single spaces (lines
    rejoined as a reader would; the scrollbar column and the reactions' bar left out)."""
    region = widget.region
    right = region.right - (1 if scrollbar and widget.show_vertical_scrollbar else 0)
    rows = screen_lines(app)[region.y : region.bottom]
    words = " ".join(row[region.x : right] for row in rows).replace("▌", " ")
    return " ".join(words.split())


def words(text: str) -> str:
    return " ".join(text.split())


def plain(prompt: object) -> str:
    """The text of a list entry (literal `Content` or a rich renderable), lines stripped."""
    if isinstance(prompt, Content | Numbered):
        return prompt.plain
    console = Console(width=200, color_system=None, file=io.StringIO())
    console.print(prompt)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())
