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

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

import attrs

from game.core import duo, engine
from game.core.model import Choice, Condition, Story

Step = tuple[str, str]  # (scene id, choice id)
#: each side's moves, in side order
Pair = tuple[tuple[Step, ...], ...]
#: a joint state in the search: each side's scene, the meters, the flags' bits, and per
#: side the bits of the counted scenes it has been at (see `_Compiled.seen_bit`)
State = tuple[tuple[str, ...], tuple[int, ...], int, tuple[int, ...]]
#: called now and then with (states so far, seconds)
Progress = Callable[[int, float], None]

#: the search stops after this many joint states unless told otherwise
MAX_STATES = 2_000_000


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
    #: why no state was searched ("" : searched)
    not_searched: str = ""

    @property
    def unreachable_endings(self) -> tuple[str, ...]:
        return tuple(e for e, pair in self.endings.items() if pair is None)


# -- the story compiled for the search ---------------------------------------------------

Meters = tuple[int, ...]
#: a condition on (meters, flag bits, the bits of the counted scenes the side has seen)
Pred = Callable[[Meters, int, int], bool]


def _always(meters: Meters, flags: int, seen: int = 0) -> bool:
    return True


def _never(meters: Meters, flags: int, seen: int = 0) -> bool:
    return False


class _Choice(NamedTuple):
    id: str
    requires: Pred
    #: (meter index, delta, min, max), and (index, value, min, max, 1) to set a meter
    effects: tuple[tuple[int, ...], ...]
    set: int
    clear: int
    routes: tuple[tuple[Pred, str], ...]
    goto: str


class _Compiled:
    """The rules of a round on ints: meters a tuple, flags a bit field of the flags that
    can change play (tested by a `requires`, a route or an ending's `when`; passages
    are text and never do). `round_outcome` mirrors `game.core.duo.settle` and `stuck`,
    a test holds them equal."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.sides = duo.duo_of(story).roles
        self.meters = list(story.meters.values())
        self.meter_index = {m.id: i for i, m in enumerate(self.meters)}
        tested: set[str] = set()
        counted: set[str] = set()
        for cond in _play_conditions(story):
            tested |= _flags_of(cond)
            counted |= _visits_of(cond)
        self.bit = {flag: 1 << i for i, flag in enumerate(sorted(tested))}
        #: a bit per scene whose `visits` a condition counts. A side's choices lead to a
        #: scene of the next round, so it is at each scene once at most: its count is 1
        #: when the side has been (or is) there, else 0
        self.seen_bit = {sid: 1 << i for i, sid in enumerate(sorted(counted))}
        first = self.sides[0]  # the ending is the pair's: its `when` reads the first side
        self.ending_order = [
            (e, self.pred(story.endings[e].when, first)) for e in story.ending_order
        ]
        self.immediate = [
            (e, self.pred(story.endings[e].when, first))
            for e in story.ending_order
            if story.endings[e].immediate
        ]
        #: side -> scene -> its choices, their conditions read as that side's
        self.choices: dict[str, dict[str, tuple[_Choice, ...]]] = {}
        for side in self.sides:
            self.choices[side] = {
                sid: tuple(self.choice(c, side) for c in scene.choices)
                for sid, scene in story.scenes.items()
                if scene.round and (not scene.roles or side in scene.roles)
            }

    def choice(self, c: Choice, side: str) -> _Choice:
        meters = self.story.meters
        effects = tuple(
            (self.meter_index[m], d, meters[m].min, meters[m].max) for m, d in c.effects.items()
        )
        # `set_meters` (where the story format has it): after the effects, clamped
        effects += tuple(
            (self.meter_index[m], v, meters[m].min, meters[m].max, 1)  # type: ignore[misc]
            for m, v in getattr(c, "set_meters", {}).items()
        )
        return _Choice(
            c.id,
            self.pred(c.requires, side),
            effects,
            self.mask(c.set),
            self.mask(c.clear),
            tuple((self.pred(r.when, side), r.goto) for r in c.routes),
            c.goto,
        )

    def mask(self, flags: frozenset[str]) -> int:
        bits = 0
        for flag in flags:
            bits |= self.bit.get(flag, 0)
        return bits

    def pred(self, cond: Condition | None, role: str) -> Pred:
        """A condition as a predicate on (meters, flag bits), read as `role`'s."""
        if cond is None:
            return _always
        if cond.roles and role not in cond.roles:
            return _never
        bounds = tuple((self.meter_index[m], b.min, b.max) for m, b in cond.meters.items())
        visits = tuple((self.seen_bit[sid], b.min, b.max) for sid, b in cond.visits.items())
        need, never = self.mask(cond.flags), self.mask(cond.not_flags)
        inner = tuple(self.pred(c, role) for c in cond.any)
        every = tuple(self.pred(c, role) for c in cond.all)
        if not bounds and not visits and not inner and not every:

            def on_flags(meters: Meters, flags: int, seen: int = 0) -> bool:
                return flags & need == need and not flags & never

            return on_flags

        def holds(meters: Meters, flags: int, seen: int = 0) -> bool:
            for index, low, high in bounds:
                value = meters[index]
                if (low is not None and value < low) or (high is not None and value > high):
                    return False
            for bit, low, high in visits:
                count = 1 if seen & bit else 0
                if (low is not None and count < low) or (high is not None and count > high):
                    return False
            if flags & need != need or flags & never:
                return False
            if every and not all(p(meters, flags, seen) for p in every):
                return False
            return not inner or any(p(meters, flags, seen) for p in inner)

        return holds

    def open_choices(
        self, side: str, scene: str, meters: Meters, flags: int, seen: int = 0
    ) -> list[_Choice]:
        return [c for c in self.choices[side][scene] if c.requires(meters, flags, seen)]

    def resolve_end(self, meters: Meters, flags: int, seen: int = 0) -> str:
        """The ending by rank, as the first side reads the endings (`seen`: its own)."""
        for eid, when in self.ending_order:
            if when(meters, flags, seen):
                return eid
        raise engine.GameError("no ending holds; the story needs a fallback ending without `when`")

    def arrive(self, scenes: tuple[str, ...], seens: tuple[int, ...]) -> tuple[int, ...]:
        """Each side's seen bits once it is at its scene."""
        return tuple(
            seen | self.seen_bit.get(scene, 0) for scene, seen in zip(scenes, seens, strict=True)
        )

    def stuck(
        self,
        scenes: tuple[str, ...],
        meters: Meters,
        flags: int,
        seens: tuple[int, ...] | None = None,
    ) -> tuple[str, ...]:
        """The sides with nothing open at their scenes."""
        seens = seens or (0,) * len(self.sides)
        return tuple(
            side
            for side, scene, seen in zip(self.sides, scenes, seens, strict=True)
            if not any(c.requires(meters, flags, seen) for c in self.choices[side][scene])
        )

    def round_outcome(
        self,
        picks: tuple[_Choice, ...],
        meters: Meters,
        flags: int,
        seens: tuple[int, ...] | None = None,
    ) -> tuple[str | None, tuple[str, ...], Meters, int]:
        """(ending or None, next scenes, meters, flags) after a round (`seens`: each
        side's seen bits, its scene of this round included); the next scenes are not
        checked for an open choice (`stuck` does)."""
        seens = seens or (0,) * len(self.sides)
        values = list(meters)
        for choice in picks:
            for index, delta, low, high, *absolute in choice.effects:
                value = delta if absolute else values[index] + delta
                values[index] = low if value < low else high if value > high else value
            flags = (flags | choice.set) & ~choice.clear
        after = tuple(values)
        for eid, when in self.immediate:
            if when(after, flags, seens[0]):
                return eid, (), after, flags
        gotos = []
        for choice, seen in zip(picks, seens, strict=True):
            goto = choice.goto
            for when, target in choice.routes:
                if when(after, flags, seen):
                    goto = target
                    break
            gotos.append(goto)
        nxt = tuple(gotos)
        if any(g == engine.END or g.startswith(engine.END_PREFIX) for g in nxt):
            for goto in nxt:
                if goto.startswith(engine.END_PREFIX):
                    return goto[len(engine.END_PREFIX) :], (), after, flags
            return self.resolve_end(after, flags, seens[0]), (), after, flags
        return None, nxt, after, flags


def _steps(scenes: tuple[str, ...], picks: tuple[_Choice, ...]) -> tuple[Step, ...]:
    return tuple((scene, c.id) for scene, c in zip(scenes, picks, strict=True))


def _play_conditions(story: Story) -> Iterable[Condition]:
    for scene in story.scenes.values():
        for choice in scene.choices:
            if choice.requires is not None:
                yield choice.requires
            for route in choice.routes:
                yield route.when
    for ending in story.endings.values():
        if ending.when is not None:
            yield ending.when


def _flags_of(cond: Condition) -> set[str]:
    names = set(cond.flags | cond.not_flags)
    for inner in (*cond.any, *cond.all):
        names |= _flags_of(inner)
    return names


def _visits_of(cond: Condition) -> set[str]:
    """The scenes whose visits a condition counts."""
    names = set(cond.visits)
    for inner in (*cond.any, *cond.all):
        names |= _visits_of(inner)
    return names


def _duo_scenes(story: Story, side: str) -> list[str]:
    return [s.id for s in story.scenes.values() if s.round and (not s.roles or side in s.roles)]


def explore_duo(
    story: Story, max_states: int = MAX_STATES, progress: Progress | None = None
) -> DuoReport:
    """Search every joint state of the story's duo summit, breadth first."""
    began = time.perf_counter()
    compiled = _Compiled(story)
    sides = compiled.sides
    starts = tuple(duo.duo_of(story).start[s] for s in sides)
    seen0 = compiled.arrive(starts, (0,) * len(sides))
    first: State = (starts, tuple(m.start for m in compiled.meters), 0, seen0)
    parents: dict[State, tuple[State | None, tuple[Step, ...]]] = {first: (None, ())}
    endings: dict[str, Pair | None] = dict.fromkeys(story.endings)
    reached: dict[str, set[str]] = {s: set() for s in sides}
    opened: set[Step] = set()
    dead: dict[tuple[tuple[str | None, ...], tuple[str, ...]], list[Any]] = {}
    nobody: Pair = tuple(() for _ in sides)
    #: joint states where a side has nothing open (counted once each)
    stuck_states: set[State] = set()

    def path(state: State, last: tuple[Step, ...] = ()) -> Pair:
        rounds: list[tuple[Step, ...]] = [last] if last else []
        while True:
            parent, pair = parents[state]
            if parent is None:
                break
            rounds.append(pair)
            state = parent
        rounds.reverse()
        return tuple(tuple(r[i] for r in rounds) for i in range(len(sides)))

    def ended(ending: str, pair: Pair) -> None:
        if endings.get(ending) is None:
            endings[ending] = pair

    stuck_at_start = tuple(
        side
        for side, scene, seen in zip(sides, starts, seen0, strict=True)
        if not compiled.open_choices(side, scene, first[1], 0, seen)
    )
    queue: deque[State] = deque()
    if stuck_at_start:
        at_start = compiled.resolve_end(first[1], 0, seen0[0])
        dead[(starts, stuck_at_start)] = [1, at_start, nobody]
        ended(at_start, nobody)
    else:
        queue.append(first)
    complete = True
    while queue:
        state = queue.popleft()
        scenes, meters, flags, seens = state
        options = []
        for side, scene, seen in zip(sides, scenes, seens, strict=True):
            reached[side].add(scene)
            open_ = compiled.open_choices(side, scene, meters, flags, seen)
            opened.update((scene, c.id) for c in open_)
            options.append(open_)
        for picks in itertools.product(*options):
            ending, nxt, after, bits = compiled.round_outcome(picks, meters, flags, seens)
            if ending is not None:
                if endings[ending] is None:
                    ended(ending, path(state, _steps(scenes, picks)))
                continue
            now_seen = compiled.arrive(nxt, seens)
            key: State = (nxt, after, bits, now_seen)
            if key in parents or key in stuck_states:
                continue
            stuck = compiled.stuck(nxt, after, bits, now_seen)
            if stuck:
                stuck_states.add(key)
                last = _steps(scenes, picks)
                end = compiled.resolve_end(after, bits, now_seen[0])
                entry = dead.setdefault((nxt, stuck), [0, end, path(state, last)])
                entry[0] += 1
                ended(end, path(state, last))
                continue
            if len(parents) >= max_states:
                complete = False
                continue
            parents[key] = (state, _steps(scenes, picks))
            queue.append(key)
            if progress is not None and not len(parents) & 0xFFFF:
                progress(len(parents), time.perf_counter() - began)
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
