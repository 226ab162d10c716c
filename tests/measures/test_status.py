"""A target's status from the stated rules (docs/status-rules.md, crimeplan/measures/status.py):
the thresholds on the forecast's chance of meeting the target, the year-to-date rule without
a forecast, and how a status moved since the previous meeting."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from crimeplan.measures.status import (
    OFF_COURSE,
    ON_COURSE,
    movement,
    status_of,
    target_status,
    with_previous,
)
from crimeplan.results.measure import Comparison, MeasureResult, MeasuresResult, Periods, PlanInfo
from crimeplan.results.measure import Target as ResultTarget
from crimeplan.results.position import PreviousPosition, StatusRules
from crimeplan.stats.forecast import Forecast


def _measure(p: float | None = None, on_course: bool | None = None, **extra: Any) -> MeasureResult:
    forecast = None
    if p is not None:
        forecast = Forecast(
            year="2013/14", as_at="2013-04", year_end=150.0, change_pct=-2.0, pi80=(140.0, 160.0),
            pi95=(135.0, 165.0), p_meet_target=p, method="seasonal", months_known=1,
            months_forecast=11,
        )  # fmt: skip
    return MeasureResult(
        id="burglary", title="Burglary", kind="count", unit="count", improvement="decrease",
        month="2013-04", month_value=10, ytd=10, baseline_ytd=11, change=-1, change_pct=-9.1,
        target=ResultTarget(milestone="F3", kind="change_pct", value=-8.0), target_pct=-8.0,
        on_course=on_course, comparison=Comparison(basis="year_to_date"), forecast=forecast,
        **extra,
    )  # fmt: skip


def test_the_thresholds_are_the_documented_ones() -> None:
    assert (ON_COURSE, OFF_COURSE) == (0.55, 0.25)
    assert StatusRules() == StatusRules(on_course_from=0.55, off_course_below=0.25)


@pytest.mark.parametrize(
    ("p", "status"),
    [
        (1.0, "on_course"),
        (0.55, "on_course"),  # "likely" begins at 55%
        (0.549, "at_risk"),
        (0.25, "at_risk"),
        (0.249, "off_course"),  # "highly unlikely" or worse
        (0.0, "off_course"),
    ],
)
def test_status_from_the_chance_of_meeting_the_target(p: float, status: str) -> None:
    assert status_of(p) == status
    found = target_status(_measure(p))
    assert found is not None and found.status == status and found.basis == "forecast"
    assert found.p_meet_target == p


def test_without_a_forecast_the_year_to_date_decides_and_never_off_course() -> None:
    meets = target_status(_measure(on_course=True))
    misses = target_status(_measure(on_course=False))
    assert meets is not None and (meets.status, meets.basis) == ("on_course", "year_to_date")
    assert misses is not None and (misses.status, misses.basis) == ("at_risk", "year_to_date")
    assert target_status(_measure(on_course=None)) is None  # no year to date: no status


def test_no_target_no_status() -> None:
    assert target_status(replace(_measure(0.9), target=None)) is None


def test_the_forecast_wins_over_the_year_to_date() -> None:
    # the year to date meets the target, but the forecast says the year end will not
    found = target_status(_measure(0.1, on_course=True))
    assert found is not None and found.status == "off_course"


@pytest.mark.parametrize(
    ("now", "before", "moved"),
    [
        ("off_course", None, "new"),
        ("off_course", "off_course", "same"),
        ("off_course", "at_risk", "worse"),
        ("at_risk", "on_course", "worse"),
        ("on_course", "off_course", "better"),
        ("at_risk", "off_course", "better"),
    ],
)
def test_movement(now: str, before: str | None, moved: str) -> None:
    assert movement(now, before) == moved  # type: ignore[arg-type]


def test_with_previous_marks_each_target() -> None:
    burglary = replace(_measure(0.1), status=target_status(_measure(0.1)))
    other = replace(burglary, id="robbery", title="Robbery")
    untargeted = replace(burglary, id="knife", target=None, status=None)
    results = MeasuresResult(
        as_at="2013-05", plan=PlanInfo(title="t", force="f", plan_year="2013/14",
        baseline_year="2012/13"), area="force", period=Periods(year_to_date=("2013-04",
        "2013-05"), baseline=("2012-04", "2012-05")), synthetic_data=True,
        measures=(burglary, other, untargeted),
    )  # fmt: skip
    before = PreviousPosition(as_at="2013-04", status="at_risk", ytd=9)
    marked = with_previous(results, {"burglary": before})
    by_id = {m.id: m for m in marked.measures}
    assert by_id["burglary"].status is not None
    assert by_id["burglary"].status.movement == "worse"
    assert by_id["burglary"].status.previous == before
    assert by_id["robbery"].status is not None and by_id["robbery"].status.movement == "new"
    assert by_id["knife"].status is None
