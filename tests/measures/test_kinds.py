"""The measure kinds' registry: every kind of the plan's ``Measure`` union has one ``Kind``,
and each kind gives its results the facts that fit it."""

from __future__ import annotations

from datetime import date
from typing import get_args

import pytest

from crimeplan.measures.kinds import KINDS
from crimeplan.measures.kinds import statistics as kind_stats
from crimeplan.measures.kinds.base import Evaluation, Period
from crimeplan.periods import add_months, format_month, parse_month
from crimeplan.plan import builtin_plan_path, load_plan
from crimeplan.plan.model import MEASURE_MODELS, Measure
from crimeplan.results.measure import Comparison, MeasureResult, SeriesPoint
from crimeplan.stats.facts import RunFact, SeasonalFact, ShareFact

FY_SHAPE = [10, 11, 12, 13, 14, 15, 16, 20, 12, 9, 8, 5]  # April … March; peak November


def test_every_kind_of_the_plan_has_one_kind_object() -> None:
    union = get_args(get_args(Measure)[0])
    assert set(union) == set(MEASURE_MODELS)
    assert {k.model for k in KINDS.values()} == set(MEASURE_MODELS)
    for name, kind in KINDS.items():
        assert get_args(kind.model.model_fields["kind"].annotation) == (name,)


def test_every_narrative_topic_of_a_kind_is_known() -> None:
    from crimeplan.report.narrative import TOPICS

    for kind in KINDS.values():
        assert set(kind.narrative) <= set(TOPICS), kind.name


def monthly(first: str, values: list[float | int | None]) -> list[tuple[str, float | int | None]]:
    start = parse_month(first)
    return [(format_month(add_months(start, i)), v) for i, v in enumerate(values)]


def _result(kind: str, values: list[float | int | None], **extra: object) -> MeasureResult:
    series = tuple(SeriesPoint(month=m, value=v) for m, v in monthly("2011-04", values))
    fields: dict[str, object] = {
        "id": "m", "title": "M", "kind": kind, "unit": "count", "improvement": "decrease",
        "month": series[-1].month, "month_value": values[-1], "ytd": None, "baseline_ytd": None,
        "change": None, "change_pct": None, "target": None, "on_course": None, "series": series,
        "comparison": Comparison(basis="year_to_date"),
    }  # fmt: skip
    fields.update(extra)
    return MeasureResult(**fields)  # type: ignore[arg-type]


def test_the_facts_of_a_count() -> None:
    # two whole years ending 20, 12, 9, 8, 5 (November 2012 to March 2013), then 4, 3, 2:
    # seven falls from November
    result = _result("count", [*FY_SHAPE, *FY_SHAPE, 4, 3, 2])
    facts = [*kind_stats.series_facts(result), *kind_stats.count_facts(result)]
    assert [f.kind for f in facts][:3] == ["run", "seasonal", "monthly_average"]
    run, seasonal = facts[0], facts[1]
    assert isinstance(run, RunFact) and isinstance(seasonal, SeasonalFact)
    assert (run.numbers.direction, run.numbers.months) == ("fall", 7)
    assert seasonal.numbers.peak_month_name == "November"


def test_the_facts_of_a_proportion() -> None:
    result = _result(
        "proportion",
        [40.0, 43.0],
        ytd_numerator=43,
        ytd_denominator=100,
        baseline_numerator=34,
        baseline_denominator=100,
    )
    plan = load_plan(builtin_plan_path())
    ev = Evaluation(plan=plan, engine=None, period=Period.for_plan(plan, date(2013, 4, 1)))  # type: ignore[arg-type]
    facts = [*kind_stats.series_facts(result), *kind_stats.share_fact(result, ev)]
    assert [f.kind for f in facts] == ["run", "share"]
    share = facts[1]
    assert isinstance(share, ShareFact)
    assert share.period == ("2012-04", "2012-04", "2013-04", "2013-04")
    assert share.numbers.change_points == pytest.approx(9.0)
