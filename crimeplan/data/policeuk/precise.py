"""The precise path: a read checking every row and summarising the files, a third read
finding the lines of bad rows (only when there are some), and the write: supersession, a
second read inserting rows numbered by line, the import log."""

from __future__ import annotations

from datetime import date

import duckdb

from crimeplan.data.counts import plural
from crimeplan.data.ingest import (
    read_csv_sql,
    rejected_line_reasons,
    rejects_format,
    trimmed,
    unique_name,
)
from crimeplan.data.policeuk.checks import KindSpec, bad_row_sql, escape_quotes
from crimeplan.data.policeuk.plans import PlannedFile, file_notes
from crimeplan.data.store import Store
from crimeplan.errors import BadRowError, InputFileError


def _read(spec: KindSpec, temps: list[str]) -> tuple[str, str]:
    """``read_csv`` SQL for the files of one kind (``?`` is the list of paths), and the name
    of the TEMP table its rejected lines go to."""
    rejects = unique_name("policeuk_rejects")
    temps += [rejects, f"{rejects}_scan"]
    sql = read_csv_sql(spec.header, rejects_table=rejects, rejects_scan=f"{rejects}_scan")
    return sql, rejects


def scan_batch(
    store: Store, batch: list[PlannedFile], temps: list[str], *, skip_bad: bool
) -> tuple[str, tuple[int, BadRowError] | None]:
    """Read the batch once: every row checked; rows per file, force and month; legacy
    categories. Returns the read's rejects table and, for bad rows without ``skip_bad``,
    the first bad row of the first file with one (the file's place in the batch, the error);
    with ``skip_bad`` bad rows are written to rejects files."""
    spec = batch[0].spec
    paths = [str(plan.file.path) for plan in batch]
    read, rejects = _read(spec, temps)
    legacy = "".join(
        f", count(*) FILTER (WHERE NOT bad AND \"Crime type\" = '{escape_quotes(name)}') "
        f"AS legacy_{i}"
        for i, name in enumerate(spec.legacy)
    )
    legacy_sums = "".join(f", sum(legacy_{i})" for i in range(len(spec.legacy)))
    try:
        rows = store.con.execute(
            f"""WITH g AS (
                SELECT file_index, "Falls within", "Month", count(*) AS total,
                       count(*) FILTER (WHERE NOT bad) AS good{legacy}
                FROM (SELECT *, file_index, {bad_row_sql(spec)} AS bad FROM {read})
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


def _unreadable(store: Store, batch: list[PlannedFile], temps: list[str]) -> InputFileError:
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


def _files_table(store: Store, batch: list[PlannedFile], temps: list[str]) -> str:
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
    store: Store, batch: list[PlannedFile], temps: list[str], scanned: str, *, skip_bad: bool
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
        f"{_numbered(read, files, _gaps_table(store, scanned, temps))} WHERE {bad_row_sql(spec)}",
        [paths],
    )
    parts = [
        f"SELECT file_index, source_line AS line, '{escape_quotes(check.column)}' AS column_name, "
        f"{check.reason_and_value()} AS reason FROM {bad_rows} WHERE {check.bad_when}"
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
    columns = ", ".join(f'b."{escape_quotes(c)}"' for c in spec.header)
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
                f"TO '{escape_quotes(str(target))}' {rejects_format(target)}"
            )
        except duckdb.Error as error:
            raise InputFileError(
                f"{plan.name}: cannot write the rejects file {target} "
                f"({str(error).splitlines()[0]}); choose another place with --rejects"
            ) from error
        plan.rejects_file = target
    return None


def write_batch(
    store: Store, batch: list[PlannedFile], temps: list[str], scanned: str | None, *, skip_bad: bool
) -> None:
    """Inside the run's transaction: delete what the batch supersedes, insert its rows (the
    second read; ``scanned`` is the first read's rejects table; None when the fast path has
    inserted them already), log each file. A file replaces the rows an earlier import, or an
    earlier file of the run, holds for the same force and month: as if the files were
    imported one by one. (Rows of the run's own imports are never deleted here: their log
    rows are written last, and only imports in the log are superseded.)"""
    spec = batch[0].spec
    con = store.con
    for plan in batch:  # --replace: the earlier import of the same file loses every row
        if plan.replaces is not None:
            gone = con.execute(
                f"DELETE FROM {spec.table} WHERE import_id = ?", [plan.replaces]
            ).fetchone()
            plan.replaced += int(gone[0]) if gone else 0
    owner: dict[tuple[str, date], PlannedFile] = {}
    takers: dict[int, int] = {}  # import losing rows → the last import of the run taking some
    firsts: dict[tuple[str, date], PlannedFile] = {}
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
                "; ".join(file_notes(plan) + _replaced(plan)) or None,
            ],
        )  # fmt: skip
        if plan.replaces is not None:
            con.execute(
                "UPDATE imports SET superseded_by = ? WHERE import_id = ?",
                [plan.import_id, plan.replaces],
            )
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


def _replaced(plan: PlannedFile) -> list[str]:
    """The import log's note of a file imported with --replace."""
    if plan.replaces is None:
        return []
    return [f"in place of import {plan.replaces} of the same file (--replace)"]


def _insert(
    store: Store, batch: list[PlannedFile], temps: list[str], scanned: str, *, skip_bad: bool
) -> None:
    """The precise path's insert: a second read of the batch, rows numbered by line, the
    rows of keys a later file of the run takes (``dropped``) and bad rows left out."""
    spec = batch[0].spec
    con = store.con
    files = _files_table(store, batch, temps)
    read, _ = _read(spec, temps)
    where = [f"NOT {bad_row_sql(spec)}"] if skip_bad and any(plan.bad for plan in batch) else []
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
    columns = column_types(store, spec.table)
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


def column_types(store: Store, table: str) -> list[tuple[str, str]]:
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
