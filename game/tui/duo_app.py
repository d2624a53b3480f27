"""`play --duo` and `play --role R --room NAME` in the terminal: the app, run straight
into a duo game (game.tui.duo opens it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from game.core.model import Story
from game.tui.app import make_app
from game.tui.duo import DuoLaunch

__all__ = ["DuoLaunch", "run_duo_app"]


def run_duo_app(story: Story, saves_dir: Path, launch: DuoLaunch, **options: Any) -> int:
    """Run the app straight into a duo game; its exit code (1 when the room could not
    be joined)."""
    app = make_app(story, saves_dir, **options)
    app.duo_launch = launch
    app.run()
    session = app.duo_session
    if session is not None:
        session.leave()
        if launch.room is not None:
            print(
                f"Your side of room '{session.room}' is saved in slot '{session.slot}'; "
                "join the room again with the same --role and --room to go on.",
            )
    if app.duo_failed:
        return 1
    return app.return_code or 0
