"""Writing a save file into its folder: atomically, beside no case twin, and sweeping
up what killed writes left.

A file is written whole to a temp file in the same folder (`.<slot>.<random>.tmp`),
synced, and renamed over the slot, so a crash leaves the old save or the new one. A
write that was killed leaves its temp file: the first write of a process to a folder
removes those over a minute old (a write in progress elsewhere is younger).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from game.persist import files

#: a temp file a killed save left behind (`.<slot>.<random>.tmp`), and its age to go
STALE_TEMP = re.compile(r"\.[A-Za-z0-9][A-Za-z0-9_\-]{0,63}\.[A-Za-z0-9_]+\.tmp\Z")
STALE_AFTER = 60.0
#: the folders whose stale temp files this process has removed
_swept: set[str] = set()


class WriteFailed(Exception):
    """The file could not be written; `reason` in words. The old file is unharmed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CaseTwin(Exception):
    """Another slot's name differs from this one only by case: `name`."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def case_twin(folder: Path, slot: str) -> str | None:
    """Another slot in the folder whose name differs from `slot` only by case: on a
    case-insensitive disk (Windows, macOS) the two would be one file."""
    folded = slot.casefold()
    for path in files.entries(folder, ".json"):
        other = path.name[: -len(".json")]
        if other != slot and other.casefold() == folded:
            return other
    return None


def remove_stale_temp(folder: Path, older_than: float = STALE_AFTER) -> int:
    """Remove the temp files killed saves left in `folder` (older than `older_than`
    seconds: a save being written now is left alone); how many. Never raises."""
    return files.remove_stale(folder, STALE_TEMP, older_than)


def write_atomic(folder: Path, slot: str, target: Path, data: bytes) -> None:
    """Write `data` as `target` (the slot's file in `folder`), atomically; raises
    `CaseTwin` or `WriteFailed`."""
    tmp_name = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if str(folder) not in _swept:
            _swept.add(str(folder))
            remove_stale_temp(folder)
        twin = case_twin(folder, slot)
        if twin is not None:
            raise CaseTwin(twin)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{slot}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
        tmp_name = None
        files.fsync_dir(folder)
    except (OSError, ValueError) as exc:
        reason = files.describe(exc)
        if files.exists(folder) and not files.is_dir(folder):
            reason = f"{folder} is a file, not a folder"
        elif files.is_dir(target):
            reason = f"{target} is a folder"
        raise WriteFailed(reason) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
