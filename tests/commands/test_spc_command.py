"""``crimeplan spc`` on hostile JSON: numbers JSON has not (NaN, Infinity), numbers too large
to hold or to chart, deep nesting and anything else Hypothesis makes: a chart or one line,
never a traceback."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimeplan.commands.spc import LARGEST_VALUE
from tests.support.hostile import refused, run


def spc(document: str) -> str:
    return refused(["spc"], stdin=document)


def test_the_issue_example_is_one_line() -> None:
    message = spc('{"values":[1e308,-1e308,1e308]}')
    assert message == (
        "Error: field 'values[0]': expected a number from -1e+15 to 1e+15, got 1e+308\n"
    )


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(literal: str) -> None:
    message = spc(f'{{"values": [1, {literal}, 2]}}')
    assert f"stdin: {literal} is not a JSON number" in message


@pytest.mark.parametrize("number", ["1e400", "-1e999", "9" * 5000, "-" + "1" * 30])
def test_numbers_too_large_to_hold(number: str) -> None:
    assert "is too large for a number" in spc(f'{{"values": [{number}]}}')


def test_deep_nesting_and_a_huge_quoted_value() -> None:
    assert "nested too deep" in spc("[" * 100_000 + "]" * 100_000)
    message = spc(json.dumps({"values": "x" * 1_000_000}))
    assert len(message) < 300 and "…" in message


def test_a_list_names_the_item() -> None:
    message = spc('[{"values": [1, 2]}, {"values": [1, 2], "target": -2e15}]')
    assert message.startswith("Error: item 1: field 'target': expected a number from")


finite = st.floats(allow_nan=False, allow_infinity=False)
anything = st.recursive(
    st.none() | st.booleans() | st.integers() | finite | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(["values", "target", "x"]), children, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(finite | st.none(), max_size=40), target=st.none() | finite)
def test_any_series_gives_a_chart_or_one_line(
    values: list[float | None], target: float | None
) -> None:
    outcome = run(["spc"], stdin=json.dumps({"values": values, "target": target}))
    big = [v for v in [*values, target] if v is not None and abs(v) > LARGEST_VALUE]
    if big:
        assert outcome.exit_code == 1 and outcome.output.count("\n") == 1
        return
    assert outcome.exit_code in (0, 1), outcome.output
    if outcome.exit_code == 0:
        chart = json.loads(outcome.output)
        numbers = [chart[k] for k in ("mean", "upl", "lpl") if chart.get(k) is not None]
        assert all(math.isfinite(n) for n in numbers)
    else:
        assert outcome.output.startswith("Error: ") and outcome.output.count("\n") == 1


@settings(max_examples=60, deadline=None)
@given(document=anything)
def test_any_json_gives_a_chart_or_one_line(document: object) -> None:
    outcome = run(["spc"], stdin=json.dumps(document))
    assert outcome.exit_code in (0, 1), outcome.output
    if outcome.exit_code == 1:
        assert outcome.output.startswith("Error: ") and outcome.output.count("\n") == 1
