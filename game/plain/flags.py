"""The command line's option for each error whose remedy is a setting.

The game's messages say what to do in its own words ("choose a folder for saves that
can be written to") and carry a `kind` (`game.core.errors`); the CLI and line mode,
which have options for it, add the option's name. The TUI never shows one.
"""

from __future__ import annotations

from game.core.errors import SAVES_FOLDER, STORY_FOLDER, MarALagoError

FLAGS = {SAVES_FOLDER: "--saves-dir DIR", STORY_FOLDER: "--story DIR"}


def with_flag(error: object) -> str:
    """The error's message, with the option that changes what its `kind` names."""
    flag = FLAGS.get(error.kind) if isinstance(error, MarALagoError) else None
    return f"{error} ({flag})" if flag else str(error)
