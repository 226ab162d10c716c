"""What the seed reports that the pack once lacked: the racially or religiously aggravated
share of hate crime (seed paragraph 11), confidence against the Most Similar Group
(paragraph 7), the force's change against its MSG's over the year (paragraph 39) and
repeat callers by local policing unit (paragraph 67). Each against SQL on the demo store."""

from __future__ import annotations

from datetime import date

import pytest

from crimeplan.codec import to_dict
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.pack import evaluate_pack
from crimeplan.plan import builtin_plan_path, load_plan
from crimeplan.report.html import render_html
from crimeplan.report.narrative import figures_check, paragraphs
from crimeplan.report.pack import build_pack
from crimeplan.results.pack import PackResults
from tests.support.reference import crimes, one


@pytest.fixture(scope="module")
def results(demo_store: Store) -> PackResults:
    with Engine.of_store(demo_store) as engine:
        return evaluate_pack(load_plan(builtin_plan_path()), engine, date(2013, 4, 1))


def _text(results: PackResults, measure_id: str) -> str:
    return " ".join(s.text for s in paragraphs(results)[measure_id])


def test_racially_or_religiously_aggravated_share(results: PackResults, demo_store: Store) -> None:
    # By SQL: hate crimes with the race or religion strand, of all hate crimes, in April
    race = "hate_strand IN ('race', 'religion')"
    now = (
        crimes(demo_store, race, "2013-04", "2013-04"),
        crimes(demo_store, "hate_strand IS NOT NULL", "2013-04", "2013-04"),
    )
    before = (
        crimes(demo_store, race, "2012-04", "2012-04"),
        crimes(demo_store, "hate_strand IS NOT NULL", "2012-04", "2012-04"),
    )
    share = results.measure("racially_religiously_aggravated_share")
    assert share.ytd == pytest.approx(100 * now[0] / now[1], abs=1e-4)
    assert share.baseline_ytd == pytest.approx(100 * before[0] / before[1], abs=1e-4)
    text = _text(results, "racially_religiously_aggravated_share")
    assert text.startswith(
        f"Racially or religiously aggravated crime made up {100 * now[0] / now[1]:.0f}% of hate "
        f"crime in April 2013, against {100 * before[0] / before[1]:.0f}% in April 2012."
    )
    # the seed's "around 90% of all hate crime" in 2012/13
    year = [crimes(demo_store, w, "2012-04", "2013-03") for w in (race, "hate_strand IS NOT NULL")]
    assert 85 <= 100 * year[0] / year[1] <= 95


def test_confidence_against_the_most_similar_group(results: PackResults, demo_store: Store) -> None:
    confidence = results.measure("confidence")
    assert confidence.peers is not None
    # By SQL: the force's confident respondents of all, May 2012 to April 2013
    value, n = one(
        demo_store,
        "SELECT sum(value), sum(denominator) FROM peer_figures WHERE measure = 'confidence' "
        "AND force = 'West Midlands Police' AND month BETWEEN DATE '2012-05-01' "
        "AND DATE '2013-04-01'",
    )
    assert confidence.peers.value == pytest.approx(100 * value / n, abs=1e-3)
    assert confidence.peers.n_forces == 8
    text = _text(results, "confidence")
    assert f"West Midlands Police's {100 * value / n:.1f}% compares with a Most Similar Group" in (
        text
    )
    trend = confidence.peers.trend
    assert trend is not None
    # paragraph 7: confidence fell, and the force kept its place among its peers
    assert (
        trend.change < 0 and trend.group_change < 0 and trend.rank_before == confidence.peers.rank
    )
    assert f"it was {trend.rank_before}th then too" in text


def test_the_trend_against_the_msg_over_the_year(results: PackResults, demo_store: Store) -> None:
    total = results.measure("total_recorded_crime")
    assert total.peers is not None and total.peers.trend is not None
    trend = total.peers.trend

    def rate(force_filter: str, first: str, last: str) -> tuple[float, float]:
        return one(
            demo_store,
            "SELECT sum(f.value) FROM peer_figures f WHERE f.measure = 'total_recorded_crime' "
            f"AND {force_filter} AND f.month BETWEEN DATE '{first}-01' AND DATE '{last}-01'",
        )

    home = "f.force = 'West Midlands Police'"
    # the force's population is the same in both windows' year (2012 and 2011 differ: the
    # change is of the rate, so population growth is allowed for)
    pop = dict(
        demo_store.con.execute(
            "SELECT year, population FROM populations WHERE area_level = 'force' "
            "AND area = 'West Midlands Police'"
        ).fetchall()
    )
    now, before = rate(home, "2012-05", "2013-04"), rate(home, "2011-05", "2012-04")
    expected = 100 * ((now / pop[2013]) / (before / pop[2012]) - 1)
    assert trend.change == pytest.approx(expected, abs=0.01)
    assert trend.period_before == ("2011-05", "2012-04")
    assert trend.difference == pytest.approx(trend.change - trend.group_change, abs=0.011)
    text = _text(results, "total_recorded_crime")
    assert "Against the year before (May 2011 to April 2012), the force's rate fell" in text
    assert figures_check(paragraphs(results)["total_recorded_crime"], to_dict(results)) == []


def test_repeat_callers_by_local_policing_unit(results: PackResults, demo_store: Store) -> None:
    callers = results.repeat_callers
    assert callers is not None and len(callers.by_lpu) == 10
    # By SQL: callers with two or more calls within Birmingham South, May 2012 to April 2013
    repeat_people, repeat_calls, calls = one(
        demo_store,
        "WITH c AS (SELECT caller_id, count(*) AS n FROM incidents i "
        "JOIN (SELECT DISTINCT small_area, lpu FROM areas) a USING (small_area) "
        "WHERE a.lpu = 'Birmingham South' AND i.caller_id IS NOT NULL "
        "AND i.month BETWEEN DATE '2012-05-01' AND DATE '2013-04-01' GROUP BY caller_id) "
        "SELECT count(*) FILTER (WHERE n >= 2), sum(n) FILTER (WHERE n >= 2), sum(n) FROM c",
    )
    south = next(a for a in callers.by_lpu if a.area == "Birmingham South")
    assert (south.repeat_people, south.repeat_records, south.records) == (
        repeat_people,
        repeat_calls,
        calls,
    )
    assert sum(a.records for a in callers.by_lpu) == callers.records  # every call has an LPU
    html = render_html(build_pack(results))
    assert "Repeat callers by local policing unit, May 2012 to April 2013" in html
    assert f"{south.repeat_records:,} of {south.records:,}" in html
