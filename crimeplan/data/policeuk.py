"""Import police.uk archive files: street-level crime CSVs and outcomes CSVs, as published.

A police.uk archive (https://data.police.uk/data/) is a folder per month holding
``YYYY-MM-<force>-street.csv``, ``-outcomes.csv`` and ``-stop-and-search.csv`` files.
``find_files`` walks folders for the first two (stop-and-search is noted and skipped);
``import_files`` imports a run of files in one transaction (``import_file``: one file):

1. each file is checked (text, UTF-8, the police.uk header) and hashed; files already
   imported (same sha256) are skipped;
2. the new files of each kind are read together by DuckDB, streaming, and every row is
   checked: a bad row (a broken CSV line or a rule below) stops the run, naming its file
   and line, or with ``skip_bad`` goes to the file's rejects file;
3. a second read inserts the rows, mapped onto the ``crimes`` (or ``outcomes``) table:
   today's category name (``crimeplan.data.categories``), the month as a date, the LSOA as
   ``small_area``, the line in its file as ``source_line``; the rows an earlier import
   held for the same force and month are deleted first (a newer file supersedes an older
   one) and each file gets its import log row.

That is the precise path. A run first tries the fast path (``_fast``): one read inserting
every mapped row, with ``source_line`` NULL, in which any row the precise path would reject
or annotate (a broken line, a rule below, a legacy crime type, a month before May 2013)
aborts the statement; rows per file, force and month are then tallied from what was
inserted, and supersession and the log are the precise path's. Whenever the fast path
cannot give exactly the precise path's result (that, the same force and month in two files
of the run, outcomes files) it is rolled back completely and the precise path runs, so every
message and rejects file is the precise path's. ``last_path`` says which path a run took.

The same file imported again (same sha256) adds nothing. Rows are never de-duplicated: a
Crime ID published again in a later month and identical anti-social behaviour rows are
separate published rows, and counts must equal what police.uk published.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb

from crimeplan.data import categories
from crimeplan.data.counts import QualityNote, plural, quality_notes
from crimeplan.data.ingest import (
    RowCheck,
    display_name,
    drop_staged,
    inspect_text_file,
    read_csv_sql,
    rejected_line_reasons,
    trimmed,
    unique_name,
)
from crimeplan.data.store import ImportRecord, ImportReport, Store, file_sha256
from crimeplan.errors import BadRowError, InputFileError
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
    """Run a block with DuckDB's memory limit and threads set for importing, then restore.

    Set once per run (the command wraps the whole run, data-quality notes included); a nested
    block finds the limits already set and changes nothing. Insertion order is kept (the
    default): line numbers rely on rows coming out of ``read_csv`` in file order.
    """
    row = store.con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('preserve_insertion_order')"
    ).fetchone()
    assert row is not None
    memory, threads, order = row
    store.con.execute(
        f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}'; SET threads = {IMPORT_THREADS}; "
        "SET preserve_insertion_order = true"
    )
    try:
        yield
    finally:
        store.con.execute(
            f"SET memory_limit = '{memory}'; SET threads = {int(threads)}; "
            f"SET preserve_insertion_order = {'true' if order else 'false'}"
        )


def _blank_check(column: str) -> str:
    return f"\"{column}\" IS NULL OR {trimmed(column)} = ''"


def _common_checks() -> list[RowCheck]:
    return [
        RowCheck(
            "Month",
            f'"Month" IS NULL OR NOT regexp_full_match({trimmed("Month")}, '
            "'\\d{4}-(0[1-9]|1[0-2])')",
            "not a month; expected YYYY-MM, e.g. 2022-10",
        ),
        RowCheck("Falls within", _blank_check("Falls within"), "the force is missing"),
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
            # only for a known crime type: an unknown one is reported as such, on its own
            f'({_blank_check("Crime ID")}) AND "Crime type" IN ({known}) '
            f"AND \"Crime type\" <> '{categories.ASB}'",
            "only anti-social behaviour rows may have no Crime ID",
        ),
    ]


def outcomes_checks() -> list[RowCheck]:
    """The rules every row of an outcomes file keeps."""
    return [
        *_common_checks(),
        RowCheck("Crime ID", _blank_check("Crime ID"), "the Crime ID is missing"),
        RowCheck("Outcome type", _blank_check("Outcome type"), "the outcome is missing"),
    ]


def _blank(column: str) -> str:
    return f"nullif({trimmed(column)}, '')"


#: The month of a row that passed the checks (``YYYY-MM``): a cast, cheaper than strptime.
_MONTH = f"({trimmed('Month')} || '-01')::DATE"

#: The crimes table's columns a street file fills, as SQL over the read rows.
STREET_COLUMNS: dict[str, str] = {
    "source_line": "source_line",
    "crime_ref": _blank("Crime ID"),
    "force": trimmed("Falls within"),
    "month": _MONTH,
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

#: The outcomes table's columns, as SQL over the read rows.
OUTCOMES_COLUMNS: dict[str, str] = {
    "source_line": "source_line",
    "crime_ref": trimmed("Crime ID"),
    "force": trimmed("Falls within"),
    "month": _MONTH,
    "reported_by": _blank("Reported by"),
    "longitude": 'TRY_CAST("Longitude" AS DOUBLE)',
    "latitude": 'TRY_CAST("Latitude" AS DOUBLE)',
    "location": '"Location"',
    "small_area": _blank("LSOA code"),
    "small_area_name": _blank("LSOA name"),
    "outcome": trimmed("Outcome type"),
}


@dataclass(frozen=True)
class _Spec:
    """What differs between street and outcomes files."""

    kind: Kind
    source: str
    table: str
    header: tuple[str, ...]
    checks: tuple[RowCheck, ...]
    mapping: dict[str, str]
    legacy: tuple[str, ...]  # published crime types counted for the notes

    @property
    def what(self) -> str:
        return _WHAT[self.kind]


def _spec(kind: Kind) -> _Spec:
    if kind == "street":
        return _Spec(
            kind, STREET_SOURCE, "crimes", STREET_HEADER, tuple(street_checks()),
            STREET_COLUMNS, tuple(categories.LEGACY),
        )  # fmt: skip
    return _Spec(
        kind, OUTCOMES_SOURCE, "outcomes", OUTCOMES_HEADER, tuple(outcomes_checks()),
        OUTCOMES_COLUMNS, (),
    )  # fmt: skip


#: Told before each step of a run: what the step does, steps done, steps in all.
ProgressCallback = Callable[[str, int, int], None]


def import_file(
    store: Store,
    file: PoliceUkFile,
    *,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Import one police.uk street or outcomes file, in one transaction."""
    rejects = {file.path: rejects_path} if rejects_path is not None else None
    return import_files(store, [file], skip_bad=skip_bad, rejects_paths=rejects)[0]


def import_street_file(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """Import one police.uk street CSV into ``crimes`` (source ``policeuk-street``)."""
    return import_file(
        store, PoliceUkFile(path, "street"), skip_bad=skip_bad, rejects_path=rejects_path
    )


def import_outcomes_file(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """Import one police.uk outcomes CSV into ``outcomes`` (source ``policeuk-outcomes``)."""
    return import_file(
        store, PoliceUkFile(path, "outcomes"), skip_bad=skip_bad, rejects_path=rejects_path
    )


@dataclass
class _Planned:
    """A file of the run, once its text, header and sha256 are checked."""

    file: PoliceUkFile
    spec: _Spec
    name: str
    sha256: str
    earlier: ImportRecord | None = None  # already in the store (same source and sha256)
    same_as: _Planned | None = None  # the same content earlier in this run
    rejects_path: Path | None = None
    # filled in by the scan
    total: int = 0  # rows read (good and bad; lines the CSV reader rejected are not rows)
    bad: int = 0  # bad lines: rows failing a check and lines the CSV reader rejected
    keys: dict[tuple[str, date], int] = dataclasses.field(default_factory=dict)
    legacy: dict[str, int] = dataclasses.field(default_factory=dict)
    rejects_file: Path | None = None
    # filled in by the write
    import_id: int | None = None
    replaced: int = 0
    dropped: set[tuple[str, date]] = dataclasses.field(default_factory=set)

    @property
    def new(self) -> bool:
        return self.earlier is None and self.same_as is None

    @property
    def good(self) -> int:
        return sum(self.keys.values())

    def months(self) -> list[date]:
        return sorted({month for _, month in self.keys})

    def forces(self) -> list[str]:
        return sorted({force for force, _ in self.keys})


def import_files(
    store: Store,
    files: Sequence[PoliceUkFile],
    *,
    skip_bad: bool = False,
    rejects_paths: Mapping[Path, Path] | None = None,
    progress: ProgressCallback | None = None,
) -> list[ImportReport]:
    """Import police.uk files, all in one transaction: all of them or, if any fails, none.

    Files already imported (same source and sha256) are skipped. The new files of each kind
    are read together, twice, streaming in DuckDB: once to check every row and summarise the
    files (rows per force and month, legacy categories), once to insert the mapped rows, each
    row's line number worked out from its place in the read. Nothing the size of the files is
    held in memory or in a temporary table; a third read finds the lines of bad rows, only
    when there are some. ``rejects_paths`` names a file's rejects file (default: next to it)
    for ``skip_bad``.
    """
    steps = len(files) + 3

    def step(description: str, done: int) -> None:
        if progress is not None:
            progress(description, done, steps)

    for file in files:
        spec = _spec(file.kind)
        inspect_text_file(file.path, what=spec.what, header=spec.header)
    # hashlib releases the GIL: two files are hashed at a time
    with ThreadPoolExecutor(max_workers=IMPORT_THREADS) as pool:
        hashes = pool.map(file_sha256, [file.path for file in files])
        with bounded_memory(store):
            return _import(store, files, hashes, skip_bad, rejects_paths, step)


#: Which path the last ``import_files`` run took: ``"fast"`` (one read, checks that abort
#: the statement), ``"precise"`` (today's checked reads, line numbers) or ``"none"``
#: (nothing new to import).
last_path: Literal["fast", "precise", "none"] = "none"


class _Fallback(Exception):
    """The fast path cannot give exactly what the precise path gives: roll back, go precise."""


def _import(
    store: Store,
    files: Sequence[PoliceUkFile],
    hashes: Iterator[str],
    skip_bad: bool,
    rejects_paths: Mapping[Path, Path] | None,
    step: Callable[[str, int], None],
) -> list[ImportReport]:
    """``import_files`` once every file is checked: skip what is imported, then the fast
    path, or (whenever it cannot reproduce the precise path exactly) scan and write."""
    global last_path
    sha256s = list(hashes)
    planned = _plan(store, files, sha256s, rejects_paths, step)
    batches = _batches(planned)
    if not batches:
        last_path = "none"
    elif _fast_eligible(batches):
        try:
            _fast(store, planned, batches[0], step)
            last_path = "fast"
            return [_report(plan) for plan in planned]
        except (_Fallback, duckdb.Error):
            pass  # rolled back: the store is as before; the precise path says what is wrong
        planned = _plan(store, files, sha256s, rejects_paths, None)
        batches = _batches(planned)
    if batches:
        last_path = "precise"
    count = plural(sum(len(batch) for batch in batches), "new file")
    temps: list[str] = []
    try:
        step(f"reading and checking {count}", len(files))
        errors: list[tuple[int, BadRowError]] = []
        scans: list[str] = []
        for batch in batches:
            scanned, error = _scan(store, batch, temps, skip_bad=skip_bad)
            scans.append(scanned)
            if error is not None:
                errors.append((planned.index(batch[error[0]]), error[1]))
        if errors:
            raise min(errors, key=lambda pair: pair[0])[1]
        step(f"writing {count}", len(files) + 1)
        with store.transaction():
            _assign_ids(store, planned)
            for batch, scanned in zip(batches, scans, strict=True):
                _write(store, batch, temps, scanned, skip_bad=skip_bad)
        step("imported", len(files) + 2)
    finally:
        drop_staged(store, *reversed(temps))
    return [_report(plan) for plan in planned]


def _plan(
    store: Store,
    files: Sequence[PoliceUkFile],
    sha256s: Sequence[str],
    rejects_paths: Mapping[Path, Path] | None,
    step: Callable[[str, int], None] | None,
) -> list[_Planned]:
    """A plan per file: already imported (same source and sha256), the same as an earlier
    file of the run, or new."""
    planned: list[_Planned] = []
    seen: dict[tuple[str, str], _Planned] = {}
    for done, (file, sha256) in enumerate(zip(files, sha256s, strict=True)):
        if step is not None:
            step(f"checking {file.path.name}", done)
        spec = _spec(file.kind)
        plan = _Planned(file, spec, display_name(file.path), sha256)
        plan.earlier = store.find_import(spec.source, sha256)
        plan.same_as = seen.get((spec.source, sha256))
        if plan.new:
            seen[(spec.source, sha256)] = plan
        target = (rejects_paths or {}).get(file.path)
        plan.rejects_path = target or file.path.with_name(file.path.name + ".rejects.csv")
        planned.append(plan)
    return planned


def _batches(planned: list[_Planned]) -> list[list[_Planned]]:
    """The new files of each kind, street first."""
    kinds: tuple[Kind, ...] = ("street", "outcomes")
    batches = [[p for p in planned if p.new and p.file.kind == kind] for kind in kinds]
    return [batch for batch in batches if batch]


def _assign_ids(store: Store, planned: list[_Planned]) -> int:
    """Number the run's new files after the last import; returns the last import's id."""
    row = store.con.execute("SELECT coalesce(max(import_id), 0) FROM imports").fetchone()
    last_id = before = int(row[0]) if row else 0
    for plan in planned:
        if plan.new:
            last_id += 1
            plan.import_id = last_id
    return before


# -- the fast path ---------------------------------------------------------------------------
#: The first month of today's crime types: earlier rows take the precise path (its notes).
_FAST_FIRST_MONTH = "2013-05-01"


def _fast_eligible(batches: list[list[_Planned]]) -> bool:
    """Whether a run may try the fast path: street files only, and no two new files named
    for the same month and force (which the precise path supersedes one by one)."""
    if len(batches) != 1 or batches[0][0].spec.kind != "street":
        return False
    names = [plan.file.path.name.lower() for plan in batches[0]]
    return len(set(names)) == len(names)


def _fast_check(spec: _Spec) -> str:
    """SQL true for a row the fast path cannot take: a row breaking a rule, a legacy crime
    type, or a month before May 2013."""
    legacy = ", ".join(f"'{_q(name)}'" for name in spec.legacy)
    return (
        f'{_bad(spec)} OR "Crime type" IN ({legacy}) '
        f"OR TRY_CAST({trimmed('Month')} || '-01' AS DATE) < DATE '{_FAST_FIRST_MONTH}'"
    )


def _fast_read(spec: _Spec) -> str:
    """``read_csv`` of the files (``?``, a list of paths) as the precise path reads them,
    but strict: a malformed line raises instead of going to a rejects table; each row with
    its file's path as ``filename``."""
    columns = "{" + ", ".join(f"'{_q(c)}': 'VARCHAR'" for c in spec.header) + "}"
    return (
        f"read_csv(?, header = true, columns = {columns}, auto_detect = false, delim = ',', "
        "quote = '\"', escape = '\"', strict_mode = true, filename = true)"
    )


def _fast(
    store: Store,
    planned: list[_Planned],
    batch: list[_Planned],
    step: Callable[[str, int], None],
) -> None:
    """The fast path: in one transaction, one read inserting every mapped row (any row the
    precise path would reject, or annotate, aborts the statement: ``error()``), then each
    file's rows per force and month tallied from what was inserted, supersession and the
    import log as the precise path does them. Raises ``_Fallback`` or ``duckdb.Error``,
    with everything rolled back, whenever the precise path must run instead."""
    spec = batch[0].spec
    con = store.con
    temps: list[str] = []
    step(f"reading and importing {plural(len(batch), 'new file')}", len(planned))
    try:
        with store.transaction():
            before = _assign_ids(store, planned)
            files = unique_name("policeuk_fast_files")
            temps.append(files)
            con.execute(
                f"CREATE TEMP TABLE {files} AS SELECT unnest(?::VARCHAR[]) AS filename, "
                "unnest(?::INTEGER[]) AS import_id",
                [[str(p.file.path) for p in batch], [p.import_id or 0 for p in batch]],
            )
            mapping = dict(spec.mapping)
            mapping["source_line"] = "NULL::BIGINT"
            mapping["category"] = '"Crime type"'  # no legacy names in the fast path
            mapping["month"] = (
                f"CASE WHEN {_fast_check(spec)} THEN "
                "error('crimeplan: a row the fast path cannot take') "
                f"ELSE {mapping['month']} END"
            )
            columns = _columns(store, spec.table)
            selects = ", ".join(mapping.get(c, f"NULL::{t}") for c, t in columns)
            names = ", ".join(f'"{c}"' for c, _ in columns)
            con.execute(
                f"INSERT INTO {spec.table} (import_id, {names}) SELECT f.import_id, {selects} "
                f"FROM {_fast_read(spec)} r JOIN {files} f USING (filename)",
                [[str(p.file.path) for p in batch]],
            )
            by_id = {p.import_id: p for p in batch}
            owners: dict[tuple[str, date], int] = {}
            for import_id, force, month, rows in con.execute(
                f"SELECT import_id, force, month, count(*) FROM {spec.table} "
                "WHERE import_id > ? GROUP BY ALL ORDER BY ALL",
                [before],
            ).fetchall():
                key = (str(force), month)
                if owners.setdefault(key, int(import_id)) != int(import_id):
                    raise _Fallback(f"{key} in two files of the run")
                plan = by_id[int(import_id)]
                plan.keys[key] = int(rows)
                plan.total += int(rows)
            _write(store, batch, temps, None, skip_bad=False)
    finally:
        drop_staged(store, *reversed(temps))
    step("imported", len(planned) + 2)


def _read(spec: _Spec, temps: list[str]) -> tuple[str, str]:
    """``read_csv`` SQL for the files of one kind (``?`` is the list of paths), and the name
    of the TEMP table its rejected lines go to."""
    rejects = unique_name("policeuk_rejects")
    temps += [rejects, f"{rejects}_scan"]
    sql = read_csv_sql(spec.header, rejects_table=rejects, rejects_scan=f"{rejects}_scan")
    return sql, rejects


def _bad(spec: _Spec) -> str:
    return "coalesce(" + " OR ".join(f"({c.bad_when})" for c in spec.checks) + ", false)"


def _scan(
    store: Store, batch: list[_Planned], temps: list[str], *, skip_bad: bool
) -> tuple[str, tuple[int, BadRowError] | None]:
    """Read the batch once: every row checked; rows per file, force and month; legacy
    categories. Returns the read's rejects table and, for bad rows without ``skip_bad``,
    the first bad row of the first file with one (the file's place in the batch, the error);
    with ``skip_bad`` bad rows are written to rejects files."""
    spec = batch[0].spec
    paths = [str(plan.file.path) for plan in batch]
    read, rejects = _read(spec, temps)
    legacy = "".join(
        f", count(*) FILTER (WHERE NOT bad AND \"Crime type\" = '{_q(name)}') AS legacy_{i}"
        for i, name in enumerate(spec.legacy)
    )
    legacy_sums = "".join(f", sum(legacy_{i})" for i in range(len(spec.legacy)))
    try:
        rows = store.con.execute(
            f"""WITH g AS (
                SELECT file_index, "Falls within", "Month", count(*) AS total,
                       count(*) FILTER (WHERE NOT bad) AS good{legacy}
                FROM (SELECT *, file_index, {_bad(spec)} AS bad FROM {read})
                GROUP BY ALL)
            SELECT file_index,
                   CASE WHEN good > 0 THEN {trimmed("Falls within")} END,
                   CASE WHEN good > 0 THEN TRY_CAST({trimmed("Month")} || '-01' AS DATE) END,
                   sum(total), sum(good){legacy_sums}
            FROM g GROUP BY ALL ORDER BY 1""",
            [paths],
        ).fetchall()
    except duckdb.Error as error:
        raise _unreadable(store, batch, temps) from error
    for file_index, force, month, total, good, *counts in rows:
        plan = batch[int(file_index)]
        plan.total += int(total)
        plan.bad += int(total) - int(good)
        if good:
            key = (str(force), month)
            plan.keys[key] = plan.keys.get(key, 0) + int(good)
        for name, legacy_count in zip(spec.legacy, counts, strict=True):
            if legacy_count:
                plan.legacy[name] = plan.legacy.get(name, 0) + int(legacy_count)
    for file_id, lines in store.con.execute(
        f"SELECT file_id, count(DISTINCT line) FROM {rejects} GROUP BY 1"
    ).fetchall():
        batch[int(file_id)].bad += int(lines)
    if not any(plan.bad for plan in batch):
        return rejects, None
    return rejects, _settle_bad_rows(store, batch, temps, rejects, skip_bad=skip_bad)


def _unreadable(store: Store, batch: list[_Planned], temps: list[str]) -> InputFileError:
    """The error for a batch DuckDB could not read: found by reading its files one by one."""
    spec = batch[0].spec
    for plan in batch:
        try:
            read, _ = _read(spec, temps)
            store.con.execute(f"SELECT count(*) FROM {read}", [str(plan.file.path)]).fetchall()
        except duckdb.Error as error:
            first = str(error).splitlines()[0]
            return InputFileError(f"{plan.name}: cannot be read as a {spec.what}: {first}")
    return InputFileError(  # pragma: no cover - each file reads alone, not together
        f"{batch[0].name} and {plural(len(batch) - 1, 'other file')}: cannot be read "
        f"together as {spec.what}s"
    )


def _files_table(store: Store, batch: list[_Planned], temps: list[str]) -> str:
    """A TEMP table of the batch's files: ``file_index``, ``start`` (rows read before the
    file's first row) and ``import_id``."""
    name = unique_name("policeuk_files")
    temps.append(name)
    starts, start = [], 0
    for plan in batch:
        starts.append(start)
        start += plan.total
    store.con.execute(
        f"CREATE TEMP TABLE {name} AS SELECT unnest(range(?::BIGINT)) AS file_index, "
        "unnest(?::BIGINT[]) AS start, unnest(?::INTEGER[]) AS import_id",
        [len(batch), starts, [plan.import_id or 0 for plan in batch]],
    )
    return name


def _gaps_table(store: Store, rejects: str, temps: list[str]) -> str | None:
    """From a read's rejected lines: per file, from which row on (0-based, counting rows
    read) how many rejected lines come before a row. None when no line was rejected."""
    row = store.con.execute(f"SELECT count(*) FROM {rejects}").fetchone()
    if not row or not row[0]:
        return None
    name = unique_name("policeuk_gaps")
    temps.append(name)
    store.con.execute(
        f"""CREATE TEMP TABLE {name} AS
        SELECT file_index, good_before, max(before) AS before FROM (
            SELECT file_id::BIGINT AS file_index,
                   line - 2 - (row_number() OVER (PARTITION BY file_id ORDER BY line) - 1)
                       AS good_before,
                   row_number() OVER (PARTITION BY file_id ORDER BY line) AS before
            FROM (SELECT DISTINCT file_id, line FROM {rejects})
        ) GROUP BY ALL"""
    )
    return name


def _numbered(read: str, files: str, gaps: str | None) -> str:
    """The rows of a read with ``file_index``, ``import_id`` and ``source_line`` (the line in
    its file: header line 1). ``row_number() OVER ()`` numbers rows as they come out of the
    read, in file order; a file's rows start after the rows of the files before it, and
    after the lines the reader rejected before them (``gaps``)."""
    rows = (
        f"(SELECT r.*, f.import_id, r.row_in_read - f.start - 1 AS row_in_file "
        f"FROM (SELECT *, file_index::BIGINT AS file_index, row_number() OVER () AS row_in_read "
        f"FROM {read}) r JOIN {files} f USING (file_index))"
    )
    if gaps is None:
        return f"(SELECT *, row_in_file + 2 AS source_line FROM {rows})"
    return (
        f"(SELECT x.*, x.row_in_file + 2 + coalesce(g.before, 0) AS source_line "
        f"FROM {rows} x ASOF LEFT JOIN {gaps} g "
        f"ON x.file_index = g.file_index AND x.row_in_file >= g.good_before)"
    )


def _settle_bad_rows(
    store: Store, batch: list[_Planned], temps: list[str], scanned: str, *, skip_bad: bool
) -> tuple[int, BadRowError] | None:
    """Find every bad row with its line (a third read, only when there are bad rows): stop on
    the first, or write each file's bad rows to its rejects file. ``scanned`` is the first
    read's rejects table."""
    spec = batch[0].spec
    paths = [str(plan.file.path) for plan in batch]
    files = _files_table(store, batch, temps)
    read, _ = _read(spec, temps)
    bad_rows = unique_name("policeuk_bad")
    problems = f"{bad_rows}_problems"
    temps += [bad_rows, problems]
    store.con.execute(
        f"CREATE TEMP TABLE {bad_rows} AS SELECT * FROM "
        f"{_numbered(read, files, _gaps_table(store, scanned, temps))} WHERE {_bad(spec)}",
        [paths],
    )
    parts = [
        f"SELECT file_index, source_line AS line, '{_q(check.column)}' AS column_name, "
        f"'{_q(check.reason)}' || CASE WHEN \"{check.column}\" IS NULL THEN ' (blank)' "
        f"ELSE ', found ''' || \"{check.column}\" || '''' END AS reason "
        f"FROM {bad_rows} WHERE {check.bad_when}"
        for check in spec.checks
    ]
    parts.append(
        f"SELECT file_id::BIGINT, line, column_name, reason FROM ({rejected_line_reasons(scanned)})"
    )
    store.con.execute(
        f"CREATE TEMP TABLE {problems} AS SELECT file_index, line, "
        f"min(column_name) AS column_name, string_agg(reason, '; ') AS reason "
        f"FROM ({' UNION ALL '.join(parts)}) GROUP BY file_index, line"
    )
    if not skip_bad:
        row = store.con.execute(
            f"SELECT file_index, line, column_name, reason, "
            f"count(*) OVER (PARTITION BY file_index) FROM {problems} "
            "ORDER BY file_index, line LIMIT 1"
        ).fetchone()
        assert row is not None
        file_index, line, column, reason, bad = row
        more = f" (and {int(bad) - 1:,} more bad row{'s' if bad > 2 else ''})" if bad > 1 else ""
        plan = batch[int(file_index)]
        return int(file_index), BadRowError(plan.name, int(line), str(column), str(reason) + more)
    columns = ", ".join(f'b."{_q(c)}"' for c in spec.header)
    for file_index, plan in enumerate(batch):
        if not plan.bad:
            continue
        target = plan.rejects_path
        assert target is not None
        try:
            store.con.execute(
                f'COPY (SELECT p.line, p.column_name AS "column", p.reason, {columns} '
                f"FROM {problems} p LEFT JOIN {bad_rows} b "
                f"ON b.file_index = p.file_index AND b.source_line = p.line "
                f"WHERE p.file_index = {file_index} ORDER BY p.line) "
                f"TO '{_q(str(target))}' (HEADER, DELIMITER ',')"
            )
        except duckdb.IOException as error:
            raise InputFileError(
                f"{plan.name}: cannot write the rejects file {target} "
                f"({str(error).splitlines()[0]}); choose another place with --rejects"
            ) from error
        plan.rejects_file = target
    return None


def _write(
    store: Store, batch: list[_Planned], temps: list[str], scanned: str | None, *, skip_bad: bool
) -> None:
    """Inside the run's transaction: delete what the batch supersedes, insert its rows (the
    second read; ``scanned`` is the first read's rejects table; None when the fast path has
    inserted them already), log each file. A file replaces the rows an earlier import, or an
    earlier file of the run, holds for the same force and month: as if the files were
    imported one by one. (Rows of the run's own imports are never deleted here: their log
    rows are written last, and only imports in the log are superseded.)"""
    spec = batch[0].spec
    con = store.con
    owner: dict[tuple[str, date], _Planned] = {}
    takers: dict[int, int] = {}  # import losing rows → the last import of the run taking some
    firsts: dict[tuple[str, date], _Planned] = {}
    for plan in batch:
        assert plan.import_id is not None
        for key in plan.keys:
            earlier = owner.get(key)
            if earlier is None:
                firsts[key] = plan
            else:
                assert earlier.import_id is not None
                earlier.dropped.add(key)
                plan.replaced += earlier.keys[key]
                takers[earlier.import_id] = plan.import_id
            owner[key] = plan
    keys = unique_name("policeuk_keys")
    temps.append(keys)
    con.execute(
        f"CREATE TEMP TABLE {keys} AS SELECT unnest(?::VARCHAR[]) AS force, "
        "unnest(?::DATE[]) AS month",
        [[force for force, _ in firsts], [month for _, month in firsts]],
    )
    earlier_rows = con.execute(
        f"SELECT t.import_id, t.force, t.month, count(*) FROM {spec.table} t "
        f"JOIN {keys} k ON t.force = k.force AND t.month = k.month "
        "WHERE t.import_id IN (SELECT import_id FROM imports WHERE source = ?) "
        "GROUP BY ALL",
        [spec.source],
    ).fetchall()
    losers: set[int] = set()
    for import_id, force, month, rows in earlier_rows:
        taker = firsts[(str(force), month)]
        assert taker.import_id is not None
        taker.replaced += int(rows)
        takers[int(import_id)] = max(takers.get(int(import_id), 0), taker.import_id)
        losers.add(int(import_id))
    if earlier_rows:
        con.execute(
            f"DELETE FROM {spec.table} t USING {keys} k "
            "WHERE t.force = k.force AND t.month = k.month "
            "AND t.import_id IN (SELECT import_id FROM imports WHERE source = ?)",
            [spec.source],
        )
    if scanned is not None:
        _insert(store, batch, temps, scanned, skip_bad=skip_bad)
    for plan in batch:
        months, forces = plan.months(), plan.forces()
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp, "
            "NULL, ?)",
            [
                plan.import_id, spec.source, plan.name, plan.sha256, plan.good, plan.bad,
                plan.replaced, forces[0] if len(forces) == 1 else None,
                months[0] if months else None, months[-1] if months else None,
                "; ".join(_notes(plan)) or None,
            ],
        )  # fmt: skip
    emptied = [p.import_id for p in batch if p.keys and p.dropped == set(p.keys) and p.import_id]
    if losers:
        left = {
            int(i)
            for (i,) in con.execute(
                f"SELECT DISTINCT import_id FROM {spec.table} "
                "WHERE import_id IN (SELECT unnest(?::INTEGER[]))",
                [sorted(losers)],
            ).fetchall()
        }
        emptied += sorted(losers - left)
    for import_id in emptied:
        con.execute(
            "UPDATE imports SET superseded_by = ? WHERE import_id = ? AND superseded_by IS NULL",
            [takers[import_id], import_id],
        )


def _insert(
    store: Store, batch: list[_Planned], temps: list[str], scanned: str, *, skip_bad: bool
) -> None:
    """The precise path's insert: a second read of the batch, rows numbered by line, the
    rows of keys a later file of the run takes (``dropped``) and bad rows left out."""
    spec = batch[0].spec
    con = store.con
    files = _files_table(store, batch, temps)
    read, _ = _read(spec, temps)
    where = [f"NOT {_bad(spec)}"] if skip_bad and any(plan.bad for plan in batch) else []
    dropped = [(i, force, month) for i, p in enumerate(batch) for force, month in p.dropped]
    if dropped:
        name = unique_name("policeuk_dropped")
        temps.append(name)
        con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT unnest(?::BIGINT[]) AS dropped_file, "
            "unnest(?::VARCHAR[]) AS dropped_force, unnest(?::DATE[]) AS dropped_month",
            [[d[0] for d in dropped], [d[1] for d in dropped], [d[2] for d in dropped]],
        )
        where.append(
            f"NOT EXISTS (SELECT 1 FROM {name} WHERE dropped_file = n.file_index "
            f"AND dropped_force = {spec.mapping['force']} "
            f"AND dropped_month = {spec.mapping['month']})"
        )
    columns = _columns(store, spec.table)
    selects = ", ".join(spec.mapping.get(c, f"NULL::{t}") for c, t in columns)
    names = ", ".join(f'"{c}"' for c, _ in columns)
    # This read rejects the lines the scan rejected (same files): the gaps are the scan's.
    inserted = con.execute(
        f"INSERT INTO {spec.table} (import_id, {names}) SELECT import_id, {selects} "
        f"FROM {_numbered(read, files, _gaps_table(store, scanned, temps))} n"
        + (f" WHERE {' AND '.join(where)}" if where else ""),
        [[str(plan.file.path) for plan in batch]],
    ).fetchone()
    expected = sum(plan.good - sum(plan.keys[k] for k in plan.dropped) for plan in batch)
    if not inserted or int(inserted[0]) != expected:
        raise InputFileError(
            f"{batch[0].name}: the files changed while they were being imported "
            f"({int(inserted[0]) if inserted else 0:,} rows read, {expected:,} checked); "
            "run the import again"
        )


def _columns(store: Store, table: str) -> list[tuple[str, str]]:
    """Every column of ``table`` but ``import_id``, with its type."""
    return [
        (str(name), str(data_type))
        for name, data_type in store.con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
            [table],
        ).fetchall()
        if name != "import_id"
    ]


def _q(text: str) -> str:
    return text.replace("'", "''")


def _notes(plan: _Planned) -> list[str]:
    """What is worth knowing about a file that is not an error: several months in one file,
    a month that differs from the file name's, legacy category names, several forces."""
    notes: list[str] = []
    months = plan.months()
    if len(months) > 1:
        notes.append(
            f"rows for {len(months)} months ({format_month(months[0])} to "
            f"{format_month(months[-1])}) in one file"
        )
    match = _NAME.match(plan.file.path.name)
    if match and months:
        named = f"{match.group(1)}-{match.group(2)}"
        if [format_month(m) for m in months] != [named]:
            listed = ", ".join(format_month(m) for m in months)
            notes.append(f"file name says {named}, rows are for {listed}")
    forces = plan.forces()
    if len(forces) > 1:
        notes.append(f"rows for {len(forces)} forces in one file")
    for legacy, stored in categories.LEGACY.items():
        count = plan.legacy.get(legacy, 0)
        if not count:
            continue
        if stored != legacy:
            notes.append(f"{plural(count, 'row')} of pre-May-2013 '{legacy}' stored as '{stored}'")
        else:
            notes.append(
                f"{plural(count, 'row')} of pre-May-2013 '{legacy}' kept as a category "
                "of its own "
                "(it cannot be split into 'Public order' and 'Possession of weapons')"
            )
    return notes


def _report(plan: _Planned) -> ImportReport:
    if not plan.new:
        import_id: int | None
        if plan.earlier is not None:
            earlier = plan.earlier
            import_id, first, last = earlier.import_id, earlier.first_month, earlier.last_month
        else:
            assert plan.same_as is not None
            months = plan.same_as.months()
            import_id = plan.same_as.import_id
            first, last = (months[0], months[-1]) if months else (None, None)
        return ImportReport(
            file=plan.name,
            source=plan.spec.source,
            rows=0,
            already_imported=True,
            import_id=import_id,
            first_month=first,
            last_month=last,
        )
    months = plan.months()
    return ImportReport(
        file=plan.name,
        source=plan.spec.source,
        rows=plan.good,
        rejected=plan.bad,
        replaced=plan.replaced,
        import_id=plan.import_id,
        first_month=months[0] if months else None,
        last_month=months[-1] if months else None,
        rejects_file=str(plan.rejects_file) if plan.rejects_file else None,
        notes=tuple(_notes(plan)),
    )


def run_quality_notes(store: Store, import_ids: Sequence[int]) -> list[QualityNote]:
    """The data-quality notes after a run: for the forces and months of the street files
    the run imported (``import_ids``), over every police.uk street row held for them."""
    if not import_ids:
        return []
    row = store.con.execute(
        "SELECT min(first_month), max(last_month), count(*) FILTER (WHERE force IS NULL), "
        "list(DISTINCT force) FILTER (WHERE force IS NOT NULL) FROM imports "
        "WHERE import_id IN (SELECT unnest(?::INTEGER[]))",
        [list(import_ids)],
    ).fetchone()
    if row is None or row[0] is None:
        return []
    first, last, several, forces = row
    return quality_notes(
        store,
        first=first,
        last=last,
        source=STREET_SOURCE,
        forces=None if several else sorted(forces),
    )
