"""What authors ask of a story: every state searched, and random playthroughs.

`explore` is a breadth-first search of the game's states (scene, meter values,
flags) from a role's start. Each state is visited once, however many paths lead
to it, so the work grows with the number of states, never with the number of
paths. A state is one int: the scene index, a bit field per meter, and a bit per
flag that some condition tests (a flag nothing tests changes no outcome, so it is
left out). The rules of `game.core.engine.choose` are mirrored on these ints: effects,
clamp, set/clear, routes, immediate endings, then the goto; entering a scene with
no open choice ends the game by rank (a dead end). Work is shared between states
by memo tables keyed by just the bits each part reads: a scene's outcomes are
computed once for all the states that differ only in what the scene ignores.

The warnings and statistics of `check` built on this are in `game.tools.stats`.
"""

from __future__ import annotations

import functools
import gc
import mmap
import random
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

import attrs

from game.core import engine
from game.core.model import Condition, Story

Step = tuple[str, str]  # (scene id, choice id)
Path = tuple[Step, ...]
Progress = Callable[[int, float], None]

#: a memo table stops growing here (then computes without storing): bounded memory
MEMO_CAP = 1 << 18
#: the scene tables of one search keep at most this many entries in all (about 100 MB),
#: and no more than a quarter of --max-states; past that they compute without keeping
SCENE_MEMO_BUDGET = 1 << 18
#: the table of states met is dense (a slot per packed state) when it takes at most
#: DENSE_MIN bytes, or 64 per state allowed up to DENSE_MAX; else a dict
DENSE_MIN = 1 << 24
DENSE_MAX = 1 << 28
#: the search reports its progress every PROGRESS_MASK + 1 states
PROGRESS_MASK = 0xFFFF
#: random playthroughs stop after this many choices (a story may loop forever)
MAX_RANDOM_STEPS = 1_000


# -- results ---------------------------------------------------------------------


@attrs.frozen
class DeadEnd:
    """A scene entered with no open choice: the engine ends the game there by rank."""

    scene: str
    states: int  # distinct states that enter it so
    ending: str  # where the first (shortest) of them ends
    path: Path  # the choices that reach it; () with `stuck`: the role's start itself
    stuck: bool = False  # the start scene with nothing open: the game cannot go on


@attrs.frozen
class Trap:
    """States at a scene from which no ending can be reached (a cycle with no way out)."""

    scene: str
    states: int
    path: Path  # the shortest way into the first of them


@attrs.frozen
class RoleReport:
    role: str
    states: int
    complete: bool  # False: stopped at max_states; what is listed is what was covered
    endings: Mapping[str, Path | None]  # the shortest witness, or None if never reached
    reached_scenes: frozenset[str]
    unreachable_scenes: tuple[str, ...]  # scenes open to this role that it never sees
    unreachable_choices: tuple[Step, ...]  # choices of reached scenes never open
    dead_ends: tuple[DeadEnd, ...]
    traps: tuple[Trap, ...] | None  # None when the search was not complete
    meter_ranges: Mapping[str, Mapping[str, tuple[int, int]]]  # scene -> meter -> (lo, hi)
    wrong_role_scenes: tuple[str, ...]  # reached, though the scene's `roles` leaves us out
    seconds: float

    @property
    def unreachable_endings(self) -> tuple[str, ...]:
        return tuple(e for e, path in self.endings.items() if path is None)


# -- the compiled story ------------------------------------------------------------

Pred = Callable[[Sequence[int], int], bool]


class _Memo(dict[int, Any]):
    """A lazily filled table: `table[key]` computes `fn(key)` once. It keeps at most
    MEMO_CAP keys (past those it computes without keeping), so memory stays bounded."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[int], Any]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: int) -> Any:
        value = self.fn(key)
        if len(self) < MEMO_CAP:
            self[key] = value
        return value


def _condition_flags(cond: Condition | None) -> set[str]:
    if cond is None:
        return set()
    names = set(cond.flags | cond.not_flags)
    for sub in cond.any:
        names |= _condition_flags(sub)
    return names


def tested_conditions(story: Story) -> Iterable[Condition]:
    """Every condition that can change where a game goes (not passages: they are text)."""
    for scene in story.scenes.values():
        for choice in scene.choices:
            if choice.requires is not None:
                yield choice.requires
            for route in choice.routes:
                yield route.when
    for ending in story.endings.values():
        if ending.when is not None:
            yield ending.when


class Compiled:
    """A story turned into ints and predicates for the search. Shared by all roles.

    A state holds the flags that the story's tested conditions read, and those of
    `also` (conditions that never change play, e.g. `asserts`, to be read in states)."""

    def __init__(self, story: Story, also: Iterable[Condition] = ()) -> None:
        self.story = story
        self.scene_ids = list(story.scenes)
        self.scene_index = {s: i for i, s in enumerate(self.scene_ids)}
        self.ending_ids = list(story.endings)
        self.ending_index = {e: i for i, e in enumerate(self.ending_ids)}
        self.meters = list(story.meters.values())
        self.meter_index = {m.id: i for i, m in enumerate(self.meters)}
        self.lows = [m.min for m in self.meters]
        self.highs = [m.max for m in self.meters]
        # each meter has a bit field (its value minus its min), so a table can be keyed
        # by just the meters its conditions read
        self.offsets = []
        self.widths = [(m.max - m.min).bit_length() for m in self.meters]
        self.mbits = 0
        for width in self.widths:
            self.offsets.append(self.mbits)
            self.mbits += width
        flags: set[str] = set()
        for cond in (*tested_conditions(story), *also):
            flags |= _condition_flags(cond)
        self.flags = sorted(flags)
        self.flag_bit = {f: 1 << i for i, f in enumerate(self.flags)}
        self.fbits = len(self.flags)
        self.fmask = (1 << self.fbits) - 1
        self.shift = self.fbits + self.mbits  # the scene index starts here
        self.meter_key = ((1 << self.mbits) - 1) << self.fbits
        self.meter_field = {
            m.id: ((1 << w) - 1) << (o + self.fbits)
            for m, o, w in zip(self.meters, self.offsets, self.widths, strict=True)
        }
        self._preds: dict[int, Pred] = {}
        self._tables: dict[int, tuple[_Memo, int]] = {}
        order = [self.ending_index[e] for e in story.ending_order]
        self.rank = [(story.endings[self.ending_ids[e]].when, e) for e in order]
        self.immediate = [
            (when, e) for when, e in self.rank if story.endings[self.ending_ids[e]].immediate
        ]
        self.rank_reads = self.reads(story.endings[e].when for e in story.ending_order)
        self.immediate_reads = self.reads(
            e.when for e in story.endings.values() if e.immediate and e.when
        )
        self.immediate_flags = self.immediate_reads & self.fmask
        # per scene: the `requires` of each choice (or None), and the bits they read
        self.requires: list[list[Condition | None]] = []
        self.open_reads: list[int] = []
        for sid in self.scene_ids:
            choices = story.scenes[sid].choices
            self.requires.append([c.requires for c in choices])
            self.open_reads.append(self.reads(c.requires for c in choices))
        self.max_choices = max((len(s.choices) for s in story.scenes.values()), default=0) + 1

    # conditions -> predicates on (meter values, flag bits)
    def reads(self, conds: Iterable[Condition | None]) -> int:
        """The state bits these conditions read: their flags and their meters' fields."""
        bits = 0
        for cond in conds:
            if cond is None:
                continue
            for name in _condition_flags(cond):
                bits |= self.flag_bit[name]
            for meter in cond.meters:
                bits |= self.meter_field[meter]
            bits |= self.reads(cond.any)
        return bits

    def pred(self, cond: Condition | None) -> Pred | None:
        if cond is None:
            return None
        cached = self._preds.get(id(cond))
        if cached is not None:
            return cached
        bounds = [
            (
                self.meter_index[m],
                self.lows[self.meter_index[m]] if b.min is None else b.min,
                self.highs[self.meter_index[m]] if b.max is None else b.max,
            )
            for m, b in cond.meters.items()
        ]
        need = sum(self.flag_bit[f] for f in cond.flags)
        forbid = sum(self.flag_bit[f] for f in cond.not_flags)
        subs = [p for p in map(self.pred, cond.any) if p is not None]

        def holds(values: Sequence[int], flags: int) -> bool:
            for i, lo, hi in bounds:
                if not lo <= values[i] <= hi:
                    return False
            if flags & need != need or flags & forbid:
                return False
            return not subs or any(p(values, flags) for p in subs)

        self._preds[id(cond)] = holds
        return holds

    # meter values <-> the meter bits (not shifted past the flags)
    def decode(self, m: int) -> list[int]:
        return [
            lo + ((m >> off) & ((1 << w) - 1))
            for lo, off, w in zip(self.lows, self.offsets, self.widths, strict=True)
        ]

    def encode(self, values: Sequence[int]) -> int:
        return sum(
            (v - lo) << off for v, lo, off in zip(values, self.lows, self.offsets, strict=True)
        )

    def state(self, scene: str, meters: Mapping[str, int], flags: Iterable[str]) -> int:
        values = [meters[m.id] for m in self.meters]
        bits = sum(self.flag_bit.get(f, 0) for f in set(flags))
        return self.scene_index[scene] << self.shift | self.encode(values) << self.fbits | bits

    def unpack(self, s: int) -> tuple[str, dict[str, int], frozenset[str]]:
        """A state as (scene, meters, the tested flags that are set)."""
        values = self.decode((s >> self.fbits) & ((1 << self.mbits) - 1))
        meters = {m.id: v for m, v in zip(self.meters, values, strict=True)}
        flags = frozenset(f for f, bit in self.flag_bit.items() if s & bit)
        return self.scene_ids[s >> self.shift], meters, flags

    def holds(self, cond: Condition | None, key: int) -> bool:
        """Whether `cond` holds in a state (or any key with the bits it reads): a table
        per condition, keyed by just those bits."""
        if cond is None:
            return True
        entry = self._tables.get(id(cond))
        if entry is None:
            pred = self.pred(cond)
            assert pred is not None
            table = _Memo(lambda k: pred(*self.values_flags(k)))
            entry = self._tables[id(cond)] = (table, self.reads([cond]))
        table, mask = entry
        return bool(table[key & mask])

    def is_open(self, scene: int, key: int) -> list[int]:
        return [ci for ci, req in enumerate(self.requires[scene]) if self.holds(req, key)]

    def goto_code(self, goto: str) -> int:
        """A scene index (>= 0), -1 for "end" (by rank), or -2 - ending for "end:<id>"."""
        if goto == engine.END:
            return -1
        if goto.startswith(engine.END_PREFIX):
            return -2 - self.ending_index[goto[len(engine.END_PREFIX) :]]
        return self.scene_index[goto]

    def values_flags(self, key: int) -> tuple[list[int], int]:
        return self.decode((key >> self.fbits) & ((1 << self.mbits) - 1)), key & self.fmask

    # the slow paths behind the memo tables: each takes a key (meter bits | flag bits)
    def effect_reads(self, deltas: tuple[tuple[int, int], ...]) -> int:
        """The meter fields an effect table is keyed by: the meters it moves, and those
        the immediate endings read when these read no flags (then it checks them)."""
        bits = sum(self.meter_field[self.meters[i].id] for i, _ in deltas)
        if not self.immediate_flags:
            bits |= self.immediate_reads
        return bits

    def effect(self, deltas: tuple[tuple[int, int], ...], key: int) -> int:
        """The meter bits of `effect_reads` after the effects (clamped); or, when the
        immediate endings read no flags, -1 - the first of them that holds."""
        values, _ = self.values_flags(key)
        for i, delta in deltas:
            values[i] = max(self.lows[i], min(self.highs[i], values[i] + delta))
        after = self.encode(values) << self.fbits
        if not self.immediate_flags:
            for when, e in self.immediate:
                if self.holds(when, after):
                    return -1 - e
        return after & self.effect_reads(deltas)

    def route(self, scene: int, ci: int, key: int) -> int:
        choice = self.story.scenes[self.scene_ids[scene]].choices[ci]
        for route in choice.routes:
            if self.holds(route.when, key):
                return self.goto_code(route.goto)
        return self.goto_code(choice.goto)

    def always_open(self, scene: int) -> bool:
        return None in self.requires[scene]

    def immediate_end(self, key: int) -> int:
        for when, e in self.immediate:
            if self.holds(when, key):
                return e
        return -1

    def rank_end(self, key: int) -> int:
        """The ending `goto = "end"` reaches from a state: the first by rank that holds."""
        for when, e in self.rank:
            if self.holds(when, key):
                return e
        raise engine.GameError("no ending holds; the story needs a fallback ending")


Target = tuple[int, "_Memo | None", int]  # (scene << shift or goto code, open table, mask)
#: a choice compiled for one scene: (choice, effect table, its mask, set bits, flags kept,
#: route table, its mask, target, its open table, its mask, bits passed on unread)
Record = tuple[int, "_Memo", int, int, int, "_Memo | None", int, int, "_Memo | None", int, int]
#: what a state's scene makes of it, keyed by the bits the scene reads: the choices that
#: go on as (next state's bits, bits of the state passed on, choice), the next state
#: being `bits | (state & passed)`; then the choices that end the game as (choice,
#: ending, the dead end's bits or -1, passed): a dead end is a state entered with
#: nothing open, which the engine ends by rank. See `Search.entry`.
Entry = tuple[tuple[tuple[int, int, int], ...], tuple[tuple[int, int, int, int], ...]]


@attrs.define
class _Raw:
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
        self.opens: list[tuple[_Memo, int]] = [
            (_Memo(functools.partial(self._open, sc)), c.open_reads[sc])
            for sc in range(len(c.scene_ids))
        ]
        # where a goto leads: a scene's open table and mask (-1: always open), or an ending
        self.targets: list[Target] = [
            (sc << c.shift, table, -1 if c.always_open(sc) else key)
            for sc, (table, key) in enumerate(self.opens)
        ]
        # per scene: the bits any of its choices reads (all else passes through)
        reads = [self._scene_reads(sc) for sc in range(len(c.scene_ids))]
        effects: dict[tuple[tuple[int, int], ...], _Memo] = {}
        self.records: list[list[Record]] = []
        for sc, sid in enumerate(c.scene_ids):
            recs: list[Record] = []
            for ci, choice in enumerate(c.story.scenes[sid].choices):
                deltas = tuple(sorted((c.meter_index[m], d) for m, d in choice.effects.items()))
                etab = effects.get(deltas)
                if etab is None:
                    etab = effects[deltas] = _Memo(functools.partial(c.effect, deltas))
                rtab, rmask = None, 0
                if choice.routes:
                    rtab = _Memo(functools.partial(self._route, sc, ci))
                    rmask = c.reads(r.when for r in choice.routes)
                set_bits = sum(c.flag_bit.get(f, 0) for f in choice.set)
                keep = c.fmask & ~sum(c.flag_bit.get(f, 0) for f in choice.clear)
                target, ot, om = self._target(c.goto_code(choice.goto))
                em = c.effect_reads(deltas)
                passed = (keep | c.meter_key) & ~reads[sc]
                recs.append((ci, etab, em, set_bits, keep, rtab, rmask, target, ot, om, passed))
            self.records.append(recs)
        # immediate endings that test flags (those on meters alone are in the effect tables)
        self.itab = _Memo(c.immediate_end) if c.immediate_flags else None
        self.imask = c.immediate_reads
        self.rank = _Memo(c.rank_end)
        self.rank_mask = c.rank_reads
        # one table for every scene: a state's `Entry`, keyed by the state under its
        # scene's mask (the scene's reads and the scene index: -1 << shift keeps it).
        # A plain dict, filled by `bfs` itself: the cheapest lookup there is
        self.memo: dict[int, Entry] = {}
        self.masks = [bits | (-1 << c.shift) for bits in reads]
        self._entry_context = (
            *(c.shift, c.meter_key, self.opens),
            *(self.itab, self.imask, self.rank, self.rank_mask),
        )

    def _scene_reads(self, sc: int) -> int:
        c = self.c
        bits = c.open_reads[sc] | c.immediate_reads
        for choice in c.story.scenes[c.scene_ids[sc]].choices:
            bits |= sum(c.meter_field[m] for m in choice.effects)
            bits |= c.reads(r.when for r in choice.routes)
            for code in map(c.goto_code, (choice.goto, *(r.goto for r in choice.routes))):
                if code == -1:
                    bits |= c.rank_reads
                elif code >= 0:
                    bits |= c.open_reads[code] | (0 if c.always_open(code) else c.rank_reads)
        return bits

    def entry(self, key: int) -> Entry:
        """What the open choices of a state do, from the state's bits under its scene's
        mask (`key`): effects, clamp, set/clear, routes, immediate endings, the goto,
        and a dead end if the scene entered has nothing open (see `Entry`)."""
        shift, meter_key, scenes, itab, imask, rank, rank_mask = self._entry_context
        opens, omask = scenes[key >> shift]
        mk = key & meter_key
        go: list[tuple[int, int, int]] = []
        end: list[tuple[int, int, int, int]] = []
        for ci, etab, em, sm, kp, rtab, rmask, t, ot, om, passed in opens[key & omask]:
            k = mk & em
            r = etab[k]  # the meters after the effects, or -1 - an immediate ending
            if r < 0:
                end.append((ci, -1 - r, -1, 0))
                continue
            r |= mk ^ k  # the meters the effects do not read
            f = (key | sm) & kp  # the flags after set and clear
            if rtab is not None:
                t, ot, om = rtab[r | (f & rmask)]
            if itab is not None:
                e = itab[r | (f & imask)]
                if e >= 0:
                    end.append((ci, e, -1, 0))
                    continue
            if t >= 0:  # a scene: t is its index << shift
                n = t | r | f
                if om < 0 or ot[n & om]:
                    go.append((n, passed, ci))
                else:  # entered with nothing open: the engine ends the game by rank
                    end.append((ci, rank[r | (f & rank_mask)], n, passed))
            elif t == -1:  # goto "end": by rank
                end.append((ci, rank[r | (f & rank_mask)], -1, 0))
            else:  # goto "end:<id>": t = -2 - ending
                end.append((ci, -2 - t, -1, 0))
        return tuple(go), tuple(end)

    def _target(self, code: int) -> Target:
        return self.targets[code] if code >= 0 else (code, None, -1)

    def _route(self, sc: int, ci: int, key: int) -> Target:
        return self._target(self.c.route(sc, ci, key))

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
            [
                {c.goto_code(g) for g in (ch.goto, *(r.goto for r in ch.routes))}
                for ch in c.story.scenes[sid].choices
            ]
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
    ) -> _Raw:
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
        return _Raw(states, arrival, succ, offsets, first_end, dead, complete)

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
                if not seen[n]:
                    if len(states) >= max_states:
                        full = True
                        continue
                    seen[n] = 1
                    push(n)
                    arrive(i * cb + ci)
            if end:
                for ci, e, bits, passed in end:
                    if bits >= 0:  # a dead end: this state is never entered
                        n = bits | (s & passed)
                        if n not in dead:
                            dead[n] = i * cb + ci
                    if first_end[e] < 0:
                        first_end[e] = i * cb + ci
            i += 1
            if not i & every and progress is not None:
                progress(i, time.perf_counter() - t0)
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

    def run(self, start: int, max_states: int, progress: Progress | None = None) -> RoleReport:
        t0 = time.perf_counter()
        edges = self.may_trap(start >> self.c.shift)
        collecting = gc.isenabled()
        gc.disable()  # the search makes no reference cycles: spare it the collector's scans
        try:
            raw = self.bfs(start, max_states, progress, edges=edges)
        finally:
            if collecting:
                gc.enable()
        return self._report(raw, t0)

    # -- turning the search into answers --

    def path(self, raw: _Raw, packed: int) -> Path:
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

    def _report(self, raw: _Raw, t0: float) -> RoleReport:
        c = self.c
        story = c.story
        endings = {
            eid: None if raw.first_end[e] < 0 else self.path(raw, raw.first_end[e])
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
            for meter, off, width in zip(c.meters, c.offsets, c.widths, strict=True):
                field = (1 << width) - 1
                values = {(m >> off) & field for m in at[sc]}
                found[meter.id] = (meter.min + min(values), meter.min + max(values))
        reached = frozenset(ranges)
        role = self.role
        unreachable = tuple(
            sid
            for sid, scene in story.scenes.items()
            if sid not in reached and (not scene.roles or role in scene.roles)
        )
        never_open = tuple(
            (sid, choice.id)
            for sc, sid in enumerate(c.scene_ids)
            if sid in reached
            for ci, choice in enumerate(story.scenes[sid].choices)
            if not self.taken[self.first_choice[sc] + ci]
        )
        dead_ends = self._dead_ends(raw)
        start = raw.states[0]
        table, omask = self.opens[start >> c.shift]
        if not table[start & omask]:
            e = c.rank_end(start)
            stuck = DeadEnd(c.scene_ids[start >> c.shift], 1, c.ending_ids[e], (), stuck=True)
            dead_ends = (stuck, *dead_ends)
            # as in the engine: a start with nothing open ends at once, by rank
            endings[c.ending_ids[e]] = ()
        wrong = tuple(
            sid
            for sid in sorted(reached)
            if story.scenes[sid].roles and role not in story.scenes[sid].roles
        )
        traps: tuple[Trap, ...] | None = None
        if raw.complete and raw.succ is not None:
            traps = self._traps(raw, raw.succ)
        elif raw.complete:
            # the map proves every path can end (`may_trap`); a stuck start ends by rank
            traps = ()
        return RoleReport(
            role=role,
            states=len(raw.states),
            complete=raw.complete,
            endings=endings,
            reached_scenes=reached,
            unreachable_scenes=unreachable,
            unreachable_choices=never_open,
            dead_ends=dead_ends,
            traps=traps,
            meter_ranges=ranges,
            wrong_role_scenes=wrong,
            seconds=time.perf_counter() - t0,
        )

    def _dead_ends(self, raw: _Raw) -> tuple[DeadEnd, ...]:
        c = self.c
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
                path=self.path(raw, raw.dead[first[sc]]),
            )
            for sc, arrivals in by_scene.items()
        ]
        return tuple(sorted(result, key=lambda d: (len(d.path), d.path)))

    def _traps(self, raw: _Raw, succ: array[int]) -> tuple[Trap, ...]:
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
        c = self.c
        by_scene: dict[int, list[int]] = {}
        for i in left:
            if not ok[i]:
                by_scene.setdefault(states[i] >> c.shift, []).append(i)
        return tuple(
            Trap(c.scene_ids[sc], len(found), self.path(raw, raw.arrived(found[0])))
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
    """Search every state a role can reach (up to `max_states`)."""
    c = compiled if compiled is not None else Compiled(story)
    if role not in story.roles:
        raise engine.GameError(f"no role '{role}'; the story has: {', '.join(story.roles)}")
    start = c.state(story.roles[role].start, {m.id: m.start for m in c.meters}, ())
    return Search(c, role).run(start, max(1, max_states), progress)


def explore_all(
    story: Story,
    roles: Iterable[str] | None = None,
    *,
    max_states: int = 2_000_000,
    progress: Progress | None = None,
) -> dict[str, RoleReport]:
    c = Compiled(story)
    return {
        role: explore(story, role, max_states=max_states, progress=progress, compiled=c)
        for role in (roles if roles is not None else story.roles)
    }


Outcome = tuple[str, str, Mapping[str, int], frozenset[str]]


def successors(
    compiled: Compiled, state: engine.GameState, search: Search | None = None
) -> dict[str, Outcome]:
    """What the search makes of each open choice of `state` (for tests against
    `engine.choose`): choice id -> ("scene", id, meters, tested flags set) or ("end",
    ending id, {}, {}). It reads the search's table as its loop does, and runs the loop
    itself over the state; call it twice with one `search` to test both the cold path
    (the table filled) and the warm one (the table read)."""
    c = compiled
    assert state.scene is not None
    search = search if search is not None else Search(c, state.role)
    s = c.state(state.scene, state.meters, state.flags)
    key = s & search.masks[s >> c.shift]
    cached = search.memo.get(key)
    go, end = search.entry(key) if cached is None else cached
    raw = search.bfs(s, 1 << 40, edges=True, expand=1)
    assert raw.succ is not None
    found: dict[int, Outcome] = {}
    for (bits, passed, ci), n in zip(go, raw.succ, strict=False):
        scene, meters, flags = c.unpack(bits | (s & passed))
        assert c.state(scene, meters, flags) == raw.states[n]  # the loop's own answer
        found[ci] = ("scene", scene, meters, flags)
    for ci, e, _, _ in end:
        found[ci] = ("end", c.ending_ids[e], {}, frozenset())
    choices = c.story.scenes[state.scene].choices
    return {choices[ci].id: found[ci] for ci in sorted(found)}


# -- random playthroughs ---------------------------------------------------------------


@attrs.frozen
class RandomReport:
    role: str
    runs: int
    endings: Mapping[str, int]  # every ending, with how many runs reached it
    unfinished: int  # games not ended after `max_steps` choices, or stuck at the start
    mean_choices: float  # per game that ended
    mean_words: float  # shown per game that ended: scene and ending texts, passages, choices
    picks: Mapping[Step, int]  # how often each choice was picked

    def share(self, ending: str) -> float:
        return self.endings[ending] / self.runs if self.runs else 0.0


def words(text: str) -> int:
    return len(text.split())


class _Reader:
    """What a player is shown in a state, in words, and which choices are open: the
    engine's rules (`holds`), without building every option at every step."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.fixed = {
            sid: words(scene.text) + sum(words(c.text) for c in scene.choices if not c.hide_locked)
            for sid, scene in story.scenes.items()
        }

    def shown(self, state: engine.GameState) -> int:
        if state.ending is not None:
            ending = self.story.endings[state.ending]
            return words(ending.text) + sum(
                words(p.text) for p in ending.passages if engine.holds(p.when, state)
            )
        assert state.scene is not None
        scene = self.story.scenes[state.scene]
        count = self.fixed[state.scene]
        count += sum(words(p.text) for p in scene.passages if engine.holds(p.when, state))
        return count + sum(
            words(c.text)
            for c in scene.choices
            if c.hide_locked and engine.holds(c.requires, state)
        )

    def open_choices(self, state: engine.GameState) -> list[str]:
        if state.scene is None or state.over:
            return []
        choices = self.story.scenes[state.scene].choices
        return [c.id for c in choices if engine.holds(c.requires, state)]


def random_play(
    story: Story,
    role: str,
    runs: int,
    seed: int = 0,
    *,
    max_steps: int = MAX_RANDOM_STEPS,
    work: int | None = None,
) -> RandomReport:
    """`runs` games through the engine, each choice picked uniformly among the open
    ones (the same seed, the same games). A game not ended after `max_steps` choices
    counts as unfinished; the means are over the games that ended (over all of them if
    none did). `work` caps the choices weighed over all games (a scene of a thousand
    choices costs a thousand a step): past it no game is started or counted."""
    rng = random.Random(f"{seed}:{role}")
    reader = _Reader(story)
    endings: Counter[str] = Counter({e: 0 for e in story.endings})
    picks: Counter[Step] = Counter()
    totals = [0, 0, 0, 0]  # choices and words: of the games that ended, of all
    played = unfinished = 0
    budget = work
    for _ in range(runs):
        state = engine.new_game(story, role)
        seen = reader.shown(state)
        cut = False
        for _ in range(max_steps):
            choices = reader.open_choices(state)
            if not choices:
                break
            assert state.scene is not None
            if budget is not None:
                budget -= 2 * len(story.scenes[state.scene].choices)
                if budget < 0:
                    cut = True
                    break
            choice = rng.choice(choices)
            picks[(state.scene, choice)] += 1
            state = engine.choose(story, state, choice)
            seen += reader.shown(state)
        if cut:
            break
        played += 1
        if state.ending is None:
            unfinished += 1
        else:
            endings[state.ending] += 1
            totals[0] += len(state.history)
            totals[1] += seen
        totals[2] += len(state.history)
        totals[3] += seen
    ended = played - unfinished
    if ended:
        mean_choices, mean_words = totals[0] / ended, totals[1] / ended
    else:
        mean_choices, mean_words = totals[2] / max(played, 1), totals[3] / max(played, 1)
    return RandomReport(
        role=role,
        runs=played,
        endings=dict(endings),
        unfinished=unfinished,
        mean_choices=mean_choices,
        mean_words=mean_words,
        picks=dict(picks),
    )


# -- the `explore` command ---------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _steps(path: Path) -> str:
    return " → ".join(f"{scene}/{choice}" for scene, choice in path) or "(at the start)"


def explore_json(
    story: Story, reports: Mapping[str, RoleReport], max_states: int
) -> dict[str, Any]:
    roles: dict[str, Any] = {}
    for role, r in reports.items():
        roles[role] = {
            "states": r.states,
            "complete": r.complete,
            "endings": {
                e: {"reachable": p is not None, "path": None if p is None else [list(s) for s in p]}
                for e, p in r.endings.items()
            },
            "unreachable_scenes": list(r.unreachable_scenes),
            "unreachable_choices": [list(s) for s in r.unreachable_choices],
            "dead_ends": [
                {
                    "scene": d.scene,
                    "states": d.states,
                    "ending": d.ending,
                    "stuck": d.stuck,
                    "path": [list(s) for s in d.path],
                }
                for d in r.dead_ends
            ],
            "no_way_out": None
            if r.traps is None
            else [
                {"scene": t.scene, "states": t.states, "path": [list(s) for s in t.path]}
                for t in r.traps
            ],
            "wrong_role_scenes": list(r.wrong_role_scenes),
            "meter_ranges": {
                scene: {m: list(lo_hi) for m, lo_hi in meters.items()}
                for scene, meters in r.meter_ranges.items()
            },
        }
    reached = set().union(*(r.reached_scenes for r in reports.values()))
    return {
        "story": {"id": story.id, "version": story.version},
        "max_states": max_states,
        "complete": all(r.complete for r in reports.values()),
        "unreachable_scenes": [s for s in story.scenes if s not in reached],
        "roles": roles,
    }


def explore_text(
    story: Story,
    reports: Mapping[str, RoleReport],
    max_states: int,
    more: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The report as text; `more`: lines to add to a role's part (before the meter ranges)."""
    out = [f"Exploring '{story.title}' ({story.id} v{story.version}) from each role's start."]
    for role, r in reports.items():
        out.append("")
        status = (
            "every state searched"
            if r.complete
            else (f"STOPPED at --max-states {max_states:,}: what follows covers only these states")
        )
        out.append(
            f"Role {role} ({story.roles[role].label}): {_plural(r.states, 'state')}, {status}"
        )
        out.append("  Endings:")
        width = max(map(len, r.endings), default=0)
        for e, p in r.endings.items():
            if p is None:
                how = "never reached" + ("" if r.complete else " (in the states covered)")
            else:
                how = f"in {_plural(len(p), 'choice')}: {_steps(p)}"
            out.append(f"    {e:<{width}}  {how}")
        none = "none"
        out.append(f"  Scenes never reached: {', '.join(r.unreachable_scenes) or none}")
        never = ", ".join(f"{s}/{c}" for s, c in r.unreachable_choices)
        out.append(f"  Choices never open: {never or none}")
        out.append("  Dead ends (a scene entered with no open choice; the game ends by rank):")
        for d in r.dead_ends:
            if d.stuck:
                out.append(f"    {d.scene}: the role starts here with nothing open")
            else:
                out.append(
                    f"    {d.scene}: {_plural(d.states, 'state')}, first via {_steps(d.path)} "
                    f"-> ends '{d.ending}'"
                )
        if not r.dead_ends:
            out[-1] += " none"
        if r.traps is None:
            out.append("  No way out: unknown (the search was not complete)")
        else:
            out.append("  No way out (states from which no ending can be reached):")
            for t in r.traps:
                out.append(
                    f"    {t.scene}: {_plural(t.states, 'state')}, first via {_steps(t.path)}"
                )
            if not r.traps:
                out[-1] += " none"
        if r.wrong_role_scenes:
            out.append(
                f"  Reached though their `roles` leave {role} out: {', '.join(r.wrong_role_scenes)}"
            )
        if more is not None:
            out.extend(more.get(role, ()))
        out.append("  Meter ranges seen at each scene:")
        names = [m.id for m in story.meters.values()]
        swidth = max(map(len, r.meter_ranges), default=0)
        for scene in story.scenes:
            if scene in r.meter_ranges:
                ranges = r.meter_ranges[scene]
                cells = "  ".join(f"{m} {ranges[m][0]}..{ranges[m][1]}" for m in names)
                out.append(f"    {scene:<{swidth}}  {cells}".rstrip())
    return "\n".join(out)


def random_json(reports: Mapping[str, RandomReport], seed: int) -> dict[str, Any]:
    roles: dict[str, Any] = {}
    for role, r in reports.items():
        picks: dict[str, dict[str, int]] = {}
        for (scene, choice), n in sorted(r.picks.items()):
            picks.setdefault(scene, {})[choice] = n
        roles[role] = {
            "runs": r.runs,
            "endings": {e: round(r.share(e), 6) for e in r.endings},
            "unfinished": r.unfinished,
            "mean_choices": round(r.mean_choices, 3),
            "mean_words": round(r.mean_words, 1),
            "choices": picks,
        }
    return {"seed": seed, "max_steps": MAX_RANDOM_STEPS, "roles": roles}


def random_text(story: Story, reports: Mapping[str, RandomReport], seed: int) -> str:
    out = [f"Random playthroughs of '{story.title}' (seed {seed}); each step picks uniformly"]
    out[0] += " among the open choices."
    for role, r in reports.items():
        out.append("")
        out.append(
            f"Role {role}: {r.runs:,} games, {r.mean_choices:.1f} choices and "
            f"{r.mean_words:,.0f} words on average"
        )
        for e, n in sorted(r.endings.items(), key=lambda kv: -kv[1]):
            out.append(f"    {e:<24} {r.share(e):6.1%}  ({n:,})")
        if r.unfinished:
            out.append(f"    {'(unfinished)':<24} {r.unfinished / r.runs:6.1%}  ({r.unfinished:,})")
        out.append("  Choices picked:")
        for scene, scene_obj in story.scenes.items():
            counts = [(c.id, r.picks.get((scene, c.id), 0)) for c in scene_obj.choices]
            if any(n for _, n in counts):
                out.append(f"    {scene}: " + ", ".join(f"{c} {n:,}" for c, n in counts))
    return "\n".join(out)
