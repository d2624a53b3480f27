"""`mar-a-lago schema`: the JSON Schema of a story file, kept in step with the loader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import tomli

from game.format.loader import CHOICE_ID, ID, SHAPES, check_story, story_files
from game.tools import schema
from support import FIXTURES, MINI, ROOT, SHIPPED

BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())

#: the broken fixtures the schema sees on its own, one file at a time: unknown keys,
#: wrong types, missing keys in a table, bad ids and names. The others need the whole
#: story (does a goto name a scene? is there a fallback?), values compared (min below
#: max), or do not parse at all; `mar-a-lago check` finds those.
SCHEMA_REJECTS = {
    "any_empty",
    "asserts_not_table",
    "bad_bound_key",
    "bad_flag_shape",
    "bad_scene_id",
    "flags_not_list",
    "float_effect",
    "format_unknown",
    "hide_locked_not_bool",
    "immediate_without_when",
    "meter_good_bad",
    "meter_start_string_one_error",
    "random_bad_weight",
    "scene_table_in_other_file",
    "missing_text",
    "passage_missing_when",
    "reserved_meter",
    "scene_named_end",
    "unknown_key_gotoo",
    "unknown_root_table",
    "wrong_type_effect",
    "wrong_type_title",
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema.build_schema())


def parsed_files(folder: Path) -> list[tuple[Path, dict]]:
    """Each file of a story, parsed; None for a file that is not UTF-8 TOML."""
    result = []
    for path in story_files(folder):
        try:
            result.append((path, tomli.loads(path.read_text(encoding="utf-8"))))
        except (UnicodeDecodeError, tomli.TOMLDecodeError):
            result.append((path, None))
    return result


def test_committed_schema_is_the_generated_one():
    assert schema.SCHEMA_FILE.read_text(encoding="utf-8") == schema.schema_json(), (
        "game/story.schema.json is stale: run `python -m game.tools.schema`"
    )


def test_the_schema_file_is_package_data():
    from importlib.resources import files

    assert (files("game") / "story.schema.json").is_file()


def test_it_is_a_valid_draft_2020_12_schema():
    data = json.loads(schema.schema_json())
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(data)
    assert "required" not in data  # any one file of a story validates on its own


def test_every_loader_key_is_in_the_schema_and_described():
    defs = schema.build_schema()["$defs"]
    for shape, keys in SHAPES.items():
        props = defs[shape]["properties"]
        assert set(props) == set(keys), shape
        for key, (_, required) in keys.items():
            assert props[key]["description"], (shape, key)
            assert (key in defs[shape].get("required", ())) == required, (shape, key)
        assert defs[shape]["additionalProperties"] is False


def test_patterns_follow_the_loader():
    assert "^" + ID.pattern.removesuffix(r"\Z") + "$" == schema.ID_PATTERN
    assert "^" + CHOICE_ID.pattern.removesuffix(r"\Z") + "$" == schema.CHOICE_ID_PATTERN


def test_schema_command_prints_the_same_json():
    result = subprocess.run(
        [sys.executable, "-m", "game", "schema"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout == schema.SCHEMA_FILE.read_text(encoding="utf-8")


VALID = [
    MINI,
    FIXTURES / "asserts",
    *sorted(p for p in (FIXTURES / "explore").iterdir() if p.is_dir()),
]


@pytest.mark.parametrize("folder", VALID, ids=lambda p: p.name)
def test_valid_fixture_files_validate(folder: Path, validator):
    for path, data in parsed_files(folder):
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (path, errors)


def test_shipped_story_files_validate(validator):
    story, problems = check_story(SHIPPED)
    if story is None:
        pytest.skip(f"the shipped story does not load yet ({len(problems)} problems)")
    for path, data in parsed_files(SHIPPED):
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
        assert not errors, (path, errors)


def test_the_list_names_real_fixtures():
    assert {p.name for p in BROKEN} >= SCHEMA_REJECTS


@pytest.mark.parametrize("case", BROKEN, ids=[p.name for p in BROKEN])
def test_schema_and_loader_agree_on_broken_fixtures(case: Path, validator):
    story, problems = check_story(case / "story")
    assert story is None and problems, "the loader must refuse every broken fixture"
    files = parsed_files(case / "story")
    rejected = [
        path
        for path, data in files
        if data is not None and any(True for _ in validator.iter_errors(data))
    ]
    if case.name in SCHEMA_REJECTS:
        assert rejected, f"{case.name}: the schema should refuse it"
        # and the file it refuses is the one the loader names first
        expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
        rel = expected.split(":", 1)[0]
        assert (case / "story" / rel) in rejected
    else:
        assert not rejected, f"{case.name}: the schema refuses it too; add it to SCHEMA_REJECTS"


def test_schema_catches_what_editors_should_flag(validator):
    def errors(data: dict) -> list[str]:
        return [e.message for e in validator.iter_errors(data)]

    assert errors({}) == []
    assert errors({"scenes": {"a": {"title": "A", "text": "t"}}}) == []
    assert errors({"scenes": {"a": {"title": "A", "text": "t", "choices": [{"text": "x"}]}}})
    assert errors({"meters": {"trust": {"label": "T", "min": 0, "max": 3, "start": True}}})
    choice = {"text": "x", "goto": "end:Best"}
    assert errors({"scenes": {"a": {"title": "A", "text": "t", "choices": [choice]}}})
    choice = {"text": "x", "goto": "end:best", "requires": {"trust": {"min": 1, "max": 2}}}
    assert not errors({"scenes": {"a": {"title": "A", "text": "t", "choices": [choice]}}})
    choice = {"text": "x", "goto": "b", "requires": {"trust": {}}}
    assert errors({"scenes": {"a": {"title": "A", "text": "t", "choices": [choice]}}})
    choice = {
        "text": "x",
        "goto": "b",
        "requires": {"any": [{"not_flags": ["x"]}, {"q": {"max": 1}}]},
    }
    assert not errors({"scenes": {"a": {"title": "A", "text": "t", "choices": [choice]}}})
