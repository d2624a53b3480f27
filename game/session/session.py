"""One game in progress, as every front end drives it.

A `GameSession` holds the story, the current `GameState` and where the game is saved.
The terminal app, line mode and (through them) the web server all call the same
methods: `start`, `choose`, `undo`, `save_as`, `load`, `refit`. Each move that changes
the game writes the autosave slot; what went wrong comes back as a value (or a
`SaveError`/`GameError`) for the front end to show in its own way.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from game.core import engine
from game.core.engine import GameState, Start
from game.core.model import Story
from game.persist import saves
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
        autosave_slot: str = saves.AUTOSAVE,
        private: bool = False,
    ) -> None:
        self.story = story
        self.saves_dir = saves_dir
        self.autosave_slot = autosave_slot
        #: why autosave is off for this session ("" when it is on)
        self.autosave_off = ""
        try:
            saves.check_slot_name(autosave_slot)
        except saves.SaveError as exc:
            self.autosave_off = str(exc)
        #: a private session (one browser tab) sees only its own slots; None: every slot
        self.own_slots: set[str] | None = {autosave_slot} if private else None
        self.state: GameState | None = None
        #: the state this session began or resumed at
        self.started: GameState | None = None
        #: the state last written to the autosave slot, so "saved" is said only when true
        self.saved: GameState | None = None
        #: the message of the last autosave failure ("" after a good write)
        self.autosave_error = ""

    # -- beginning ---------------------------------------------------------------------

    def start(self, role: str, start: Start | None = None) -> GameState:
        """A new game at the role's start (or `start`); raises `engine.GameError`."""
        return self.resume(engine.new_game(self.story, role, start))

    def resume(self, state: GameState) -> GameState:
        """Carry on from `state` (a loaded save, or a start built elsewhere)."""
        self.state = self.started = state
        return state

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
        """A private session's named saves carry its autosave slot as a prefix, so that
        players sharing one folder never overwrite each other's saves."""
        return name if self.own_slots is None else f"{self.autosave_slot}-{name}"

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
        """Resume the save at `path`; raises `SaveError` and keeps the game as it was."""
        loaded = saves.load(self.story, path)
        if loaded.duo is not None:
            mark = loaded.save.duo
            where = f"room '{mark.room}'" if mark is not None and mark.room else "one screen"
            raise saves.SaveError(
                f"{path.stem}: a duo summit's game ({where}); resume it as a duo game"
            )
        self.resume(loaded.state)
        return loaded

    def transcript_path(self, fmt: str = "md") -> Path:
        """Where this game's transcript goes: beside its save."""
        return self.saves_dir / f"{self.autosave_slot}-transcript.{fmt}"

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
