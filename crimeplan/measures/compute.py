"""Evaluate every measure of a plan as at a month, in the database engine.

All record counts of a source (crimes or incidents) come from ONE grouped query: a
``COUNT(*) FILTER (WHERE …)`` per measure component, grouped by month. Only those small
monthly series come back to Python, where year to date, the baseline period, changes and
targets are worked out. The same Ibis code runs on DuckDB and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from crimeplan.data.engine import Engine
from crimeplan.data.synthetic import holds_synthetic_data
from crimeplan.errors import MeasureError
from crimeplan.measures.filters import FilterContext, area_predicate, predicate
from crimeplan.periods import FinancialYear, add_months, format_month, months_between
from crimeplan.plan.model import AreaRef, Count, Measure, Plan, Where
from crimeplan.plan.model import Target as PlanTarget
from crimeplan.results.measure import (
    Annotation,
    Comparison,
    DataSource,
    MeasureResult,
    MeasuresResult,
    MonthsCompared,
    Number,
    Periods,
    PlanInfo,
    PublishedRow,
    SeriesPoint,
    Target,
)
from crimeplan.results.notes import (
    DataNote,
    MeasureNote,
    MonthsMissing,
    NoPopulation,
    NoPublishedTable,
    NoSurveyResults,
    NotPublishedForArea,
    OutsidePlanYear,
    PartialComparison,
    PublishedCohort,
    SourceMonthsMissing,
    UnknownFilterValue,
)

_ROWS = "__rows"


@dataclass(frozen=True)
class Period:
    """The months compared: the year to date and the same months of the baseline year."""

    as_at: date
    year: FinancialYear
    baseline: FinancialYear
    ytd: tuple[date, ...]
    baseline_ytd: tuple[date, ...]

    @classmethod
    def for_plan(cls, plan: Plan, as_at: date) -> Period:
        year = FinancialYear.of(as_at)
        offset = plan.year.start_year - plan.baseline.start_year
        ytd = tuple(months_between(year.first_month, as_at))
        return cls(
            as_at=as_at,
            year=year,
            baseline=year.shift(-offset),
            ytd=ytd,
            baseline_ytd=tuple(add_months(m, -12 * offset) for m in ytd),
        )

    @property
    def comparison(self) -> Comparison:
        """The year to date against the same months of the baseline year."""
        return Comparison(
            basis="year_to_date",
            current=(format_month(self.ytd[0]), format_month(self.ytd[-1])),
            baseline=(format_month(self.baseline_ytd[0]), format_month(self.baseline_ytd[-1])),
            baseline_year=self.baseline.label,
        )


MonthlyCounts = dict[date, dict[str, int]]


def _components(measure: Measure, plan: Plan) -> dict[str, Where]:
    """The record counts a measure needs, by component key."""
    if measure.kind in ("count", "rate"):
        return {measure.id: measure.filters}
    if measure.kind == "proportion":
        assert measure.numerator is not None and measure.denominator is not None
        return {
            f"{measure.id}__num": _count_where(measure.numerator, plan),
            f"{measure.id}__den": _count_where(measure.denominator, plan),
        }
    return {}


def _count_where(count: Count, plan: Plan) -> Where:
    if count.measure is None:
        return count.where
    try:
        base = plan.measure(count.measure)
    except KeyError as error:
        raise MeasureError(f"no measure '{count.measure}' in the plan") from error
    return base.filters.merged(count.where)


def _count_source(count: Count, plan: Plan) -> str:
    if count.measure is not None:
        return plan.measure(count.measure).source
    return count.count


def _month(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[no-any-return]


def monthly_counts(
    engine: Engine,
    source: str,
    components: dict[str, Where],
    ctx: FilterContext,
    *,
    force: str,
    area: AreaRef | None,
    last_month: date,
) -> MonthlyCounts:
    """Per month, the number of records of ``source`` matching each component's filter."""
    table: ir.Table = engine.table(source)
    table = table.filter(table.force == force, table.month <= last_month)
    in_area = None
    if area is not None and area.level != "force":
        in_area = area_predicate(table, area, ctx)
    # the force's records of the month, whatever the area: a month the store holds at all
    metrics = {_ROWS: table.count()}
    for key, where in components.items():
        condition = predicate(table, where, ctx)
        metrics[key] = engine.count_where(
            table, condition if in_area is None else condition & in_area
        )
    expr = table.group_by("month").aggregate(**metrics).order_by("month")
    rows = expr.to_pyarrow().to_pylist()
    return {_month(row.pop("month")): {k: int(v) for k, v in row.items()} for row in rows}


def evaluate(
    plan: Plan,
    engine: Engine,
    as_at: date,
    *,
    area: AreaRef | None = None,
) -> MeasuresResult:
    """Every measure of ``plan`` as at the month ``as_at`` (data up to the end of it)."""
    period = Period.for_plan(plan, as_at)
    ctx = FilterContext(areas=engine.table("areas"), area_sets=plan.area_sets, force=plan.force)
    check_area(engine, plan, area)
    by_source: dict[str, dict[str, Where]] = {}
    for measure in plan.measures:
        if measure.kind in ("count", "rate"):
            by_source.setdefault(measure.source, {}).update(_components(measure, plan))
        elif measure.kind == "proportion":
            assert measure.numerator is not None and measure.denominator is not None
            parts = _components(measure, plan)
            num_source = _count_source(measure.numerator, plan)
            den_source = _count_source(measure.denominator, plan)
            by_source.setdefault(num_source, {})[f"{measure.id}__num"] = parts[f"{measure.id}__num"]
            by_source.setdefault(den_source, {})[f"{measure.id}__den"] = parts[f"{measure.id}__den"]
    counts = {
        source: monthly_counts(
            engine, source, comps, ctx, force=plan.force, area=area, last_month=as_at
        )
        for source, comps in sorted(by_source.items())
    }
    if area is None or area.level == "force":
        _check_force_present(engine, plan, counts)
    unknown = unknown_values(engine, plan, by_source)
    milestones_of: dict[str, list[str]] = {}
    for milestone in plan.milestones:
        for measure_id in [*milestone.measures, *(t.measure for t in milestone.targets)]:
            if milestone.id not in milestones_of.setdefault(measure_id, []):
                milestones_of[measure_id].append(milestone.id)
    targets = {t.measure: (m.id, t) for m in plan.milestones for t in m.targets}
    annotations = {
        m.id: tuple(Annotation(month=a.month, text=a.text) for a in m.annotations)
        for m in plan.measures
    }
    results = []
    for measure in plan.measures:
        if measure.kind in ("count", "rate", "proportion"):
            source: str = measure.source
            if measure.kind == "proportion":
                assert measure.numerator is not None
                source = _count_source(measure.numerator, plan)
            result = _record_measure(measure, plan, period, counts, source, engine, area)
        elif measure.kind == "survey":
            result = _survey_measure(measure, plan, period, engine, area)
        else:
            result = _published_measure(measure, plan, period, engine, area)
        target = targets.get(measure.id)
        result = _with_target(result, measure, target, tuple(milestones_of.get(measure.id, ())))
        results.append(replace(result, annotations=annotations[measure.id]))
    return MeasuresResult(
        as_at=format_month(as_at),
        plan=PlanInfo(
            title=plan.title,
            force=plan.force,
            plan_year=plan.plan_year,
            baseline_year=plan.baseline_year,
        ),
        area=str(area) if area else f"force:{plan.force}",
        period=Periods(
            year_to_date=(format_month(period.ytd[0]), format_month(period.ytd[-1])),
            baseline=(format_month(period.baseline_ytd[0]), format_month(period.baseline_ytd[-1])),
        ),
        synthetic_data=holds_synthetic_data(engine, force=plan.force),
        measures=tuple(results),
        data_notes=_plan_year_note(plan, period) + unknown + _data_notes(period, counts),
        sources=_sources(engine, plan.force),
    )


def _sources(engine: Engine, force: str) -> tuple[DataSource, ...]:
    """The current imports the results rest on: the force's own, and files of no one force
    (areas, a published table, peer figures)."""
    imports = engine.table("imports")
    rows = (
        imports.filter(
            imports.superseded_by.isnull(), imports.force.isnull() | (imports.force == force)
        )
        .order_by("import_id")
        .to_pyarrow()
        .to_pylist()
    )
    return tuple(
        DataSource(
            source=r["source"],
            file_name=r["file_name"],
            sha256=r["sha256"],
            rows=int(r["rows"]),
            first_month=format_month(_month(r["first_month"])) if r["first_month"] else None,
            last_month=format_month(_month(r["last_month"])) if r["last_month"] else None,
            imported_on=_month(r["imported_at"]).isoformat(),
            note=r["note"],
        )
        for r in rows
    )


_AREA_LEVELS = {
    "lpu": "lpu",
    "local_authority": "local_authority",
    "neighbourhood": "neighbourhood",
}


def check_area(engine: Engine, plan: Plan, area: AreaRef | None) -> None:
    """A one-line error for an area the plan or the store does not know, listing those it
    does."""
    if area is None or area.level in ("force", "small_area"):
        return
    if area.level == "area_set":
        if area.name not in plan.area_sets:
            known = ", ".join(sorted(plan.area_sets)) or "none (the plan defines no area_sets)"
            raise MeasureError(f"no area set '{area.name}' in the plan; known: {known}")
        return
    column = _AREA_LEVELS[area.level]
    areas = engine.table("areas")
    names = sorted(
        str(r[column])
        for r in areas.select(column).distinct().to_pyarrow().to_pylist()
        if r[column] is not None
    )
    if not names:
        raise MeasureError(
            f"the store has no {area.level} for its areas: import the geography first "
            "(crimeplan import areas FILE)"
        )
    if area.name not in names:
        import difflib

        close = difflib.get_close_matches(area.name, names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        shown = ", ".join(names[:12]) + (f", … ({len(names)} in all)" if len(names) > 12 else "")
        raise MeasureError(
            f"no {area.level} '{area.name}' in the store's areas{hint}; known: {shown}"
        )


def _check_force_present(engine: Engine, plan: Plan, counts: dict[str, MonthlyCounts]) -> None:
    crimes = counts.get("crimes")
    if crimes is None or crimes:
        return
    table = engine.table("crimes")
    forces = sorted(r["force"] for r in table.select("force").distinct().to_pyarrow().to_pylist())
    if forces:
        raise MeasureError(
            f"the store holds no crimes for force '{plan.force}' up to the as-at month; "
            f"forces in the store: {', '.join(forces)}. Set 'force:' in the plan file to one "
            "of them"
        )


#: The filter keys whose values name things the records should hold (an exclusion of
#: something the records never hold is harmless, so exclude_category is not checked).
_NAMED = ("category", "offence_group", "offence", "offence_code")


def unknown_values(
    engine: Engine, plan: Plan, by_source: dict[str, dict[str, Where]]
) -> tuple[UnknownFilterValue, ...]:
    """Notes for filter values no record of the force holds (a misspelt category counts
    nothing, silently, unless someone says so): one small DISTINCT query per column."""
    notes: list[UnknownFilterValue] = []
    for source, components in sorted(by_source.items()):
        table = engine.table(source)
        wanted: dict[str, set[str]] = {}
        for where in components.values():
            for column in _NAMED:
                if column in table.columns:
                    wanted.setdefault(column, set()).update(getattr(where, column) or ())
        for column, values in sorted(wanted.items()):
            if not values:
                continue
            mine = table.filter(table.force == plan.force)
            held = {
                str(r[column])
                for r in mine.select(column).distinct().to_pyarrow().to_pylist()
                if r[column] is not None
            }
            if not held:
                continue  # the source holds nothing of the force: said elsewhere
            import difflib

            for value in sorted(values - held):
                close = difflib.get_close_matches(value, sorted(held), n=1)
                notes.append(
                    UnknownFilterValue(
                        source=source,
                        force=plan.force,
                        column=column,
                        value=value,
                        suggestion=close[0] if close else None,
                    )
                )
    return tuple(notes)


def _plan_year_note(plan: Plan, period: Period) -> tuple[DataNote, ...]:
    if period.year == plan.year:
        return ()
    return (
        OutsidePlanYear(
            as_at=format_month(period.as_at),
            year=period.year.label,
            plan_year=plan.plan_year,
            baseline_year=period.baseline.label,
        ),
    )


def _data_notes(period: Period, counts: dict[str, MonthlyCounts]) -> tuple[DataNote, ...]:
    notes: list[DataNote] = []
    for source, monthly in counts.items():
        wanted = list(period.baseline_ytd) + list(period.ytd)
        missing = [format_month(m) for m in wanted if monthly.get(m, {}).get(_ROWS, 0) == 0]
        if missing:
            notes.append(SourceMonthsMissing(source=source, months=tuple(missing)))
    return tuple(notes)


def _series_months(monthly: MonthlyCounts, as_at: date) -> list[date]:
    present = [m for m, row in monthly.items() if row.get(_ROWS, 0) > 0]
    if not present:
        return []
    return months_between(min(present), as_at)


def _record_measure(
    measure: Measure,
    plan: Plan,
    period: Period,
    counts: dict[str, MonthlyCounts],
    source: str,
    engine: Engine,
    area: AreaRef | None,
) -> MeasureResult:
    if measure.kind == "proportion":
        assert measure.denominator is not None
        num_counts = counts[source]
        den_counts = counts[_count_source(measure.denominator, plan)]
        num_key, den_key = f"{measure.id}__num", f"{measure.id}__den"
    else:
        num_counts = den_counts = counts[source]
        num_key = den_key = measure.id

    def present(month: date) -> bool:
        return num_counts.get(month, {}).get(_ROWS, 0) > 0 and (
            den_counts.get(month, {}).get(_ROWS, 0) > 0
        )

    def num(month: date) -> int:
        return num_counts.get(month, {}).get(num_key, 0)

    def den(month: date) -> int:
        return den_counts.get(month, {}).get(den_key, 0)

    months = _series_months(num_counts, period.as_at)
    missing = tuple(format_month(m) for m in (*period.baseline_ytd, *period.ytd) if not present(m))
    notes: list[MeasureNote] = []
    series: list[SeriesPoint] = []
    # like for like: only the months the store holds in both years are compared
    pairs = [
        (m, b)
        for m, b in zip(period.ytd, period.baseline_ytd, strict=True)
        if present(m) and present(b)
    ]
    ytd_used = [m for m, _ in pairs]
    base_used = [b for _, b in pairs]
    if pairs and len(pairs) < len(period.ytd):
        notes.append(
            PartialComparison(months=tuple(format_month(m) for m in ytd_used), of=len(period.ytd))
        )
    compared = MonthsCompared(
        year_to_date=tuple(format_month(m) for m in ytd_used),
        baseline=tuple(format_month(m) for m in base_used),
    )
    if measure.kind == "proportion":
        for month in months:
            if not present(month):
                series.append(SeriesPoint(month=format_month(month), value=None))
                continue
            n, d = num(month), den(month)
            series.append(
                SeriesPoint(month=format_month(month), value=_pct(n, d), numerator=n, denominator=d)
            )
        if not pairs:
            return _result(
                measure,
                period,
                series[-1].value if series else None,
                None,
                None,
                series,
                missing,
                notes,
                compared=compared,
            )
        ytd_n = sum(num(m) for m in ytd_used)
        ytd_d = sum(den(m) for m in ytd_used)
        base_n = sum(num(m) for m in base_used)
        base_d = sum(den(m) for m in base_used)
        ytd, baseline = _pct(ytd_n, ytd_d), _pct(base_n, base_d)
        last_value = series[-1].value if series else None
        return _result(
            measure,
            period,
            last_value,
            ytd,
            baseline,
            series,
            missing,
            notes,
            ytd_n,
            ytd_d,
            base_n,
            base_d,
            compared=compared,
        )
    for month in months:
        series.append(
            SeriesPoint(month=format_month(month), value=num(month) if present(month) else None)
        )
    month_value: float | int | None = num(period.as_at) if present(period.as_at) else None
    ytd_count = sum(num(m) for m in ytd_used) if pairs else None
    base_count = sum(num(m) for m in base_used) if pairs else None
    if measure.kind == "count":
        return _result(
            measure,
            period,
            month_value,
            ytd_count,
            base_count,
            series,
            missing,
            notes,
            compared=compared,
        )
    # rate per `per` population
    population = _population(engine, plan, area, period.year.start_year)
    base_population = _population(engine, plan, area, period.baseline.start_year)
    if population is None or base_population is None:
        notes.append(NoPopulation(area=str(area) if area else f"force:{plan.force}"))
        return _result(measure, period, None, None, None, [], missing, notes)
    scale = measure.per / population
    rate_series = [
        SeriesPoint(
            month=p.month,
            value=None if p.value is None else p.value * scale,
            numerator=p.value,
            denominator=population,
        )
        for p in series
    ]
    return _result(
        measure,
        period,
        None if month_value is None else month_value * scale,
        None if ytd_count is None else ytd_count * scale,
        None if base_count is None else base_count * measure.per / base_population,
        rate_series,
        missing,
        notes,
        ytd_count,
        population,
        base_count,
        base_population,
        compared=compared,
    )


def _pct(numerator: float, denominator: float) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


def _population(engine: Engine, plan: Plan, area: AreaRef | None, year: int) -> int | None:
    table = engine.table("populations")
    level, name = ("force", plan.force) if area is None else (area.level, area.name)
    rows = (
        table.filter(table.area_level == level, table.area == name, table.year <= year)
        .order_by(ibis.desc("year"))
        .limit(1)
        .select("population")
        .to_pyarrow()
        .to_pylist()
    )
    if not rows:
        rows = (
            table.filter(table.area_level == level, table.area == name)
            .order_by("year")
            .limit(1)
            .select("population")
            .to_pyarrow()
            .to_pylist()
        )
    return int(rows[0]["population"]) if rows else None


def _rounded(value: Number | None, places: int = 4) -> Number | None:
    """A figure as the results keep it (rounded once, here): floats to ``places``."""
    if value is None or isinstance(value, int):
        return value
    return round(float(value), places)


def _point(point: SeriesPoint) -> SeriesPoint:
    return replace(
        point,
        value=_rounded(point.value),
        numerator=_rounded(point.numerator),
        denominator=_rounded(point.denominator),
    )


def _result(
    measure: Measure,
    period: Period,
    month_value: Number | None,
    ytd: Number | None,
    baseline: Number | None,
    series: Sequence[SeriesPoint],
    missing: tuple[str, ...],
    notes: Sequence[MeasureNote],
    ytd_numerator: Number | None = None,
    ytd_denominator: Number | None = None,
    baseline_numerator: Number | None = None,
    baseline_denominator: Number | None = None,
    *,
    comparison: Comparison | None = None,
    compared: MonthsCompared | None = None,
) -> MeasureResult:
    change = None if ytd is None or baseline is None else ytd - baseline
    change_pct = None
    if change is not None and baseline:
        change_pct = 100.0 * change / baseline
    if missing:
        notes = [*notes, MonthsMissing(months=missing)]
    numbers = (ytd_numerator, ytd_denominator, baseline_numerator, baseline_denominator)
    if ytd_denominator is None:  # the four are shown together, for measures that have them
        numbers = (None, None, None, None)
    return MeasureResult(
        id=measure.id,
        title=measure.title,
        kind=measure.kind,
        unit=measure.display_unit,
        improvement=measure.improvement,
        month=format_month(period.as_at),
        month_value=_rounded(month_value),
        ytd=_rounded(ytd),
        baseline_ytd=_rounded(baseline),
        change=_rounded(change),
        change_pct=_rounded(change_pct, 2),
        series=tuple(_point(p) for p in series),
        comparison=comparison or period.comparison,
        ytd_numerator=_rounded(numbers[0]),
        ytd_denominator=_rounded(numbers[1]),
        baseline_numerator=_rounded(numbers[2]),
        baseline_denominator=_rounded(numbers[3]),
        months_missing=missing,
        notes=tuple(notes),
        months_compared=compared or MonthsCompared(),
    )


def _with_target(
    result: MeasureResult,
    measure: Measure,
    target: tuple[str, PlanTarget] | None,
    milestones: tuple[str, ...],
) -> MeasureResult:
    if target is None:
        return replace(result, milestones=milestones)
    milestone_id, spec = target
    on_course: bool | None
    if spec.change_pct is not None:
        kind: Literal["change_pct", "at_least", "at_most"] = "change_pct"
        value = float(spec.change_pct)
        on_course = None
        if result.change_pct is not None:
            lower_is_better = measure.improvement == "decrease" or (
                measure.improvement == "neutral" and value < 0
            )
            on_course = (
                result.change_pct <= value if lower_is_better else result.change_pct >= value
            )
    elif spec.at_least is not None:
        kind, value = "at_least", float(spec.at_least)
        on_course = None if result.ytd is None else result.ytd >= value
    else:
        assert spec.at_most is not None
        kind, value = "at_most", float(spec.at_most)
        on_course = None if result.ytd is None else result.ytd <= value
    return replace(
        result,
        target=Target(milestone=milestone_id, kind=kind, value=value),
        target_pct=value if kind == "change_pct" else None,
        on_course=on_course,
        milestones=milestones,
    )


# -- surveys and published tables -------------------------------------------------------------
def _survey_measure(
    measure: Measure,
    plan: Plan,
    period: Period,
    engine: Engine,
    area: AreaRef | None,
) -> MeasureResult:
    table = engine.table("survey_responses")
    level, name = ("force", plan.force) if area is None else (area.level, area.name)
    rows = (
        table.filter(
            table.force == plan.force,
            table.survey == measure.survey,
            table.question == measure.question,
            table.area_level == level,
            table.area == name,
            table.period_end <= add_months(period.as_at, 1),
        )
        .group_by(["period_start", "period_end", "wave"])
        .aggregate(positive=table.positive.sum(), respondents=table.respondents.sum())
        .order_by(["period_end", "period_start"])
        .to_pyarrow()
        .to_pylist()
    )
    # a period ending after the as-at month is not yet reported
    rows = [r for r in rows if _month(r["period_end"]).replace(day=1) <= period.as_at]
    if not rows:
        note = NoSurveyResults(
            survey=str(measure.survey), question=str(measure.question), area=f"{level}:{name}"
        )
        return _result(measure, period, None, None, None, [], (), [note])
    window = measure.window or "month"
    if window == "wave":
        series = [
            SeriesPoint(
                month=format_month(_month(r["period_end"]).replace(day=1)),
                value=_pct(r["positive"], r["respondents"]),
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
        return _result(
            measure,
            period,
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
        month = _month(r["period_start"]).replace(day=1)
        pos, resp = monthly.get(month, (0, 0))
        monthly[month] = (pos + int(r["positive"]), resp + int(r["respondents"]))
    months = months_between(min(monthly), period.as_at)
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
                value=_pct(*total) if total else None,
                numerator=total[0] if total else None,
                denominator=total[1] if total else None,
            )
        )
    now = totals(period.as_at)
    then = totals(period.baseline_ytd[-1])
    comparison = Comparison(
        basis="rolling_12" if span == 12 else "month",
        current=(format_month(period.as_at),),
        baseline=(format_month(period.baseline_ytd[-1]),),
        baseline_year=period.baseline.label,
    )
    missing = tuple(
        format_month(m) for m in (period.as_at, period.baseline_ytd[-1]) if m not in monthly
    )
    return _result(
        measure,
        period,
        _pct(*monthly[period.as_at]) if period.as_at in monthly else None,
        _pct(*now) if now else None,
        _pct(*then) if then else None,
        series,
        missing,
        (),
        now[0] if now else None,
        now[1] if now else None,
        then[0] if then else None,
        then[1] if then else None,
        comparison=comparison,
    )


def _published_measure(
    measure: Measure,
    plan: Plan,
    period: Period,
    engine: Engine,
    area: AreaRef | None = None,
) -> MeasureResult:
    table = engine.table("reoffending")
    imports = engine.table("imports")
    current = imports.filter(imports.superseded_by.isnull())
    rows = (
        table.filter(table.import_id.isin(current.import_id))
        .order_by([ibis.desc("import_id"), "row_order"])
        .to_pyarrow()
        .to_pylist()
    )
    if not rows:
        note = NoPublishedTable(table="reoffending")
        return _result(measure, period, None, None, None, [], (), [note])
    latest_import = rows[0]["import_id"]
    rows = [r for r in rows if r["import_id"] == latest_import]
    published = tuple(
        PublishedRow(
            level=r["level"],
            area=r["area"],
            cohort=int(r["cohort"]),
            actual_rate=r["actual_rate"],
            predicted_rate=r["predicted_rate"],
            baseline_change_pct=r["baseline_change_pct"],
            baseline_label=r["baseline_label"],
        )
        for r in rows
    )
    top = rows[0]
    if area is not None and area.level != "force":
        # the table is published by region, probation trust and local authority: a local
        # authority's own row when asked for one, nothing for any other kind of area
        own = [r for r in rows if str(r["area"]).lower() == area.name.lower()]
        if area.level != "local_authority" or not own:
            unpublished = NotPublishedForArea(
                area=str(area), levels=("region", "probation trust", "local authority")
            )
            return _result(measure, period, None, None, None, [], (), [unpublished])
        top = own[0]
    comparison = Comparison(
        basis="published",
        period=str(top["period"]),
        publication=str(top["publication"]),
        baseline_label=top["baseline_label"],
    )
    result = _result(
        measure,
        period,
        top["actual_rate"],
        top["actual_rate"],
        top["predicted_rate"],
        [],
        (),
        [],
        comparison=comparison,
    )
    cohort = PublishedCohort(
        publication=str(top["publication"]), area=str(top["area"]), cohort=int(top["cohort"])
    )
    return replace(
        result,
        change_pct=float(top["baseline_change_pct"]),
        table=published,
        notes=(cohort,),
    )
