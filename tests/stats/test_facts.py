"""Facts for the narrative: each at its edges (ties, missing months, short series).

The expected values are worked by hand in the comments; the sentences they support are the
board paper's (West Midlands Strategic Policing and Crime Board, 14 May 2013).
"""

from __future__ import annotations

import json

import pytest

from crimeplan.codec import to_dict
from crimeplan.periods import add_months, format_month, parse_month
from crimeplan.results.measure import SeriesPoint
from crimeplan.stats.facts import (
    ExtremeSinceNumbers,
    PartShare,
    RunFact,
    RunNumbers,
    contributors,
    highest_since,
    lowest_since,
    monthly_average,
    runs,
    seasonal_peak_trough,
    share_moved,
    yearly_run,
)


def monthly(first: str, values: list[float | int | None]) -> list[tuple[str, float | int | None]]:
    start = parse_month(first)
    return [(format_month(add_months(start, i)), v) for i, v in enumerate(values)]


# -- runs -----------------------------------------------------------------------------------------
def test_fallen_for_six_consecutive_months() -> None:
    series = monthly("2012-09", [90, 100, 99, 97, 96, 90, 85, 80])
    fact = runs("burglary", series)
    assert fact == RunFact(
        measure="burglary",
        period=("2012-10", "2013-04"),
        numbers=RunNumbers(
            direction="fall",
            months=6,
            from_month="2012-10",
            from_value=100,
            to_month="2013-04",
            to_value=80,
            change=-20,
            change_pct=-20.0,
        ),
    )


def test_series_points_are_accepted() -> None:
    series = [
        SeriesPoint(month="2013-02", value=5),
        SeriesPoint(month="2013-03", value=6),
        SeriesPoint(month="2013-04", value=7),
    ]
    fact = runs("x", series)
    assert fact is not None and fact.numbers.months == 2
    assert fact.numbers.direction == "rise"


def test_a_tie_breaks_a_run() -> None:
    # 10 → 12 rise, 12 → 12 tie, then three rises: the run is 3 months from the tie
    fact = runs("x", monthly("2013-01", [10, 12, 12, 13, 14, 15]))
    assert fact is not None
    assert (fact.numbers.months, fact.numbers.from_month) == (3, "2013-03")


def test_a_tie_at_the_end_is_no_run() -> None:
    assert runs("x", monthly("2013-01", [10, 11, 12, 12])) is None


def test_a_missing_month_breaks_a_run() -> None:
    fact = runs("x", monthly("2013-01", [10, 11, None, 12, 13]))
    assert fact is not None and fact.numbers.months == 1
    assert fact.numbers.from_month == "2013-04"


def test_the_last_month_missing_is_no_run() -> None:
    assert runs("x", monthly("2013-01", [10, 11, 12, None])) is None


def test_a_gap_between_months_breaks_a_run() -> None:
    series = [("2013-01", 10), ("2013-02", 11), ("2013-04", 12), ("2013-05", 13)]
    fact = runs("x", series)
    assert fact is not None and fact.numbers.months == 1


def test_a_change_of_direction_ends_a_run() -> None:
    fact = runs("x", monthly("2013-01", [10, 20, 15, 12]))
    assert fact is not None
    assert (fact.numbers.direction, fact.numbers.months) == ("fall", 2)


def test_short_series_and_minimum() -> None:
    assert runs("x", []) is None
    assert runs("x", monthly("2013-01", [5])) is None
    assert runs("x", monthly("2013-01", [5, 6]), min_months=2) is None
    fact = runs("x", monthly("2013-01", [0, 6]))
    assert fact is not None and fact.numbers.change_pct is None  # from 0


def test_falling_year_on_year_since_2006_07() -> None:
    totals = {"2006/07": 3300, "2007/08": 3100, "2008/09": 2900, "2009/10": 2700,
              "2010/11": 2500, "2011/12": 2400, "2012/13": 2300}  # fmt: skip
    fact = yearly_run("hate_crime", totals)
    assert fact is not None
    assert fact.kind == "yearly_run"
    assert fact.numbers.direction == "fall"
    assert fact.numbers.years == 6
    assert fact.numbers.from_year == "2006/07"
    assert fact.numbers.change_pct == pytest.approx(-30.303, abs=1e-3)  # "around 30 % lower"


def test_a_missing_year_breaks_a_yearly_run() -> None:
    fact = yearly_run("x", {"2009/10": 9, "2010/11": 8, "2012/13": 7, "2013/14": 6})
    assert fact is not None and fact.numbers.years == 1


# -- seasonality ------------------------------------------------------------------------------
FY_SHAPE = [10, 11, 12, 13, 14, 15, 16, 20, 12, 9, 8, 5]  # April … March; peak November


def test_seasonal_peak_in_november() -> None:
    series = monthly("2011-04", FY_SHAPE + [v + 2 for v in FY_SHAPE] + [30, None])
    fact = seasonal_peak_trough("burglary", series)
    assert fact is not None
    n = fact.numbers
    assert fact.period == ("2011/12", "2012/13")
    assert n.years == ("2011/12", "2012/13")  # 2013/14 is a part year, left out
    assert (n.peak_month, n.peak_month_name, n.peak_average) == (11, "November", 21)
    assert (n.trough_month, n.trough_month_name, n.trough_average) == (3, "March", 6)
    assert n.monthly_mean == round(sum(FY_SHAPE) / 12 + 1, 4)  # kept to 4 places
    assert n.latest_year == "2012/13"
    assert n.latest_peak_matches and n.latest_trough_matches


def test_seasonal_latest_year_differs_and_ties_go_to_april_first() -> None:
    flat = [10] * 12
    other = [10] * 12
    other[2] = 40  # June 2012/13 is that year's peak
    fact = seasonal_peak_trough("x", monthly("2011-04", flat + other))
    assert fact is not None
    # averages: 10 everywhere but June (25): peak June, trough a 10-way tie → April
    assert fact.numbers.peak_month == 6
    assert fact.numbers.trough_month == 4
    assert fact.numbers.latest_peak_month == 6
    assert fact.numbers.latest_peak_matches
    flat_fact = seasonal_peak_trough("x", monthly("2011-04", flat))
    assert flat_fact is not None
    assert (flat_fact.numbers.peak_month, flat_fact.numbers.trough_month) == (4, 4)


def test_seasonal_needs_a_complete_year() -> None:
    missing_one = FY_SHAPE[:5] + [None] + FY_SHAPE[6:]
    assert seasonal_peak_trough("x", monthly("2011-04", missing_one)) is None
    # eleven months from May, then April of the next year: never a whole April–March
    assert seasonal_peak_trough("x", monthly("2011-05", FY_SHAPE)) is None
    assert seasonal_peak_trough("x", []) is None


# -- contributors -----------------------------------------------------------------------------
def test_contributors_to_the_total_and_its_change() -> None:
    parts = {
        "theft_from_motor_vehicle": (1000, 1100),
        "theft_from_shops": (1000, 800),
        "s20_47_assaults": (1000, 950),
        "burglary_dwelling": (700, 750),
    }
    fact = contributors("total_recorded_crime", parts, 10_000, 9_800, top=3)
    n = fact.numbers
    assert (n.total, n.baseline, n.change, n.other) == (10_000, 9_800, 200, 6_300)
    # three parts of 1,000 each are 10 % of the total: tied, so by name
    assert [(r.part, r.share_pct) for r in n.by_share] == [
        ("s20_47_assaults", 10.0),
        ("theft_from_motor_vehicle", 10.0),
        ("theft_from_shops", 10.0),
    ]
    # shares of the +200 change: shops +200 (100 %), assaults +50 (25 %), burglary -50,
    # vehicles -100 (−50 %)
    assert [(r.part, r.change, r.share_of_change_pct) for r in n.by_change] == [
        ("theft_from_shops", 200, 100.0),
        ("s20_47_assaults", 50, 25.0),
        ("burglary_dwelling", -50, -25.0),
    ]


def test_contributors_when_the_total_did_not_change() -> None:
    fact = contributors("t", {"a": (5, 10), "b": (15, 10), "c": (1, 0)}, 21, 21, top=None)
    rows = fact.numbers.by_change
    assert [(r.part, r.share_of_change_pct) for r in rows] == [
        ("a", None),
        ("b", None),
        ("c", None),
    ]
    assert fact.numbers.other == 0


def test_contributors_to_an_empty_total() -> None:
    fact = contributors("t", {"a": (0, 0)}, 0, 0, period=("2013-04", "2013-04"))
    assert fact.numbers.by_share == (PartShare(part="a", ytd=0, share_pct=None),)
    assert fact.period == ("2013-04", "2013-04")


# -- shares ---------------------------------------------------------------------------------------
def test_share_moved_43_against_34() -> None:
    fact = share_moved(
        "tss_share_of_business_crime",
        430,
        1000,
        340,
        1000,
        period=("2013-04",),
        period_before=("2012-04",),
    )
    assert fact.period == ("2012-04", "2013-04")
    assert fact.numbers.share_pct == 43.0
    assert fact.numbers.share_before_pct == 34.0
    assert fact.numbers.change_points == pytest.approx(9.0)


def test_share_with_no_denominator() -> None:
    fact = share_moved("x", 0, 0, 3, 10)
    assert fact.numbers.share_pct is None
    assert fact.numbers.change_points is None
    assert fact.numbers.share_before_pct == 30.0


# -- highest / lowest since -----------------------------------------------------------------------
NON_CRIME_HATE = {"2006/07": 560, "2007/08": 500, "2008/09": 470, "2009/10": 440,
                  "2010/11": 420, "2011/12": 480, "2012/13": 530}  # fmt: skip


def test_the_highest_number_since_2006_07() -> None:
    fact = highest_since("non_crime_hate_incidents", NON_CRIME_HATE, "2012/13")
    assert fact is not None
    assert fact.kind == "highest_since"
    assert fact.period == ("2012/13",)
    assert fact.numbers == ExtremeSinceNumbers(
        value=530,
        since="2006/07",
        since_value=560,
        on_record=False,
        first_year="2006/07",
        years_compared=6,
        previous_year="2011/12",
        previous_value=480,
    )


def test_an_equal_earlier_year_is_the_since_year() -> None:
    totals = {"2009/10": 530, "2010/11": 400, "2011/12": 480, "2012/13": 530}
    fact = highest_since("x", totals, "2012/13")
    assert fact is not None and fact.numbers.since == "2009/10"


def test_highest_in_the_store() -> None:
    fact = highest_since("x", {"2010/11": 1, "2011/12": 2, "2012/13": 3}, "2012/13")
    assert fact is not None
    assert fact.numbers.since is None and fact.numbers.on_record
    assert fact.numbers.first_year == "2010/11"


def test_nothing_to_say_when_not_above_the_year_before() -> None:
    assert highest_since("x", {"2011/12": 5, "2012/13": 5}, "2012/13") is None
    assert highest_since("x", {"2011/12": 6, "2012/13": 5}, "2012/13") is None
    assert highest_since("x", {"2012/13": 5}, "2012/13") is None  # no earlier year
    assert highest_since("x", {"2011/12": 5}, "2012/13") is None  # year missing


def test_missing_years_are_not_compared() -> None:
    # 2010/11 is absent: 2011/12 is compared as the year before
    fact = highest_since("x", {"2008/09": 9, "2009/10": 4, "2011/12": 3, "2012/13": 5}, "2012/13")
    assert fact is not None
    assert (fact.numbers.since, fact.numbers.previous_year) == ("2008/09", "2011/12")


def test_lowest_since() -> None:
    fact = lowest_since("x", {"2009/10": 100, "2010/11": 130, "2011/12": 120, "2012/13": 110},
                        "2012/13")  # fmt: skip
    assert fact is not None
    assert fact.kind == "lowest_since"
    assert fact.numbers.since == "2009/10"
    assert lowest_since("x", {"2011/12": 100, "2012/13": 110}, "2012/13") is None


# -- monthly average ------------------------------------------------------------------------------
def test_190_to_200_hate_crimes_a_month() -> None:
    values = [190, 195, 199, 188, 192, 197, 201, 193, 196, 190, 194, 198]
    fact = monthly_average("hate_crime", monthly("2012-03", [500, *values]))
    assert fact is not None
    assert fact.period == ("2012-04", "2013-03")  # the last 12 months only
    # mean = 2333 / 12 = 194.4166…
    assert fact.numbers.mean == pytest.approx(2333 / 12)
    assert fact.numbers.band == (190, 200)
    assert (fact.numbers.minimum, fact.numbers.maximum) == (188, 201)
    assert fact.numbers.months_used == 12


def test_monthly_average_with_missing_months() -> None:
    fact = monthly_average("x", monthly("2013-01", [40, None, 50]), months=3)
    assert fact is not None
    assert fact.numbers.mean == 45
    assert fact.numbers.months_missing == ("2013-02",)
    assert fact.numbers.band == (45, 45)  # on a multiple of the step (1 for 10–99)
    assert monthly_average("x", monthly("2013-01", [None, None])) is None
    assert monthly_average("x", []) is None


def test_monthly_average_bands() -> None:
    def band(value: float) -> list[float]:
        fact = monthly_average("x", [("2013-04", value)])
        assert fact is not None
        return list(fact.numbers.band)

    assert band(44.2) == [44, 45]
    assert band(1234) == [1200, 1300]
    assert band(3.5) == [3, 4]
    assert band(0) == [0, 0]


def test_facts_are_json() -> None:
    fact = share_moved("x", 1, 3, 1, 4)
    data = json.loads(json.dumps(to_dict(fact)))
    assert data == {
        "kind": "share",
        "measure": "x",
        "period": [],
        "numbers": {
            "share_pct": 33.3333,
            "share_before_pct": 25.0,
            "change_points": 8.3333,
            "numerator": 1,
            "denominator": 3,
            "numerator_before": 1,
            "denominator_before": 4,
        },
    }
