"""Past choices worded as the players read them: a choice's text may hold `{meter}`
values and `{flag: a|b}` conditions (game.core.template), so a document that prints a
choice made in a save (a transcript's "Choice made", a class report's counts) renders
it with the state the player chose in: the state before the choice, news that came
before it included. A game is replayed through the engine only when a text printed
has markup; a story without markup pays nothing.

A class report counts one choice over many games, which may have read it differently
("Radio the coast with 3 fuel left" in one game, "... 2 fuel left" in another): where
it names the games that made a choice, it shows the wording most of them read (the
first read breaks a tie); for a choice nobody made, the wording most games at that
scene were offered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from game.core import duo, engine
from game.core.duo import DuoState
from game.core.engine import GameState
from game.core.model import Story
from game.core.template import has_markup, render


def choice_text(story: Story, scene_id: str, choice_id: str, seen: GameState | None) -> str:
    """Choice `choice_id` of `scene_id` as the player read it in state `seen` (as
    written at the story's start when `seen` is not known; the choice's id when the
    story no longer has it)."""
    scene = story.scenes.get(scene_id)
    choice = scene.choice(choice_id) if scene is not None else None
    if choice is None:
        return choice_id
    if not has_markup(choice.text):
        return choice.text
    if seen is None:
        return at_start(story, choice.text)
    return engine.text(choice.text, seen)


def duo_choice_text(story: Story, start: DuoState, role: str, scene_id: str, choice_id: str) -> str:
    """A duo side's choice as it read it at the start of its round (`start`)."""
    scene = story.scenes.get(scene_id)
    choice = scene.choice(choice_id) if scene is not None else None
    if choice is None:
        return choice_id
    if not has_markup(choice.text):
        return choice.text
    return engine.text(choice.text, duo.view(story, start, role))


def at_start(story: Story, text: str) -> str:
    """A story text rendered with the meters at their starts and no flag set: the
    wording when no game says which state it was read in."""
    return render(text, {m.id: m.start for m in story.meters.values()}, frozenset())


def marked(story: Story, scene_id: str, choice_id: str) -> bool:
    """Whether the choice's text has markup to render."""
    scene = story.scenes.get(scene_id)
    choice = scene.choice(choice_id) if scene is not None else None
    return choice is not None and has_markup(choice.text)


def _replayed(story: Story, state: GameState) -> list[GameState | None]:
    """The state each choice of `state` was made in (item k: before choice k + 1), news
    before it included; None throughout when the game no longer replays on the story."""
    unknown: list[GameState | None] = [None] * len(state.history)
    try:
        events = engine.events(story, state)
    except (engine.GameError, KeyError):
        return unknown
    seen: list[GameState | None] = [e.before for e in events if e.kind == "choice"]
    return seen if len(seen) == len(unknown) else unknown


class Wording:
    """The words of choices over many games. Each game is replayed once, when a choice
    with markup is first asked for; a text without markup is returned as written.

    `said(game, k)`: choice k of that game as its player read it. `choice(scene, id)`:
    the wording most of the games that made that choice read (for a choice nobody made,
    most of the games that were at the scene, or are; `role` counts only the games of
    that role)."""

    def __init__(self, story: Story, games: Iterable[GameState]) -> None:
        self.story = story
        self.games = tuple(games)
        self._seen: dict[int, list[GameState | None]] | None = None
        #: scene id -> (choice made, the state it was made in), for every choice made
        self._at: dict[str, list[tuple[str, GameState]]] = {}
        self._words: dict[tuple[str, str, str | None], str] = {}

    def _replay(self) -> dict[int, list[GameState | None]]:
        if self._seen is None:
            self._seen = {}
            for game in self.games:
                if any(self._scene_marked(s) for s, _ in game.history):
                    seen = _replayed(self.story, game)
                else:
                    seen = [None] * len(game.history)
                self._seen[id(game)] = seen
                for (scene, choice), state in zip(game.history, seen, strict=True):
                    if state is not None:
                        self._at.setdefault(scene, []).append((choice, state))
                if game.scene is not None and not game.over:  # offered, not chosen yet
                    self._at.setdefault(game.scene, []).append(("", game))
        return self._seen

    def _scene_marked(self, scene_id: str) -> bool:
        scene = self.story.scenes.get(scene_id)
        return scene is not None and any(has_markup(c.text) for c in scene.choices)

    def said(self, game: GameState, step: int) -> str:
        """Choice `step` (0-based) of `game`, one of the games, as its player read it."""
        scene_id, choice_id = game.history[step]
        if not marked(self.story, scene_id, choice_id):
            return choice_text(self.story, scene_id, choice_id, None)
        seen = self._replay().get(id(game))
        return choice_text(self.story, scene_id, choice_id, seen[step] if seen else None)

    def choice(self, scene_id: str, choice_id: str, role: str | None = None) -> str:
        key = (scene_id, choice_id, role)
        words = self._words.get(key)
        if words is None:
            if not marked(self.story, scene_id, choice_id):
                words = choice_text(self.story, scene_id, choice_id, None)
            else:
                self._replay()
                here = [(c, s) for c, s in self._at.get(scene_id, ()) if role in (None, s.role)]
                made = [s for c, s in here if c == choice_id] or [s for _, s in here]
                read = [choice_text(self.story, scene_id, choice_id, s) for s in made]
                words = most(read) or choice_text(self.story, scene_id, choice_id, None)
            self._words[key] = words
        return words


def most(texts: Iterable[str]) -> str:
    """The text met most often (the first met breaks a tie); "" for none."""
    counted = Counter(texts)
    return counted.most_common(1)[0][0] if counted else ""
