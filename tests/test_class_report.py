"""The class report of a class session: each game once (by its id) however many slots
hold it, one CSV row per game, and the HTML page's per-game table, charts, key scenes in
play order and the news sent."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from game.core import engine
from game.core.model import Inject, Story
from game.persist import saves
from game.persist.classstore import ClassStore
from game.persist.saves import GameInfo, Player
from game.tools.documents import classreport
from game.tools.documents.games import Game, collect
from game.tools.documents.report import render_report
from support import MINI, ROOT


@pytest.fixture
def story(mini_story: Story) -> Story:
    calm = Inject("calm", "Calm news", "Things calm down.", {"heat": -1}, source=("P14",))
    return attrs.evolve(mini_story, injects={"calm": calm})


def play(story: Story, role: str, *choices: str, news_after: int | None = None) -> engine.GameState:
    state = engine.new_game(story, role)
    if news_after == 0:
        state = engine.inject(story, state, "calm")
    for n, choice in enumerate(choices, 1):
        state = engine.choose(story, state, choice)
        if news_after == n:
            state = engine.inject(story, state, "calm")
    return state


def info(game_id: str, name: str, team: str = "") -> GameInfo:
    return GameInfo(id=game_id, player=Player(name, team), started_at="2026-12-01T10:00:00+00:00")


@pytest.fixture
def class_folder(tmp_path: Path, story: Story) -> Path:
    folder = tmp_path / "class"
    ana = play(story, "alice", "warm", "wait", news_after=1)
    saves.write(folder, "autosave-mini-Ana-alice", story, ana, info("g-ana", "Ana", "Red"))
    # the same game, saved by hand half-way: one game, not two
    half = engine.undo(story, ana)
    saves.write(folder, "autosave-mini-Ana-alice-mine", story, half, info("g-ana", "Ana", "Red"))
    bo = play(story, "bob", "wait")
    saves.write(folder, "autosave-mini-Bo-bob", story, bo, info("g-bo", "Bo"))
    cy = play(story, "alice", "cold")
    saves.write(folder, "autosave-mini-Cy-alice", story, cy, info("g-cy", "Cy", "Blue"))
    old = play(story, "alice", "warm")  # a save of an older version: no game info
    saves.write(folder, "autosave", story, old)
    store = ClassStore.open(folder)
    store.send_inject("calm")
    return folder


def test_each_game_is_counted_once_by_its_newest_save(story: Story, class_folder: Path) -> None:
    collection = collect(story, [class_folder])
    assert collection.files == 5
    assert len(collection.games) == 4
    ana = next(g for g in collection.games if g.game_id == "g-ana")
    assert ana.state.over  # the autosave at the ending, not the half-way copy
    assert any("counted once" in note for note in collection.notes)


def test_csv_has_one_row_per_game_with_the_columns_a_gradebook_needs(
    story: Story, class_folder: Path
) -> None:
    text = render_report(story, collect(story, [class_folder]), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "name",
        "team",
        "role",
        "room",
        "ending",
        "steps",
        "final_trust",
        "final_heat",
        "finished",
        "started",
        "last_move",
        "game_id",
    ]
    assert len(rows) == 4
    ana = next(r for r in rows if r["name"] == "Ana")
    assert ana["team"] == "Red" and ana["role"] == "Alice" and ana["ending"] == "Good"
    assert ana["steps"] == "2" and ana["finished"] == "yes" and ana["final_trust"] == "5"
    assert ana["started"] == "2026-12-01T10:00:00+00:00" and ana["last_move"]
    cy = next(r for r in rows if r["name"] == "Cy")
    assert cy["finished"] == "no" and cy["ending"] == ""


def test_the_html_report_has_the_games_the_charts_and_the_news(
    story: Story, class_folder: Path
) -> None:
    page = render_report(story, collect(story, [class_folder]), "html")
    assert 'id="games"' in page and "<td>Ana</td>" in page
    assert 'id="endings-chart-title"' in page  # the shares of the endings per role
    assert 'id="meters-alice-title"' in page and 'id="meters-bob-title"' in page
    assert "Calm news (sources: P14)" in page and "reached 1 game(s)" in page
    assert "https://" not in page and "http://" not in page.replace("http://www.w3.org", "")


def test_key_scenes_come_in_play_order_not_file_order(story: Story) -> None:
    backwards = attrs.evolve(story, scenes=dict(reversed(list(story.scenes.items()))))
    games = [
        Game("a", play(backwards, "alice", "warm", "hidden", "1")),
        Game("b", play(backwards, "alice", "warm", "hidden", "1")),
    ]
    assert next(iter(backwards.scenes)) == "garden"
    assert classreport.play_order(backwards, games) == ["hall", "yard", "garden"]


def test_report_csv_from_the_command_line(story: Story, class_folder: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "report",
            str(class_folder),
            "--story",
            str(MINI),
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    # the mini story on disk has no injects: Ana's news no longer fits, she is skipped
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("name,team,role,room,ending,steps")
    assert len(lines) == 1 + 3 and "no inject 'calm'" in done.stderr
