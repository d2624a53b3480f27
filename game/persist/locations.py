"""Where things live: the shipped story and the saves folder."""

from __future__ import annotations

import os
from pathlib import Path

from game.persist import files

APP_NAME = "mar-a-lago"
_PACKAGE = Path(__file__).resolve().parent.parent
_CHECKOUT = _PACKAGE.parent


def shipped_story_dir() -> Path:
    """The story that comes with the game: package data when installed, `story/` in a checkout."""
    packaged = _PACKAGE / "story"
    if files.is_dir(packaged):
        return packaged
    return _CHECKOUT / "story"


def in_checkout() -> bool:
    """True when the game runs from a source checkout (the README's play command)."""
    return files.is_file(_CHECKOUT / "pyproject.toml") and files.is_dir(_CHECKOUT / "saves")


def default_saves_dir() -> Path:
    """$MAR_A_LAGO_SAVES_DIR if set; else `saves/` in a checkout; else the user's data folder.
    Never raises: a folder that cannot be used is found when a save is written."""
    override = os.environ.get("MAR_A_LAGO_SAVES_DIR")
    if override:
        return Path(override)
    if in_checkout():
        return _CHECKOUT / "saves"
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / "saves"
