"""``kind: count``: records a month, from the shared grouped query of their source, with the
exact Poisson test of the year to date, the year-end forecast of a targeted count, the peer
comparison per 1,000 population and the facts a count supports (runs, seasons, monthly
average, highest or lowest since, year-on-year runs, largest contributors)."""

from __future__ import annotations

from dataclasses import replace

from crimeplan.measures.kinds import statistics as stats
from crimeplan.measures.kinds.base import Evaluation, Kind, make_result
from crimeplan.measures.kinds.records import RecordCounts, count_figures, count_series
from crimeplan.plan.model import CountMeasure, Plan, Where
from crimeplan.results.measure import MeasureResult


class Count(Kind[CountMeasure]):
    name = "count"
    model = CountMeasure
    narrative = (
        "count_headline", "outlook", "chart", "contributors", "run", "seasonal",
        "yearly_run", "extreme_since", "monthly_average", "peers", "missing",
    )  # fmt: skip

    def record_counts(self, measure: CountMeasure, plan: Plan) -> dict[str, dict[str, Where]]:
        return {measure.source: {measure.id: measure.filters}}

    def evaluate(self, measure: CountMeasure, ev: Evaluation) -> MeasureResult:
        counts = ev.counts[measure.source]
        records = RecordCounts(ev.period, counts, counts, measure.id, measure.id)
        month, ytd, baseline = count_figures(records)
        return make_result(
            measure,
            ev.period,
            month,
            ytd,
            baseline,
            count_series(records),
            records.missing,
            records.notes,
            compared=records.compared,
        )

    def analyse(
        self, measure: CountMeasure, result: MeasureResult, ev: Evaluation
    ) -> MeasureResult:
        chart = stats.spc(measure, result)
        facts = [*stats.series_facts(result), *stats.count_facts(result)]
        if result.target is not None and ev.period.ytd:
            found = stats.contributors(measure, result, ev)
            if found is not None:
                facts.append(found)
        test = stats.count_change_test(
            result, chart, (result.ytd, result.baseline_ytd), [p.value for p in result.series]
        )
        return replace(
            result,
            spc=chart,
            change_test=test,
            forecast=stats.forecast(measure, result, ev),
            peers=stats.peers(measure, ev, "count"),
            facts=tuple(facts),
        )
