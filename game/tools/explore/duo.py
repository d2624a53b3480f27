"""What authors ask of a duo summit: every joint state searched.

A joint state is both sides' scenes, the shared meters and the flags some condition
tests (a flag nothing tests changes no outcome, so states that differ only in one are
one state). From each, every pair of open choices (one per side) is tried through the
rules of `game.core.duo` themselves, so the search cannot drift from play. Rounds only
move forward (a duo scene's goto names a scene of the next round), so the search is
breadth-first round by round and the first way found to any state or ending is a
shortest one.

It reports each ending's shortest pair of move lists (or that no pair of strategies
reaches it), the duo scenes each side never reaches, the choices never open, and the
dead ends: joint states where one side (or both) has nothing open at its new scene,
which end the game by rank.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping
from typing import Any

import attrs

from game.core import duo, engine
from game.core.duo import DuoMove, DuoState
from game.core.model import Condition, Story

Step = tuple[str, str]  # (scene id, choice id)
#: each side's moves, in side order
Pair = tuple[tuple[Step, ...], ...]
Key = tuple[tuple[str | None, ...], tuple[int, ...], frozenset[str]]

#: the search stops after this many joint states unless told otherwise
MAX_STATES = 500_000


@attrs.frozen
class DuoDeadEnd:
    """Scenes where a side has nothing open: the game ends there by rank."""

    scenes: tuple[str | None, ...]  # each side's scene, in side order
    stuck: tuple[str, ...]  # the sides with nothing open
    states: int  # distinct joint states that come to it so
    ending: str  # where the first of them ends
    moves: Pair  # the shortest way there

    @property
    def one_sided(self) -> bool:
        """One side can move and the other cannot."""
        return len(self.stuck) < len(self.scenes)


@attrs.frozen
class DuoReport:
    sides: tuple[str, ...]
    states: int
    complete: bool  # False: stopped at max_states; what is listed is what was covered
    endings: Mapping[str, Pair | None]  # the shortest pair of move lists, or None
    unreached_scenes: Mapping[str, tuple[str, ...]]  # side -> its duo scenes never reached
    unopened_choices: tuple[Step, ...]  # choices of reached duo scenes never open
    dead_ends: tuple[DuoDeadEnd, ...]
    seconds: float

    @property
    def unreachable_endings(self) -> tuple[str, ...]:
        return tuple(e for e, pair in self.endings.items() if pair is None)


def _tested_flags(story: Story) -> frozenset[str]:
    found: set[str] = set()

    def walk(cond: Condition | None) -> None:
        if cond is None:
            return
        found.update(cond.flags, cond.not_flags)
        for inner in cond.any:
            walk(inner)

    for scene in story.scenes.values():
        for passage in scene.passages:
            walk(passage.when)
        for choice in scene.choices:
            walk(choice.requires)
            for route in choice.routes:
                walk(route.when)
    for ending in story.endings.values():
        walk(ending.when)
        for passage in ending.passages:
            walk(passage.when)
    return frozenset(found)


def _duo_scenes(story: Story, side: str) -> list[str]:
    return [s.id for s in story.scenes.values() if s.round and (not s.roles or side in s.roles)]


def explore_duo(story: Story, max_states: int = MAX_STATES) -> DuoReport:
    """Search every joint state of the story's duo summit."""
    began = time.perf_counter()
    sides = duo.duo_of(story).roles
    tested = _tested_flags(story)
    meters = tuple(story.meters)

    def bare(state: DuoState) -> DuoState:
        return DuoState(
            scenes=dict(state.scenes),
            meters=dict(state.meters),
            flags=state.flags & tested,
            round=state.round,
        )

    def key(state: DuoState) -> Key:
        return (
            tuple(state.scenes[s] for s in sides),
            tuple(state.meters[m] for m in meters),
            state.flags,
        )

    start = bare(duo.new_duo(story))
    parents: dict[Key, tuple[Key | None, tuple[Step, ...]]] = {key(start): (None, ())}
    endings: dict[str, Pair | None] = dict.fromkeys(story.endings)
    reached: dict[str, set[str]] = {s: set() for s in sides}
    opened: set[Step] = set()
    dead: dict[tuple[tuple[str | None, ...], tuple[str, ...]], list[Any]] = {}

    def path(k: Key, last: tuple[Step, ...] = ()) -> Pair:
        rounds: list[tuple[Step, ...]] = [last] if last else []
        while True:
            parent, pair = parents[k]
            if parent is None:
                break
            rounds.append(pair)
            k = parent
        rounds.reverse()
        return tuple(tuple(r[i] for r in rounds) for i in range(len(sides)))

    def ended(ending: str, pair: Pair) -> None:
        if endings.get(ending) is None:
            endings[ending] = pair

    if start.over:  # a side has nothing open at its very first scene
        stuck = duo.stuck(
            story, attrs.evolve(start, scenes=dict(duo.duo_of(story).start), ending=None)
        )
        scenes: tuple[str | None, ...] = tuple(duo.duo_of(story).start[s] for s in sides)
        dead[(scenes, stuck)] = [1, start.ending, tuple(() for _ in sides)]
        assert start.ending is not None
        ended(start.ending, tuple(() for _ in sides))
    queue: deque[DuoState] = deque([] if start.over else [start])
    complete = True
    while queue:
        state = queue.popleft()
        here = key(state)
        options = []
        for side in sides:
            scene = state.scenes[side]
            assert scene is not None
            reached[side].add(scene)
            open_ = [o.choice_id for o in duo.options(story, state, side) if o.open]
            opened.update((scene, c) for c in open_)
            options.append([(side, scene, c) for c in open_])
        pairs: list[list[tuple[str, str, str]]] = [[]]
        for side_options in options:
            pairs = [[*p, o] for p in pairs for o in side_options]
        for combo in pairs:
            pending = attrs.evolve(
                state,
                pending={side: choice for side, _, choice in combo},
                moves=tuple(DuoMove(*m) for m in combo),
            )
            settled = duo.settle(story, pending)
            last = tuple((scene, choice) for _, scene, choice in combo)
            if settled.over:
                assert settled.ending is not None
                ended(settled.ending, path(here, last))
                continue
            stuck = duo.stuck(story, settled)
            if stuck:
                ending = engine.resolve_end(story, duo.view(story, settled, sides[0]))
                scenes = tuple(settled.scenes[s] for s in sides)
                entry = dead.setdefault((scenes, stuck), [0, ending, path(here, last)])
                entry[0] += 1
                ended(ending, path(here, last))
                continue
            nxt = bare(settled)
            k = key(nxt)
            if k in parents:
                continue
            if len(parents) >= max_states:
                complete = False
                continue
            parents[k] = (here, last)
            queue.append(nxt)
    unreached = {
        side: tuple(s for s in _duo_scenes(story, side) if s not in reached[side]) for side in sides
    }
    all_reached = set().union(*reached.values())
    unopened = tuple(
        (sid, c.id)
        for sid in story.scenes
        if sid in all_reached
        for c in story.scenes[sid].choices
        if (sid, c.id) not in opened
    )
    dead_ends = tuple(
        DuoDeadEnd(scenes, stuck, count, ending, moves)
        for (scenes, stuck), (count, ending, moves) in dead.items()
    )
    return DuoReport(
        sides=sides,
        states=len(parents),
        complete=complete,
        endings=endings,
        unreached_scenes=unreached,
        unopened_choices=unopened,
        dead_ends=dead_ends,
        seconds=time.perf_counter() - began,
    )


# -- output ---------------------------------------------------------------------------


def _moves_text(story: Story, moves: tuple[Step, ...]) -> str:
    return " -> ".join(f"{scene}/{choice}" for scene, choice in moves) or "(no move)"


def duo_text(story: Story, report: DuoReport) -> str:
    """The report in words, for `mar-a-lago explore`."""
    labels = {s: story.roles[s].label for s in report.sides}
    out = [
        f"Duo summit ({' and '.join(labels.values())}): {report.states:,} joint states"
        + ("" if report.complete else " (search stopped: incomplete)")
        + f", {report.seconds:.2f} s"
    ]
    out.append("  Endings (the shortest pair of move lists):")
    for ending, pair in report.endings.items():
        if pair is None:
            out.append(f"    {ending}: never reached by any pair of strategies")
            continue
        out.append(f"    {ending}: in {len(pair[0])} round(s)")
        for side, moves in zip(report.sides, pair, strict=True):
            out.append(f"      {side}: {_moves_text(story, moves)}")
    for side in report.sides:
        unreached = report.unreached_scenes[side]
        out.append(f"  Duo scenes {side} never reaches: {', '.join(unreached) or 'none'}")
    shut = ", ".join(f"{s}/{c}" for s, c in report.unopened_choices)
    out.append(f"  Choices never open: {shut or 'none'}")
    if not report.dead_ends:
        out.append("  Dead ends: none")
    for end in report.dead_ends:
        where = ", ".join(
            f"{side} at {scene}" for side, scene in zip(report.sides, end.scenes, strict=True)
        )
        kind = "one side can move and the other cannot" if end.one_sided else "no side can move"
        out.append(
            f"  Dead end ({kind}): {where}; stuck: {', '.join(end.stuck)}; "
            f"{end.states} state(s), ends at '{end.ending}'"
        )
        for side, moves in zip(report.sides, end.moves, strict=True):
            out.append(f"      {side}: {_moves_text(story, moves)}")
    return "\n".join(out)


def duo_json(report: DuoReport) -> dict[str, Any]:
    def pair(p: Pair | None) -> dict[str, list[list[str]]] | None:
        if p is None:
            return None
        return {
            side: [list(step) for step in moves]
            for side, moves in zip(report.sides, p, strict=True)
        }

    return {
        "sides": list(report.sides),
        "states": report.states,
        "complete": report.complete,
        "endings": {e: pair(p) for e, p in report.endings.items()},
        "unreachable_endings": list(report.unreachable_endings),
        "unreached_scenes": {s: list(v) for s, v in report.unreached_scenes.items()},
        "unopened_choices": [list(step) for step in report.unopened_choices],
        "dead_ends": [
            {
                "scenes": dict(zip(report.sides, end.scenes, strict=True)),
                "stuck": list(end.stuck),
                "one_sided": end.one_sided,
                "states": end.states,
                "ending": end.ending,
                "moves": pair(end.moves),
            }
            for end in report.dead_ends
        ],
    }
