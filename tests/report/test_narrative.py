"""The generated sentences: the seed paper's plain English, every number traceable.

On the demo (the built-in West Midlands plan on synthetic data, as at April 2013): every
measure's paragraph passes ``figures_check`` against the results JSON, and the sentences the
seed paper has (business crime up 6 %, total recorded crime stable on last year, burglary
falling since its November peak, TSS 43 % of business crime against 34 %, non-crime hate
incidents the highest since …, satisfaction equal to the MSG average, confidence wave 33
against wave 32) read as they should, with their numbers from the statistics; every special
cause on a control chart is phrased by the rule that flagged it. Then small constructed
results for the edges: no baseline, no test, zero counts, no forecast, no data, and each
rule's reading.

Where the numbers come from. On the demo, the numbers a sentence should hold are worked out
again without the measures: counted by raw SQL on the store and put through the textbook
arithmetic of each statistic (tests/support/reference.py: R's exact Poisson test, the XmR
limits as NHSRplotthedots draws them, statsmodels' Wilson and Newcombe intervals), and the
year-end forecasts by ``forecast_year_end`` (tested in tests/stats/test_forecast.py) on those
counts. The seed's figures they come close to (6 %, 43 % and 34 %, 530, 190 to 200, 87.1 %)
are what the generator was told to produce; tests/demo/test_calibration.py checks that.
The constructed results' numbers are worked by hand beside them.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from scipy import stats

from crimeplan.codec import from_dict, to_dict
from crimeplan.data.engine import Engine
from crimeplan.measures.analysis import analyse
from crimeplan.report.narrative import (
    Figure,
    Sentence,
    figures_check,
    measure_sentences,
    month_name,
    number_tokens,
    ordinal,
    paragraphs,
    sentences_from_json,
)
from crimeplan.results.measure import (
    Comparison,
    MeasureResult,
    MeasuresResult,
    Periods,
    PlanInfo,
    SeriesPoint,
    Target,
)
from crimeplan.results.statistics import CountChangeTest, QuasiPoissonTest, Rebase, Spc
from crimeplan.stats.forecast import METHOD, Forecast, NoSeasonalProfile, forecast_year_end
from crimeplan.stats.significance import poisson_rate_test, quasi_poisson_rate_test
from crimeplan.stats.spc import CloseToLimit, Segment, ShiftRun, SpcRule, TrendRun, VariationIcon
from tests.support.reference import (
    FY,
    NOT_ASB,
    crimes,
    monthly_crimes,
    newcombe,
    one,
    pct_change,
    poisson_rate_ratio,
    quasi_poisson_rate_ratio,
    wilson,
    xmr,
)


@pytest.fixture(scope="module")
def results(demo_store: Any, builtin_plan: Any) -> MeasuresResult:
    return analyse(builtin_plan, Engine.of_store(demo_store), date(2013, 4, 1))


@pytest.fixture(scope="module")
def results_json(results: MeasuresResult) -> dict[str, Any]:
    """As ``results.json`` holds it: written and read back."""
    loaded: dict[str, Any] = json.loads(json.dumps(to_dict(results)))
    return loaded


def paragraph(results: MeasuresResult, measure_id: str) -> str:
    return " ".join(s.text for s in measure_sentences(results.measure(measure_id), results))


def figure(sentences: tuple[Sentence, ...], text: str) -> Figure:
    return next(f for s in sentences for f in s.figures if f.text == text)


# -- the demo ---------------------------------------------------------------------------------
def test_every_number_of_every_measure_is_in_the_results(
    results: MeasuresResult, results_json: dict[str, Any]
) -> None:
    assert len(results.measures) == 29
    for measure in results.measures:
        sentences = measure_sentences(measure, results)
        assert sentences, measure.id
        assert figures_check(sentences, results_json) == [], measure.id
        assert figures_check(sentences, to_dict(results)) == [], measure.id
        for sentence in sentences:
            assert sentence.text[0].isupper() and sentence.text.endswith("."), sentence.text
            assert "None" not in sentence.text and "nan" not in sentence.text, sentence.text


def test_paragraphs_of_the_whole_results(results: MeasuresResult) -> None:
    every = paragraphs(results)
    assert list(every) == [m.id for m in results.measures]
    assert every["business_crime"] == measure_sentences(results.measure("business_crime"), results)


def _forecast(store: Any, where: str, as_at: str, baseline_year: int, target: float) -> Any:
    """The year-end forecast of the monthly counts SQL gives, to ``as_at``, with the
    ``baseline_year``'s total (2012 = 2012/13)."""
    history = [
        (date.fromisoformat(f"{month}-01"), float(n))
        for month, n in monthly_crimes(store, where, as_at).items()
    ]
    first, last = f"{baseline_year}-04", f"{baseline_year + 1}-03"
    baseline = crimes(store, where, first, last)
    return forecast_year_end(history, history[-1][0], baseline, target, "decrease")


def test_business_crime_rise_is_within_chance_once_the_monthly_variation_is_allowed_for(
    results: MeasuresResult, results_json: dict[str, Any], demo_store: Any
) -> None:
    # By SQL, April 2013 and April 2012 (30 days each): 2,993 and 2,824, up 6.0 %; the exact
    # Poisson test's interval +0.6 % to +11.6 % (more than chance); the months vary about 1.65
    # times as much as Poisson's, and allowing for it (quasi-Poisson, statsmodels) the
    # interval is -0.8 % to +13.2 %: within chance; 2012/13's total 33,797 (the plan's target,
    # the seed's "Reduce business crime by 6 per cent", is on it); the chart's limits 2,756
    # to 3,176 over April 2009 to April 2013; theft from shops and stalls +327 of the +169.
    # The forecast of those monthly counts: 80 % interval 33,979 to 36,197, a 0.1 % chance
    # of the target
    now, before = (crimes(demo_store, "business", m, m) for m in ("2013-04", "2012-04"))
    exact = poisson_rate_ratio(now, before, 30, 30)
    assert exact["low"] > 0  # the exact test alone: more than chance
    year = crimes(demo_store, "business", "2012-04", "2013-03")
    chart = xmr(list(monthly_crimes(demo_store, "business", "2013-04").values()))
    quasi = quasi_poisson_rate_ratio(now, before, 30, 30, chart["overdispersion"])
    assert quasi["low"] < 0 < quasi["high"]  # allowing for the months' variation: chance
    assert chart["lpl"] < now < chart["upl"]  # April 2013 is common-cause variation
    tss = "business AND offence = 'Theft from shops and stalls'"
    tss_rise = crimes(demo_store, tss, "2013-04", "2013-04") - crimes(
        demo_store, tss, "2012-04", "2012-04"
    )
    assert tss_rise > now - before  # "more than the whole rise"
    forecast = _forecast(demo_store, "business", "2013-04", 2012, -6.0)
    assert forecast.p_meet_target is not None and forecast.p_meet_target < 0.01
    low80, high80 = forecast.pi80

    sentences = measure_sentences(results.measure("business_crime"), results)
    text = " ".join(s.text for s in sentences)
    assert (
        f"Business crime: {now:,} recorded in April 2013, {pct_change(now, before):.1f}% more "
        f"than in April 2012 ({before:,})." in text
    )
    assert (
        "The rise is not more than chance alone would give "
        f"(95% interval {quasi['low']:+.1f}% to {quasi['high']:+.1f}%, allowing for how much "
        "the monthly figures vary), so the level is stable." in text
    )
    assert f"The target is a reduction of 6% against 2012/13 ({year:,})." in text
    assert f"(80% interval {low80:,.0f} to {high80:,.0f})" in text
    assert "the chance of meeting the target is less than 1%" in text
    assert (
        "On the control chart April 2013 is common-cause variation only (natural range "
        f"{chart['lpl']:,.0f} to {chart['upl']:,.0f} since April 2009)." in text
    )
    assert "Taken together" not in text  # the test and the chart agree: no change
    assert (
        f"More than the whole rise ({now - before:+,}) comes from theft from shops and stalls "
        f"({tss_rise:+,})." in text
    )
    low = figure(sentences, f"{quasi['low']:+.1f}%")
    path = ("measures", "business_crime", "change_test", "quasi_poisson", "change_ci95", 0)
    assert low.path == path
    business = next(m for m in results_json["measures"] if m["id"] == "business_crime")
    test = business["change_test"]
    assert low.value == test["quasi_poisson"]["change_ci95"][0] == round(quasi["low"], 1)
    # the exact test stays in the results as it was
    assert test["significant"] is True
    assert test["change_ci95"] == [round(exact["low"], 1), round(exact["high"], 1)]


def test_total_recorded_crime_stable_on_last_year_but_below_its_long_run_average(
    results: MeasuresResult, demo_store: Any
) -> None:
    """Year on year the change is chance; the chart (since April 2009) shows the fall of the
    earlier years as a shift below the average: said together, not "stable" then "unusual"."""
    # By SQL, April 2013 against April 2012: 12,761 and 12,646, +0.9 %, the exact Poisson
    # interval -1.5 % to +3.4 % (the results keep it as -1.5, rounded once); allowing for the
    # months' variation (quasi-Poisson, statsmodels) -7.3 % to +9.8 %; the XmR chart of
    # April 2009 to April 2013:
    # mean 13,614, limits 12,411 to 14,816, variance about 12 times Poisson's, the last 18
    # months below the mean and two of the last three between two sigmas and the lower limit;
    # the peers' crime per 1,000 people over the 12 months to April 2013 puts the force 5th
    # of 8
    now, before = (crimes(demo_store, NOT_ASB, m, m) for m in ("2013-04", "2012-04"))
    exact = poisson_rate_ratio(now, before, 30, 30)
    assert exact["low"] < 0 < exact["high"]  # within chance
    values = list(monthly_crimes(demo_store, NOT_ASB, "2013-04").values())
    chart = xmr(values)
    below = next(i for i, v in enumerate(reversed(values)) if v >= chart["mean"])
    two_sigma = chart["mean"] - 2 / 3 * (chart["mean"] - chart["lpl"])
    # close to the limit: beyond two sigmas but not outside (February 2013 is below the limit)
    assert sum(chart["lpl"] <= v < two_sigma for v in values[-3:]) == 2
    rates = demo_store.con.execute(
        "SELECT p.force, 1000 * sum(p.value) / any_value(pop.population) AS rate "
        "FROM peer_figures p JOIN populations pop ON pop.area = p.force "
        "AND pop.area_level = 'force' AND pop.year = 2013 "
        "WHERE p.measure = 'total_recorded_crime' "
        "AND p.month BETWEEN '2012-05-01' AND '2013-04-01' "
        "GROUP BY p.force ORDER BY rate DESC"
    ).fetchall()
    rank = 1 + [force for force, _ in rates].index(results.plan.force)

    sentences = measure_sentences(results.measure("total_recorded_crime"), results)
    text = " ".join(s.text for s in sentences)
    assert (
        f"{now:,} recorded in April 2013, {pct_change(now, before):.1f}% more than in April 2012 "
        f"({before:,})" in text
    )
    quasi = quasi_poisson_rate_ratio(now, before, 30, 30, chart["overdispersion"])
    assert (
        "The rise is not more than chance alone would give (95% interval "
        f"{quasi['low']:+.1f}% to {quasi['high']:+.1f}%, allowing for how much the monthly "
        "figures vary)." in text
    )
    assert "unlikely to be chance" not in text and "stable" not in text
    assert (
        "On the control chart April 2013 is a special cause of improvement, close to the lower "
        f"process limit in two of the last three months, and the {ordinal(below)} month in a "
        f"row below the average of {chart['mean']:,.0f}: a sustained change, not chance "
        f"(natural range {chart['lpl']:,.0f} to {chart['upl']:,.0f} since April 2009)." in text
    )
    # one verdict that joins the two: no change on last year, a lower level that has held
    assert (
        "Taken together, April 2013 is no different from April 2012 beyond chance, but it is "
        "an improvement on the months since April 2009 on the control chart: the improvement "
        "was already there a year ago, with no further fall since." in text
    )
    assert "is within chance, but" not in text
    run = figure(sentences, ordinal(below))
    assert run.path == ("measures", "total_recorded_crime", "spc", "last_run", "months")
    assert run.value == below
    assert figure(sentences, f"{chart['mean']:,.0f}").path[-2:] == ("spc", "mean")
    assert f"{ordinal(rank)} highest of {len(rates)} forces" in text


def test_an_interval_is_rounded_once(results: MeasuresResult, demo_store: Any) -> None:
    """A number in a sentence is the exact value rounded once, to the places shown: the
    results keep an interval of a % change to the one place every reader shows it to (the
    exact lower limit, -1.5497 %, is -1.5, not -1.55 and then -1.6)."""
    now, before = (crimes(demo_store, NOT_ASB, m, m) for m in ("2013-04", "2012-04"))
    exact = poisson_rate_ratio(now, before, 30, 30)
    test = results.measure("total_recorded_crime").change_test
    assert isinstance(test, CountChangeTest)
    assert test.change_ci95 == (round(exact["low"], 1), round(exact["high"], 1))
    assert f"{test.change_ci95[0]:+.1f}" == f"{exact['low']:+.1f}" == "-1.5"
    values = list(monthly_crimes(demo_store, NOT_ASB, "2013-04").values())
    quasi = quasi_poisson_rate_ratio(now, before, 30, 30, xmr(values)["overdispersion"])
    text = paragraph(results, "total_recorded_crime")
    assert f"(95% interval {quasi['low']:+.1f}% to {quasi['high']:+.1f}%," in text


#: The words that say which rule flagged a special-cause point, by rule.
RULE_WORDS = {
    "outside_limits": "process limit",
    "trend": "in a row",
    "two_in_three": "of the last three",
    "shift": "in a row",
}


@pytest.mark.parametrize("as_at", [date(2013, 4, 1), date(2011, 6, 1)])
def test_every_special_cause_is_phrased_by_its_rule(
    as_at: date, results: MeasuresResult, demo_store: Any, builtin_plan: Any
) -> None:
    """The control chart's reading of the latest point says which rule flagged it, and a
    paragraph with a special cause never calls the level stable; where the year-on-year test
    and the chart disagree the sentence says so."""
    found = (
        results
        if as_at == date(2013, 4, 1)
        else analyse(builtin_plan, Engine.of_store(demo_store), as_at)
    )
    data = json.loads(json.dumps(to_dict(found)))
    seen: set[str] = set()
    for measure in found.measures:
        sentences = measure_sentences(measure, found)
        assert figures_check(sentences, data) == [], measure.id
        spc = measure.spc
        if not spc or spc.variation_icon in (None, "common_cause"):
            continue
        rules = spc.last_point_rules
        assert rules, measure.id
        seen.add(rules[0])
        chart = next(s.text for s in sentences if "the control chart" in s.text)
        assert RULE_WORDS[rules[0]] in chart, chart
        assert ("unusually" in chart) == (rules[0] == "outside_limits"), chart
        if spc.last_run is not None:
            assert "a sustained change, not chance" in chart, chart
        text = " ".join(s.text for s in sentences)
        assert "so the level is stable" not in text, measure.id
        test = measure.change_test
        quasi = getattr(test, "quasi_poisson", None)
        significant = (quasi or test).significant if test else None
        if significant is False and measure.change:
            verdict = next(s.text for s in sentences if s.text.startswith("Taken together"))
            assert " beyond chance, but " in verdict and "on the control chart" in verdict
            assert "already there a year ago" in verdict, verdict
    assert seen >= (
        {"outside_limits", "two_in_three", "shift"} if as_at.year == 2013 else {"trend"}
    )


BURGLARY = "offence_group = 'Burglary dwelling'"


def test_burglary_falling_since_its_november_peak(results: MeasuresResult, demo_store: Any) -> None:
    # By SQL: the run back from April 2013 (841) while each month is below the one before:
    # 5 falls from November 2012 (1,202), 30.0 % lower; the calendar months' averages over
    # 2009/10 to 2012/13: November highest (1,303.5), June lowest (843.75)
    counts = monthly_crimes(demo_store, BURGLARY, "2013-04")
    months, values = list(counts), list(counts.values())
    start = len(values) - 1
    while start > 0 and values[start - 1] > values[start]:
        start -= 1
    assert months[start] == "2012-11"
    averages = demo_store.con.execute(
        f"SELECT monthname(month), count(*) / 4 AS average FROM crimes WHERE {BURGLARY} "
        "AND month BETWEEN '2009-04-01' AND '2013-03-01' GROUP BY 1 ORDER BY average DESC"
    ).fetchall()
    (peak, peak_average), (trough, trough_average) = averages[0], averages[-1]
    assert peak == "November"  # the run starts at the seasonal peak

    sentences = measure_sentences(results.measure("burglary_dwelling"), results)
    text = " ".join(s.text for s in sentences)
    assert (
        f"It has fallen in each of the last {len(values) - 1 - start} months, since its seasonal "
        f"peak in {peak} ({values[start]:,}), to {values[-1]:,} in April 2013 "
        f"({-pct_change(values[-1], values[start]):.1f}% lower)." in text
    )
    assert (
        f"it peaks in {peak} ({peak_average:,.0f} a month) and is lowest in {trough} "
        f"({trough_average:,.0f})" in text
    )
    assert figure(sentences, f"{values[start]:,}").path == (
        "measures",
        "burglary_dwelling",
        "facts",
        0,
        "numbers",
        "from_value",
    )
    assert figure(sentences, "5").path[-1] == "months"  # month-on-month steps
    assert "lies within that range: it will be met in some months and missed in others" in text


def test_tss_share_against_a_year_earlier(results: MeasuresResult, demo_store: Any) -> None:
    # By SQL: 1,287 of 2,993 business crimes in April 2013 (43.0 %), 960 of 2,824 in April
    # 2012 (34.0 %), 9.0 points; Newcombe's interval of the difference is above 0
    tss = "business AND offence = 'Theft from shops and stalls'"
    counts = [
        (crimes(demo_store, tss, m, m), crimes(demo_store, "business", m, m))
        for m in ("2013-04", "2012-04")
    ]
    (x1, n1), (x2, n2) = counts
    assert newcombe(x1, n1, x2, n2)[0] > 0  # "more than chance"
    text = paragraph(results, "tss_share_of_business_crime")
    assert (
        f"Theft from shops and stalls made up {100 * x1 / n1:.0f}% of business crime in April "
        f"2013, against {100 * x2 / n2:.0f}% in April 2012." in text
    )
    # printed as whole percentages, the difference is too: 43% against 34% is 9 points
    assert f"{100 * x1 / n1 - 100 * x2 / n2:.0f} points above April 2012" in text
    assert "more than chance." in text


def test_non_crime_hate_incidents_highest_since_the_figures_begin(
    results: MeasuresResult, demo_store: Any
) -> None:
    # By SQL, the complete financial years: 415, 450, 490 and 530 from 2009/10 to 2012/13
    by_year = [
        n
        for _, n in demo_store.con.execute(
            f"SELECT {FY}, count(*) FROM incidents WHERE category = 'Non-crime hate incident' "
            f"AND {FY} BETWEEN 2009 AND 2012 GROUP BY 1 ORDER BY 1"
        ).fetchall()
    ]
    assert one(demo_store, "SELECT min(month) FROM incidents") == date(2009, 4, 1)
    assert by_year == sorted(set(by_year))  # risen every year
    text = paragraph(results, "non_crime_hate_incidents")
    assert (
        f"It has risen year on year since 2009/10, from {by_year[0]:,} to {by_year[-1]:,} "
        "in 2012/13" in text
    )
    # a rise every year from the first: the highest of all, said once, by the run
    assert "was the highest" not in text and "store" not in text


def test_hate_crime_monthly_average_band(results: MeasuresResult, demo_store: Any) -> None:
    # By SQL: 2,339 hate crimes from May 2012 to April 2013, 194.9 a month, between the
    # multiples of 10 below and above it: 190 to 200
    mean = crimes(demo_store, "hate_strand IS NOT NULL", "2012-05", "2013-04") / 12
    low, high = 10 * math.floor(mean / 10), 10 * math.ceil(mean / 10)
    text = paragraph(results, "hate_crime")
    assert f"On average there are {low} to {high} a month (May 2012 to April 2013)." in text


def test_satisfaction_equal_to_the_msg_average_at_december_2012(
    demo_store: Any, builtin_plan: Any
) -> None:
    # By SQL on the peer figures, the 12 months to December 2012: the force 6,188 of 7,104
    # (87.1 %), the seven peers pooled 87.1 %, four forces higher; within the binomial 95 %
    # funnel limits about the peers' rate for 7,104 respondents; the year to December 2011:
    # 85.8 %
    def rolling(last: str) -> dict[str, tuple[int, int]]:
        rows = demo_store.con.execute(
            "SELECT force, sum(value), sum(denominator) FROM peer_figures "
            "WHERE measure = 'satisfaction_crime' "
            "AND month BETWEEN CAST(? AS DATE) - INTERVAL 11 MONTH AND CAST(? AS DATE) "
            "GROUP BY force",
            [last, last],
        ).fetchall()
        return {force: (int(k), int(n)) for force, k, n in rows}

    forces = rolling("2012-12-01")
    k, n = forces.pop(builtin_plan.force)
    theta = sum(x for x, _ in forces.values()) / sum(m for _, m in forces.values())
    assert stats.binom.ppf(0.025, n, theta) <= k <= stats.binom.ppf(0.975, n, theta)
    rank = 1 + sum(x / m > k / n for x, m in forces.values())
    k11, n11 = rolling("2011-12-01")[builtin_plan.force]

    december = analyse(builtin_plan, Engine.of_store(demo_store), date(2012, 12, 1))
    sentences = measure_sentences(december.measure("satisfaction_crime"), december)
    text = " ".join(s.text for s in sentences)
    assert (
        f"West Midlands Police's {100 * k / n:.1f}% compares with a Most Similar Group (MSG) "
        f"average of {100 * theta:.1f}% ({ordinal(rank)} highest of {len(forces) + 1} forces): "
        "equal to the MSG average, allowing for chance" in text
    )
    assert f"against {100 * k11 / n11:.1f}% in the year to December 2011" in text
    assert figures_check(sentences, json.loads(json.dumps(to_dict(december)))) == []
    figure_ = figure(sentences, ordinal(rank))
    assert figure_.path == ("measures", "satisfaction_crime", "peers", "rank")
    assert figure_.value == rank


def test_confidence_wave_on_wave(results: MeasuresResult, demo_store: Any) -> None:
    # By SQL: wave 33 2,449 of 3,038 (80.6 %, Wilson 79.2 % to 82.0 %), wave 32 2,400 of
    # 3,093 (77.6 %); the difference 3.0 points, Newcombe's interval +1.0 to +5.0
    waves = dict(
        (int(wave), (int(k), int(n)))
        for wave, k, n in demo_store.con.execute(
            "SELECT wave, positive, respondents FROM survey_responses "
            "WHERE survey = 'Feeling the Difference' AND area_level = 'force' "
            "AND question = 'Have confidence in the police' AND wave IN ('32', '33')"
        ).fetchall()
    )
    (x1, n1), (x2, n2) = waves[33], waves[32]
    low, high = newcombe(x1, n1, x2, n2)
    assert low > 0  # "more than chance"
    wl, wh = wilson(x1, n1)
    text = paragraph(results, "confidence")
    assert (
        f"Wave 33 is {100 * x1 / n1 - 100 * x2 / n2:.1f} points above wave 32 (95% interval of "
        f"the difference {low:+.1f} to {high:+.1f} points): more than chance." in text
    )
    assert (
        f"{100 * x1 / n1:.1f}% in wave 33 (95% interval {wl:.1f}% to {wh:.1f}%; {n1:,} "
        "respondents)" in text
    )


def test_reoffending_as_published(results: MeasuresResult, demo_store: Any) -> None:
    # Published figures, not computed: the seed's table (its paragraph 20), which the store
    # holds as printed (tests/demo/test_calibration.py); read back here by SQL
    table = {
        area: row
        for area, *row in demo_store.con.execute(
            "SELECT area, level, cohort, actual_rate, predicted_rate, baseline_change_pct "
            "FROM reoffending"
        ).fetchall()
    }
    _, cohort, actual, predicted, change = table["West Midlands"]
    text = paragraph(results, "reoffending")
    assert (
        f"{actual:.2f}% of a cohort of {cohort:,} reoffended, against a predicted rate of "
        f"{predicted:.2f}%" in text
    )
    assert f"{change:.2f}% from the baseline" in text
    authorities = {a: r for a, r in table.items() if r[0] == "Local Authority"}
    largest = min(authorities, key=lambda a: authorities[a][4])
    assert (
        "The largest reduction among the local authorities is in "
        f"{largest} ({authorities[largest][4]:.2f}%)." in text
    )
    (above,) = [a for a, r in authorities.items() if r[2] > r[3]]
    assert f"{above} ({authorities[above][4]:.2f}%) is above its predicted rate." in text


# -- the check --------------------------------------------------------------------------------
def test_a_number_not_in_the_results_is_caught(
    results: MeasuresResult, results_json: dict[str, Any], demo_store: Any
) -> None:
    sentences = measure_sentences(results.measure("business_crime"), results)
    good = sentences[0]
    before = f"({crimes(demo_store, 'business', '2012-04', '2012-04'):,})"  # April 2012: 2,824
    assert before in good.text
    broken = replace(good, text=good.text.replace(before, f"{before}, up 4 %"))
    problems = figures_check([broken], results_json)
    assert problems == [f"number '4' is not a figure: {broken.text}"]
    assert figures_check([Sentence("Business crime rose by 7.3%.")], results_json) == [
        "number '7.3%' is not a figure: Business crime rose by 7.3%."
    ]


def test_a_figure_that_misquotes_the_results_is_caught(
    results_json: dict[str, Any], demo_store: Any
) -> None:
    # business crime's change in the results: (2,993 - 2,824) / 2,824 by SQL = 5.98 %
    now, before = (crimes(demo_store, "business", m, m) for m in ("2013-04", "2012-04"))
    assert round(pct_change(now, before), 2) == 5.98
    path = ("measures", "business_crime", "change_pct")
    wrong_text = Figure("6.5%", 5.98, path, "pct")
    assert figures_check([Sentence("Up 6.5%.", (wrong_text,))], results_json) == [
        "figure '6.5%': measures/business_crime/change_pct formats as '6.0%' in the results"
    ]
    wrong_value = Figure("6.0%", 6.0, path, "pct")
    assert figures_check([Sentence("Up 6.0%.", (wrong_value,))], results_json) == [
        "figure '6.0%': measures/business_crime/change_pct is 5.98 in the results, not 6.0"
    ]
    nowhere = Figure("6.0%", 5.98, ("measures", "no_such_measure", "change_pct"), "pct")
    assert figures_check([Sentence("Up 6.0%.", (nowhere,))], results_json) == [
        "figure '6.0%': no measures/no_such_measure/change_pct in the results"
    ]
    absent = Figure("6.0%", 5.98, path, "pct")
    assert figures_check([Sentence("Up a lot.", (absent,))], results_json) == [
        "figure '6.0%' is not in the sentence: Up a lot."
    ]


def test_number_tokens() -> None:
    assert number_tokens("2,902 (+0.6% to -11.7%), 2012/13, s20/47 and 95 % limits.") == [
        "2,902",
        "+0.6%",
        "-11.7%",
        "2012/13",
        "20/47",
        "95",
    ]


def test_formatters() -> None:
    assert month_name("2012-11") == "November 2012"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
    ]


# -- edges, on constructed results ------------------------------------------------------------
# The constructed measure: 30 robberies of business property in April 2013 against 24 in April
# 2012, a change of +6, (30 - 24) / 24 = 25.0 % more. Its test (``_test(30, 24)``) is the exact
# Poisson test of 30 against 24 over 30 days each, R's poisson.test(c(30, 24), c(30, 30)):
# rate ratio 1.25, 95 % interval 0.706 to 2.234, so -29.4 % to +123.4 %; 60 against 24 is
# +53.4 % to +319.8 %, more than chance (test_the_constructed_tests_are_r_poisson_test).
def _count(**changes: Any) -> MeasureResult:
    base = MeasureResult(
        id="m",
        title="Robbery of business property",
        kind="count",
        unit="count",
        improvement="decrease",
        month="2013-04",
        month_value=30,
        ytd=30,
        baseline_ytd=24,
        change=6,
        change_pct=25.0,
        target=None,
        on_course=None,
        series=(SeriesPoint(month="2013-03", value=28), SeriesPoint(month="2013-04", value=30)),
        comparison=Comparison(
            basis="year_to_date",
            current=("2013-04", "2013-04"),
            baseline=("2012-04", "2012-04"),
            baseline_year="2012/13",
        ),
    )
    return replace(base, **changes)


def _results(measure: MeasureResult) -> MeasuresResult:
    return MeasuresResult(
        as_at="2013-04",
        plan=PlanInfo(
            title="A plan", force="A Force", plan_year="2013/14", baseline_year="2012/13"
        ),
        area="force",
        period=Periods(year_to_date=("2013-04", "2013-04"), baseline=("2012-04", "2012-04")),
        synthetic_data=True,
        measures=(measure,),
    )


def _say(measure: MeasureResult) -> list[str]:
    results = _results(measure)
    sentences = measure_sentences(measure, results)
    assert figures_check(sentences, json.loads(json.dumps(to_dict(results)))) == []
    return [s.text for s in sentences]


def _test(count: int, baseline: int) -> CountChangeTest:
    return from_dict(
        CountChangeTest,
        {
            **poisson_rate_test(count, 30.0, baseline, 30.0).to_dict(),
            "overdispersion": None,
            "note": None,
        },
    )


def test_the_constructed_tests_are_r_poisson_test() -> None:
    """The intervals the sentences below quote, worked again by tests/support/reference.py."""
    exact = poisson_rate_ratio(30, 24, 30, 30)
    assert f"{exact['low']:+.1f}% to {exact['high']:+.1f}%" == "-29.4% to +123.4%"
    assert _test(30, 24).change_ci95 == (round(exact["low"], 1), round(exact["high"], 1))
    assert poisson_rate_ratio(60, 24, 30, 30)["low"] > 0 and _test(60, 24).significant


def test_no_test_no_verdict() -> None:
    assert _say(_count()) == [
        "Robbery of business property: 30 recorded in April 2013, 25.0% more than in "
        "April 2012 (24).",
        "There is no test of this change in the results, so it may be chance alone.",
    ]


def test_a_test_without_overdispersion() -> None:
    assert _say(_count(change_test=_test(30, 24)))[1] == (
        "The rise is not more than chance alone would give (95% interval -29.4% to +123.4%), "
        "so the level is stable."
    )


def test_no_baseline() -> None:
    text = _say(_count(baseline_ytd=None, change=None, change_pct=None))
    assert text == [
        "Robbery of business property: 30 recorded in April 2013; there is no figure for "
        "April 2012 to compare with."
    ]


def test_zero_counts() -> None:
    both = _say(
        _count(
            ytd=0, month_value=0, baseline_ytd=0, change=0, change_pct=None, change_test=_test(0, 0)
        )
    )
    assert both == [
        "Robbery of business property: 0 recorded in April 2013, the same as in April 2012."
    ]
    from_none = _say(
        _count(ytd=8, baseline_ytd=0, change=8, change_pct=None, change_test=_test(8, 0))
    )
    assert (
        from_none[0]
        == "Robbery of business property: 8 recorded in April 2013, against none in April 2012."
    )
    assert from_none[1].startswith(
        "A rise this large is unlikely to be chance alone (95% interval "
    )
    assert from_none[1].endswith(" or more).")


def test_forecast_without_year_end() -> None:
    target = Target(milestone="I1", kind="change_pct", value=-6.0)
    forecast = Forecast(
        year="2013/14",
        as_at="2013-04",
        year_end=None,
        change_pct=None,
        pi80=None,
        pi95=None,
        p_meet_target=None,
        method=METHOD,
        months_known=1,
        months_forecast=11,
        baseline_total=None,
        target_change_pct=-6.0,
        reason=NoSeasonalProfile(months=(5,)),
    )
    text = _say(_count(target=target, forecast=forecast))
    assert text[2:] == [
        "The target is a reduction of 6% against 2012/13.",
        "There is no year-end forecast: no seasonal profile: the history holds no earlier May.",
    ]
    silent = _say(_count(target=target, forecast=replace(forecast, reason=None)))
    assert silent[2:] == ["The target is a reduction of 6% against 2012/13."]


def test_no_data_is_one_sentence() -> None:
    text = _say(
        _count(
            ytd=None, month_value=None, baseline_ytd=None, change=None, change_pct=None, series=()
        )
    )
    assert text == ["There are no figures for robbery of business property as at April 2013."]


def test_missing_months_are_said() -> None:
    text = _say(_count(months_missing=("2013-04",)))
    assert text[-1] == "There are no figures for April 2013."


def test_a_title_with_digits_is_a_figure() -> None:
    sentences = measure_sentences(
        _count(title="Section 20/47 assaults"), _results(_count(title="Section 20/47 assaults"))
    )
    title = figure(sentences, "Section 20/47 assaults")
    assert title.path == ("measures", "m", "title")


def test_several_months_to_date_and_the_year_compared(demo_store: Any, builtin_plan: Any) -> None:
    """As at September 2012 the year to date is six months and the year compared is 2011/12
    (not the plan's baseline year): both come from the results' period."""
    september = analyse(builtin_plan, Engine.of_store(demo_store), date(2012, 9, 1))
    data = json.loads(json.dumps(to_dict(september)))
    for measure in september.measures:
        assert figures_check(measure_sentences(measure, september), data) == [], measure.id
    # By SQL: 5,195 burglaries from April to September 2012, 5,377 a year earlier (3.4 %
    # fewer), 12,181 in 2011/12; the forecast from the monthly counts to September 2012
    now, before = (crimes(demo_store, BURGLARY, f"{y}-04", f"{y}-09") for y in (2012, 2011))
    year = crimes(demo_store, BURGLARY, "2011-04", "2012-03")
    forecast = _forecast(demo_store, BURGLARY, "2012-09", 2011, -8.0)
    text = paragraph(september, "burglary_dwelling")
    assert (
        f"{now:,} recorded in April to September 2012, {-pct_change(now, before):.1f}% fewer "
        f"than in April to September 2011 ({before:,})." in text
    )
    assert f"The target is a reduction of 8% against 2011/12 ({year:,})." in text
    assert f"2012/13 is forecast to end at {forecast.year_end:,.0f}" in text


# -- the control chart's reading, on constructed results -------------------------------------
def _charted(
    rules: tuple[SpcRule, ...],
    icon: VariationIcon = "improvement_low",
    run: TrendRun | ShiftRun | None = None,
    close: CloseToLimit | None = None,
    **changes: Any,
) -> MeasureResult:
    """A count measure of 24 months whose chart reads its last month as ``rules`` say.

    The months run from April 2011 to March 2013 ("since April 2011", "March 2013"); the
    chart's mean 41.25 is said as "the average of 41" and its limits 27.0 and 55.5 as the
    "natural range 27 to 56" (whole numbers; 55.5 rounds to the even 56)."""
    months = [f"{2011 + (3 + i) // 12}-{(3 + i) % 12 + 1:02d}" for i in range(24)]
    series = tuple(SeriesPoint(month=month, value=30) for month in months)
    spc = Spc(
        mean=41.25,
        upl=55.5,
        lpl=27.0,
        point_types=("common_cause",) * 24,
        variation_icon=icon,
        assurance_icon=None,
        segments=(Segment(start_index=0, end_index=23, mean=41.25, upl=55.5, lpl=27.0),),
        target=None,
        months=tuple(months),
        last_point_rules=rules,
        last_run=run,
        last_close=close,
    )
    return _count(series=series, month=months[-1], spc=spc, **changes)


def _chart_sentence(measure: MeasureResult) -> str:
    return next(text for text in _say(measure) if "the control chart" in text)


def test_outside_the_limits_is_unusual() -> None:
    assert _chart_sentence(_charted(("outside_limits",))) == (
        "On the control chart March 2013 is a special cause of improvement, unusually low: "
        "below the lower process limit (natural range 27 to 56 since April 2011)."
    )
    assert _chart_sentence(_charted(("outside_limits",), icon="concern_high")) == (
        "On the control chart March 2013 is a special cause of concern, unusually high: "
        "above the upper process limit (natural range 27 to 56 since April 2011)."
    )


def test_a_shift_is_a_sustained_change_not_an_unusual_month() -> None:
    shift = ShiftRun(months=9, side="below")
    text = _chart_sentence(_charted(("shift",), run=shift))
    assert text == (
        "On the control chart March 2013 is a special cause of improvement, the 9th month in a "
        "row below the average of 41: a sustained change, not chance (natural range 27 to 56 "
        "since April 2011)."
    )
    assert "unusually" not in text
    both = _chart_sentence(_charted(("outside_limits", "shift"), run=shift))
    assert both.startswith(
        "On the control chart March 2013 is a special cause of improvement, unusually low: below "
        "the lower process limit, and the 9th month in a row below the average of 41: a "
        "sustained change, not chance ("
    )


def test_a_trend_counts_its_monthly_steps() -> None:
    trend = TrendRun(months=8, steps=7, direction="rise")
    assert _chart_sentence(_charted(("trend", "shift"), icon="concern_high", run=trend)) == (
        "On the control chart March 2013 is a special cause of concern, the 7th monthly rise in "
        "a row: a sustained change, not chance (natural range 27 to 56 since April 2011)."
    )


def test_two_of_three_close_to_a_limit() -> None:
    close = CloseToLimit(months=2, of=3, side="below")
    assert _chart_sentence(_charted(("two_in_three",), close=close)) == (
        "On the control chart March 2013 is a special cause of improvement, close to the lower "
        "process limit in two of the last three months (natural range 27 to 56 since April 2011)."
    )
    every = CloseToLimit(months=3, of=3, side="above")
    text = _chart_sentence(_charted(("two_in_three",), icon="neutral_high", close=every))
    assert "a special cause, close to the upper process limit in each of the last three" in text


SHIFT = ShiftRun(months=9, side="below")
FALL: dict[str, Any] = {"change": -36, "ytd": 24, "baseline_ytd": 60, "change_pct": -60.0}
RISE: dict[str, Any] = {"change": 36, "ytd": 60, "baseline_ytd": 24, "change_pct": 150.0}


@pytest.mark.parametrize(
    ("chart", "test", "change", "verdict"),
    [
        (
            (("shift",), "improvement_low", SHIFT),
            (30, 24),
            {},
            "Taken together, April 2013 is no different from April 2012 beyond chance, but March "
            "2013 is an improvement on the months since April 2011 on the control chart: the "
            "improvement was already there a year ago, with no further fall since.",
        ),
        (
            (("outside_limits",), "concern_high", None),
            (30, 24),
            {},
            "Taken together, April 2013 is no different from April 2012 beyond chance, but March "
            "2013 is a concern against the months since April 2011 on the control chart: the "
            "deterioration was already there a year ago and has not been reversed.",
        ),
        (
            ((), "common_cause", None),
            (60, 24),
            RISE,
            "Taken together, the rise against April 2012 is more than chance, but March 2013 is "
            "within the control chart's natural variation since April 2011: not yet a sustained "
            "deterioration, so one to watch.",
        ),
        (
            ((), "common_cause", None),
            (24, 60),
            FALL,
            "Taken together, the fall against April 2012 is more than chance, but March 2013 is "
            "within the control chart's natural variation since April 2011: not yet a sustained "
            "improvement, so one to watch.",
        ),
        (
            (("outside_limits",), "improvement_low", None),
            (24, 60),
            FALL,
            "Taken together, this is a real improvement: the fall against April 2012 is more than "
            "chance, and March 2013 is an improvement on the months since April 2011 on the "
            "control chart.",
        ),
        (
            (("outside_limits",), "concern_high", None),
            (60, 24),
            RISE,
            "Taken together, this is a real deterioration: the rise against April 2012 is more "
            "than chance, and March 2013 is a concern against the months since April 2011 on the "
            "control chart.",
        ),
        (
            (("shift",), "improvement_low", SHIFT),
            (60, 24),
            RISE,
            "Taken together, April 2013 is worse than April 2012 beyond chance, though March 2013 "
            "is still an improvement on the months since April 2011 on the control chart: the "
            "earlier improvement is being lost.",
        ),
        (
            (("outside_limits",), "concern_high", None),
            (24, 60),
            FALL,
            "Taken together, April 2013 is better than April 2012 beyond chance, though March "
            "2013 is still a concern against the months since April 2011 on the control chart: "
            "this year's improvement has not yet undone the earlier deterioration.",
        ),
    ],
)
def test_the_test_and_the_chart_are_joined_in_one_verdict(
    chart: tuple[Any, ...], test: tuple[int, int], change: dict[str, Any], verdict: str
) -> None:
    """Every pairing of the year-on-year test (within chance, better or worse beyond chance)
    with the chart's reading (common cause, improvement, concern) is said as one verdict:
    never "within chance" beside "special cause" unexplained."""
    rules, icon, run = chart
    text = _say(_charted(rules, icon=icon, run=run, change_test=_test(*test), **change))
    assert text[-1] == verdict
    assert sum(t.startswith("Taken together") for t in text) == 1
    assert not any("is within chance, but" in t for t in text)


def test_no_verdict_when_the_test_and_the_chart_both_see_no_change() -> None:
    stable = _say(_charted((), icon="common_cause", change_test=_test(30, 24)))
    assert stable[1].endswith(", so the level is stable.")
    assert stable[2].startswith("On the control chart March 2013 is common-cause variation only")
    assert not any(t.startswith("Taken together") for t in stable)


def test_the_verdict_relies_on_the_quasi_poisson_test() -> None:
    """The exact test calls a rise of 60 on 24 more than chance; with the months varying 9
    times as much as Poisson's the quasi-Poisson interval (statsmodels) holds 0."""
    exact = _test(60, 24)
    quasi = quasi_poisson_rate_ratio(60, 24, 30.0, 30.0, 9.0)
    assert exact.significant and quasi["low"] < 0
    found = quasi_poisson_rate_test(60, 30.0, 24, 30.0, 9.0)
    assert found is not None
    test = replace(
        exact,
        overdispersion=9.0,
        quasi_poisson=from_dict(QuasiPoissonTest, found.to_dict()),
    )
    text = _say(_charted((), icon="common_cause", change_test=test, **RISE))
    assert text[1] == (
        f"The rise is not more than chance alone would give (95% interval {quasi['low']:+.1f}% "
        f"to {quasi['high']:+.1f}%, allowing for how much the monthly figures vary), so the "
        "level is stable."
    )
    assert not any(t.startswith("Taken together") for t in text)


def test_a_rebased_chart_gives_its_reason() -> None:
    measure = _charted(("shift",), run=SHIFT, change_test=_test(30, 24))
    spc = measure.spc
    assert spc is not None
    segments = (
        Segment(start_index=0, end_index=11, mean=50.0, upl=70.0, lpl=30.0),
        replace(spc.segments[0], start_index=12),
    )
    rebased = replace(
        measure,
        spc=replace(
            spc,
            segments=segments,
            rebases=(Rebase(month="2012-04", reason="Recording audit of 2012"),),
        ),
    )
    chart = _chart_sentence(rebased)
    assert chart.endswith(
        "(natural range 27 to 56 since April 2012, when the limits were recalculated: "
        "Recording audit of 2012)."
    )
    assert "the months since April 2012 on the control chart" in _say(rebased)[-1]


def test_undefined_limits_are_said() -> None:
    measure = _charted((), icon="common_cause", change_test=_test(30, 30), change=0)
    spc = measure.spc
    assert spc is not None
    flat = replace(
        spc,
        mean=30.0,
        upl=None,
        lpl=None,
        segments=(
            Segment(
                start_index=0,
                end_index=23,
                mean=30.0,
                upl=None,
                lpl=None,
                undefined_limits="no_variation",
            ),
        ),
    )
    chart = _chart_sentence(replace(measure, spc=flat))
    assert chart == (
        "On the control chart March 2013 is common-cause variation only; the chart has no "
        "process limits: every month has the same figure since April 2011."
    )
    # a change beyond chance beside a chart with no limits: no "natural variation" to cite
    rise = replace(measure, spc=flat, change_test=_test(60, 24), **RISE)
    assert not any(t.startswith("Taken together") for t in _say(rise))


def test_results_without_the_rules_keep_the_old_reading() -> None:
    """A results file written before the rules were recorded (no ``last_point_rules``)."""
    results = json.loads(json.dumps(to_dict(_results(_charted(())))))
    measure = results["measures"][0]
    measure["spc"] = {k: v for k, v in measure["spc"].items() if not k.startswith("last_")}
    sentences = sentences_from_json(measure, results)
    assert figures_check(sentences, results) == []
    assert next(s.text for s in sentences if "the control chart" in s.text) == (
        "On the control chart March 2013 is a special cause of improvement, unusually low "
        "(natural range 27 to 56 since April 2011)."
    )
