"""`mar-a-lago explore`: the state-space search, checked against known answers and
against the engine itself; random playthroughs; the command's text and JSON."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from functools import cache
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.core import engine
from game.core.model import Story
from game.format.loader import check_story, load_story
from game.tools.explore import analysis, findings
from game.tools.explore import search as search_module
from support import FIXTURES, MINI, ROOT, SHIPPED

sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_story import generate

EXPLORE = FIXTURES / "explore"


@cache
def story_at(folder: Path) -> Story:
    return load_story(folder)


@cache
def synthetic(n: int, seed: int = 0) -> Path:
    import tempfile

    return generate(n, Path(tempfile.mkdtemp()) / f"syn{n}-{seed}", seed=seed)


def shipped() -> Story:
    story, problems = check_story(SHIPPED)
    if story is None:
        pytest.skip(f"the shipped story does not load yet ({len(problems)} problems)")
    return story


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """The command in this process (faster): (exit status, stdout, stderr)."""
    from game.cli.main import main

    def call(*args: str) -> tuple[int, str, str]:
        status = main(list(args))
        out = capsys.readouterr()
        return status, out.out, out.err

    return call


# -- known answers -----------------------------------------------------------------------


def test_mini_alice():
    r = analysis.explore(story_at(MINI), "alice")
    assert r.complete and r.states == 4
    assert r.endings == {
        "good": (("hall", "warm"), ("yard", "wait")),
        "boom": (("hall", "warm"), ("yard", "push")),  # immediate: before the route
        "draw": (("hall", "cold"), ("yard", "wait")),
    }
    assert r.reached_scenes == {"hall", "yard", "garden"}
    assert r.unreachable_scenes == ()
    assert r.unreachable_choices == (("hall", "secret"),)
    assert r.dead_ends == () and r.traps == ()
    assert r.meter_ranges["yard"] == {"trust": (2, 5), "heat": (2, 4)}
    assert r.meter_ranges["hall"] == {"trust": (3, 3), "heat": (2, 2)}


def test_mini_bob_cannot_reach_good():
    r = analysis.explore(story_at(MINI), "bob")
    assert r.endings["good"] is None
    assert r.unreachable_endings == ("good",)
    assert r.unreachable_scenes == ("garden",)
    assert r.unreachable_choices == (("yard", "hidden"),)


def test_unreachable_scene_choice_ending_and_wrong_role():
    story = story_at(EXPLORE / "unreachable")
    one = analysis.explore(story, "one")
    assert one.unreachable_scenes == ("vault", "attic")  # behind a shut choice; no way in
    assert one.unreachable_choices == (("gate", "magic"),)
    assert one.endings["jackpot"] is None
    assert one.endings["plain"] == (("gate", "on"), ("hall", "finish"))
    assert one.wrong_role_scenes == ("backstage",)
    two = analysis.explore(story, "two")
    assert two.unreachable_scenes == () and two.wrong_role_scenes == ()
    assert two.endings == {"jackpot": None, "plain": (("side", "exit"), ("backstage", "bow"))}


def test_dead_end_ends_by_rank():
    r = analysis.explore(story_at(EXPLORE / "dead_end"), "one")
    assert r.dead_ends == (analysis.DeadEnd("office", 1, "walkout", (("lobby", "bluster"),)),)
    assert r.endings["walkout"] == (("lobby", "bluster"),)
    assert r.endings["deal"] == (("lobby", "charm"), ("office", "sign"))
    assert r.unreachable_choices == (("office", "plead"),)
    assert r.reached_scenes == {"lobby", "office"}
    assert r.traps == ()


def test_cycle_with_no_way_out():
    r = analysis.explore(story_at(EXPLORE / "trap"), "one")
    assert r.complete and r.states == 11
    assert r.traps == (
        analysis.Trap("lobby", 3, (("door", "skip"),)),
        analysis.Trap("corridor", 2, (("door", "skip"), ("lobby", "wait"))),
    )
    assert r.endings["out"] == (("door", "take_key"), ("lobby", "leave"))
    assert r.dead_ends == ()


def test_a_role_stuck_at_its_start():
    story = story_at(EXPLORE / "stuck")
    r = analysis.explore(story, "prisoner")
    assert r.dead_ends == (analysis.DeadEnd("cell", 1, "over", (), stuck=True),)
    assert r.traps == ()  # the engine ends such a start at once, by rank
    assert r.endings == {"over": ()}
    assert analysis.explore(story, "guard").dead_ends == ()


def test_random_routes_and_visits_are_searched():
    """`chance`: dice that may send you round the hall again, to the vault or to a
    cellar with nothing open; resting resets your luck; leaving needs three visits, and
    four visits make the ending `stayed`. Worked out by hand in the fixture's README."""
    r = analysis.explore(story_at(EXPLORE / "chance"), "one")
    assert r.complete and r.states == 6
    assert r.endings == {
        "rich": (("hall", "dice"), ("vault", "grab")),
        "stayed": (("hall", "dice"), ("hall", "dice"), ("hall", "dice"), ("hall", "leave")),
        "home": (("hall", "dice"), ("hall", "dice")),
    }
    assert r.meter_ranges == {"hall": {"luck": (0, 4)}, "vault": {"luck": (1, 1)}}
    assert [(d.scene, d.states, d.ending) for d in r.dead_ends] == [("cellar", 2, "home")]
    assert r.unreachable_choices == () and r.traps == ()


def test_unknown_role_is_an_error():
    with pytest.raises(engine.GameError, match="no role 'nobody'"):
        analysis.explore(story_at(MINI), "nobody")


# -- the search mirrors the engine ---------------------------------------------------------

STORIES = [MINI, *sorted(p for p in EXPLORE.iterdir() if p.is_dir())]


def all_flags(story: Story) -> list[str]:
    names: set[str] = set()
    for cond in analysis.tested_conditions(story):
        names |= analysis.condition_flags(cond)
    for scene in story.scenes.values():
        for choice in scene.choices:
            names |= choice.set | choice.clear
    return sorted(names)


_SEARCHES: dict[int, tuple[analysis.Compiled, dict[str, analysis.Search]]] = {}


def searches(story: Story) -> tuple[analysis.Compiled, dict[str, analysis.Search]]:
    """One Search per role, shared by every example: its tables fill up as the examples
    run, so most lookups are answered from entries made for other states."""
    if id(story) not in _SEARCHES:
        c = analysis.Compiled(story)
        _SEARCHES[id(story)] = c, {role: analysis.Search(c, role) for role in story.roles}
    return _SEARCHES[id(story)]


#: seeds tried for a choice with `random` routes: with the fixtures' weights (at most 3
#: to 1), every destination that may be drawn comes up among them
SEEDS = range(64)


def canonical(outcomes) -> list:
    """Outcomes as a sorted list without repeats (two draws may end alike)."""
    return sorted(
        {
            (
                kind,
                where,
                tuple(sorted(meters.items())),
                tuple(sorted(flags)),
                tuple(sorted(visits.items())),
            )
            for kind, where, meters, flags, visits in outcomes
        }
    )


def engine_outcomes(story: Story, state: engine.GameState, c: analysis.Compiled):
    """Each open choice's outcomes by the engine: for a choice with `random` routes,
    those of many seeds (the draws the search must all find)."""
    result = {}
    for choice_id in engine.open_choices(story, state):
        choice = story.scenes[state.scene].choice(choice_id)
        seeds = SEEDS if choice.random else (0,)
        outcomes = []
        for seed in seeds:
            after = engine.choose(story, attrs.evolve(state, seed=seed, draws=0), choice_id)
            if after.over:
                outcomes.append(("end", after.ending, {}, frozenset(), {}))
            else:
                visits = {sid: min(cap, after.visits.get(sid, 0)) for sid, cap in c.caps.items()}
                outcomes.append(
                    ("scene", after.scene, dict(after.meters), after.flags & set(c.flags), visits)
                )
        result[choice_id] = canonical(outcomes)
    return result


def check_random_states(story: Story, rng: random.Random, n: int) -> None:
    c, by_role = searches(story)
    flags = all_flags(story)
    for _ in range(n):
        role = rng.choice(list(story.roles))
        scene = rng.choice(list(story.scenes))
        meters = {m.id: rng.randint(m.min, m.max) for m in story.meters.values()}
        state = engine.GameState(
            role=role,
            scene=scene,
            meters=meters,
            flags=frozenset(f for f in flags if rng.random() < 0.5),
            visits={sid: rng.randint(0, cap + 1) for sid, cap in c.caps.items()},
        )
        want = engine_outcomes(story, state, c)
        got = analysis.successors(c, state, by_role[role])
        assert {k: canonical(v) for k, v in got.items()} == want, (scene, meters, state.flags)


@pytest.mark.parametrize("folder", STORIES, ids=[p.name for p in STORIES])
def test_search_agrees_with_engine_on_random_states(folder: Path):
    check_random_states(story_at(folder), random.Random(folder.name), 300)


def test_search_agrees_with_engine_on_a_synthetic_story():
    check_random_states(story_at(synthetic(60)), random.Random(1), 400)


def test_search_agrees_with_engine_on_every_format_addition():
    """tests/fixtures/additions: set_meters, `all`, visits in requires and passages,
    and a `random` with a `when` on one of its entries."""
    story = story_at(FIXTURES / "additions")
    check_random_states(story, random.Random(3), 400)
    for role in story.roles:
        r = analysis.explore(story, role)
        states, scenes, endings = engine_bfs(story, role)
        assert (r.states, r.reached_scenes) == (states, scenes)
        assert {e for e, p in r.endings.items() if p is not None} == endings
    replay_witnesses(story)


def test_search_agrees_with_engine_on_the_shipped_story():
    check_random_states(shipped(), random.Random(2), 600)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40))
def test_search_agrees_with_engine_hypothesis(seed: int, n: int):
    story = story_at(synthetic(24, seed % 7))
    check_random_states(story, random.Random(seed), n)


def engine_bfs(story: Story, role: str):
    """The plain way: a BFS over the engine's own states (slow; for small stories)."""
    c = analysis.Compiled(story)
    tested = set(c.flags)

    def key(s: engine.GameState):
        visits = tuple(min(cap, s.visits.get(sid, 0)) for sid, cap in c.caps.items())
        return (s.scene, tuple(sorted(s.meters.items())), s.flags & tested, visits)

    start = engine.new_game(story, role)
    if start.over:  # a start with nothing open ends at once (the explorer: "stuck")
        return 1, {story.roles[role].start}, {start.ending}
    seen = {key(start)}
    queue = [start]
    endings: set[str] = set()
    for state in queue:
        for choice_id in engine.open_choices(story, state):
            random_ = story.scenes[state.scene].choice(choice_id).random
            for seed in SEEDS if random_ else (state.seed,):
                after = engine.choose(story, attrs.evolve(state, seed=seed, draws=0), choice_id)
                if after.over:
                    endings.add(after.ending)
                elif key(after) not in seen:
                    seen.add(key(after))
                    queue.append(after)
    return len(seen), {s.scene for s in queue}, endings


@pytest.mark.parametrize("folder", [*STORIES, "synthetic"], ids=[*(p.name for p in STORIES), "syn"])
def test_search_finds_what_a_plain_engine_bfs_finds(folder):
    story = story_at(synthetic(30) if folder == "synthetic" else folder)
    for role in story.roles:
        r = analysis.explore(story, role)
        states, scenes, endings = engine_bfs(story, role)
        assert r.states == states
        assert r.reached_scenes == scenes
        assert {e for e, p in r.endings.items() if p is not None} == endings


def replay(story: Story, role: str, path, ends=lambda s: True) -> engine.GameState:
    """The path replayed by the engine; with `random` routes, with the first seed whose
    draws follow it to where `ends` says (a witness holds for some draws)."""
    if not story.random_routes:
        return engine.replay(story, role, list(path))
    for seed in range(2000):
        try:
            state = engine.replay(story, role, list(path), seed=seed)
        except engine.ReplayError:
            continue
        if ends(state):
            return state
    raise AssertionError(f"no seed follows {path}")


def replay_witnesses(story: Story) -> None:
    for role in story.roles:
        r = analysis.explore(story, role)
        for ending, path in r.endings.items():
            if path is not None:
                state = replay(story, role, path, lambda s, e=ending: s.ending == e)
                assert state.ending == ending, (role, ending)
        for d in r.dead_ends:
            if not d.stuck:
                state = replay(story, role, d.path, lambda s, d=d: s.ending == d.ending)
                assert state.ending == d.ending
        for t in r.traps or ():
            assert replay(story, role, t.path, lambda s, t=t: s.scene == t.scene).scene == t.scene


@pytest.mark.parametrize("folder", STORIES, ids=[p.name for p in STORIES])
def test_witness_paths_replay_through_the_engine(folder: Path):
    replay_witnesses(story_at(folder))


def test_witness_paths_replay_on_synthetic_and_shipped_stories():
    replay_witnesses(story_at(synthetic(100)))
    replay_witnesses(shipped())


def test_witnesses_are_shortest():
    story = story_at(synthetic(40))
    for role in story.roles:
        r = analysis.explore(story, role)
        # no ending is reachable in fewer choices than its witness: a BFS by depth
        for path in r.endings.values():
            if path is None:
                continue
            for k in range(len(path)):
                prefix = engine.replay(story, role, path[:k])
                assert not prefix.over


def full_traps(story: Story, role: str) -> tuple[analysis.Trap, ...]:
    """The traps found the long way: every edge kept, whatever the map says."""
    c = analysis.Compiled(story)
    search = analysis.Search(c, role)
    start = c.state(story.roles[role].start, {m.id: m.start for m in c.meters}, ())
    raw = search.bfs(start, 1 << 30, edges=True)
    assert raw.succ is not None
    return findings.traps(search, raw, raw.succ)


@pytest.mark.parametrize("which", [*STORIES, 1, 2, 3, "shipped"], ids=str)
def test_the_map_proves_no_traps_only_when_there_are_none(which):
    if which == "shipped":
        story = shipped()
    elif isinstance(which, int):
        story = story_at(synthetic(40, which))
    else:
        story = story_at(which)
    c = analysis.Compiled(story)
    for role in story.roles:
        search = analysis.Search(c, role)
        if not search.may_trap(c.scene_index[story.roles[role].start]):
            stuck = analysis.explore(story, role).dead_ends
            assert full_traps(story, role) == tuple(
                analysis.Trap(d.scene, 1, ()) for d in stuck if d.stuck
            )
        else:
            assert full_traps(story, role) == analysis.explore(story, role).traps


# -- limits, speed, progress ----------------------------------------------------------------


def test_max_states_stops_and_says_so():
    story = story_at(synthetic(100))
    r = analysis.explore(story, "r0", max_states=50)
    assert not r.complete and r.states == 50
    assert r.traps is None
    full = analysis.explore(story, "r0")
    assert full.complete and full.states > 50
    # what was found is still true: a lower bound
    for ending, path in r.endings.items():
        if path is not None:
            assert full.endings[ending] is not None


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 6, 7, 49, 50, 51, 1000])
def test_max_states_is_exact_near_the_limit(limit):
    """The search's fast loop hands over to a careful one near the limit: whatever the
    limit, it keeps exactly min(limit, all) states and says whether it saw them all."""
    story = story_at(synthetic(100))
    total = analysis.explore(story, "r0").states
    r = analysis.explore(story, "r0", max_states=limit)
    assert r.states == min(limit, total)
    assert r.complete == (limit >= total)


def test_roles_searched_side_by_side_give_the_same_answers():
    """`explore_all(workers=2)` forks a process per role; nothing but the time differs
    from searching them one after another here."""
    for story in (story_at(synthetic(200, seed=3)), load_story(SHIPPED)):
        alone = analysis.explore_all(story, workers=1)
        forked = analysis.explore_all(story, workers=2)
        assert list(alone) == list(forked) == list(story.roles)
        for role, report in alone.items():
            assert attrs.evolve(report, seconds=0) == attrs.evolve(forked[role], seconds=0)


def test_max_states_on_the_command_line(cli):
    status, out, err = cli("explore", str(synthetic(100)), "--max-states", "100", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["complete"] is False
    assert all(r["states"] <= 100 and r["no_way_out"] is None for r in data["roles"].values())
    assert "--max-states" in err


def test_progress_is_reported_on_long_runs(monkeypatch):
    monkeypatch.setattr(search_module, "PROGRESS_MASK", 0x3FF)
    calls = []
    story = story_at(synthetic(100))
    analysis.explore(story, "r1", progress=lambda n, s: calls.append(n))
    assert calls[:3] == [0x400, 0x800, 0xC00]


def test_no_progress_when_stderr_is_not_a_terminal(cli, monkeypatch):
    monkeypatch.setattr(search_module, "PROGRESS_MASK", 0x3FF)
    from game.cli.explore import _progress_printer

    assert _progress_printer() is None  # pytest's stderr is no terminal
    status, _, err = cli("explore", str(synthetic(100)))
    assert status == 0 and err == ""


def test_shipped_story_stays_small_enough_to_search_whole():
    # Its speed is measured in benchmarks/bench_explore.py (a ratio, not a timed test:
    # the machines are shared); here the size that speed depends on.
    story = shipped()
    reports = analysis.explore_all(story)
    assert all(r.complete for r in reports.values())
    assert all(r.states < 100_000 for r in reports.values()), {
        role: r.states for role, r in reports.items()
    }


# -- random playthroughs ----------------------------------------------------------------------


def test_random_play_is_reproducible_and_counts_add_up():
    story = story_at(MINI)
    a = analysis.random_play(story, "alice", 300, seed=5)
    b = analysis.random_play(story, "alice", 300, seed=5)
    assert a == b
    assert sum(a.endings.values()) + a.unfinished == 300
    assert set(a.endings) == set(story.endings)
    assert a.picks[("hall", "warm")] + a.picks[("hall", "cold")] == 300
    assert ("hall", "secret") not in a.picks  # never open, never picked
    assert a != analysis.random_play(story, "alice", 300, seed=6)


def test_random_play_reaches_only_reachable_endings():
    story = story_at(MINI)
    r = analysis.random_play(story, "bob", 200)
    assert r.endings["good"] == 0 and r.mean_choices == 1.0


def test_random_play_of_the_shipped_story_agrees_with_the_search():
    story = shipped()
    for role in story.roles:
        played = analysis.random_play(story, role, 60, seed=4)
        assert played.unfinished == 0 and played.runs == 60
        reachable = analysis.explore(story, role).endings
        for ending, count in played.endings.items():
            assert count == 0 or reachable[ending] is not None


def test_random_play_stops_at_its_work_budget():
    story = story_at(synthetic(60))
    r = analysis.random_play(story, "r0", 1000, work=3000)
    assert 0 < r.runs < 1000
    assert r == analysis.random_play(story, "r0", 1000, work=3000)


def test_random_play_counts_games_that_never_end():
    r = analysis.random_play(story_at(EXPLORE / "trap"), "one", 40, max_steps=30)
    assert 0 < r.unfinished < 40
    assert r.endings["out"] == 40 - r.unfinished
    assert r.mean_choices >= 2  # over the games that ended


# -- the command ---------------------------------------------------------------------------------


def test_explore_json_format():
    result = run("explore", str(MINI), "--json")
    assert result.returncode == 0 and result.stderr == ""
    data = json.loads(result.stdout)
    alice = data["roles"]["alice"]
    assert alice["endings"]["good"] == {
        "reachable": True,
        "path": [["hall", "warm"], ["yard", "wait"]],
    }
    assert data["roles"]["bob"]["endings"]["good"] == {"reachable": False, "path": None}
    assert alice["unreachable_scenes"] == []
    assert alice["unreachable_choices"] == [["hall", "secret"]]
    assert alice["dead_ends"] == []
    assert alice["no_way_out"] == []
    assert alice["meter_ranges"]["yard"] == {"trust": [2, 5], "heat": [2, 4]}
    assert alice["states"] == 4 and alice["complete"] is True
    assert data["unreachable_scenes"] == []
    assert data["story"] == {"id": "mini", "version": "1"}


def test_explore_json_dead_ends_and_traps(cli):
    data = json.loads(cli("explore", str(EXPLORE / "dead_end"), "--json")[1])
    assert data["roles"]["one"]["dead_ends"] == [
        {
            "scene": "office",
            "states": 1,
            "ending": "walkout",
            "stuck": False,
            "path": [["lobby", "bluster"]],
        }
    ]
    data = json.loads(cli("explore", str(EXPLORE / "trap"), "--json")[1])
    assert data["roles"]["one"]["no_way_out"][0] == {
        "scene": "lobby",
        "states": 3,
        "path": [["door", "skip"]],
    }


def test_explore_text(cli):
    out = cli("explore", str(EXPLORE / "dead_end"))[1]
    assert "Role one (One): 2 states, every state searched" in out
    assert "deal     in 2 choices: lobby/charm → office/sign" in out
    assert "office: 1 state, first via lobby/bluster -> ends 'walkout'" in out
    assert "Choices never open: office/plead" in out


def test_explore_one_role(cli):
    data = json.loads(cli("explore", str(MINI), "--role", "bob", "--json")[1])
    assert list(data["roles"]) == ["bob"]


def test_explore_unknown_role_exits_2(cli):
    status, _, err = cli("explore", str(MINI), "--role", "carol")
    assert status == 2 and "no role 'carol'" in err


def test_explore_a_broken_story_exits_1(cli):
    status, _, err = cli("explore", str(FIXTURES / "broken" / "goto_missing_scene" / "story"))
    assert status == 1 and "names no scene" in err


def test_explore_random_json(cli):
    status, out, _ = cli("explore", str(MINI), "--random", "200", "--seed", "3", "--json")
    assert status == 0
    data = json.loads(out)
    alice = data["roles"]["alice"]
    assert alice["runs"] == 200
    assert set(alice["endings"]) == {"good", "boom", "draw"}
    assert abs(sum(alice["endings"].values()) - 1) < 1e-6
    assert alice["choices"]["hall"]["warm"] + alice["choices"]["hall"]["cold"] == 200
    again = json.loads(cli("explore", str(MINI), "--random", "200", "--seed", "3", "--json")[1])
    assert again == data


def test_explore_random_text(cli):
    out = cli("explore", str(MINI), "--random", "50")[1]
    assert "Role bob: 50 games, 1.0 choices" in out
    assert "yard: push" in out


def test_explore_random_needs_a_positive_count(cli):
    assert cli("explore", str(MINI), "--random", "0")[0] == 2


def test_explore_the_shipped_story(cli):
    shipped()
    status, out, _ = cli("explore", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["complete"] is True
    for role in data["roles"].values():
        assert any(e["reachable"] for e in role["endings"].values())


@pytest.mark.parametrize(
    "args",
    [
        ["explore", str(MINI)],
        ["explore", str(MINI), "--random", "5"],
        ["graph", str(MINI), "--format", "dot"],
        ["schema"],
        ["check", str(MINI)],
    ],
)
def test_author_commands_do_not_import_textual(args):
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['mar-a-lago', *{args!r}]\n"
        "try:\n    runpy.run_module('game', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('TEXTUAL' if 'textual' in sys.modules else 'NO-TEXTUAL', file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stderr.strip().endswith("NO-TEXTUAL"), result.stderr


def test_explore_text_marks_the_choices_whose_destination_is_drawn(cli):
    out = cli("explore", str(EXPLORE / "chance"))[1]
    assert "A * marks a choice whose destination is drawn at random" in out
    assert "rich    in 2 choices: hall/dice* → vault/grab*" in out
    assert "hall/leave*" not in out and "hall/leave" in out
    plain = cli("explore", str(MINI))[1]
    assert "*" not in plain
    data = json.loads(cli("explore", str(EXPLORE / "chance"), "--json")[1])
    assert data["drawn"] == [["hall", "dice"], ["vault", "grab"]]
    assert json.loads(cli("explore", str(MINI), "--json")[1])["drawn"] == []
