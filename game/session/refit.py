"""A game replayed on an edited story: the longest prefix of its choices that fits."""

from __future__ import annotations

from game.core import engine
from game.core.engine import GameState
from game.core.model import Story


def refit(story: Story, state: GameState) -> tuple[GameState, int] | None:
    """`state` rebuilt on an edited story: the longest prefix of its choices that still
    replays, and how many choices that kept. None when not even the start fits."""

    if state.role not in story.roles:
        return None
    for kept in range(len(state.history), -1, -1):
        try:
            return engine.replay(story, state.role, state.history[:kept], state.origin), kept
        except engine.ReplayError:
            continue
    return None
