"""A duo story built in Python (game.core.model), for the tests of the duo rules and
sessions apart from the loader."""

from __future__ import annotations

from game.core import duo
from game.core.model import (
    Bound,
    Choice,
    Condition,
    Duo,
    Ending,
    Meter,
    Passage,
    Role,
    Round,
    Route,
    Scene,
    Story,
    chosen_flag,
)


def scene(sid: str, rnd: str, role: str, *choices: Choice, passages=()) -> Scene:
    return Scene(
        sid,
        sid.title(),
        f"The text of {sid}.",
        choices=choices,
        roles=(role,),
        round=rnd,
        passages=tuple(passages),
    )


def make_story(*scenes: Scene, endings=None, start=None) -> Story:
    meters = {
        "trust": Meter("trust", "Trust", 0, 10, 3),
        "heat": Meter("heat", "Heat", 0, 10, 2, good="low"),
    }
    endings = endings or [
        Ending(
            "boom",
            "Boom",
            "It blew up.",
            rank=0,
            when=Condition(meters={"heat": Bound(8)}),
            immediate=True,
        ),
        Ending(
            "deal",
            "Deal",
            "A deal.",
            rank=1,
            when=Condition(meters={"trust": Bound(6)}),
            passages=(
                Passage(Condition(roles=frozenset({"us"})), "Us: your side made it."),
                Passage(Condition(roles=frozenset({"cn"})), "Cn: your side made it."),
                Passage(Condition(flags=frozenset({chosen_flag("c1", "offer")})), "The offer."),
            ),
        ),
        Ending(
            "walkout",
            "Walkout",
            "Someone walked.",
            rank=5,
            when=Condition(flags=frozenset({"walked"})),
        ),
        Ending("draw", "Draw", "Nothing.", rank=9),
    ]
    ordered = sorted(endings, key=lambda e: e.rank)
    return Story(
        id="duo-t",
        title="T",
        version="1",
        format=1,
        meters=meters,
        roles={"us": Role("us", "The host", "solo"), "cn": Role("cn", "The guest", "solo")},
        scenes={s.id: s for s in (*scenes, Scene("solo", "Solo", "s", (Choice("x", "X", "end"),)))},
        endings={e.id: e for e in endings},
        ending_order=tuple(e.id for e in ordered),
        duo=Duo(
            roles=("us", "cn"),
            rounds=(Round("r1", "Arrival"), Round("r2", "Talks"), Round("r3", "Farewell")),
            start=start or {"us": "u1", "cn": "c1"},
        ),
    )


OFFERED = Condition(flags=frozenset({chosen_flag("c1", "offer")}))

STORY = make_story(
    scene(
        "u1",
        "r1",
        "us",
        Choice("warm", "Be warm.", "u2", effects={"trust": 2}),
        Choice("press", "Press hard.", "u2", effects={"heat": 3}, set=frozenset({"pressed"})),
    ),
    scene(
        "c1",
        "r1",
        "cn",
        Choice(
            "offer",
            "Offer talks.",
            "c2",
            effects={"trust": 1},
            set=frozenset({chosen_flag("c1", "offer")}),
            # a route that reads what the other side did in this very round
            routes=(Route(Condition(flags=frozenset({"pressed"})), "c2_pressed"),),
        ),
        Choice("stall", "Stall.", "c2", effects={"heat": 1}),
    ),
    scene(
        "u2",
        "r2",
        "us",
        Choice("deal", "Take the offer.", "u3", requires=OFFERED, effects={"trust": 2}),
        Choice("threaten", "Threaten.", "u3", effects={"heat": 5}),
        Choice("walk", "Walk out.", "end:walkout", set=frozenset({"walked"})),
        passages=(Passage(OFFERED, "They offered talks."),),
    ),
    scene(
        "c2",
        "r2",
        "cn",
        Choice("agree", "Agree.", "c3", effects={"trust": 1}),
        Choice("refuse", "Refuse.", "c3", effects={"trust": -1}),
    ),
    scene(
        "c2_pressed",
        "r2",
        "cn",
        Choice("bristle", "Bristle.", "c3", effects={"heat": 1}),
        Choice("swallow", "Swallow it.", "c3"),
    ),
    scene(
        "u3",
        "r3",
        "us",
        Choice("thanks", "Thank them.", "end"),
        Choice("storm", "Storm off.", "end:draw"),
    ),
    scene(
        "c3",
        "r3",
        "cn",
        Choice("thanks", "Thank them.", "end"),
        Choice("snub", "Snub them.", "end:boom"),
    ),
)


def play(story: Story, *rounds: tuple[str, str]) -> duo.DuoState:
    """Each round's moves, the first side's first."""
    state = duo.new_duo(story)
    for us, cn in rounds:
        state = duo.move(story, state, "us", us)
        state = duo.move(story, state, "cn", cn)
    return state
