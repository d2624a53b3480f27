"""`play --debug` in the app: F12 or ctrl+d hides and shows the debug panel of the scene
and ending screens (game/tui/widgets/debug.py). Without `--debug` the keys do nothing
(Textual never sees them as bound)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from game.tui.watching import Watching

#: the keys (the panel's module says them too; kept here so the app imports no widget)
TOGGLE_KEYS = "f12,ctrl+d"


class Debugging(Watching):
    """The app's debug panel switch; GameApp sets `debug` from `play --debug`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # not in the footer (its room is the game's keys'): the panel's border says them
        Binding(TOGGLE_KEYS, "toggle_debug", "Debug panel", show=False, key_display="^d"),
    ]
    #: the game runs with `--debug`: its scene and ending screens have a debug panel
    debug: bool = False
    #: the panel is shown (F12/ctrl+d hides it, and shows it again)
    debug_shown: bool = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_debug" and not self.debug:
            return False  # no panel: the keys are free, the footer does not show them
        return super().check_action(action, parameters)

    def action_toggle_debug(self) -> None:
        from game.tui.widgets.debug import DebugPanel

        self.debug_shown = not self.debug_shown
        for screen in self.screen_stack:
            for panel in screen.query(DebugPanel):
                panel.display = self.debug_shown
        if not self.debug_shown:
            self.notify(
                "Debug panel hidden: F12 or ctrl+d shows it again.", markup=False, timeout=3
            )
