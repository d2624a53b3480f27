"""A read-only, hashable mapping, for the dict fields of the model's frozen classes."""

from __future__ import annotations

from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A mapping that cannot change once made: no item can be set or removed, so a
    frozen class holding one is frozen all the way down, and (when its values are
    hashable) it hashes, so a `Condition` can be a dict key or a set member. Reads go
    straight to a private dict; equal to any mapping with the same items."""

    __slots__ = ("_data", "_hash")

    _data: dict[K, V]
    _hash: int | None

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        object.__setattr__(self, "_data", dict(items))
        object.__setattr__(self, "_hash", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a FrozenMap cannot change ({name})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a FrozenMap cannot change ({name})")

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: K, default: Any = None) -> Any:
        return self._data.get(key, default)

    def keys(self) -> KeysView[K]:
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        return self._data.values()

    def items(self) -> ItemsView[K, V]:
        return self._data.items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(frozenset(self._data.items())))
        assert self._hash is not None
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))


#: the empty map, shared
EMPTY: FrozenMap[Any, Any] = FrozenMap()


def frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """A converter for attrs fields (whose keys are ids): a `FrozenMap` of `value`. A
    mapping that is not a plain dict and offers no way to change it (a FrozenMap,
    MappingProxyType, or a lazily decoded read-only mapping) is kept as it is."""
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, dict):
        return FrozenMap(value) if value else EMPTY
    if isinstance(value, Mapping) and not hasattr(value, "__setitem__"):
        return value
    return FrozenMap(value)
