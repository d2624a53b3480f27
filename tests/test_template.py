"""Values and inline conditions in story text (game.core.template)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.core.template import TemplateError, names, parse, render

METERS = {"trust": 5, "heat": 1}
FLAGS = frozenset({"coal_cited"})


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Trust stands at {trust}.", "Trust stands at 5."),
        ("{coal_cited: Xi nods at the coal figures.}", "Xi nods at the coal figures."),
        ("{not coal_cited: Nobody mentions coal.}", ""),
        ("{talks: yes|no}", "no"),
        ("A {trust >= 5: warm handshake|cool nod}.", "A warm handshake."),
        ("A {trust > 5: warm handshake | cool nod}.", "A cool nod."),
        ("{heat == 1: one}{heat != 1: other}{heat <= 0: zero}{heat < 2: low}", "onelow"),
        ("{trust >= 4: trust {trust}, {coal_cited: coal|no coal}|low}", "trust 5, coal"),
        ("Braces: {{ and }}, {{trust}}.", "Braces: { and }, {trust}."),
        ("No markup at all.", "No markup at all."),
        ("{heat >= -1: cold}", "cold"),
    ],
)
def test_render(text: str, shown: str):
    assert render(text, METERS, FLAGS) == shown


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("{trust", "never closed", 0),
        ("ok }", "a '}' with no '{'", 3),
        ("{a b}", "is not a meter", 0),
        ("x {not trust > 3: y}", "'not' goes with a flag", 2),
        ("{trust >> 3: y}", "is not a condition", 0),
        ("{coal_cited: unclosed", "never closed", 0),
    ],
)
def test_mistakes_say_what_and_where(text: str, message: str, offset: int):
    with pytest.raises(TemplateError) as exc:
        parse(text)
    assert message in str(exc.value)
    assert exc.value.offset == offset


def test_names_tell_meters_from_flags():
    parts = parse("{trust} {coal_cited: a|{heat > 2: b}} {not talks: c}")
    assert names(parts) == [
        ("meter", "trust", 0),
        ("flag", "coal_cited", 8),
        ("meter", "heat", 23),
        ("flag", "talks", 38),
    ]


@given(st.text(alphabet=st.sampled_from("ab {}|:>=<!0123456789tn\n"), max_size=40))
def test_any_text_parses_or_says_where(text: str):
    try:
        parts = parse(text)
    except TemplateError as exc:
        assert 0 <= exc.offset <= len(text)
    else:
        assert isinstance(render(text, METERS, FLAGS), str)
        names(parts)
