"""The text is always readable: at 60x20, 80x24, 100x30 and 200x50, for each role's start
scene and for a scene whose reactive lines hold, the reactions come first and show, and
the scene's last sentence is on screen or the text is marked "more below" (and only
then). Wide terminals get one centred column; the ending and help are width-capped; the
sidebar keeps its meters; Tab goes between the text and the choices."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from tui_support import MINI, SHIPPED, screen_lines, seen_in, words

from game.core import engine
from game.core.engine import Start
from game.core.feedback import scene_reading
from game.core.model import Condition, Story
from game.core.text import paragraphs
from game.format.loader import check_story, load_story
from game.tui.app import GameApp, make_app
from game.tui.screens.ending import EndingScreen
from game.tui.screens.help import HelpScreen
from game.tui.screens.scene import MORE_BELOW, SceneScreen
from game.tui.widgets.choices import ChoiceList

SIZES = [(60, 20), (80, 24), (100, 30), (200, 50)]
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’')]*\s+")


def last_sentence(text: str) -> str:
    return [s for s in SENTENCE_END.split(paragraphs(text)[-1]) if s.strip()][-1]


def start_for(condition: Condition) -> tuple[dict[str, int], set[str]]:
    """Meter values and flags under which `condition` holds (its first alternative)."""
    meters = {
        meter: bound.min if bound.min is not None else bound.max or 0
        for meter, bound in condition.meters.items()
    }
    flags = set(condition.flags)
    if condition.any:
        more_meters, more_flags = start_for(condition.any[0])
        meters.update(more_meters)
        flags |= more_flags
    return meters, flags


def reactive_case(story: Story) -> tuple[str, Start]:
    """The role and start of the scene with the most reactive text that holds (every
    passage's flags set at once, else one passage at a time): the hardest to fit."""
    best: tuple[int, str, Start] | None = None
    for scene in story.scenes.values():
        role = scene.roles[0] if scene.roles else next(iter(story.roles))
        tries = []
        every: tuple[dict[str, int], set[str]] = ({}, set())
        for passage in scene.passages:
            meters, flags = start_for(passage.when)
            tries.append((meters, flags))
            every[1].update(flags)
        tries.insert(0, every)
        for meters, flags in tries:
            try:
                state = engine.new_game(story, role, Start(scene.id, meters, frozenset(flags)))
            except engine.GameError:
                continue
            reactions, texts = scene_reading(story, state)
            if state.over or not reactions:
                continue
            size = sum(len(t) for t in [*reactions, *texts])
            if best is None or size > best[0]:
                best = (size, role, Start(scene.id, meters, frozenset(flags)))
            break
    assert best is not None, "the story has no scene with reactive lines"
    return best[1], best[2]


def shipped() -> Story:
    story, problems = check_story(SHIPPED)
    if story is None:
        pytest.skip(f"the shipped story does not load now ({len(problems)} problems)")
    return story


def cases() -> list[tuple[str, str, str]]:
    """(story, role, 'start' or 'reactive') for each story the tests know."""
    return [
        ("mini", "alice", "start"),
        ("mini", "bob", "start"),
        ("shipped", "*", "start"),
        ("shipped", "*", "reactive"),
    ]


async def check_readable(app: GameApp, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SceneScreen), screen
        state = app.state
        assert state is not None
        reactions, texts = scene_reading(app.story, state)
        scroll = screen.query_one("#scene-scroll", VerticalScroll)
        seen = seen_in(app, scroll)
        everything = "\n".join(screen_lines(app))
        marked = MORE_BELOW in everything
        # the title and the reactions come first: at least their start is always seen
        scene = engine.current_scene(app.story, state)
        assert scene is not None and words(scene.title) in seen
        for reaction in reactions:
            if words(reaction) not in seen:
                assert marked, f"{size}: reaction hidden, unmarked: {reaction[:40]}"
        if reactions:
            assert " ".join(words(reactions[0]).split()[:5]) in seen, size
        # the last sentence is on screen, or the text says it goes on (and only then)
        last = words(last_sentence(texts[-1]))
        assert (last in seen) != marked, (size, last, marked, seen[-200:])
        # the choices show (the first one whole)
        choices = screen.query_one(ChoiceList)
        first = words(screen.shown_options[0].text)
        assert first[:30] in seen_in(app, choices, scrollbar=False), size
        # the text and the choices share one column of readable width, centred
        main = screen.query_one("#scene-main")
        assert main.region.width <= 84
        if size[0] >= 140:
            left = main.region.x
            right = size[0] - screen.query_one("#scene-side").region.right
            assert abs(left - right) <= 2, (left, right)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("which", "role", "kind"), cases())
async def test_the_scene_reads_whole_or_says_more_below(
    which: str, role: str, kind: str, size: tuple[int, int], saves_dir: Path
) -> None:
    story = load_story(MINI) if which == "mini" else shipped()
    roles = list(story.roles) if role == "*" else [role]
    for each in roles:
        start = None
        if kind == "reactive":
            each, start = reactive_case(story)
        app = make_app(story, saves_dir, role=each, start=start or Start(story.roles[each].start))
        await check_readable(app, size)
        if kind == "reactive":
            break


async def test_the_mark_goes_once_the_text_is_read(story_copy: Path, saves_dir: Path) -> None:
    long = " ".join(f"Sentence number {n} of the hall." for n in range(60))
    scenes = story_copy / "scenes.toml"
    scenes.write_text(
        scenes.read_text().replace('text = "A hall. [bold]Not markup[/]."', f'text = "{long}"')
    )
    story = load_story(story_copy)
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SceneScreen)
        choices = screen.query_one(ChoiceList)
        assert choices.has_focus
        assert MORE_BELOW in "\n".join(screen_lines(app))
        assert "number 59" not in seen_in(app, screen.query_one("#scene-scroll"))
        for _ in range(10):
            await pilot.press("pagedown")  # from the choices: the text scrolls
        await pilot.pause()
        assert choices.has_focus
        assert "Sentence number 59 of the hall." in seen_in(app, screen.query_one("#scene-scroll"))
        assert MORE_BELOW not in "\n".join(screen_lines(app))
        await pilot.press("pageup")
        await pilot.pause()
        assert MORE_BELOW in "\n".join(screen_lines(app))
        await pilot.press("2")  # the next scene is short: no mark
        await pilot.pause()
        assert app.state is not None and app.state.scene == "yard"
        assert MORE_BELOW not in "\n".join(screen_lines(app))


async def test_tab_moves_between_the_choices_and_the_text(story: Story, saves_dir: Path) -> None:
    for size in ((80, 24), (120, 30)):
        app = make_app(story, saves_dir, role="alice")
        async with app.run_test(size=size) as pilot:
            await pilot.press("n")
            screen = app.screen
            choices, text = screen.query_one(ChoiceList), screen.query_one("#scene-scroll")
            assert app.focused is choices
            await pilot.press("tab")
            assert app.focused is text
            await pilot.press("tab")
            assert app.focused is choices
            await pilot.press("shift+tab")
            assert app.focused is text


async def test_the_sidebar_keeps_its_meters_in_view(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(100, 24)) as pilot:  # side by side, short
        await pilot.press("n")
        for _ in range(3):  # a long history: warm, then undo and again
            await pilot.press("1", "u")
        await pilot.press("1", "h")
        await pilot.pause()
        screen = app.screen
        side = screen.query_one("#scene-side")
        history = screen.query_one("#history")
        assert history.display
        for key in ("tab", "down", "down", "end", "pagedown"):
            await pilot.press(key)
        await pilot.pause()
        assert app.focused not in (side, history)
        shown = seen_in(app, side)
        for meter in story.meters.values():
            assert meter.label in shown
        assert "→ Be warm." in seen_in(app, history)  # its newest entry


async def test_history_follows_its_newest_entry(story_copy: Path, saves_dir: Path) -> None:
    # a story that loops in one scene: as long a history as wanted
    scenes = story_copy / "scenes.toml"
    scenes.write_text(
        scenes.read_text().replace(
            'text = "Wait."\ngoto = "end"', 'text = "Wait."\ngoto = "yard"', 1
        )
    )
    story = load_story(story_copy)
    app = make_app(story, saves_dir, role="bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "h")
        for _ in range(25):
            await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        history = screen.query_one("#history")
        assert "25." in seen_in(app, history)
        assert "1. Yard" not in seen_in(app, history)
        meters = seen_in(app, screen.query_one("#meters"))
        assert "Trust" in meters and "Heat" in meters


async def test_wide_endings_and_help_keep_a_readable_width(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice")
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("n", "1", "2")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        column = app.screen.query_one("#ending-scroll")
        assert column.region.width <= 90
        assert abs(column.region.x - (200 - column.region.right)) <= 2
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.query_one("#help-box").region.width <= 84


async def test_the_ending_chart_spans_each_meters_full_range(story: Story, saves_dir: Path) -> None:
    app = make_app(story, saves_dir, role="alice", start=Start("hall", {"trust": 3}))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "2")  # cold (trust 3 -> 2, heat 2 -> 4), wait
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        rows = {row.split()[0]: row for row in screen_lines(app) if "→" in row}
        # trust 3, 2, 2 of 0-10: low blocks, not a full one; heat 2, 4, 4 of 0-5
        assert "▃▂▂" in rows["Trust"] and "3 → 2 (0-10, higher is better)" in rows["Trust"]
        assert "▄▇▇" in rows["Heat"] and "2 → 4 (0-5, lower is better)" in rows["Heat"]
        said = seen_in(app, app.screen.query_one("#ending-feedback"))
        assert said == "Last choice: No meter moved."
