"""Import police.uk archive files: street-level crime CSVs and outcomes CSVs, as published.

A police.uk archive (https://data.police.uk/data/) is a folder per month holding
``YYYY-MM-<force>-street.csv``, ``-outcomes.csv`` and ``-stop-and-search.csv`` files.
``find_files`` walks folders for the first two (stop-and-search is noted and skipped);
``import_file`` imports one file, in one transaction:

1. the file is checked (text, UTF-8, the police.uk header) and staged in DuckDB with line
   numbers; rows that break the CSV structure or a rule below stop the import, or with
   ``skip_bad`` go to a rejects file;
2. the rows are mapped onto the ``crimes`` (or ``outcomes``) table: today's category name
   (``crimeplan.data.categories``), the month as a date, the LSOA as ``small_area``;
3. ``Store.replace`` deletes the rows an earlier police.uk import held for the same force and
   month (a newer file supersedes an older one), inserts the new rows and logs the import.

The same file imported again (same sha256) adds nothing. Rows are never de-duplicated: a
Crime ID published again in a later month and identical anti-social behaviour rows are
separate published rows, and counts must equal what police.uk published.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from crimeplan.data import categories
from crimeplan.data.counts import plural
from crimeplan.data.ingest import (
    RowCheck,
    display_name,
    drop_staged,
    inspect_text_file,
    settle_bad_rows,
    stage_csv,
)
from crimeplan.data.store import ImportReport, Store, file_sha256
from crimeplan.errors import InputFileError
from crimeplan.periods import format_month

STREET_SOURCE = "policeuk-street"
OUTCOMES_SOURCE = "policeuk-outcomes"

STREET_HEADER: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
OUTCOMES_HEADER: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Outcome type",
)

#: DuckDB limits while importing: the files are read in the engine, so this bounds memory.
IMPORT_MEMORY_LIMIT = "512MB"
IMPORT_THREADS = 2

Kind = Literal["street", "outcomes"]
_NAME = re.compile(r"^(\d{4})-(\d{2})-.*-(street|outcomes|stop-and-search)\.csv$", re.IGNORECASE)
_WHAT = {"street": "police.uk street CSV", "outcomes": "police.uk outcomes CSV"}


@dataclass(frozen=True)
class PoliceUkFile:
    """A file to import: its path, whether it is a street or outcomes file, its month."""

    path: Path
    kind: Kind
    month: date | None = None


@dataclass(frozen=True)
class FileList:
    """What ``find_files`` found: the files to import in month order, and what it skipped."""

    files: tuple[PoliceUkFile, ...]
    skipped: tuple[str, ...] = ()


# -- finding files ---------------------------------------------------------------------------
def find_files(paths: Sequence[Path]) -> FileList:
    """The street and outcomes files named by ``paths`` (files, or folders walked recursively),
    sorted by month. Stop-and-search files and other files in a folder are skipped with a note;
    a file named on its own is taken as a street or outcomes file by its header."""
    found: list[PoliceUkFile] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file():
                    continue
                match = _NAME.match(child.name)
                if match is None:
                    skipped.append(f"{child}: ignored (not a police.uk street or outcomes file)")
                elif match.group(3).lower() == "stop-and-search":
                    skipped.append(f"{child}: skipped (stop-and-search files are not imported)")
                else:
                    found.append(_file(child, match))
        elif not path.exists():
            raise InputFileError(f"{path}: no such file or folder")
        else:
            match = _NAME.match(path.name)
            if match is not None and match.group(3).lower() == "stop-and-search":
                skipped.append(f"{path}: skipped (stop-and-search files are not imported)")
            elif match is not None:
                found.append(_file(path, match))
            else:
                found.append(PoliceUkFile(path, _kind_from_header(path)))
    if not found:
        names = ", ".join(str(p) for p in paths)
        raise InputFileError(
            f"{names}: no police.uk street or outcomes files found (expected files named "
            "YYYY-MM-<force>-street.csv or YYYY-MM-<force>-outcomes.csv)"
        )
    unique = {file.path.resolve(): file for file in found}
    ordered = sorted(
        unique.values(),
        key=lambda f: (f.month or date.max, f.kind != "street", str(f.path)),
    )
    return FileList(tuple(ordered), tuple(skipped))


def _file(path: Path, match: re.Match[str]) -> PoliceUkFile:
    year, month, kind = int(match.group(1)), int(match.group(2)), match.group(3).lower()
    when = date(year, month, 1) if 1 <= month <= 12 else None
    return PoliceUkFile(path, "street" if kind == "street" else "outcomes", when)


def _kind_from_header(path: Path) -> Kind:
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            first = next(csv.reader([handle.readline()]), [])
    except OSError:
        return "street"
    return "outcomes" if "Outcome type" in first and "Crime type" not in first else "street"


# -- importing -------------------------------------------------------------------------------
@contextmanager
def bounded_memory(store: Store) -> Iterator[None]:
    """Run a block with DuckDB's memory limit and threads set for importing, then restore."""
    row = store.con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads')"
    ).fetchone()
    assert row is not None
    memory, threads = row
    store.con.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}'")
    store.con.execute(f"SET threads = {IMPORT_THREADS}")
    try:
        yield
    finally:
        store.con.execute(f"SET memory_limit = '{memory}'")
        store.con.execute(f"SET threads = {int(threads)}")


def import_file(
    store: Store,
    file: PoliceUkFile,
    *,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Import one police.uk street or outcomes file, in one transaction."""
    if file.kind == "street":
        return import_street_file(store, file.path, skip_bad=skip_bad, rejects_path=rejects_path)
    return import_outcomes_file(store, file.path, skip_bad=skip_bad, rejects_path=rejects_path)


def _common_checks() -> list[RowCheck]:
    return [
        RowCheck(
            "Month",
            '"Month" IS NULL OR NOT regexp_full_match(trim("Month"), \'\\d{4}-(0[1-9]|1[0-2])\')',
            "not a month; expected YYYY-MM, e.g. 2022-10",
        ),
        RowCheck(
            "Falls within",
            '"Falls within" IS NULL OR trim("Falls within") = \'\'',
            "the force is missing",
        ),
        RowCheck(
            "Longitude",
            '"Longitude" IS NOT NULL AND coalesce(NOT (TRY_CAST("Longitude" AS DOUBLE) '
            "BETWEEN -180 AND 180), true)",
            "not a longitude; expected a number from -180 to 180, or blank",
        ),
        RowCheck(
            "Latitude",
            '"Latitude" IS NOT NULL AND coalesce(NOT (TRY_CAST("Latitude" AS DOUBLE) '
            "BETWEEN -90 AND 90), true)",
            "not a latitude; expected a number from -90 to 90, or blank",
        ),
    ]


def street_checks() -> list[RowCheck]:
    """The rules every row of a street file keeps."""
    known = ", ".join("'" + name.replace("'", "''") + "'" for name in categories.KNOWN)
    return [
        *_common_checks(),
        RowCheck(
            "Crime type",
            f'"Crime type" IS NULL OR "Crime type" NOT IN ({known})',
            "not a police.uk crime type; expected one of " + ", ".join(categories.KNOWN),
        ),
        RowCheck(
            "Crime ID",
            f'("Crime ID" IS NULL OR trim("Crime ID") = \'\') '
            f"AND coalesce(\"Crime type\", '') <> '{categories.ASB}'",
            "only anti-social behaviour rows may have no Crime ID",
        ),
    ]


def outcomes_checks() -> list[RowCheck]:
    """The rules every row of an outcomes file keeps."""
    return [
        *_common_checks(),
        RowCheck(
            "Crime ID", '"Crime ID" IS NULL OR trim("Crime ID") = \'\'', "the Crime ID is missing"
        ),
        RowCheck(
            "Outcome type",
            '"Outcome type" IS NULL OR trim("Outcome type") = \'\'',
            "the outcome is missing",
        ),
    ]


def _blank(column: str) -> str:
    return f"nullif(trim(\"{column}\"), '')"


#: The crimes table's columns a street file fills, as SQL over the staged file.
STREET_COLUMNS: dict[str, str] = {
    "source_line": "source_line",
    "crime_ref": _blank("Crime ID"),
    "force": 'trim("Falls within")',
    "month": "strptime(trim(\"Month\"), '%Y-%m')::DATE",
    "category": categories.mapping_sql('"Crime type"'),
    "small_area": _blank("LSOA code"),
    "small_area_name": _blank("LSOA name"),
    "location": '"Location"',
    "longitude": 'TRY_CAST("Longitude" AS DOUBLE)',
    "latitude": 'TRY_CAST("Latitude" AS DOUBLE)',
    "outcome": _blank("Last outcome category"),
    "reported_by": _blank("Reported by"),
    "context": _blank("Context"),
}

#: The outcomes table's columns, as SQL over the staged file.
OUTCOMES_COLUMNS: dict[str, str] = {
    "source_line": "source_line",
    "crime_ref": 'trim("Crime ID")',
    "force": 'trim("Falls within")',
    "month": "strptime(trim(\"Month\"), '%Y-%m')::DATE",
    "reported_by": _blank("Reported by"),
    "longitude": 'TRY_CAST("Longitude" AS DOUBLE)',
    "latitude": 'TRY_CAST("Latitude" AS DOUBLE)',
    "location": '"Location"',
    "small_area": _blank("LSOA code"),
    "small_area_name": _blank("LSOA name"),
    "outcome": 'trim("Outcome type")',
}


def import_street_file(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """Import one police.uk street CSV into ``crimes`` (source ``policeuk-street``)."""
    return _import(
        store,
        path,
        kind="street",
        source=STREET_SOURCE,
        table="crimes",
        header=STREET_HEADER,
        checks=street_checks(),
        mapping=STREET_COLUMNS,
        skip_bad=skip_bad,
        rejects_path=rejects_path,
    )


def import_outcomes_file(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """Import one police.uk outcomes CSV into ``outcomes`` (source ``policeuk-outcomes``)."""
    return _import(
        store,
        path,
        kind="outcomes",
        source=OUTCOMES_SOURCE,
        table="outcomes",
        header=OUTCOMES_HEADER,
        checks=outcomes_checks(),
        mapping=OUTCOMES_COLUMNS,
        skip_bad=skip_bad,
        rejects_path=rejects_path,
    )


def _import(
    store: Store,
    path: Path,
    *,
    kind: Kind,
    source: str,
    table: str,
    header: Sequence[str],
    checks: Sequence[RowCheck],
    mapping: dict[str, str],
    skip_bad: bool,
    rejects_path: Path | None,
) -> ImportReport:
    what = _WHAT[kind]
    name = display_name(path)
    inspect_text_file(path, what=what, header=header)
    sha256 = file_sha256(path)
    earlier = store.find_import(source, sha256)
    if earlier is not None:
        return ImportReport(
            file=name,
            source=source,
            rows=0,
            already_imported=True,
            import_id=earlier.import_id,
            first_month=earlier.first_month,
            last_month=earlier.last_month,
        )
    staged = rejects = mapped = ""
    try:
        with bounded_memory(store):
            staged, rejects = stage_csv(store, path, header, what=what)
            rejected, rejects_file = settle_bad_rows(
                store,
                staged,
                checks,
                path=path,
                rejects_table=rejects,
                skip_bad=skip_bad,
                rejects_path=rejects_path,
                columns=header,
            )
            mapped = f"{staged}_mapped"
            store.con.execute(
                f"CREATE TEMP TABLE {mapped} AS SELECT {_select_list(store, table, mapping)} "
                f"FROM {staged} ORDER BY source_line"
            )
            notes = _file_notes(store, staged, mapped, kind=kind, path=path)
            force = _single_force(store, mapped)
            report = store.replace(
                source=source,
                table=table,
                staged=mapped,
                keys=("force", "month"),
                file_name=name,
                sha256=sha256,
                force=force,
                rejected=rejected,
                note="; ".join(notes) or None,
            )
    finally:
        leftovers = (mapped, f"{staged}_problems", staged, rejects) if staged else ()
        drop_staged(store, *(name for name in leftovers if name))
    return dataclasses.replace(
        report,
        rejects_file=str(rejects_file) if rejects_file else None,
        notes=tuple(notes),
    )


def _select_list(store: Store, table: str, mapping: dict[str, str]) -> str:
    """Every column of ``table`` but ``import_id``: mapped, or NULL of the column's type."""
    columns = store.con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
        [table],
    ).fetchall()
    parts = []
    for column, data_type in columns:
        if column == "import_id":
            continue
        expression = mapping.get(column, f"NULL::{data_type}")
        parts.append(f'{expression} AS "{column}"')
    return ", ".join(parts)


def _single_force(store: Store, mapped: str) -> str | None:
    forces = store.con.execute(f"SELECT DISTINCT force FROM {mapped} ORDER BY force").fetchall()
    return str(forces[0][0]) if len(forces) == 1 else None


def _file_notes(store: Store, staged: str, mapped: str, *, kind: Kind, path: Path) -> list[str]:
    """What is worth knowing about a file that is not an error: several months in one file,
    a month that differs from the file name's, legacy category names, several forces."""
    notes: list[str] = []
    months = [
        row[0]
        for row in store.con.execute(
            f"SELECT DISTINCT month FROM {mapped} ORDER BY month"
        ).fetchall()
    ]
    if len(months) > 1:
        notes.append(
            f"rows for {len(months)} months ({format_month(months[0])} to "
            f"{format_month(months[-1])}) in one file"
        )
    match = _NAME.match(path.name)
    if match and months:
        named = f"{match.group(1)}-{match.group(2)}"
        if [format_month(m) for m in months] != [named]:
            listed = ", ".join(format_month(m) for m in months)
            notes.append(f"file name says {named}, rows are for {listed}")
    forces = store.con.execute(f"SELECT count(DISTINCT force) FROM {mapped}").fetchone()
    if forces and int(forces[0]) > 1:
        notes.append(f"rows for {int(forces[0])} forces in one file")
    if kind == "street":
        for legacy, stored in categories.LEGACY.items():
            row = store.con.execute(
                f'SELECT count(*) FROM {staged} WHERE "Crime type" = ?', [legacy]
            ).fetchone()
            count = int(row[0]) if row else 0
            if not count:
                continue
            if stored != legacy:
                notes.append(
                    f"{plural(count, 'row')} of pre-May-2013 '{legacy}' stored as '{stored}'"
                )
            else:
                notes.append(
                    f"{plural(count, 'row')} of pre-May-2013 '{legacy}' kept as a category "
                    "of its own "
                    "(it cannot be split into 'Public order' and 'Possession of weapons')"
                )
    return notes
