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

from game.tui.widgets.prompts import Numbered

TESTS = Path(__file__).resolve().parent.parent
MINI = TESTS / "fixtures" / "mini"
SHIPPED = TESTS.parent / "story"


def edit(path: Path, change: Callable[[str], str]) -> None:
    """Rewrite a story file and move its mtime on, as an editor would."""
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


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


def plain(prompt: object) -> str:
    """The text of a list entry (literal `Content` or a rich renderable), lines stripped."""
    if isinstance(prompt, Content | Numbered):
        return prompt.plain
    console = Console(width=200, color_system=None, file=io.StringIO())
    console.print(prompt)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())
