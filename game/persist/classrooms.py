"""The duo rooms of the class store (`game.persist.classstore`): a room, who holds each of
its roles (a seat), and its append-only list of moves (both sides', in order), so a
game survives either side's process dying and resumes when the side rejoins.

`ClassStore` has these methods (`RoomTables`); the teacher's console reads every room at
once (`rooms`). The store's errors live here, the lowest of its modules.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import sqlite3
import time

import attrs

from game.core.errors import MarALagoError

#: a seat whose holder has not been seen for this long is free to be taken again
SEAT_TIMEOUT = 15.0

ROOM_TABLES = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS seats (
    room TEXT NOT NULL,
    role TEXT NOT NULL,
    game_id TEXT NOT NULL DEFAULT '',
    holder TEXT NOT NULL DEFAULT '',
    seen_at REAL NOT NULL,
    left_at REAL,
    PRIMARY KEY (room, role)
);
CREATE TABLE IF NOT EXISTS moves (
    room TEXT NOT NULL,
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    scene TEXT NOT NULL,
    choice TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (room, seq)
);
"""


class StoreError(MarALagoError):
    """The class store cannot be opened or written; the message says where and why."""


class SeatTaken(StoreError):
    """The role in this room is held by another live player."""


@attrs.frozen
class Seat:
    room: str
    role: str
    game_id: str
    holder: str
    seen_at: float
    left_at: float | None = None

    def live(self, now: float) -> bool:
        return self.left_at is None and now - self.seen_at < SEAT_TIMEOUT


@attrs.frozen
class Move:
    room: str
    seq: int
    role: str
    scene: str
    choice: str
    at: float


@attrs.frozen
class Room:
    """One duo room as the teacher's console reads it: its seats and all its moves."""

    code: str
    story_id: str
    created_at: float
    seats: tuple[Seat, ...] = ()
    moves: tuple[Move, ...] = ()

    @property
    def last_at(self) -> float:
        """The room's last move (or the last time a side was seen; or when it was made)."""
        times = [self.created_at, *(m.at for m in self.moves), *(s.seen_at for s in self.seats)]
        return max(times)


class RoomTables:
    """The duo rooms' part of `ClassStore` (which gives `_tx`, one short transaction)."""

    def _tx(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def take_seat(
        self, room: str, role: str, holder: str, story_id: str, game_id: str = ""
    ) -> Seat:
        """Sit `holder` at `role` in `room` (made if new). The same holder, or anyone once
        the seat's holder has left or gone silent, may take it; else `SeatTaken`."""
        now = time.time()
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO rooms (code, story_id, created_at) VALUES (?, ?, ?)",
                (room, story_id, now),
            )
            owner = db.execute("SELECT story_id FROM rooms WHERE code = ?", (room,)).fetchone()
            if owner is not None and owner[0] != story_id:
                raise StoreError(f"room '{room}' plays another story ('{owner[0]}')")
            row = db.execute(
                "SELECT room, role, game_id, holder, seen_at, left_at FROM seats "
                "WHERE room = ? AND role = ?",
                (room, role),
            ).fetchone()
            if row is not None:
                seat = Seat(*row)
                if seat.holder != holder and seat.live(now):
                    raise SeatTaken(f"the {role} seat of room '{room}' is taken")
                game_id = game_id or seat.game_id
            db.execute(
                "INSERT OR REPLACE INTO seats (room, role, game_id, holder, seen_at, left_at) "
                "VALUES (?, ?, ?, ?, ?, NULL)",
                (room, role, game_id, holder, now),
            )
        return Seat(room, role, game_id, holder, now)

    def heartbeat(self, room: str, role: str, holder: str) -> bool:
        """Say `holder` is still there; False when the seat is no longer theirs."""
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE seats SET seen_at = ? WHERE room = ? AND role = ? AND holder = ? "
                "AND left_at IS NULL",
                (time.time(), room, role, holder),
            )
            return cursor.rowcount == 1

    def leave_seat(self, room: str, role: str, holder: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE seats SET left_at = ? WHERE room = ? AND role = ? AND holder = ?",
                (time.time(), room, role, holder),
            )

    def seats(self, room: str) -> list[Seat]:
        with self._tx() as db:
            rows = db.execute(
                "SELECT room, role, game_id, holder, seen_at, left_at FROM seats "
                "WHERE room = ? ORDER BY role",
                (room,),
            ).fetchall()
        return [Seat(*row) for row in rows]

    def add_move(self, room: str, role: str, scene: str, choice: str, expect: int) -> Move:
        """Append a move as number `expect` (0-based) of the room. A different move already
        at that number is a conflict (`StoreError`); the same move again is a no-op, so a
        retried write after a crash never doubles a move."""
        now = time.time()
        with self._tx() as db:
            count = db.execute("SELECT COUNT(*) FROM moves WHERE room = ?", (room,)).fetchone()[0]
            if expect < count:
                row = db.execute(
                    "SELECT room, seq, role, scene, choice, at FROM moves "
                    "WHERE room = ? AND seq = ?",
                    (room, expect),
                ).fetchone()
                move = Move(*row)
                if (move.role, move.scene, move.choice) != (role, scene, choice):
                    raise StoreError(
                        f"room '{room}': move {expect + 1} is already {move.role}'s '{move.choice}'"
                    )
                return move
            if expect > count:
                raise StoreError(f"room '{room}': move {expect + 1} before move {count + 1}")
            db.execute(
                "INSERT INTO moves (room, seq, role, scene, choice, at) VALUES (?, ?, ?, ?, ?, ?)",
                (room, expect, role, scene, choice, now),
            )
        return Move(room, expect, role, scene, choice, now)

    def moves(self, room: str) -> list[Move]:
        with self._tx() as db:
            rows = db.execute(
                "SELECT room, seq, role, scene, choice, at FROM moves WHERE room = ? ORDER BY seq",
                (room,),
            ).fetchall()
        return [Move(*row) for row in rows]

    def rooms(self) -> list[Room]:
        """Every room of the folder with its seats and moves (one read), the most recently
        active first."""
        with self._tx() as db:
            made = db.execute("SELECT code, story_id, created_at FROM rooms").fetchall()
            seats = db.execute(
                "SELECT room, role, game_id, holder, seen_at, left_at FROM seats ORDER BY role"
            ).fetchall()
            moves = db.execute(
                "SELECT room, seq, role, scene, choice, at FROM moves ORDER BY room, seq"
            ).fetchall()
        seated: dict[str, list[Seat]] = {}
        for row in seats:
            seated.setdefault(row[0], []).append(Seat(*row))
        moved: dict[str, list[Move]] = {}
        for row in moves:
            moved.setdefault(row[0], []).append(Move(*row))
        result = [
            Room(code, story_id, created, tuple(seated.get(code, ())), tuple(moved.get(code, ())))
            for code, story_id, created in made
        ]
        return sorted(result, key=lambda room: room.last_at, reverse=True)


_TOKEN: list[str] = []


def holder_token() -> str:
    """Who holds a seat: this process on this machine (a fork gets its own)."""
    if not _TOKEN or _TOKEN[0].split(":")[-2] != str(os.getpid()):
        _TOKEN[:] = [f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"]
    return _TOKEN[0]
