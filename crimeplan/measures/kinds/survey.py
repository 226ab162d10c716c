"""``kind: survey``: positive answers to a survey question as a per cent of respondents,
by month, over a rolling 12 months, or by wave; the two-proportion comparison with the
baseline (the same month or rolling year a year earlier, or the wave before), and the
control chart of the series (not of a rolling year, whose points share eleven months)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from crimeplan.data.engine import Engine
from crimeplan.measures.kinds import statistics as stats
from crimeplan.measures.kinds.base import (
    Evaluation,
    Kind,
    empty_result,
    make_result,
    pct,
)
from crimeplan.periods import add_months, as_date, format_month, months_between
from crimeplan.plan.model import Plan, SurveyMeasure
from crimeplan.results.measure import Comparison, MeasureResult, SeriesPoint
from crimeplan.results.notes import NoSurveyResults
from crimeplan.results.pack import SurveyArea
from crimeplan.stats.significance import wilson_interval


class Survey(Kind[SurveyMeasure]):
    name = "survey"
    model = SurveyMeasure
    narrative = ("proportion_headline", "outlook", "chart", "run", "peers", "missing")

    def evaluate(self, measure: SurveyMeasure, ev: Evaluation) -> MeasureResult:
        table = ev.engine.table("survey_responses")
        level, name = ("force", ev.plan.force) if ev.area is None else (ev.area.level, ev.area.name)
        rows = (
            table.filter(
                table.force == ev.plan.force,
                table.survey == measure.survey,
                table.question == measure.question,
                table.area_level == level,
                table.area == name,
                table.period_end <= add_months(ev.period.as_at, 1),
            )
            .group_by(["period_start", "period_end", "wave"])
            .aggregate(positive=table.positive.sum(), respondents=table.respondents.sum())
            .order_by(["period_end", "period_start"])
            .to_pyarrow()
            .to_pylist()
        )
        # a period ending after the as-at month is not yet reported
        rows = [r for r in rows if as_date(r["period_end"]).replace(day=1) <= ev.period.as_at]
        if not rows:
            note = NoSurveyResults(
                survey=measure.survey, question=measure.question, area=f"{level}:{name}"
            )
            return empty_result(measure, ev.period, note)
        window = measure.window or "month"
        if window == "wave":
            series = [
                SeriesPoint(
                    month=format_month(as_date(r["period_end"]).replace(day=1)),
                    value=pct(r["positive"], r["respondents"]),
                    numerator=r["positive"],
                    denominator=r["respondents"],
                    label=None if r["wave"] is None else str(r["wave"]),
                )
                for r in rows
            ]
            latest, previous = series[-1], series[-2] if len(series) > 1 else None
            comparison = Comparison(
                basis="wave",
                current=(str(latest.label),),
                baseline=(str(previous.label),) if previous else (),
            )
            return make_result(
                measure,
                ev.period,
                latest.value,
                latest.value,
                previous.value if previous else None,
                series,
                (),
                (),
                latest.numerator,
                latest.denominator,
                previous.numerator if previous else None,
                previous.denominator if previous else None,
                comparison=comparison,
            )
        monthly: dict[date, tuple[int, int]] = {}
        for r in rows:
            month = as_date(r["period_start"]).replace(day=1)
            pos, resp = monthly.get(month, (0, 0))
            monthly[month] = (pos + int(r["positive"]), resp + int(r["respondents"]))
        months = months_between(min(monthly), ev.period.as_at)
        span = 12 if window == "rolling_12" else 1

        def totals(end: date) -> tuple[int, int] | None:
            window_months = [add_months(end, -i) for i in range(span)]
            if any(m not in monthly for m in window_months):
                return None
            return (
                sum(monthly[m][0] for m in window_months),
                sum(monthly[m][1] for m in window_months),
            )

        series = []
        for month in months:
            total = totals(month)
            series.append(
                SeriesPoint(
                    month=format_month(month),
                    value=pct(*total) if total else None,
                    numerator=total[0] if total else None,
                    denominator=total[1] if total else None,
                )
            )
        now = totals(ev.period.as_at)
        then = totals(ev.period.baseline_ytd[-1])
        comparison = Comparison(
            basis="rolling_12" if span == 12 else "month",
            current=(format_month(ev.period.as_at),),
            baseline=(format_month(ev.period.baseline_ytd[-1]),),
            baseline_year=ev.period.baseline.label,
        )
        missing = tuple(
            format_month(m)
            for m in (ev.period.as_at, ev.period.baseline_ytd[-1])
            if m not in monthly
        )
        return make_result(
            measure,
            ev.period,
            pct(*monthly[ev.period.as_at]) if ev.period.as_at in monthly else None,
            pct(*now) if now else None,
            pct(*then) if then else None,
            series,
            missing,
            (),
            now[0] if now else None,
            now[1] if now else None,
            then[0] if then else None,
            then[1] if then else None,
            comparison=comparison,
        )

    def by_area(
        self, measure: SurveyMeasure, engine: Engine, plan: Plan, as_at: date
    ) -> tuple[SurveyArea, ...]:
        """A survey measure's latest period by local policing unit, with Wilson intervals."""
        table = engine.table("survey_responses")
        rows = table.filter(
            table.force == plan.force,
            table.survey == measure.survey,
            table.question == measure.question,
            table.area_level == "lpu",
            table.period_end < add_months(as_at, 1),
        )
        latest = rows.aggregate(end=rows.period_end.max()).to_pyarrow().to_pylist()[0]["end"]
        if latest is None:
            return ()
        if measure.window == "rolling_12":
            first = add_months(date(latest.year, latest.month, 1), -11)
            chosen = rows.filter(rows.period_start >= first, rows.period_end <= latest)
        else:
            chosen = rows.filter(rows.period_end == latest)
        grouped = (
            chosen.group_by("area")
            .aggregate(
                positive=chosen.positive.sum(),
                respondents=chosen.respondents.sum(),
                wave=chosen.wave.max(),
            )
            .order_by("area")
            .to_pyarrow()
            .to_pylist()
        )
        out = []
        for row in grouped:
            n, x = int(row["respondents"]), int(row["positive"])
            if not n:
                continue
            low, high = wilson_interval(x, n)
            out.append(
                SurveyArea(
                    area=row["area"],
                    wave=None if row["wave"] is None else str(row["wave"]),
                    positive=x,
                    respondents=n,
                    value_pct=round(100 * x / n, 2),
                    ci95=(round(low, 2), round(high, 2)),
                )
            )
        return tuple(out)

    def analyse(
        self, measure: SurveyMeasure, result: MeasureResult, ev: Evaluation
    ) -> MeasureResult:
        # a rolling 12-month series is not charted: its points share eleven months with
        # their neighbours, which breaks the chart's assumption of independent points
        chart = None if measure.window == "rolling_12" else stats.spc(measure, result)
        return replace(
            result,
            spc=chart,
            change_test=stats.proportion_change_test(result),
            peers=stats.peers(measure, ev, "proportion"),
            facts=(*stats.series_facts(result), *stats.share_fact(result, ev)),
        )
