"""Find the line where a TOML table or key begins.

tomli gives no positions for values, so this scans the text once (after tomli has
accepted it) and records the line of every table header, key, array element and
inline-table key, by its path: ("scenes", "intro", "choices", 1, "goto").
"""

from __future__ import annotations

import contextlib

Path = tuple[str | int, ...]

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class Locator:
    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        self._text = text
        self._i = 0
        self._line = 1
        self._aot: dict[Path, int] = {}
        # only TOML that tomli accepted reaches here; a surprise leaves lines unknown
        with contextlib.suppress(IndexError, ValueError):
            self._document()

    def line(self, path: Path) -> int:
        """The line of `path`, or of its nearest recorded parent; 1 if none."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1

    # -- scanning ---------------------------------------------------------------

    def _peek(self, k: int = 0) -> str:
        j = self._i + k
        return self._text[j] if j < len(self._text) else ""

    def _advance(self, k: int = 1) -> None:
        for _ in range(k):
            if self._peek() == "\n":
                self._line += 1
            self._i += 1

    def _skip_blank(self, newlines: bool) -> None:
        while self._i < len(self._text):
            c = self._peek()
            if c in " \t\r" or (newlines and c == "\n"):
                self._advance()
            elif c == "#":
                while self._i < len(self._text) and self._peek() != "\n":
                    self._advance()
            else:
                return

    def _record(self, path: Path) -> None:
        self.lines.setdefault(path, self._line)

    def _document(self) -> None:
        current: Path = ()
        while self._i < len(self._text):
            self._skip_blank(newlines=True)
            if self._i >= len(self._text):
                return
            if self._peek() == "[":
                double = self._peek(1) == "["
                self._advance(2 if double else 1)
                key = self._key("]")
                self._advance(2 if double else 1)
                if double:
                    index = self._aot.get(key, -1) + 1
                    self._aot[key] = index
                    # a new element resets the counts of arrays nested inside it
                    for other in [
                        k for k in self._aot if len(k) > len(key) and k[: len(key)] == key
                    ]:
                        del self._aot[other]
                    current = (*key, index)
                    self._record(key)
                else:
                    current = key
                for depth in range(1, len(current) + 1):
                    self._record(current[:depth])
            else:
                start = self._line
                key = self._key("=")
                self.lines.setdefault((*current, *key), start)
                self._advance()  # "="
                self._value((*current, *key))
            self._skip_blank(newlines=False)

    def _key(self, stop: str) -> Path:
        """A dotted key up to `stop` (not consumed), quotes removed."""
        parts: list[str | int] = []
        while True:
            self._skip_blank(newlines=False)
            c = self._peek()
            if c in ('"', "'"):
                parts.append(self._string())
            else:
                start = self._i
                while self._peek() in _BARE and self._peek():
                    self._advance()
                if self._i == start:
                    raise ValueError("bad key")
                parts.append(self._text[start : self._i])
            self._skip_blank(newlines=False)
            if self._peek() == ".":
                self._advance()
                continue
            if self._peek() != stop:
                raise ValueError("bad key")
            return tuple(parts)

    def _string(self) -> str:
        quote = self._peek()
        if self._text.startswith(quote * 3, self._i):
            self._advance(3)
            end = self._text.find(quote * 3, self._i)
            if end < 0:
                raise ValueError("open string")
            # a closing run may hold up to two more quotes
            while self._text.startswith(quote, end + 3):
                end += 1
            value = self._text[self._i : end]
            self._advance(end + 3 - self._i)
            return value
        self._advance()
        start = self._i
        while self._peek() != quote:
            if not self._peek():
                raise ValueError("open string")
            if quote == '"' and self._peek() == "\\":
                self._advance()
            self._advance()
        value = self._text[start : self._i]
        self._advance()
        return value

    def _value(self, path: Path) -> None:
        self._skip_blank(newlines=False)
        c = self._peek()
        if c in ('"', "'"):
            self._string()
        elif c == "[":
            self._advance()
            index = 0
            while True:
                self._skip_blank(newlines=True)
                if self._peek() == "]":
                    self._advance()
                    return
                self._record((*path, index))
                self._value((*path, index))
                self._skip_blank(newlines=True)
                if self._peek() == ",":
                    self._advance()
                    index += 1
        elif c == "{":
            self._advance()
            while True:
                self._skip_blank(newlines=True)
                if self._peek() == "}":
                    self._advance()
                    return
                if self._peek() == ",":
                    self._advance()
                    continue
                start = self._line
                key = self._key("=")
                self.lines.setdefault((*path, *key), start)
                self._advance()
                self._value((*path, *key))
        else:
            start = self._i
            while self._peek() and self._peek() not in ",]}\n#":
                self._advance()
            if self._i == start:
                raise ValueError("empty value")
