"""Names of autosave slots: each game its own, so a new game never replaces another.

An autosave slot is named by the story, the role and the time the game began, with an
optional player's name: `autosave-<story>[-<name>]-<role>-<YYYYmmdd-HHMMSS>`. Every part
is cut down to letters, digits, '-' and '_', and the whole fits a slot name
(`[A-Za-z0-9][A-Za-z0-9_-]{0,63}`). `autosave` alone is the slot older versions used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from pathlib import Path

from game.core.model import Story
from game.persist import files, saves

#: the slot every game shared before autosaves had names of their own; still one
AUTOSAVE = saves.AUTOSAVE
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
#: the most characters each part of the name keeps
STORY_PART, NAME_PART, ROLE_PART = 15, 12, 10


def clean(part: str, limit: int) -> str:
    """`part` as slot-name characters: others become '-', runs and ends trimmed, cut to
    `limit` ("" when nothing is left)."""
    return _UNSAFE.sub("-", part).strip("-_")[:limit].strip("-_")


def autosave_slot_name(
    story_id: str, role: str, started: dt.datetime, name: str | None = None
) -> str:
    """The autosave slot of a game of `story_id` as `role` begun at `started`, with an
    optional player's `name`: always a valid slot name, whatever the parts hold."""
    parts = [AUTOSAVE, clean(story_id, STORY_PART)]
    if name is not None:
        parts.append(clean(name, NAME_PART))
    parts += [clean(role, ROLE_PART), f"{started:%Y%m%d-%H%M%S}"]
    return saves.check_slot_name("-".join(part for part in parts if part))


def is_autosave_slot(slot: str) -> bool:
    """True for a slot that autosave writes (`autosave`, or `autosave-...`)."""
    return slot == AUTOSAVE or slot.startswith(f"{AUTOSAVE}-")


def free_slot(saves_dir: Path, slot: str, taken: Collection[str] = ()) -> str:
    """`slot`, or `slot_2`, `slot_3`, ... : the first with no save in `saves_dir` and not in
    `taken` (two games begun in the same second). '_' keeps it apart from the named saves
    of a private session (`<slot>-<name>`)."""
    candidate, number = slot, 1
    while candidate in taken or files.exists(saves_dir / f"{candidate}.json"):
        number += 1
        suffix = f"_{number}"
        candidate = slot[: 64 - len(suffix)] + suffix
    return candidate


def newest_autosave(saves_dir: Path, story: Story) -> saves.SlotInfo | None:
    """The newest readable autosave of `story` in `saves_dir` (`play --load autosave`)."""
    for info in saves.slots(saves_dir):
        if is_autosave_slot(info.name) and info.save is not None and info.save.story.id == story.id:
            return info
    return None
