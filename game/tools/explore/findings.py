"""The search's arrays turned into answers: endings with their shortest witnesses,
scenes and choices never reached, dead ends, states with no way out, meter ranges;
and `explore`, the search of one role from its start.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterable, Mapping

from game.core import engine
from game.core.model import Story
from game.tools.explore.compiled import Compiled, role_conditions
from game.tools.explore.results import DeadEnd, Progress, RoleReport, Trap
from game.tools.explore.search import Raw, Search
from game.tools.explore.workers import no_collector, per_role


def report(search: Search, raw: Raw, t0: float) -> RoleReport:
    """What one role's search found (`t0`: when it began, for its time)."""
    c = search.c
    story = c.story
    endings = {
        eid: None if raw.first_end[e] < 0 else search.path(raw, raw.first_end[e])
        for e, eid in enumerate(c.ending_ids)
    }
    # meter ranges: over the distinct meter values met at each scene
    at: dict[int, set[int]] = {}
    mmask = (1 << c.mbits) - 1
    for pair in {s >> c.fbits for s in raw.states}:
        at.setdefault(pair >> c.mbits, set()).add(pair & mmask)
    ranges: dict[str, dict[str, tuple[int, int]]] = {}
    for sc in sorted(at):
        found = ranges[c.scene_ids[sc]] = {}
        # the meters' fields (the visit counts' come after them)
        for meter, off, width in zip(c.meters, c.offsets, c.widths, strict=False):
            field = (1 << width) - 1
            values = {(m >> off) & field for m in at[sc]}
            found[meter.id] = (meter.min + min(values), meter.min + max(values))
    reached = frozenset(ranges)
    role = search.role
    unreachable = tuple(
        sid
        for sid, scene in story.scenes.items()
        if sid not in reached and (not scene.roles or role in scene.roles) and not scene.round
    )
    never_open = tuple(
        (sid, choice.id)
        for sc, sid in enumerate(c.scene_ids)
        if sid in reached
        for ci, choice in enumerate(story.scenes[sid].choices)
        if not search.taken[search.first_choice[sc] + ci]
    )
    found_dead = dead_ends(search, raw)
    start = raw.states[0]
    table, omask = search.opens[start >> c.shift]
    if not table[start & omask]:
        e = c.rank_end(start)
        stuck = DeadEnd(c.scene_ids[start >> c.shift], 1, c.ending_ids[e], (), stuck=True)
        found_dead = (stuck, *found_dead)
        # as in the engine: a start with nothing open ends at once, by rank
        endings[c.ending_ids[e]] = ()
    wrong = tuple(
        sid
        for sid in sorted(reached)
        if story.scenes[sid].roles and role not in story.scenes[sid].roles
    )
    no_way_out: tuple[Trap, ...] | None = None
    if raw.complete and raw.succ is not None:
        no_way_out = traps(search, raw, raw.succ)
    elif raw.complete:
        # the map proves every path can end (`may_trap`); a stuck start ends by rank
        no_way_out = ()
    return RoleReport(
        role=role,
        states=len(raw.states),
        complete=raw.complete,
        endings=endings,
        reached_scenes=reached,
        unreachable_scenes=unreachable,
        unreachable_choices=never_open,
        dead_ends=found_dead,
        traps=no_way_out,
        meter_ranges=ranges,
        wrong_role_scenes=wrong,
        seconds=time.perf_counter() - t0,
    )


def dead_ends(search: Search, raw: Raw) -> tuple[DeadEnd, ...]:
    """The scenes entered with nothing open, each with its first (shortest) way in."""
    c = search.c
    by_scene: dict[int, list[int]] = {}
    first: dict[int, int] = {}
    for n, packed in raw.dead.items():
        sc = n >> c.shift
        by_scene.setdefault(sc, []).append(packed)
        if packed <= raw.dead.get(first.get(sc, n), packed):
            first[sc] = n
    result = [
        DeadEnd(
            scene=c.scene_ids[sc],
            states=len(arrivals),
            ending=c.ending_ids[c.rank_end(first[sc])],
            path=search.path(raw, raw.dead[first[sc]]),
        )
        for sc, arrivals in by_scene.items()
    ]
    return tuple(sorted(result, key=lambda d: (len(d.path), d.path)))


def traps(search: Search, raw: Raw, succ: array[int]) -> tuple[Trap, ...]:
    """States from which no ending can be reached: one backward pass over the
    edges, then a worklist over the reverse edges of the states left."""
    offsets, states = raw.offsets, raw.states
    n = len(states)
    ok = bytearray(n)
    for i in range(n - 1, -1, -1):
        for j in succ[offsets[i] : offsets[i + 1]]:
            if j < 0 or ok[j]:
                ok[i] = 1
                break
    left = [i for i in range(n) if not ok[i]]
    if not left:
        return ()
    reverse: dict[int, list[int]] = {}
    for i in left:
        for j in succ[offsets[i] : offsets[i + 1]]:
            reverse.setdefault(j, []).append(i)  # all >= 0: no ending from here
    work = [j for j in reverse if ok[j]]
    while work:
        for i in reverse.get(work.pop(), ()):
            if not ok[i]:
                ok[i] = 1
                work.append(i)
    c = search.c
    by_scene: dict[int, list[int]] = {}
    for i in left:
        if not ok[i]:
            by_scene.setdefault(states[i] >> c.shift, []).append(i)
    return tuple(
        Trap(c.scene_ids[sc], len(found), search.path(raw, raw.arrived(found[0])))
        for sc, found in sorted(by_scene.items(), key=lambda kv: kv[1][0])
    )


def explore(
    story: Story,
    role: str,
    *,
    max_states: int = 2_000_000,
    progress: Progress | None = None,
    compiled: Compiled | None = None,
) -> RoleReport:
    """Search every state a role can reach (up to `max_states`). A choice's `random`
    routes are searched as one successor per destination that may be drawn, so an
    ending counts as reached when some draws reach it."""
    c = compiled if compiled is not None else Compiled(story)
    if c.role != role and role_conditions(story):
        c = Compiled(story, role=role)  # conditions on `role` decided for this role
    if role not in story.roles:
        raise engine.GameError(f"no role '{role}'; the story has: {', '.join(story.roles)}")
    start = c.start(role)
    t0 = time.perf_counter()
    search = Search(c, role)
    return report(search, search.run(start, max(1, max_states), progress), t0)


def explore_all(
    story: Story,
    roles: Iterable[str] | None = None,
    *,
    max_states: int = 2_000_000,
    progress: Progress | None = None,
    workers: int = 1,
) -> dict[str, RoleReport]:
    """Every role searched (`explore`). With `workers` > 1 the roles are searched side
    by side in forked processes (`game.tools.explore.workers`), the same answers."""
    chosen = list(roles if roles is not None else story.roles)
    with no_collector():
        c = Compiled(story)

        def one(role: str) -> RoleReport:
            return explore(story, role, max_states=max_states, progress=progress, compiled=c)

        return per_role(one, chosen, workers)


#: what a choice leads to: ("scene", id, meters, tested flags set, counted visits) or
#: ("end", ending id, {}, {}, {})
Outcome = tuple[str, str, Mapping[str, int], frozenset[str], Mapping[str, int]]


def successors(
    compiled: Compiled, state: engine.GameState, search: Search | None = None
) -> dict[str, list[Outcome]]:
    """What the search makes of each open choice of `state` (for tests against
    `engine.choose`): choice id -> its outcomes, one per destination it may reach (more
    than one for `random` routes), in the search's order. It reads the search's table
    as its loop does, and runs the loop itself over the state; call it twice with one
    `search` to test both the cold path (the table filled) and the warm one (the table
    read)."""
    c = compiled
    assert state.scene is not None
    search = search if search is not None else Search(c, state.role)
    s = c.state(state.scene, state.meters, state.flags, state.visits)
    key = s & search.masks[s >> c.shift]
    cached = search.memo.get(key)
    go, end = search.entry(key) if cached is None else cached
    raw = search.bfs(s, 1 << 40, edges=True, expand=1)
    assert raw.succ is not None
    found: dict[int, list[Outcome]] = {}
    for (bits, passed, ci), n in zip(go, raw.succ, strict=False):
        scene, meters, flags = c.unpack(bits | (s & passed))
        visits = c.visits(bits | (s & passed))
        assert c.state(scene, meters, flags, visits) == raw.states[n]  # the loop's own
        found.setdefault(ci, []).append(("scene", scene, meters, flags, visits))
    for ci, e, _, _ in end:
        found.setdefault(ci, []).append(("end", c.ending_ids[e], {}, frozenset(), {}))
    choices = c.story.scenes[state.scene].choices
    return {choices[ci].id: found[ci] for ci in sorted(found)}
