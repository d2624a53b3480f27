"""Past moves as the TUI prints them: each choice's text as the player read it when
choosing (its `{...}` markup rendered with the state before the choice), and what the
last choice did on its own, apart from the news that came with it.

Textual-free: the scene, ending and duo screens and the history panel word past moves
with these.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from game.core import duo, engine
from game.core.duo import DuoState, RoundResult
from game.core.engine import Event, GameState
from game.core.feedback import changes, describe
from game.core.model import Story
from game.core.template import has_markup


@attrs.frozen
class LastMove:
    """The last choice of a game: the state the player chose in (news that came before
    it included), the state right after it, and the news that came with it."""

    before: GameState
    after: GameState
    news: tuple[Event, ...] = ()


def choice_text(story: Story, scene_id: str, choice_id: str, seen: GameState | None) -> str:
    """The text of choice `choice_id` of `scene_id` as the player read it in state `seen`
    (the choice's id when the story no longer has it; the text as written when `seen`
    is not known)."""
    scene = story.scenes.get(scene_id)
    choice = scene.choice(choice_id) if scene is not None else None
    if choice is None:
        return choice_id
    if seen is None or not has_markup(choice.text):
        return choice.text
    return engine.text(choice.text, seen)


def game_events(story: Story, state: GameState) -> list[Event] | None:
    """The game replayed event by event (`engine.events`); None when it cannot be
    (a story edited under the game): the caller shows less rather than crash."""
    try:
        return engine.events(story, state)
    except (engine.GameError, KeyError):
        return None


def seen_states(story: Story, state: GameState) -> Sequence[GameState | None]:
    """The state each choice of `state` was made in (item k: before choice k + 1).
    Replayed only when a choice made has markup in its text; else (or when the game
    cannot be replayed) every item is None and texts read as written."""
    unknown: list[GameState | None] = [None] * len(state.history)
    if not any(_has_markup(story, scene_id, choice_id) for scene_id, choice_id in state.history):
        return unknown
    events = game_events(story, state)
    if events is None:
        return unknown
    seen: list[GameState | None] = [e.before for e in events if e.kind == "choice"]
    return seen if len(seen) == len(state.history) else unknown


def _has_markup(story: Story, scene_id: str, choice_id: str) -> bool:
    scene = story.scenes.get(scene_id)
    choice = scene.choice(choice_id) if scene is not None else None
    return choice is not None and has_markup(choice.text)


def one_on(shown: GameState, state: GameState) -> bool:
    """True when `state` is one choice on from `shown` (the same game)."""
    return (
        shown.role == state.role
        and shown.origin == state.origin
        and shown.history == state.history[:-1]
    )


def last_move(
    story: Story,
    state: GameState,
    shown: GameState | None = None,
    events: Sequence[Event] | None = None,
) -> LastMove | None:
    """The last choice of `state`; `shown`, the state on screen before, is the one the
    player chose in when `state` is one choice on from it and no news came with the
    choice (no replay then; `events`, the game's events if known, saves another). None
    before the first choice, or when the game cannot be replayed."""
    if not state.history:
        return None
    step = len(state.history)
    news_came = any(at == step for at, _ in state.news)
    if shown is not None and not news_came and one_on(shown, state):
        return LastMove(shown, state)
    if events is None:
        events = game_events(story, state)
    if not events:
        return None
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.kind == "choice":
            news = tuple(e for e in events[index + 1 :] if e.kind == "news")
            return LastMove(event.before, event.after, news)
    return None


def news_line(story: Story, news: Sequence[Event]) -> str:
    """'News: Calm news: Heat -2 (better).' for the news that came with a move ("" for
    none)."""
    said = []
    for event in news:
        inject = story.injects.get(event.inject)
        title = inject.title if inject is not None else event.inject
        moved = changes(story, event.before.meters, event.after.meters)
        effect = " · ".join(describe(item) for item in moved) if moved else "no meter moved"
        said.append(f"{title}: {effect}")
    return f"News: {'; '.join(said)}." if said else ""


def timeline(events: Sequence[Event]) -> list[GameState]:
    """Every state of a game from its events (as `engine.timeline`, without replaying
    it again): the start, then the state after each choice with the news after it."""
    states: list[GameState] = []
    for event in events:
        if event.kind in ("news", "closed") and states:
            states[-1] = event.after
        else:
            states.append(event.after)
    return states


def round_choice_texts(story: Story, state: DuoState, result: RoundResult) -> dict[str, str]:
    """Each side's choice in the resolved round `result` of the duo game `state`, as
    that side read it when choosing (the round's start state)."""
    seen: DuoState | None = None
    if any(_has_markup(story, m.scene, m.choice) for m in result.moves):
        rounds = [r.id for r in duo.duo_of(story).rounds]
        played = rounds.index(result.round) * len(duo.duo_of(story).roles)
        try:
            seen = duo.replay(story, state.moves[:played])
        except engine.GameError:
            seen = None
    return {
        m.role: choice_text(
            story, m.scene, m.choice, duo.view(story, seen, m.role) if seen else None
        )
        for m in result.moves
    }
