"""The measures engine on a small store whose every count is known by construction."""

from __future__ import annotations

import json
from datetime import date

import pytest

from crimeplan.codec import to_dict
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.errors import MeasureError
from crimeplan.measures.compute import Period, evaluate
from crimeplan.plan.model import AreaRef, Plan
from crimeplan.report.narrative.notes import data_note, measure_note
from crimeplan.results.measure import MonthsCompared
from crimeplan.results.notes import (
    OutsidePlanYear,
    PartialComparison,
    SourceMonthsMissing,
    UnknownFilterValue,
)


def test_count_month_ytd_baseline_and_target(plan: Plan, store: Store) -> None:
    result = evaluate(plan, Engine.of_store(store), date(2013, 4, 1))
    burglary = result.measure("burglary")
    # April 2013 is the 13th month from April 2012: 10 + 12 = 22; April 2012: 10
    assert burglary.month_value == 22
    assert burglary.ytd == 22
    assert burglary.baseline_ytd == 10
    assert burglary.change == 12
    assert burglary.change_pct == pytest.approx(120.0)
    assert burglary.target_pct == -8.0
    assert burglary.on_course is False
    assert burglary.milestones == ("A1",)
    assert [p.value for p in burglary.series] == list(range(10, 23))
    assert burglary.series[0].month == "2012-04"


def test_other_forces_and_asb_are_excluded(plan: Plan, store: Store) -> None:
    total = evaluate(plan, Engine.of_store(store), date(2013, 4, 1)).measure("total_crime")
    assert total.month_value == 22 + 5  # burglary + violence; ASB and Other Police excluded


def test_time_of_day_window_wraps_midnight(plan: Plan, store: Store) -> None:
    night = evaluate(plan, Engine.of_store(store), date(2013, 4, 1)).measure("night_violence")
    assert night.month_value == 3  # 19:30, 23:30 and 03:30; not 18:30 or 04:30


def test_area_set_resolves_through_geography(plan: Plan, store: Store) -> None:
    priority = evaluate(plan, Engine.of_store(store), date(2013, 4, 1)).measure("priority_crime")
    assert priority.month_value == 11  # burglaries in S1 (odd k of 22); violence is in S2


def test_proportions_keep_numerator_and_denominator(plan: Plan, store: Store) -> None:
    result = evaluate(plan, Engine.of_store(store), date(2013, 4, 1))
    solved = result.measure("burglary_solved_rate")
    assert (solved.ytd_numerator, solved.ytd_denominator) == (3, 22)
    assert solved.ytd == round(100 * 3 / 22, 4)  # the results keep 4 places
    assert solved.baseline_ytd == pytest.approx(30.0)
    share = result.measure("burglary_share")
    assert share.ytd == pytest.approx(100 * 22 / 27)


def test_rate_uses_population_of_each_year(plan: Plan, store: Store) -> None:
    rate = evaluate(plan, Engine.of_store(store), date(2013, 4, 1)).measure("crime_rate")
    assert rate.ytd == pytest.approx(27 * 1000 / 125000)
    assert rate.baseline_ytd == pytest.approx(15 * 1000 / 100000)


def test_survey_rolling_twelve_months(plan: Plan, store: Store) -> None:
    sat = evaluate(plan, Engine.of_store(store), date(2013, 4, 1)).measure("satisfaction")
    # months May 2012..Apr 2013 are indices 13..24; positives 80 + i % 5
    positives = sum(80 + i % 5 for i in range(13, 25))
    assert sat.ytd_numerator == positives and sat.ytd_denominator == 1200
    assert sat.ytd == pytest.approx(100 * positives / 1200)
    before = sum(80 + i % 5 for i in range(1, 13))
    assert sat.baseline_ytd == pytest.approx(100 * before / 1200)


def test_area_filter_on_lpu_and_neighbourhood(plan: Plan, store: Store) -> None:
    north = evaluate(
        plan,
        Engine.of_store(store),
        date(2013, 4, 1),
        area=AreaRef(level="neighbourhood", name="North"),
    )
    assert north.measure("burglary").month_value == 11
    assert north.area == "neighbourhood:North"


def test_missing_months_are_reported_not_zero(plan: Plan, store: Store) -> None:
    result = evaluate(plan, Engine.of_store(store), date(2013, 6, 1))
    burglary = result.measure("burglary")
    assert burglary.month_value is None
    assert burglary.months_missing == ("2013-05", "2013-06")
    assert burglary.ytd == 22  # April only
    assert SourceMonthsMissing(source="crimes", months=("2013-05", "2013-06")) in result.data_notes
    assert "crimes: no records for May 2013 and June 2013" in [
        data_note(n) for n in result.data_notes
    ]


def test_financial_year_period() -> None:
    from crimeplan.plan.model import Plan as _Plan  # noqa: F401

    class _P:
        year = type("Y", (), {"start_year": 2013})()
        baseline = type("Y", (), {"start_year": 2012})()

    period = Period.for_plan(_P(), date(2013, 6, 1))  # type: ignore[arg-type]
    assert period.ytd == (date(2013, 4, 1), date(2013, 5, 1), date(2013, 6, 1))
    assert period.baseline_ytd == (date(2012, 4, 1), date(2012, 5, 1), date(2012, 6, 1))


def test_unknown_force_says_which_forces_are_there(plan: Plan, store: Store) -> None:
    other = plan.model_copy(update={"force": "Nowhere Police"})
    with pytest.raises(MeasureError) as info:
        evaluate(other, Engine.of_store(store), date(2013, 4, 1))
    assert str(info.value) == (
        "the store holds no crimes for force 'Nowhere Police' up to the as-at month; forces in "
        "the store: Other Police, Test Police. Set 'force:' in the plan file to one of them"
    )


def test_json_is_deterministic(plan: Plan, store: Store) -> None:
    first = json.dumps(to_dict(evaluate(plan, Engine.of_store(store), date(2013, 4, 1))))
    second = json.dumps(to_dict(evaluate(plan, Engine.of_store(store), date(2013, 4, 1))))
    assert first == second


def test_area_set_as_the_area(plan: Plan, store: Store) -> None:
    result = evaluate(
        plan,
        Engine.of_store(store),
        date(2013, 4, 1),
        area=AreaRef(level="area_set", name="priority"),
    )
    assert result.measure("burglary").month_value == 11  # burglaries in S1 = North
    assert result.area == "area_set:priority"


def test_unknown_area_says_which_are_known(plan: Plan, store: Store) -> None:
    with pytest.raises(MeasureError) as info:
        evaluate(
            plan, Engine.of_store(store), date(2013, 4, 1), area=AreaRef(level="lpu", name="LPU B")
        )
    assert (
        str(info.value)
        == "no lpu 'LPU B' in the store's areas (did you mean 'LPU A'?); known: LPU A"
    )
    with pytest.raises(MeasureError) as info:
        evaluate(
            plan,
            Engine.of_store(store),
            date(2013, 4, 1),
            area=AreaRef(level="area_set", name="nowhere"),
        )
    assert str(info.value) == "no area set 'nowhere' in the plan; known: priority"


def test_as_at_outside_the_plan_year_is_said(plan: Plan, store: Store) -> None:
    result = evaluate(plan, Engine.of_store(store), date(2013, 3, 1))
    assert result.data_notes[0] == OutsidePlanYear(
        as_at="2013-03", year="2012/13", plan_year="2013/14", baseline_year="2011/12"
    )
    assert data_note(result.data_notes[0]) == (
        "as at March 2013 is in 2012/13, outside the plan year 2013/14: the year to date is "
        "compared with the same months of 2011/12, and the plan's targets are judged against that"
    )


def test_months_the_store_lacks_are_not_zero(plan: Plan, store: Store) -> None:
    """As at a month after the data, or with no baseline months held, there is nothing to
    compare: no year to date, no change, no verdict (not -100 %, "on course")."""
    after = evaluate(plan, Engine.of_store(store), date(2014, 6, 1)).measure("burglary")
    assert (after.ytd, after.baseline_ytd, after.change_pct, after.on_course) == (
        None,
        None,
        None,
        None,
    )
    before = evaluate(plan, Engine.of_store(store), date(2013, 1, 1)).measure("burglary")
    assert before.ytd is None and before.on_course is None


def test_only_months_held_in_both_years_are_compared(plan: Plan, store: Store) -> None:
    partial = evaluate(plan, Engine.of_store(store), date(2013, 6, 1)).measure("burglary")
    assert partial.months_compared == MonthsCompared(
        year_to_date=("2013-04",), baseline=("2012-04",)
    )
    assert partial.ytd == 22 and partial.baseline_ytd == 10
    assert PartialComparison(months=("2013-04",), of=3) in partial.notes
    assert "compared over the 1 of 3 months held for both years: April 2013" in [
        measure_note(note) for note in partial.notes
    ]


def test_a_category_no_record_holds_is_said(plan: Plan, store: Store) -> None:
    misspelt = plan.model_copy(
        update={
            "measures": [
                m.model_copy(update={"where": m.where.model_copy(update={"category": ["Burglry"]})})
                if m.id == "burglary"
                else m
                for m in plan.measures
            ]
        }
    )
    result = evaluate(misspelt, Engine.of_store(store), date(2013, 4, 1))
    assert result.measure("burglary").ytd == 0
    unknown = UnknownFilterValue(
        source="crimes",
        force="Test Police",
        column="category",
        value="Burglry",
        suggestion="Burglary",
    )
    assert unknown in result.data_notes
    assert data_note(unknown) == (
        "no crimes record of Test Police has category 'Burglry' (did you mean 'Burglary'?): a "
        "measure filtering on it counts nothing"
    )
    clean = evaluate(plan, Engine.of_store(store), date(2013, 4, 1))
    assert not any(isinstance(note, UnknownFilterValue) for note in clean.data_notes)


def test_as_at_before_any_data_blames_the_month(demo_store, builtin_plan) -> None:  # type: ignore[no-untyped-def]
    """``--as-at 1900-01`` on a store holding the plan's force: the month is the problem,
    not the force (issue 11)."""
    with Engine.of_store(demo_store) as engine, pytest.raises(MeasureError) as raised:
        evaluate(builtin_plan, engine, date(1900, 1, 1))
    assert str(raised.value) == (
        "--as-at 1900-01 is before any data the store holds: its first month of crimes "
        "for force 'West Midlands Police' is 2009-04 (the plan year is 2013/14); give an "
        "--as-at month from then on"
    )
