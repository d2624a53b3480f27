"""The news a teacher can send in the shipped story (story/injects.toml): a handful, each
citing the article, each small, and each playable into a game of the roles it reaches."""

from __future__ import annotations

import re

import pytest

from game.core import engine
from game.core.model import Story
from game.format.loader import load_story
from support import SHIPPED

PARAGRAPH = re.compile(r"P([1-9]|1[0-9])\Z")  # the article's paragraphs P1-P19


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story(SHIPPED)


def test_the_shipped_story_has_four_to_six_injects(story: Story) -> None:
    assert 4 <= len(story.injects) <= 6


def test_every_inject_cites_the_article_and_moves_little(story: Story) -> None:
    for inject in story.injects.values():
        assert inject.source, f"{inject.id} cites no paragraph"
        assert all(PARAGRAPH.match(ref) for ref in inject.source), inject.source
        assert inject.effects, f"{inject.id} changes nothing"
        assert all(abs(delta) <= 2 for delta in inject.effects.values())
        assert inject.title and len(inject.text.split()) >= 20


def test_every_inject_reaches_a_running_game_of_its_roles(story: Story) -> None:
    for inject in story.injects.values():
        for role in story.roles:
            state = engine.new_game(story, role)
            if not inject.reaches(role):
                with pytest.raises(engine.GameError):
                    engine.inject(story, state, inject.id)
                continue
            after = engine.inject(story, state, inject.id)
            assert after.news == ((0, inject.id),)
            assert after.meters != state.meters
            assert not after.over  # news alone never ends a game at its start
