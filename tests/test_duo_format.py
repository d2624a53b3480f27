"""The duo summit's part of the story format: [duo], [rounds.<id>], a scene's `round`, and
the condition keys `chosen` and `role`; each mistake located (path:line)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.core import duo, engine
from game.core.model import chosen_flag
from game.format.loader import check_story, load_story
from support import FIXTURES, MINI

DUO = FIXTURES / "duo"


def variant(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the duo fixture with `old` replaced by `new` in `file` (once)."""
    folder = tmp_path / "story"
    shutil.copytree(DUO, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    story, found = check_story(folder)
    assert story is None
    return [str(p) for p in found]


def line_of(folder: Path, file: str, needle: str) -> int:
    lines = (folder / file).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_the_duo_fixture_loads_with_its_rounds_starts_and_sides():
    story = load_story(DUO)
    assert story.duo is not None
    assert story.duo.roles == ("host", "guest")
    assert [(r.id, r.title, r.text) for r in story.duo.rounds] == [
        ("arrival", "Arrival", "The guests land."),
        ("talks", "The Talks", ""),
        ("farewell", "Farewell", ""),
    ]
    assert dict(story.duo.start) == {"host": "host_arrival", "guest": "guest_arrival"}
    assert story.duo.file.endswith("story.toml") and story.duo.line > 0
    assert story.scenes["host_talks"].round == "talks"
    assert story.scenes["host_solo"].round == ""


def test_chosen_is_a_choice_flag_the_named_choice_sets():
    story = load_story(DUO)
    flag = chosen_flag("guest_arrival", "offer")
    offer = story.scenes["guest_arrival"].choice("offer")
    assert offer is not None and flag in offer.set
    deal = story.scenes["host_talks"].choice("deal")
    assert deal is not None and deal.requires is not None and flag in deal.requires.flags
    stall = story.scenes["guest_arrival"].choice("stall")
    assert stall is not None and not stall.set  # a choice no condition asks of is as it was


def test_role_is_read_in_passages_for_each_side():
    story = load_story(DUO)
    state = duo.new_duo(story)
    for side, choice in (("host", "warm"), ("guest", "offer")):
        state = duo.move(story, state, side, choice)
    for side, choice in (("host", "deal"), ("guest", "agree")):
        state = duo.move(story, state, side, choice)
    for side in ("host", "guest"):
        state = duo.move(story, state, side, "thanks")
    assert state.ending == "deal"
    assert duo.ending_text(story, state, "host") == ["A deal.", "Host: your side made it."]
    assert duo.ending_text(story, state, "guest") == [
        "A deal.",
        "Guest: your offer on the runway made it.",
    ]


def test_a_one_player_story_has_no_duo_and_plays_as_before():
    story = load_story(MINI)
    assert story.duo is None
    assert all(s.round == "" for s in story.scenes.values())
    state = engine.new_game(story, "alice")
    assert engine.choose(story, state, "warm").scene == "yard"


def test_chosen_works_in_a_one_player_game_too(tmp_path):
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    scenes = next(p for p in folder.glob("*.toml") if "[scenes.yard]" in p.read_text())
    text = scenes.read_text()
    text = text.replace(
        'goto = "garden"\nrequires = { flags = ["warmed"] }',
        'goto = "garden"\nrequires = { chosen = ["hall/warm"] }',
    )
    scenes.write_text(text)
    story = load_story(folder)
    state = engine.choose(story, engine.new_game(story, "alice"), "warm")
    assert "hidden" in engine.open_choices(story, state)
    state = engine.choose(story, engine.new_game(story, "alice"), "cold")
    assert "hidden" not in engine.open_choices(story, state)
    locked = next(o for o in engine.options(story, state) if o.choice_id == "hidden")
    assert locked.reason == "Needs choice 'warm' of scene 'hall' made."


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "message"),
    [
        (
            "host.toml",
            'requires = { chosen = ["guest_arrival/offer"] }',
            'requires = { chosen = ["guest_arrival/ofer"] }',
            'requires = { chosen = ["guest_arrival/ofer"] }',
            "`chosen`: scene 'guest_arrival' has no choice 'ofer' (did you mean 'offer'?)",
        ),
        (
            "host.toml",
            'requires = { chosen = ["guest_arrival/offer"] }',
            'requires = { chosen = ["nowhere/offer"] }',
            'requires = { chosen = ["nowhere/offer"] }',
            "`chosen`: 'nowhere/offer' names no scene",
        ),
        (
            "host.toml",
            'requires = { chosen = ["guest_arrival/offer"] }',
            'requires = { chosen = ["offer"] }',
            'requires = { chosen = ["offer"] }',
            "'offer' names no choice: `chosen` must be a list of \"scene/choice\" strings",
        ),
        (
            "endings.toml",
            'when = { role = "host" }',
            'when = { role = "hots" }',
            'when = { role = "hots" }',
            "role 'hots' does not exist (did you mean 'host'?)",
        ),
        (
            "host.toml",
            'round = "talks"',
            'round = "tallks"',
            'round = "tallks"',
            "round 'tallks' is not in [duo].rounds (did you mean 'talks'?)",
        ),
        (
            "host.toml",
            'goto = "host_talks"\neffects = { trust = 2 }',
            'goto = "host_farewell"\neffects = { trust = 2 }',
            'goto = "host_farewell"',
            "goto 'host_farewell' is a scene of round 'farewell'; a duo scene of round "
            "'arrival' leads to one of the next round, 'talks'",
        ),
        (
            "host.toml",
            'id = "thanks"\ntext = "Thank them."\ngoto = "end"',
            'id = "thanks"\ntext = "Thank them."\ngoto = "host_talks"  # HERE',
            "# HERE",
            "after the last round ('farewell') a duo scene ends the game",
        ),
        (
            "host.toml",
            'goto = "host_talks"\neffects = { heat = 3 }',
            'goto = "guest_talks"\neffects = { heat = 3 }',
            'goto = "guest_talks"',
            "goto 'guest_talks' is a scene of guest, not of host: a side stays on its side",
        ),
        (
            "story.toml",
            'text = "Go home."\ngoto = "end"\n\n[scenes.guest_solo]',
            'text = "Go home."\ngoto = "host_arrival"\n\n[scenes.guest_solo]',
            'goto = "host_arrival"',
            "goto 'host_arrival' leads a one-player scene into the duo summit",
        ),
        (
            "story.toml",
            'start = { host = "host_arrival", guest = "guest_arrival" }',
            'start = { host = "host_talks", guest = "guest_arrival" }',
            'start = { host = "host_talks"',
            "start 'host_talks' must be a scene of the first round 'arrival'",
        ),
        (
            "story.toml",
            'start = { host = "host_arrival", guest = "guest_arrival" }',
            'start = { host = "host_arrival" }',
            'start = { host = "host_arrival" }',
            "no start for side 'guest'",
        ),
        (
            "story.toml",
            'roles = ["host", "guest"]\nrounds',
            'roles = ["host", "gest"]\nrounds',
            'roles = ["host", "gest"]',
            "role 'gest' does not exist (did you mean 'guest'?)",
        ),
        (
            "story.toml",
            'roles = ["host", "guest"]\nrounds',
            'roles = ["host"]\nrounds',
            'roles = ["host"]',
            "a duo summit has two sides",
        ),
        (
            "story.toml",
            '[rounds.talks]\ntitle = "The Talks"',
            '[rounds.talk]\ntitle = "The Talks"',
            "[rounds.talk]",
            "round 'talk' is not in [duo].rounds (did you mean 'talks'?)",
        ),
        (
            "story.toml",
            '[rounds.talks]\ntitle = "The Talks"',
            '[rounds.talks]\ntitel = "The Talks"',
            'titel = "The Talks"',
            "unknown key 'titel' (did you mean 'title'?)",
        ),
        (
            "story.toml",
            '[duo]\nroles = ["host", "guest"]',
            '[duo]\nsides = ["host", "guest"]',
            'sides = ["host", "guest"]',
            "unknown key 'sides'",
        ),
    ],
)
def test_duo_mistakes_are_located(tmp_path, file, old, new, needle, message):
    folder = variant(tmp_path, file, old, new)
    found = problems(folder)
    line = line_of(folder, file, needle)
    assert any(p.startswith(f"{folder}/{file}:{line}:") and message in p for p in found), found


def test_a_second_duo_table_names_the_first(tmp_path):
    folder = tmp_path / "story"
    shutil.copytree(DUO, folder)
    (folder / "zz_more.toml").write_text('[duo]\nroles = ["host", "guest"]\n', encoding="utf-8")
    found = problems(folder)
    first = line_of(folder, "story.toml", "[duo]")
    assert any(
        p.startswith(f"{folder}/zz_more.toml:1:")
        and f"defined twice: here and at {folder}/story.toml:{first}" in p
        for p in found
    ), found


def test_round_and_rounds_need_a_duo_table(tmp_path):
    folder = tmp_path / "story"
    shutil.copytree(DUO, folder)
    path = folder / "story.toml"
    text = path.read_text()
    start = text.index("[duo]")
    end = text.index("[rounds.arrival]")
    path.write_text(text[:start] + text[end:])
    found = problems(folder)
    assert any("a round needs a [duo] table" in p for p in found), found
    assert any("host.toml" in p and "a scene's `round` needs a [duo] table" in p for p in found), (
        found
    )


def test_a_meter_may_not_be_called_chosen_or_role(tmp_path):
    folder = variant(tmp_path, "story.toml", "[meters.heat]", "[meters.role]")
    assert any("'role' is reserved in conditions" in p for p in problems(folder))


GUIDE_BASE = """
[story]
id = "guide-duo"
title = "Guide"
version = "1"
format = 1

[meters.trust]
label = "Trust"
min = 0
max = 10
start = 3

[meters.heat]
label = "Heat"
min = 0
max = 10
start = 0
good = "low"

[roles.host]
label = "Host"
start = "alone"

[roles.guest]
label = "Guest"
start = "alone"

[scenes.alone]
title = "Alone"
text = "Nobody came."

[[scenes.alone.choices]]
text = "Leave."
goto = "end"
"""


def test_the_duo_guide_builds_a_story_that_loads_and_reaches_its_endings(tmp_path):
    import re

    from game.tools.explore.duo import explore_duo
    from support import ROOT

    guide = (ROOT / "docs" / "duo-stories.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```toml file=(\S+)\n(.*?)^```", guide, re.MULTILINE | re.DOTALL)
    assert [name for name, _ in blocks] == ["duo.toml", "host.toml", "guest.toml", "endings.toml"]
    for name, body in blocks:
        (tmp_path / name).write_text(body, encoding="utf-8")
    (tmp_path / "story.toml").write_text(GUIDE_BASE, encoding="utf-8")
    story = load_story(tmp_path)
    report = explore_duo(story)
    assert report.complete and report.unreachable_endings == () and report.dead_ends == ()
    deal = report.endings["deal"]
    assert deal is not None
    assert deal[0][0] == ("host_arrival", "warm") and deal[1][0] == ("guest_arrival", "offer")
