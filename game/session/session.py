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
from pathlib import Path

import attrs

from game.core import engine
from game.core.engine import GameState, Start
from game.core.model import Story
from game.persist import files, saves
from game.session import slots as slot_names
from game.session.refit import refit

__all__ = ["GameSession", "Moved", "Refitted"]


@attrs.frozen
class Moved:
    """What a move did: the new state, and the autosave's failure (None when saved)."""

    state: GameState
    autosave_error: saves.SaveError | None = None
    #: True when this failure differs from the one before (front ends may say it once)
    new_error: bool = False


@attrs.frozen
class Refitted:
    """A game replayed on an edited story: `kept` of `total` choices still fit."""

    state: GameState
    kept: int
    total: int


class GameSession:
    """A game in progress: its story, state, undo, autosave, named slots and transcript."""

    def __init__(
        self,
        story: Story,
        saves_dir: Path,
        *,
        autosave_slot: str | None = None,
        private: bool = False,
    ) -> None:
        """`autosave_slot`: None gives each game a slot of its own; a name is the one slot
        every game of this session writes (or, when `private`, the first game's)."""
        self.story = story
        self.saves_dir = saves_dir
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
        return self.resume(engine.new_game(self.story, role, start))

    def resume(self, state: GameState, slot: str | None = None) -> GameState:
        """Carry on from `state` (a loaded save, or a start built elsewhere). `slot`: the
        autosave it was loaded from, which it goes on writing; otherwise the game gets a
        new slot of its own (a named save is never written by autosave)."""
        self.state = self.started = state
        self.saved = None
        self.autosave_slot = self._slot_for(state, slot)
        return state

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
        if self.own_slots is not None and self.base_slot is not None:
            # a private session's first game has its own slot; later ones `<slot>_2`, ...
            chosen = slot_names.free_slot(self.saves_dir, self.base_slot, self._game_slots)
            self.own_slots.add(chosen)
        else:
            wanted = slot_names.autosave_slot_name(self.story.id, state.role, dt.datetime.now())
            chosen = slot_names.free_slot(self.saves_dir, wanted, self._game_slots)
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
        return self._moved(engine.choose(self.story, self.state, choice_id))

    def can_undo(self) -> bool:
        return self.state is not None and bool(self.state.history)

    def undo(self) -> Moved | None:
        """Back before the last choice (None when there is nothing to undo)."""
        if self.state is None or not self.state.history:
            return None
        return self._moved(engine.undo(self.story, self.state))

    def _moved(self, state: GameState) -> Moved:
        self.state = state
        error = self.autosave()
        new = error is not None and str(error) != self._last_error
        self._last_error = "" if error is None else str(error)
        return Moved(state, error, new)

    _last_error = ""

    # -- saving ------------------------------------------------------------------------

    def autosave(self) -> saves.SaveError | None:
        """Write the state to the autosave slot; the error when that failed."""
        if self.state is None or self.autosave_off:
            return None
        try:
            saves.write(self.saves_dir, self.autosave_slot, self.story, self.state)
        except saves.SaveError as exc:
            self.autosave_error = str(exc)
            return exc
        self.saved = self.state
        self.autosave_error = ""
        return None

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
        """Save the game to a named slot; raises `SaveError` (bad name, disk trouble)."""
        if self.state is None:
            raise saves.SaveError("there is no game to save yet")
        slot = saves.check_slot_name(self.slot_name(saves.check_slot_name(name)))
        path = saves.write(self.saves_dir, slot, self.story, self.state)
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
        self.resume(loaded.state, self.slot_of(path))
        return loaded

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
