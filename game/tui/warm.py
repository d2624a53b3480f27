"""Warming the TUI up in a process that will fork games (`serve`'s zygote).

The app imports its screens lazily (a fast first frame for one game); a zygote wants
everything imported once, before it forks. A first run of the app, headless, to its
first screen also fills what Textual and Rich keep for later (parsed CSS selectors,
colours, widths of text, signatures of handlers), so each forked game does not.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import tempfile
from pathlib import Path
from typing import Any

import game.tui
from game.core.model import Story


def import_all() -> None:
    """Import every module of the TUI (the screens and widgets the app imports late)."""
    for module in pkgutil.walk_packages(game.tui.__path__, "game.tui."):
        importlib.import_module(module.name)


def first_screen(story: Story, size: tuple[int, int] = (100, 30), **options: Any) -> None:
    """Run the app headless to its first screen (as `make_app(**options)` makes it), in a
    throwaway saves folder."""
    from game.tui.app import make_app

    async def run(folder: Path) -> None:
        app = make_app(story, folder, autosave_slot="warm-up", private_saves=True, **options)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()

    with tempfile.TemporaryDirectory(prefix="mar-a-lago-warm-") as folder:
        asyncio.run(run(Path(folder)))


def share_parsed_css() -> None:
    """Parse each piece of CSS once per process, not once per app: every forked game's
    app then takes the rules the zygote's warm-up parsed (Textual keeps its parse cache
    per stylesheet, and each app makes its own). The rules depend on the CSS, where it
    came from and the theme's variables, and are never changed after parsing (Textual's
    own cache hands the same rules out again). For forked games only."""
    from textual.css.stylesheet import Stylesheet

    original = Stylesheet._parse_rules
    if getattr(original, "shared", False):
        return
    cache: dict[object, Any] = {}

    def parse_rules(
        self: Stylesheet,
        css: str,
        read_from: Any,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> Any:
        try:
            variables = frozenset(self._variables.items())
            key = (css, read_from, is_default_rules, tie_breaker, scope, variables)
            hash(key)
        except Exception:  # not what this was written for: parse as Textual does
            return original(self, css, read_from, is_default_rules, tie_breaker, scope)
        rules = cache.get(key)
        if rules is None:
            rules = cache[key] = original(
                self, css, read_from, is_default_rules, tie_breaker, scope
            )
        return rules

    parse_rules.shared = True  # type: ignore[attr-defined]
    Stylesheet._parse_rules = parse_rules  # type: ignore[method-assign]
