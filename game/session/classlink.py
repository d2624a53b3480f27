"""A game's line to its class: the class store of its saves folder.

Every game reports its progress there (who plays, where, the meters, the ending), takes
the news the teacher sends and reads the class clock. The store is a help, never a
need: when it cannot be reached, the game goes on, and the failure is said once.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from game.core import engine
from game.core.engine import GameState
from game.core.model import Inject as StoryInject
from game.core.model import Story
from game.persist.classkeep import keep_open
from game.persist.classstore import (
    STORE_FILE,
    ClassStore,
    Clock,
    GameRecord,
    Inject,
    StoreError,
)
from game.persist.saves import GameInfo

__all__ = ["CODE_ALPHABET", "ClassLink", "new_code", "new_game_id"]

#: rejoin codes: no 0/O, 1/I/L, so a code read off a screen is typed right
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 4

T = TypeVar("T")


def new_game_id() -> str:
    """A game's own id: unique across machines and time (it names the game in reports)."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}-{secrets.token_hex(4)}"


def new_code(taken: set[str] | None = None) -> str:
    """A short code a player rejoins a game by, not among `taken`."""
    taken = taken or set()
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def normal_code(text: str) -> str:
    """A code as typed ("k7qx ", "K7-QX") as it is stored."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


class ClassLink:
    """The class store of one saves folder, as a game uses it: every call gives up
    quietly (None, False, []) when the store fails, and `warning` says it once."""

    def __init__(self, folder: Path, create: bool = False) -> None:
        self.folder = folder
        #: make the store if the folder has none (a class game: named, or served); a
        #: game alone joins a store only where a class already made one
        self.create = create
        self._store: ClassStore | None = None
        #: held open so the store's short connections close cheaply (`classkeep`)
        self._keeper: sqlite3.Connection | None = None
        #: the first failure, to be said once ("" while all is well)
        self.failure = ""
        self._told = False

    def _call(self, what: Callable[[ClassStore], T], default: T) -> T:
        try:
            if self._store is None:
                if not self.create and not (self.folder / STORE_FILE).is_file():
                    return default  # a game alone: no class here (and no folder made)
                self._store = ClassStore.open(self.folder)
                self._keeper = keep_open(self._store)
            return what(self._store)
        except (StoreError, OSError) as exc:
            if not self.failure:
                self.failure = (
                    f"the class store is out of reach ({exc}); the game goes on, but the "
                    "teacher's console does not see it"
                )
            return default

    def warning(self) -> str:
        """The failure to say, the first time only ("" otherwise)."""
        if self.failure and not self._told:
            self._told = True
            return self.failure
        return ""

    # -- a game's progress --------------------------------------------------------------

    def report(self, record: GameRecord) -> bool:
        def put(store: ClassStore) -> bool:
            store.put_game(record)
            return True

        return self._call(put, False)

    def game(self, game_id: str) -> GameRecord | None:
        return self._call(lambda store: store.game(game_id), None)

    def games(self) -> list[GameRecord]:
        none: list[GameRecord] = []
        return self._call(lambda store: store.games(), none)

    def by_code(self, code: str) -> GameRecord | None:
        """The game with this rejoin code (the newest, should two share it)."""
        wanted = normal_code(code)
        if not wanted:
            return None
        return next((g for g in self.games() if g.code == wanted), None)

    def codes(self) -> set[str]:
        return {g.code for g in self.games()}

    # -- news, the clock, events --------------------------------------------------------

    def latest_news(self, room: str = "") -> int:
        """The number of the last inject sent: a game begun now takes only later ones."""
        none: list[Inject] = []
        sent = self._call(lambda store: store.injects(room), none)
        return max((news.seq for news in sent), default=0)

    def news(self, room: str, since: int) -> list[Inject]:
        none: list[Inject] = []
        return self._call(lambda store: store.injects(room, since), none)

    def clock(self) -> Clock:
        return self._call(lambda store: store.clock(), Clock())

    def event(self, kind: str, game_id: str, message: str) -> None:
        self._call(lambda store: store.record_event(kind, game_id, message), 0)


def started_at(info: GameInfo) -> float:
    """When a game began (its save's ISO time), as a timestamp; now if unknown."""
    try:
        return dt.datetime.fromisoformat(info.started_at).timestamp()
    except ValueError:
        return time.time()


def game_record(story: Story, state: GameState, info: GameInfo, slot: str) -> GameRecord:
    """A game as the class store keeps it (its progress now)."""
    return GameRecord(
        id=info.id,
        story_id=story.id,
        role=state.role,
        started_at=started_at(info),
        last_at=time.time(),
        name=info.player.name,
        team=info.player.team,
        room=info.room,
        slot=slot,
        code=info.code,
        scene=state.scene,
        ending=state.ending,
        steps=len(state.history),
        meters=dict(state.meters),
        status="finished" if state.over else "playing",
    )


def take_news(
    story: Story, state: GameState, sent: list[Inject]
) -> tuple[GameState, tuple[StoryInject, ...]]:
    """`state` with the news sent to it applied, in order, and the news that reached it:
    news of another story, for another role, or after the ending is passed over."""
    reached: list[StoryInject] = []
    for news in sent:
        inject = story.injects.get(news.inject_id)
        if state.over or inject is None or not inject.reaches(state.role):
            continue
        state = engine.inject(story, state, inject.id)
        reached.append(inject)
    return state, tuple(reached)
