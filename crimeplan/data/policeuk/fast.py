"""The fast path: one read inserting every mapped row, any row the precise path would
reject or annotate aborting the statement; ``FastPathFallback`` when the precise path must run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from crimeplan.data.counts import plural
from crimeplan.data.ingest import drop_staged, trimmed, unique_name
from crimeplan.data.policeuk.checks import KindSpec, bad_row_sql, escape_quotes
from crimeplan.data.policeuk.plans import PlannedFile, assign_import_ids
from crimeplan.data.policeuk.precise import column_types, write_batch
from crimeplan.data.store import Store


class FastPathFallback(Exception):
    """The fast path cannot give exactly what the precise path gives: roll back, go precise."""


# -- the fast path ---------------------------------------------------------------------------
#: The first month of today's crime types: earlier rows take the precise path (its notes).
_FAST_FIRST_MONTH = "2013-05-01"


def fast_path_eligible(batches: list[list[PlannedFile]]) -> bool:
    """Whether a run may try the fast path: street files only, and no two new files named
    for the same month and force (which the precise path supersedes one by one)."""
    if len(batches) != 1 or batches[0][0].spec.kind != "street":
        return False
    names = [plan.file.path.name.lower() for plan in batches[0]]
    return len(set(names)) == len(names)


def _fast_check(spec: KindSpec) -> str:
    """SQL true for a row the fast path cannot take: a row breaking a rule, a legacy crime
    type, or a month before May 2013."""
    legacy = ", ".join(f"'{escape_quotes(name)}'" for name in spec.legacy)
    return (
        f'{bad_row_sql(spec)} OR "Crime type" IN ({legacy}) '
        f"OR TRY_CAST({trimmed('Month')} || '-01' AS DATE) < DATE '{_FAST_FIRST_MONTH}'"
    )


def _fast_read(spec: KindSpec) -> str:
    """``read_csv`` of the files (``?``, a list of paths) as the precise path reads them,
    but strict: a malformed line raises instead of going to a rejects table; each row with
    its file's path as ``filename``."""
    columns = "{" + ", ".join(f"'{escape_quotes(c)}': 'VARCHAR'" for c in spec.header) + "}"
    return (
        f"read_csv(?, header = true, columns = {columns}, auto_detect = false, delim = ',', "
        "quote = '\"', escape = '\"', strict_mode = true, filename = true)"
    )


def import_fast(
    store: Store,
    planned: list[PlannedFile],
    batch: list[PlannedFile],
    step: Callable[[str, int], None],
) -> None:
    """The fast path: in one transaction, one read inserting every mapped row (any row the
    precise path would reject, or annotate, aborts the statement: ``error()``), then each
    file's rows per force and month tallied from what was inserted, supersession and the
    import log as the precise path does them. Raises ``FastPathFallback`` or ``duckdb.Error``,
    with everything rolled back, whenever the precise path must run instead."""
    spec = batch[0].spec
    con = store.con
    temps: list[str] = []
    step(f"reading and importing {plural(len(batch), 'new file')}", len(planned))
    try:
        with store.transaction():
            before = assign_import_ids(store, planned)
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
            columns = column_types(store, spec.table)
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
                    raise FastPathFallback(f"{key} in two files of the run")
                plan = by_id[int(import_id)]
                plan.keys[key] = int(rows)
                plan.total += int(rows)
            write_batch(store, batch, temps, None, skip_bad=False)
    finally:
        drop_staged(store, *reversed(temps))
    step("imported", len(planned) + 2)
