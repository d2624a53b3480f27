"""One role's breadth-first search over packed states (`game.tools.explore.compiled`).

Each state is visited once, however many paths lead to it, so the work grows with the
number of states, never with the number of paths. The rules of
`game.core.engine.choose` are mirrored on the ints: effects, clamp, set/clear, routes,
immediate endings, then the goto; entering a scene with no open choice ends the game
by rank (a dead end). What the search leaves (`Raw`: arrays, no object per state) is
turned into answers by `game.tools.explore.findings`.
"""

from __future__ import annotations

import functools
import gc
import mmap
import time
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

import attrs

from game.tools.explore.compiled import Change, Compiled, Memo
from game.tools.explore.results import Path, Progress

#: the scene tables of one search keep at most this many entries in all (about 100 MB),
#: and no more than a quarter of --max-states; past that they compute without keeping
SCENE_MEMO_BUDGET = 1 << 18
#: DENSE_MIN bytes, or 64 per state allowed up to DENSE_MAX; else a dict
DENSE_MIN = 1 << 24
DENSE_MAX = 1 << 28
#: the search reports its progress every PROGRESS_MASK + 1 states
PROGRESS_MASK = 0xFFFF


Target = tuple[int, "Memo | None", int]  # (scene << shift or goto code, open table, mask)
#: a choice compiled for one scene: (choice, effect table, its mask, set bits, flags kept,
#: route table (its value: the targets), its mask, the targets of its goto, bits passed
#: on unread). Targets: one, or one per destination a `random` may draw
Record = tuple[int, "Memo", int, int, int, "Memo | None", int, tuple[Target, ...], int]
#: what a state's scene makes of it, keyed by the bits the scene reads: the choices that
#: go on as (next state's bits, bits of the state passed on, choice), the next state
#: being `bits | (state & passed)`; then the choices that end the game as (choice,
#: ending, the dead end's bits or -1, passed): a dead end is a state entered with
#: nothing open, which the engine ends by rank. See `Search.entry`.
Entry = tuple[Sequence[tuple[int, int, int]], Sequence[tuple[int, int, int, int]]]
#: the entry of a scene with no choice going on (or none ending): one shared empty tuple
EMPTY: tuple[Any, ...] = ()


@attrs.define
class Raw:
    """What one search leaves: arrays, no object per state."""

    states: array[int] | list[int]  # in BFS order
    #: per state: its first arrival, parent index * max_choices + choice (-1: the start)
    arrival: array[int]
    succ: array[int] | None  # per edge: a state index, or -1 - ending (CSR with offsets)
    offsets: array[int]
    first_end: list[int]  # per ending: its first arrival
    dead: dict[int, int]  # a state entered with nothing open -> its first arrival
    complete: bool

    def arrived(self, index: int) -> int:
        """How the state at `index` was first reached: parent index * cb + choice."""
        return self.arrival[index]


def _int_array(limit: int) -> array[int]:
    """An empty array for ints in [-limit, limit]: 4 bytes each when they fit."""
    return array("i" if limit < 1 << 31 else "q")


def _seen_table(space: int, slot: int, max_states: int) -> Any:
    """A table of the states met so far, `table[state]` 0 until set. Dense (a slot per
    packed state, in a lazily zeroed anonymous map: only the pages touched take memory)
    when that is no bigger than a sparse dict's ~64 bytes a state could cost; else a
    dict."""
    size = space * slot
    if size <= min(DENSE_MAX, max(DENSE_MIN, 64 * max_states)):
        table = mmap.mmap(-1, max(size, 1))
        return table if slot == 1 else memoryview(table).cast("i" if slot == 4 else "q")
    return defaultdict(int)


class Search:
    """One role's breadth-first search over packed states.

    Every table is keyed by only the bits it reads (the meter fields and flags its
    conditions test), so each is shared widely: one per effect, per routed choice,
    per condition, per scene. The search itself does, per state, one lookup of its
    scene's outcomes and, per choice, a few int operations and a dict lookup.
    """

    def __init__(self, compiled: Compiled, role: str) -> None:
        self.c = c = compiled
        self.role = role
        self.taken = bytearray(sum(len(r) for r in c.requires))
        self.first_choice = []
        n = 0
        for reqs in c.requires:
            self.first_choice.append(n)
            n += len(reqs)
        self.opens: list[tuple[Memo, int]] = [
            (Memo(functools.partial(self._open, sc)), c.open_reads[sc])
            for sc in range(len(c.scene_ids))
        ]
        # where a goto leads: a scene's open table and mask (-1: always open), or an ending
        self.targets: list[Target] = [
            (sc << c.shift, table, -1 if c.always_open(sc) else key)
            for sc, (table, key) in enumerate(self.opens)
        ]
        # per scene: the bits any of its choices reads (all else passes through)
        reads = [self._scene_reads(sc) for sc in range(len(c.scene_ids))]
        effects: dict[Change, Memo] = {}
        self.records: list[list[Record]] = []
        for sc, sid in enumerate(c.scene_ids):
            recs: list[Record] = []
            for ci, choice in enumerate(c.story.scenes[sid].choices):
                deltas: Change = (
                    tuple(sorted((c.meter_index[m], d) for m, d in choice.effects.items())),
                    tuple(sorted((c.meter_index[m], v) for m, v in choice.set_meters.items())),
                )
                etab = effects.get(deltas)
                if etab is None:
                    etab = effects[deltas] = Memo(functools.partial(c.effect, deltas))
                rtab, rmask = None, 0
                if choice.routes or choice.random:
                    rtab = Memo(functools.partial(self._route, sc, ci))
                    rmask = c.reads(choice.deciders)
                set_bits = sum(c.flag_bit.get(f, 0) for f in choice.set)
                keep = c.fmask & ~sum(c.flag_bit.get(f, 0) for f in choice.clear)
                goto = (self._target(c.goto_code(choice.goto)),)
                em = c.effect_reads(deltas)
                passed = (keep | c.meter_key) & ~reads[sc]
                recs.append((ci, etab, em, set_bits, keep, rtab, rmask, goto, passed))
            self.records.append(recs)
        # immediate endings that test flags (those on meters alone are in the effect tables)
        self.itab = Memo(c.immediate_end) if c.immediate_flags else None
        self.imask = c.immediate_reads
        self.rank = Memo(c.rank_end)
        self.rank_mask = c.rank_reads
        # one table for every scene: a state's `Entry`, keyed by the state under its
        # scene's mask (the scene's reads and the scene index: -1 << shift keeps it).
        # A plain dict, filled by `bfs` itself: the cheapest lookup there is
        self.memo: dict[int, Entry] = {}
        self.masks = [bits | (-1 << c.shift) for bits in reads]
        self._entry_context = (
            *(c.shift, c.meter_key, self.opens),
            *(self.itab, self.imask, self.rank, self.rank_mask),
            c.bumps if any(c.bumps) else None,
        )

    def _scene_reads(self, sc: int) -> int:
        c = self.c
        bits = c.open_reads[sc] | c.immediate_reads
        for choice in c.story.scenes[c.scene_ids[sc]].choices:
            for m in {*choice.effects, *choice.set_meters}:
                bits |= c.meter_field[m]
            bits |= c.reads(choice.deciders)
            for code in map(c.goto_code, choice.destinations):
                if code == -1:
                    bits |= c.rank_reads
                elif code >= 0:
                    bits |= c.open_reads[code] | (0 if c.always_open(code) else c.rank_reads)
                    bump = c.bumps[code]
                    if bump is not None:  # entering it counts a visit: its count is read
                        bits |= bump[0]
        return bits

    def entry(self, key: int) -> Entry:
        """What the open choices of a state do, from the state's bits under its scene's
        mask (`key`): effects, clamp, set/clear, routes, immediate endings, the goto,
        and a dead end if the scene entered has nothing open (see `Entry`)."""
        shift, meter_key, scenes, itab, imask, rank, rank_mask, bumps = self._entry_context
        opens, omask = scenes[key >> shift]
        mk = key & meter_key
        go: list[tuple[int, int, int]] = []
        end: list[tuple[int, int, int, int]] = []
        for ci, etab, em, sm, kp, rtab, rmask, goto, passed in opens[key & omask]:
            k = mk & em
            r = etab[k]  # the meters after the effects, or -1 - an immediate ending
            if r < 0:
                end.append((ci, -1 - r, -1, 0))
                continue
            r |= mk ^ k  # the meters the effects do not read
            f = (key | sm) & kp  # the flags after set and clear
            if itab is not None:
                e = itab[r | (f & imask)]
                if e >= 0:
                    end.append((ci, e, -1, 0))
                    continue
            for t, ot, om in goto if rtab is None else rtab[r | (f & rmask)]:
                if t >= 0:  # a scene: t is its index << shift
                    n = t | r | f
                    if bumps is not None and (bump := bumps[t >> shift]) is not None:
                        field, one, cap = bump  # entered: one more visit (up to its cap)
                        if n & field < cap:
                            n += one
                    if om < 0 or ot[n & om]:
                        go.append((n, passed, ci))
                    else:  # entered with nothing open: the engine ends the game by rank
                        end.append((ci, rank[(n & meter_key) | (f & rank_mask)], n, passed))
                elif t == -1:  # goto "end": by rank
                    end.append((ci, rank[r | (f & rank_mask)], -1, 0))
                else:  # goto "end:<id>": t = -2 - ending
                    end.append((ci, -2 - t, -1, 0))
        return go or EMPTY, end or EMPTY  # lists (built once, read often); () for none

    def _target(self, code: int) -> Target:
        return self.targets[code] if code >= 0 else (code, None, -1)

    def _route(self, sc: int, ci: int, key: int) -> tuple[Target, ...]:
        return tuple(map(self._target, self.c.route(sc, ci, key)))

    def _open(self, sc: int, key: int) -> tuple[Record, ...]:
        open_ = self.c.is_open(sc, key)
        for ci in open_:
            self.taken[self.first_choice[sc] + ci] = 1
        return tuple(self.records[sc][ci] for ci in open_)

    def may_trap(self, start_scene: int) -> bool:
        """False when no state reachable from the start can be cut off from every
        ending, as the scene map alone proves: it has no cycle, or every scene on it
        is safe. A scene is safe if it has a choice open in every state (no
        `requires`) that leads only to endings and safe scenes: whatever the state,
        taking it ends the game (by its goto, an immediate ending, or a dead end) or
        reaches a safe scene. So is a scene all of whose choices lead only to endings
        and safe scenes: a state there has a choice open (entered with none, the game
        ends by rank instead; a start with none is reported as stuck). Then the search
        need not keep its edges."""
        c = self.c
        targets = [
            [{c.goto_code(g) for g in ch.destinations} for ch in c.story.scenes[sid].choices]
            for sid in c.scene_ids
        ]
        edges = [{t for codes in per_choice for t in codes if t >= 0} for per_choice in targets]
        seen = {start_scene}
        todo = [start_scene]
        while todo:
            for nxt in edges[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        if not self._cyclic(start_scene, edges):
            return False
        safe: set[int] = set()

        def is_safe(sc: int) -> bool:
            leads = [all(t < 0 or t in safe for t in codes) for codes in targets[sc]]
            return all(leads) or any(
                req is None and ok for req, ok in zip(c.requires[sc], leads, strict=True)
            )

        callers: dict[int, set[int]] = {}
        for sc in seen:
            for t in edges[sc]:
                callers.setdefault(t, set()).add(sc)
        work = [sc for sc in seen if is_safe(sc)]
        safe.update(work)
        while work:  # a scene found safe may make its callers safe
            for sc in callers.get(work.pop(), ()):
                if sc not in safe and is_safe(sc):
                    safe.add(sc)
                    work.append(sc)
        return not seen <= safe

    @staticmethod
    def _cyclic(start_scene: int, edges: list[set[int]]) -> bool:
        """Whether the scene map has a cycle reachable from the start."""
        colour = bytearray(len(edges))  # 0 new, 1 on the stack, 2 done
        stack = [(start_scene, iter(edges[start_scene]))]
        colour[start_scene] = 1
        while stack:
            node, it = stack[-1]
            for nxt in it:
                if colour[nxt] == 1:
                    return True
                if colour[nxt] == 0:
                    colour[nxt] = 1
                    stack.append((nxt, iter(edges[nxt])))
                    break
            else:
                colour[node] = 2
                stack.pop()
        return False

    def bfs(
        self,
        start: int,
        max_states: int,
        progress: Progress | None = None,
        *,
        edges: bool = False,
        expand: int = -1,
    ) -> Raw:
        """The search. `edges` keeps every edge (to find states with no way out);
        `expand` >= 0 stops after expanding that many states (for tests)."""
        c = self.c
        cb = c.max_choices
        space = len(c.scene_ids) << c.shift
        # per state: the state (8 bytes) and its first arrival (4 or 8); no int objects
        states: array[int] | list[int] = array("q") if space <= 1 << 63 else []
        states.append(start)
        arrival = _int_array(max_states * cb)
        arrival.append(-1)
        first_end = [-1] * len(c.ending_ids)
        dead: dict[int, int] = {}
        queue = states if expand < 0 else islice(states, expand)
        if edges:
            limit = max_states * max(cb, len(c.ending_ids))  # edges per state, at most
            succ, offsets = _int_array(limit), _int_array(limit)
            offsets.append(0)
            index = _seen_table(space, 4 if max_states < 1 << 31 else 8, max_states)
            index[start] = 1  # a state's index + 1; 0: not met yet
            full = self._loop_edges(
                states, queue, arrival, first_end, dead, succ, offsets, index, max_states, progress
            )
        else:
            succ, offsets = None, array("q")
            seen = _seen_table(space, 1, max_states)
            seen[start] = 1
            full = self._loop(states, queue, arrival, first_end, dead, seen, max_states, progress)
        complete = not full and expand < 0
        return Raw(states, arrival, succ, offsets, first_end, dead, complete)

    # The two loops below are the search itself: per state, one lookup in `memo` and,
    # per open choice, an `or`, an `and` and a look in the table of states met.

    def _loop(
        self,
        states: Any,
        queue: Iterable[int],
        arrival: array[int],
        first_end: list[int],
        dead: dict[int, int],
        seen: Any,
        max_states: int,
        progress: Progress | None,
    ) -> bool:
        t0 = time.perf_counter()
        shift, cb, every = self.c.shift, self.c.max_choices, PROGRESS_MASK
        masks, memo, compute = self.masks, self.memo, self.entry
        get = memo.get
        room = min(SCENE_MEMO_BUDGET, max(1024, max_states // 4)) - len(memo)
        push, arrive = states.append, arrival.append
        # the fast loop runs while a state's successors all fit under max_states (no
        # check per push); the careful one below takes over near the limit
        fits = max_states - cb
        queue = iter(queue)
        done = 0  # states expanded by the fast loop
        if len(states) <= fits:
            for i, s in enumerate(queue):
                key = s & masks[s >> shift]
                entry = get(key)
                if entry is None:
                    entry = compute(key)
                    if room > 0:
                        memo[key] = entry
                        room -= 1
                go, end = entry
                base = i * cb
                for bits, passed, ci in go:
                    n = bits | (s & passed)
                    if not seen[n]:
                        seen[n] = 1
                        push(n)
                        arrive(base + ci)
                if end:
                    for ci, e, bits, passed in end:
                        if bits >= 0:  # a dead end: this state is never entered
                            n = bits | (s & passed)
                            if n not in dead:
                                dead[n] = base + ci
                        if first_end[e] < 0:
                            first_end[e] = base + ci
                if not i & every and progress is not None and i:
                    progress(i, time.perf_counter() - t0)
                if len(states) > fits:
                    done = i + 1
                    break
            else:
                return False  # every state expanded, all under the limit
        full = False
        for i, s in enumerate(queue, done):
            key = s & masks[s >> shift]
            entry = get(key)
            if entry is None:
                entry = compute(key)
            go, end = entry
            for bits, passed, ci in go:
                n = bits | (s & passed)
                if not seen[n]:
                    if len(states) >= max_states:
                        full = True
                        continue
                    seen[n] = 1
                    push(n)
                    arrive(i * cb + ci)
            for ci, e, bits, passed in end:
                if bits >= 0:
                    n = bits | (s & passed)
                    if n not in dead:
                        dead[n] = i * cb + ci
                if first_end[e] < 0:
                    first_end[e] = i * cb + ci
        return full

    def _loop_edges(
        self,
        states: Any,
        queue: Iterable[int],
        arrival: array[int],
        first_end: list[int],
        dead: dict[int, int],
        succ: array[int],
        offsets: array[int],
        index: Any,
        max_states: int,
        progress: Progress | None,
    ) -> bool:
        t0 = time.perf_counter()
        shift, cb, every = self.c.shift, self.c.max_choices, PROGRESS_MASK
        masks, memo, compute = self.masks, self.memo, self.entry
        get = memo.get
        room = min(SCENE_MEMO_BUDGET, max(1024, max_states // 4)) - len(memo)
        push, arrive, link, close = states.append, arrival.append, succ.append, offsets.append
        full = False
        i = 0
        for s in queue:
            key = s & masks[s >> shift]
            entry = get(key)
            if entry is None:
                entry = compute(key)
                if room > 0:
                    memo[key] = entry
                    room -= 1
            go, end = entry
            for bits, passed, ci in go:
                n = bits | (s & passed)
                j = index[n]
                if not j:
                    j = len(states) + 1
                    if j > max_states:
                        full = True
                        continue
                    index[n] = j
                    push(n)
                    arrive(i * cb + ci)
                link(j - 1)
            for ci, e, bits, passed in end:
                if bits >= 0:  # a dead end: this state is never entered
                    n = bits | (s & passed)
                    if n not in dead:
                        dead[n] = i * cb + ci
                link(-1 - e)
                if first_end[e] < 0:
                    first_end[e] = i * cb + ci
            close(len(succ))
            i += 1
            if not i & every and progress is not None:
                progress(i, time.perf_counter() - t0)
        return full

    def run(self, start: int, max_states: int, progress: Progress | None = None) -> Raw:
        """The search from `start`, keeping its edges only when the scene map cannot
        prove that every state can reach an ending (`may_trap`)."""
        edges = self.may_trap(start >> self.c.shift)
        collecting = gc.isenabled()
        gc.disable()  # the search makes no reference cycles: spare it the collector's scans
        try:
            raw = self.bfs(start, max_states, progress, edges=edges)
        finally:
            if collecting:
                gc.enable()
        return raw

    def path(self, raw: Raw, packed: int) -> Path:
        """The choices from the start to an arrival (parent index * cb + choice): BFS
        parents, so a shortest way."""
        c = self.c
        steps = []
        while packed >= 0:
            i, ci = divmod(packed, c.max_choices)
            s = raw.states[i]
            sid = c.scene_ids[s >> c.shift]
            steps.append((sid, c.story.scenes[sid].choices[ci].id))
            packed = raw.arrived(i)
        return tuple(reversed(steps))
