"""``kind: proportion``: one record count as a per cent of another (a solved rate, a share
of total crime), both from the shared grouped query; the two-proportion comparison of the
year to date with the baseline, the peer comparison and the share's movement."""

from __future__ import annotations

from dataclasses import replace

from crimeplan.measures.kinds import statistics as stats
from crimeplan.measures.kinds.base import Evaluation, Kind, make_result, pct
from crimeplan.measures.kinds.records import RecordCounts, count_source, count_where
from crimeplan.periods import format_month
from crimeplan.plan.model import Plan, ProportionMeasure, Where
from crimeplan.results.measure import MeasureResult, SeriesPoint


class Proportion(Kind[ProportionMeasure]):
    name = "proportion"
    model = ProportionMeasure
    narrative = ("proportion_headline", "outlook", "chart", "run", "peers", "missing")

    def record_counts(self, measure: ProportionMeasure, plan: Plan) -> dict[str, dict[str, Where]]:
        numerator = count_source(measure.numerator, plan)
        denominator = count_source(measure.denominator, plan)
        out: dict[str, dict[str, Where]] = {}
        out.setdefault(numerator, {})[f"{measure.id}__num"] = count_where(measure.numerator, plan)
        out.setdefault(denominator, {})[f"{measure.id}__den"] = count_where(
            measure.denominator, plan
        )
        return out

    def evaluate(self, measure: ProportionMeasure, ev: Evaluation) -> MeasureResult:
        records = RecordCounts(
            ev.period,
            ev.counts[count_source(measure.numerator, ev.plan)],
            ev.counts[count_source(measure.denominator, ev.plan)],
            f"{measure.id}__num",
            f"{measure.id}__den",
        )
        series = []
        for month in records.months:
            if not records.present(month):
                series.append(SeriesPoint(month=format_month(month), value=None))
                continue
            n, d = records.numerator(month), records.denominator(month)
            series.append(
                SeriesPoint(month=format_month(month), value=pct(n, d), numerator=n, denominator=d)
            )
        last = series[-1].value if series else None
        totals = records.totals()
        if totals is None:
            return make_result(
                measure,
                ev.period,
                last,
                None,
                None,
                series,
                records.missing,
                records.notes,
                compared=records.compared,
            )
        ytd_n, ytd_d, base_n, base_d = totals
        return make_result(
            measure,
            ev.period,
            last,
            pct(ytd_n, ytd_d),
            pct(base_n, base_d),
            series,
            records.missing,
            records.notes,
            ytd_n,
            ytd_d,
            base_n,
            base_d,
            compared=records.compared,
        )

    def analyse(
        self, measure: ProportionMeasure, result: MeasureResult, ev: Evaluation
    ) -> MeasureResult:
        return replace(
            result,
            spc=stats.spc(measure, result),
            change_test=stats.proportion_change_test(result),
            peers=stats.peers(measure, ev, "proportion"),
            facts=(*stats.series_facts(result), *stats.share_fact(result, ev)),
        )
