"""Story text for a terminal: paragraphs wrapped to a width, meters as words, and no
control characters in anything shown (`shown`, `clean`)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar, cast

import attrs

from game.core.model import Story

T = TypeVar("T")


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each joined to one line."""
    result = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines:
            result.append(" ".join(lines))
    return result


def wrap(text: str, width: int = 78, indent: str = "") -> str:
    return "\n\n".join(
        textwrap.fill(p, width=width, initial_indent=indent, subsequent_indent=indent)
        for p in paragraphs(text)
    )


def meter_line(
    story: Story, meters: Mapping[str, int], before: Mapping[str, int] | None = None
) -> str:
    parts = []
    for meter in story.meters.values():
        value = meters[meter.id]
        part = f"{meter.label} {value}/{meter.max}"
        if before is not None and before.get(meter.id, value) != value:
            part += f" ({value - before[meter.id]:+d})"
        parts.append(part)
    return " | ".join(parts)


# -- text for a terminal: no control characters ---------------------------------------

#: what a terminal would act on rather than show: C0 controls but tab and newline, DEL,
#: and C1 controls (ESC starts escape sequences: a window title, the clipboard (OSC 52),
#: a cleared screen; U+009B is a one-character CSI to some terminals)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """`text` without control characters (tab and newline stay): safe to print."""
    if CONTROL.search(text) is None:
        return text
    return CONTROL.sub("", text)


def control_names(text: str) -> list[str]:
    """The control characters in `text` that `shown` removes, named (U+001B ESC ...)."""
    names = {"\x1b": "ESC", "\x07": "BEL", "\x08": "BS", "\r": "CR", "\x9b": "CSI"}
    found = sorted(set(CONTROL.findall(text)))
    return [f"U+{ord(c):04X}" + (f" {names[c]}" if c in names else "") for c in found]


def clean(value: T) -> T:
    """`value` with `shown` applied to every string in it: attrs instances, tuples,
    lists, frozensets and mappings (values; keys are ids and stay); a mapping that
    decodes its values when looked up (`decoded_on_lookup`, the cache's scenes) is
    wrapped to clean each value then. The very same object comes back when nothing in
    it needed cleaning."""
    return cast("T", _clean(value))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return shown(value)
    kind = type(value)
    if kind in (int, float, bool) or value is None:
        return value
    if attrs.has(kind):
        changes = {}
        for field in attrs.fields(kind):
            old = getattr(value, field.name)
            new = _clean(old)
            if new is not old:
                changes[field.alias or field.name] = new
        return attrs.evolve(value, **changes) if changes else value
    if kind in (tuple, list, frozenset, set):
        items = [_clean(item) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return kind(items)
    if isinstance(value, Mapping):
        if getattr(value, "decoded_on_lookup", False):  # decoding all would cost time
            return value if isinstance(value, CleanMapping) else CleanMapping(value)
        cleaned = {key: _clean(item) for key, item in value.items()}
        if all(cleaned[key] is item for key, item in value.items()):
            return value
        # a plain dict: an attrs field's converter makes it what the field holds
        return cleaned if kind is dict else _rebuild(kind, cleaned)
    return value


def _rebuild(kind: type, items: dict[Any, Any]) -> Any:
    try:
        return kind(items)
    except TypeError:
        return items


class CleanMapping(Mapping[Any, Any]):
    """A mapping whose values are cleaned (`clean`) the first time each is looked up."""

    decoded_on_lookup = True

    def __init__(self, inner: Mapping[Any, Any]) -> None:
        self._inner = inner
        self._done: dict[Any, Any] = {}

    def __getitem__(self, key: Any) -> Any:
        try:
            return self._done[key]
        except KeyError:
            value = self._done[key] = _clean(self._inner[key])
            return value

    def __contains__(self, key: object) -> bool:
        return key in self._inner

    def __iter__(self) -> Iterator[Any]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)
