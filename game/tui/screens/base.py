"""What every screen of the game shares: its keys act only while it is ready.

A key can arrive while a screen is still being built (its widgets not yet looked up) or
already being torn down (the game quitting, another screen taking its place): typed fast,
`q` then `u` reached a half-built screen. A screen is ready from the end of its
`on_mount` (`mark_ready`) until it is unmounted; the app refuses every action but quit
while its current screen is not ready, or while it is closing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual.screen import ModalScreen, Screen

ResultType = TypeVar("ResultType")


class Guarded:
    """Mixin for a screen: `ready` gates its actions (see the module's doc)."""

    ready: bool = False

    def mark_ready(self) -> None:
        """Call at the end of `on_mount`, once the widgets the actions use are found."""
        self.ready = True

    def on_unmount(self) -> None:
        self.ready = False

    def close(self, result: Any) -> None:
        """Dismiss the screen with `result`, once: a second key on its way out does nothing."""
        if self.ready:
            self.ready = False
            self.dismiss(result)  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.ready or getattr(self.app, "closing", False):  # type: ignore[attr-defined]
            return False
        checked: bool | None = super().check_action(action, parameters)  # type: ignore[misc]
        return checked


class GameScreen(Guarded, Screen[ResultType]):
    """A full screen of the game whose keys wait until it is ready."""


class GameModal(Guarded, ModalScreen[ResultType]):
    """A dialog of the game whose keys wait until it is ready."""


def is_ready(screen: Any) -> bool:
    """False for a screen of the game that is not ready; True for any other (Textual's
    own screens, such as the command palette, guard themselves)."""
    return not isinstance(screen, Guarded) or screen.ready
