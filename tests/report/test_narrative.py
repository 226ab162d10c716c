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
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from crimeplan.measures.analysis import analyse
from crimeplan.measures.results import MeasureResult, MeasuresResult, SeriesPoint, Target
from crimeplan.report.narrative import (
    Figure,
    Sentence,
    figures_check,
    measure_sentences,
    month_name,
    number_tokens,
    ordinal,
    paragraphs,
)
from crimeplan.stats.significance import poisson_rate_test


@pytest.fixture(scope="module")
def results(demo_store: Any, builtin_plan: Any) -> MeasuresResult:
    return analyse(builtin_plan, demo_store.ibis(), date(2013, 4, 1))


@pytest.fixture(scope="module")
def results_json(results: MeasuresResult) -> dict[str, Any]:
    """As ``results.json`` holds it: written and read back."""
    loaded: dict[str, Any] = json.loads(json.dumps(results.to_dict()))
    return loaded


def paragraph(results: MeasuresResult, measure_id: str) -> str:
    return " ".join(s.text for s in measure_sentences(results.measure(measure_id), results))


def figure(sentences: tuple[Sentence, ...], text: str) -> Figure:
    return next(f for s in sentences for f in s.figures if f.text == text)


# -- the demo ---------------------------------------------------------------------------------
def test_every_number_of_every_measure_is_in_the_results(
    results: MeasuresResult, results_json: dict[str, Any]
) -> None:
    assert len(results.measures) == 28
    for measure in results.measures:
        sentences = measure_sentences(measure, results)
        assert sentences, measure.id
        assert figures_check(sentences, results_json) == [], measure.id
        assert figures_check(sentences, results.to_dict()) == [], measure.id
        for sentence in sentences:
            assert sentence.text[0].isupper() and sentence.text.endswith("."), sentence.text
            assert "None" not in sentence.text and "nan" not in sentence.text, sentence.text


def test_paragraphs_of_the_whole_results(results: MeasuresResult) -> None:
    every = paragraphs(results)
    assert list(every) == [m.id for m in results.measures]
    assert every["business_crime"] == measure_sentences(results.measure("business_crime"), results)


def test_business_crime_rise_is_signal_though_april_is_common_cause(
    results: MeasuresResult, results_json: dict[str, Any]
) -> None:
    sentences = measure_sentences(results.measure("business_crime"), results)
    text = " ".join(s.text for s in sentences)
    assert (
        "Business crime: 2,993 recorded in April 2013, 6.0% more than in April 2012 (2,824)."
        in text
    )
    assert (
        "A rise this large is unlikely to be chance alone (95% interval +0.6% to +11.6%)." in text
    )
    assert "The target is a reduction of 6% against 2012/13 (33,797)." in text
    assert "(80% interval 33,979 to 36,197)" in text
    assert "the chance of meeting the target is less than 1%" in text
    assert (
        "The change against April 2012 is more than chance, but on the control chart April 2013 "
        "is within the process's common-cause variation (natural range 2,756 to 3,176 since April "
        "2009)." in text
    )
    assert "More than the whole rise (+169) comes from theft from shops and stalls (+327)." in text
    low = figure(sentences, "+0.6%")
    assert low.path == ("measures", "business_crime", "change_test", "change_ci95", 0)
    assert low.value == results_json["measures"][21]["change_test"]["change_ci95"][0] == 0.64


def test_total_recorded_crime_stable_on_last_year_but_below_its_long_run_average(
    results: MeasuresResult,
) -> None:
    """Year on year the change is chance; the chart (since April 2009) shows the fall of the
    earlier years as a shift below the average: said together, not "stable" then "unusual"."""
    sentences = measure_sentences(results.measure("total_recorded_crime"), results)
    text = " ".join(s.text for s in sentences)
    assert "12,761 recorded in April 2013, 0.9% more than in April 2012 (12,646)" in text
    assert (
        "The rise is not more than chance alone would give (95% interval -1.6% to +3.4%); "
        "the monthly figures vary about 12 times more than chance would give." in text
    )
    assert "unlikely to be chance" not in text and "stable" not in text
    assert (
        "The change against April 2012 is within chance, but on the control chart April 2013 "
        "is a special cause of improvement, close to the lower process limit in two of the last "
        "three months, and the 18th month in a row below the average of 13,614: a sustained "
        "change, not chance (natural range 12,411 to 14,816 since April 2009)." in text
    )
    run = figure(sentences, "18th")
    assert run.path == ("measures", "total_recorded_crime", "spc", "last_run", "months")
    assert run.value == 18
    assert figure(sentences, "13,614").path[-2:] == ("spc", "mean")
    assert "5th highest of 8 forces" in text


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
        results if as_at == date(2013, 4, 1) else analyse(builtin_plan, demo_store.ibis(), as_at)
    )
    data = json.loads(json.dumps(found.to_dict()))
    seen: set[str] = set()
    for measure in found.measures:
        sentences = measure_sentences(measure, found)
        assert figures_check(sentences, data) == [], measure.id
        spc = measure.spc
        if not spc or spc["variation_icon"] in (None, "common_cause"):
            continue
        rules = spc["last_point_rules"]
        assert rules, measure.id
        seen.add(rules[0])
        chart = next(s.text for s in sentences if "the control chart" in s.text)
        assert RULE_WORDS[rules[0]] in chart, chart
        assert ("unusually" in chart) == (rules[0] == "outside_limits"), chart
        if spc["last_run"] is not None:
            assert "a sustained change, not chance" in chart, chart
        text = " ".join(s.text for s in sentences)
        assert "so the level is stable" not in text, measure.id
        significant = (measure.change_test or {}).get("significant")
        if significant is False and measure.change:
            assert chart.startswith("The change against "), chart
    assert seen >= (
        {"outside_limits", "two_in_three", "shift"} if as_at.year == 2013 else {"trend"}
    )


def test_burglary_falling_since_its_november_peak(results: MeasuresResult) -> None:
    sentences = measure_sentences(results.measure("burglary_dwelling"), results)
    text = " ".join(s.text for s in sentences)
    assert (
        "It has fallen in each of the last 5 months, since its seasonal peak in November "
        "(1,202), to 841 in April 2013 (30.0% lower)." in text
    )
    assert "it peaks in November (1,304 a month) and is lowest in June (844)" in text
    assert figure(sentences, "1,202").path == (
        "measures",
        "burglary_dwelling",
        "facts",
        0,
        "numbers",
        "from_value",
    )
    assert figure(sentences, "5").path[-1] == "months"  # month-on-month steps
    assert "lies within that range: it will be met in some months and missed in others" in text


def test_tss_share_against_a_year_earlier(results: MeasuresResult) -> None:
    text = paragraph(results, "tss_share_of_business_crime")
    assert (
        "Theft from shops and stalls made up 43% of business crime in April 2013, "
        "against 34% in April 2012." in text
    )
    assert "9.0 points above April 2012" in text and "more than chance." in text


def test_non_crime_hate_incidents_highest_in_the_store(results: MeasuresResult) -> None:
    text = paragraph(results, "non_crime_hate_incidents")
    assert "The 2012/13 total, 530, was the highest in the store, which begins in 2009/10." in text
    assert "It has risen year on year since 2009/10, from 415 to 530 in 2012/13" in text


def test_hate_crime_monthly_average_band(results: MeasuresResult) -> None:
    text = paragraph(results, "hate_crime")
    assert "On average there are 190 to 200 a month (May 2012 to April 2013)." in text


def test_satisfaction_equal_to_the_msg_average_at_december_2012(
    demo_store: Any, builtin_plan: Any
) -> None:
    december = analyse(builtin_plan, demo_store.ibis(), date(2012, 12, 1))
    sentences = measure_sentences(december.measure("satisfaction_crime"), december)
    text = " ".join(s.text for s in sentences)
    assert (
        "West Midlands Police's 87.1% compares with a Most Similar Group (MSG) average of 87.1% "
        "(5th highest of 8 forces): equal to the MSG average, allowing for chance" in text
    )
    assert "against 85.8% in the year to December 2011" in text
    assert figures_check(sentences, json.loads(json.dumps(december.to_dict()))) == []
    rank = figure(sentences, "5th")
    assert rank.path == ("measures", "satisfaction_crime", "peers", "rank") and rank.value == 5


def test_confidence_wave_on_wave(results: MeasuresResult) -> None:
    text = paragraph(results, "confidence")
    assert (
        "Wave 33 is 3.0 points above wave 32 (95% interval of the difference +1.0 to +5.0 "
        "points): more than chance." in text
    )
    assert "80.6% in wave 33 (95% interval 79.2% to 82.0%; 3,038 respondents)" in text


def test_reoffending_as_published(results: MeasuresResult) -> None:
    text = paragraph(results, "reoffending")
    assert "7.71% of a cohort of 68,651 reoffended, against a predicted rate of 8.64%" in text
    assert "-10.78% from the baseline" in text
    assert "The largest reduction among the local authorities is in Dudley (-30.82%)." in text
    assert "Stoke-on-Trent (3.35%) is above its predicted rate." in text


# -- the check --------------------------------------------------------------------------------
def test_a_number_not_in_the_results_is_caught(
    results: MeasuresResult, results_json: dict[str, Any]
) -> None:
    sentences = measure_sentences(results.measure("business_crime"), results)
    good = sentences[0]
    broken = replace(good, text=good.text.replace("(2,824)", "(2,824), up 4 %"))
    problems = figures_check([broken], results_json)
    assert problems == [f"number '4' is not a figure: {broken.text}"]
    assert figures_check([Sentence("Business crime rose by 7.3%.")], results_json) == [
        "number '7.3%' is not a figure: Business crime rose by 7.3%."
    ]


def test_a_figure_that_misquotes_the_results_is_caught(results_json: dict[str, Any]) -> None:
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
        series=(SeriesPoint("2013-03", 28), SeriesPoint("2013-04", 30)),
        comparison="year to date against the same period of 2012/13 (April 2012)",
    )
    return replace(base, **changes)


def _results(measure: MeasureResult) -> MeasuresResult:
    return MeasuresResult(
        as_at="2013-04",
        plan_title="A plan",
        force="A Force",
        plan_year="2013/14",
        baseline_year="2012/13",
        area="force",
        ytd_months=("2013-04", "2013-04"),
        baseline_months=("2012-04", "2012-04"),
        synthetic_data=True,
        measures=(measure,),
    )


def _say(measure: MeasureResult) -> list[str]:
    results = _results(measure)
    sentences = measure_sentences(measure, results)
    assert figures_check(sentences, json.loads(json.dumps(results.to_dict()))) == []
    return [s.text for s in sentences]


def _test(count: int, baseline: int) -> dict[str, Any]:
    return {
        "test": "poisson_rate_ratio",
        **poisson_rate_test(count, 30.0, baseline, 30.0).to_dict(),
        "overdispersion": None,
        "note": None,
    }


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
    target = Target("I1", "change_pct", -6.0)
    forecast = {
        "year": "2013/14",
        "year_end": None,
        "change_pct": None,
        "pi80": None,
        "pi95": None,
        "p_meet_target": None,
        "months_known": 1,
        "months_forecast": 11,
        "baseline_total": None,
        "target_change_pct": -6.0,
        "reason": "no history for May in earlier years",
    }
    text = _say(_count(target=target, forecast=forecast))
    assert text[2:] == [
        "The target is a reduction of 6% against 2012/13.",
        "There is no year-end forecast: no history for May in earlier years.",
    ]
    silent = _say(_count(target=target, forecast={**forecast, "reason": None}))
    assert silent[2:] == ["The target is a reduction of 6% against 2012/13."]


def test_no_data_is_one_sentence() -> None:
    text = _say(
        _count(
            ytd=None, month_value=None, baseline_ytd=None, change=None, change_pct=None, series=()
        )
    )
    assert text == [
        "There are no figures for robbery of business property as at April 2013 in the store."
    ]


def test_missing_months_are_said() -> None:
    text = _say(_count(months_missing=("2013-04",)))
    assert text[-1] == "The store has no figures for April 2013."


def test_a_title_with_digits_is_a_figure() -> None:
    sentences = measure_sentences(
        _count(title="Section 20/47 assaults"), _results(_count(title="Section 20/47 assaults"))
    )
    title = figure(sentences, "Section 20/47 assaults")
    assert title.path == ("measures", "m", "title")


def test_several_months_to_date_and_the_year_compared(demo_store: Any, builtin_plan: Any) -> None:
    """As at September 2012 the year to date is six months and the year compared is 2011/12
    (not the plan's baseline year): both come from the results' period."""
    september = analyse(builtin_plan, demo_store.ibis(), date(2012, 9, 1))
    data = json.loads(json.dumps(september.to_dict()))
    for measure in september.measures:
        assert figures_check(measure_sentences(measure, september), data) == [], measure.id
    text = paragraph(september, "burglary_dwelling")
    assert (
        "5,195 recorded in April to September 2012, 3.4% fewer than in April to September "
        "2011 (5,377)." in text
    )
    assert "The target is a reduction of 8% against 2011/12 (12,181)." in text
    assert "2012/13 is forecast to end at 11,957" in text


# -- the control chart's reading, on constructed results -------------------------------------
def _charted(
    rules: list[str],
    icon: str = "improvement_low",
    run: dict[str, Any] | None = None,
    close: dict[str, Any] | None = None,
    **changes: Any,
) -> MeasureResult:
    """A count measure of 24 months whose chart reads its last month as ``rules`` say."""
    months = [f"{2011 + (3 + i) // 12}-{(3 + i) % 12 + 1:02d}" for i in range(24)]
    series = tuple(SeriesPoint(month, 30) for month in months)
    spc = {
        "mean": 41.25,
        "upl": 55.5,
        "lpl": 27.0,
        "point_types": ["common_cause"] * 24,
        "variation_icon": icon,
        "assurance_icon": None,
        "segments": [{"start_index": 0, "end_index": 23, "mean": 41.25, "upl": 55.5, "lpl": 27.0}],
        "target": None,
        "months": months,
        "last_point_rules": rules,
        "last_run": run,
        "last_close": close,
    }
    return _count(series=series, month=months[-1], spc=spc, **changes)


def _chart_sentence(measure: MeasureResult) -> str:
    return next(text for text in _say(measure) if "the control chart" in text)


def test_outside_the_limits_is_unusual() -> None:
    assert _chart_sentence(_charted(["outside_limits"])) == (
        "On the control chart March 2013 is a special cause of improvement, unusually low: "
        "below the lower process limit (natural range 27 to 56 since April 2011)."
    )
    assert _chart_sentence(_charted(["outside_limits"], icon="concern_high")) == (
        "On the control chart March 2013 is a special cause of concern, unusually high: "
        "above the upper process limit (natural range 27 to 56 since April 2011)."
    )


def test_a_shift_is_a_sustained_change_not_an_unusual_month() -> None:
    shift = {"rule": "shift", "months": 9, "side": "below"}
    text = _chart_sentence(_charted(["shift"], run=shift))
    assert text == (
        "On the control chart March 2013 is a special cause of improvement, the 9th month in a "
        "row below the average of 41: a sustained change, not chance (natural range 27 to 56 "
        "since April 2011)."
    )
    assert "unusually" not in text
    both = _chart_sentence(_charted(["outside_limits", "shift"], run=shift))
    assert both.startswith(
        "On the control chart March 2013 is a special cause of improvement, unusually low: below "
        "the lower process limit, and the 9th month in a row below the average of 41: a "
        "sustained change, not chance ("
    )


def test_a_trend_counts_its_monthly_steps() -> None:
    trend = {"rule": "trend", "months": 8, "steps": 7, "direction": "rise"}
    assert _chart_sentence(_charted(["trend", "shift"], icon="concern_high", run=trend)) == (
        "On the control chart March 2013 is a special cause of concern, the 7th monthly rise in "
        "a row: a sustained change, not chance (natural range 27 to 56 since April 2011)."
    )


def test_two_of_three_close_to_a_limit() -> None:
    close = {"months": 2, "of": 3, "side": "below"}
    assert _chart_sentence(_charted(["two_in_three"], close=close)) == (
        "On the control chart March 2013 is a special cause of improvement, close to the lower "
        "process limit in two of the last three months (natural range 27 to 56 since April 2011)."
    )
    every = {"months": 3, "of": 3, "side": "above"}
    text = _chart_sentence(_charted(["two_in_three"], icon="neutral_high", close=every))
    assert "a special cause, close to the upper process limit in each of the last three" in text


def test_the_headline_and_the_chart_disagreeing_is_said() -> None:
    """A change within chance beside a special cause, and a change beyond chance beside a
    common-cause month: the second sentence no longer calls the level stable."""
    shift = {"rule": "shift", "months": 9, "side": "below"}
    text = _say(_charted(["shift"], run=shift, change_test=_test(30, 24)))
    assert text[1] == (
        "The rise is not more than chance alone would give (95% interval -29.4% to +123.4%)."
    )
    assert text[2].startswith(
        "The change against April 2012 is within chance, but on the control chart March 2013 "
        "is a special cause of improvement, the 9th month in a row below"
    )
    common = _say(_charted([], icon="common_cause", change_test=_test(60, 24), change=36))
    assert common[2] == (
        "The change against April 2012 is more than chance, but on the control chart March 2013 "
        "is within the process's common-cause variation (natural range 27 to 56 since April 2011)."
    )
    stable = _say(_charted([], icon="common_cause", change_test=_test(30, 24)))
    assert stable[1].endswith(", so the level is stable.")
    assert stable[2].startswith("On the control chart March 2013 is common-cause variation only")


def test_results_without_the_rules_keep_the_old_reading() -> None:
    """A results file written before the rules were recorded (no ``last_point_rules``)."""
    measure = _charted([])
    spc = {k: v for k, v in (measure.spc or {}).items() if not k.startswith("last_")}
    assert _chart_sentence(replace(measure, spc=spc)) == (
        "On the control chart March 2013 is a special cause of improvement, unusually low "
        "(natural range 27 to 56 since April 2011)."
    )
