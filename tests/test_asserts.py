"""`asserts`: what a text takes for granted, loaded, never changing play, and tested in
every reachable state by `explore` and `check` (known answers, and a plain engine BFS)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from functools import cache
from pathlib import Path

import attrs
import pytest

from game.core import engine
from game.core.model import Bound, Condition, Ending, Passage, Scene, Story
from game.format.loader import load_story
from game.tools import stats
from game.tools.explore import analysis
from game.tools.explore.asserts import AssertViolation, asserting_texts, check_asserts
from support import FIXTURES, MINI, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_story import generate

ASSERTS = FIXTURES / "asserts"


@cache
def story_at(folder: Path) -> Story:
    return load_story(folder)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def summary(v: AssertViolation) -> tuple:
    return (v.kind, v.id, v.passage, v.states, v.path)


# -- the loader ---------------------------------------------------------------------------


def test_asserts_load_into_the_model():
    story = story_at(ASSERTS)
    first, second = story.scenes["deal"].passages
    assert first.asserts == Condition(flags=frozenset({"bit_winwin"}))
    assert first.when == Condition()
    assert second.asserts == Condition(flags=frozenset({"bit_winwin"}))
    assert story.endings["warm"].asserts == Condition(meters={"trust": Bound(min=1)})
    assert story.endings["cold"].passages[0].asserts == Condition(
        meters={"trust": Bound(max=2)}, not_flags=frozenset({"apologized"})
    )
    # where they are, for check's warnings
    assert first.line == 39 and story.endings["cold"].passages[0].line == 75


def test_no_asserts_is_none():
    story = story_at(MINI)
    assert all(e.asserts is None for e in story.endings.values())
    assert all(p.asserts is None for s in story.scenes.values() for p in s.passages)
    assert asserting_texts(story) == []
    assert check_asserts(story, "alice") == analysis_empty("alice")


def analysis_empty(role: str):
    from game.tools.explore.asserts import AssertReport

    return AssertReport(role, 0, True, ())


# -- known answers ------------------------------------------------------------------------


def test_known_answers():
    story = story_at(ASSERTS)
    report = check_asserts(story, "one")
    assert report.complete
    assert [summary(v) for v in report.violations] == [
        ("scene", "deal", 0, 1, (("talk", "hard"),)),
        ("ending", "cold", None, 2, (("talk", "hard"), ("deal", "sign"))),
        ("ending", "cold", 0, 1, (("talk", "hard"), ("deal", "sorry"))),
    ]
    scene_v, ending_v, passage_v = report.violations
    assert scene_v.state.scene == "deal" and dict(scene_v.state.meters) == {"trust": 0}
    assert ending_v.state.ending == "cold" and ending_v.state.flags == frozenset()
    assert passage_v.state.ending == "cold" and passage_v.state.flags == {"apologized"}
    assert passage_v.where == "ending 'cold', passage 1"


def test_asserts_never_change_play():
    story = story_at(ASSERTS)
    bare = strip_asserts(story)
    assert check_asserts(bare, "one").violations == ()
    with_, without = analysis.explore(story, "one"), analysis.explore(bare, "one")
    assert with_.states == without.states
    assert with_.endings == without.endings
    state = engine.new_game(story, "one")
    for choice in ("hard", "sorry"):
        state = engine.choose(story, state, choice)
    assert engine.replay(bare, "one", state.history).ending == state.ending == "cold"
    assert engine.shown_text(story, state) == engine.shown_text(bare, state)


def strip_asserts(story: Story) -> Story:
    def passages(ps: tuple[Passage, ...]) -> tuple[Passage, ...]:
        return tuple(attrs.evolve(p, asserts=None) for p in ps)

    return attrs.evolve(
        story,
        scenes={k: attrs.evolve(s, passages=passages(s.passages)) for k, s in story.scenes.items()},
        endings={
            k: attrs.evolve(e, asserts=None, passages=passages(e.passages))
            for k, e in story.endings.items()
        },
    )


def test_a_search_cut_short_says_so():
    report = check_asserts(story_at(ASSERTS), "one", max_states=1)
    assert not report.complete and report.states == 1


def test_unknown_role():
    with pytest.raises(engine.GameError):
        check_asserts(story_at(ASSERTS), "nobody")


# -- against the engine itself --------------------------------------------------------------


def engine_violations(story: Story, role: str) -> dict[tuple, tuple[int, int]]:
    """A plain BFS over the engine's states: (kind, id, passage) -> (states, shortest)."""
    compiled = analysis.Compiled(story, also=_conds(story))
    read = set(compiled.flags)

    def key(s: engine.GameState):
        visits = tuple(min(cap, s.visits.get(sid, 0)) for sid, cap in compiled.caps.items())
        return (s.scene, s.ending, tuple(sorted(s.meters.items())), s.flags & read, visits)

    found: dict[tuple, set] = {}
    depth: dict[tuple, int] = {}

    def test(kind: str, place: Scene | Ending, state: engine.GameState) -> None:
        texts = [(None, None, getattr(place, "asserts", None))] if kind == "ending" else []
        texts += [(i, p.when, p.asserts) for i, p in enumerate(place.passages)]
        for index, when, asserts in texts:
            if asserts is None or not engine.holds(when, state):
                continue
            if not engine.holds(asserts, state):
                k = (kind, place.id, index)
                found.setdefault(k, set()).add(key(state))
                depth.setdefault(k, len(state.history))

    start = engine.new_game(story, role)
    seen = {key(start)}
    queue = [start]
    for state in queue:
        if state.over:
            test("ending", story.endings[state.ending], state)
            continue
        test("scene", story.scenes[state.scene], state)
        for choice_id in engine.open_choices(story, state):
            drawn = story.scenes[state.scene].choice(choice_id).random
            for seed in range(64) if drawn else (state.seed,):  # every draw, for random
                after = engine.choose(story, attrs.evolve(state, seed=seed, draws=0), choice_id)
                if key(after) not in seen:
                    seen.add(key(after))
                    queue.append(after)
    return {k: (len(v), depth[k]) for k, v in found.items()}


def replays(story: Story, role: str, path, seeds: int = 400):
    """The path replayed with each seed whose draws follow it."""
    for seed in range(seeds):
        try:
            yield engine.replay(story, role, path, seed=seed)
        except engine.ReplayError:
            continue


def _conds(story: Story):
    for _, _, _, when, asserts in asserting_texts(story):
        if when is not None:
            yield when
        yield asserts


def check_against_engine(story: Story) -> int:
    failing = 0
    for role in story.roles:
        want = engine_violations(story, role)
        report = check_asserts(story, role)
        assert report.complete
        got = {(v.kind, v.id, v.passage): (v.states, len(v.path)) for v in report.violations}
        assert got == want, role
        for v in report.violations:  # the witness: the text shows there, and fails
            if story.random_routes:  # some seed's draws follow the path there
                state = v.state
                assert any(
                    (r.scene, r.ending, r.meters) == (state.scene, state.ending, state.meters)
                    for r in replays(story, role, v.path)
                )
            else:
                state = engine.replay(story, role, v.path)
                assert state == v.state
            place = story.scenes[v.id] if v.kind == "scene" else story.endings[v.id]
            if v.passage is None:  # an ending's own text shows whenever it is reached
                assert isinstance(place, Ending) and state.ending == v.id
                assert not engine.holds(place.asserts, state)
            else:
                passage = place.passages[v.passage]
                assert engine.holds(passage.when, state)
                assert not engine.holds(passage.asserts, state)
        failing += len(want)
    return failing


def random_condition(story: Story, rng: random.Random, flags: list[str]) -> Condition:
    meters = {}
    for m in rng.sample(list(story.meters.values()), k=rng.randint(0, min(2, len(story.meters)))):
        lo = rng.randint(m.min, m.max)
        meters[m.id] = rng.choice([Bound(min=lo), Bound(max=lo), Bound(lo, rng.randint(lo, m.max))])
    picked = rng.sample(flags, k=min(len(flags), rng.randint(0, 2)))
    half = len(picked) // 2
    cond = Condition(
        meters=meters, flags=frozenset(picked[:half]), not_flags=frozenset(picked[half:])
    )
    if rng.random() < 0.2:
        cond = attrs.evolve(cond, any=(random_condition(story, rng, flags), Condition()))
    return cond


def with_random_asserts(story: Story, seed: int) -> Story:
    rng = random.Random(seed)
    flags = sorted({f for s in story.scenes.values() for c in s.choices for f in c.set | c.clear})

    def passages(ps: tuple[Passage, ...]) -> tuple[Passage, ...]:
        extra = [
            Passage(random_condition(story, rng, flags), "t", random_condition(story, rng, flags))
            for _ in range(rng.randint(0, 2))
        ]
        return (*ps, *extra)

    scenes = {k: attrs.evolve(s, passages=passages(s.passages)) for k, s in story.scenes.items()}
    endings = {
        k: attrs.evolve(
            e,
            passages=passages(e.passages),
            asserts=random_condition(story, rng, flags) if rng.random() < 0.7 else None,
        )
        for k, e in story.endings.items()
    }
    return attrs.evolve(story, scenes=scenes, endings=endings)


def test_agrees_with_the_engine_on_the_fixture():
    assert check_against_engine(story_at(ASSERTS)) == 3


STORIES = [MINI, *sorted(p for p in (FIXTURES / "explore").iterdir() if p.is_dir())]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("folder", STORIES, ids=[p.name for p in STORIES])
def test_agrees_with_the_engine_on_random_asserts(folder: Path, seed: int):
    check_against_engine(with_random_asserts(story_at(folder), seed))


@pytest.mark.parametrize("seed", range(3))
def test_agrees_with_the_engine_on_a_synthetic_story(tmp_path: Path, seed: int):
    story = load_story(generate(20, tmp_path / "syn", seed=seed))
    assert check_against_engine(with_random_asserts(story, seed)) > 0


# -- explore and check ----------------------------------------------------------------------


def test_explore_text_lists_them():
    result = run("explore", str(ASSERTS))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Asserts that fail (a text shown where its `asserts` does not hold):" in out
    assert (
        "    scene 'deal', passage 1: `asserts` fails in 1 state, first via talk/hard "
        "(trust 0; flags: none)"
    ) in out
    assert "ending 'cold': `asserts` fails in 2 states, first via talk/hard → deal/sign" in out
    assert "(trust 0; flags: apologized)" in out


def test_explore_text_says_nothing_of_asserts_in_a_story_without_them():
    result = run("explore", str(MINI))
    assert result.returncode == 0 and "asserts" not in result.stdout


def test_explore_json_adds_a_key():
    data = json.loads(run("explore", str(ASSERTS), "--json").stdout)
    one = data["roles"]["one"]
    assert one["asserts"]["complete"] is True
    assert one["asserts"]["failing"][0] == {
        "kind": "scene",
        "id": "deal",
        "passage": 1,
        "states": 1,
        "path": [["talk", "hard"]],
        "meters": {"trust": 0},
        "flags": [],
    }
    assert [(f["kind"], f["id"], f["passage"]) for f in one["asserts"]["failing"]] == [
        ("scene", "deal", 1),
        ("ending", "cold", None),
        ("ending", "cold", 1),
    ]
    # the keys that were there before are all still there
    assert {"states", "complete", "endings", "dead_ends", "no_way_out", "meter_ranges"} <= set(one)
    mini = json.loads(run("explore", str(MINI), "--json").stdout)
    assert mini["roles"]["alice"]["asserts"] == {"states": 0, "complete": True, "failing": []}


def test_check_warns_at_each_text_and_strict_fails():
    result = run("check", "--deep", str(ASSERTS))  # asserts need the search
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert (
        f"{ASSERTS.relative_to(ROOT)}/story.toml:39: warning: scene 'deal', passage 1: "
        "`asserts` fails in 1 state, first via talk/hard (trust 0; flags: none) (role one)"
    ) in [line.replace(str(ROOT) + "/", "") for line in lines]
    assert any(":68: warning: ending 'cold': `asserts` fails in 2 states" in x for x in lines)
    assert any(":75: warning: ending 'cold', passage 1: `asserts` fails" in x for x in lines)
    # a flag read by `asserts` alone is tested: no "set but no condition tests it"
    assert not any("apologized" in x and "tests it" in x for x in lines)
    assert run("check", "--deep", "--strict", str(ASSERTS)).returncode == 1


def test_check_has_no_assert_warnings_when_they_hold():
    checked = stats.check(strip_asserts(story_at(ASSERTS)), ASSERTS)
    assert not any("asserts" in w.message for w in checked.warnings)


def test_the_parse_cache_keeps_them():
    from game.format import cache

    story = story_at(ASSERTS)
    again = cache.loads(cache.dumps(story))
    assert again.scenes["deal"].passages == story.scenes["deal"].passages
    assert again.endings == story.endings
    assert check_asserts(again, "one") == check_asserts(story, "one")


COIN = """
[story]
id = "coin"
title = "Coin"
version = "1"
format = 1

[meters.luck]
label = "Luck"
min = 0
max = 3
start = 1

[roles.one]
label = "One"
start = "table"

[scenes.table]
title = "Table"
text = "A coin on the table."

[[scenes.table.choices]]
id = "toss"
text = "Toss it."
goto = "table"
random = [{ weight = 1, goto = "heads" }, { weight = 1, goto = "tails" }]

[scenes.heads]
title = "Heads"
text = "Heads."

[[scenes.heads.choices]]
id = "win"
text = "Take the win."
goto = "end"
effects = { luck = 2 }

[scenes.tails]
title = "Tails"
text = "Tails."

[[scenes.tails.passages]]
when = { luck = { min = 0 } }
text = "You lost, and your luck is still good."
asserts = { luck = { min = 2 } }

[[scenes.tails.choices]]
id = "lose"
text = "Walk away."
goto = "end"

[endings.done]
title = "Done"
text = "Done."
rank = 1

[[endings.done.passages]]
when = { luck = { min = 0 } }
text = "Luck holds."
asserts = { luck = { max = 2 } }
"""


def test_asserts_are_checked_down_every_random_draw(tmp_path):
    """Only the draw of `tails` breaks the scene's passage, only `heads` the ending's:
    the search finds both, with the state as it met them and a path that some draws
    follow (a replay with the right seed gives the same state)."""
    (tmp_path / "story.toml").write_text(COIN)
    story = load_story(tmp_path)
    report = check_asserts(story, "one")
    assert report.complete
    found = {(v.kind, v.id): v for v in report.violations}
    assert set(found) == {("scene", "tails"), ("ending", "done")}
    tails, done = found["scene", "tails"], found["ending", "done"]
    assert tails.path == (("table", "toss"),) and tails.state.scene == "tails"
    assert tails.state.meters == {"luck": 1}
    assert done.path == (("table", "toss"), ("heads", "win"))
    assert done.state.ending == "done" and done.state.meters == {"luck": 3}
    for v in (tails, done):
        assert any(
            r.scene == v.state.scene and r.ending == v.state.ending and r.meters == v.state.meters
            for r in replays(story, "one", v.path, 40)
        )
