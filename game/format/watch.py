"""What a story folder looks like to a watcher: any edit, new or removed file changes it."""

from __future__ import annotations

from pathlib import Path

from game.format.loader import story_files

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(folder: Path) -> Fingerprint:
    """The state of every story file; any edit, new or removed file changes it."""
    result = []
    try:
        for path in story_files(folder):
            try:
                stat = path.stat()
            except OSError:
                continue
            result.append((str(path), stat.st_mtime_ns, stat.st_size))
    except OSError:
        return ()
    return tuple(result)
