"""A measure's ``where`` as an Ibis predicate over the ``crimes`` or ``incidents`` table.

Areas are resolved through the ``areas`` table (small area → neighbourhood, LPU, local
authority) with an ``IN (subquery)``, which can never duplicate a record the way a join
could if the geography held a small area twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from crimeplan.errors import MeasureError
from crimeplan.plan.model import AreaRef, AreaSet, TimeOfDay, Where

_AREA_COLUMN = {
    "lpu": "lpu",
    "local_authority": "local_authority",
    "neighbourhood": "neighbourhood",
    "small_area": "small_area",
}


@dataclass(frozen=True)
class FilterContext:
    """What a filter needs besides the record table: the geography and the plan's area sets."""

    areas: ir.Table
    area_sets: dict[str, AreaSet]
    force: str


def _small_areas(ctx: FilterContext, level: str, names: list[str]) -> ir.Column:
    column = _AREA_COLUMN[level]
    areas = ctx.areas
    return areas.filter(areas[column].isin(names)).small_area


def area_predicate(table: ir.Table, area: AreaRef, ctx: FilterContext) -> ir.BooleanValue:
    if area.level == "force":
        return table.force == area.name
    if area.level == "small_area":
        return table.small_area == area.name
    if area.level == "area_set":
        return _area_set_predicate(table, area.name, ctx)
    return table.small_area.isin(_small_areas(ctx, area.level, [area.name]))


def _area_set_predicate(table: ir.Table, name: str, ctx: FilterContext) -> ir.BooleanValue:
    area_set = ctx.area_sets.get(name)
    if area_set is None:
        known = ", ".join(sorted(ctx.area_sets)) or "none"
        raise MeasureError(f"no area set '{name}' in the plan; known: {known}")
    if area_set.level == "force":
        return table.force.isin(area_set.members)
    if area_set.level == "small_area":
        return table.small_area.isin(area_set.members)
    return table.small_area.isin(_small_areas(ctx, area_set.level, list(area_set.members)))


def _time_of_day(column: ir.TimestampValue, window: TimeOfDay) -> ir.BooleanValue:
    minute = column.hour() * 60 + column.minute()
    start = window.start.hour * 60 + window.start.minute
    end = window.end.hour * 60 + window.end.minute
    if window.wraps:
        return (minute >= start) | (minute <= end)
    return (minute >= start) & (minute <= end)


def _flag(column: ir.BooleanValue, wanted: bool) -> ir.BooleanValue:
    return column.fill_null(False) == wanted


def predicate(table: ir.Table, where: Where, ctx: FilterContext) -> ir.BooleanValue:
    """Every condition of ``where``, ANDed; ``True`` when it has none."""
    conditions: list[Any] = []
    columns = set(table.columns)

    def need(column: str, key: str) -> None:
        if column not in columns:
            raise MeasureError(f"'{key}' cannot filter this source: it has no {column} column")

    if where.category:
        conditions.append(table.category.isin(where.category))
    if where.exclude_category:
        conditions.append(~table.category.isin(where.exclude_category))
    for key in ("offence_group", "offence", "offence_code"):
        values = getattr(where, key)
        if values:
            need(key, key)
            conditions.append(table[key].isin(values))
    for key in ("domestic", "knife", "gun", "business", "solved"):
        wanted = getattr(where, key)
        if wanted is not None:
            need(key, key)
            conditions.append(_flag(table[key], wanted))
    weapon = getattr(where, "weapon", None)
    if weapon is not None:
        need("knife", "weapon")
        either = table.knife.fill_null(False) | table.gun.fill_null(False)
        conditions.append(either == weapon)
    if where.hate is not None:
        need("hate_strand", "hate")
        conditions.append(table.hate_strand.notnull() == where.hate)
    if where.hate_strand:
        need("hate_strand", "hate_strand")
        conditions.append(table.hate_strand.isin(where.hate_strand))
    if where.time_of_day is not None:
        need("recorded_at", "time_of_day")
        conditions.append(_time_of_day(table.recorded_at, where.time_of_day))
    if where.area is not None:
        conditions.append(area_predicate(table, where.area, ctx))
    if where.area_set is not None:
        conditions.append(_area_set_predicate(table, where.area_set, ctx))
    if not conditions:
        return ibis.literal(True)
    result = conditions[0]
    for condition in conditions[1:]:
        result = result & condition
    return result
