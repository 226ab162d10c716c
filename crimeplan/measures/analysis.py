"""Every measure with its statistics: the measures engine's results, plus what tells signal
from noise.

``analyse(plan, engine, as_at)`` runs ``evaluate`` (the engine), asks the engine for the few
small extras the statistics need (peer figures, a breakdown of each targeted total), then
adds to each measure, on its small monthly series:

``spc``          the XmR chart (NHS "Making Data Count"), rebased where the plan says
``change_test``  counts: the exact Poisson rate-ratio test of year to date against the
                 baseline period (exposure = days), with an overdispersion note;
                 proportions and surveys: Wilson intervals, Newcombe's interval of the
                 difference and a two-proportion test
``forecast``     a calibrated year-end forecast, for count measures with a target
``peers``        the force against its Most Similar Group, with funnel-plot limits
``facts``        runs, seasonal peak and trough, monthly average, shares, highest since,
                 largest contributors: data for the pack to phrase

Nothing here presents anything; everything lands in ``MeasuresResult``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Literal

from crimeplan.codec import from_dict, to_dict
from crimeplan.data.engine import Engine
from crimeplan.measures.breakdown import NOT_RECORDED, breakdown_periods
from crimeplan.measures.compute import evaluate
from crimeplan.periods import (
    FinancialYear,
    add_months,
    days_in_month,
    format_month,
    months_between,
    parse_month,
)
from crimeplan.plan.model import AreaRef, Measure, Plan
from crimeplan.results.measure import MeasureResult, MeasuresResult
from crimeplan.results.statistics import (
    ChangeTest,
    CountChangeTest,
    Overdispersed,
    ProportionChangeTest,
    Spc,
)
from crimeplan.stats import facts as facts_
from crimeplan.stats.forecast import Forecast, forecast_year_end
from crimeplan.stats.peers import PeerComparison, PeerFigure, peer_comparison
from crimeplan.stats.significance import (
    OVERDISPERSION_THRESHOLD,
    newcombe_difference,
    overdispersed,
    overdispersion,
    poisson_rate_test,
)
from crimeplan.stats.spc import last_point_reading, xmr_chart

#: The rolling window over which the force is compared with its peers.
PEER_MONTHS = 12


def analyse(
    plan: Plan,
    engine: Engine,
    as_at: date,
    *,
    area: AreaRef | None = None,
) -> MeasuresResult:
    """Every measure of ``plan`` as at ``as_at``, with its statistics."""
    results = evaluate(plan, engine, as_at, area=area)
    ytd = [parse_month(m) for m in months_between_labels(results.period.year_to_date)]
    baseline = [parse_month(m) for m in months_between_labels(results.period.baseline)]
    peers = _peer_figures(plan, engine, as_at) if area is None else {}
    analysed = []
    for result in results.measures:
        measure = plan.measure(result.id)
        analysed.append(
            _analyse_measure(plan, engine, measure, result, results, ytd, baseline, peers, area)
        )
    return replace(results, measures=tuple(analysed))


def months_between_labels(span: tuple[str, str]) -> list[str]:
    return [format_month(m) for m in months_between(parse_month(span[0]), parse_month(span[1]))]


def _analyse_measure(
    plan: Plan,
    engine: Engine,
    measure: Measure,
    result: MeasureResult,
    results: MeasuresResult,
    ytd: Sequence[date],
    baseline: Sequence[date],
    peers: dict[str, dict[str, PeerFigure]],
    area: AreaRef | None,
) -> MeasureResult:
    spc = _spc(measure, result)
    facts: list[facts_.Fact] = list(
        measure_facts(
            result,
            ytd_months=results.period.year_to_date,
            baseline_months=results.period.baseline,
        )
    )
    yearly = yearly_totals(result)
    if yearly and result.kind in ("count", "rate"):
        latest = max(yearly, key=lambda label: FinancialYear.parse(label))
        for fact in (
            facts_.highest_since(result.id, yearly, latest),
            facts_.lowest_since(result.id, yearly, latest),
            facts_.yearly_run(result.id, yearly),
        ):
            if fact is not None:
                facts.append(fact)
    if result.kind == "count" and result.target is not None and ytd:
        contributors = _contributors(plan, engine, measure, result, ytd, baseline, area)
        if contributors is not None:
            facts.append(contributors)
    peer: PeerComparison | None = None
    if measure.peer_measure and measure.peer_measure in peers:
        kind: Literal["count", "proportion"] = (
            "count" if measure.kind in ("count", "rate") else "proportion"
        )
        figures = peers[measure.peer_measure]
        if plan.force in figures and len(figures) > 1:
            comparison = peer_comparison(plan.force, figures, kind, per=measure.per)
            peer = replace(comparison.rounded(), period=_peer_period(results))
    return replace(
        result,
        spc=spc,
        change_test=_change_test(result, spc),
        forecast=_forecast(measure, result, baseline),
        peers=peer,
        facts=tuple(facts),
    )


def measure_facts(
    result: MeasureResult,
    *,
    ytd_months: Sequence[str] = (),
    baseline_months: Sequence[str] = (),
) -> tuple[facts_.Fact, ...]:
    """The facts one measure's result supports on its own, in this order: the current run,
    the seasonal peak and trough, the monthly average over the last 12 months (counts and
    rates only) and, for a measure with numerators and denominators (proportions, surveys),
    the share now against the baseline. ``ytd_months`` and ``baseline_months`` (first and
    last) are the share's periods."""
    facts: list[facts_.Fact | None] = [
        facts_.runs(result.id, result.series),
        facts_.seasonal_peak_trough(result.id, result.series),
    ]
    if result.kind in ("count", "rate"):
        facts.append(facts_.monthly_average(result.id, result.series))
    elif (
        result.ytd_numerator is not None
        and result.ytd_denominator is not None
        and result.baseline_numerator is not None
        and result.baseline_denominator is not None
    ):
        facts.append(
            facts_.share_moved(
                result.id,
                result.ytd_numerator,
                result.ytd_denominator,
                result.baseline_numerator,
                result.baseline_denominator,
                period=ytd_months,
                period_before=baseline_months,
            )
        )
    return tuple(fact for fact in facts if fact is not None)


# -- SPC ---------------------------------------------------------------------------------------
def _spc(measure: Measure, result: MeasureResult) -> Spc | None:
    """The XmR chart of the monthly series (or the survey's waves).

    A rolling 12-month series is not charted: its points share eleven months with their
    neighbours, which breaks the chart's assumption of independent points.
    """
    if not result.series or measure.window == "rolling_12":
        return None
    values = [p.value for p in result.series]
    if sum(v is not None for v in values) < 2:
        return None
    months = [p.month for p in result.series]
    rebase = sorted({months.index(m) for m in measure.rebase if m in months and months.index(m)})
    target = _target_line(result)
    chart = xmr_chart(
        values,
        improvement_direction=measure.improvement,
        target=target,
        rebase_at_index=rebase,
    )
    reading = last_point_reading(chart, values)
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
    )


def _target_line(result: MeasureResult) -> float | None:
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
    if not totals:
        return None
    base_year = FinancialYear.of(add_months(parse_month(result.month), -12))
    total = totals.get(base_year.label)
    if total is None:
        return None
    return round(total / 12 * (1 + target.value / 100), 4)


def yearly_totals(result: MeasureResult) -> dict[str, float]:
    """Financial-year totals of a count or rate series, complete years only."""
    by_year: dict[str, list[float]] = {}
    missing: set[str] = set()
    for point in result.series:
        label = FinancialYear.of(parse_month(point.month)).label
        if point.value is None:
            missing.add(label)
            continue
        by_year.setdefault(label, []).append(
            float(
                point.numerator
                if result.kind == "rate" and point.numerator is not None
                else point.value
            )
        )
    return {
        label: (int(sum(values)) if result.kind in ("count", "rate") else sum(values))
        for label, values in by_year.items()
        if len(values) == 12 and label not in missing
    }


# -- is the change real? ----------------------------------------------------------------------
def _days(months: Sequence[date]) -> int:
    return sum(days_in_month(m) for m in months)


def _change_test(result: MeasureResult, spc: Spc | None) -> ChangeTest | None:
    """The year to date against the baseline: the exact Poisson test for counts and rates,
    the two-proportion comparison for proportions and surveys (rounded as the statistics
    round them for JSON)."""
    if result.kind in ("count", "rate"):
        count = result.ytd_numerator if result.kind == "rate" else result.ytd
        before = result.baseline_numerator if result.kind == "rate" else result.baseline_ytd
        compared = result.months_compared
        if count is None or before is None or not compared.year_to_date:
            return None
        # exposure: the days of the months actually compared (those held in both years)
        exposure = float(_days([parse_month(m) for m in compared.year_to_date]))
        base_exposure = float(_days([parse_month(m) for m in compared.baseline]))
        if result.kind == "rate" and result.ytd_denominator and result.baseline_denominator:
            exposure *= float(result.ytd_denominator)
            base_exposure *= float(result.baseline_denominator)
        test = poisson_rate_test(int(count), exposure, int(before), base_exposure)
        values = [float(p.value) for p in result.series if p.value is not None]
        if result.kind == "rate":
            values = [float(p.numerator) for p in result.series if p.numerator is not None]
        index = overdispersion(values)
        note = None
        if index is not None and overdispersed(index):
            note = Overdispersed(
                times=round(index, 2),
                threshold=OVERDISPERSION_THRESHOLD,
                within_chart_limits=bool(
                    test.significant and spc and spc.variation_icon == "common_cause"
                ),
            )
        return from_dict(
            CountChangeTest,
            {
                **test.to_dict(),
                "overdispersion": None if index is None else round(index, 2),
                "note": to_dict(note),
            },
        )
    numbers = (
        result.ytd_numerator,
        result.ytd_denominator,
        result.baseline_numerator,
        result.baseline_denominator,
    )
    if (
        any(v is None for v in numbers)
        or not result.ytd_denominator
        or (not result.baseline_denominator)
    ):
        return None
    x1, n1, x2, n2 = (int(v) for v in numbers)  # type: ignore[arg-type]
    return from_dict(ProportionChangeTest, newcombe_difference(x1, n1, x2, n2).to_dict())


# -- forecast ---------------------------------------------------------------------------------
def _forecast(measure: Measure, result: MeasureResult, baseline: Sequence[date]) -> Forecast | None:
    if result.kind != "count" or result.target is None or result.target.kind != "change_pct":
        return None
    as_at = parse_month(result.month)
    base_year = FinancialYear.of(baseline[0]) if baseline else FinancialYear.of(as_at).shift(-1)
    totals = yearly_totals(result)
    history = [
        (parse_month(p.month), None if p.value is None else float(p.value)) for p in result.series
    ]
    forecast = forecast_year_end(
        history,
        as_at,
        baseline_total=totals.get(base_year.label),
        target_change_pct=result.target.value,
        improvement=measure.improvement,
    )
    return forecast.rounded()


# -- facts that need the engine ----------------------------------------------------------------
def _contributors(
    plan: Plan,
    engine: Engine,
    measure: Measure,
    result: MeasureResult,
    ytd: Sequence[date],
    baseline: Sequence[date],
    area: AreaRef | None,
) -> facts_.Fact | None:
    split = breakdown_periods(
        engine, plan, measure, ("offence", "category"), {"ytd": ytd, "baseline": baseline}, area
    )
    for index in (0, 1):  # by offence where the records have one (a force's extract), else
        now: dict[str, int] = {}  # by police.uk category
        before: dict[str, int] = {}
        for target, period in ((now, "ytd"), (before, "baseline")):
            for key, n in split[period].items():
                target[key[index]] = target.get(key[index], 0) + n
        if set(now) <= {NOT_RECORDED}:
            continue
        parts = {k: (now.get(k, 0), before.get(k, 0)) for k in set(now) | set(before)}
        fact = facts_.contributors(
            measure.id,
            parts,
            int(result.ytd or 0),
            int(result.baseline_ytd or 0),
            period=(format_month(ytd[0]), format_month(ytd[-1])),
        )
        return fact
    return None


# -- peers ------------------------------------------------------------------------------------
def _peer_period(results: MeasuresResult) -> tuple[str, str]:
    last = parse_month(results.as_at)
    return format_month(add_months(last, -(PEER_MONTHS - 1))), format_month(last)


def _peer_figures(plan: Plan, engine: Engine, as_at: date) -> dict[str, dict[str, PeerFigure]]:
    """Peer figures over the 12 months to ``as_at``, by peer measure and force: counts with
    the force's population, proportions with their denominators."""
    wanted = sorted({m.peer_measure for m in plan.measures if m.peer_measure})
    if not wanted or plan.peers is None:
        return {}
    forces = [plan.force, *plan.peers.forces]
    first = add_months(as_at, -(PEER_MONTHS - 1))
    table = engine.table("peer_figures")
    rows = (
        table.filter(
            table.measure.isin(wanted),
            table.force.isin(forces),
            table.month >= first,
            table.month <= as_at,
        )
        .group_by(["measure", "force"])
        .aggregate(
            value=table.value.sum(),
            denominator=table.denominator.sum(),
            months=table.month.nunique(),
        )
        .to_pyarrow()
        .to_pylist()
    )
    populations = _force_populations(engine, forces, FinancialYear.of(as_at).start_year)
    out: dict[str, dict[str, PeerFigure]] = {}
    for row in rows:
        if int(row["months"]) < PEER_MONTHS:
            continue  # a force without the whole window is left out, not under-counted
        if row["denominator"] is None:
            population = populations.get(row["force"])
            if population is None:
                continue
            figure = PeerFigure(int(round(row["value"])), population)
        else:
            figure = PeerFigure(int(round(row["value"])), int(round(row["denominator"])))
        out.setdefault(row["measure"], {})[row["force"]] = figure
    return out


def _force_populations(engine: Engine, forces: Sequence[str], year: int) -> dict[str, int]:
    table = engine.table("populations")
    rows = (
        table.filter(table.area_level == "force", table.area.isin(list(forces)), table.year <= year)
        .order_by(["area", "year"])
        .to_pyarrow()
        .to_pylist()
    )
    latest: dict[str, int] = {}
    for row in rows:
        latest[row["area"]] = int(row["population"])
    return latest
