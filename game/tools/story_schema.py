"""The JSON Schema of one file of a given story: the generic schema, plus the story's
own ids, so an editor completes and checks a goto, a meter in `effects` or a role
while you type. Generated, never committed: `mar-a-lago schema STORY_DIR`.
"""

from __future__ import annotations

import copy
from typing import Any

from game.core.model import Story
from game.tools.schema import build_schema


def story_schema(story: Story) -> dict[str, Any]:
    """The schema of a story file of `story`: its title, and its scene, ending, meter
    and role ids as the values a goto, an effect, a role list or a role start may take."""
    schema = copy.deepcopy(build_schema())
    defs = schema["$defs"]
    schema["title"] = f"A story file of '{story.title}' ({story.id} v{story.version})"
    gotos = ["end", *(f"end:{e}" for e in story.endings), *story.scenes]
    defs["goto"] = {**defs["goto"], "enum": gotos}
    meters = {"enum": list(story.meters)}
    defs["effects"] = {**defs["effects"], "propertyNames": meters}
    roles = {"type": "string", "enum": list(story.roles)}
    scene = defs["scene"]["properties"]
    scene["roles"] = {**scene["roles"], "items": roles}
    defs["role"]["properties"]["start"] = {
        **defs["role"]["properties"]["start"],
        "enum": list(story.scenes),
    }
    return schema
