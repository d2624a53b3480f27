"""The loader's shortcuts for speed report every mistake, in the same order, at its place.

Equal condition and effect tables are made once (`game.format.build`), texts are looked
at for `{` as the model is made, and a table that fits its shape skips the detailed
check: none of this may hide an error behind an equal-looking valid table (True == 1
and 1.0 == 1 in Python), or change where and in which order problems are reported.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from game.format.loader import check_story
from support import MINI

TWINS = """
[scenes.twins]
title = "Twins"
text = "Equal tables, one of them wrong {nope_text}."

[[scenes.twins.passages]]
when = { trust = { min = 1 } }
text = "A passage {nope_passage}."

[[scenes.twins.choices]]
id = "right"
text = "Right."
goto = "yard"
effects = { trust = 1 }
requires = { trust = { min = 1 } }

[[scenes.twins.choices]]
id = "wrong"
text = "Wrong {nope_choice}."
goto = "yard"
effects = { trust = true }
requires = { trust = { min = true } }

[[scenes.twins.choices]]
id = "right_again"
text = "Right again."
goto = "yard"
effects = { trust = 1 }
requires = { trust = { min = 1.0 } }
locked_reason = "Locked {nope_reason}."

[[scenes.twins.choices]]
id = "deep"
text = "Deep."
goto = "yard"
requires = { any = [ { trust = { min = 1 } }, { flags = ["warmed"] } ] }
"""


def _story(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    with (folder / "scenes.toml").open("a") as fh:
        fh.write(extra)
    return folder


def test_equal_looking_tables_each_get_their_own_error_in_file_order(tmp_path: Path):
    folder = _story(tmp_path, TWINS)
    lines = (folder / "scenes.toml").read_text().splitlines()
    _, problems = check_story(folder)

    def at(fragment: str) -> int:
        return next(i for i, row in enumerate(lines, 1) if fragment in row)

    first = at("[scenes.twins]")
    wrong = next(i for i, row in enumerate(lines, 1) if i > first and "trust = true" in row)
    shown = [(p.line, p.message) for p in problems]
    assert shown == [
        (wrong, "scene 'twins', choice 2: effect on 'trust' must be an integer"),
        (wrong + 1, "scene 'twins', choice 2: 'min' must be an integer, not a boolean"),
        (
            at("min = 1.0"),
            "scene 'twins', choice 3: 'min' must be an integer, not a number with a fraction",
        ),
        # the texts after every other check, in the order of the file
        (at("{nope_text}"), "scene 'twins': in text: '{nope_text}' names no meter"),
        (
            at("{nope_passage}"),
            "scene 'twins', passage 1: in text: '{nope_passage}' names no meter",
        ),
        (at("{nope_choice}"), "scene 'twins', choice 2: in text: '{nope_choice}' names no meter"),
        (at("{nope_reason}"), "scene 'twins', choice 3: in text: '{nope_reason}' names no meter"),
    ]
    assert problems[1].column == lines[wrong].index("min") + 1  # the key (line wrong + 1)


def test_a_valid_table_made_once_is_the_same_value_everywhere(tmp_path: Path):
    valid = re.sub(r"\{nope_\w+\}", "x", TWINS).replace("true", "1").replace("1.0", "1")
    folder = _story(tmp_path, valid)
    story, problems = check_story(folder)
    assert problems == []
    assert story is not None
    right, wrong, again, deep = story.scenes["twins"].choices
    assert deep.requires is not None
    assert right.requires == wrong.requires == again.requires == deep.requires.any[0]
    assert right.effects == wrong.effects == again.effects == {"trust": 1}
    rows = folder.joinpath("scenes.toml").read_text().splitlines()
    assert [c.line for c in story.scenes["twins"].choices] == [
        i for i, row in enumerate(rows, 1) if row.startswith("[[scenes.twins.choices]]")
    ]


def test_the_model_fields_the_loader_passes_by_position_are_in_its_order():
    # game.format.build makes choices and scenes with positional arguments (quicker):
    # a field added in the middle of either class must be added there too
    import attrs

    from game.core.model import Choice, Scene

    assert [f.name for f in attrs.fields(Choice)][:11] == [
        *("id", "text", "goto", "effects", "set", "clear", "requires", "hide_locked"),
        *("routes", "locked_reason", "line"),
    ]
    assert [f.name for f in attrs.fields(Scene)] == [
        *("id", "title", "text", "choices", "passages", "roles", "source", "file", "line"),
        "round",
    ]
