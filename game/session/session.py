"""One game in progress, as every front end drives it.

A `GameSession` holds the story, the current `GameState` and where the game is saved.
The terminal app, line mode and (through them) the web server all call the same
methods: `start`, `choose`, `undo`, `save_as`, `load`, `refit`. Each move that changes
the game writes the autosave slot; what went wrong comes back as a value (or a
`SaveError`/`GameError`) for the front end to show in its own way.

Each game autosaves to a slot of its own (`slots.autosave_slot_name`: story, role, start
time), so a new game never replaces another; a game resumed from an autosave goes on in
that slot. A session given a fixed `autosave_slot` writes every game there, as before;
a private session (one browser tab) starts in its given slot and gives later games
`<slot>_2`, `<slot>_3`, ...
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import attrs

from game.core import engine
from game.core.engine import GameState, Start
from game.core.model import Inject, Story
from game.persist import files, saves
from game.persist.classstore import Clock
from game.session import slots as slot_names
from game.session.classlink import ClassLink, game_record, new_code, new_game_id, take_news
from game.session.refit import refit

__all__ = ["GameSession", "Moved", "Paused", "Refitted"]


class Paused(engine.GameError):
    """The teacher has paused every game of the class for now."""


@attrs.frozen
class Moved:
    """What a move did: the new state, and the autosave's failure (None when saved)."""

    state: GameState
    autosave_error: saves.SaveError | None = None
    #: True when this failure differs from the one before (front ends may say it once)
    new_error: bool = False
    #: news the teacher sent that reached the game with this move (a news flash each)
    news: tuple[Inject, ...] = ()
    #: the state right after the move, before the news (None: no news came)
    before_news: GameState | None = None
    #: the class clock's time was up: this move ended the game
    closed: bool = False
    #: the class store is out of reach (said once: "" every other time)
    store_warning: str = ""


@attrs.frozen
class Refitted:
    """A game replayed on an edited story: `kept` of `total` choices still fit."""

    state: GameState
    kept: int
    total: int


def _save_in(path: Path) -> saves.SaveFile | None:
    """The save a slot's file holds, if it is one this game reads."""
    try:
        return saves.read(path) if path.is_file() else None
    except (saves.SaveError, OSError):
        return None


class GameSession:
    """A game in progress: its story, state, undo, autosave, named slots and transcript."""

    def __init__(
        self,
        story: Story,
        saves_dir: Path,
        *,
        autosave_slot: str | None = None,
        private: bool = False,
        player: saves.Player | None = None,
        room: str = "",
        in_class: bool = True,
    ) -> None:
        """`autosave_slot`: None gives each game a slot of its own; a name is the one slot
        every game of this session writes (or, when `private`, the first game's)."""
        self.story = story
        self.saves_dir = saves_dir
        #: who plays (the name and team given when the game began)
        self.player = player or saves.Player()
        #: the duo room this game plays in ("" for none)
        self.room = room
        #: the class store of the saves folder (None: this session plays alone)
        self.link = ClassLink(saves_dir, bool(self.player.name)) if in_class else None
        #: the game in progress: its own id, rejoin code, undone choices, ...
        self.game: saves.GameInfo | None = None
        #: slots looked at before this session first wrote them (never over another game)
        self._checked_slots: set[str] = set()
        #: the slot every game writes (None: each game its own)
        self.fixed_slot = None if private else autosave_slot
        #: a private session's own slot: the prefix of its named saves and later games
        self.base_slot = autosave_slot
        #: the slot the game in progress autosaves to (named when a game begins)
        self.autosave_slot = autosave_slot or slot_names.AUTOSAVE
        #: why autosave is off for this session ("" when it is on)
        self.autosave_off = ""
        if autosave_slot is not None:
            try:
                saves.check_slot_name(autosave_slot)
            except saves.SaveError as exc:
                self.autosave_off = str(exc)
        #: slots this session's games have autosaved to
        self._game_slots: list[str] = []
        #: a private session (one browser tab) sees only its own slots; None: every slot
        self.own_slots: set[str] | None = (
            {autosave_slot} if private and autosave_slot is not None else None
        )
        self.state: GameState | None = None
        #: the state this session began or resumed at
        self.started: GameState | None = None
        #: the state last written to the autosave slot, so "saved" is said only when true
        self.saved: GameState | None = None
        #: the message of the last autosave failure ("" after a good write)
        self.autosave_error = ""

    # -- beginning ---------------------------------------------------------------------

    def start(self, role: str, start: Start | None = None) -> GameState:
        """A new game at the role's start (or `start`); raises `engine.GameError`. It
        autosaves to a slot of its own (unless the session has a fixed slot)."""
        # a story with random routes draws them from a seed of its own per game (the
        # save keeps it); any other story plays as it always has
        seed = secrets.randbelow(2**31) if engine.has_random(self.story) else 0
        return self.resume(engine.new_game(self.story, role, start, seed))

    def set_player(self, player: saves.Player) -> None:
        """Who plays from now on (a served game asks first); a private session then sees
        the games of that name too, so a refreshed tab can carry on its game."""
        self.player = player
        if self.link is not None and player.name:
            self.link.create = True
        if self.own_slots is not None and player.name:
            self.own_slots.update(info.name for info in self.games_of(player.name))

    def resume(
        self, state: GameState, slot: str | None = None, game: saves.GameInfo | None = None
    ) -> GameState:
        """Carry on from `state` (a loaded save, or a start built elsewhere). `slot`: the
        autosave it was loaded from, which it goes on writing; otherwise the game gets a
        new slot of its own (a named save is never written by autosave). `game`: what
        the save knew of its game (its id, player, ...): the same game goes on in its own
        slot; resumed in another, it is a branch (a game of its own)."""
        self.state = self.started = state
        self.saved = None
        self.autosave_slot = self._slot_for(state, slot)
        self.game = self._game_info(game, slot)
        self._report()
        return state

    def _game_info(self, game: saves.GameInfo | None, slot: str | None) -> saves.GameInfo:
        """The game that goes on: the save's own (in its own autosave slot), a branch of it
        (resumed in another slot), or a new game."""
        if game is not None and game.id:
            if slot is not None and slot == self.autosave_slot:
                return attrs.evolve(game, autosave=self.autosave_slot)
            return self._new_game_info(branch_of=game)
        return self._new_game_info()

    def _new_game_info(self, branch_of: saves.GameInfo | None = None) -> saves.GameInfo:
        link = self.link
        info = saves.GameInfo(
            id=new_game_id(),
            player=self.player,
            code=new_code(link.codes() if link is not None else set()),
            room=self.room,
            started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            autosave=self.autosave_slot,
            news_seq=link.latest_news(self.room) if link is not None else 0,
        )
        if branch_of is not None:
            info = attrs.evolve(
                info,
                player=branch_of.player if branch_of.player.name else self.player,
                branch_of=branch_of.id,
                undone=list(branch_of.undone),
                news_seq=max(info.news_seq, branch_of.news_seq),
            )
        return info

    @property
    def code(self) -> str:
        """The short code this game is rejoined by ("" with no game)."""
        return self.game.code if self.game is not None else ""

    def _slot_for(self, state: GameState, slot: str | None) -> str:
        """The autosave slot of a game begun or resumed at `state`."""
        if self.fixed_slot is not None:
            return self.fixed_slot
        if slot is not None and (
            slot_names.is_autosave_slot(slot)
            or (self.own_slots is not None and slot == self.base_slot)
            or slot in self._game_slots
        ):
            return slot
        name = self.player.name or None
        if self.own_slots is not None and self.base_slot is not None and name is None:
            # a private session's first game has its own slot; later ones `<slot>_2`, ...
            chosen = slot_names.free_slot(self.saves_dir, self.base_slot, self._game_slots)
            self.own_slots.add(chosen)
        else:
            wanted = slot_names.autosave_slot_name(
                self.story.id, state.role, dt.datetime.now(), name
            )
            chosen = slot_names.free_slot(self.saves_dir, wanted, self._game_slots)
            if self.own_slots is not None:
                self.own_slots.add(chosen)
        self._game_slots.append(chosen)
        return chosen

    def leave(self) -> None:
        """Back to no game (the title screen); the saves stay as they are."""
        self.state = None

    # -- moves -------------------------------------------------------------------------

    def choose(self, choice_id: str) -> Moved:
        """Make a choice and autosave; raises `engine.GameError` for a move not allowed."""
        if self.state is None:
            raise engine.GameError("no game in progress")
        clock = self.clock()
        if clock.paused:
            raise Paused("The teacher has paused the game: wait for them to resume it.")
        state = engine.choose(self.story, self.state, choice_id)
        closed = clock.expired and not state.over
        if closed:  # time is up: this was the final choice
            state = engine.close(self.story, state)
        return self._moved(state, closed=closed)

    def clock(self) -> Clock:
        """The class clock (paused? time left?); a game out of class has none."""
        return self.link.clock() if self.link is not None else Clock()

    def can_undo(self) -> bool:
        return self.state is not None and bool(self.state.history)

    def undo(self) -> Moved | None:
        """Back before the last choice (None when there is nothing to undo)."""
        if self.state is None or not self.state.history:
            return None
        before = self.state
        scene_id, choice_id = before.history[-1]
        undone = saves.Undone(len(before.history), scene_id, choice_id)
        if before.over and self.game is not None:
            # a finished game's save is never changed: play on as a new game, a branch
            ended = self.game
            self.autosave_slot = self._slot_for(before, None)
            self.game = self._new_game_info(branch_of=ended)
        if self.game is not None:
            self.game = attrs.evolve(self.game, undone=[*self.game.undone, undone])
        return self._moved(engine.undo(self.story, before), news=False)

    def _moved(self, state: GameState, *, closed: bool = False, news: bool = True) -> Moved:
        reached: tuple[Inject, ...] = ()
        moved = state
        if news and self.link is not None and self.game is not None and not state.over:
            sent = self.link.news(self.room, self.game.news_seq)
            if sent:
                state, reached = take_news(self.story, state, sent)
                self.game = attrs.evolve(self.game, news_seq=sent[-1].seq)
        self.state = state
        error = self.autosave()
        new = error is not None and str(error) != self._last_error
        self._last_error = "" if error is None else str(error)
        if new and self.link is not None and self.game is not None:
            self.link.event("autosave", self.game.id, f"{self.player.name or '?'}: {error}")
        self._report()
        warning = self.link.warning() if self.link is not None else ""
        return Moved(
            state,
            error,
            new,
            news=reached,
            before_news=moved if reached else None,
            closed=closed,
            store_warning=warning,
        )

    def _report(self) -> None:
        """Tell the class store where the game stands (quietly: the game goes on)."""
        if self.link is not None and self.game is not None and self.state is not None:
            self.link.report(game_record(self.story, self.state, self.game, self.autosave_slot))

    _last_error = ""

    # -- saving ------------------------------------------------------------------------

    def autosave(self) -> saves.SaveError | None:
        """Write the state to the autosave slot; the error when that failed."""
        if self.state is None or self.autosave_off:
            return None
        try:
            self._keep_other_games()
            saves.write(self.saves_dir, self.autosave_slot, self.story, self.state, self.game)
        except saves.SaveError as exc:
            self.autosave_error = str(exc)
            return exc
        self.saved = self.state
        self.autosave_error = ""
        return None

    def _keep_other_games(self) -> None:
        """Never write over another game: before its first write to a slot, a game whose
        slot holds another game's save (or a finished one) takes a slot of its own."""
        slot, state = self.autosave_slot, self.state
        if slot in self._checked_slots or state is None:
            return
        other = _save_in(self.saves_dir / f"{slot}.json")
        mine = self.game.id if self.game is not None else ""
        theirs = other.game.id if other is not None and other.game is not None else ""
        taken = other is not None and (other.summary.ending is not None or theirs != mine)
        if taken and not (self.fixed_slot is not None and theirs == ""):
            # (a fixed slot holding a save of an older version goes on as before)
            self.fixed_slot = None
            self.autosave_slot = self._slot_for(state, None)
            if self.game is not None:
                self.game = attrs.evolve(self.game, autosave=self.autosave_slot)
        self._checked_slots.add(self.autosave_slot)

    def is_saved(self) -> bool:
        """True when the state on screen is the one in the autosave slot."""
        return self.state is not None and self.saved is not None and self.saved == self.state

    def has_news(self) -> bool:
        """True when the game moved since it began or resumed (something to save)."""
        return self.state is not None and bool(self.state.history) and self.state != self.started

    def slot_name(self, name: str) -> str:
        """A private session's named saves carry its own slot (its first game's) as a
        prefix, so that players sharing one folder never overwrite each other's saves."""
        return name if self.own_slots is None else f"{self.base_slot}-{name}"

    def own_slot_names(self) -> list[str]:
        """The names this session's slots go by, as the player gave them (prefix off)."""
        prefix = self.slot_name("")
        return [info.name[len(prefix) :] for info in self.slots() if info.name.startswith(prefix)]

    def save_as(self, name: str) -> Path:
        """Save the game to a named slot; raises `SaveError` (bad name, disk trouble, a
        slot that holds a finished game: that save is never changed again)."""
        if self.state is None:
            raise saves.SaveError("there is no game to save yet")
        slot = saves.check_slot_name(self.slot_name(saves.check_slot_name(name)))
        there = _save_in(self.saves_dir / f"{slot}.json")
        if there is not None and there.summary.ending is not None:
            raise saves.SaveError(
                f"slot '{name}' holds a finished game, kept as it is: choose another name"
            )
        path = saves.write(self.saves_dir, slot, self.story, self.state, self.game)
        if self.own_slots is not None:
            self.own_slots.add(slot)
        return path

    def slots(self) -> list[saves.SlotInfo]:
        return saves.slots(self.saves_dir, self.own_slots)

    def newest(self) -> saves.SlotInfo | None:
        """The save Continue resumes: the newest readable one of this story."""
        return saves.newest(self.saves_dir, self.story, self.own_slots)

    def load(self, path: Path) -> saves.Loaded:
        """Resume the save at `path`; raises `SaveError` and keeps the game as it was.
        A game loaded from an autosave goes on in it; from a named save, in a new slot."""
        loaded = saves.load(self.story, path)
        if loaded.duo is not None:
            mark = loaded.save.duo
            where = f"room '{mark.room}'" if mark is not None and mark.room else "one screen"
            raise saves.SaveError(
                f"{path.stem}: a duo summit's game ({where}); resume it as a duo game"
            )
        self.resume(loaded.state, self.slot_of(path), loaded.save.game)
        return loaded

    def games_of(self, name: str, code: str = "") -> list[saves.SlotInfo]:
        """The saves of this story whose game a player of this name began (or, with a
        `code`, the game of that rejoin code), newest first: how a tab rejoins a game."""
        wanted, found = name.casefold(), []
        for info in saves.slots(self.saves_dir):
            game = info.save.game if info.save is not None else None
            if game is None or info.save is None or info.save.story.id != self.story.id:
                continue
            if (code and game.code == code) or (
                not code and name and game.player.name.casefold() == wanted
            ):
                found.append(info)
        return found

    def rejoin(self, path: Path) -> saves.Loaded:
        """Carry on the game saved at `path` (found by name or code) in its own slot."""
        slot = self.slot_of(path)
        if slot is not None:
            self._game_slots.append(slot)
            if self.own_slots is not None:
                self.own_slots.add(slot)
        return self.load(path)

    def slot_of(self, path: Path) -> str | None:
        """The slot a save file is, when it lies in this session's saves folder."""
        try:
            in_folder = path.parent.resolve() == self.saves_dir.resolve()
        except OSError:
            return None
        return path.stem if in_folder else None

    def transcript_path(self, fmt: str = "md") -> Path:
        """Where this game's transcript goes: beside its save, under a name no file has
        yet (`<slot>-transcript.md`, then `<slot>-transcript-2.md`, ...)."""
        stem = f"{self.autosave_slot}-transcript"
        path, number = self.saves_dir / f"{stem}.{fmt}", 1
        while files.exists(path):  # (a path that cannot be looked at counts as free)
            number += 1
            path = self.saves_dir / f"{stem}-{number}.{fmt}"
        return path

    # -- the story changed (watch mode) ---------------------------------------------------

    def refit(self, story: Story) -> Refitted | None:
        """Play on with an edited `story`, keeping the choices that still fit. None (and
        no game) when not even its start fits; the story is taken either way."""
        self.story = story
        state = self.state
        if state is None:
            return None
        fitted = refit(story, state)
        if fitted is None:
            self.leave()
            return None
        new_state, kept = fitted
        self.state = new_state
        return Refitted(new_state, kept, len(state.history))
