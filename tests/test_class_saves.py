"""What a save says of its game besides the choices: id, player, code, news, the clock's
close and undone choices. Saves without them (older versions) load as before."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from game.core import engine
from game.core.model import Inject, Story
from game.persist import saves
from game.persist.saves import GameInfo, Player, Undone


@pytest.fixture
def story(mini_story: Story) -> Story:
    calm = Inject("calm", "Calm news", "Things calm down.", {"heat": -2}, frozenset({"calm"}))
    return attrs.evolve(mini_story, injects={"calm": calm})


def test_a_save_keeps_its_game_its_player_and_its_news(tmp_path: Path, story: Story) -> None:
    state = engine.choose(story, engine.new_game(story, "alice"), "cold")
    state = engine.inject(story, state, "calm")
    state = engine.close(story, state)
    info = GameInfo(
        id="g-1",
        player=Player("Ana", "Red"),
        code="K7QX",
        started_at="2026-12-01T10:00:00+00:00",
        autosave="autosave-mini-Ana-alice-20261201-100000",
        undone=[Undone(2, "yard", "push")],
        news_seq=4,
    )
    path = saves.write(tmp_path, "slot", story, state, info)
    raw = json.loads(path.read_text().splitlines()[0])  # the header line
    assert raw["game"]["player"] == {"name": "Ana", "team": "Red"}
    assert raw["news"] == [{"step": 1, "id": "calm"}] and raw["closed"] == 1
    loaded = saves.load(story, path)
    assert loaded.state == state  # news and the close replay to the same game
    assert loaded.save.game == info


def test_an_older_save_without_the_new_fields_loads(tmp_path: Path, story: Story) -> None:
    state = engine.choose(story, engine.new_game(story, "alice"), "warm")
    path = tmp_path / "old.json"  # a format-1 save, as older versions wrote them
    raw = {**saves._converter.unstructure(saves.make_save(story, state)), "format": 1}
    for key in ("game", "news", "closed"):
        del raw[key]
    raw["checksum"] = saves.hashlib.sha256(saves._canonical(raw)).hexdigest()
    path.write_text(json.dumps(raw))
    loaded = saves.load(story, path)
    assert loaded.state == state and loaded.save.game is None and loaded.save.news == []


def test_a_save_whose_news_no_longer_fits_is_refused(tmp_path: Path, story: Story) -> None:
    state = engine.inject(story, engine.new_game(story, "alice"), "calm")
    path = saves.write(tmp_path, "s", story, state)
    without = attrs.evolve(story, injects={})
    with pytest.raises(saves.SaveError, match="no inject 'calm'"):
        saves.load(without, path)
