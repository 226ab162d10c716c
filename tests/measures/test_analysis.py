"""Every measure with its statistics, on the demo data: the seed's statements, now with
whether they are signal or noise. (The statistics themselves are tested against their
references in tests/stats/.)

The demo generator was told to produce the seed's figures (6 % more business crime, 43 %
against 34 %, 530 incidents, 87.1 % …); that it did is checked in
tests/demo/test_calibration.py. Here the expected values are the store's own, counted by raw
SQL (tests/support/reference.py), so a test fails when a measure misreads the store, not only
when it misses the seed's figure."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from crimeplan.codec import to_dict
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.analysis import analyse
from crimeplan.plan.model import Plan, RebasePoint, SpcSettings
from crimeplan.report.narrative.notes import comparison_text, measure_note
from crimeplan.results.measure import Comparison, MeasuresResult
from crimeplan.results.notes import NotPublishedForArea
from crimeplan.results.statistics import CountChangeTest, ProportionChangeTest, Rebase
from crimeplan.stats.spc import (
    CloseToLimit,
    LastPoint,
    ShiftRun,
    TrendRun,
    last_point_reading,
    xmr_chart,
)
from tests.support.reference import (
    FY,
    NOT_ASB,
    crimes,
    monthly_crimes,
    one,
    pct_change,
    xmr,
)


@pytest.fixture(scope="module")
def april(demo_store: Store, builtin_plan: Plan) -> MeasuresResult:
    return analyse(builtin_plan, Engine.of_store(demo_store), date(2013, 4, 1))


def _fact(result: MeasuresResult, measure: str, kind: str) -> Any:
    return next(f for f in result.measure(measure).facts if f.kind == kind)


def test_business_crime_rise_is_signal(april: MeasuresResult, demo_store: Store) -> None:
    business = april.measure("business_crime")
    now, before = (crimes(demo_store, "business", m, m) for m in ("2013-04", "2012-04"))
    assert (business.ytd, business.baseline_ytd) == (now, before)
    # the seed: "a 6% increase" (the results keep a change to 0.01 points)
    assert business.change_pct == round(pct_change(now, before), 2)
    test = business.change_test
    assert isinstance(test, CountChangeTest) and test.test == "poisson_rate_ratio"
    assert test.significant is True
    low, high = test.change_ci95
    assert low is not None and low > 0
    assert high is not None and high > business.change_pct


def test_total_crime_is_stable(april: MeasuresResult) -> None:
    total = april.measure("total_recorded_crime")
    assert total.change_test is not None and total.change_test.significant is False


def test_confidence_wave_33_against_wave_32(april: MeasuresResult, demo_store: Store) -> None:
    confidence = april.measure("confidence")
    assert confidence.comparison == Comparison(basis="wave", current=("33",), baseline=("32",))
    assert comparison_text(confidence.comparison) == "wave 33 against wave 32"
    test = confidence.change_test
    assert isinstance(test, ProportionChangeTest) and test.test == "two_proportions"
    waves = dict(
        demo_store.con.execute(
            "SELECT wave::INT, 100 * positive / respondents FROM survey_responses "
            "WHERE survey = 'Feeling the Difference' AND area_level = 'force' "
            "AND question = 'Have confidence in the police' AND wave IN ('32', '33')"
        ).fetchall()
    )
    # "around 3 percentage points"
    assert test.difference == pytest.approx(waves[33] - waves[32], abs=0.005)
    assert test.significant is True


BURGLARY = "offence_group = 'Burglary dwelling'"


def test_burglary_has_fallen_for_six_consecutive_months(
    april: MeasuresResult, demo_store: Store
) -> None:
    # the seed: "reduced for the past six consecutive months after hitting a seasonal peak
    # in November"; the run read off the monthly counts: back from April 2013 while each
    # month is below the one before it
    counts = monthly_crimes(demo_store, BURGLARY, "2013-04")
    months, values = list(counts), list(counts.values())
    start = len(values) - 1
    while start > 0 and values[start - 1] > values[start]:
        start -= 1
    run = _fact(april, "burglary_dwelling", "run")
    assert run.numbers.direction == "fall"
    assert run.period == (months[start], months[-1])
    assert run.numbers.months == len(values) - 1 - start  # month-on-month falls
    assert (run.numbers.from_value, run.numbers.to_value) == (values[start], values[-1])


def test_burglary_seasonal_peak_in_november(april: MeasuresResult, demo_store: Store) -> None:
    # the calendar month with the highest average over the complete years 2009/10-2012/13
    averages = demo_store.con.execute(
        f"SELECT monthname(month), count(*) / 4 AS average FROM crimes WHERE {BURGLARY} "
        "AND month BETWEEN '2009-04-01' AND '2013-03-01' GROUP BY 1 ORDER BY average DESC"
    ).fetchall()
    seasonal = _fact(april, "burglary_dwelling", "seasonal")
    assert seasonal.numbers.peak_month_name == averages[0][0]
    assert seasonal.numbers.peak_average == pytest.approx(averages[0][1])
    assert seasonal.numbers.trough_month_name == averages[-1][0]


def test_tss_share_of_business_crime_moved(april: MeasuresResult, demo_store: Store) -> None:
    tss = "business AND offence = 'Theft from shops and stalls'"
    shares = [
        100 * crimes(demo_store, tss, month, month) / crimes(demo_store, "business", month, month)
        for month in ("2013-04", "2012-04")
    ]
    share = _fact(april, "tss_share_of_business_crime", "share")
    assert share.numbers.share_pct == pytest.approx(shares[0], abs=1e-4)  # 43 %
    assert share.numbers.share_before_pct == pytest.approx(shares[1], abs=1e-4)  # 34 %


def test_non_crime_hate_incidents_highest_year(april: MeasuresResult, demo_store: Store) -> None:
    by_year = dict(
        demo_store.con.execute(
            f"SELECT {FY}, count(*) FROM incidents WHERE category = 'Non-crime hate incident' "
            f"AND {FY} <= 2012 GROUP BY 1"  # the complete years as at April 2013
        ).fetchall()
    )
    assert max(by_year, key=by_year.__getitem__) == 2012 and min(by_year) == 2009
    fact = _fact(april, "non_crime_hate_incidents", "highest_since")
    assert fact.numbers.value == by_year[2012]  # 530
    assert fact.numbers.on_record and fact.numbers.first_year == "2009/10"
    assert fact.period == ("2012/13",)


def test_contributors_to_total_crime(april: MeasuresResult, demo_store: Store) -> None:
    total = crimes(demo_store, NOT_ASB, "2013-04", "2013-04")
    fact = _fact(april, "total_recorded_crime", "contributors")
    parts = {p.part: p for p in fact.numbers.by_share}
    for offence in (
        "Theft from shops and stalls",
        "Theft from a motor vehicle",
        "Assault with injury (s20/47)",
    ):  # "each contributing 10%"
        count = crimes(demo_store, f"{NOT_ASB} AND offence = '{offence}'", "2013-04", "2013-04")
        assert parts[offence].ytd == count
        assert parts[offence].share_pct == pytest.approx(100 * count / total, abs=1e-4)


def test_forecast_for_every_target(april: MeasuresResult) -> None:
    for measure in april.measures:
        if measure.target is not None and measure.kind == "count":
            fc = measure.forecast
            assert fc is not None and fc.year_end is not None, measure.id
            assert fc.pi95 is not None and fc.pi80 is not None, measure.id
            assert fc.pi95[0] <= fc.pi80[0] <= fc.year_end <= fc.pi80[1]
            assert fc.p_meet_target is not None and 0 <= fc.p_meet_target <= 1
        else:
            assert measure.forecast is None


def test_spc_on_monthly_series_with_target_line(april: MeasuresResult) -> None:
    burglary = april.measure("burglary_dwelling")
    spc = burglary.spc
    assert spc is not None
    assert len(spc.point_types) == len(burglary.series)
    assert spc.target == pytest.approx(
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
    assert spc.assurance_icon in ("pass", "fail", "inconsistent")
    assert april.measure("satisfaction_crime").spc is None  # rolling 12 months: not charted


def test_spc_says_which_rules_flag_the_last_point(april: MeasuresResult) -> None:
    """The measures JSON's chart names the rules behind the last point and the run it ends;
    ``crimeplan spc`` keeps its own shape (``SpcResult.to_dict``)."""
    total = april.measure("total_recorded_crime").spc
    assert total is not None
    assert total.variation_icon == "improvement_low"
    assert total.last_point_rules == ("two_in_three", "shift")
    assert total.last_run == ShiftRun(months=18, side="below")
    assert total.last_close == CloseToLimit(months=2, of=3, side="below")
    for measure in april.measures:
        spc = measure.spc
        if spc is None:
            continue
        assert {"last_point_rules", "last_run", "last_close"} <= set(to_dict(spc)), measure.id
        special = spc.variation_icon not in (None, "common_cause")
        assert bool(spc.last_point_rules) == special, measure.id
        run = spc.last_run
        if isinstance(run, ShiftRun):  # every point of the run on its side
            values = [float(p.value) for p in measure.series if p.value is not None][-run.months :]
            sign = -1 if run.side == "below" else 1
            assert spc.mean is not None
            assert all(sign * (v - spc.mean) > 0 for v in values), measure.id


BASE = [20, 22, 19, 21, 20, 23, 18, 21, 20, 22, 19, 21]


@pytest.mark.parametrize(
    ("values", "reading"),
    [
        (BASE, LastPoint(rules=(), run=None, close=None)),
        (
            [*BASE, 19.5, 18.8, 19.2, 19.9, 18.6, 19.4, 19.1, 19.3, 18.9],
            LastPoint(rules=("shift",), run=ShiftRun(months=9, side="below"), close=None),
        ),
        (  # a gap neither breaks nor lengthens the run
            [*BASE, 19.5, None, 18.8, 19.2, 19.9, 18.6, 19.4, 19.1],
            LastPoint(rules=("shift",), run=ShiftRun(months=7, side="below"), close=None),
        ),
        (
            [*BASE, 24, 23, 22, 21, 20, 19, 18],
            LastPoint(
                rules=("trend",),
                run=TrendRun(months=7, steps=6, direction="fall"),
                close=None,
            ),
        ),
        (
            [*BASE, 20, 40],
            LastPoint(rules=("outside_limits",), run=None, close=None),
        ),
        (
            [*BASE, 21.5, 26.8, 22, 27.0],
            LastPoint(
                rules=("two_in_three",),
                run=None,
                close=CloseToLimit(months=2, of=3, side="above"),
            ),
        ),
    ],
)
def test_last_point_reading(values: list[float | None], reading: LastPoint) -> None:
    chart = xmr_chart(values, improvement_direction="decrease")
    assert last_point_reading(chart, values) == reading
    assert set(chart.to_dict()) == {
        "mean",
        "upl",
        "lpl",
        "point_types",
        "variation_icon",
        "assurance_icon",
        "segments",
    }


def test_last_point_reading_counts_within_the_last_segment() -> None:
    values: list[float | None] = [30, 30, 30, 31, 29, 31, 29, 31, 29, *BASE]
    values += [19, 18.5, 19.5, 18.7, 19.2, 18.9, 19.3, 18.8]
    whole = last_point_reading(xmr_chart(values, "decrease"), values)
    assert whole.run == ShiftRun(months=20, side="below")
    rebased = last_point_reading(xmr_chart(values, "decrease", rebase_at_index=[9]), values)
    assert rebased.run == ShiftRun(months=8, side="below")


def test_satisfaction_equal_to_msg_average_in_december_2012(
    demo_store: Store, builtin_plan: Plan
) -> None:
    december = analyse(builtin_plan, Engine.of_store(demo_store), date(2012, 12, 1))
    peers = december.measure("satisfaction_crime").peers
    assert peers is not None
    # the 12 months to December 2012 of each force, and the peers pooled (their satisfied
    # over their respondents), from the peer figures by SQL
    rows = demo_store.con.execute(
        "SELECT force, sum(value), sum(denominator) FROM peer_figures "
        "WHERE measure = 'satisfaction_crime' AND month BETWEEN '2012-01-01' AND '2012-12-01' "
        "GROUP BY force"
    ).fetchall()
    rates = {force: 100 * k / n for force, k, n in rows}
    group = [(k, n) for force, k, n in rows if force != builtin_plan.force]
    assert peers.value == pytest.approx(rates[builtin_plan.force], abs=5e-4)  # 87.1 %
    assert peers.group_value == pytest.approx(  # 87.1 %
        100 * sum(k for k, _ in group) / sum(n for _, n in group), abs=5e-4
    )
    assert peers.equal_to_group is True
    assert peers.n_forces == len(rows) == 8
    # 1 + the forces above: 5th, higher than three other forces
    assert peers.rank == 1 + sum(rate > rates[builtin_plan.force] for rate in rates.values())
    assert peers.period == ("2012-01", "2012-12")


def test_results_json_is_byte_identical(
    demo_store: Store, builtin_plan: Plan, april: MeasuresResult
) -> None:
    again = analyse(builtin_plan, Engine.of_store(demo_store), date(2013, 4, 1))
    assert json.dumps(to_dict(again)) == json.dumps(to_dict(april))


def test_published_table_by_local_authority(demo_store: Store, builtin_plan: Plan) -> None:
    from crimeplan.measures.compute import evaluate
    from crimeplan.plan.model import AreaRef

    dudley = evaluate(
        builtin_plan,
        Engine.of_store(demo_store),
        date(2013, 4, 1),
        area=AreaRef(level="local_authority", name="Dudley"),
    )
    row = one(  # Dudley's published row (the seed's table, loaded as printed)
        demo_store,
        "SELECT actual_rate, baseline_change_pct FROM reoffending WHERE area = 'Dudley'",
    )
    assert dudley.measure("reoffending").ytd == pytest.approx(row[0])  # 5.18
    assert dudley.measure("reoffending").change_pct == pytest.approx(row[1])  # -30.82
    lpu = evaluate(
        builtin_plan,
        Engine.of_store(demo_store),
        date(2013, 4, 1),
        area=AreaRef(level="lpu", name="Coventry"),
    )
    assert lpu.measure("reoffending").ytd is None
    note = lpu.measure("reoffending").notes[0]
    assert isinstance(note, NotPublishedForArea) and note.area == "lpu:Coventry"
    assert measure_note(note).startswith("the published table has no row for lpu:Coventry")


def test_a_forecast_on_a_short_history_says_so(plan: Plan, store: Store) -> None:
    """The small store holds one year before 2013/14: the forecast's paragraph says how
    little its seasonal pattern rests on, and every number in it is in the results."""
    from crimeplan.report.narrative import figures_check, measure_sentences

    result = analyse(plan, Engine.of_store(store), date(2013, 4, 1))
    burglary = result.measure("burglary")
    assert burglary.forecast is not None and burglary.forecast.history_months == 12
    sentences = measure_sentences(burglary, result)
    assert (
        "The seasonal pattern rests on only 12 earlier months, so the forecast is less sure "
        "than its interval suggests."
    ) in [s.text for s in sentences]
    assert figures_check(sentences, to_dict(result)) == []


# -- rebase points and suggested rebases ---------------------------------------------------------
def _knife_months(demo_store: Store) -> tuple[list[str], list[int]]:
    counts = monthly_crimes(demo_store, "knife", "2013-04")
    return list(counts), list(counts.values())


def test_a_sustained_shift_is_suggested_not_drawn(april: MeasuresResult, demo_store: Store) -> None:
    """Knife crime, by raw SQL, April 2009 to April 2013: the last 13 months lie below the
    mean of the whole series (the month before is above it), so the chart suggests
    recalculating from April 2012; it draws one segment until the plan file accepts it."""
    months, values = _knife_months(demo_store)
    mean = sum(values) / len(values)
    below = next(i for i, v in enumerate(reversed(values)) if v >= mean)
    first = len(values) - below
    spc = april.measure("knife_crime").spc
    assert spc is not None
    assert len(spc.segments) == 1 and spc.rebases == ()
    found = spc.suggested_rebase
    assert found is not None
    assert (found.month, found.index, found.months) == (months[first], first, below)
    assert (found.month, found.side) == ("2012-04", "below")


def test_an_accepted_rebase_recalculates_the_limits_and_keeps_its_reason(
    demo_store: Store, builtin_plan: Plan
) -> None:
    """With ``spc: {rebase: [{from: 2012-04, reason: …}]}`` the chart has two segments, each
    with the mean and limits of its own months (NHSRplotthedots' rebase groups, worked again
    by tests/support/reference.py's ``xmr``), and carries the reason."""
    reason = "Knife crime initiative from April 2012"
    measures = [
        m.model_copy(
            update={"spc": SpcSettings(rebase=[RebasePoint(start="2012-04", reason=reason)])}
        )
        if m.id == "knife_crime"
        else m
        for m in builtin_plan.measures
    ]
    plan = builtin_plan.model_copy(update={"measures": measures})
    spc = analyse(plan, Engine.of_store(demo_store), date(2013, 4, 1)).measure("knife_crime").spc
    assert spc is not None
    months, values = _knife_months(demo_store)
    start = months.index("2012-04")
    before, after = xmr(values[:start]), xmr(values[start:])
    assert [(s.start_index, s.end_index) for s in spc.segments] == [
        (0, start - 1),
        (start, len(values) - 1),
    ]
    assert spc.segments[0].mean == pytest.approx(before["mean"])
    assert spc.segments[0].upl == pytest.approx(before["upl"])
    assert (spc.mean, spc.lpl, spc.upl) == pytest.approx(
        (after["mean"], after["lpl"], after["upl"])
    )
    assert spc.rebases == (Rebase(month="2012-04", reason=reason),)
    assert spc.suggested_rebase is None or spc.suggested_rebase.month != "2012-04"


def test_fix_after_n_points_takes_each_segments_limits_from_its_first_months(
    demo_store: Store, builtin_plan: Plan
) -> None:
    """``spc: {fix_after_n_points: 24}``: the mean and limits of knife crime from April 2009
    to March 2011 only (reference ``xmr`` of those 24 months), applied to every month."""
    measures = [
        m.model_copy(update={"spc": SpcSettings(fix_after_n_points=24)})
        if m.id == "knife_crime"
        else m
        for m in builtin_plan.measures
    ]
    plan = builtin_plan.model_copy(update={"measures": measures})
    spc = analyse(plan, Engine.of_store(demo_store), date(2013, 4, 1)).measure("knife_crime").spc
    assert spc is not None
    _, values = _knife_months(demo_store)
    first = xmr(values[:24])
    assert (spc.mean, spc.lpl, spc.upl) == pytest.approx(
        (first["mean"], first["lpl"], first["upl"])
    )
    assert len(spc.segments) == 1 and spc.segments[0].end_index == len(values) - 1
