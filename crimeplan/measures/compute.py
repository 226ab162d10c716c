"""Evaluate every measure of a plan as at a month, in the database engine.

All record counts of a source (crimes or incidents) come from ONE grouped query: a
``COUNT(*) FILTER (WHERE …)`` per measure component (each measure's kind says which
components it needs), grouped by month. Only those small monthly series come back to Python,
where each kind (``crimeplan.measures.kinds``) works out its year to date, baseline period
and change; targets and the data notes are worked out here. The same Ibis code runs on every
engine the seam takes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Literal

import ibis.expr.types as ir

from crimeplan.data.engine import Engine
from crimeplan.data.synthetic import holds_synthetic_data
from crimeplan.errors import MeasureError
from crimeplan.measures.filters import FilterContext, area_predicate, predicate
from crimeplan.measures.kinds import KINDS
from crimeplan.measures.kinds.base import ROWS, Evaluation, MonthlyCounts, Period
from crimeplan.periods import as_date, format_month
from crimeplan.plan.model import AreaRef, MeasureBase, Plan, Where
from crimeplan.plan.model import Target as PlanTarget
from crimeplan.results.measure import (
    Annotation,
    DataSource,
    MeasureResult,
    MeasuresResult,
    Periods,
    PlanInfo,
    Target,
)
from crimeplan.results.notes import (
    DataNote,
    OutsidePlanYear,
    SourceMonthsMissing,
    UnknownFilterValue,
)
from crimeplan.results.position import Action


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
    metrics = {ROWS: table.count()}
    for key, where in components.items():
        condition = predicate(table, where, ctx)
        metrics[key] = engine.count_where(
            table, condition if in_area is None else condition & in_area
        )
    expr = table.group_by("month").aggregate(**metrics).order_by("month")
    rows = expr.to_pyarrow().to_pylist()
    return {as_date(row.pop("month")): {k: int(v) for k, v in row.items()} for row in rows}


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
    # every record count of every measure, by source: one grouped query each
    by_source: dict[str, dict[str, Where]] = {}
    for measure in plan.measures:
        for source, components in KINDS[measure.kind].record_counts(measure, plan).items():
            by_source.setdefault(source, {}).update(components)
    counts = {
        source: monthly_counts(
            engine, source, comps, ctx, force=plan.force, area=area, last_month=as_at
        )
        for source, comps in sorted(by_source.items())
    }
    if area is None or area.level == "force":
        _check_force_present(engine, plan, counts, as_at)
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
    ev = Evaluation(plan=plan, engine=engine, period=period, area=area, counts=counts)
    results = []
    for measure in plan.measures:
        result = KINDS[measure.kind].evaluate(measure, ev)
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
            first_month=format_month(as_date(r["first_month"])) if r["first_month"] else None,
            last_month=format_month(as_date(r["last_month"])) if r["last_month"] else None,
            imported_on=as_date(r["imported_at"]).isoformat(),
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


def _check_force_present(
    engine: Engine, plan: Plan, counts: dict[str, MonthlyCounts], as_at: date
) -> None:
    crimes = counts.get("crimes")
    if crimes is None or crimes:
        return
    table = engine.table("crimes")
    first = table.filter(table.force == plan.force).month.min().to_pyarrow().as_py()
    if first is not None:  # the force is there, but only after the as-at month
        raise MeasureError(
            f"--as-at {format_month(as_at)} is before any data the store holds: its first "
            f"month of crimes for force '{plan.force}' is {format_month(as_date(first))} "
            f"(the plan year is {plan.plan_year}); give an --as-at month from then on"
        )
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
        missing = [format_month(m) for m in wanted if monthly.get(m, {}).get(ROWS, 0) == 0]
        if missing:
            notes.append(SourceMonthsMissing(source=source, months=tuple(missing)))
    return tuple(notes)


def _with_target(
    result: MeasureResult,
    measure: MeasureBase,
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
        action=(
            Action(text=spec.action.text, owner=spec.action.owner, due=spec.action.due)
            if spec.action
            else None
        ),
    )
