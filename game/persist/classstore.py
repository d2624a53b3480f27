"""The class store: what several game processes of one class folder share.

One SQLite database (`class.sqlite3`) in the saves folder, in WAL mode, written in
short transactions, so that many game processes (terminals, served browser tabs) and
the teacher's console can use it at once:

- `games`: every game's live progress (who, which role or room, scene, meters, ending,
  last activity), for the teacher's console and the class report;
- `events`: what the teacher should hear about (a failed autosave, a partner leaving);
- `rooms`, `seats` and `moves`: a duo summit's room, who holds each role, and its
  append-only list of moves (both sides', in order), so a game survives either side's
  process dying and resumes when the side rejoins (`game.persist.classrooms`);
- `injects`: news events the teacher sent, in order, to the folder or to one room;
- `clock`: pause, resume and a time limit for every game of the folder.

Save files stay the record of each game; the store is the shared, live view.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs

from game.persist.classrooms import (
    ROOM_TABLES,
    SEAT_TIMEOUT,
    Move,
    Room,
    RoomTables,
    Seat,
    SeatTaken,
    StoreError,
    holder_token,
)

__all__ = [
    "SCHEMA_VERSION",
    "SEAT_TIMEOUT",
    "STORE_FILE",
    "ClassStore",
    "Clock",
    "Event",
    "GameRecord",
    "Inject",
    "Move",
    "Room",
    "Seat",
    "SeatTaken",
    "StoreError",
    "holder_token",
]

STORE_FILE = "class.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS games (
    id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    team TEXT NOT NULL DEFAULT '',
    room TEXT NOT NULL DEFAULT '',
    slot TEXT NOT NULL DEFAULT '',
    code TEXT NOT NULL DEFAULT '',
    started_at REAL NOT NULL,
    last_at REAL NOT NULL,
    scene TEXT,
    ending TEXT,
    steps INTEGER NOT NULL DEFAULT 0,
    meters TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'playing'
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    game_id TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS injects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    inject_id TEXT NOT NULL,
    room TEXT NOT NULL DEFAULT '',
    sent_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    paused INTEGER NOT NULL DEFAULT 0,
    deadline REAL,
    remaining REAL,
    updated_at REAL NOT NULL
);
"""


@attrs.frozen
class GameRecord:
    """One game as the class sees it."""

    id: str
    story_id: str
    role: str
    started_at: float
    last_at: float
    name: str = ""
    team: str = ""
    room: str = ""
    slot: str = ""
    code: str = ""
    scene: str | None = None
    ending: str | None = None
    steps: int = 0
    meters: Mapping[str, int] = attrs.field(factory=dict)
    status: str = "playing"

    @property
    def finished(self) -> bool:
        return self.ending is not None


@attrs.frozen
class Event:
    seq: int
    at: float
    kind: str
    game_id: str
    message: str


@attrs.frozen
class Inject:
    seq: int
    inject_id: str
    room: str
    sent_at: float


@attrs.frozen
class Clock:
    """The class clock: paused or not, and the seconds left (None: no time limit)."""

    paused: bool = False
    remaining: float | None = None

    @property
    def expired(self) -> bool:
        return self.remaining is not None and self.remaining <= 0


#: how long a process waits, at most, for another to finish turning a new store to WAL
WAL_WAIT_SECONDS = 10.0


def _write_ahead(db: sqlite3.Connection) -> None:
    """The store in WAL mode. Two processes opening a new store at once both switch it;
    SQLite answers the one that loses "database is locked" at once (its busy handler
    does not wait for a change of journal mode), so that one waits and tries again."""
    deadline = time.monotonic() + WAL_WAIT_SECONDS
    pause = 0.005
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


class ClassStore(RoomTables):
    """The class store of one folder. Every method opens a short transaction of its own,
    so one object may be kept for the whole of a process (or made per call)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, folder: Path) -> ClassStore:
        """The store of `folder` (made if missing); raises `StoreError`."""
        store = cls(folder / STORE_FILE)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot use {folder} for the class ({exc.strerror or exc})") from None
        with store._connection() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{store.path} was written by a newer version of the game "
                    f"(class store {version}, this game reads {SCHEMA_VERSION})"
                )
            db.executescript(_SCHEMA + ROOM_TABLES)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return store

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode, WAL journal, waiting for a busy writer."""
        try:
            db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the class store {self.path} ({exc})") from None
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            _write_ahead(db)
            db.execute("PRAGMA synchronous = NORMAL")
            yield db
        except sqlite3.Error as exc:
            raise StoreError(f"the class store {self.path} failed: {exc}") from None
        finally:
            db.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One short transaction (BEGIN IMMEDIATE: writers queue, readers never block)."""
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- games -------------------------------------------------------------------------

    def put_game(self, game: GameRecord) -> None:
        """Record a game, or its progress (the whole row, by id)."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO games (id, story_id, role, name, team, room, slot, "
                "code, started_at, last_at, scene, ending, steps, meters, status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    game.id,
                    game.story_id,
                    game.role,
                    game.name,
                    game.team,
                    game.room,
                    game.slot,
                    game.code,
                    game.started_at,
                    game.last_at,
                    game.scene,
                    game.ending,
                    game.steps,
                    json.dumps(dict(game.meters), sort_keys=True),
                    game.status,
                ),
            )

    def games(self) -> list[GameRecord]:
        """Every game of the folder, the most recently active first."""
        with self._tx() as db:
            rows = db.execute(
                "SELECT id, story_id, role, started_at, last_at, name, team, room, slot, code, "
                "scene, ending, steps, meters, status FROM games ORDER BY last_at DESC"
            ).fetchall()
        result = []
        for row in rows:
            try:
                meters = json.loads(row[13])
            except ValueError:
                meters = {}
            if not isinstance(meters, dict):
                meters = {}
            result.append(
                GameRecord(
                    id=row[0],
                    story_id=row[1],
                    role=row[2],
                    started_at=row[3],
                    last_at=row[4],
                    name=row[5],
                    team=row[6],
                    room=row[7],
                    slot=row[8],
                    code=row[9],
                    scene=row[10],
                    ending=row[11],
                    steps=row[12],
                    meters=meters,
                    status=row[14],
                )
            )
        return result

    def game(self, game_id: str) -> GameRecord | None:
        for game in self.games():
            if game.id == game_id:
                return game
        return None

    # -- events ------------------------------------------------------------------------

    def record_event(self, kind: str, game_id: str, message: str) -> int:
        """Tell the teacher something (a failed autosave, a partner who left)."""
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO events (at, kind, game_id, message) VALUES (?, ?, ?, ?)",
                (time.time(), kind, game_id, message),
            )
            return int(cursor.lastrowid or 0)

    def events_since(self, seq: int = 0) -> list[Event]:
        with self._tx() as db:
            rows = db.execute(
                "SELECT seq, at, kind, game_id, message FROM events WHERE seq > ? ORDER BY seq",
                (seq,),
            ).fetchall()
        return [Event(*row) for row in rows]

    # -- injects -----------------------------------------------------------------------

    def send_inject(self, inject_id: str, room: str = "") -> int:
        """Send a news event to every game of the folder ("" ) or of one room."""
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO injects (inject_id, room, sent_at) VALUES (?, ?, ?)",
                (inject_id, room, time.time()),
            )
            return int(cursor.lastrowid or 0)

    def injects(self, room: str = "", since: int = 0) -> list[Inject]:
        """The injects a game of `room` ("" for none) receives, after `since`, in order."""
        with self._tx() as db:
            rows = db.execute(
                "SELECT seq, inject_id, room, sent_at FROM injects "
                "WHERE seq > ? AND (room = '' OR room = ?) ORDER BY seq",
                (since, room),
            ).fetchall()
        return [Inject(*row) for row in rows]

    # -- the clock ---------------------------------------------------------------------

    def clock(self, now: float | None = None) -> Clock:
        now = time.time() if now is None else now
        with self._tx() as db:
            row = db.execute(
                "SELECT paused, deadline, remaining FROM clock WHERE id = 1"
            ).fetchone()
        if row is None:
            return Clock()
        paused, deadline, remaining = row
        if paused:
            return Clock(True, remaining)
        return Clock(False, None if deadline is None else deadline - now)

    def _set_clock(self, paused: bool, deadline: float | None, remaining: float | None) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO clock (id, paused, deadline, remaining, updated_at) "
                "VALUES (1, ?, ?, ?, ?)",
                (int(paused), deadline, remaining, time.time()),
            )

    def pause(self) -> Clock:
        clock = self.clock()
        self._set_clock(True, None, clock.remaining)
        return self.clock()

    def resume(self) -> Clock:
        clock = self.clock()
        deadline = None if clock.remaining is None else time.time() + clock.remaining
        self._set_clock(False, deadline, None)
        return self.clock()

    def set_time_limit(self, seconds: float | None) -> Clock:
        """Give every game `seconds` from now (None: no limit); keeps a pause paused."""
        clock = self.clock()
        if clock.paused:
            self._set_clock(True, None, seconds)
        else:
            self._set_clock(False, None if seconds is None else time.time() + seconds, None)
        return self.clock()
