"""The rules of a duo summit as pure functions: two sides, one game, in rounds.

A duo story (one with `[duo]`) is played by two people at once, one per side
(`[duo].roles`). The summit advances in rounds (`[duo].rounds`). In each round each
side is at one scene of that round and makes one choice, without seeing the other's.
When both have chosen, the round resolves:

1. both choices' `effects`, `set` and `clear` apply to the shared meters and flags,
   in `[duo].roles` order, each result clamped;
2. immediate endings are tried against the joint state;
3. each side's `routes` and `goto` are resolved against the joint state after both
   moves, so a route may depend on what the other side chose in this very round;
4. an `end:<id>` of either side ends the game there (the first side in roles order
   wins), else an `end` of either side ends it by rank; else each side enters its
   scene of the next round, and if a side has nothing open there the game ends by
   rank (a dead end: `mar-a-lago explore` reports them).

A side's options are decided by the joint state at the start of the round: the
other side's move of this round is never visible before the round resolves.

A `DuoState` is frozen, and its list of moves replays to it (`replay`), whatever the
order the two moves of a round came in: a duo save is that list. There is no undo:
once a round resolves each side has seen the other's move, and in a room both
processes share the moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from game.core import engine
from game.core.engine import GameError, GameState, Option, ReplayError
from game.core.model import Choice, Duo, Round, Story

__all__ = [
    "DuoMove",
    "DuoState",
    "RoundResult",
    "current_round",
    "duo_of",
    "ending_text",
    "move",
    "new_duo",
    "options",
    "replay",
    "replay_save",
    "rounds_played",
    "settle",
    "shown_text",
    "stuck",
    "view",
    "waiting_for",
]


@attrs.frozen
class DuoMove:
    """One side's choice: the side, its scene and the choice's id."""

    role: str
    scene: str
    choice: str


@attrs.frozen
class RoundResult:
    """What a resolved round did: each side's move (in roles order) and the meters."""

    round: str
    moves: tuple[DuoMove, ...]
    before: Mapping[str, int]
    after: Mapping[str, int]

    def move_of(self, role: str) -> DuoMove | None:
        for item in self.moves:
            if item.role == role:
                return item
        return None


@attrs.frozen
class DuoState:
    """The joint state of a duo game."""

    #: each side's scene (None for every side once the game is over)
    scenes: Mapping[str, str | None]
    #: the shared meters and flags
    meters: Mapping[str, int]
    flags: frozenset[str] = frozenset()
    #: the choices made in this round by the sides that have moved (not yet applied)
    pending: Mapping[str, str] = attrs.field(factory=dict)
    #: every move so far: the resolved rounds in roles order, then this round's moves
    #: in the order they came
    moves: tuple[DuoMove, ...] = ()
    ending: str | None = None
    #: how many rounds have resolved (the index of the round being played)
    round: int = 0
    #: what the last resolved round did (None before the first resolves)
    last: RoundResult | None = None

    @property
    def over(self) -> bool:
        return self.ending is not None


def duo_of(story: Story) -> Duo:
    """The story's `[duo]`; `GameError` for a story without one."""
    if story.duo is None:
        raise GameError(f"the story '{story.id}' has no duo summit (no [duo] table)")
    return story.duo


def _side(story: Story, role: str) -> Duo:
    duo = duo_of(story)
    if role not in duo.roles:
        raise GameError(
            f"no side '{role}' in the duo summit; the sides are: {', '.join(duo.roles)}"
        )
    return duo


def new_duo(story: Story) -> DuoState:
    """Both sides at their first scenes, the meters at their starts."""
    duo = duo_of(story)
    meters = {m.id: m.start for m in story.meters.values()}
    return _arrive(story, DuoState(scenes={r: duo.start[r] for r in duo.roles}, meters=meters))


def view(story: Story, state: DuoState, role: str) -> GameState:
    """One side's view of the joint state, as the single-player engine reads it: the
    side's scene, the shared meters and flags, and its own moves. The engine's
    `options`, `shown_text` and `current_scene` read it as for one player."""
    _side(story, role)
    history = tuple((m.scene, m.choice) for m in state.moves if m.role == role)
    scene = None if state.over else state.scenes[role]
    # the side's `visits`: the scenes it has been at and the one it is at. A side's
    # choices lead to a scene of the next round, so each counts once at most (also while
    # a round is settled, when its move is in the history and it is still at the scene)
    been = {s for s, _ in history}
    if scene is not None:
        been.add(scene)
    visits = dict.fromkeys(sorted(been), 1)
    return GameState(
        role=role,
        scene=scene,
        meters=state.meters,
        flags=state.flags,
        history=history,
        ending=state.ending,
        visits=visits,
    )


def current_round(story: Story, state: DuoState) -> Round:
    """The round being played (the last one once the game is over)."""
    rounds = duo_of(story).rounds
    return rounds[min(state.round, len(rounds) - 1)]


def waiting_for(story: Story, state: DuoState) -> tuple[str, ...]:
    """The sides that have still to move in this round, in roles order."""
    if state.over:
        return ()
    return tuple(r for r in duo_of(story).roles if r not in state.pending)


def options(story: Story, state: DuoState, role: str) -> list[Option]:
    """The side's choices of this round, open or locked; none once it has moved."""
    _side(story, role)
    if state.over or role in state.pending:
        return []
    return engine.options(story, view(story, state, role))


def shown_text(story: Story, state: DuoState, role: str) -> list[str]:
    """The text the side reads: its scene (or the ending) and the passages that hold
    for it (a passage may ask for the reader's `role`)."""
    return engine.shown_text(story, view(story, state, role))


def ending_text(story: Story, state: DuoState, role: str) -> list[str]:
    """The ending's text for one side: the ending's text, then its passages that hold
    for that side. [] while the game goes on."""
    return shown_text(story, state, role) if state.over else []


def move(story: Story, state: DuoState, role: str, choice_id: str) -> DuoState:
    """One side's choice of this round; the round resolves when both sides have moved.
    `GameError` for a move the rules do not allow."""
    duo = _side(story, role)
    label = story.roles[role].label if role in story.roles else role
    if state.over:
        raise GameError("the game is over; no more moves")
    if role in state.pending:
        raise GameError(f"{label} has already moved in this round; the other side moves next")
    scene_id = state.scenes[role]
    assert scene_id is not None
    scene = story.scenes[scene_id]
    choice = scene.choice(choice_id)
    if choice is None:
        raise GameError(f"scene '{scene_id}' has no choice '{choice_id}'")
    if not engine.holds(choice.requires, view(story, state, role)):
        raise GameError(f"choice '{choice_id}' of scene '{scene_id}' is locked")
    moved = attrs.evolve(
        state,
        pending={**state.pending, role: choice_id},
        moves=(*state.moves, DuoMove(role, scene_id, choice_id)),
    )
    if all(r in moved.pending for r in duo.roles):
        return _resolve(story, moved)
    return moved


def _resolve(story: Story, state: DuoState) -> DuoState:
    settled = settle(story, state)
    return settled if settled.over else _arrive(story, settled)


def settle(story: Story, state: DuoState) -> DuoState:
    """A round whose sides have all moved (in `pending`), resolved up to the sides'
    arrival: the effects, the routes and gotos, an ending if one is reached. The sides'
    next scenes are not yet checked for an open choice (`stuck` does; `mar-a-lago
    explore` reports the dead ends it finds)."""
    duo = duo_of(story)
    meters = dict(state.meters)
    flags = state.flags
    made: list[tuple[str, Choice, DuoMove]] = []
    for role in duo.roles:
        scene_id = state.scenes[role]
        assert scene_id is not None
        choice = story.scenes[scene_id].choice(state.pending[role])
        assert choice is not None
        for meter_id, delta in choice.effects.items():
            meters[meter_id] = story.meters[meter_id].clamp(meters[meter_id] + delta)
        for meter_id, value in getattr(choice, "set_meters", {}).items():  # as the engine
            meters[meter_id] = story.meters[meter_id].clamp(value)
        flags = (flags | choice.set) - choice.clear
        made.append((role, choice, DuoMove(role, scene_id, choice.id)))
    this_round = tuple(m for _, _, m in made)
    settled = len(state.moves) - len(state.pending)
    after = attrs.evolve(
        state,
        meters=meters,
        flags=flags,
        pending={},
        moves=(*state.moves[:settled], *this_round),
        round=state.round + 1,
        last=RoundResult(current_round(story, state).id, this_round, state.meters, meters),
    )
    first = view(story, after, duo.roles[0])
    ending = engine.immediate_ending(story, first)
    gotos: dict[str, str] = {}
    for role, choice, _ in made:
        side = view(story, after, role)
        goto = choice.goto
        for route in choice.routes:
            if engine.holds(route.when, side):
                goto = route.goto
                break
        gotos[role] = goto
    if ending is None:
        named = [g[len(engine.END_PREFIX) :] for g in gotos.values() if g.startswith("end:")]
        if named:
            ending = named[0]
        elif engine.END in gotos.values():
            ending = engine.resolve_end(story, first)
    if ending is not None:
        return _over(after, ending)
    return attrs.evolve(after, scenes=gotos)


def _over(state: DuoState, ending: str) -> DuoState:
    return attrs.evolve(state, scenes=dict.fromkeys(state.scenes), ending=ending)


def stuck(story: Story, state: DuoState) -> tuple[str, ...]:
    """The sides with nothing open at their scenes (none once the game is over)."""
    if state.over:
        return ()
    roles = duo_of(story).roles
    return tuple(r for r in roles if not engine.open_choices(story, view(story, state, r)))


def _arrive(story: Story, state: DuoState) -> DuoState:
    """Each side at its scene. A side with nothing open there would strand both
    players: the game then ends by rank, as a single-player dead end does."""
    if stuck(story, state):
        return _over(state, engine.resolve_end(story, view(story, state, duo_of(story).roles[0])))
    return state


def _moves(moves: Iterable[DuoMove | Sequence[str]]) -> list[DuoMove]:
    return [m if isinstance(m, DuoMove) else DuoMove(m[0], m[1], m[2]) for m in moves]


def replay(story: Story, moves: Iterable[DuoMove | Sequence[str]]) -> DuoState:
    """Rebuild a joint state from its moves, each `(role, scene, choice)`; a move that
    no longer fits says which and why (`ReplayError`)."""
    try:
        state = new_duo(story)
    except GameError as exc:
        raise ReplayError(str(exc)) from None
    roles = duo_of(story).roles
    for step, item in enumerate(_moves(moves), start=1):
        where = f"move {step} ({item.role})"
        if item.role not in roles:
            raise ReplayError(f"{where}: no side '{item.role}' in the duo summit")
        if state.over:
            raise ReplayError(f"{where}: the game had already ended before scene '{item.scene}'")
        if item.role in state.pending:
            raise ReplayError(f"{where}: that side had already moved in this round")
        if state.scenes[item.role] != item.scene:
            raise ReplayError(
                f"{where}: the story now leads that side to scene "
                f"'{state.scenes[item.role]}', not '{item.scene}'"
            )
        if story.scenes[item.scene].choice(item.choice) is None:
            raise ReplayError(
                f"{where}: choice '{item.choice}' of scene '{item.scene}' no longer exists"
            )
        try:
            state = move(story, state, item.role, item.choice)
        except GameError as exc:
            raise ReplayError(f"{where}: {exc}") from None
    return state


def replay_save(
    story: Story, sides: Sequence[str], choices: Sequence[Sequence[str]], side: str = ""
) -> tuple[DuoState, GameState]:
    """A duo save's game: its choices (each `(scene, choice)`) made by `sides` in order,
    replayed; and the view of the save's `side` ("" : the first side). `ReplayError`
    says what does not fit."""
    if len(sides) != len(choices):
        raise ReplayError(f"{len(choices)} choices but {len(sides)} sides: not a whole duo save")
    state = replay(story, [(r, s, c) for r, (s, c) in zip(sides, choices, strict=True)])
    roles = duo_of(story).roles
    if side and side not in roles:
        raise ReplayError(f"its side '{side}' is not a side of the duo summit")
    return state, view(story, state, side or roles[0])


def rounds_played(story: Story, state: DuoState) -> list[RoundResult]:
    """Every resolved round of the game, in order (for transcripts and debriefs)."""
    current = new_duo(story)
    results: list[RoundResult] = []
    for item in state.moves:
        if current.over:
            break
        current = move(story, current, item.role, item.choice)
        if current.last is not None and (not results or results[-1] is not current.last):
            results.append(current.last)
    return results
