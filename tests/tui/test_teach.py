"""The teacher's console (`mar-a-lago teach DIR`) through Pilot: it lists the games of the
class store as they change, sorts them, counts endings per role, and sends news,
pauses, resumes and sets a time limit through the store."""

from __future__ import annotations

import time
from pathlib import Path

import attrs
from textual.widgets import DataTable, Input, OptionList, Static

from game.core.model import Inject, Story
from game.persist.classstore import ClassStore, GameRecord
from game.teach.app import InjectScreen, LimitScreen, TeachApp
from game.teach.roster import ago, ending_counts, rows


def record(game_id: str, name: str, role: str, **more: object) -> GameRecord:
    now = time.time()
    fields: dict[str, object] = {"started_at": now - 60, "last_at": now, "name": name}
    fields.update(more)
    return GameRecord(game_id, "mini", role, **fields)  # type: ignore[arg-type]


def column(app: TeachApp, key: str) -> list[str]:
    table = app.query_one("#games", DataTable)
    return [str(table.get_cell(row_key, key)) for row_key in table.rows]


def text_of(app: TeachApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def test_the_console_lists_the_games_as_they_are_played(tmp_path: Path, story: Story) -> None:
    store = ClassStore.open(tmp_path)
    store.put_game(record("g1", "Ana", "alice", team="Red", scene="hall", meters={"trust": 3}))
    app = TeachApp(tmp_path, story)
    async with app.run_test(size=(140, 30)) as pilot:
        assert column(app, "name") == ["Ana"]
        assert column(app, "scene") == ["Hall"]
        assert column(app, "role") == ["Alice"]
        assert "Trust 3" in column(app, "meters")[0]
        # a second game starts and the first one ends, in other processes
        store.put_game(record("g2", "Bo", "bob", room="r1", scene="yard", steps=0))
        store.put_game(record("g1", "Ana", "alice", team="Red", ending="good", steps=2))
        await pilot.pause(1.5)  # the console looks at the store every second
        assert sorted(column(app, "name")) == ["Ana", "Bo"]
        assert "Bob · room r1" in column(app, "role")
        assert "Good" in column(app, "ending")
        endings = text_of(app, "#endings")
        assert "Alice: Good 1" in endings and "Bob: 1 playing" in endings
        assert "2 game(s): 1 playing, 1 finished" in text_of(app, "#status")


async def test_the_console_sorts_by_a_column(tmp_path: Path, story: Story) -> None:
    store = ClassStore.open(tmp_path)
    for n, name in enumerate(["carla", "Ana", "Bo"]):
        store.put_game(record(f"g{n}", name, "alice", steps=n))
    app = TeachApp(tmp_path, story)
    async with app.run_test(size=(140, 30)) as pilot:
        app.sort_by = "name"
        app.show()
        assert column(app, "name") == ["Ana", "Bo", "carla"]
        await pilot.press("r")
        assert column(app, "name") == ["carla", "Bo", "Ana"]
        await pilot.press("s")  # the next column: team (all empty), then role...
        assert app.sort_by == "team"


async def test_the_console_sends_news_pauses_and_sets_a_time_limit(
    tmp_path: Path, story: Story
) -> None:
    news = Inject("storm", "Storm", "Heat rises.", {"heat": 1})
    story = attrs.evolve(story, injects={"storm": news})
    store = ClassStore.open(tmp_path)
    app = TeachApp(tmp_path, story)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, InjectScreen)
        app.screen.query_one("#injects", OptionList).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert [i.inject_id for i in store.injects()] == ["storm"]
        await pilot.press("p")
        assert store.clock().paused
        assert "Paused" in text_of(app, "#status")
        await pilot.press("p")
        assert not store.clock().paused
        await pilot.press("t")
        assert isinstance(app.screen, LimitScreen)
        app.screen.query_one("#minutes", Input).value = "10"
        await pilot.press("enter")
        await pilot.pause()
        remaining = store.clock().remaining
        assert remaining is not None and 590 < remaining <= 600
        assert "left" in text_of(app, "#status")


def test_rows_ages_and_counts(story: Story) -> None:
    now = time.time()
    games = [
        record("a", "Ana", "alice", ending="good", last_at=now - 30),
        record("b", "", "alice", ending="draw", last_at=now - 10),
        record("c", "Cy", "bob", scene="yard", last_at=now - 400),
    ]
    made = rows(story, games, now, "last")
    assert [r.game_id for r in made] == ["b", "a", "c"]  # the newest move first
    assert made[0].cells[0] == "(no name)"
    assert [r.game_id for r in rows(story, games, now, "name")] == ["a", "c", "b"]
    assert ago(2) == "just now" and ago(40) == "40 s ago" and ago(400) == "7 min ago"
    assert ending_counts(story, games) == [("Alice", "Good 1 · Draw 1"), ("Bob", "1 playing")]
