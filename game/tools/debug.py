"""What `play --debug` shows an author: exact meter values, the flags that are set, the
scene's id and where it is written (file:line), the visits of each scene and the seed
of the random routes. Line mode prints `debug_lines` under each scene; the terminal app
shows `debug_facts` in a panel."""

from __future__ import annotations

import attrs

from game.core.engine import GameState
from game.core.model import Story


@attrs.frozen
class DebugFacts:
    """A game's state as an author reads it, each part already in words."""

    #: "scene 'lamp'" or "ending 'saved'" ("" when the state is at neither)
    place: str
    #: where the scene or ending is written: (file, line); ("", 0) when not known
    where: tuple[str, int]
    #: each meter's exact value and range: "storm=2 (0..5)"
    meters: tuple[str, ...]
    #: the flags that are set, sorted (not the duo's choice flags)
    flags: tuple[str, ...]
    #: how many times each scene was entered, in the order first entered: "lamp 2"
    visits: tuple[str, ...]
    #: "seed 1234, 2 draws" for a game with random routes ("" for one without)
    seed: str


def debug_facts(story: Story, state: GameState) -> DebugFacts:
    place, where = "", ("", 0)
    if state.scene is not None and state.scene in story.scenes:
        scene = story.scenes[state.scene]
        place, where = f"scene '{scene.id}'", (str(scene.file), scene.line)
    elif state.ending is not None and state.ending in story.endings:
        ending = story.endings[state.ending]
        place, where = f"ending '{ending.id}'", (str(ending.file), ending.line)
    meters = tuple(
        f"{m.id}={state.meters[m.id]} ({m.min}..{m.max})"
        for m in story.meters.values()
        if m.id in state.meters
    )
    flags = tuple(sorted(f for f in state.flags if "/" not in f))
    visits = tuple(f"{scene} {count}" for scene, count in state.visits.items())
    seed = ""
    if story.random_routes or state.seed or state.draws:
        draws = "1 draw" if state.draws == 1 else f"{state.draws} draws"
        seed = f"seed {state.seed}, {draws}"
    return DebugFacts(place, where, meters, flags, visits, seed)


def debug_lines(story: Story, state: GameState) -> list[str]:
    """A few short lines: where the game is, its meters, its flags (then the visits,
    and the seed of a game with random routes)."""
    facts = debug_facts(story, state)
    lines = []
    if facts.place:
        file, line = facts.where
        lines.append(f"{facts.place} at {file}:{line}")
    lines.append(f"meters: {', '.join(facts.meters) or 'none'}")
    lines.append(f"flags: {', '.join(facts.flags) if facts.flags else 'none set'}")
    if facts.visits:
        lines.append(f"visits: {', '.join(facts.visits)}")
    if facts.seed:
        lines.append(facts.seed)
    return lines
