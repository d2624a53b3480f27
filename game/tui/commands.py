"""The command palette: the game's commands first, in the app's order (Textual's own
provider lists its commands alphabetically), and a palette no fast key can crash."""

from __future__ import annotations

from textual import work
from textual.command import CommandPalette, DiscoveryHit, Hits
from textual.system_commands import SystemCommandsProvider


class GameCommands(SystemCommandsProvider):
    """`App.get_system_commands`, offered in the order the app gives them."""

    async def discover(self) -> Hits:
        for name, help_text, callback, discover in self.app.get_system_commands(self.screen):
            if discover:
                yield DiscoveryHit(name, callback, help=help_text)


class GamePalette(CommandPalette):
    """Textual's palette, made safe against fast keys (Textual 8.2.8): a page key typed
    before its list is laid out raised KeyError (`OptionList._move_page`), and a search
    still running when the palette closes (ctrl+p then Esc) raised NoMatches in its
    worker; either ended the game. The key is dropped; the stray search ends quietly."""

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except KeyError:
            return

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP, exit_on_error=False)
    async def _gather_commands(self, search_value: str) -> None:
        if not self.is_attached:
            return
        gather = CommandPalette._gather_commands.__wrapped__  # type: ignore[attr-defined]
        await gather(self, search_value)
