"""The root of the game's own errors: a front end catches `MarALagoError` and shows its
message; anything else reaching it is a bug. Messages say what is wrong and what to do
in the words of the game, never in command-line flags (front ends add those)."""

from __future__ import annotations


class MarALagoError(Exception):
    """An error of the game (a story, a save, a move, a document) with a message for people."""
