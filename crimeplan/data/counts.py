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
from typing import Any

from crimeplan.data.categories import ASB
from crimeplan.data.store import Store
from crimeplan.errors import CrimeplanError, StoreError
from crimeplan.periods import format_month

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


def parse_area(text: str) -> tuple[str, str]:
    """``"lpu:Coventry"`` → ``("lpu", "Coventry")``, the level checked against ``AREA_LEVELS``."""
    level, sep, name = text.partition(":")
    level, name = level.strip(), name.strip()
    if not sep or not name:
        raise CrimeplanError(f"--area '{text}' is not LEVEL:NAME, e.g. lpu:Coventry")
    if level not in AREA_LEVELS:
        raise CrimeplanError(
            f"--area '{text}': unknown area level '{level}'; expected one of "
            f"{', '.join(AREA_LEVELS)}"
        )
    return level, name


def _areas_rows(store: Store) -> int:
    row = store.con.execute("SELECT count(*) FROM areas").fetchone()
    return int(row[0]) if row else 0


def crime_counts(
    store: Store,
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
    needs_areas = any(name not in _CRIME_COLUMNS for name in by) or (
        area is not None and area[0] != "small_area"
    )
    if needs_areas and _areas_rows(store) == 0:
        raise StoreError(
            f"store {store.path} has no areas table rows; counting by local policing unit, "
            "local authority or neighbourhood needs an areas lookup imported first"
        )
    where: list[str] = []
    params: list[Any] = []
    if force is not None:
        where.append("c.force = ?")
        params.append(force)
    if first is not None:
        where.append("c.month >= ?")
        params.append(first)
    if last is not None:
        where.append("c.month <= ?")
        params.append(last)
    if area is not None:
        level, name = area
        if level == "small_area":
            where.append("c.small_area = ?")
        else:
            _check_area_known(store, level, name)
            where.append(f"c.small_area IN (SELECT small_area FROM areas WHERE {level} = ?)")
        params.append(name)
    selects = []
    for name in by:
        if name == "month":
            selects.append("strftime(c.month, '%Y-%m') AS month")
        elif name in _CRIME_COLUMNS:
            selects.append(f"c.{name} AS {name}")
        else:
            selects.append(f"a.{name} AS {name}")
    join = ""
    if needs_areas:
        levels = ", ".join(f"any_value({level}) AS {level}" for level in AREA_LEVELS[:-1])
        join = (
            f"LEFT JOIN (SELECT small_area, {levels} FROM areas GROUP BY small_area) a "
            "ON a.small_area = c.small_area"
        )
    sql = f"SELECT {', '.join(selects) + ', ' if selects else ''}count(*) AS count FROM crimes c "
    sql += join
    if where:
        sql += " WHERE " + " AND ".join(where)
    if by:
        positions = ", ".join(f"{i} NULLS LAST" for i in range(1, len(by) + 1))
        sql += f" GROUP BY ALL ORDER BY {positions}"
    rows = store.con.execute(sql, params).fetchall()
    return CountTable(by, tuple((*row[:-1], int(row[-1])) for row in rows))


def _check_area_known(store: Store, level: str, name: str) -> None:
    row = store.con.execute(f"SELECT count(*) FROM areas WHERE {level} = ?", [name]).fetchone()
    if row and int(row[0]):
        return
    known = [
        str(value)
        for (value,) in store.con.execute(
            f"SELECT DISTINCT {level} FROM areas WHERE {level} IS NOT NULL ORDER BY 1 LIMIT 12"
        ).fetchall()
    ]
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
    (``None`` for notes spanning months), how many rows, and a sentence saying it."""

    kind: str
    force: str
    month: date | None
    rows: int
    message: str


def quality_notes(
    store: Store,
    *,
    force: str | None = None,
    first: date | None = None,
    last: date | None = None,
    source: str | None = None,
    forces: Sequence[str] | None = None,
) -> list[QualityNote]:
    """Data-quality notes for the crimes of ``force`` (or of ``forces``; every force if
    neither) from ``first`` to ``last`` (inclusive), optionally only rows imported from
    ``source``.

    Each note is a cheap scan: repeated Crime IDs and identical rows are first found by a
    64-bit hash of the values (a ``GROUP BY`` of one integer instead of long strings), then
    counted exactly, by value, for the few candidates only (a hash collision is a candidate
    that the exact count drops).
    """
    where = ["TRUE"]
    params: list[Any] = []
    if force is not None:
        where.append("force = ?")
        params.append(force)
    if forces is not None:
        where.append("force IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(forces))
    if first is not None:
        where.append("month >= ?")
        params.append(first)
    if last is not None:
        where.append("month <= ?")
        params.append(last)
    if source is not None:
        where.append("import_id IN (SELECT import_id FROM imports WHERE source = ?)")
        params.append(source)
    rows = f"(SELECT * FROM crimes WHERE {' AND '.join(where)})"
    con = store.con
    notes: list[QualityNote] = []

    for row_force, month, count in con.execute(
        f"SELECT force, month, count(*) FROM {rows} WHERE small_area IS NULL "
        "GROUP BY ALL ORDER BY 1, 2",
        params,
    ).fetchall():
        notes.append(
            QualityNote(
                NO_LOCATION,
                row_force,
                month,
                int(count),
                f"{row_force} {format_month(month)}: {plural(int(count), 'row')} with no location "
                "(No Location, blank LSOA): counted for the force, in no area",
            )
        )

    # Crime IDs on more than one row: candidates by hash, then rows per ID and month exactly.
    repeated = (
        f"(SELECT force, crime_ref, month, count(*) AS n FROM {rows} "
        "WHERE crime_ref IS NOT NULL AND hash(force, crime_ref) IN ("
        f"SELECT hash(force, crime_ref) AS h FROM {rows} WHERE crime_ref IS NOT NULL "
        "GROUP BY h HAVING count(*) > 1) GROUP BY ALL)"
    )
    repeats = con.execute(
        f"SELECT force, crime_ref, month, n FROM {repeated}", [*params, *params]
    ).fetchall()
    per_month: dict[tuple[str, date], list[int]] = {}
    per_id: dict[tuple[str, str], list[tuple[date, int]]] = {}
    for row_force, crime_ref, month, n in repeats:
        if n > 1:
            ids_rows = per_month.setdefault((row_force, month), [0, 0])
            ids_rows[0] += 1
            ids_rows[1] += int(n)
        per_id.setdefault((row_force, crime_ref), []).append((month, int(n)))
    for (row_force, month), (ids, count) in sorted(per_month.items()):
        notes.append(
            QualityNote(
                REPEATED_CRIME_ID,
                row_force,
                month,
                int(count),
                f"{row_force} {format_month(month)}: {plural(int(ids), 'Crime ID')} on more "
                f"than one row ({plural(int(count), 'row')}); all rows are counted",
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
            )
        )

    published = (
        "crime_ref, force, month, reported_by, longitude, latitude, location, small_area, "
        "small_area_name, category, outcome, context"
    )
    asb = f"(SELECT {published} FROM {rows} WHERE category = ?)"
    for row_force, month, extra in con.execute(
        f"SELECT force, month, sum(n - 1) FROM (SELECT {published}, count(*) AS n "
        f"FROM {asb} WHERE hash({published}) IN (SELECT hash({published}) AS h FROM {asb} "
        "GROUP BY h HAVING count(*) > 1) GROUP BY ALL HAVING n > 1) "
        "GROUP BY ALL ORDER BY 1, 2",
        [*params, ASB, *params, ASB],
    ).fetchall():
        notes.append(
            QualityNote(
                IDENTICAL_ASB_ROWS,
                row_force,
                month,
                int(extra),
                f"{row_force} {format_month(month)}: "
                f"{plural(int(extra), 'anti-social behaviour row')} identical to another row "
                "(separate incidents, all counted)",
            )
        )

    if _areas_rows(store):
        for row_force, count, total in con.execute(
            f"SELECT c.force, count(*) FILTER (WHERE c.small_area NOT IN "
            f"(SELECT small_area FROM areas a WHERE a.force = c.force)), count(*) "
            f"FROM {rows} c WHERE c.small_area IS NOT NULL "
            f"AND c.force IN (SELECT DISTINCT force FROM areas WHERE force IS NOT NULL) "
            "GROUP BY ALL ORDER BY 1",
            params,
        ).fetchall():
            if not count:
                continue
            notes.append(
                QualityNote(
                    OUTSIDE_FORCE_AREA,
                    row_force,
                    None,
                    int(count),
                    f"{row_force}: {plural(int(count), 'row')} ({100 * count / total:.1f} %) "
                    "geocoded to small areas outside the force's areas: counted for the "
                    "force, in none of its areas",
                )
            )
    return notes


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
