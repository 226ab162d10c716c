"""Every measure with its statistics, on the demo data: the seed's statements, now with
whether they are signal or noise. (The statistics themselves are tested against their
references in tests/stats/.)"""

from __future__ import annotations

import json
from datetime import date

import pytest

from crimeplan.data.store import Store
from crimeplan.measures.analysis import analyse
from crimeplan.measures.results import MeasuresResult
from crimeplan.plan.model import Plan


@pytest.fixture(scope="module")
def april(demo_store: Store, builtin_plan: Plan) -> MeasuresResult:
    return analyse(builtin_plan, demo_store.ibis(), date(2013, 4, 1))


def _fact(result: MeasuresResult, measure: str, kind: str) -> dict:  # type: ignore[type-arg]
    return next(f for f in result.measure(measure).facts if f["kind"] == kind)


def test_business_crime_rise_is_signal(april: MeasuresResult) -> None:
    business = april.measure("business_crime")
    assert business.change_pct == pytest.approx(6.0, abs=0.05)  # the seed: "a 6% increase"
    test = business.change_test
    assert test is not None and test["test"] == "poisson_rate_ratio"
    assert test["significant"] is True
    low, high = test["change_ci95"]
    assert low > 0 and high > business.change_pct  # type: ignore[operator]


def test_total_crime_is_stable(april: MeasuresResult) -> None:
    total = april.measure("total_recorded_crime")
    assert total.change_test is not None and total.change_test["significant"] is False


def test_confidence_wave_33_against_wave_32(april: MeasuresResult) -> None:
    confidence = april.measure("confidence")
    assert confidence.comparison == "wave 33 against wave 32"
    test = confidence.change_test
    assert test is not None and test["test"] == "two_proportions"
    assert test["difference"] == pytest.approx(3.0, abs=0.3)  # "around 3 percentage points"
    assert test["significant"] is True


def test_burglary_has_fallen_for_six_consecutive_months(april: MeasuresResult) -> None:
    run = _fact(april, "burglary_dwelling", "run")
    # the seed: "reduced for the past six consecutive months after hitting a seasonal peak
    # in November": six months, November to April, with a fall in each of the last five
    assert run["numbers"]["direction"] == "fall"
    assert run["period"] == ["2012-11", "2013-04"]
    assert run["numbers"]["months"] == 5


def test_burglary_seasonal_peak_in_november(april: MeasuresResult) -> None:
    seasonal = _fact(april, "burglary_dwelling", "seasonal")
    assert seasonal["numbers"]["peak_month_name"] == "November"


def test_tss_share_of_business_crime_moved(april: MeasuresResult) -> None:
    share = _fact(april, "tss_share_of_business_crime", "share")
    assert share["numbers"]["share_pct"] == pytest.approx(43.0, abs=0.1)
    assert share["numbers"]["share_before_pct"] == pytest.approx(34.0, abs=0.1)


def test_non_crime_hate_incidents_highest_year(april: MeasuresResult) -> None:
    fact = _fact(april, "non_crime_hate_incidents", "highest_since")
    assert fact["numbers"]["value"] == 530
    assert fact["period"] == ["2012/13"]


def test_contributors_to_total_crime(april: MeasuresResult) -> None:
    fact = _fact(april, "total_recorded_crime", "contributors")
    parts = {p["part"]: p["share_pct"] for p in fact["numbers"]["by_share"]}
    for offence in (
        "Theft from shops and stalls",
        "Theft from a motor vehicle",
        "Assault with injury (s20/47)",
    ):
        assert parts[offence] == pytest.approx(10, abs=1)  # "each contributing 10%"


def test_forecast_for_every_target(april: MeasuresResult) -> None:
    for measure in april.measures:
        if measure.target is not None and measure.kind == "count":
            fc = measure.forecast
            assert fc is not None and fc["year_end"] is not None, measure.id
            assert fc["pi95"][0] <= fc["pi80"][0] <= fc["year_end"] <= fc["pi80"][1]
            assert 0 <= fc["p_meet_target"] <= 1
        else:
            assert measure.forecast is None


def test_spc_on_monthly_series_with_target_line(april: MeasuresResult) -> None:
    burglary = april.measure("burglary_dwelling")
    spc = burglary.spc
    assert spc is not None
    assert len(spc["point_types"]) == len(burglary.series)
    assert spc["target"] == pytest.approx(
        sum(
            p.value
            for p in burglary.series
            if p.month.startswith(("2012-0", "2012-1"))
            and p.month >= "2012-04"
            or p.month in ("2013-01", "2013-02", "2013-03")
        )
        / 12
        * 0.92,
        rel=1e-3,
    )
    assert spc["assurance_icon"] in ("pass", "fail", "inconsistent")
    assert april.measure("satisfaction_crime").spc is None  # rolling 12 months: not charted


def test_satisfaction_equal_to_msg_average_in_december_2012(
    demo_store: Store, builtin_plan: Plan
) -> None:
    december = analyse(builtin_plan, demo_store.ibis(), date(2012, 12, 1))
    peers = december.measure("satisfaction_crime").peers
    assert peers is not None
    assert peers["value"] == pytest.approx(87.1, abs=0.05)
    assert peers["group_value"] == pytest.approx(87.1, abs=0.05)
    assert peers["equal_to_group"] is True
    assert peers["n_forces"] == 8
    assert peers["rank"] == 5  # higher than three other forces
    assert peers["period"] == ["2012-01", "2012-12"]


def test_results_json_is_byte_identical(
    demo_store: Store, builtin_plan: Plan, april: MeasuresResult
) -> None:
    again = analyse(builtin_plan, demo_store.ibis(), date(2013, 4, 1))
    assert json.dumps(again.to_dict()) == json.dumps(april.to_dict())
