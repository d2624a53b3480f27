"""The story's `asserts`, tested in every state a role can reach.

A scene passage, an ending, or an ending passage may say what its text takes for
granted (`asserts`, a condition): "this passage says Trump bit on win-win, so the
flag `bit_winwin` is set whenever it shows". It never changes play. This module
searches every state a role can reach (the explorer's search, its states holding
the flags these conditions read as well) and finds each text shown in a state where
its `asserts` does not hold: a scene passage at a scene state where its `when`
holds, an ending (and its passages) in the state in which the game reaches it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator

import attrs

from game.core import engine
from game.core.model import Condition, Story
from game.tools.explore.compiled import Compiled
from game.tools.explore.results import Path, Step
from game.tools.explore.search import Search

#: the places a text with `asserts` sits: a scene's passage or an ending's, or an ending
SCENE = "scene"
ENDING = "ending"


@attrs.frozen
class AssertViolation:
    """A text shown in states where its `asserts` does not hold."""

    kind: str  # SCENE or ENDING
    id: str  # the scene's or the ending's id
    passage: int | None  # the passage's index (0-based); None: the ending's own `asserts`
    states: int  # the distinct states in which it shows and fails
    #: the first such state the search met (a shortest way there: its `history`)
    state: engine.GameState

    @property
    def path(self) -> Path:
        return self.state.history

    @property
    def where(self) -> str:
        """'scene 'x', passage 2' or 'ending 'y'' (passages counted from 1)."""
        text = f"{self.kind} '{self.id}'"
        return text if self.passage is None else f"{text}, passage {self.passage + 1}"


@attrs.frozen
class AssertReport:
    role: str
    states: int  # the states searched (0 when the story asserts nothing)
    complete: bool  # False: stopped at max_states; the violations cover what was searched
    violations: tuple[AssertViolation, ...]


#: one text to test: (kind, id, passage index or None, its `when` or None, its `asserts`)
Text = tuple[str, str, int | None, Condition | None, Condition]


def asserting_texts(story: Story) -> list[Text]:
    """Every text of the story that has `asserts`, in story order."""
    texts: list[Text] = []
    for sid, scene in story.scenes.items():
        for i, p in enumerate(scene.passages):
            if p.asserts is not None:
                texts.append((SCENE, sid, i, p.when, p.asserts))
    for eid, ending in story.endings.items():
        if ending.asserts is not None:
            texts.append((ENDING, eid, None, None, ending.asserts))
        for i, p in enumerate(ending.passages):
            if p.asserts is not None:
                texts.append((ENDING, eid, i, p.when, p.asserts))
    return texts


def _conditions(texts: Iterable[Text]) -> Iterator[Condition]:
    for _, _, _, when, asserts in texts:
        if when is not None:
            yield when
        yield asserts


def check_asserts(story: Story, role: str, *, max_states: int = 2_000_000) -> AssertReport:
    """Every text with `asserts` that shows, in some state `role` can reach (up to
    `max_states`), where its `asserts` fails: one `AssertViolation` per text, with the
    number of such states and the first met."""
    if role not in story.roles:
        raise engine.GameError(f"no role '{role}'; the story has: {', '.join(story.roles)}")
    texts = asserting_texts(story)
    if not texts:
        return AssertReport(role, 0, True, ())
    c = Compiled(story, also=_conditions(texts))
    search = Search(c, role)
    start = c.start(role)
    collecting = gc.isenabled()
    gc.disable()  # as in `Search.run`: no reference cycles to collect
    try:
        raw = search.bfs(start, max(1, max_states))
    finally:
        if collecting:
            gc.enable()
    by_scene: dict[int, list[Text]] = {}
    by_ending: dict[int, list[Text]] = {}
    for text in texts:
        kind, place = text[0], text[1]
        if kind == SCENE:
            by_scene.setdefault(c.scene_index[place], []).append(text)
        else:
            by_ending.setdefault(c.ending_index[place], []).append(text)
    holds = c.holds
    # per text: (how many states, the first: a path to it as an arrival, or a full path,
    # and that first state's bits)
    found: dict[tuple[str, str, int | None], tuple[int, int, tuple[Step, ...], int]] = {}
    seen_at_ending: set[tuple[tuple[str, str, int | None], int]] = set()

    def fail(text: Text, arrival: int, bits: int, last: tuple[Step, ...] = ()) -> None:
        key = text[:3]
        count, first, extra, state = found.get(key, (0, arrival, last, bits))
        found[key] = (count + 1, first, extra, state)

    stuck = not c.is_open(start >> c.shift, start)
    for i, s in enumerate(raw.states):
        sc = s >> c.shift
        if i == 0 and stuck:  # the game ends at once: the start scene is never shown
            e = c.rank_end(start)
            for text in by_ending.get(e, ()):
                if (text[3] is None or holds(text[3], s)) and not holds(text[4], s):
                    fail(text, -1, s)
            continue
        for text in by_scene.get(sc, ()):
            if holds(text[3], s) and not holds(text[4], s):
                fail(text, raw.arrived(i), s)
        if by_ending:
            for ci, e, after in _endings(c, s):
                for text in by_ending.get(e, ()):
                    if (text[3] is None or holds(text[3], after)) and not holds(text[4], after):
                        if (text[:3], after) in seen_at_ending:
                            continue
                        seen_at_ending.add((text[:3], after))
                        sid = c.scene_ids[sc]
                        step = (sid, story.scenes[sid].choices[ci].id)
                        fail(text, i * c.max_choices + ci, after, (step,))
    violations = []
    for kind, place, index, _, _ in texts:
        entry = found.get((kind, place, index))
        if entry is None:
            continue
        count, arrival, last, bits = entry
        if last:  # an ending: the state's own path, then the choice that ends the game
            i, _ = divmod(arrival, c.max_choices)
            path = (*search.path(raw, raw.arrived(i)), *last)
        else:
            path = search.path(raw, arrival)
        if story.random_routes:  # the path holds for some draws: the state as searched
            state = _searched(c, role, path, bits, place if kind == ENDING else None)
        else:
            state = engine.replay(story, role, path)
        violations.append(AssertViolation(kind, place, index, count, state))
    return AssertReport(role, len(raw.states), raw.complete, tuple(violations))


def check_all_asserts(
    story: Story, roles: Iterable[str] | None = None, *, max_states: int = 2_000_000
) -> dict[str, AssertReport]:
    return {
        role: check_asserts(story, role, max_states=max_states)
        for role in (roles if roles is not None else story.roles)
    }


def _searched(
    c: Compiled, role: str, path: Path, bits: int, ending: str | None
) -> engine.GameState:
    """The state the search met (its meters, the flags and visits it tracks), with the
    choices that reach it: for a story whose `random` routes a replay with one seed
    may not follow."""
    _, meters, flags = c.unpack(bits)
    scene = None if ending is not None else c.scene_ids[bits >> c.shift]
    return engine.GameState(
        role=role,
        scene=scene,
        meters=meters,
        flags=flags,
        history=path,
        ending=ending,
        visits=c.visits(bits),
    )


def _endings(c: Compiled, s: int) -> Iterator[tuple[int, int, int]]:
    """The choices of state `s` that end the game: (choice, ending, the state it ends
    in, as meter and flag bits). The engine's `choose` on packed states: effects,
    clamp, set_meters, set/clear, routes (or each destination `random` may draw),
    immediate endings, the goto, a dead end (the scene entered, and visited, first)."""
    sc = s >> c.shift
    values, flags = c.values_flags(s)
    choices = c.story.scenes[c.scene_ids[sc]].choices
    for ci in c.is_open(sc, s):
        choice = choices[ci]
        after = list(values)
        for meter, delta in choice.effects.items():
            m = c.meter_index[meter]
            after[m] = max(c.lows[m], min(c.highs[m], after[m] + delta))
        for meter, value in choice.set_meters.items():
            m = c.meter_index[meter]
            after[m] = max(c.lows[m], min(c.highs[m], value))
        bits = flags | sum(c.flag_bit.get(f, 0) for f in choice.set)
        bits &= ~sum(c.flag_bit.get(f, 0) for f in choice.clear)
        key = c.encode(after) << c.fbits | bits
        e = c.immediate_end(key)
        if e >= 0:
            yield ci, e, key
            continue
        for code in c.route(sc, ci, key):
            if code == -1:  # "end": by rank
                yield ci, c.rank_end(key), key
            elif code <= -2:
                yield ci, -2 - code, key
            else:
                entered = c.enter(code, key)
                if not c.is_open(code, entered):  # a scene entered with nothing open
                    yield ci, c.rank_end(entered), entered
