"""The statistics the kinds give their results, on each measure's small monthly series:
the XmR chart, the test of the change, the year-end forecast, the peer comparison and the
facts. Each kind's ``analyse`` picks the ones that fit it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Literal

from crimeplan.codec import from_dict, to_dict
from crimeplan.measures.breakdown import NOT_RECORDED, breakdown_periods
from crimeplan.measures.kinds.base import Evaluation
from crimeplan.periods import FinancialYear, add_months, days_in_month, format_month, parse_month
from crimeplan.plan.model import CountMeasure, MeasureBase
from crimeplan.results.measure import MeasureResult
from crimeplan.results.statistics import (
    CountChangeTest,
    Overdispersed,
    ProportionChangeTest,
    Rebase,
    RebaseSuggestion,
    Spc,
)
from crimeplan.stats import facts as facts_
from crimeplan.stats.forecast import Forecast, forecast_year_end
from crimeplan.stats.peers import PeerComparison, peer_comparison, peer_trend
from crimeplan.stats.significance import (
    OVERDISPERSION_THRESHOLD,
    newcombe_difference,
    overdispersed,
    overdispersion,
    poisson_rate_test,
    quasi_poisson_rate_test,
)
from crimeplan.stats.spc import last_point_reading, suggested_rebase, xmr_chart


# -- the control chart --------------------------------------------------------------------------
def spc(measure: MeasureBase, result: MeasureResult) -> Spc | None:
    """The XmR chart of the monthly series (or the survey's waves), rebased where the plan
    says; None with fewer than two values."""
    if not result.series:
        return None
    values = [p.value for p in result.series]
    if sum(v is not None for v in values) < 2:
        return None
    months = [p.month for p in result.series]
    reasons = dict(measure.rebase_points)
    at = {month: i for i, month in enumerate(months) if month in reasons and i > 0}
    target = target_line(result)
    chart = xmr_chart(
        values,
        improvement_direction=measure.improvement,
        target=target,
        rebase_at_index=sorted(at.values()),
        fix_after_n_points=measure.spc.fix_after_n_points if measure.spc else None,
    )
    reading = last_point_reading(chart, values)
    shift = suggested_rebase(chart, values)
    return Spc(
        mean=chart.mean,
        upl=chart.upl,
        lpl=chart.lpl,
        point_types=chart.point_types,
        # the as-at month missing: there is no latest point to read
        variation_icon=None if values[-1] is None else chart.variation_icon,
        assurance_icon=chart.assurance_icon,
        segments=chart.segments,
        target=target,
        months=tuple(months),
        last_point_rules=reading.rules,
        last_run=reading.run,
        last_close=reading.close,
        rebases=tuple(Rebase(month=month, reason=reasons[month]) for month in sorted(at)),
        suggested_rebase=None
        if shift is None
        else RebaseSuggestion(
            month=months[shift.index], index=shift.index, months=shift.months, side=shift.side
        ),
    )


def target_line(result: MeasureResult) -> float | None:
    """The target in the series' own units: a level target as it is; a % change target as the
    baseline year's monthly average moved by the target (counts only)."""
    target = result.target
    if target is None:
        return None
    if target.kind != "change_pct":
        return target.value
    if result.kind != "count":
        return None
    totals = yearly_totals(result)
    base_year = FinancialYear.of(add_months(parse_month(result.month), -12))
    total = totals.get(base_year.label)
    if total is None:
        return None
    return round(total / 12 * (1 + target.value / 100), 4)


def yearly_totals(result: MeasureResult) -> dict[str, float]:
    """Financial-year totals of a count's series (a rate's counts), complete years only."""
    by_year: dict[str, list[float]] = {}
    missing: set[str] = set()
    for point in result.series:
        label = FinancialYear.of(parse_month(point.month)).label
        count = point.numerator if result.kind == "rate" else point.value
        if count is None:
            missing.add(label)
            continue
        by_year.setdefault(label, []).append(float(count))
    return {
        label: int(sum(values))
        for label, values in by_year.items()
        if len(values) == 12 and label not in missing
    }


# -- is the change real? ------------------------------------------------------------------------
def _days(months: Sequence[str]) -> float:
    return float(sum(days_in_month(parse_month(m)) for m in months))


def count_change_test(
    result: MeasureResult,
    chart: Spc | None,
    counts: tuple[int | float | None, int | float | None],
    per_month: Sequence[int | float | None],
    populations: tuple[int | float | None, int | float | None] = (None, None),
) -> CountChangeTest | None:
    """The exact Poisson rate-ratio test of the year-to-date count against the baseline's
    (``counts``), the exposure the days of the months compared (times ``populations`` for a
    rate), with how dispersed the monthly counts (``per_month``) are."""
    count, before = counts
    compared = result.months_compared
    if count is None or before is None or not compared.year_to_date:
        return None
    exposure, base_exposure = _days(compared.year_to_date), _days(compared.baseline)
    if populations[0] and populations[1]:
        exposure *= float(populations[0])
        base_exposure *= float(populations[1])
    test = poisson_rate_test(int(count), exposure, int(before), base_exposure)
    index = overdispersion([float(v) for v in per_month if v is not None])
    note = None
    if index is not None and overdispersed(index):
        note = Overdispersed(
            times=round(index, 2),
            threshold=OVERDISPERSION_THRESHOLD,
            within_chart_limits=bool(
                test.significant and chart and chart.variation_icon == "common_cause"
            ),
        )
    # the words rely on the test that allows for the variation the chart measures; where
    # the months vary no more than Poisson's (an index of 1 or less) the exact test stands
    quasi = (
        None
        if index is None or index <= 1
        else quasi_poisson_rate_test(
            int(count), exposure, int(before), base_exposure, dispersion=index
        )
    )
    return from_dict(
        CountChangeTest,
        {
            **test.to_dict(),
            "overdispersion": None if index is None else round(index, 2),
            "note": to_dict(note),
            "quasi_poisson": None if quasi is None else quasi.to_dict(),
        },
    )


def proportion_change_test(result: MeasureResult) -> ProportionChangeTest | None:
    """Newcombe's interval of the difference and the two-proportion test, of the year to
    date (or the latest wave, or the rolling year) against the baseline."""
    numbers = (
        result.ytd_numerator,
        result.ytd_denominator,
        result.baseline_numerator,
        result.baseline_denominator,
    )
    if any(v is None for v in numbers) or not numbers[1] or not numbers[3]:
        return None
    x1, n1, x2, n2 = (int(v or 0) for v in numbers)
    return from_dict(ProportionChangeTest, newcombe_difference(x1, n1, x2, n2).to_dict())


# -- the year end ---------------------------------------------------------------------------------
def forecast(measure: CountMeasure, result: MeasureResult, ev: Evaluation) -> Forecast | None:
    """The calibrated year-end forecast of a count with a % change target."""
    if result.target is None or result.target.kind != "change_pct":
        return None
    as_at = parse_month(result.month)
    history = [
        (parse_month(p.month), None if p.value is None else float(p.value)) for p in result.series
    ]
    made = forecast_year_end(
        history,
        as_at,
        baseline_total=yearly_totals(result).get(ev.period.baseline.label),
        target_change_pct=result.target.value,
        improvement=measure.improvement,
    )
    return made.rounded()


# -- peers ----------------------------------------------------------------------------------------
def peers(
    measure: MeasureBase, ev: Evaluation, kind: Literal["count", "proportion"]
) -> PeerComparison | None:
    """The force against its Most Similar Group over the 12 months to the as-at month."""
    figures = ev.peers.get(measure.peer_measure or "")
    if not figures or ev.plan.force not in figures or len(figures) < 2:
        return None
    comparison = peer_comparison(ev.plan.force, figures, kind, per=measure.peer_per)
    trend = None
    before = ev.peers_before.get(measure.peer_measure or "")
    # the trend compares like with like: the same forces in both years
    if before and set(before) == set(figures):
        earlier = replace(
            peer_comparison(ev.plan.force, before, kind, per=measure.peer_per),
            period=ev.peer_period_before,
        )
        trend = peer_trend(comparison, earlier)
    return replace(comparison.rounded(), period=ev.peer_period, trend=trend)


# -- facts ----------------------------------------------------------------------------------------
def series_facts(result: MeasureResult) -> list[facts_.Fact]:
    """The current run of monthly rises or falls, and the seasonal peak and trough."""
    found: list[facts_.Fact | None] = [
        facts_.runs(result.id, result.series),
        facts_.seasonal_peak_trough(result.id, result.series),
    ]
    return [f for f in found if f is not None]


def count_facts(result: MeasureResult) -> list[facts_.Fact]:
    """A count's (or a rate's) own facts: the monthly average over the last 12 months, and
    the latest complete year's highest or lowest since, and the year-on-year run."""
    found: list[facts_.Fact | None] = [facts_.monthly_average(result.id, result.series)]
    yearly = yearly_totals(result)
    if yearly:
        latest = max(yearly, key=lambda label: FinancialYear.parse(label))
        found += [
            facts_.highest_since(result.id, yearly, latest),
            facts_.lowest_since(result.id, yearly, latest),
            facts_.yearly_run(result.id, yearly),
        ]
    return [f for f in found if f is not None]


def share_fact(result: MeasureResult, ev: Evaluation) -> list[facts_.Fact]:
    """A proportion's share now against the baseline's."""
    numbers = (
        result.ytd_numerator,
        result.ytd_denominator,
        result.baseline_numerator,
        result.baseline_denominator,
    )
    if any(v is None for v in numbers):
        return []
    ytd, baseline = ev.period_labels
    return [
        facts_.share_moved(
            result.id,
            result.ytd_numerator or 0,
            result.ytd_denominator or 0,
            result.baseline_numerator or 0,
            result.baseline_denominator or 0,
            period=ytd,
            period_before=baseline,
        )
    ]


def contributors(
    measure: CountMeasure, result: MeasureResult, ev: Evaluation
) -> facts_.ContributorsFact | None:
    """The largest contributors to a targeted count and to its change: by offence where the
    records have one (a force's extract), else by police.uk category (one grouped query)."""
    period = ev.period
    months: dict[str, Sequence[date]] = {"ytd": period.ytd, "baseline": period.baseline_ytd}
    split = breakdown_periods(ev.engine, ev.plan, measure, ("offence", "category"), months, ev.area)
    for index in (0, 1):
        now: dict[str, int] = {}
        before: dict[str, int] = {}
        for target, name in ((now, "ytd"), (before, "baseline")):
            for key, n in split[name].items():
                target[key[index]] = target.get(key[index], 0) + n
        if set(now) <= {NOT_RECORDED}:
            continue
        parts = {k: (now.get(k, 0), before.get(k, 0)) for k in set(now) | set(before)}
        return facts_.contributors(
            measure.id,
            parts,
            int(result.ytd or 0),
            int(result.baseline_ytd or 0),
            period=(format_month(period.ytd[0]), format_month(period.ytd[-1])),
        )
    return None
