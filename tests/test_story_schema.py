"""`mar-a-lago schema STORY_DIR`: the schema of one story's files, with its own ids."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import tomli

from support import MINI


def _schema() -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "game", "schema", str(MINI)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_story_schema_takes_the_story_files_and_refuses_unknown_ids():
    schema = _schema()
    assert schema["title"] == "A story file of 'Mini' (mini v1)"
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(MINI.glob("*.toml")):
        errors = list(validator.iter_errors(tomli.loads(path.read_text())))
        assert errors == [], (path, errors)
    wrong = {
        "scenes": {
            "x": {"title": "X", "text": "X.", "choices": [{"text": "Go.", "goto": "nowhere"}]}
        }
    }
    assert any("nowhere" in e.message for e in validator.iter_errors(wrong))
    wrong_meter = {
        "scenes": {
            "x": {
                "title": "X",
                "text": "X.",
                "choices": [{"text": "Go.", "goto": "end", "effects": {"trsut": 1}}],
            }
        }
    }
    assert list(validator.iter_errors(wrong_meter))


def test_the_generic_schema_names_no_story():
    result = subprocess.run(
        [sys.executable, "-m", "game", "schema"], capture_output=True, text=True, timeout=60
    )
    assert "Mini" not in result.stdout
    # nor the story that ships with the game: the schema is for any story
    for word in ("Cooperate", "Mar-a-Lago", "trump", "Trump", "Xi "):
        assert word not in result.stdout, word
