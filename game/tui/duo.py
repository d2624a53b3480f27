"""The duo summit in the Textual app: `play --duo`, `play --role R --room NAME`, and the
title screen's "Play with a partner" (in a terminal or a served browser tab).

The app opens a `DuoScreen` as its main screen; the session (`DuoSession`) is made
here, and a room that cannot be joined is said in a notification, not a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from game.core.duo import DuoState
from game.core.engine import GameError
from game.core.model import Story

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from game.session.duo import DuoSession


@attrs.frozen
class DuoLaunch:
    """A duo game to open: at one screen (room None), or a side (None: the free one)
    of a room; `resume` a one-screen game loaded from its save."""

    room: str | None = None
    role: str | None = None
    resume: DuoState | None = None


class DuoHost(Protocol):
    """What a duo game needs of the app (game.tui.app.GameApp), named here so that this
    module does not import the app (the app imports it)."""

    @property
    def story(self) -> Story: ...

    saves_dir: Path
    duo_session: DuoSession | None

    def switch_main(self, screen: Screen[None]) -> None: ...

    def notify(
        self,
        message: str,
        *,
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def push_screen(self, screen: Any, callback: Any = None) -> Any: ...


def open_duo(app: DuoHost, launch: DuoLaunch) -> bool:
    """Make the session and show its screen; False (and a notification) when it cannot."""
    from game.session.duo import DuoError, DuoSession
    from game.tui.screens.duo import DuoScreen

    try:
        if launch.room is None:
            session = DuoSession.local(app.story, app.saves_dir, state=launch.resume)
        else:
            who = getattr(app, "player", None)  # --name, or a served tab's name
            session = DuoSession.join(
                app.story, app.saves_dir, launch.room, launch.role, player=who
            )
    except (DuoError, GameError) as exc:
        app.notify(f"Cannot join: {exc}", severity="error", markup=False, timeout=12)
        return False
    app.duo_session = session
    app.switch_main(DuoScreen(session))
    return True


def open_duo_save(app: DuoHost, path: Path) -> bool:
    """A duo summit's save picked to load: a one-screen game goes on; a room's side joins
    the room again. False for any other save (the app loads it as usual)."""
    from game.persist import saves

    try:
        save = saves.read(path)
    except saves.SaveError:
        return False  # the usual load says what is wrong with it
    mark = save.duo
    if mark is None:
        return False
    if mark.room:
        open_duo(app, DuoLaunch(room=mark.room, role=mark.side or None))
        return True
    try:
        loaded = saves.restore(app.story, save, str(path))
    except saves.SaveError as exc:
        app.notify(f"Cannot load: {exc}", severity="error", markup=False, timeout=10)
        return True
    open_duo(app, DuoLaunch(resume=loaded.duo))
    return True


def ask_partner(app: DuoHost) -> None:
    """Play with a partner: ask for a room code and a side, then join the room."""
    if app.story.duo is None:
        app.notify("This story has no duo summit to play with a partner.", markup=False)
        return
    from game.persist.classstore import ClassStore, StoreError
    from game.session.duo import new_room_code
    from game.tui.screens.partner import PartnerScreen

    def taken(code: str) -> bool:
        try:
            return bool(ClassStore.open(app.saves_dir).seats(code))
        except StoreError:
            return False

    def chosen(answer: tuple[str, str | None] | None) -> None:
        if answer is not None:
            room, role = answer
            open_duo(app, DuoLaunch(room=room, role=role))

    app.push_screen(PartnerScreen(app.story, new_room_code(taken)), chosen)
