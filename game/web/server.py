"""The game in web browsers: `mar-a-lago serve` (textual-serve).

textual-serve starts the command below once per browser connection, so each student
gets a game of their own. Every served game autosaves to a slot of its own
(`game-YYYYmmdd-HHMMSS-xxxx`) in one saves folder, which the teacher collects with
`mar-a-lago report`. There is no authentication and no TLS: serve on a trusted
network only.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path

WARNING = (
    "WARNING: anyone who can reach this address can play and fill the saves folder; "
    "there is no password and no encryption. Serve only on a trusted network "
    "(a classroom LAN), never on the open internet."
)
#: hosts that mean "every interface": the page must name an address browsers can reach
ANY_HOST = ("0.0.0.0", "::", "")


def game_command(saves_dir: Path, role: str | None = None, story_dir: Path | None = None) -> str:
    """The shell command textual-serve runs for each browser: one game, its own slot."""
    argv = [
        sys.executable,
        "-m",
        "game",
        "play",
        "--autosave-slot",
        "unique",
        "--served",
        "--saves-dir",
        str(saves_dir.resolve()),
    ]
    if role is not None:
        argv += ["--role", role]
    if story_dir is not None:
        argv += ["--story", str(story_dir.resolve())]
    if os.name == "nt":  # textual-serve runs it through the shell; cmd.exe quotes differently
        return subprocess.list2cmdline(argv)
    return shlex.join(argv)


def lan_address() -> str | None:
    """This machine's address on the local network (no packet is sent), or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only, nothing is sent
            address: str = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("0.") else address


def public_url(host: str, port: int) -> str:
    """The address students type; for "every interface", this machine's LAN address."""
    if host in ANY_HOST:
        host = lan_address() or socket.gethostname()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"
