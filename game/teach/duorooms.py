"""The duo rooms of a class as the teacher's console shows them: one line per room with
each side's player, the round being played, whose move is awaited, the joint meters
and the ending. Plain data (no Textual), for the console and `teach --list` alike.

A room's state is rebuilt from its moves in the class store (the room's record of the
game, whichever side's process is alive); each side's player (name, team) comes from
the progress that side reports (`games`, by the seat's game id). A room that plays
another story than the console's shows its players and what the sides reported.

Duo rooms take no news and no time limit (their rules have no place for either); the
teacher's pause holds their moves. `not_reached` says which rooms a message leaves out.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import attrs

from game.core import duo
from game.core.duo import DuoState
from game.core.errors import MarALagoError
from game.core.model import Story
from game.persist.classstore import GameRecord, Room, Seat
from game.teach.roster import ago, ending_tally, ending_title, short_meters

#: what the console says of duo rooms and the class's news and clock
RULES = "Pause holds duo rooms too; news and the time limit do not reach them."


@attrs.frozen
class Side:
    """One side of a room: its role, who plays it, and whether they are there."""

    role: str
    label: str
    name: str = ""
    team: str = ""
    #: 'here' (a live process holds the seat), 'left' (left, or gone silent), 'away'
    status: str = "away"
    #: the side is not the column's (a room of another story): its cell names its role
    foreign: bool = False

    @property
    def who(self) -> str:
        """The player's name, or the side's label when they gave none."""
        return self.name or self.label

    def cell(self) -> str:
        """'Ann (Red)', 'Ann (Red) · left', '(not joined)'."""
        if self.status == "away" and not self.name:
            return "(not joined)"
        text = self.name or "(no name)"
        if self.team:
            text += f" ({self.team})"
        if self.foreign:
            text += f" as {self.label}"
        return text + (" · left" if self.status == "left" else "")


@attrs.frozen
class RoomLine:
    """One duo room, as the console shows it."""

    code: str
    sides: tuple[Side, ...]
    #: 'Round 2 of 6: The first talks' (or what is known of another story's room)
    round: str
    #: the roles whose move of this round is awaited (none once it is over)
    waiting: tuple[str, ...]
    ending: str | None
    meters: dict[str, int]
    moves: int
    last_at: float
    #: why the room could not be rebuilt ("" when it was)
    problem: str = ""

    @property
    def finished(self) -> bool:
        return self.ending is not None

    def waiting_text(self) -> str:
        """'Bob', 'both sides', or '-' once the game is over."""
        if self.finished or not self.waiting:
            return "-"
        if len(self.waiting) == len(self.sides) and len(self.sides) > 1:
            return "both sides"
        named = {side.role: side.who for side in self.sides}
        return " · ".join(named.get(role, role) for role in self.waiting)


def sides_of(story: Story | None, rooms: Iterable[Room]) -> tuple[str, ...]:
    """The roles a room has: the story's duo sides (else those the rooms seated)."""
    if story is not None and story.duo is not None:
        return story.duo.roles
    seen: list[str] = []
    for room in rooms:
        seen += [seat.role for seat in room.seats if seat.role not in seen]
    return tuple(seen[:2]) or ("side 1", "side 2")


def columns(story: Story | None, rooms: Sequence[Room]) -> tuple[tuple[str, str], ...]:
    """The rooms table's columns: (key, header); a side's header is its role's label."""
    sides = tuple((f"side:{role}", label(story, role)) for role in sides_of(story, rooms))
    return (
        ("room", "Room"),
        *sides,
        ("round", "Round"),
        ("waiting", "Waiting for"),
        ("meters", "Meters"),
        ("ending", "Ending"),
        ("last", "Last move"),
    )


def label(story: Story | None, role: str) -> str:
    if story is not None and role in story.roles:
        return story.roles[role].label
    return role


def _status(seat: Seat | None, now: float) -> str:
    if seat is None:
        return "away"
    return "here" if seat.live(now) else "left"


class Rebuilt:
    """Each room's joint state rebuilt from its moves, kept while no move is added (the
    console looks every second)."""

    def __init__(self) -> None:
        self._states: dict[tuple[str, str, int], DuoState | str] = {}

    def state(self, story: Story, room: Room) -> DuoState | str:
        """The room's state, or why it cannot be rebuilt."""
        key = (room.code, story.id, len(room.moves))
        if key not in self._states:
            try:
                made: DuoState | str = duo.replay(
                    story, [(m.role, m.scene, m.choice) for m in room.moves]
                )
            except MarALagoError as exc:
                made = f"its moves do not fit this story ({exc})"
            self._states = {k: v for k, v in self._states.items() if k[0] != room.code}
            self._states[key] = made
        return self._states[key]


def room_line(
    story: Story | None,
    room: Room,
    games: dict[str, GameRecord],
    now: float,
    rebuilt: Rebuilt | None = None,
    roles: tuple[str, ...] | None = None,
) -> RoomLine:
    """The room as a line; `roles`: the columns' sides (`sides_of`), one cell each."""
    seats = {seat.role: seat for seat in room.seats}
    roles = roles if roles is not None else sides_of(story, [room])
    # a room of another story: its own seats in the columns' places, each named
    foreign = not set(seats) <= set(roles)
    if foreign:
        roles = (*tuple(seats)[: len(roles)], *[""] * (len(roles) - len(seats)))
    sides = []
    reported = []
    for role in roles:
        seat = seats.get(role)
        record = games.get(seat.game_id) if seat is not None and seat.game_id else None
        if record is not None:
            reported.append(record)
        sides.append(
            Side(
                role,
                label(story, role),
                record.name if record is not None else "",
                record.team if record is not None else "",
                _status(seat, now),
                foreign,
            )
        )
    state: DuoState | str = f"it plays the story '{room.story_id}'"
    if story is not None and story.duo is not None and room.story_id == story.id:
        state = (rebuilt or Rebuilt()).state(story, room)
    if isinstance(state, DuoState):
        assert story is not None
        rounds = duo.duo_of(story).rounds
        current = duo.current_round(story, state)
        number = min(state.round, len(rounds) - 1) + 1
        return RoomLine(
            room.code,
            tuple(sides),
            f"{'Ended in round' if state.over else 'Round'} {number} of {len(rounds)}: "
            + current.title,
            duo.waiting_for(story, state),
            state.ending,
            dict(state.meters),
            len(room.moves),
            room.last_at,
        )
    # not rebuilt: what the sides last reported
    newest = max(reported, key=lambda g: g.last_at, default=None)
    ending = next((g.ending for g in reported if g.ending is not None), None)
    return RoomLine(
        room.code,
        tuple(sides),
        "?",
        (),
        ending,
        dict(newest.meters) if newest is not None else {},
        len(room.moves),
        room.last_at,
        problem=state,
    )


def room_lines(
    story: Story | None,
    rooms: Sequence[Room],
    games: Sequence[GameRecord],
    now: float | None = None,
    rebuilt: Rebuilt | None = None,
) -> list[RoomLine]:
    """Every room of the class, the most recently active first."""
    now = time.time() if now is None else now
    by_id = {game.id: game for game in games}
    roles = sides_of(story, rooms)
    return [room_line(story, room, by_id, now, rebuilt, roles) for room in rooms]


def cells(story: Story | None, line: RoomLine, now: float) -> tuple[str, ...]:
    """The line's cells, in `columns` order."""
    round_text = line.round if not line.problem else f"? ({line.problem})"
    return (
        line.code,
        *(side.cell() for side in line.sides),
        round_text,
        line.waiting_text(),
        short_meters(story, line.meters),
        ending_title(story, line.ending),
        ago(now - line.last_at),
    )


def one_player(games: Sequence[GameRecord], rooms: Sequence[Room]) -> list[GameRecord]:
    """The games that are not a side of one of the rooms (those show as the room)."""
    codes = {room.code for room in rooms}
    return [game for game in games if not game.room or game.room not in codes]


def ending_count(story: Story | None, lines: Sequence[RoomLine]) -> str:
    """'Draw 1 · 2 playing' over the rooms ("" for none)."""
    return ending_tally(story, [line.ending for line in lines])


def status_text(lines: Sequence[RoomLine]) -> str:
    """'2 duo room(s): 1 playing, 1 finished' ("" for none)."""
    if not lines:
        return ""
    finished = sum(1 for line in lines if line.finished)
    return f"{len(lines)} duo room(s): {len(lines) - finished} playing, {finished} finished"


def not_reached(lines: Sequence[RoomLine], what: str) -> str:
    """What a message to the class leaves out: 'Duo rooms do not take news: room R1
    (playing) does not get it.' ("" when no room is playing)."""
    playing = [line.code for line in lines if not line.finished]
    if not playing:
        return ""
    rooms = ", ".join(playing)
    if what == "news":
        return (
            f"Duo rooms do not take news: {len(playing)} duo room(s) playing ({rooms}) "
            "do not get it."
        )
    return (
        f"Duo rooms have no time limit: {len(playing)} duo room(s) playing ({rooms}) play "
        "on to their ending."
    )
