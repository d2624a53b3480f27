"""The rules of the game as pure functions: state in, new state out.

A `GameState` is frozen; every transition builds a new one. The engine knows the
story's data model and nothing of files or of any user interface.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence

import attrs

from game.core.errors import MarALagoError
from game.core.frozenmap import EMPTY, frozen
from game.core.model import CHOSEN_SEP, Bound, Choice, Condition, Ending, Passage, Scene, Story
from game.core.template import render

END = "end"
END_PREFIX = "end:"


class GameError(MarALagoError):
    """A move the rules do not allow (a locked or unknown choice, a finished game)."""


class ReplayError(GameError):
    """A recorded list of choices that no longer fits the story."""


@attrs.frozen
class GameState:
    role: str
    scene: str | None
    meters: Mapping[str, int] = attrs.field(converter=frozen)
    flags: frozenset[str] = frozenset()
    #: the choices made so far, as (scene id, choice id)
    history: tuple[tuple[str, str], ...] = ()
    ending: str | None = None
    #: where this game began, when not at the role's start (`play --from`)
    origin: Start | None = None
    #: news the teacher sent that reached this game, as (choices made before it, inject id)
    news: tuple[tuple[int, str], ...] = ()
    #: the class clock ended this game after this many choices (None: it did not)
    closed: int | None = None
    #: how many times the game has entered each scene (for `visits` in conditions)
    visits: Mapping[str, int] = attrs.field(default=EMPTY, converter=frozen)
    #: the seed of this game's random routes (a save keeps it: a replay draws alike)
    seed: int = 0
    #: the random routes drawn so far (each draw is seeded by `seed` and this count)
    draws: int = 0

    @property
    def over(self) -> bool:
        return self.ending is not None


@attrs.frozen
class Start:
    """A custom starting point: a scene, meter values and flags."""

    scene: str
    meters: Mapping[str, int] = attrs.field(default=EMPTY, converter=frozen)
    flags: frozenset[str] = frozenset()


@attrs.frozen
class Option:
    """One choice of the current scene as the player meets it."""

    index: int  # 1-based position among the scene's choices
    choice_id: str
    text: str
    open: bool
    visible: bool
    reason: str  # why it is locked ("" when open)


def new_game(story: Story, role: str, start: Start | None = None, seed: int = 0) -> GameState:
    """The state at a role's start, or at a custom `start` (for testing branches);
    `seed` decides the story's random routes (a front end picks one per game)."""
    if role not in story.roles:
        raise GameError(f"no role '{role}'; the story has: {', '.join(story.roles)}")
    meters = {m.id: m.start for m in story.meters.values()}
    scene = story.roles[role].start
    flags: frozenset[str] = frozenset()
    if start is not None:
        if start.scene not in story.scenes:
            raise GameError(f"no scene '{start.scene}' in the story")
        for meter, value in start.meters.items():
            if meter not in story.meters:
                raise GameError(f"no meter '{meter}'; the story has: {', '.join(story.meters)}")
            meters[meter] = story.meters[meter].clamp(value)
        scene, flags = start.scene, frozenset(start.flags)
        start = Start(scene, dict(meters), flags)
    return _enter(
        story,
        GameState(role=role, scene=scene, meters=meters, flags=flags, origin=start, seed=seed),
    )


def current_scene(story: Story, state: GameState) -> Scene | None:
    return None if state.scene is None else story.scenes[state.scene]


def current_ending(story: Story, state: GameState) -> Ending | None:
    return None if state.ending is None else story.endings[state.ending]


def holds(condition: Condition | None, state: GameState) -> bool:
    return condition is None or condition.holds(state.meters, state.flags, state.role, state.visits)


def text(story_text: str, state: GameState) -> str:
    """A story text as the player reads it: `{meter}` values and `{flag: ...}` inline
    conditions filled in from the state (game.core.template)."""
    return render(story_text, state.meters, state.flags)


def passages(passages: Iterable[Passage], state: GameState) -> list[str]:
    """The texts of the passages whose `when` holds, in story order."""
    return [text(p.text, state) for p in passages if holds(p.when, state)]


def shown_text(story: Story, state: GameState) -> list[str]:
    """The text of the scene or ending the player is at, then its passages that hold."""
    place: Scene | Ending | None = current_ending(story, state) or current_scene(story, state)
    if place is None:
        return []
    return [text(place.text, state), *passages(place.passages, state)]


def describe(story: Story, condition: Condition) -> str:
    """A condition in words, for a locked choice without a `locked_reason`."""
    parts = []
    for meter_id, bound in condition.meters.items():
        label = story.meters[meter_id].label
        if bound.min is not None and bound.max is not None:
            parts.append(f"{label} between {bound.min} and {bound.max}")
        elif bound.min is not None:
            parts.append(f"{label} at least {bound.min}")
        elif bound.max is not None:
            parts.append(f"{label} at most {bound.max}")
    for flag in sorted(condition.flags):
        scene, sep, choice = flag.partition(CHOSEN_SEP)
        parts.append(
            f"choice '{choice}' of scene '{scene}' made" if sep else f"'{flag}' to have happened"
        )
    parts += [f"'{flag}' not to have happened" for flag in sorted(condition.not_flags)]
    for scene_id, bound in condition.visits.items():
        title = story.scenes[scene_id].title if scene_id in story.scenes else scene_id
        parts.append(f"'{title}' {_times(bound)}")
    if condition.roles:
        labels = [story.roles[r].label if r in story.roles else r for r in sorted(condition.roles)]
        parts.append("playing as " + " or ".join(labels))
    parts += [describe(story, c) for c in condition.all]
    if condition.any:
        parts.append("one of: " + "; or ".join(describe(story, c) for c in condition.any))
    return ", ".join(p for p in parts if p)


def _times(bound: Bound) -> str:
    """A bound on visits in words: "seen at least twice"."""

    def times(n: int) -> str:
        return {0: "no times", 1: "once", 2: "twice"}.get(n, f"{n} times")

    if bound.min is not None and bound.max is not None:
        return f"seen {times(bound.min)} to {times(bound.max)}"
    if bound.min is not None:
        return f"seen at least {times(bound.min)}"
    return f"seen at most {times(bound.max or 0)}"


def options(story: Story, state: GameState) -> list[Option]:
    """Every choice of the current scene, open or locked (with the reason)."""
    scene = current_scene(story, state)
    if scene is None or state.over:
        return []
    result = []
    for index, choice in enumerate(scene.choices, start=1):
        is_open = holds(choice.requires, state)
        reason = ""
        if not is_open and choice.requires is not None:
            reason = (
                text(choice.locked_reason, state)
                if choice.locked_reason
                else "Needs " + describe(story, choice.requires) + "."
            )
        result.append(
            Option(
                index=index,
                choice_id=choice.id,
                text=text(choice.text, state),
                open=is_open,
                visible=is_open or not choice.hide_locked,
                reason=reason,
            )
        )
    return result


def open_choices(story: Story, state: GameState) -> list[str]:
    return [o.choice_id for o in options(story, state) if o.open]


def resolve_end(story: Story, state: GameState) -> str:
    """The ending `goto = "end"` reaches: the lowest-rank one whose `when` holds."""
    for ending_id in story.ending_order:
        if holds(story.endings[ending_id].when, state):
            return ending_id
    raise GameError("no ending holds; the story needs a fallback ending without `when`")


def immediate_ending(story: Story, state: GameState) -> str | None:
    for ending_id in story.ending_order:
        ending = story.endings[ending_id]
        if ending.immediate and holds(ending.when, state):
            return ending_id
    return None


def choose(story: Story, state: GameState, choice_id: str) -> GameState:
    """Make a choice: effects, set, clear; then routes; then immediate endings."""
    scene = current_scene(story, state)
    if scene is None or state.over:
        raise GameError("the game is over; no more choices")
    choice = scene.choice(choice_id)
    if choice is None:
        raise GameError(f"scene '{scene.id}' has no choice '{choice_id}'")
    if not holds(choice.requires, state):
        raise GameError(f"choice '{choice_id}' of scene '{scene.id}' is locked")
    meters = dict(state.meters)
    for meter_id, delta in choice.effects.items():
        meters[meter_id] = story.meters[meter_id].clamp(meters[meter_id] + delta)
    for meter_id, value in choice.set_meters.items():
        meters[meter_id] = story.meters[meter_id].clamp(value)
    flags = (state.flags | choice.set) - choice.clear
    moved = attrs.evolve(
        state, meters=meters, flags=flags, history=(*state.history, (scene.id, choice.id))
    )
    goto = choice.goto
    for route in choice.routes:
        if holds(route.when, moved):
            goto = route.goto
            break
    else:
        if choice.random:
            drawn = draw(choice, moved)
            if drawn is not None:
                goto = drawn
            moved = attrs.evolve(moved, draws=moved.draws + 1)
    ending = immediate_ending(story, moved)
    if ending is None:
        if goto == END:
            ending = resolve_end(story, moved)
        elif goto.startswith(END_PREFIX):
            ending = goto[len(END_PREFIX) :]
    if ending is not None:
        return attrs.evolve(moved, scene=None, ending=ending)
    return _enter(story, attrs.evolve(moved, scene=goto))


def has_random(story: Story) -> bool:
    """True when some choice of the story has `random` routes (its games need a seed)."""
    return story.random_routes


def draw(choice: Choice, state: GameState) -> str | None:
    """The destination a choice's `random` gives in `state`: one of its entries whose
    `when` holds, by weight, seeded by the game's seed and how many draws came before
    (so a replay of the same choices draws the same); None when no entry holds."""
    entries = [r for r in choice.random if r.weight > 0 and holds(r.when, state)]
    if not entries:
        return None
    pick = random.Random(f"{state.seed}:{state.draws}").randrange(sum(r.weight for r in entries))
    for entry in entries:
        pick -= entry.weight
        if pick < 0:
            return entry.goto
    raise AssertionError("unreachable: the weights add up")


def inject(story: Story, state: GameState, inject_id: str) -> GameState:
    """News arrives between two choices: its effects (clamped) and flags apply once, it is
    recorded, and then, as after a choice, an immediate ending may end the game (and a
    scene left with no open choice ends it by rank)."""
    if state.over:
        raise GameError("the game is over; no news reaches it")
    news = story.injects.get(inject_id)
    if news is None:
        raise GameError(f"no inject '{inject_id}' in the story")
    if not news.reaches(state.role):
        raise GameError(f"inject '{inject_id}' does not reach the role '{state.role}'")
    meters = dict(state.meters)
    for meter_id, delta in news.effects.items():
        meters[meter_id] = story.meters[meter_id].clamp(meters[meter_id] + delta)
    moved = attrs.evolve(
        state,
        meters=meters,
        flags=state.flags | news.set,
        news=(*state.news, (len(state.history), inject_id)),
    )
    ending = immediate_ending(story, moved)
    if ending is not None:
        return attrs.evolve(moved, scene=None, ending=ending)
    return _enter(story, moved, arriving=False)


def close(story: Story, state: GameState) -> GameState:
    """Time is up: the game ends where it stands, by rank (as `goto = "end"` would)."""
    if state.over:
        return state
    return attrs.evolve(
        state, scene=None, ending=resolve_end(story, state), closed=len(state.history)
    )


def _enter(story: Story, state: GameState, arriving: bool = True) -> GameState:
    """Arrive at `state.scene` (counted among its `visits`; not when news comes while
    the player is there). A scene with nothing open would strand the player, so the game
    ends there by rank; `mar-a-lago explore` reports such dead ends."""
    scene = state.scene
    assert scene is not None
    if arriving:
        state = attrs.evolve(state, visits={**state.visits, scene: state.visits.get(scene, 0) + 1})
    if any(holds(c.requires, state) for c in story.scenes[scene].choices):
        return state
    return attrs.evolve(state, scene=None, ending=resolve_end(story, state))


def _news_at(
    story: Story, state: GameState, news: Sequence[tuple[int, str]], step: int
) -> GameState:
    """`state` with the news that came after `step` choices applied, in their order."""
    for at, inject_id in news:
        if at != step:
            continue
        try:
            state = inject(story, state, inject_id)
        except GameError as exc:
            raise ReplayError(f"news after choice {step}: {exc}") from None
    return state


def replay(
    story: Story,
    role: str,
    history: Sequence[Sequence[str]],
    start: Start | None = None,
    news: Sequence[tuple[int, str]] = (),
    closed: int | None = None,
    seed: int = 0,
) -> GameState:
    """Rebuild a state from its choices (and the news that came between them, and the
    clock's close); a choice that no longer fits says which and why."""
    news = tuple((int(at), str(inject_id)) for at, inject_id in news)
    if any(not 0 <= at <= len(history) for at, _ in news):
        raise ReplayError("news recorded after a choice that was not made")
    try:
        state = new_game(story, role, start, seed)
    except GameError as exc:
        raise ReplayError(str(exc)) from None
    state = _news_at(story, state, news, 0)
    for step, (scene_id, choice_id) in enumerate(history, start=1):
        if state.over:
            raise ReplayError(f"step {step}: the game had already ended before scene '{scene_id}'")
        if state.scene != scene_id:
            raise ReplayError(
                f"step {step}: the story now leads to scene '{state.scene}', not '{scene_id}'"
            )
        scene = story.scenes[scene_id]
        if scene.choice(choice_id) is None:
            raise ReplayError(
                f"step {step}: choice '{choice_id}' of scene '{scene_id}' no longer exists"
            )
        try:
            # an empty history each step: copying the growing one made replay quadratic
            state = choose(story, attrs.evolve(state, history=()), choice_id)
        except GameError as exc:
            raise ReplayError(f"step {step}: {exc}") from None
        state = _news_at(story, state, news, step)
    if closed is not None:
        if closed != len(history):
            raise ReplayError(f"the clock closed the game after choice {closed}, not the last")
        state = close(story, state)
    return attrs.evolve(state, history=tuple((s, c) for s, c in history), news=news)


def timeline(story: Story, state: GameState) -> list[GameState]:
    """Every state of a game, from its start through each of its choices (debriefs).
    News that came after a choice, and the clock's close, are part of the state after
    it (`events` has them apart)."""
    states: list[GameState] = []
    for event in events(story, state):
        if event.kind in ("news", "closed"):
            states[-1] = event.after
        else:
            states.append(event.after)
    return states


@attrs.frozen
class Event:
    """One thing that happened in a game: its start, a choice, news, or the clock."""

    kind: str  # "start", "choice", "news" or "closed"
    before: GameState
    after: GameState
    #: the choice's (scene id, choice id), or the inject id of news
    scene: str = ""
    choice: str = ""
    inject: str = ""


def events(story: Story, state: GameState) -> list[Event]:
    """A game replayed event by event: its start, then each choice, each piece of news
    where it came, and the clock's close. `after` of the last is the game's state."""
    current = new_game(story, state.role, state.origin, state.seed)
    result = [Event("start", current, current)]
    for step in range(len(state.history) + 1):
        for at, inject_id in state.news:
            if at == step:
                after = inject(story, current, inject_id)
                result.append(Event("news", current, after, inject=inject_id))
                current = after
        if step == len(state.history):
            break
        scene_id, choice_id = state.history[step]
        after = choose(story, current, choice_id)
        result.append(Event("choice", current, after, scene=scene_id, choice=choice_id))
        current = after
    if state.closed is not None:
        result.append(Event("closed", current, close(story, current)))
    return result


def undo(story: Story, state: GameState) -> GameState:
    """The state before the last choice: replay one fewer. News that came after the
    undone choice stays (the world moved on): it now comes before the next one."""
    if not state.history:
        return state
    kept = len(state.history) - 1
    news = tuple((min(at, kept), inject_id) for at, inject_id in state.news)
    return replay(story, state.role, state.history[:kept], state.origin, news, seed=state.seed)
