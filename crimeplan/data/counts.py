"""Counts of crimes by month, category and area, and data-quality notes on what was imported.

Both are computed inside the engine: a ``GROUP BY`` over the ``crimes`` table (joined to
``areas`` for local policing units, local authorities and neighbourhoods); only the small
result comes back to Python.

``crime_counts`` counts rows as published: nothing is de-duplicated, so a month's count for
a category equals the number of rows police.uk published for it.

``quality_notes`` lists what a reader of the numbers should know about them: rows with no
location, Crime IDs on more than one row, identical anti-social behaviour rows (separate
incidents, all counted), and rows geocoded outside the force's own areas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from crimeplan.data.categories import ASB
from crimeplan.data.engine import Engine, display_location, reading
from crimeplan.data.store import Store
from crimeplan.errors import CrimeplanError, StoreError
from crimeplan.periods import as_date, format_month

if TYPE_CHECKING:
    import ibis.expr.types as ir

#: The area levels of the ``areas`` table, smallest last.
AREA_LEVELS: tuple[str, ...] = ("lpu", "local_authority", "neighbourhood", "small_area")

#: What ``crime_counts`` can group by.
BY_NAMES: tuple[str, ...] = ("month", "category", "force", "offence_group", *AREA_LEVELS)

_CRIME_COLUMNS = {"month", "category", "force", "offence_group", "small_area"}


def plural(count: int, word: str, words: str | None = None) -> str:
    """``plural(1, "row")`` → ``"1 row"``; ``plural(2, "row")`` → ``"2 rows"``."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


@dataclass(frozen=True)
class CountTable:
    """Counts of crime rows: one row per combination of the ``by`` values, then the count.

    Months are ``YYYY-MM`` strings; a missing value (e.g. no small area) is ``None``.
    """

    by: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.by, "count")

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    @property
    def total(self) -> int:
        return sum(int(row[-1]) for row in self.rows)


def parse_by(text: str) -> tuple[str, ...]:
    """``"month,category"`` → ``("month", "category")``, checked against ``BY_NAMES``."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    if not names:
        raise CrimeplanError(f"--by is empty; expected any of {', '.join(BY_NAMES)}")
    for name in names:
        if name not in BY_NAMES:
            raise CrimeplanError(
                f"--by '{name}' is not something crimes can be counted by; "
                f"expected any of {', '.join(BY_NAMES)}"
            )
    if len(set(names)) != len(names):
        raise CrimeplanError(f"--by '{text}' names a column twice")
    return names


def _count(table: ir.Table) -> int:
    return int(table.count().to_pyarrow().as_py())


def _sort_key(row: Sequence[Any]) -> tuple[tuple[bool, Any], ...]:
    """Values in order, a missing value last: as DuckDB sorts, ``NULLS LAST``, with text
    by code point, on every engine (a PostgreSQL database's collation may differ)."""
    return tuple((value is None, value) for value in row)


def crime_counts(
    engine: Engine,
    by: Sequence[str],
    *,
    area: tuple[str, str] | None = None,
    force: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> CountTable:
    """Count crime rows grouped by ``by`` (names from ``BY_NAMES``), sorted by them.

    ``area`` (level, name) keeps the rows in that area, through the ``areas`` table;
    ``force`` keeps one force; ``first`` and ``last`` bound the months, inclusive.
    """
    by = tuple(by)
    for name in by:
        if name not in BY_NAMES:
            raise CrimeplanError(f"cannot count crimes by '{name}'; expected any of {BY_NAMES}")
    crimes, areas = engine.table("crimes"), engine.table("areas")
    needs_areas = any(name not in _CRIME_COLUMNS for name in by) or (
        area is not None and area[0] != "small_area"
    )
    if needs_areas and _count(areas) == 0:
        raise StoreError(
            f"store {display_location(engine.location)} has no areas table rows; counting by "
            "local policing unit, local authority or neighbourhood needs an areas lookup "
            "imported first"
        )
    where: list[ir.BooleanValue] = []
    if force is not None:
        where.append(crimes.force == force)
    if first is not None:
        where.append(crimes.month >= first)
    if last is not None:
        where.append(crimes.month <= last)
    if area is not None:
        level, name = area
        if level == "small_area":
            where.append(crimes.small_area == name)
        else:
            _check_area_known(areas, level, name)
            where.append(crimes.small_area.isin(areas.filter(areas[level] == name).small_area))
    rows = crimes.filter(*where) if where else crimes
    if needs_areas:
        # one row per small area (the smallest name, should the lookup hold one twice)
        lookup = areas.group_by(area_key=areas.small_area).aggregate(
            **{level: areas[level].min() for level in AREA_LEVELS[:-1]}
        )
        rows = rows.left_join(lookup, rows.small_area == lookup.area_key)
    columns = {name: rows.month.strftime("%Y-%m") if name == "month" else rows[name] for name in by}
    if by:
        counted = rows.group_by(**columns).aggregate(n=rows.count())
    else:
        counted = rows.aggregate(n=rows.count())
    found = [tuple(row.values()) for row in counted.to_pyarrow().to_pylist()]
    result = sorted(((*row[:-1], int(row[-1])) for row in found), key=lambda r: _sort_key(r[:-1]))
    return CountTable(by, tuple(result))


def why_nothing_counted(
    engine: Engine,
    *,
    area: tuple[str, str] | None = None,
    force: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> str:
    """Why ``crime_counts`` with these filters counted nothing, in one line: the store holds
    no crimes, not of that force, not in those months, or not in that area."""
    location = display_location(engine.location)
    if first is not None and last is not None and first > last:
        return f"--from {format_month(first)} is after --to {format_month(last)}"
    crimes = engine.table("crimes")
    if _count(crimes) == 0:
        return (
            f"store {location} holds no crimes; import some first "
            "(crimeplan import policeuk FOLDER, or crimeplan import crimes FILE --mapping …)"
        )
    if force is not None:
        forces = sorted(
            str(r["force"]) for r in crimes.select("force").distinct().to_pyarrow().to_pylist()
        )
        if force not in forces:
            return (
                f"store {location} holds no crimes for --force '{force}'; forces in it: "
                f"{', '.join(forces)}"
            )
        crimes = crimes.filter(crimes.force == force)
    span = crimes.aggregate(first=crimes.month.min(), last=crimes.month.max())
    low, high = (as_date(v) for v in span.to_pyarrow().to_pylist()[0].values())
    whose = f" of force '{force}'" if force is not None else ""
    held = f"{format_month(low)} to {format_month(high)}"
    if (first is not None and first > high) or (last is not None and last < low):
        asked = " ".join(
            f"{flag} {format_month(month)}"
            for flag, month in (("--from", first), ("--to", last))
            if month is not None
        )
        return f"store {location} holds crimes{whose} for {held} only, none for {asked}"
    if area is not None:
        return (
            f"no crimes{whose} in {area[0]}:{area[1]} in store {location} "
            f"(it holds crimes for {held})"
        )
    return (
        f"no crimes{whose} match these filters in store {location} "
        f"(it holds crimes for {held}, with gaps)"
    )


def _check_area_known(areas: ir.Table, level: str, name: str) -> None:
    if _count(areas.filter(areas[level] == name)):
        return
    values = areas.filter(areas[level].notnull()).select(value=areas[level]).distinct()
    known = sorted(str(row["value"]) for row in values.to_pyarrow().to_pylist())[:12]
    listed = ", ".join(known) + (", …" if len(known) == 12 else "")
    raise StoreError(f"no {level} '{name}' in the store's areas; known: {listed}")


# -- data-quality notes ----------------------------------------------------------------------
NO_LOCATION = "no_location"
REPEATED_CRIME_ID = "repeated_crime_id"
REPEATED_CRIME_ID_ACROSS_MONTHS = "repeated_crime_id_across_months"
IDENTICAL_ASB_ROWS = "identical_asb_rows"
OUTSIDE_FORCE_AREA = "outside_force_area"


@dataclass(frozen=True)
class QualityNote:
    """One thing a reader of the counts should know: what, for which force and month
    (``None`` for notes spanning months), how many rows, a sentence saying it for the import's
    report, and its numbers: ``ids`` (Crime IDs repeated), an ``example`` id and the months it
    is in, ``share_pct`` (rows outside the force's areas, of its located rows)."""

    kind: str
    force: str
    month: date | None
    rows: int
    message: str
    ids: int | None = None
    example: str | None = None
    example_months: tuple[date, ...] = ()
    share_pct: float | None = None


def quality_notes(
    engine: Engine | Store,
    *,
    force: str | None = None,
    first: date | None = None,
    last: date | None = None,
    source: str | None = None,
    forces: Sequence[str] | None = None,
) -> list[QualityNote]:
    """Data-quality notes for the crimes of ``force`` (or of ``forces``; every force if
    neither) from ``first`` to ``last`` (inclusive), optionally only rows imported from
    ``source`` (an import log source).

    ``engine`` may be an open DuckDB ``Store`` (wrapped in an ``Engine``), for callers that
    do not pass an ``Engine`` yet.

    Each note is a cheap scan: on an engine that hashes rows, repeated Crime IDs and
    identical rows are first found by a 64-bit hash of the values (a ``GROUP BY`` of one
    integer instead of long strings), then counted exactly, by value, for the few
    candidates only (a hash collision is a candidate that the exact count drops).
    """
    with reading(engine) as reader:
        return _notes(reader, force=force, first=first, last=last, source=source, forces=forces)


def _notes(
    engine: Engine,
    *,
    force: str | None,
    first: date | None,
    last: date | None,
    source: str | None,
    forces: Sequence[str] | None,
) -> list[QualityNote]:
    crimes = engine.table("crimes")
    where: list[ir.BooleanValue] = []
    if force is not None:
        where.append(crimes.force == force)
    if forces is not None:
        where.append(crimes.force.isin(list(forces)))
    if first is not None:
        where.append(crimes.month >= first)
    if last is not None:
        where.append(crimes.month <= last)
    if source is not None:
        imports = engine.table("imports")
        where.append(crimes.import_id.isin(imports.filter(imports.source == source).import_id))
    rows = crimes.filter(*where) if where else crimes
    return [
        *_no_location(rows),
        *_repeated_crime_ids(engine, rows),
        *_identical_asb_rows(engine, rows),
        *_outside_force_area(engine, rows),
    ]


def _records(table: ir.Table) -> list[tuple[Any, ...]]:
    """The rows of a small result, as tuples, sorted (as DuckDB sorts; see ``_sort_key``)."""
    return sorted((tuple(r.values()) for r in table.to_pyarrow().to_pylist()), key=_sort_key)


def _candidates(engine: Engine, rows: ir.Table, columns: Sequence[str]) -> ir.Table:
    """``rows`` whose values of ``columns`` may be repeated: on an engine that hashes rows,
    those whose hash of the values is repeated (a superset: a collision is kept); else all."""
    if not engine.attributes.hashes_rows:
        return rows
    import ibis

    key = ibis.struct({c: rows[c] for c in columns}).hash()
    hashes = rows.group_by(h=key).aggregate(n=rows.count())
    return rows.filter(key.isin(hashes.filter(hashes.n > 1).h))


def _no_location(rows: ir.Table) -> list[QualityNote]:
    located = rows.filter(rows.small_area.isnull())
    counted = located.group_by("force", "month").aggregate(n=located.count())
    return [
        QualityNote(
            NO_LOCATION,
            row_force,
            month,
            int(count),
            f"{row_force} {format_month(month)}: {plural(int(count), 'row')} with no location "
            "(No Location, blank LSOA): counted for the force, in no area",
        )
        for row_force, month, count in _records(counted)
    ]


def _repeated_crime_ids(engine: Engine, rows: ir.Table) -> list[QualityNote]:
    """Crime IDs on more than one row: rows per ID and month, for the IDs on several rows."""
    referenced = _candidates(engine, rows.filter(rows.crime_ref.notnull()), ("force", "crime_ref"))
    per_month_rows = referenced.group_by("force", "crime_ref", "month").aggregate(
        n=referenced.count()
    )
    total = per_month_rows.n.sum().over(group_by=("force", "crime_ref"))
    repeated = per_month_rows.mutate(total=total)
    repeated = repeated.filter(repeated.total > 1).select("force", "crime_ref", "month", "n")
    per_month: dict[tuple[str, date], list[int]] = {}
    per_id: dict[tuple[str, str], list[tuple[date, int]]] = {}
    for row_force, crime_ref, month, n in _records(repeated):
        if n > 1:
            ids_rows = per_month.setdefault((row_force, month), [0, 0])
            ids_rows[0] += 1
            ids_rows[1] += int(n)
        per_id.setdefault((row_force, crime_ref), []).append((month, int(n)))
    notes: list[QualityNote] = []
    for (row_force, month), (ids, count) in sorted(per_month.items()):
        notes.append(
            QualityNote(
                REPEATED_CRIME_ID,
                row_force,
                month,
                int(count),
                f"{row_force} {format_month(month)}: {plural(int(ids), 'Crime ID')} on more "
                f"than one row ({plural(int(count), 'row')}); all rows are counted",
                ids=int(ids),
            )
        )

    across: dict[str, list[tuple[str, list[tuple[date, int]]]]] = {}
    for (row_force, crime_ref), months in per_id.items():
        if len(months) > 1:
            across.setdefault(row_force, []).append((crime_ref, months))
    for row_force in sorted(across):
        found = sorted(across[row_force])
        ids = len(found)
        count = sum(n for _, months in found for _, n in months)
        example, example_months = found[0]
        months_text = " and ".join(sorted({format_month(m) for m, _ in example_months}))
        verb = "appears" if ids == 1 else "appear"
        notes.append(
            QualityNote(
                REPEATED_CRIME_ID_ACROSS_MONTHS,
                row_force,
                None,
                count,
                f"{row_force}: {plural(ids, 'Crime ID')} {verb} in more than one month "
                f"({plural(count, 'row')}, e.g. {str(example)[:12]}… in {months_text}); "
                "each month's row is counted in its month",
                ids=ids,
                example=str(example)[:12],
                example_months=tuple(sorted({m for m, _ in example_months})),
            )
        )
    return notes


#: The columns of a police.uk street row as published: two ASB rows equal in all of them
#: are identical rows (separate incidents).
_PUBLISHED = (
    "crime_ref", "force", "month", "reported_by", "longitude", "latitude", "location",
    "small_area", "small_area_name", "category", "outcome", "context",
)  # fmt: skip


def _identical_asb_rows(engine: Engine, rows: ir.Table) -> list[QualityNote]:
    asb = rows.filter(rows.category == ASB).select(*_PUBLISHED)
    asb = _candidates(engine, asb, _PUBLISHED)
    groups = asb.group_by(*_PUBLISHED).aggregate(n=asb.count())
    groups = groups.filter(groups.n > 1)
    extra = groups.group_by("force", "month").aggregate(extra=(groups.n - 1).sum())
    return [
        QualityNote(
            IDENTICAL_ASB_ROWS,
            row_force,
            month,
            int(count),
            f"{row_force} {format_month(month)}: "
            f"{plural(int(count), 'anti-social behaviour row')} identical to another row "
            "(separate incidents, all counted)",
        )
        for row_force, month, count in _records(extra)
    ]


def _outside_force_area(engine: Engine, rows: ir.Table) -> list[QualityNote]:
    """Rows of a force the areas table knows, geocoded to a small area not among its own."""
    areas = engine.table("areas")
    if not _count(areas):
        return []
    located = rows.filter(
        rows.small_area.notnull(), rows.force.isin(areas.filter(areas.force.notnull()).force)
    )
    own = areas.select(own_force=areas.force, own_area=areas.small_area).distinct()
    joined = located.left_join(
        own, (located.force == own.own_force) & (located.small_area == own.own_area)
    )
    counted = joined.group_by("force").aggregate(
        outside=engine.count_where(joined, joined.own_area.isnull()), total=joined.count()
    )
    return [
        QualityNote(
            OUTSIDE_FORCE_AREA,
            row_force,
            None,
            int(count),
            f"{row_force}: {plural(int(count), 'row')} ({100 * count / total:.1f} %) "
            "geocoded to small areas outside the force's areas: counted for the "
            "force, in none of its areas",
            share_pct=100 * count / total,
        )
        for row_force, count, total in _records(counted)
        if count
    ]


def summarise_notes(notes: Sequence[QualityNote]) -> list[str]:
    """One line per force and kind of note, for printing after an import."""
    lines: list[str] = []
    groups: dict[tuple[str, str], list[QualityNote]] = {}
    for note in notes:
        groups.setdefault((note.force, note.kind), []).append(note)
    for (force, kind), group in groups.items():
        rows = sum(note.rows for note in group)
        months = sorted(note.month for note in group if note.month is not None)
        span = ""
        if months:
            first, last = format_month(months[0]), format_month(months[-1])
            count = len(months)
            span = f" in {plural(count, 'month')}" + (
                f" ({first})" if first == last else f" ({first} to {last})"
            )
        if kind == NO_LOCATION:
            lines.append(f"{force}: {plural(rows, 'row')} with no location{span}")
        elif kind == REPEATED_CRIME_ID:
            lines.append(f"{force}: {plural(rows, 'row')} sharing a Crime ID within a month{span}")
        elif kind == IDENTICAL_ASB_ROWS:
            lines.append(
                f"{force}: {plural(rows, 'anti-social behaviour row')} identical to another{span} "
                "(separate incidents, all counted)"
            )
        else:
            lines.extend(note.message for note in group)
    return lines


def latest_month(engine: Engine, force: str, source: str = "crimes") -> date | None:
    """The latest month the store holds records of ``source`` for ``force`` (None if none)."""
    table = engine.table(source)
    value = table.filter(table.force == force).month.max().to_pyarrow().as_py()
    return None if value is None else as_date(value).replace(day=1)
