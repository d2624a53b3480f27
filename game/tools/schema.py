"""The JSON Schema (draft 2020-12) of one story file, for TOML editors.

It is generated from the loader's own tables (`game.format.loader.SHAPES`, the id patterns,
the format number) plus the shape of a condition, so the two cannot drift apart;
`game/story.schema.json` is this output, committed and shipped in the wheel, and a
test keeps it equal to the generator. Any one file of a story validates on its own:
no table is required at the root, and what needs the other files (does that goto
name a scene? is that a meter?) is for `mar-a-lago check`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from game.format.loader import CHOICE_ID, FORMAT, ID, RESERVED_CONDITION_KEYS, ROOT_KEYS, SHAPES

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "story.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _js_pattern(pattern: str) -> str:
    """A loader regex (`re.match`, ending in \\Z) as an anchored JSON Schema pattern."""
    return "^" + pattern.removesuffix(r"\Z") + "$"


ID_PATTERN = _js_pattern(ID.pattern)
CHOICE_ID_PATTERN = _js_pattern(CHOICE_ID.pattern)
_BARE_ID = ID_PATTERN[1:-1]
GOTO_PATTERN = f"^(end|end:{_BARE_ID}|{_BARE_ID})$"
CHOSEN_PATTERN = f"^{_BARE_ID}/{CHOICE_ID_PATTERN[1:-1]}$"

#: what each key means: shown by editors on hover and completion
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "story": {
        "id": "Stable id of the story; saves record it.",
        "title": "The story's title.",
        "version": "Bump it when you change the story.",
        "format": f"The story format's version: {FORMAT}.",
        "subtitle": "A line under the title.",
        "source": "The work the story draws on.",
        "intro": "Shown before the player picks a role.",
    },
    "meter": {
        "label": "The meter's name, as players see it.",
        "min": "Lowest value; effects are clamped to it.",
        "max": "Highest value; effects are clamped to it.",
        "start": "Value at the start of a game.",
        "good": 'Which end is good: "high" (default) or "low"; the UI colours by it.',
        "help": "Shown on request: what the meter measures.",
    },
    "role": {
        "label": "The role's name, as players see it.",
        "start": "The id of the scene where this role begins.",
        "blurb": "Shown when picking a role.",
    },
    "scene": {
        "title": "The scene's title.",
        "text": "Prose shown to the player (plain text).",
        "roles": "Only these roles should reach this scene (checked by `mar-a-lago check`).",
        "source": "Paragraphs of the source this scene draws on.",
        "passages": "Extra text shown after `text` while its `when` holds.",
        "choices": "What the player may do here.",
        "round": (
            "The duo round this scene belongs to (a round of [duo].rounds): a duo scene. "
            "Its choices lead the same side to a scene of the next round, or end the game."
        ),
    },
    "passage": {
        "when": "The condition under which the text is shown.",
        "text": "The extra text.",
        "asserts": (
            "What the text takes for granted whenever it shows (a condition); "
            "it never changes play: `mar-a-lago check` reports states where it fails."
        ),
    },
    "choice": {
        "id": 'Unique in the scene; default "1", "2", ... by position.',
        "text": "What the player reads.",
        "goto": 'A scene id, "end:<ending id>", or "end" (the lowest-rank ending that holds).',
        "effects": "Meter deltas by meter id, clamped to each meter's range: { morale = -1 }.",
        "set": "Flags to set.",
        "clear": "Flags to clear.",
        "requires": "The condition under which the choice is open.",
        "hide_locked": "Hide the choice while it is locked (default: shown, with the reason).",
        "routes": "Tried in order after the effects: the first whose `when` holds sets the goto.",
        "locked_reason": "Why the choice is locked, in the story's words.",
        "set_meters": (
            "Meters set to a value, after `effects`: { morale = 5 } (within each meter's range)."
        ),
        "random": (
            "When no route holds: a destination drawn by weight among the entries whose "
            '`when` holds, like [{ weight = 3, goto = "a" }, { weight = 1, goto = "b" }]; '
            "seeded per game, so a save replays the same draws."
        ),
    },
    "route": {
        "when": "The condition under which this route is taken.",
        "goto": 'A scene id, "end:<ending id>", or "end".',
    },
    "duo": {
        "roles": "The two sides (role ids); their moves of a round apply in this order.",
        "rounds": "The round ids, in play order.",
        "start": 'Each side\'s first scene, a scene of the first round: { side = "scene" }.',
    },
    "round": {
        "title": "The round's title, as both players see it.",
        "text": "A line both players read as the round begins.",
    },
    "inject": {
        "title": "The news flash's headline.",
        "text": "The news, as players read it (plain text).",
        "effects": (
            "Meter deltas by meter id, applied once when the news reaches a game: { morale = -1 }."
        ),
        "set": "Flags set when the news reaches a game.",
        "source": "Paragraphs of the source this news draws on.",
        "roles": "Only games of these roles receive it (default: every role).",
    },
    "ending": {
        "title": "The ending's title.",
        "text": "Prose shown at the end.",
        "source": "Paragraphs of the source this ending draws on.",
        "rank": '`goto = "end"` picks the lowest-rank ending whose `when` holds.',
        "when": "The condition for this ending; one ending has none (the fallback).",
        "immediate": "Reached at once, after any choice, as soon as `when` holds.",
        "questions": "Questions for the debrief.",
        "passages": "Extra text shown while its `when` holds: why this ending.",
        "asserts": (
            "What the ending's text takes for granted whenever it is reached (a condition); "
            "it never changes play: `mar-a-lago check` reports states where it fails."
        ),
    },
}
ROOT_DESCRIPTIONS = {
    "flags": (
        'The story\'s flags, each with its help text: name = "what it means". Optional; '
        "a story that declares its flags must declare every flag it uses."
    ),
    "story": "The story itself: exactly one file of a story holds [story].",
    "meters": "The meters: [meters.<id>].",
    "roles": "The roles: [roles.<id>]; at least one in the story.",
    "scenes": "The scenes: [scenes.<id>].",
    "endings": "The endings: [endings.<id>]; one without `when` is the fallback.",
    "duo": (
        "A duo game: two players, one per side, play one game in rounds "
        "(at most one [duo] in a story)."
    ),
    "rounds": "A duo game's rounds: [rounds.<id>] with a title (optional).",
    "injects": (
        "News a teacher may send into running games: [injects.<id>] "
        "(mar-a-lago teach DIR --inject <id>)."
    ),
}

_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
    "strs": {"type": "array", "items": {"type": "string"}},
    "table": {"type": "object"},
    "tables": {"type": "array", "items": {"type": "object"}},
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


#: finer shapes than the loader's type names, for the keys that have them
_REFINED: dict[tuple[str, str], dict[str, Any]] = {
    ("story", "format"): {"type": "integer", "const": FORMAT},
    ("meter", "good"): {"type": "string", "enum": ["high", "low"]},
    ("role", "start"): _ref("id"),
    ("scene", "roles"): {"type": "array", "items": _ref("id")},
    ("scene", "passages"): {"type": "array", "items": _ref("passage")},
    ("scene", "choices"): {"type": "array", "items": _ref("choice")},
    ("passage", "when"): _ref("condition"),
    ("passage", "asserts"): _ref("condition"),
    ("choice", "id"): {"type": "string", "pattern": CHOICE_ID_PATTERN},
    ("choice", "goto"): _ref("goto"),
    ("choice", "effects"): _ref("effects"),
    ("choice", "set"): _ref("flags"),
    ("choice", "clear"): _ref("flags"),
    ("choice", "requires"): _ref("condition"),
    ("choice", "routes"): {"type": "array", "items": _ref("route")},
    ("route", "when"): _ref("condition"),
    ("route", "goto"): _ref("goto"),
    ("choice", "set_meters"): _ref("effects"),
    ("choice", "random"): {"type": "array", "minItems": 1, "items": _ref("random_route")},
    ("ending", "when"): _ref("condition"),
    ("ending", "passages"): {"type": "array", "items": _ref("passage")},
    ("ending", "asserts"): _ref("condition"),
    ("scene", "round"): _ref("id"),
    ("duo", "roles"): {"type": "array", "items": _ref("id"), "minItems": 2, "maxItems": 2},
    ("duo", "rounds"): {"type": "array", "items": _ref("id"), "minItems": 1},
    ("duo", "start"): {
        "type": "object",
        "propertyNames": _ref("id"),
        "additionalProperties": _ref("id"),
    },
    ("inject", "effects"): _ref("effects"),
    ("inject", "set"): _ref("flags"),
    ("inject", "roles"): {"type": "array", "items": _ref("id")},
}


def _table(shape: str) -> dict[str, Any]:
    properties = {}
    for key, (kind, _) in SHAPES[shape].items():
        spec = dict(_REFINED.get((shape, key), _TYPES[kind]))
        spec["description"] = DESCRIPTIONS[shape][key]
        properties[key] = spec
    table: dict[str, Any] = {"type": "object", "properties": properties}
    required = [key for key, (_, needed) in SHAPES[shape].items() if needed]
    if required:
        table["required"] = required
    table["additionalProperties"] = False
    return table


def _map(item: str, description: str, names: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "propertyNames": names,
        "additionalProperties": _ref(item),
    }


def build_schema() -> dict[str, Any]:
    """The schema of one story file."""
    defs: dict[str, Any] = {shape: _table(shape) for shape in SHAPES}
    defs["ending"]["if"] = {"properties": {"immediate": {"const": True}}, "required": ["immediate"]}
    defs["ending"]["then"] = {"required": ["when"]}
    defs["id"] = {
        "type": "string",
        "pattern": ID_PATTERN,
        "description": "An id: a-z, 0-9 and _, starting with a letter.",
    }
    defs["goto"] = {
        "type": "string",
        "pattern": GOTO_PATTERN,
        "description": DESCRIPTIONS["route"]["goto"],
    }
    defs["flags"] = {"type": "array", "items": _ref("id"), "description": "Flag names."}
    defs["effects"] = {
        "type": "object",
        "propertyNames": _ref("id"),
        "additionalProperties": {"type": "integer"},
    }
    defs["bound"] = {
        "type": "object",
        "description": "A range on a meter, inclusive: { min = 3 }, { max = 7 } or both.",
        "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
        "minProperties": 1,
        "additionalProperties": False,
    }
    defs["random_route"] = {
        "type": "object",
        "description": "One destination of a choice's `random`, drawn by weight.",
        "properties": {
            "weight": {"type": "integer", "minimum": 1, "description": "Its chance, by weight."},
            "goto": _ref("goto"),
            "when": {**_ref("condition"), "description": "Drawn only while this holds."},
        },
        "required": ["weight", "goto"],
        "additionalProperties": False,
    }
    defs["condition"] = {
        "type": "object",
        "description": (
            "All of: meter ranges ({ morale = { min = 3 } }), `flags` all set, "
            "`not_flags` none set, and `any`: at least one of its conditions."
        ),
        "properties": {
            "flags": {**_ref("flags"), "description": "All of these flags are set."},
            "not_flags": {**_ref("flags"), "description": "None of these flags is set."},
            "any": {
                "type": "array",
                "minItems": 1,
                "items": _ref("condition"),
                "description": "At least one of these conditions holds.",
            },
            "chosen": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "pattern": CHOSEN_PATTERN},
                "description": (
                    'Every one of these choices ("scene/choice") has been made in this game '
                    "(in a duo game: by either side)."
                ),
            },
            "all": {
                "type": "array",
                "minItems": 1,
                "items": _ref("condition"),
                "description": "Every one of these conditions holds (a group inside `any`).",
            },
            "visits": {
                "type": "object",
                "propertyNames": _ref("id"),
                "additionalProperties": _ref("bound"),
                "description": (
                    "How many times the game has entered each scene: { hall = { min = 2 } }."
                ),
            },
            "role": {
                "description": (
                    "The player plays this role (or one of these); in a duo game, the "
                    "side reading the text or making the choice."
                ),
                "oneOf": [_ref("id"), {"type": "array", "minItems": 1, "items": _ref("id")}],
            },
        },
        "propertyNames": _ref("id"),
        "additionalProperties": _ref("bound"),
    }
    # inline, not a $ref with siblings: editors on older drafts ignore those
    reserved = list(RESERVED_CONDITION_KEYS)
    meter_names = {"type": "string", "pattern": ID_PATTERN, "not": {"enum": reserved}}
    scene_names = {"type": "string", "pattern": ID_PATTERN, "not": {"const": "end"}}
    properties = {
        "story": {**_ref("story"), "description": ROOT_DESCRIPTIONS["story"]},
        "meters": _map("meter", ROOT_DESCRIPTIONS["meters"], meter_names),
        "roles": _map("role", ROOT_DESCRIPTIONS["roles"], _ref("id")),
        "scenes": _map("scene", ROOT_DESCRIPTIONS["scenes"], scene_names),
        "endings": _map("ending", ROOT_DESCRIPTIONS["endings"], _ref("id")),
        "flags": {
            "type": "object",
            "description": ROOT_DESCRIPTIONS["flags"],
            "propertyNames": _ref("id"),
            "additionalProperties": {"type": "string"},
        },
        "injects": _map("inject", ROOT_DESCRIPTIONS["injects"], _ref("id")),
    }
    properties["duo"] = {**_ref("duo"), "description": ROOT_DESCRIPTIONS["duo"]}
    properties["rounds"] = _map("round", ROOT_DESCRIPTIONS["rounds"], _ref("id"))
    assert list(properties) == list(ROOT_KEYS)
    return {
        "$schema": DIALECT,
        "title": f"A story file for mar-a-lago (story format {FORMAT})",
        "description": (
            "One .toml file of a story folder. Check the whole story with `mar-a-lago check`."
        ),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "$defs": defs,
    }


def schema_json() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # regenerate the committed file: python -m game.tools.schema
    SCHEMA_FILE.write_text(schema_json(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
