"""The model is frozen all the way down: read-only mappings, hashable conditions, meters
whose range and start hold by construction, and `good` as an enum that knows its side."""

from __future__ import annotations

import pickle

import attrs
import pytest

from game.core import engine
from game.core.frozenmap import FrozenMap, frozen
from game.core.model import Bound, Choice, Condition, Good, Meter
from game.format import cache
from game.format.loader import load_story
from support import MINI


def test_a_frozen_map_reads_like_a_dict_and_cannot_change():
    m = FrozenMap({"a": 1, "b": 2})
    assert m["a"] == 1 and m.get("c") is None and m.get("c", 3) == 3
    assert list(m) == ["a", "b"] and len(m) == 2 and "a" in m
    assert dict(m.items()) == {"a": 1, "b": 2} and list(m.values()) == [1, 2]
    assert m == {"a": 1, "b": 2} and m == {"a": 1, "b": 2} and m != {"a": 1}
    with pytest.raises(TypeError):
        m["a"] = 5  # type: ignore[index]
    with pytest.raises(TypeError):
        del m["a"]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        m._data = {}  # type: ignore[misc]
    assert not hasattr(m, "update") and not hasattr(m, "pop")
    assert m == {"a": 1, "b": 2}
    source = {"a": 1}
    copy = FrozenMap(source)
    source["a"] = 9  # the map keeps its own copy
    assert copy["a"] == 1
    assert pickle.loads(pickle.dumps(m)) == m


def test_a_frozen_map_hashes_by_its_items():
    assert hash(FrozenMap({"a": 1, "b": 2})) == hash(FrozenMap({"b": 2, "a": 1}))
    assert len({FrozenMap({"a": 1}), FrozenMap({"a": 1}), FrozenMap({"a": 2})}) == 2


def test_the_converter_keeps_read_only_mappings_and_freezes_dicts():
    m = FrozenMap({"a": 1})
    assert frozen(m) is m
    assert isinstance(frozen({"a": 1}), FrozenMap)
    import types

    proxy = types.MappingProxyType({"a": 1})
    assert frozen(proxy) is proxy


def test_conditions_are_hashable_and_equal_by_value():
    a = Condition(meters={"trust": Bound(min=2)}, flags=frozenset({"x"}))
    b = Condition(meters={"trust": Bound(min=2)}, flags=frozenset({"x"}))
    assert a == b and hash(a) == hash(b)
    assert len({a, b, Condition()}) == 2
    nested = Condition(any=(a, Condition(not_flags=frozenset({"y"}))))
    assert {nested: 1}[nested] == 1
    with pytest.raises(TypeError):
        a.meters["trust"] = Bound(max=1)  # type: ignore[index]


def test_choice_effects_are_read_only_and_hashable():
    choice = Choice("a", "A", "b", effects={"trust": 1})
    with pytest.raises(TypeError):
        choice.effects["trust"] = 5  # type: ignore[index]
    assert hash(choice) == hash(Choice("a", "A", "b", effects={"trust": 1}))


def test_a_loaded_story_cannot_be_changed():
    story = load_story(MINI)
    for mapping in (story.meters, story.roles, story.scenes, story.endings):
        assert not hasattr(mapping, "__setitem__")
        with pytest.raises(TypeError):
            mapping["new"] = None  # type: ignore[index]
    for scene in story.scenes.values():
        for choice in scene.choices:
            assert isinstance(choice.effects, FrozenMap)
            if choice.requires is not None:
                hash(choice.requires)
    # and as the parse cache gives it back
    again = cache.loads(cache.dumps(story))
    assert again.meters == story.meters and again.endings == story.endings
    for mapping in (again.meters, again.roles, again.scenes, again.endings):
        assert not hasattr(mapping, "__setitem__")
    assert again.meters["trust"].good is story.meters["trust"].good


def test_game_states_cannot_be_changed():
    story = load_story(MINI)
    state = engine.new_game(story, "alice")
    with pytest.raises(TypeError):
        state.meters["trust"] = 9  # type: ignore[index]
    after = engine.choose(story, state, engine.open_choices(story, state)[0])
    assert isinstance(after.meters, FrozenMap) and isinstance(state.meters, FrozenMap)
    start = engine.Start("hall", {"trust": 1})
    with pytest.raises(TypeError):
        start.meters["trust"] = 2  # type: ignore[index]
    assert hash(start) == hash(engine.Start("hall", {"trust": 1}))
    assert hash(after) == hash(engine.replay(story, "alice", after.history))


def test_meters_keep_their_range_by_construction():
    Meter("m", "M", 0, 10, 0)
    Meter("m", "M", 0, 10, 10)
    with pytest.raises(ValueError, match=r"min \(3\) must be below max \(3\)"):
        Meter("m", "M", 3, 3, 3)
    with pytest.raises(ValueError, match="min"):
        Meter("m", "M", 5, 1, 3)
    with pytest.raises(ValueError, match=r"start 11 lies outside 0\.\.10"):
        Meter("m", "M", 0, 10, 11)
    with pytest.raises(ValueError, match="start -1"):
        Meter("m", "M", 0, 10, -1)
    meter = Meter("m", "M", 0, 10, 5)
    with pytest.raises(ValueError):
        attrs.evolve(meter, start=12)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        meter.start = 12  # type: ignore[misc]


def test_good_is_an_enum_that_knows_which_way_is_better():
    assert Meter("m", "M", 0, 10, 5).good is Good.HIGH
    low = Meter("m", "M", 0, 10, 5, good="low")  # type: ignore[arg-type]
    assert low.good is Good.LOW and low.good == "low" and f"{low.good}" == "low"
    with pytest.raises(ValueError):
        Meter("m", "M", 0, 10, 5, good="sideways")  # type: ignore[arg-type]
    assert Good.HIGH.sign == 1 and Good.LOW.sign == -1
    assert Good.HIGH.side == "higher" and Good.LOW.side == "lower"
    assert Good.HIGH.better(2) is True and Good.HIGH.better(-1) is False
    assert Good.LOW.better(-2) is True and Good.LOW.better(1) is False
    assert Good.LOW.better(0) is None and Good.HIGH.better(0) is None
    high = Meter("m", "M", 0, 10, 5)
    assert high.is_better(1) is True and low.is_better(1) is False
    assert high.goodness(10) == 1.0 and high.goodness(0) == 0.0
    assert low.goodness(10) == 0.0 and low.goodness(0) == 1.0 and low.goodness(5) == 0.5
