"""Duo saves: a duo summit's game in a save file, as a one-player game's is.

A duo save is still a list of choices: both sides' moves, in the order made, each
with its side (`saves.DuoMark.sides`), plus the room and the side the save's player
played. Loading replays the moves through `game.core.duo`, so the save can never
disagree with the story; `saves.load` and `saves.restore` read duo saves too and give
the joint state (`Loaded.duo`) and the view of the save's side (`Loaded.state`),
replayed by `game.core.duo.replay_save`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from game.core import duo
from game.core.duo import DuoState
from game.core.model import Story
from game.persist import saves
from game.persist.saves import DuoMark, GameInfo, Loaded, SaveFile, StoryStamp, Summary


def make_duo_save(
    story: Story,
    state: DuoState,
    *,
    side: str = "",
    room: str = "",
    game: GameInfo | None = None,
) -> SaveFile:
    """The save of a duo game, for `side` ("" : both sides, at one screen)."""
    roles = duo.duo_of(story).roles
    role = side or roles[0]
    return saves.seal(
        SaveFile(
            format=saves.SAVE_FORMAT,
            story=StoryStamp(story.id, story.version, story.digest),
            role=role,
            choices=[(m.scene, m.choice) for m in state.moves],
            saved_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            summary=Summary(
                state.scenes.get(role), state.ending, dict(state.meters), len(state.moves)
            ),
            game=game,
            duo=DuoMark(sides=[m.role for m in state.moves], room=room, side=side),
        )
    )


def write_duo(
    saves_dir: Path,
    slot: str,
    story: Story,
    state: DuoState,
    *,
    side: str = "",
    room: str = "",
    game: GameInfo | None = None,
) -> Path:
    """Save a duo game to `slot` atomically; raises `SaveError`."""
    save = make_duo_save(story, state, side=side, room=room, game=game)
    return saves.write_save(saves_dir, slot, save)


def sides_of(story: Story, loaded: Loaded) -> list[str]:
    """The sides a loaded duo save speaks for: its player's, or both (one screen)."""
    if loaded.duo is None or loaded.save.duo is None:
        return [loaded.state.role]
    if loaded.save.duo.side:
        return [loaded.save.duo.side]
    return list(duo.duo_of(story).roles)
