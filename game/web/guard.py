"""What the web server lets in: terminal sizes, the websocket's origin, its messages.

- A browser asks for its terminal's size in the `/ws` query and in `resize` messages.
  Every cell costs the game process memory (20000x10000 took one to 1.5 GB), so a
  size is clamped to `MAX_SIZE` (and at least `MIN_SIZE`); anything but a number is the
  default.
- Any web page the teacher opens could open a websocket to a server on localhost and
  start games. Browsers send the page's origin; a websocket whose `Origin` is not the
  server's own (the origin of the `Host` it was asked under, or the public URL the
  students were given) is refused. A client that sends no `Origin` is not a browser
  page, and is let in.
- A page of another site could also reach the server under a name of its own that it
  points at the teacher's machine (DNS rebinding): then its `Origin` matches the `Host`
  it asked under. So every request's `Host` must be an address (an IP, `localhost`) or
  a name the server knows for itself: the machine's own names, the public URL's, and
  those given with `serve --allow-host NAME`. Anything else is refused.
- A message that is not the protocol's (not JSON, not a list, unknown fields) is
  ignored, never a traceback on the teacher's console.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

#: the largest and smallest terminal a game draws (columns, rows)
MAX_SIZE = (500, 200)
MIN_SIZE = (10, 3)
DEFAULT_SIZE = (80, 24)
#: the longest keyboard input one message may carry (a paste)
MAX_INPUT = 64 * 1024


def dimension(value: Any, default: int, low: int, high: int) -> int:
    """A terminal dimension from a query string or a message: clamped to [low, high];
    the default for anything that is not a whole number."""
    if isinstance(value, bool):
        return default
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            return default
        value = int(text)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        return default
    return max(low, min(high, value))


def clamp_size(width: Any, height: Any) -> tuple[int, int]:
    """(columns, rows) a game may be given, from whatever a browser sent."""
    return (
        dimension(width, DEFAULT_SIZE[0], MIN_SIZE[0], MAX_SIZE[0]),
        dimension(height, DEFAULT_SIZE[1], MIN_SIZE[1], MAX_SIZE[1]),
    )


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, lower case, default ports left out; "" if none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return ""
    if ":" in host:
        host = f"[{host}]"
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def own_origins(host: str | None, scheme: str, public_url: str) -> set[str]:
    """The origins of pages this server served: under the `Host` it was asked by (http,
    or https behind a TLS proxy), and the public URL the students were given."""
    origins = {origin_of(public_url)}
    if host:
        origins |= {origin_of(f"{each}://{host}") for each in (scheme, "http", "https")}
    origins.discard("")
    return origins


def origin_allowed(origin: str | None, host: str | None, scheme: str, public_url: str) -> bool:
    """True for no `Origin` (not a browser page) or one of the server's own origins."""
    if origin is None:
        return True
    return origin_of(origin) in own_origins(host, scheme, public_url)


def host_name(host: str | None) -> str:
    """The name in a `Host` header, lower case, without its port or brackets."""
    if not host:
        return ""
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8000
        return host[1 : host.find("]")] if "]" in host else host[1:]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def own_names(public_url: str, allowed: Iterable[str] = ()) -> frozenset[str]:
    """The names this machine answers to: its host names (and `.local`), the public
    URL's host, and the names the teacher allowed."""
    names = {host_name(urlsplit(public_url).hostname), *(host_name(n) for n in allowed)}
    for name in (socket.gethostname(), socket.getfqdn()):
        name = host_name(name)
        names |= {name, f"{name.split('.')[0]}.local"}
    names.discard("")
    return frozenset(names)


def host_allowed(host: str | None, names: frozenset[str]) -> bool:
    """True for a request asked under an address (an IP, `localhost`), one of `names`,
    or with no `Host` at all (no browser sends that)."""
    name = host_name(host)
    if not name or name == "localhost" or name.endswith(".localhost") or name in names:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def message(text: str) -> tuple[str, Any] | None:
    """A browser message `[type, data]`, or None when it is not one."""
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    return envelope[0], envelope[1] if len(envelope) > 1 else None
