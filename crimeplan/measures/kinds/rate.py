"""``kind: rate``: a count per ``per`` (1,000) of the area's population, the count from the
shared grouped query and the population from the store's populations table (the latest
estimate on or before the year, else the earliest); tested and compared as a count."""

from __future__ import annotations

from dataclasses import replace

import ibis

from crimeplan.measures.kinds import statistics as stats
from crimeplan.measures.kinds.base import Evaluation, Kind, make_result
from crimeplan.measures.kinds.records import RecordCounts, count_figures, count_series
from crimeplan.plan.model import Plan, RateMeasure, Where
from crimeplan.results.measure import MeasureResult, SeriesPoint
from crimeplan.results.notes import NoPopulation


class Rate(Kind[RateMeasure]):
    name = "rate"
    model = RateMeasure
    narrative = ("count_headline", "outlook", "chart", "run", "seasonal", "peers", "missing")

    def record_counts(self, measure: RateMeasure, plan: Plan) -> dict[str, dict[str, Where]]:
        return {measure.source: {measure.id: measure.filters}}

    def evaluate(self, measure: RateMeasure, ev: Evaluation) -> MeasureResult:
        counts = ev.counts[measure.source]
        records = RecordCounts(ev.period, counts, counts, measure.id, measure.id)
        population = population_of(ev, ev.period.year.start_year)
        base_population = population_of(ev, ev.period.baseline.start_year)
        if population is None or base_population is None:
            where = str(ev.area) if ev.area else f"force:{ev.plan.force}"
            notes = [*records.notes, NoPopulation(area=where)]
            return make_result(measure, ev.period, None, None, None, [], records.missing, notes)
        month, ytd, baseline = count_figures(records)
        scale = measure.per / population

        def per(count: int | float | None) -> float | None:
            return None if count is None else count * scale

        series = [
            SeriesPoint(
                month=p.month, value=per(p.value), numerator=p.value, denominator=population
            )
            for p in count_series(records)
        ]
        return make_result(
            measure,
            ev.period,
            per(month),
            per(ytd),
            None if baseline is None else baseline * measure.per / base_population,
            series,
            records.missing,
            records.notes,
            ytd,
            population,
            baseline,
            base_population,
            compared=records.compared,
        )

    def analyse(self, measure: RateMeasure, result: MeasureResult, ev: Evaluation) -> MeasureResult:
        chart = stats.spc(measure, result)
        test = stats.count_change_test(
            result,
            chart,
            (result.ytd_numerator, result.baseline_numerator),
            [p.numerator for p in result.series],
            (result.ytd_denominator, result.baseline_denominator),
        )
        return replace(
            result,
            spc=chart,
            change_test=test,
            peers=stats.peers(measure, ev, "count"),
            facts=(*stats.series_facts(result), *stats.count_facts(result)),
        )


def population_of(ev: Evaluation, year: int) -> int | None:
    """The area's population for a year: the latest estimate on or before it, else the
    earliest there is."""
    table = ev.engine.table("populations")
    area = ev.area
    level, name = ("force", ev.plan.force) if area is None else (area.level, area.name)
    mine = table.filter(table.area_level == level, table.area == name)
    for chosen in (
        mine.filter(mine.year <= year).order_by(ibis.desc("year")),
        mine.order_by("year"),
    ):
        rows = chosen.limit(1).select("population").to_pyarrow().to_pylist()
        if rows:
            return int(rows[0]["population"])
    return None
