"""The shipped duo summit (story/duo/): what issue 13 asks of its content.

Checked from the loaded story itself: at least six rounds, each with a scene for each
side; in every round after the first, on each side, text or choices that exist only
because of what the other side did; every ending of the single-player game reached by
some pair of strategies in the joint-state search (and each shortest pair replays to
its ending through the rules of play); each side's ending text speaking of its own
side; citations of the article on every duo scene; no in-world talk of a forecast.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from game.core import duo
from game.core.model import CHOSEN_SEP, Condition, Scene, Story
from game.format.loader import load_story
from game.tools.explore.duo import DuoReport, explore_duo

STORY_DIR = Path(__file__).parent.parent / "story"
PARAGRAPH = re.compile(r"P([1-9]|1[0-9])")  # P1..P19
SEED = 20170406


@cache
def story() -> Story:
    return load_story(STORY_DIR)


@cache
def report() -> DuoReport:
    return explore_duo(story(), max_states=2_000_000)


def sides() -> tuple[str, ...]:
    summit = story().duo
    assert summit is not None, "the shipped story has no [duo] table"
    return summit.roles


def duo_scenes(side: str | None = None, round_id: str | None = None) -> list[Scene]:
    return [
        s
        for s in story().scenes.values()
        if s.round
        and (side is None or side in s.roles)
        and (round_id is None or s.round == round_id)
    ]


def flags_of(cond: Condition | None) -> Iterator[str]:
    if cond is None:
        return
    yield from cond.flags
    yield from cond.not_flags
    for alternative in cond.any:
        yield from flags_of(alternative)


def marks_of(side: str) -> set[str]:
    """What a condition can test to know what `side` did: the choice flags
    (`chosen = ["scene/choice"]`) of its scenes, and flags only its choices set."""
    own = {s.id for s in duo_scenes(side)}
    others = {s.id for s in duo_scenes()} - own

    def sets(scene_ids: set[str]) -> set[str]:
        scenes = story().scenes
        return {f for sid in scene_ids for c in scenes[sid].choices for f in c.set}

    choice_flags = {f for f in sets(own) if f.split(CHOSEN_SEP)[0] in own}
    plain = {f for f in sets(own) if CHOSEN_SEP not in f} - sets(others)
    return choice_flags | plain


def reacts_to(scene: Scene, other: str) -> list[str]:
    """The passages, choices and routes into `scene` that test what `other` did."""
    marks = marks_of(other)
    found = [
        f"passage {i}" for i, p in enumerate(scene.passages, 1) if marks & set(flags_of(p.when))
    ]
    found += [f"choice {c.id}" for c in scene.choices if marks & set(flags_of(c.requires))]
    for before in story().scenes.values():
        for c in before.choices:
            for route in c.routes:
                if route.goto == scene.id and marks & set(flags_of(route.when)):
                    found.append(f"route from {before.id}/{c.id}")
    return found


def test_the_summit_has_at_least_six_rounds_each_with_a_scene_for_each_side() -> None:
    summit = story().duo
    assert summit is not None
    assert len(summit.rounds) >= 6
    for rnd in summit.rounds:
        assert rnd.title
        for side in sides():
            assert duo_scenes(side, rnd.id), f"no scene of {side} in round {rnd.id}"


def test_every_round_after_the_first_reacts_to_the_other_side_on_each_side() -> None:
    summit = story().duo
    assert summit is not None
    missing = []
    for rnd in summit.rounds[1:]:
        for side in sides():
            other = next(s for s in sides() if s != side)
            if not any(reacts_to(scene, other) for scene in duo_scenes(side, rnd.id)):
                missing.append(f"{rnd.id}/{side}")
            # and every single scene of these rounds does, not just one per round
            for scene in duo_scenes(side, rnd.id):
                if not reacts_to(scene, other):
                    missing.append(scene.id)
    assert not missing, f"nothing there depends on the other side's moves: {missing}"


def test_every_duo_scene_cites_the_article() -> None:
    for scene in duo_scenes():
        assert scene.source, f"{scene.id} cites no paragraph"
        for ref in scene.source:
            assert PARAGRAPH.fullmatch(ref), f"{scene.id}: {ref!r} is not P1..P19"


def test_no_duo_text_talks_of_a_forecast_or_of_analysts() -> None:
    words = re.compile(r"forecast|analyst|analysis", re.IGNORECASE)
    for scene in duo_scenes():
        texts = [scene.text, *(p.text for p in scene.passages), *(c.text for c in scene.choices)]
        for text in texts:
            assert not words.search(text), f"{scene.id}: {text[:60]!r}"


def test_the_joint_search_is_complete_and_has_no_dead_ends() -> None:
    result = report()
    assert result.complete
    assert not result.dead_ends
    assert not any(result.unreached_scenes.values())
    assert not result.unopened_choices


def replayed(pair: tuple[tuple[tuple[str, str], ...], ...]) -> duo.DuoState:
    """The joint state a pair of move lists (one per side) plays to, round by round."""
    moves = [
        (side, *side_moves[rnd])
        for rnd in range(max(len(m) for m in pair))
        for side, side_moves in zip(sides(), pair, strict=True)
        if rnd < len(side_moves)
    ]
    return duo.replay(story(), moves)


def test_every_single_player_ending_is_reached_by_some_pair_of_strategies() -> None:
    result = report()
    assert result.sides == sides()
    assert set(result.endings) == set(story().endings)
    assert not result.unreachable_endings
    for ending, pair in result.endings.items():
        assert pair is not None
        state = replayed(pair)
        assert state.over and state.ending == ending


def own_passages(state: duo.DuoState, side: str) -> list[str]:
    """The ending's passages meant for `side` (a `role` condition) that hold for it."""
    assert state.ending is not None
    ending = story().endings[state.ending]
    return [
        p.text
        for p in ending.passages
        if side in p.when.roles and p.when.holds(state.meters, state.flags, side)
    ]


def test_each_side_reads_what_its_own_side_did_in_every_ending() -> None:
    games = [replayed(pair) for pair in report().endings.values() if pair is not None]
    rng = random.Random(SEED)
    for _ in range(400):
        state = duo.new_duo(story())
        while not state.over:
            for side in sides():
                if state.over:
                    break
                picks = [o.choice_id for o in duo.options(story(), state, side) if o.open]
                state = duo.move(story(), state, side, rng.choice(picks))
        games.append(state)
    for game in games:
        for side in sides():
            assert own_passages(game, side), f"{game.ending}: nothing on {side}'s own moves"
