"""The engine's rules, each on its own, then properties over random play."""

from __future__ import annotations

import contextlib

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.core import engine
from game.core.engine import GameError, ReplayError, Start
from game.core.model import Bound, Choice, Condition, Ending, Meter, Role, Route, Scene, Story
from game.format.loader import load_story
from support import MINI, SHIPPED


def make_story(scenes: list[Scene], endings: list[Ending], meters=None) -> Story:
    meters = meters or [Meter("m", "M", 0, 10, 5), Meter("low", "Low", 0, 3, 0, good="low")]
    ordered = sorted(endings, key=lambda e: e.rank)
    return Story(
        id="t",
        title="T",
        version="1",
        format=1,
        meters={m.id: m for m in meters},
        roles={"r": Role("r", "R", scenes[0].id)},
        scenes={s.id: s for s in scenes},
        endings={e.id: e for e in endings},
        ending_order=tuple(e.id for e in ordered),
    )


FALLBACK = Ending("fallback", "F", "f", rank=99)


def test_new_game_starts_at_role_start_with_meter_starts(mini_story):
    state = engine.new_game(mini_story, "alice")
    assert state.scene == "hall"
    assert state.meters == {"trust": 3, "heat": 2}
    assert state.flags == frozenset()
    assert state.history == ()
    assert not state.over


def test_unknown_role_is_an_error(mini_story):
    with pytest.raises(GameError, match="no role 'carol'"):
        engine.new_game(mini_story, "carol")


def test_state_is_frozen(mini_story):
    state = engine.new_game(mini_story, "alice")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        state.scene = "yard"  # type: ignore[misc]


def test_choose_applies_effects_and_flags_and_records_history(mini_story):
    state = engine.new_game(mini_story, "alice")
    after = engine.choose(mini_story, state, "warm")
    assert after.meters["trust"] == 5
    assert "warmed" in after.flags
    assert after.history == (("hall", "warm"),)
    assert after.scene == "yard"
    assert state.meters["trust"] == 3  # the old state is untouched


def test_effects_are_clamped():
    scene = Scene("s", "S", "t", choices=(Choice("c", "C", "s", effects={"m": 100, "low": -5}),))
    story = make_story([scene], [FALLBACK])
    state = engine.choose(story, engine.new_game(story, "r"), "c")
    assert state.meters == {"m": 10, "low": 0}


def test_clear_removes_flags_after_set():
    scene = Scene(
        "s",
        "S",
        "t",
        choices=(
            Choice("a", "A", "s", set=frozenset({"x", "y"})),
            Choice("b", "B", "s", set=frozenset({"z"}), clear=frozenset({"x", "z"})),
        ),
    )
    story = make_story([scene], [FALLBACK])
    state = engine.choose(story, engine.new_game(story, "r"), "a")
    state = engine.choose(story, state, "b")
    assert state.flags == frozenset({"y"})


def test_locked_choice_gives_reason_and_cannot_be_chosen(mini_story):
    state = engine.new_game(mini_story, "alice")
    secret = engine.options(mini_story, state)[2]
    assert not secret.open and secret.visible
    assert secret.reason == "Nobody trusts you that much."
    with pytest.raises(GameError, match="locked"):
        engine.choose(mini_story, state, "secret")


def test_generated_reason_names_the_condition():
    cond = Condition(
        meters={"m": Bound(min=3), "low": Bound(max=1)},
        flags=frozenset({"f"}),
        not_flags=frozenset({"g"}),
    )
    scene = Scene(
        "s", "S", "t", choices=(Choice("c", "C", "end", requires=cond), Choice("d", "D", "end"))
    )
    story = make_story([scene], [FALLBACK])
    state = attrs.evolve(engine.new_game(story, "r"), meters={"m": 1, "low": 2})
    option = engine.options(story, state)[0]
    assert (
        option.reason
        == "Needs M at least 3, Low at most 1, 'f' to have happened, 'g' not to have happened."
    )


def test_hide_locked_hides_until_requires_holds(mini_story):
    state = engine.new_game(mini_story, "bob")
    hidden = engine.options(mini_story, state)[2]
    assert hidden.choice_id == "hidden" and not hidden.visible
    warmed = attrs.evolve(state, flags=frozenset({"warmed"}))
    assert engine.options(mini_story, warmed)[2].visible


def test_passages_show_while_their_condition_holds(mini_story):
    state = engine.new_game(mini_story, "alice")
    assert engine.shown_text(mini_story, state) == ["A hall. [bold]Not markup[/].", "Low trust."]
    warm = attrs.evolve(state, meters={"trust": 5, "heat": 2})
    assert engine.shown_text(mini_story, warm) == ["A hall. [bold]Not markup[/]."]


def test_routes_are_tried_against_the_new_state(mini_story):
    # 'push' sets heat +3 and would go to "end"; the route on 'warmed' sends to the garden
    state = engine.new_game(mini_story, "alice")
    state = engine.choose(mini_story, state, "warm")
    state = attrs.evolve(state, meters={"trust": 5, "heat": 0})
    assert engine.choose(mini_story, state, "push").scene == "garden"


def test_first_route_that_holds_wins():
    routes = (Route(Condition(meters={"m": Bound(min=7)}), "b"), Route(Condition(), "c"))
    scene = Scene("s", "S", "t", choices=(Choice("c", "C", "a", effects={"m": 2}, routes=routes),))
    a, b, c = (Scene(x, x, x, choices=(Choice("z", "Z", "end"),)) for x in "abc")
    story = make_story([scene, a, b, c], [FALLBACK])
    assert engine.choose(story, engine.new_game(story, "r"), "c").scene == "b"  # m 5 -> 7


def test_immediate_ending_overrides_the_goto(mini_story):
    state = engine.new_game(mini_story, "alice")
    state = engine.choose(mini_story, state, "cold")  # heat 4
    end = engine.choose(mini_story, state, "push")  # heat 5 (clamped 7 -> 5)
    assert end.over and end.ending == "boom" and end.scene is None


def test_goto_end_resolves_by_rank(mini_story):
    state = engine.new_game(mini_story, "bob")
    assert engine.choose(mini_story, state, "wait").ending == "draw"
    rich = attrs.evolve(state, meters={"trust": 6, "heat": 0})
    assert engine.choose(mini_story, rich, "wait").ending == "good"


def test_goto_named_ending(mini_story):
    state = attrs.evolve(engine.new_game(mini_story, "alice"), meters={"trust": 9, "heat": 0})
    assert engine.choose(mini_story, state, "secret").ending == "good"


def test_ending_passages(mini_story):
    state = engine.new_game(mini_story, "alice")
    for choice in ("warm", "hidden", "1"):
        state = engine.choose(mini_story, state, choice)
    assert state.ending == "good"
    assert engine.shown_text(mini_story, state) == ["It went well.", "Warmth helped."]


def test_no_choices_after_the_end(mini_story):
    state = engine.choose(mini_story, engine.new_game(mini_story, "bob"), "wait")
    assert engine.options(mini_story, state) == []
    with pytest.raises(GameError, match="over"):
        engine.choose(mini_story, state, "wait")


def test_unknown_choice(mini_story):
    with pytest.raises(GameError, match="no choice 'fly'"):
        engine.choose(mini_story, engine.new_game(mini_story, "alice"), "fly")


def test_entering_a_scene_with_nothing_open_ends_by_rank():
    stuck = Scene(
        "stuck",
        "Stuck",
        "t",
        choices=(Choice("x", "X", "end", requires=Condition(flags=frozenset({"never"}))),),
    )
    first = Scene("s", "S", "t", choices=(Choice("go", "Go", "stuck"),))
    story = make_story([first, stuck], [FALLBACK])
    assert engine.choose(story, engine.new_game(story, "r"), "go").ending == "fallback"


def test_undo_is_replay_one_fewer(mini_story):
    state = engine.new_game(mini_story, "alice")
    one = engine.choose(mini_story, state, "warm")
    two = engine.choose(mini_story, one, "push")
    assert engine.undo(mini_story, two) == one
    assert engine.undo(mini_story, one) == state
    assert engine.undo(mini_story, state) == state


def test_replay_explains_a_choice_that_no_longer_exists(mini_story):
    with pytest.raises(ReplayError, match="choice 'gone' of scene 'hall' no longer exists"):
        engine.replay(mini_story, "alice", [("hall", "gone")])
    with pytest.raises(ReplayError, match="now leads to scene 'yard', not 'garden'"):
        engine.replay(mini_story, "alice", [("hall", "cold"), ("garden", "1")])


def test_custom_start(mini_story):
    start = Start("yard", {"trust": 99}, frozenset({"warmed"}))
    state = engine.new_game(mini_story, "alice", start)
    assert state.scene == "yard" and state.meters["trust"] == 10 and "warmed" in state.flags
    after = engine.choose(mini_story, state, "hidden")
    assert engine.undo(mini_story, after) == state
    with pytest.raises(GameError, match="no scene"):
        engine.new_game(mini_story, "alice", Start("nowhere"))
    with pytest.raises(GameError, match="no meter"):
        engine.new_game(mini_story, "alice", Start("yard", {"nope": 1}))


# -- properties over random play ------------------------------------------------------

STORIES = [load_story(MINI)]
with contextlib.suppress(Exception):  # the shipped story, once it loads, is a bonus here
    STORIES.append(load_story(SHIPPED))


@st.composite
def playthrough(draw):
    story = draw(st.sampled_from(STORIES))
    state = engine.new_game(story, draw(st.sampled_from(sorted(story.roles))))
    states = [state]
    for _ in range(200):
        if state.over:
            break
        choices = [o.choice_id for o in engine.options(story, state) if o.open and o.visible]
        state = engine.choose(story, state, draw(st.sampled_from(choices)))
        states.append(state)
    return story, states


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(playthrough())
def test_meters_stay_in_range_and_the_game_ends(game):
    story, states = game
    for state in states:
        for meter in story.meters.values():
            assert meter.min <= state.meters[meter.id] <= meter.max
    assert states[-1].over
    assert states[-1].ending in story.endings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(playthrough())
def test_replaying_the_choices_rebuilds_the_same_state(game):
    story, states = game
    for state in states:
        assert engine.replay(story, state.role, state.history) == state


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_no_sequence_of_open_choices_raises(data):
    story = data.draw(st.sampled_from(STORIES))
    state = engine.new_game(story, data.draw(st.sampled_from(sorted(story.roles))))
    while not state.over:
        options = engine.options(story, state)
        assert any(o.open for o in options), f"dead end at {state.scene}"
        pick = data.draw(st.sampled_from([o for o in options if o.open]))
        state = engine.choose(story, state, pick.choice_id)


def test_a_start_with_nothing_open_ends_by_rank_rather_than_strand_the_player():
    stuck = Scene(
        "s",
        "S",
        "t",
        choices=(Choice("x", "X", "end", requires=Condition(flags=frozenset({"f"}))),),
    )
    story = make_story([stuck], [FALLBACK])
    state = engine.new_game(story, "r")
    assert state.over and state.ending == "fallback" and state.history == ()
    assert engine.replay(story, "r", []) == state


def test_timeline_is_every_state_of_the_game(mini_story):
    state = engine.new_game(mini_story, "alice")
    one = engine.choose(mini_story, state, "warm")
    two = engine.choose(mini_story, one, "hidden")
    assert engine.timeline(mini_story, two) == [state, one, two]
    assert engine.timeline(mini_story, state) == [state]
