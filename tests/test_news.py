"""News in the engine: an inject applies once, between two choices, and replays where it
came; the class clock's close ends a game by rank and replays too."""

from __future__ import annotations

import attrs
import pytest

from game.core import engine
from game.core.model import Inject, Story


@pytest.fixture
def story(mini_story: Story) -> Story:
    injects = {
        "calm": Inject("calm", "Calm news", "Things calm down.", {"heat": -2}, frozenset({"calm"})),
        "storm": Inject("storm", "Storm", "Heat rises.", {"heat": 3}),
        "for_bob": Inject(
            "for_bob", "Bob only", "Only Bob hears it.", {"trust": 1}, roles=("bob",)
        ),
    }
    return attrs.evolve(mini_story, injects=injects)


def test_an_inject_applies_its_effects_and_flags_once_and_is_recorded(story: Story) -> None:
    state = engine.choose(story, engine.new_game(story, "alice"), "cold")  # trust 2, heat 4
    after = engine.inject(story, state, "calm")
    assert after.meters == {"trust": 2, "heat": 2}
    assert "calm" in after.flags
    assert after.news == ((1, "calm"),)
    assert after.scene == state.scene and after.history == state.history


def test_news_can_end_a_game_as_a_choice_can(story: Story) -> None:
    state = engine.choose(story, engine.new_game(story, "alice"), "cold")  # heat 4 of 5
    ended = engine.inject(story, state, "storm")  # heat 5: the immediate ending "boom"
    assert ended.ending == "boom" and ended.scene is None
    with pytest.raises(engine.GameError, match="over"):
        engine.inject(story, ended, "calm")


def test_news_for_other_roles_and_unknown_news_are_refused(story: Story) -> None:
    state = engine.new_game(story, "alice")
    with pytest.raises(engine.GameError, match="does not reach the role 'alice'"):
        engine.inject(story, state, "for_bob")
    with pytest.raises(engine.GameError, match="no inject 'nope'"):
        engine.inject(story, state, "nope")


def test_replay_puts_news_back_where_it_came(story: Story) -> None:
    state = engine.new_game(story, "alice")
    state = engine.inject(story, state, "calm")  # before any choice
    state = engine.choose(story, state, "warm")
    state = engine.inject(story, state, "calm")
    state = engine.choose(story, state, "wait")
    assert state.news == ((0, "calm"), (1, "calm"))
    again = engine.replay(story, "alice", state.history, news=state.news)
    assert again == state
    # the same choices without the news end elsewhere: the news is part of the game
    assert engine.replay(story, "alice", state.history).meters != state.meters


def test_replay_refuses_news_that_no_longer_fits(story: Story) -> None:
    history = (("hall", "warm"),)
    with pytest.raises(engine.ReplayError, match="no inject 'gone'"):
        engine.replay(story, "alice", history, news=((1, "gone"),))
    with pytest.raises(engine.ReplayError, match="not made"):
        engine.replay(story, "alice", history, news=((2, "calm"),))


def test_undo_keeps_the_news_that_came_after_the_undone_choice(story: Story) -> None:
    state = engine.choose(story, engine.new_game(story, "alice"), "cold")
    state = engine.inject(story, state, "calm")
    undone = engine.undo(story, state)
    assert undone.history == () and undone.news == ((0, "calm"),)
    assert undone.meters == {"trust": 3, "heat": 0}  # the news, without the choice


def test_the_clock_closes_a_game_by_rank_and_replay_knows_it(story: Story) -> None:
    state = engine.choose(story, engine.new_game(story, "alice"), "warm")  # trust 5
    closed = engine.close(story, state)
    assert closed.over and closed.ending == "good" and closed.closed == 1
    assert engine.close(story, closed) == closed
    again = engine.replay(story, "alice", closed.history, closed=closed.closed)
    assert again == closed
    with pytest.raises(engine.ReplayError, match="closed the game after choice 0"):
        engine.replay(story, "alice", closed.history, closed=0)


def test_events_and_the_timeline_show_news_and_the_close(story: Story) -> None:
    state = engine.new_game(story, "alice")
    state = engine.choose(story, state, "cold")
    state = engine.inject(story, state, "calm")
    state = engine.close(story, state)
    kinds = [e.kind for e in engine.events(story, state)]
    assert kinds == ["start", "choice", "news", "closed"]
    news = engine.events(story, state)[2]
    assert (
        news.inject == "calm" and news.before.meters["heat"] == 4 and news.after.meters["heat"] == 2
    )
    timeline = engine.timeline(story, state)
    assert len(timeline) == 2  # the start and one choice (news and close folded in)
    assert timeline[-1] == state


def test_the_loader_reads_injects() -> None:
    from game.format.loader import load_story
    from support import FIXTURES

    story = load_story(FIXTURES / "classroom")
    assert list(story.injects) == ["calm", "storm", "for_bob"]
    calm, for_bob = story.injects["calm"], story.injects["for_bob"]
    assert (calm.title, calm.text, dict(calm.effects), calm.source) == (
        "Calm news",
        "Things calm down.",
        {"heat": -2},
        ("P1",),
    )
    assert for_bob.roles == ("bob",) and not for_bob.reaches("alice")
    assert calm.file.endswith("injects.toml") and calm.line == 3
