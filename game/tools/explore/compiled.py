"""A story compiled for the search: a state is one int, a condition a predicate on it.

A state packs the scene index, a bit field per meter (its value minus its min), a
field per scene whose `visits` a condition counts (up to one more than the largest
number compared with: past that no answer changes), and a bit per flag that some
condition tests (a flag nothing tests changes no outcome, so it is left out). A
choice with `random` routes has a successor per destination that may be drawn.

Each condition becomes a predicate on (meter values, flag bits) and a memo table keyed
by just the bits it reads, so its answer is shared by every state that differs only in
what it ignores. `game.tools.explore.search` runs on this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from game.core import engine
from game.core.model import Condition, Story

#: a memo table stops growing here (then computes without storing): bounded memory
MEMO_CAP = 1 << 18

Pred = Callable[[Sequence[int], int], bool]


class Memo(dict[int, Any]):
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


def condition_flags(cond: Condition | None) -> set[str]:
    if cond is None:
        return set()
    names = set(cond.flags | cond.not_flags)
    for sub in (*cond.any, *cond.all):
        names |= condition_flags(sub)
    return names


#: a choice's change of the meters: (meter index, delta) of its effects, then
#: (meter index, value) of its `set_meters`
Change = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]


def visit_caps(conds: Iterable[Condition]) -> dict[str, int]:
    """Per scene whose `visits` these conditions count: one more than the largest bound
    they compare its count with (a count there or past it answers every one alike)."""
    caps: dict[str, int] = {}

    def walk(cond: Condition) -> None:
        for scene, bound in cond.visits.items():
            top = max(b for b in (bound.min, bound.max, 0) if b is not None)
            caps[scene] = max(caps.get(scene, 1), top + 1)
        for sub in (*cond.any, *cond.all):
            walk(sub)

    for cond in conds:
        walk(cond)
    return caps


def role_conditions(story: Story) -> bool:
    """True when a condition that changes play tests the player's `role`."""

    def has(cond: Condition) -> bool:
        return bool(cond.roles) or any(has(c) for c in (*cond.any, *cond.all))

    return any(has(c) for c in tested_conditions(story))


def tested_conditions(story: Story) -> Iterable[Condition]:
    """Every condition that can change where a game goes (not passages: they are text)."""
    for scene in story.scenes.values():
        for choice in scene.choices:
            if choice.requires is not None:
                yield choice.requires
            for when in choice.deciders:
                if when is not None:
                    yield when
    for ending in story.endings.values():
        if ending.when is not None:
            yield ending.when


class Compiled:
    """A story turned into ints and predicates for the search. Shared by all roles.

    A state holds the flags that the story's tested conditions read, and those of
    `also` (conditions that never change play, e.g. `asserts`, to be read in states)."""

    def __init__(
        self, story: Story, also: Iterable[Condition] = (), role: str | None = None
    ) -> None:
        self.story = story
        #: the role whose conditions on `role` are decided (None: they are not read)
        self.role = role
        self.scene_ids = list(story.scenes)
        self.scene_index = {s: i for i, s in enumerate(self.scene_ids)}
        self.ending_ids = list(story.endings)
        self.ending_index = {e: i for i, e in enumerate(self.ending_ids)}
        self.meters = list(story.meters.values())
        self.meter_index = {m.id: i for i, m in enumerate(self.meters)}
        tested = [*tested_conditions(story), *also]
        #: the scenes whose visits are counted (a field each, after the meters' fields):
        #: scene id -> its cap, and its index among the fields
        self.caps = visit_caps(tested)
        self.visit_index = {sid: len(self.meters) + i for i, sid in enumerate(self.caps)}
        self.lows = [m.min for m in self.meters] + [0] * len(self.caps)
        self.highs = [m.max for m in self.meters] + list(self.caps.values())
        # each meter has a bit field (its value minus its min), so a table can be keyed
        # by just the meters its conditions read
        self.offsets = []
        self.widths = [(hi - lo).bit_length() for lo, hi in zip(self.lows, self.highs, strict=True)]
        self.mbits = 0
        for width in self.widths:
            self.offsets.append(self.mbits)
            self.mbits += width
        flags: set[str] = set()
        for cond in tested:
            flags |= condition_flags(cond)
        self.flags = sorted(flags)
        self.flag_bit = {f: 1 << i for i, f in enumerate(self.flags)}
        self.fbits = len(self.flags)
        self.fmask = (1 << self.fbits) - 1
        self.shift = self.fbits + self.mbits  # the scene index starts here
        self.meter_key = ((1 << self.mbits) - 1) << self.fbits
        fields = [
            ((1 << w) - 1) << (o + self.fbits)
            for o, w in zip(self.offsets, self.widths, strict=True)
        ]
        self.meter_field = {m.id: fields[i] for i, m in enumerate(self.meters)}
        self.visit_field = {sid: fields[i] for sid, i in self.visit_index.items()}
        #: per scene index: (its visit field, one visit, the cap) when counted, else None
        self.bumps: list[tuple[int, int, int] | None] = [None] * len(self.scene_ids)
        for sid, i in self.visit_index.items():
            if sid in self.scene_index:
                unit = 1 << (self.offsets[i] + self.fbits)
                self.bumps[self.scene_index[sid]] = (fields[i], unit, self.caps[sid] * unit)
        self._preds: dict[int, Pred] = {}
        self._tables: dict[int, tuple[Memo, int]] = {}
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
            for name in condition_flags(cond):
                bits |= self.flag_bit[name]
            for meter in cond.meters:
                bits |= self.meter_field[meter]
            for scene in cond.visits:
                bits |= self.visit_field[scene]
            bits |= self.reads(cond.any) | self.reads(cond.all)
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
        ] + [
            (
                self.visit_index[sid],
                0 if b.min is None else b.min,
                self.caps[sid] if b.max is None else b.max,
            )
            for sid, b in cond.visits.items()
        ]
        need = sum(self.flag_bit[f] for f in cond.flags)
        forbid = sum(self.flag_bit[f] for f in cond.not_flags)
        subs = [p for p in map(self.pred, cond.any) if p is not None]
        every = [p for p in map(self.pred, cond.all) if p is not None]
        barred = bool(cond.roles) and self.role is not None and self.role not in cond.roles

        def holds(values: Sequence[int], flags: int) -> bool:
            if barred:
                return False
            for i, lo, hi in bounds:
                if not lo <= values[i] <= hi:
                    return False
            if flags & need != need or flags & forbid:
                return False
            if every and not all(p(values, flags) for p in every):
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

    def state(
        self,
        scene: str,
        meters: Mapping[str, int],
        flags: Iterable[str],
        visits: Mapping[str, int] | None = None,
    ) -> int:
        values = [meters[m.id] for m in self.meters]
        values += [min(cap, (visits or {}).get(sid, 0)) for sid, cap in self.caps.items()]
        bits = sum(self.flag_bit.get(f, 0) for f in set(flags))
        return self.scene_index[scene] << self.shift | self.encode(values) << self.fbits | bits

    def start(self, role: str) -> int:
        """A role's first state: its start scene entered (and so visited once)."""
        scene = self.story.roles[role].start
        return self.state(scene, {m.id: m.start for m in self.meters}, (), {scene: 1})

    def unpack(self, s: int) -> tuple[str, dict[str, int], frozenset[str]]:
        """A state as (scene, meters, the tested flags that are set)."""
        values = self.decode((s >> self.fbits) & ((1 << self.mbits) - 1))
        meters = {m.id: v for m, v in zip(self.meters, values, strict=False)}  # not visits
        flags = frozenset(f for f, bit in self.flag_bit.items() if s & bit)
        return self.scene_ids[s >> self.shift], meters, flags

    def visits(self, s: int) -> dict[str, int]:
        """The counted visits of a state (each up to its cap)."""
        values = self.decode((s >> self.fbits) & ((1 << self.mbits) - 1))
        return {sid: values[i] for sid, i in self.visit_index.items()}

    def holds(self, cond: Condition | None, key: int) -> bool:
        """Whether `cond` holds in a state (or any key with the bits it reads): a table
        per condition, keyed by just those bits."""
        if cond is None:
            return True
        entry = self._tables.get(id(cond))
        if entry is None:
            pred = self.pred(cond)
            assert pred is not None
            table = Memo(lambda k: pred(*self.values_flags(k)))
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
    def effect_reads(self, change: Change) -> int:
        """The meter fields an effect table is keyed by: the meters it moves, and those
        the immediate endings read when these read no flags (then it checks them)."""
        deltas, sets = change
        bits = 0
        for i in {i for i, _ in (*deltas, *sets)}:
            bits |= self.meter_field[self.meters[i].id]
        if not self.immediate_flags:
            bits |= self.immediate_reads
        return bits

    def effect(self, change: Change, key: int) -> int:
        """The meter bits of `effect_reads` after the effects (clamped) and `set_meters`;
        or, when the immediate endings read no flags, -1 - the first of them that holds."""
        values, _ = self.values_flags(key)
        deltas, sets = change
        for i, delta in deltas:
            values[i] = max(self.lows[i], min(self.highs[i], values[i] + delta))
        for i, value in sets:
            values[i] = max(self.lows[i], min(self.highs[i], value))
        after = self.encode(values) << self.fbits
        if not self.immediate_flags:
            for when, e in self.immediate:
                if self.holds(when, after):
                    return -1 - e
        return after & self.effect_reads(change)

    def route(self, scene: int, ci: int, key: int) -> tuple[int, ...]:
        """Where a choice may lead from a state (its meters and flags after the choice):
        the first route that holds; else each `random` entry that may be drawn (weight
        above 0, its `when` holding); else the choice's goto. As goto codes."""
        choice = self.story.scenes[self.scene_ids[scene]].choices[ci]
        for route in choice.routes:
            if self.holds(route.when, key):
                return (self.goto_code(route.goto),)
        drawn = [r.goto for r in choice.random if r.weight > 0 and self.holds(r.when, key)]
        return tuple(dict.fromkeys(map(self.goto_code, drawn or [choice.goto])))

    def enter(self, scene: int, key: int) -> int:
        """A state's bits (meters and flags) once it enters a scene: one more visit
        counted there, when its visits are counted (up to the cap)."""
        bump = self.bumps[scene]
        if bump is not None and key & bump[0] < bump[2]:
            return key + bump[1]
        return key

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
