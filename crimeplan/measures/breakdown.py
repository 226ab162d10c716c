"""The counts behind the facts and the experiments, each from one grouped Ibis query.

- ``breakdown``: a count measure's records over some months, split by offence group,
  offence or category (the largest contributors to a total and to its change);
- ``yearly_totals``: a count measure's financial-year totals for every year the store holds
  ("the highest number since 2006/07");
- ``area_set_counts``: records in each of the plan's area sets in each of some periods (the
  treatment, control and displacement areas of an experiment).

Only small results come back to Python. The same code runs on DuckDB and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal

import ibis
import ibis.expr.types as ir

from crimeplan.data.engine import Engine
from crimeplan.errors import MeasureError
from crimeplan.measures.filters import FilterContext, area_predicate, predicate
from crimeplan.periods import FinancialYear, as_date
from crimeplan.plan.model import AreaRef, MeasureBase, Plan, RecordCountMeasure, Where

By = Literal["offence_group", "offence", "category"]
BY_COLUMNS: tuple[By, ...] = ("offence_group", "offence", "category")

#: the key of records whose split column is empty
NOT_RECORDED = "(none)"


def _count_measure(plan: Plan, measure: MeasureBase | str) -> RecordCountMeasure:
    """The count (or rate) measure named, or a one-line error."""
    if isinstance(measure, str):
        try:
            found: MeasureBase = plan.measure(measure)
        except KeyError:
            known = (
                ", ".join(m.id for m in plan.measures if isinstance(m, RecordCountMeasure))
                or "none"
            )
            raise MeasureError(
                f"no measure '{measure}' in the plan; count measures: {known}"
            ) from None
    else:
        found = measure
    if not isinstance(found, RecordCountMeasure):
        raise MeasureError(
            f"measure '{found.id}' is a {found.kind} measure; only a count (or rate) measure's "
            "records can be counted here"
        )
    return found


def _context(engine: Engine, plan: Plan) -> FilterContext:
    return FilterContext(areas=engine.table("areas"), area_sets=plan.area_sets, force=plan.force)


def _records(
    engine: Engine,
    plan: Plan,
    source: str,
    where: Where,
    area: AreaRef | None,
) -> ir.Table:
    ctx = _context(engine, plan)
    table: ir.Table = engine.table(source)
    table = table.filter(table.force == plan.force, predicate(table, where, ctx))
    if area is not None and area.level != "force":
        table = table.filter(area_predicate(table, area, ctx))
    return table


def breakdown(
    engine: Engine,
    plan: Plan,
    measure: MeasureBase | str,
    by: By,
    months: Sequence[date],
    area: AreaRef | None = None,
) -> dict[str, int]:
    """A count measure's records in ``months``, by the values of the column ``by``.

    Keys are the column's values, with ``"(none)"`` for records that leave it empty; values
    are counts, every one at least 1 (a value with no records is absent). Sorted by count,
    largest first, then by key. Empty when ``months`` is.
    """
    found = _count_measure(plan, measure)
    if by not in BY_COLUMNS:
        raise MeasureError(f"cannot split by '{by}'; expected one of {', '.join(BY_COLUMNS)}")
    if not months:
        return {}
    table = engine.table(found.source)
    if by not in table.columns:
        raise MeasureError(
            f"measure '{found.id}' counts {found.source}, which has no {by} column; "
            f"split it by one of: {', '.join(c for c in BY_COLUMNS if c in table.columns)}"
        )
    records = _records(engine, plan, found.source, found.filters, area)
    records = records.filter(records.month.isin(sorted(set(months))))
    rows = records.group_by(by).aggregate(n=records.count()).to_pyarrow().to_pylist()
    counts = {NOT_RECORDED if r[by] is None else str(r[by]): int(r["n"]) for r in rows}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def breakdown_periods(
    engine: Engine,
    plan: Plan,
    measure: MeasureBase | str,
    by: Sequence[By],
    periods: Mapping[str, Sequence[date]],
    area: AreaRef | None = None,
) -> dict[str, dict[tuple[str, ...], int]]:
    """Like ``breakdown`` for several periods and columns at once, in ONE grouped query:
    ``{period name: {(value of each column in by): count}}``."""
    found = _count_measure(plan, measure)
    table = engine.table(found.source)
    for column in by:
        if column not in BY_COLUMNS or column not in table.columns:
            raise MeasureError(f"cannot split {found.source} by '{column}'")
    month_period = {m: name for name, months in periods.items() for m in months}
    out: dict[str, dict[tuple[str, ...], int]] = {name: {} for name in periods}
    if not month_period:
        return out
    records = _records(engine, plan, found.source, found.filters, area)
    records = records.filter(records.month.isin(sorted(month_period)))
    rows = records.group_by(["month", *by]).aggregate(n=records.count()).to_pyarrow().to_pylist()
    for row in rows:
        key = tuple(NOT_RECORDED if row[c] is None else str(row[c]) for c in by)
        period = out[month_period[as_date(row["month"])]]
        period[key] = period.get(key, 0) + int(row["n"])
    return out


def yearly_totals(
    engine: Engine,
    plan: Plan,
    measure: MeasureBase | str,
    *,
    area: AreaRef | None = None,
    complete_only: bool = True,
) -> dict[str, int]:
    """A count measure's total in each financial year the store holds, oldest first.

    Keys are labels (``"2012/13"``). With ``complete_only`` (the default) a year counts only
    when the store has records of the measure's source for the force in all twelve of its
    months, so that a part year at either end of the store is not mistaken for a low year.
    """
    found = _count_measure(plan, measure)
    table: ir.Table = engine.table(found.source)
    ctx = _context(engine, plan)
    table = table.filter(table.force == plan.force)
    if area is not None and area.level != "force":
        table = table.filter(area_predicate(table, area, ctx))
    rows = (
        table.group_by("month")
        .aggregate(
            rows=table.count(), n=engine.count_where(table, predicate(table, found.filters, ctx))
        )
        .to_pyarrow()
        .to_pylist()
    )
    totals: dict[FinancialYear, int] = {}
    present: dict[FinancialYear, set[date]] = {}
    for row in rows:
        month = as_date(row["month"])
        year = FinancialYear.of(month)
        totals[year] = totals.get(year, 0) + int(row["n"])
        if int(row["rows"]) > 0:
            present.setdefault(year, set()).add(month)
    return {
        year.label: totals[year]
        for year in sorted(totals)
        if not complete_only or len(present.get(year, ())) == 12
    }


def area_set_counts(
    engine: Engine,
    plan: Plan,
    area_sets: Sequence[str],
    periods: Mapping[str, Sequence[date]],
    measure: MeasureBase | str | None = None,
) -> dict[tuple[str, str], int]:
    """Records in each of the plan's ``area_sets`` in each named period of months.

    Counts crimes, or with ``measure`` the records its ``where`` takes from its source. One
    query: a ``COUNT(*) FILTER (WHERE …)`` per (area set, period) pair, the keys of the
    result. An area set the plan lacks is an error naming the known ones.
    """
    where = Where()
    source = "crimes"
    if measure is not None:
        found = _count_measure(plan, measure)
        where, source = found.filters, found.source
    for name in area_sets:
        if name not in plan.area_sets:
            known = ", ".join(sorted(plan.area_sets)) or "none"
            raise MeasureError(f"no area set '{name}' in the plan; known area sets: {known}")
    wanted = sorted({m for months in periods.values() for m in months})
    if not wanted or not area_sets:
        return {(s, p): 0 for s in area_sets for p in periods}
    ctx = _context(engine, plan)
    records = _records(engine, plan, source, where, None)
    records = records.filter(records.month.isin(wanted))
    metrics: dict[str, ir.Scalar] = {}
    keys: dict[str, tuple[str, str]] = {}
    for i, name in enumerate(area_sets):
        in_set = predicate(records, Where(area_set=name), ctx)
        for j, (period, months) in enumerate(periods.items()):
            column = f"n_{i}_{j}"
            keys[column] = (name, period)
            in_period = records.month.isin(sorted(set(months))) if months else ibis.literal(False)
            metrics[column] = engine.count_where(records, in_set & in_period)
    row = records.aggregate(**metrics).to_pyarrow().to_pylist()[0]
    return {keys[column]: int(row[column] or 0) for column in keys}
