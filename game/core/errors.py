"""The root of the game's own errors: a front end catches `MarALagoError` and shows its
message; anything else reaching it is a bug. Messages say what is wrong and what to do
in the words of the game, never in command-line flags: an error whose remedy is a
setting carries its `kind`, and a front end that has an option for it adds that (the
CLI and line mode "--saves-dir DIR"; the TUI nothing)."""

from __future__ import annotations

#: kinds of error whose remedy is a setting the front end may name
SAVES_FOLDER = "saves-folder"  # choose another folder for saves
STORY_FOLDER = "story-folder"  # give another story folder


class MarALagoError(Exception):
    """An error of the game (a story, a save, a move, a document) with a message for people."""

    #: what the player may change to fix it (SAVES_FOLDER, STORY_FOLDER), "" for none
    kind: str = ""
