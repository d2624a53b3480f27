"""Random playthroughs through the engine: how often each ending comes, how long a
game is (in choices and in words read), and which choices get picked."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping

import attrs

from game.core import engine
from game.core.model import Story
from game.tools.explore.results import Step

#: random playthroughs stop after this many choices (a story may loop forever)
MAX_RANDOM_STEPS = 1_000


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
        # each game its own seed for the story's random routes, drawn from `seed`
        seed_ = rng.randrange(2**31) if story.random_routes else 0
        state = engine.new_game(story, role, seed=seed_)
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
