"""The results contract round-trips: ``from_dict(T, to_dict(x)) == x`` for every results type,
over generated results (Hypothesis) and over the real results of the demo and of
Leicestershire's police.uk files; the JSON is byte-identical after a round trip; bad data
gets a one-line error naming where."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crimeplan.codec import from_dict, to_dict, to_json
from crimeplan.errors import CrimeplanError
from crimeplan.results.experiments import ExperimentResult
from crimeplan.results.measure import MeasureResult, MeasuresResult
from crimeplan.results.milestones import MilestoneListing
from crimeplan.results.pack import PackResults, Paper, QualityNote, Repeats
from crimeplan.results.statistics import Spc

#: JSON has no NaN or infinity, and a result never holds one (``to_dict`` refuses it).
st.register_type_strategy(float, st.floats(allow_nan=False, allow_infinity=False, width=64))

ROUND_TRIP = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _round_trips(value: object) -> None:
    data = json.loads(to_json(value))
    back = from_dict(type(value), data)
    assert back == value
    assert to_json(back) == to_json(value)


@pytest.mark.parametrize(
    "kind",
    [MeasureResult, Spc, ExperimentResult, MilestoneListing, Paper, Repeats, QualityNote],
    ids=lambda t: t.__name__,
)
def test_every_part_round_trips(kind: type) -> None:
    @ROUND_TRIP
    @given(st.from_type(kind))
    def check(value: object) -> None:
        _round_trips(value)

    check()


@ROUND_TRIP
@given(st.from_type(PackResults))
def test_a_whole_pack_round_trips(results: PackResults) -> None:
    _round_trips(results)


@ROUND_TRIP
@given(st.from_type(MeasuresResult))
def test_the_measures_json_round_trips(results: MeasuresResult) -> None:
    _round_trips(results)


def test_the_demo_pack_round_trips(demo_pack: PackResults) -> None:
    _round_trips(demo_pack)
    _round_trips(demo_pack.as_measures())


@pytest.mark.realdata
@pytest.mark.slow
def test_real_police_uk_results_round_trip(leicestershire_pack: PackResults) -> None:
    _round_trips(leicestershire_pack)


def test_json_keys_that_outside_readers_use_keep_their_names(demo_pack: PackResults) -> None:
    data = to_dict(demo_pack)
    assert data["schema_version"] == 1
    burglary = next(m for m in data["measures"] if m["id"] == "burglary_dwelling")
    for key in (
        "id", "ytd", "baseline_ytd", "change_pct", "target_pct", "series", "spc",
        "change_test", "forecast", "peers", "facts",
    ):  # fmt: skip
        assert key in burglary, key
    assert {"p_value", "change_ci95"} <= set(burglary["change_test"])
    assert burglary["target_pct"] == -8.0


def test_a_number_json_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="JSON cannot"):
        to_dict({"x": math.inf})


def test_an_unknown_key_is_a_one_line_error(demo_pack: PackResults) -> None:
    data = to_dict(demo_pack)
    data["measures"][0]["spc"]["colour"] = "red"
    with pytest.raises(CrimeplanError) as caught:
        from_dict(PackResults, data, source="results.json")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("results.json: at measures/0/spc/colour: ")
    assert "expected PackResults as written by this version of crimeplan" in message


def test_a_wrong_type_is_a_one_line_error(demo_pack: PackResults) -> None:
    data = to_dict(replace(demo_pack, experiments=()))
    data["measures"][2]["ytd"] = "many"
    with pytest.raises(CrimeplanError, match=r"^results.json: at measures/2/ytd"):
        from_dict(PackResults, data, source="results.json")
