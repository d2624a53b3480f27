"""What `play --debug` shows an author under each scene: exact meter values, the flags
that are set, the scene's id and where it is written (file:line)."""

from __future__ import annotations

from game.core.engine import GameState
from game.core.model import Story


def debug_lines(story: Story, state: GameState) -> list[str]:
    """Two or three short lines: where the game is, its meters, its flags."""
    lines = []
    if state.scene is not None:
        scene = story.scenes[state.scene]
        lines.append(f"scene '{scene.id}' at {scene.file}:{scene.line}")
    elif state.ending is not None:
        ending = story.endings[state.ending]
        lines.append(f"ending '{ending.id}' at {ending.file}:{ending.line}")
    meters = ", ".join(
        f"{m.id}={state.meters[m.id]} ({m.min}..{m.max})" for m in story.meters.values()
    )
    lines.append(f"meters: {meters or 'none'}")
    flags = sorted(f for f in state.flags if "/" not in f)  # not the duo's choice flags
    lines.append(f"flags: {', '.join(flags) if flags else 'none set'}")
    return lines
