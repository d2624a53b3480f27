"""File checks that never raise, and reading a file that may not be one.

`Path.exists()` and friends raise for a path too long for the system (ENAMETOOLONG), a
folder without permission (EACCES) or a NUL byte (ValueError); a message handler that
calls one can raise again and lose the game. These answer False or None instead.

`read_regular` reads a save-sized file safely: a FIFO or a link to `/dev/zero` named
`x.json` is opened without blocking and refused because it is not a regular file, and
no more than the limit plus one byte is ever read.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

#: opening a FIFO for reading waits for a writer unless this is given (not on Windows)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class NotReadable(Exception):
    """Why a file cannot be read as a small regular file: `reason` says it in words."""

    def __init__(self, reason: str, *, missing: bool = False, too_large: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing
        self.too_large = too_large


def stat_of(path: Path, *, follow: bool = True) -> os.stat_result | None:
    """`os.stat` (or `lstat`), or None when the path cannot be looked at for any reason."""
    try:
        return os.stat(path) if follow else os.lstat(path)
    except (OSError, ValueError):
        return None


def exists(path: Path) -> bool:
    return stat_of(path) is not None


def is_dir(path: Path) -> bool:
    info = stat_of(path)
    return info is not None and stat.S_ISDIR(info.st_mode)


def is_file(path: Path) -> bool:
    """A regular file (after links): not a folder, FIFO, socket or device."""
    info = stat_of(path)
    return info is not None and stat.S_ISREG(info.st_mode)


def describe(error: OSError | ValueError) -> str:
    """An error in words: 'Permission denied', 'File name too long'..."""
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; raises `NotReadable`.

    Never blocks (a FIFO is opened non-blocking and refused), never reads more than
    `limit + 1` bytes (a device or a file growing while read is refused)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    except FileNotFoundError:
        raise NotReadable("no such file", missing=True) from None
    except (OSError, ValueError) as exc:
        raise NotReadable(f"cannot read it ({describe(exc)})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable(f"{kind_of(info.st_mode)}, not a save file")
        if info.st_size > limit:
            raise NotReadable(f"{info.st_size:,} bytes, too large", too_large=True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise NotReadable(f"over {limit:,} bytes, too large", too_large=True)
        return b"".join(chunks)
    except OSError as exc:
        raise NotReadable(f"cannot read it ({describe(exc)})") from None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def entries(folder: Path, suffix: str) -> list[Path]:
    """The names in `folder` ending in `suffix` (not recursive); [] when it cannot be
    listed. Only names: what each is, is for the reader to check."""
    try:
        with os.scandir(folder) as listing:
            return [folder / e.name for e in listing if e.name.endswith(suffix)]
    except (OSError, ValueError):
        return []


def try_write(folder: Path) -> str:
    """Make `folder` if needed and write, sync and remove a small file in it: "" when
    that worked, else why not in words (a real write: permissions, a read-only or full
    disk, a path too long are all found)."""
    probe = folder / f".write-test-{os.getpid()}.tmp"
    try:
        if exists(folder) and not is_dir(folder):
            return f"{folder} is a file, not a folder"
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o600)
        try:
            os.write(fd, b"mar-a-lago write test\n")
            os.fsync(fd)
        finally:
            os.close(fd)
    except (OSError, ValueError) as exc:
        return describe(exc)
    finally:
        with contextlib.suppress(OSError, ValueError):
            os.unlink(probe)
    return ""


def remove_stale(folder: Path, pattern: re.Pattern[str], older_than: float) -> int:
    """Remove the regular files in `folder` named as `pattern` says and older than
    `older_than` seconds (temp files a killed write left); how many. Never raises."""
    removed = 0
    now = time.time()
    for path in entries(folder, ".tmp"):
        info = stat_of(path, follow=False)
        if (
            info is None
            or not stat.S_ISREG(info.st_mode)
            or not pattern.match(path.name)
            or now - info.st_mtime < older_than
        ):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (where the system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
