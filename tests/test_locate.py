"""The fast pass over table headers gives the lines the full Locator scan gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli

from game.format.loader import check_story, story_files
from game.format.locate import Locator, header_lines
from support import FIXTURES, MINI, SHIPPED

TOML_FILES = sorted([*SHIPPED.rglob("*.toml"), *FIXTURES.rglob("*.toml")])


def _accepted(text: str) -> bool:
    try:
        tomli.loads(text)
    except (tomli.TOMLDecodeError, ValueError, RecursionError):
        return False
    return True


def _same_as_locator(text: str) -> dict[tuple[str | int, ...], int]:
    """The fast pass's lines, each checked against the full scan's."""
    assert _accepted(text)
    headers = header_lines(text)
    assert headers is not None
    found = dict(headers.items())
    full = Locator(text).lines
    assert {path: full.get(path) for path in found} == found
    for path in found:
        assert headers.get(path) == found[path]
    return found


def test_header_like_lines_inside_multiline_strings():
    text = (
        '[scenes.a]\ntitle = "A"\ntext = """\n[scenes.fake]\n[[scenes.a.choices]]\n"""\n'
        "note = '''\n[scenes.fake2]\n'''''\n"
        'odd = """ends with quotes""""\n'
        'escaped = """\\"""\n[scenes.fake3]\n"""\n'
        '[[scenes.a.choices]]\ntext = \'one """ two\'  # a comment with """\n'
        '[[scenes.a.choices]]\ntext = "x"\n'
        "[scenes.b] # after a comment with '''\n"
    )
    found = _same_as_locator(text)
    assert found[("scenes", "a")] == 1
    assert found[("scenes", "a", "choices", 0)] == 14
    assert found[("scenes", "a", "choices", 1)] == 16
    assert found[("scenes", "b")] == 18
    assert not any("fake" in str(path) for path in found)
    assert ("scenes", "a", "choices", 2) not in found


def test_quoted_keys_and_blanks():
    text = (
        '[scenes."odd.id"]\ntitle = "x"\n'
        "[ scenes . 'lit' ]\n"
        '[[ scenes."odd.id" . choices ]]\ntext = "y"\n'
        '[[scenes."odd.id".choices]]\n'
        '["endings".e] # fine\n'
        '[endings."with \\"quote\\""]\n'
    )
    found = _same_as_locator(text)
    assert found[("scenes", "odd.id")] == 1
    assert found[("scenes", "lit")] == 3
    assert found[("scenes", "odd.id", "choices", 0)] == 4
    assert found[("scenes", "odd.id", "choices", 1)] == 6
    assert found[("endings", "e")] == 7
    assert found[("endings",)] == 7


def test_nested_arrays_of_tables_restart_their_count():
    text = "[[a]]\n[[a.b]]\n[[a.b]]\n[[a]]\n[[a.b]]\n[a.c]\n[[a.b]]\n[[x]]\n[[x]]\n"
    found = _same_as_locator(text)
    assert found[("a", "b", 0)] == 2
    assert found[("a", "b", 1)] == 3  # each index once, the first time: as the Locator
    assert found[("x", 1)] == 9


def test_a_table_defined_before_its_parent_header():
    text = "[[scenes.s.choices]]\ntext = 'x'\n[scenes.s]\ntitle = 't'\n[scenes]\n"
    found = _same_as_locator(text)
    assert found[("scenes", "s")] == 1
    assert found[("scenes",)] == 1


def test_an_array_line_that_looks_like_no_header_defers_to_the_full_scan():
    text = "[a]\nx = [\n  [1, 2],\n]\n[b]\n"
    assert _accepted(text)
    assert header_lines(text) is None


def test_crlf_line_ends():
    text = '[scenes.a]\r\ntitle = "A"\r\n[[scenes.a.choices]]\r\ntext = "x"\r\n'
    found = _same_as_locator(text)
    assert found[("scenes", "a", "choices", 0)] == 3


@pytest.mark.parametrize(
    "path", TOML_FILES, ids=[str(p.relative_to(FIXTURES.parent.parent)) for p in TOML_FILES]
)
def test_every_shipped_and_fixture_file_agrees_with_the_locator(path: Path):
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8")
    if not _accepted(text):
        pytest.skip("tomli refuses it")
    _same_as_locator(text)


def _stories() -> list[Path]:
    folders = {SHIPPED, MINI}
    folders.update(p.parent for p in (FIXTURES / "explore").rglob("*.toml"))
    return sorted(folders)


@pytest.mark.parametrize("folder", _stories(), ids=lambda p: p.name)
def test_scene_ending_and_choice_lines_are_the_locators(folder: Path):
    story, problems = check_story(folder)
    assert story is not None, problems
    locators = {
        p.relative_to(folder).as_posix(): Locator(p.read_text()) for p in story_files(folder)
    }

    def full(file: str, path: tuple[str | int, ...]) -> int:
        return locators[Path(file).relative_to(folder).as_posix()].line(path)

    for sid, scene in story.scenes.items():
        assert scene.line == full(scene.file, ("scenes", sid))
        for i, choice in enumerate(scene.choices):
            assert choice.line == full(scene.file, ("scenes", sid, "choices", i))
    for eid, ending in story.endings.items():
        assert ending.line == full(ending.file, ("endings", eid))


def test_inline_scenes_and_choices_get_their_lines_from_the_full_scan(tmp_path: Path):
    for name in ("story.toml", "endings.toml"):
        (tmp_path / name).write_text((MINI / name).read_text())
    (tmp_path / "scenes.toml").write_text(
        "[scenes]\n"
        'hall = { title = "Hall", text = "A hall.", choices = [\n'
        '  { text = "Go", goto = "yard" },\n'
        '  { text = "Stay", goto = "end" },\n'
        "] }\n"
        "\n"
        "[scenes.yard]\n"
        'title = "Yard"\n'
        'text = "A yard."\n'
        'choices = [{ text = "Back", goto = "hall" }]\n'
    )
    story, problems = check_story(tmp_path)
    assert story is not None, problems
    hall, yard = story.scenes["hall"], story.scenes["yard"]
    assert hall.line == 2
    assert [c.line for c in hall.choices] == [3, 4]
    assert yard.line == 7
    assert yard.choices[0].line == 10


def test_a_file_with_problems_gets_exact_lines(tmp_path: Path):
    for name in ("story.toml", "endings.toml"):
        (tmp_path / name).write_text((MINI / name).read_text())
    scenes = (MINI / "scenes.toml").read_text()
    trick = (
        '[scenes.notes]\ntitle = "N"\ntext = """\n[scenes.hall]\n[[scenes.yard.choices]]\n"""\n\n'
    )
    (tmp_path / "scenes.toml").write_text(
        trick + scenes.replace('goto = "yard"', 'goto = "yrd"', 1)
    )
    _, problems = check_story(tmp_path)
    full = Locator((tmp_path / "scenes.toml").read_text())
    yrd = [p for p in problems if "goto 'yrd'" in p.message]
    assert len(yrd) == 1
    original_line = next(
        n for n, row in enumerate(scenes.splitlines(), 1) if 'goto = "yard"' in row
    )
    assert yrd[0].line == original_line + trick.count("\n")
    assert yrd[0].line in full.lines.values()


def test_the_locator_reads_escaped_quotes_in_multiline_strings():
    text = 'x = """\\"""\n[fake]\n"""\ny = """a"""""\n[real]\nz = 1\n'
    assert _accepted(text)
    loc = Locator(text)
    assert ("fake",) not in loc.lines
    assert loc.line(("real", "z")) == 6
    assert loc.line(("y",)) == 4
