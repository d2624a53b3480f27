"""The game app in a class: who plays (asked first in a served game, which can rejoin
its game by name or code), the teacher's news as a news flash, and the class clock
(paused, minutes left, time up), looked at every second through the class store.

`Classroom` is a part of `GameApp` (a mixin): it reads the app's session and screens.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from game.persist.classstore import Clock
    from game.persist.saves import Player
    from game.session.session import GameSession, Moved
    from game.tui.screens.classroom import Who

#: seconds between two looks at the class clock
CLOCK_EVERY = 1.0
#: minutes left at which every player is told
WARN_AT = (10, 5, 2, 1)


def minutes_left(clock: Clock) -> int | None:
    return None if clock.remaining is None else math.ceil(max(clock.remaining, 0) / 60)


class Classroom(App[int]):
    """The class's part of the game app."""

    #: who plays (--name/--team, or asked first in a served game)
    player: Player | None = None
    #: the game is served to a browser: ask who plays before anything else
    served = False
    _asked = False
    _paused_screen = None
    _last_warning: int | None = None
    _last_minutes = 0
    _time_up_said = False

    @property
    def session(self) -> GameSession:  # the app's (GameApp.session)
        raise NotImplementedError

    def start_classroom(self) -> None:
        """From the app's mount: the clock, every second, for a game in a class."""
        if self.session.link is not None:
            self.set_interval(CLOCK_EVERY, self.look_at_clock)

    # -- who plays --------------------------------------------------------------------

    def ask_who_first(self, then: Callable[[], None]) -> bool:
        """A served game asks who plays before anything else (True: asked, `then()`
        runs after the answer)."""
        if not self.served or self._asked:
            return False
        self._asked = True
        from game.tui.screens.classroom import NameScreen

        def answered(who: Who | None) -> None:
            if who is not None:
                self.take_who(who)
            then()

        self.push_screen(NameScreen(self.title), answered)
        return True

    def take_who(self, who: Who) -> None:
        from game.persist.saves import Player

        session = self.session
        if who.code:
            from game.session.classlink import normal_code

            found = session.games_of("", code=normal_code(who.code))
            if found:
                info = found[0]
                game = info.save.game if info.save is not None else None
                session.set_player(game.player if game is not None else Player(who.name))
                self.rejoin_path = info.path
                return
            self.notify(
                f"No game has the code {who.code.upper()}: start a new one, or Continue.",
                severity="warning",
                markup=False,
                timeout=8,
            )
        session.set_player(Player(who.name, who.team))
        self.player = session.player

    #: the save of a game the player asked for by its code (opened next)
    rejoin_path: Path | None = None

    # -- after a move -------------------------------------------------------------------

    def classroom_after_move(self, moved: Moved) -> None:
        """The news that came with a move (a news flash), the class store out of reach
        (said once), and the end of the game when the time was up."""
        if moved.store_warning:
            self.notify(moved.store_warning, severity="warning", markup=False, timeout=8)
        if moved.closed:
            self.notify(
                "Time is up: that was your final choice.",
                title="Class clock",
                severity="warning",
                markup=False,
                timeout=12,
            )
        if moved.news and moved.before_news is not None:
            from game.tui.screens.classroom import NewsScreen

            self.push_screen(
                NewsScreen(
                    self.session.story, moved.news, moved.before_news.meters, moved.state.meters
                )
            )
        self.show_who()

    # -- the clock ----------------------------------------------------------------------

    def look_at_clock(self) -> None:
        clock = self.session.clock()
        self.show_pause(clock.paused)
        minutes = minutes_left(clock)
        if minutes is None:
            self._last_warning, self._time_up_said = None, False
        elif clock.remaining is not None and clock.remaining <= 0:
            if not self._time_up_said and self.session.state is not None:
                self._time_up_said = True
                self.notify(
                    "Time is up: make your final choice.",
                    title="Class clock",
                    severity="warning",
                    markup=False,
                    timeout=30,
                )
        else:
            self._time_up_said = False
            due = [m for m in WARN_AT if minutes <= m]
            level = min(due) if due else 99
            # a new limit (more time than a moment ago) is told as the first one was
            fresh = self._last_warning is None or minutes > self._last_minutes + 1
            if fresh or level < (self._last_warning or 99):
                self.notify(
                    f"{minutes} minute{'s' if minutes != 1 else ''} left.",
                    title="Class clock",
                    markup=False,
                    timeout=6,
                )
            self._last_warning, self._last_minutes = level, minutes
        self.show_who(clock)

    def show_pause(self, paused: bool) -> None:
        from game.tui.screens.classroom import PausedScreen

        if paused and self._paused_screen is None:
            self._paused_screen = PausedScreen()
            self.push_screen(self._paused_screen)
        elif not paused and self._paused_screen is not None:
            screen, self._paused_screen = self._paused_screen, None
            if screen in self.screen_stack:
                screen.dismiss(None)
            self.notify("The game goes on.", markup=False, timeout=3)

    def show_who(self, clock: Clock | None = None) -> None:
        """Under the title of the game's screen: who plays, the game's code, time left."""
        session = self.session
        state = session.state
        screen = getattr(self, "main_screen", None)
        if state is None or screen is None or not session.player.name:
            return
        role = session.story.roles.get(state.role)
        parts = [role.label if role is not None else state.role, session.player.name]
        if session.code:
            parts.append(f"code {session.code}")
        clock = clock if clock is not None else session.clock()
        minutes = minutes_left(clock)
        if clock.paused:
            parts.append("paused")
        elif minutes is not None:
            parts.append("time is up" if minutes <= 0 else f"{minutes} min left")
        screen.sub_title = " · ".join(parts)
