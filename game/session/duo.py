"""A duo summit in progress, as every front end drives it.

Two ways to play one (`game.core.duo` has the rules):

- `DuoSession.local`: both sides at one screen (hot-seat). The session moves for
  either side; the front end hides one side's options while the other chooses.
- `DuoSession.join`: one side, in a room that two processes share through the class
  store (`game.persist.classstore`, one SQLite file in the saves folder). The room
  holds the append-only list of both sides' moves: each process appends its own
  side's moves and replays the other's, so either process may die and its side
  rejoin the room (same role, same room) to carry on from the moves in the store.
  A seat is held by one process (a heartbeat every `HEARTBEAT` seconds keeps it); a
  second holder of a taken role, or a third player, is refused with a message.
  Each side reports its player (name, team) and progress to the store's `games`, so
  the teacher's console shows the room; the teacher's pause holds a room's moves too.
  A room takes no news and no time limit (the teacher is told so).

Either way the game is autosaved after each change as a duo save: the list of both
sides' moves, which replays to the same joint state (`transcript`, `report`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import attrs

from game.core import duo
from game.core.duo import DuoState
from game.core.engine import GameError, Option
from game.core.errors import MarALagoError
from game.core.model import Story
from game.persist import duosaves, saves
from game.persist.classstore import (
    ClassStore,
    GameRecord,
    Seat,
    StoreError,
    holder_token,
)
from game.session.session import Paused

__all__ = [
    "HOTSEAT_SLOT",
    "DuoError",
    "DuoSession",
    "Partner",
    "Polled",
    "check_room_name",
    "new_room_code",
]

#: a room's name: letters, digits, '-' and '_' (it names the room's save slots too); the
#: case of its letters does not count
ROOM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,31}\Z")
#: room codes are read aloud and typed: no 0/O, 1/I/L
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5
#: seconds between two heartbeats of a seat (the store frees a seat silent for 15 s)
HEARTBEAT = 2.0
#: the hot-seat game's autosave slot
HOTSEAT_SLOT = "duo-hotseat"
#: a partner's seat: never taken, held by a live process, or left (or gone silent)
AWAY, HERE, LEFT = "away", "here", "left"


class DuoError(MarALagoError):
    """A room that cannot be joined or shared; the message says why and what to do."""


@attrs.frozen
class Partner:
    """The other side of a room, as this side sees it."""

    role: str
    label: str
    status: str  # AWAY (not come yet), HERE, or LEFT (left the room, or its process died)

    @property
    def here(self) -> bool:
        return self.status == HERE


@attrs.frozen
class Polled:
    """What a look at the room found."""

    state: DuoState
    #: the game moved (the other side moved, or the round resolved)
    changed: bool
    partner: Partner | None
    #: the partner came, left or came back since the last look
    partner_changed: bool


def check_room_name(name: str) -> str:
    if not ROOM_NAME.match(name):
        raise DuoError(
            f"'{name}' is not a room name: use letters, digits, '-' and '_' "
            "(up to 32, starting with a letter or digit)"
        )
    return name


def new_room_code(taken: Callable[[str], bool] | None = None) -> str:
    """A short code to share (e.g. 'K7QMT'), not `taken` (when given)."""
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
        if taken is None or not taken(code):
            return code


def _holder_gone(holder: str) -> bool:
    """True when `holder` names a process of this machine that is no longer running
    (killed, crashed): its seat is free at once, without waiting for it to go silent."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _seat_live(seat: Seat, now: float) -> bool:
    return seat.live(now) and not _holder_gone(seat.holder)


def _player_of(store: ClassStore, game_id: str) -> saves.Player | None:
    """Who played this side of the room before (its name kept for a rejoin)."""
    try:
        record = store.game(game_id)
    except StoreError:
        return None
    return saves.Player(record.name, record.team) if record is not None else None


class DuoSession:
    """A duo game: both sides here (`local`), or one side in a room (`join`)."""

    def __init__(
        self,
        story: Story,
        saves_dir: Path,
        sides: tuple[str, ...],
        *,
        slot: str,
        room: str = "",
        store: ClassStore | None = None,
        holder: str = "",
        state: DuoState | None = None,
        player: saves.Player | None = None,
    ) -> None:
        """Use `local` or `join`."""
        self.story = story
        self.saves_dir = saves_dir
        self.roles = duo.duo_of(story).roles
        #: the sides this session moves for (both at one screen; one in a room)
        self.sides = sides
        self.room = room
        self.store = store
        self.holder = holder
        #: who plays this side (a room's; the teacher's console shows it)
        self.player = player or saves.Player()
        self.slot = slot
        self.state = state if state is not None else duo.new_duo(story)
        #: how many of the room's moves this session has applied
        self.applied = 0
        self.game_id = secrets.token_hex(6)
        self.started_at = time.time()
        #: the last autosave's failure ("" after a good write or none yet)
        self.autosave_error = ""
        self.autosave_off = ""
        try:
            saves.check_slot_name(slot)
        except saves.SaveError as exc:
            self.autosave_off = str(exc)
        self._partner: Partner | None = None
        self._beating: threading.Event | None = None
        self._lost = ""

    # -- beginning ---------------------------------------------------------------------

    @classmethod
    def local(
        cls,
        story: Story,
        saves_dir: Path,
        *,
        slot: str = HOTSEAT_SLOT,
        state: DuoState | None = None,
    ) -> DuoSession:
        """Both sides at one screen; `state` resumes a loaded game. `GameError` for a
        story without a duo summit."""
        return cls(story, saves_dir, duo.duo_of(story).roles, slot=slot, state=state)

    @classmethod
    def join(
        cls,
        story: Story,
        saves_dir: Path,
        room: str,
        role: str | None = None,
        *,
        store: ClassStore | None = None,
        holder: str | None = None,
        player: saves.Player | None = None,
    ) -> DuoSession:
        """Take `role` (or the free side) in `room` of the saves folder's class store and
        catch up with the moves already made there. `player`: who plays (a side that
        rejoins without one keeps the name it had). `DuoError` when the room is full,
        the role is taken, or the store cannot be used."""
        room = check_room_name(room).upper()  # a code read aloud: its case does not count
        try:
            roles = duo.duo_of(story).roles
        except GameError as exc:
            raise DuoError(str(exc)) from None
        if role is not None and role not in roles:
            raise DuoError(f"no side '{role}' in the duo summit; the sides are: {', '.join(roles)}")
        try:
            store = store or ClassStore.open(saves_dir)
            seats = {seat.role: seat for seat in store.seats(room)}
        except StoreError as exc:
            raise DuoError(str(exc)) from None
        holder = holder or holder_token()
        now = time.time()

        def free(side: str) -> bool:
            seat = seats.get(side)
            return seat is None or seat.holder == holder or not _seat_live(seat, now)

        label = {r: story.roles[r].label for r in roles}
        if not any(free(r) for r in roles):
            raise DuoError(
                f"room '{room}' is full: {' and '.join(label.values())} are both being "
                "played there. Choose another room (or wait for a side to leave)."
            )
        if role is None:
            role = next(r for r in roles if free(r))
        elif not free(role):
            other = next(r for r in roles if r != role)
            raise DuoError(
                f"{label[role]} is already being played in room '{room}'; "
                f"the free side there is {label[other]}."
            )
        old = seats.get(role)
        if old is not None and old.holder != holder and old.left_at is None:
            with contextlib.suppress(StoreError):  # a dead process's seat: free it
                store.leave_seat(room, role, old.holder)
        game_id = old.game_id if old is not None and old.game_id else secrets.token_hex(6)
        try:
            store.take_seat(room, role, holder, story.id, game_id)
        except StoreError as exc:  # SeatTaken included: someone was quicker
            raise DuoError(f"cannot join room '{room}': {exc}") from None
        session = cls(
            story,
            saves_dir,
            (role,),
            slot=f"duo-{room}-{role}",
            room=room,
            store=store,
            holder=holder,
            player=player if player is not None and player.name else _player_of(store, game_id),
        )
        session.game_id = game_id
        try:
            session.sync()
        except DuoError:
            session.leave()
            raise
        session._record()  # the teacher's console shows who joined, before any move
        session._partner = session.partner()
        session._start_heartbeat()
        return session

    # -- what the front ends read ------------------------------------------------------

    @property
    def role(self) -> str:
        """The side of a room session (the first side of a hot-seat one)."""
        return self.sides[0]

    @property
    def is_local(self) -> bool:
        return self.store is None

    def label(self, role: str) -> str:
        return self.story.roles[role].label

    def other(self, role: str) -> str:
        return next(r for r in self.roles if r != role)

    def options(self, role: str) -> list[Option]:
        return duo.options(self.story, self.state, role)

    def to_move(self) -> tuple[str, ...]:
        """The sides of this session still to move in this round, in roles order."""
        return tuple(r for r in duo.waiting_for(self.story, self.state) if r in self.sides)

    def waiting_for_partner(self) -> bool:
        """True in a room when this side has moved and the other has not yet."""
        return not self.is_local and not self.state.over and not self.to_move()

    # -- moves -------------------------------------------------------------------------

    def move(self, choice_id: str, role: str | None = None) -> DuoState:
        """Make a choice for `role` (a room session: its own side). `GameError` for a
        move the rules do not allow, `DuoError` when the room cannot take it."""
        role = role if role is not None else self.role
        if role not in self.sides:
            raise GameError(f"this game does not play {self.label(role)}")
        if self.paused():
            raise Paused("The teacher has paused the game: wait for them to resume it.")
        if self.store is None:
            self.state = duo.move(self.story, self.state, role, choice_id)
            self.autosave()
            return self.state
        self.sync()
        for _ in range(8):
            scene = self.state.scenes.get(role)
            duo.move(self.story, self.state, role, choice_id)  # allowed? (GameError)
            assert scene is not None
            try:
                self.store.add_move(self.room, role, scene, choice_id, self.applied)
            except StoreError:
                # the other side's move took this number first: read it, try again
                if not self.sync():
                    raise
                continue
            self.sync()
            return self.state
        raise DuoError(f"room '{self.room}': the move could not be recorded; try again")

    def paused(self) -> bool:
        """True while the teacher has paused the class (a room's game; one screen has no
        class clock). A store out of reach pauses nothing."""
        if self.store is None:
            return False
        try:
            return self.store.clock().paused
        except StoreError:
            return False

    def sync(self) -> bool:
        """Apply the room's moves made since the last look; True when the game moved."""
        if self.store is None:
            return False
        try:
            moves = self.store.moves(self.room)
        except StoreError as exc:
            raise DuoError(str(exc)) from None
        if len(moves) <= self.applied:
            return False
        for item in moves[self.applied :]:
            if self.state.scenes.get(item.role) != item.scene:
                raise DuoError(
                    f"room '{self.room}': move {item.seq + 1} was made at scene "
                    f"'{item.scene}', which this game's story does not lead to; "
                    "both sides must play the same story and version"
                )
            try:
                self.state = duo.move(self.story, self.state, item.role, item.choice)
            except GameError as exc:
                raise DuoError(
                    f"room '{self.room}': move {item.seq + 1} does not fit this story ({exc}); "
                    "both sides must play the same story and version"
                ) from None
            self.applied += 1
        self.autosave()
        return True

    def poll(self) -> Polled:
        """Look at the room: new moves, and the partner coming or going. A local session
        has nothing to look at."""
        if self.store is None:
            return Polled(self.state, False, None, False)
        if self._lost:
            raise DuoError(self._lost)
        changed = self.sync()
        partner = self.partner()
        partner_changed = partner != self._partner
        self._partner = partner
        return Polled(self.state, changed, partner, partner_changed)

    def partner(self) -> Partner | None:
        """The other side of the room (None at one screen)."""
        if self.store is None:
            return None
        other = self.other(self.role)
        try:
            seats = {seat.role: seat for seat in self.store.seats(self.room)}
        except StoreError as exc:
            raise DuoError(str(exc)) from None
        seat = seats.get(other)
        if seat is None:
            status = AWAY
        elif _seat_live(seat, time.time()):
            status = HERE
        else:
            status = LEFT
        return Partner(other, self.label(other), status)

    # -- the seat ----------------------------------------------------------------------

    def _start_heartbeat(self) -> None:
        """Keep the seat while the player thinks (a line mode blocked on input too)."""
        stop = threading.Event()
        self._beating = stop
        store, room, role, holder = self.store, self.room, self.role, self.holder
        assert store is not None

        def beat() -> None:
            while not stop.wait(HEARTBEAT):
                try:
                    if not store.heartbeat(room, role, holder):
                        self._lost = (
                            f"your seat in room '{room}' was taken by another player while "
                            "this game was silent; the game is kept in the room"
                        )
                        return
                except StoreError:
                    continue  # a busy or briefly unreadable store: beat again later

        threading.Thread(target=beat, name=f"duo-heartbeat-{room}", daemon=True).start()

    def leave(self) -> None:
        """Give up the seat (the game stays in the room, to rejoin)."""
        if self._beating is not None:
            self._beating.set()
            self._beating = None
        if self.store is not None:
            with contextlib.suppress(StoreError):
                self.store.leave_seat(self.room, self.role, self.holder)

    # -- saving ------------------------------------------------------------------------

    def autosave(self) -> saves.SaveError | None:
        """Write the game to its slot (and its progress to the class store)."""
        if self.autosave_off:
            return None
        side = "" if self.is_local else self.role
        try:
            duosaves.write_duo(
                self.saves_dir, self.slot, self.story, self.state, side=side, room=self.room
            )
        except saves.SaveError as exc:
            self.autosave_error = str(exc)
            return exc
        self.autosave_error = ""
        if self.store is not None:
            self._record()
        return None

    def _record(self) -> None:
        """The game's progress for the teacher's console (best effort)."""
        assert self.store is not None
        state = self.state
        with contextlib.suppress(StoreError):
            self.store.put_game(
                GameRecord(
                    id=self.game_id,
                    story_id=self.story.id,
                    role=self.role,
                    started_at=self.started_at,
                    last_at=time.time(),
                    name=self.player.name,
                    team=self.player.team,
                    room=self.room,
                    slot=self.slot,
                    scene=state.scenes.get(self.role),
                    ending=state.ending,
                    steps=sum(1 for m in state.moves if m.role == self.role),
                    meters=dict(state.meters),
                    status="finished" if state.over else "playing",
                )
            )

    def save_path(self) -> Path:
        return self.saves_dir / f"{self.slot}.json"

    def transcript_path(self, fmt: str = "md") -> Path:
        return self.saves_dir / f"{self.slot}-transcript.{fmt}"
