"""The story as frozen values: what the loader builds and the engine reads.

Nothing here knows about files, TOML or Textual. Meters, roles and endings are
data: the code never names one.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

from game.core.frozenmap import EMPTY, frozen


@attrs.frozen
class Bound:
    """An inclusive range on one meter; either side may be open."""

    min: int | None = None
    max: int | None = None

    def holds(self, value: int) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@attrs.frozen
class Condition:
    """All of: meter bounds, flags set, flags not set, at least one of `any`, and the
    reader's role among `roles` (when given).

    A story's `chosen = ["scene/choice"]` is kept among `flags` as a *choice flag*
    named `scene/choice` (see `chosen_flag`): the loader has that choice set it.
    """

    meters: Mapping[str, Bound] = attrs.field(default=EMPTY, converter=frozen)
    flags: frozenset[str] = frozenset()
    not_flags: frozenset[str] = frozenset()
    any: tuple[Condition, ...] = ()
    #: the story's `role` key: the side reading the text is one of these (empty: any)
    roles: frozenset[str] = frozenset()
    #: `all = [...]`: every one of these holds (for a group inside an `any`)
    all: tuple[Condition, ...] = ()
    #: `visits = { scene = { min = 2 } }`: how many times the game has entered a scene
    visits: Mapping[str, Bound] = attrs.field(default=EMPTY, converter=frozen)

    def holds(
        self,
        meters: Mapping[str, int],
        flags: frozenset[str],
        role: str | None = None,
        visits: Mapping[str, int] | None = None,
    ) -> bool:
        if self.roles and role not in self.roles:
            return False
        for meter, bound in self.meters.items():
            if not bound.holds(meters[meter]):
                return False
        if not self.flags <= flags or self.not_flags & flags:
            return False
        if self.visits:
            counts = visits or EMPTY
            for scene, bound in self.visits.items():
                if not bound.holds(counts.get(scene, 0)):
                    return False
        if self.all and not all(c.holds(meters, flags, role, visits) for c in self.all):
            return False
        return not self.any or any(c.holds(meters, flags, role, visits) for c in self.any)

    @property
    def counts_visits(self) -> bool:
        """True when this condition, or one inside it, tests `visits`."""
        return bool(self.visits) or any(c.counts_visits for c in (*self.all, *self.any))


#: a choice flag joins its scene and choice ids with this (never in a flag's own name)
CHOSEN_SEP = "/"


def chosen_flag(scene_id: str, choice_id: str) -> str:
    """The flag a choice sets when some condition asks whether it was `chosen`."""
    return f"{scene_id}{CHOSEN_SEP}{choice_id}"


ALWAYS = Condition()


class Good(enum.StrEnum):
    """Which end of a meter is good: the story's `good = "high"` or `"low"`."""

    HIGH = "high"
    LOW = "low"

    @property
    def sign(self) -> int:
        """+1 when a rise is for the better, -1 when a fall is."""
        return 1 if self is Good.HIGH else -1

    @property
    def side(self) -> str:
        """The better side in words: "higher" or "lower"."""
        return "higher" if self is Good.HIGH else "lower"

    def better(self, change: int) -> bool | None:
        """Whether `change` is for the better (None: no change)."""
        return None if not change else change * self.sign > 0


def _in_range(meter: Meter, attribute: attrs.Attribute[int], start: int) -> None:
    """Keeps `min < max` and `min <= start <= max` true for every Meter made."""
    if not meter.min < meter.max:
        raise ValueError(f"meter '{meter.id}': min ({meter.min}) must be below max ({meter.max})")
    if not meter.min <= start <= meter.max:
        raise ValueError(f"meter '{meter.id}': start {start} lies outside {meter.min}..{meter.max}")


@attrs.frozen
class Meter:
    id: str
    label: str
    min: int
    max: int
    start: int = attrs.field(validator=_in_range)
    good: Good = attrs.field(default=Good.HIGH, converter=Good)
    help: str = ""

    def clamp(self, value: int) -> int:
        return max(self.min, min(self.max, value))

    def is_better(self, change: int) -> bool | None:
        """Whether `change` moves the meter the way the story calls good (None: none)."""
        return self.good.better(change)

    def goodness(self, value: int) -> float:
        """Where `value` sits from worst (0.0) to best (1.0), by the meter's good side."""
        share = (value - self.min) / (self.max - self.min)
        return share if self.good is Good.HIGH else 1.0 - share


@attrs.frozen
class Role:
    id: str
    label: str
    start: str
    blurb: str = ""


@attrs.frozen
class Passage:
    """Text shown while `when` holds. `asserts` is what the text takes for granted
    whenever it shows: it never changes play; `mar-a-lago check` tests it."""

    when: Condition
    text: str
    asserts: Condition | None = None
    #: where the passage begins (kept for a passage with `asserts`; else 0)
    line: int = 0


@attrs.frozen
class Route:
    when: Condition
    goto: str


@attrs.frozen
class RandomRoute:
    """One entry of a choice's `random`: drawn with a chance of `weight` in the sum of
    the weights of the entries whose `when` holds (seeded: a game replays alike)."""

    weight: int
    goto: str
    when: Condition | None = None


@attrs.frozen
class Choice:
    id: str
    text: str
    goto: str
    effects: Mapping[str, int] = attrs.field(default=EMPTY, converter=frozen)
    set: frozenset[str] = frozenset()
    clear: frozenset[str] = frozenset()
    requires: Condition | None = None
    hide_locked: bool = False
    routes: tuple[Route, ...] = ()
    locked_reason: str = ""
    line: int = 0
    #: `set_meters = { trust = 5 }`: meters set to these values (after `effects`)
    set_meters: Mapping[str, int] = attrs.field(default=EMPTY, converter=frozen)
    #: `random`: when no route holds, the destination is drawn from these by weight
    random: tuple[RandomRoute, ...] = ()

    @property
    def destinations(self) -> tuple[str, ...]:
        """Every place this choice may lead (its goto, its routes', its random entries'),
        conditions and weights ignored: what a map of the story follows."""
        return (self.goto, *(r.goto for r in self.routes), *(r.goto for r in self.random))

    @property
    def deciders(self) -> tuple[Condition | None, ...]:
        """The conditions that pick its destination: its routes' and random entries'."""
        return (*(r.when for r in self.routes), *(r.when for r in self.random))


@attrs.frozen
class Scene:
    id: str
    title: str
    text: str
    choices: tuple[Choice, ...] = ()
    passages: tuple[Passage, ...] = ()
    roles: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    file: str = ""
    line: int = 0
    #: the duo round this scene belongs to ("" : not a duo scene)
    round: str = ""

    def choice(self, choice_id: str) -> Choice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None


@attrs.frozen
class Ending:
    id: str
    title: str
    text: str
    rank: int = 0
    when: Condition | None = None
    immediate: bool = False
    source: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    passages: tuple[Passage, ...] = ()
    file: str = ""
    line: int = 0
    #: what the ending's text takes for granted whenever it is reached (never changes play)
    asserts: Condition | None = None


@attrs.frozen
class Round:
    """One round of a duo summit (an id of `[duo].rounds`, titled by `[rounds.<id>]`)."""

    id: str
    title: str
    text: str = ""


@attrs.frozen
class Duo:
    """Two sides playing one game in rounds: each side makes one choice per round, then
    both choices apply, in `roles` order, to the shared meters and flags."""

    roles: tuple[str, ...]
    rounds: tuple[Round, ...]
    #: each side's first scene (a scene of the first round)
    start: Mapping[str, str] = attrs.field(converter=frozen)
    file: str = ""
    line: int = 0

    def round_index(self, round_id: str) -> int:
        for index, item in enumerate(self.rounds):
            if item.id == round_id:
                return index
        raise KeyError(round_id)


@attrs.frozen
class Inject:
    """News the teacher sends into running games (`[injects.<id>]`): shown as a news
    flash at the game's next scene; its `effects` and `set` apply once."""

    id: str
    title: str
    text: str
    effects: Mapping[str, int] = attrs.field(factory=dict)
    set: frozenset[str] = frozenset()
    source: tuple[str, ...] = ()
    #: the roles whose games it reaches (empty: every role)
    roles: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    def reaches(self, role: str) -> bool:
        return not self.roles or role in self.roles


@attrs.frozen
class Story:
    id: str
    title: str
    version: str
    format: int
    meters: Mapping[str, Meter] = attrs.field(converter=frozen)
    roles: Mapping[str, Role] = attrs.field(converter=frozen)
    #: read-only: a FrozenMap, or the parse cache's lazily decoded scenes
    scenes: Mapping[str, Scene] = attrs.field(converter=frozen)
    endings: Mapping[str, Ending] = attrs.field(converter=frozen)
    subtitle: str = ""
    source: str = ""
    intro: str = ""
    digest: str = ""
    #: endings in the order `goto = "end"` tries them: by rank, then as written
    ending_order: tuple[str, ...] = ()
    #: the flags the story declares (`[flags]`), with their help text; empty: none declared
    flags: Mapping[str, str] = attrs.field(default=EMPTY, converter=frozen)
    #: True when some choice has `random` routes (each game then needs a seed)
    random_routes: bool = False
    #: the duo summit (`[duo]`): two sides playing one game in rounds; None: no duo
    duo: Duo | None = None
    #: news the teacher may send into running games (`[injects.<id>]`)
    injects: Mapping[str, Inject] = attrs.field(factory=dict)

    @property
    def choice_count(self) -> int:
        return sum(len(s.choices) for s in self.scenes.values())
