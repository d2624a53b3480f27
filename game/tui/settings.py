"""The player's settings that outlive a game (the theme), in the user's config folder.

`settings.json` in `$MAR_A_LAGO_CONFIG_DIR` if set (tests point it at a temporary
folder), else in platformdirs' user config folder (`~/.config/mar-a-lago` on Linux).
Reading never fails (a missing or damaged file is no settings); writing is atomic and a
failure is reported, never raised.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

APP_NAME = "mar-a-lago"
ENV_DIR = "MAR_A_LAGO_CONFIG_DIR"
FILE_NAME = "settings.json"
#: a settings file is a few bytes; anything far larger is not ours
MAX_BYTES = 64_000


def config_dir() -> Path:
    """Where the settings live: $MAR_A_LAGO_CONFIG_DIR, else the user's config folder."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_config_path(APP_NAME)


def read(folder: Path | None = None) -> dict[str, Any]:
    """The saved settings ({} when there are none or they cannot be read)."""
    path = (folder or config_dir()) / FILE_NAME
    try:
        if path.stat().st_size > MAX_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def write(changes: dict[str, Any], folder: Path | None = None) -> str:
    """Merge `changes` into the saved settings; "" when written, else why not."""
    folder = folder or config_dir()
    data = {**read(folder), **changes}
    tmp_name = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".settings.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, sort_keys=True)
        os.replace(tmp_name, folder / FILE_NAME)
        tmp_name = None
    except OSError as exc:
        return f"could not save the settings in {folder} ({exc.strerror or exc})"
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return ""


def saved_theme(folder: Path | None = None) -> str | None:
    theme = read(folder).get("theme")
    return theme if isinstance(theme, str) and theme else None
