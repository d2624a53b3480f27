"""Watch mode (for authors): the app looks at the story's files, reloads an edited story
and plays on with the choices that still fit; a broken story keeps the last good one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events

from game.core.model import Story
from game.format.loader import check_story
from game.format.watch import Fingerprint, fingerprint
from game.tui.classroom import Classroom
from game.tui.screens.base import is_ready
from game.tui.screens.title import TitleScreen

if TYPE_CHECKING:
    from textual.screen import Screen

    from game.core.engine import GameState
    from game.persist import saves


class Watching(Classroom):
    """The app's watch mode, and its guard against keys while screens come and go;
    GameApp supplies the story, the screens and the session."""

    #: the app is quitting: its screens may already be gone
    closing = False

    story_dir: Path | None
    fixed_role: str | None
    watched: Fingerprint = ()
    main_screen: Screen[None] | None
    _story: Story

    @property
    def state(self) -> GameState | None:  # the app's (GameApp.state)
        raise NotImplementedError

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self.closing = True
        super().exit(*args, **kwargs)

    async def on_event(self, event: events.Event) -> None:
        if self.closing and isinstance(event, events.Key | events.MouseEvent):
            return  # typed after quit: the screens may already be gone
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing but quit while quitting, or while the screen is built or torn down."""
        if action == "quit":
            return True
        if self.closing or not is_ready(self.screen):
            return False
        return super().check_action(action, parameters)

    def newest_save(self) -> saves.SlotInfo | None:  # the app's
        raise NotImplementedError

    def show_state(self) -> None:  # the app's
        raise NotImplementedError

    def show_title(self) -> None:  # the app's
        raise NotImplementedError

    def watched_dir(self) -> Path:
        if self.story_dir is not None:
            return self.story_dir
        from game.persist.locations import shipped_story_dir

        return shipped_story_dir()

    def check_story_files(self) -> None:
        """Reload the story if its files changed; a broken story keeps the last good one."""
        folder = self.watched_dir()
        now = fingerprint(folder)
        if now == self.watched:
            return
        self.watched = now
        from game.core.text import clean
        from game.core.text import shown as printable

        story, problems = check_story(folder)
        if story is None:
            shown = "\n".join(printable(str(problem)) for problem in problems[:8])
            more = f"\n… and {len(problems) - 8} more" if len(problems) > 8 else ""
            self.notify(
                f"{shown}{more}\nStill playing the last good version.",
                title=f"The story has {len(problems)} problem(s)",
                severity="error",
                markup=False,
                timeout=15,
            )
            return
        self.reload(clean(story))  # no control characters on screen

    def reload(self, story: Story) -> None:
        """Play on with `story`: keep the choices that still fit, and show it all again."""
        self._story = story
        self.title = story.title
        if self.fixed_role is not None and self.fixed_role not in story.roles:
            self.fixed_role = None
        had_game = self.state is not None
        fitted = self.session.refit(story)
        if not had_game:
            if isinstance(self.main_screen, TitleScreen):
                self.main_screen.show(story, self.newest_save())
            self.notify("Story reloaded.", markup=False, timeout=3)
            return
        if fitted is None:
            self.notify(
                "Story reloaded; your game no longer fits it (its role or start is gone).",
                severity="warning",
                markup=False,
            )
            self.show_title()
            return
        kept, total = fitted.kept, fitted.total
        if kept == total:
            message = f"Story reloaded; your {total} choice(s) still fit."
        else:
            message = f"Story reloaded; kept {kept} of {total} choices (the rest no longer fit)."
        self.show_state()
        self.notify(message, markup=False, timeout=4)
