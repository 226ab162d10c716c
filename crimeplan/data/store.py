"""The store: one DuckDB file holding everything imported, with a versioned schema.

``Store.open(path)`` creates the file if needed and applies any missing migrations.
Importers stage their rows in a temporary table and call ``Store.replace`` which, in one
transaction, deletes what the new file supersedes, inserts the new rows and writes the
import log. ``Store.transaction`` is re-entrant, so a run of several imports (the police.uk
importer's whole run) can be one transaction. A failure or a killed process leaves the
store exactly as it was: DuckDB only replays committed transactions from its write-ahead
log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

import crimeplan.data.ibis_duckdb  # noqa: F401  (Ibis 12 on DuckDB 2)
from crimeplan.data.schema import CURRENT_VERSION, MIGRATIONS, SCHEMA_VERSION_TABLE
from crimeplan.errors import StoreError

if TYPE_CHECKING:
    import ibis

STORE_VARIABLE = "CRIMEPLAN_STORE"


def check_schema_version(location: str, version: int) -> None:
    """A one-line error if a store's schema is newer than this crimeplan understands."""
    if version > CURRENT_VERSION:
        raise StoreError(
            f"store {location} has schema version {version}, newer than this crimeplan "
            f"understands ({CURRENT_VERSION}); upgrade crimeplan"
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ImportRecord:
    """One row of the import log."""

    import_id: int
    source: str
    file_name: str
    sha256: str
    rows: int
    rejected: int
    rows_replaced: int
    force: str | None
    first_month: date | None
    last_month: date | None
    imported_at: datetime
    superseded_by: int | None
    note: str | None


@dataclass(frozen=True)
class ImportReport:
    """What one import did; the CLI prints it."""

    file: str
    source: str
    rows: int
    rejected: int = 0
    replaced: int = 0
    already_imported: bool = False
    import_id: int | None = None
    first_month: date | None = None
    last_month: date | None = None
    rejects_file: str | None = None
    notes: tuple[str, ...] = ()
    #: the earlier import of the same file this one superseded (``--replace``)
    replaced_import: int | None = None

    def summary(self) -> str:
        if self.already_imported:
            return (
                f"{self.file}: already imported (same sha256), nothing added; "
                "--replace imports it again in its place"
            )
        text = f"{self.file}: {self.rows:,} {'row' if self.rows == 1 else 'rows'} imported"
        if self.first_month and self.last_month:
            from crimeplan.periods import format_month

            first, last = format_month(self.first_month), format_month(self.last_month)
            text += f" ({first})" if first == last else f" ({first} to {last})"
        if self.replaced_import is not None:
            text += f", in place of import {self.replaced_import} of the same file"
        if self.replaced:
            text += f", {self.replaced:,} rows of an earlier import replaced"
        if self.rejected:
            rows = "bad row" if self.rejected == 1 else "bad rows"
            text += f", {self.rejected:,} {rows} set aside in {self.rejects_file}"
        return text


class Store:
    """A crimeplan store: a DuckDB database file (or ``:memory:``)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, path: str, *, read_only: bool = False
    ) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        self._transaction_depth = 0
        #: ``--replace``: an import of a file already imported (same source and sha256)
        #: supersedes that import (its rows deleted, the log saying so) instead of adding
        #: nothing
        self.replace_same_files = False

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, read_only: bool = False) -> Store:
        """Open (and, unless ``create`` is false, create) a store, migrating it if needed."""
        text = str(path)
        if text != ":memory:":
            file = Path(text)
            if not file.exists() and not create:
                raise StoreError(
                    f"store {text} does not exist; import data first "
                    "(crimeplan import …) or run crimeplan demo"
                )
            if file.exists() and file.is_dir():
                raise StoreError(f"store {text} is a folder; expected a DuckDB file path")
            if file.exists() and file.stat().st_size > 0:
                with file.open("rb") as handle:
                    head = handle.read(16)
                if head[8:12] != b"DUCK":
                    raise StoreError(
                        f"{text} is not a crimeplan store (not a DuckDB database file)"
                    )
            file.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(text, read_only=read_only and text != ":memory:")
        except duckdb.IOException as error:
            first_line = str(error).splitlines()[0]
            raise StoreError(f"cannot open store {text}: {first_line}") from error
        store = cls(con, text, read_only=read_only and text != ":memory:")
        store._migrate(read_only=read_only)
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
        if not exists or exists[0] == 0:
            return 0
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _migrate(self, *, read_only: bool) -> None:
        version = self.schema_version
        check_schema_version(self.path, version)
        if version == CURRENT_VERSION:
            return
        if read_only:
            raise StoreError(
                f"store {self.path} has schema version {version} and needs migrating to "
                f"{CURRENT_VERSION}; open it once without read-only"
            )
        if version == 0:
            self.con.execute(SCHEMA_VERSION_TABLE)
        for migration in MIGRATIONS:
            if migration.version <= version:
                continue
            with self.transaction():
                for statement in migration.statements:
                    self.con.execute(statement)
                self.con.execute(
                    "INSERT INTO schema_version VALUES (?, current_timestamp, ?)",
                    [migration.version, migration.description],
                )

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: commit when the block ends, roll back if it raises.

        Re-entrant: a ``transaction()`` inside another one joins it, so several imports
        (``Store.replace`` calls, or a whole police.uk run) can be made one transaction by
        wrapping them in an outer ``transaction()``; only the outermost block commits.
        """
        if self._transaction_depth:
            self._transaction_depth += 1
            try:
                yield
            finally:
                self._transaction_depth -= 1
            return
        self.con.execute("BEGIN TRANSACTION")
        self._transaction_depth = 1
        try:
            yield
        except BaseException:
            self._transaction_depth = 0
            self.con.execute("ROLLBACK")
            raise
        self._transaction_depth = 0
        self.con.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        """Whether a ``transaction()`` block is open."""
        return self._transaction_depth > 0

    # -- the import log ------------------------------------------------------------------
    def imports(
        self, source: str | None = None, *, current_only: bool = False
    ) -> list[ImportRecord]:
        sql = "SELECT * FROM imports"
        clauses: list[str] = []
        params: list[Any] = []
        if source is not None:
            clauses.append("source = ?")
            params.append(source)
        if current_only:
            clauses.append("superseded_by IS NULL")
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY import_id"
        rows = self.con.execute(sql, params).fetchall()
        return [ImportRecord(*row) for row in rows]

    def find_import(self, source: str, sha256: str) -> ImportRecord | None:
        """The current import of a file with this content, if there is one."""
        rows = self.con.execute(
            "SELECT * FROM imports WHERE source = ? AND sha256 = ? AND superseded_by IS NULL "
            "ORDER BY import_id DESC LIMIT 1",
            [source, sha256],
        ).fetchall()
        return ImportRecord(*rows[0]) if rows else None

    def replace(
        self,
        *,
        source: str,
        table: str,
        staged: str,
        keys: Sequence[str],
        file_name: str,
        sha256: str,
        force: str | None = None,
        rejected: int = 0,
        note: str | None = None,
        month_column: str | None = "month",
    ) -> ImportReport:
        """Move the rows of the temporary table ``staged`` into ``table``, in one transaction.

        Rows of earlier imports from the same ``source`` whose ``keys`` match a staged row are
        deleted first (a newer file replaces what it supersedes); an earlier import left with
        no rows is marked superseded. With ``replace_same_files``, the current import of the
        same file (``source`` and ``sha256``) loses all its rows and is marked superseded,
        whatever their keys. The import log gets one row. ``staged`` must have the columns
        of ``table`` except ``import_id``.
        """
        columns = [
            name
            for (name,) in self.con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
                [table],
            ).fetchall()
            if name != "import_id"
        ]
        column_list = ", ".join(f'"{c}"' for c in columns)
        match = " AND ".join(f't."{k}" IS NOT DISTINCT FROM s."{k}"' for k in keys)
        key_list = ", ".join(f'"{k}"' for k in keys)
        with self.transaction():
            next_id = self.con.execute(
                "SELECT coalesce(max(import_id), 0) + 1 FROM imports"
            ).fetchone()
            assert next_id is not None
            import_id = int(next_id[0])
            deleted = 0
            earlier = self.find_import(source, sha256) if self.replace_same_files else None
            if earlier is not None:
                result = self.con.execute(
                    f"DELETE FROM {table} WHERE import_id = ?", [earlier.import_id]
                ).fetchone()
                deleted += int(result[0]) if result else 0
                said = f"in place of import {earlier.import_id} of the same file (--replace)"
                note = f"{note}; {said}" if note else said
            if keys:
                result = self.con.execute(
                    f"DELETE FROM {table} t USING (SELECT DISTINCT {key_list} FROM {staged}) s "
                    f"WHERE {match} AND t.import_id IN "
                    "(SELECT import_id FROM imports WHERE source = ?)",
                    [source],
                ).fetchone()
                deleted += int(result[0]) if result else 0
            inserted_row = self.con.execute(
                f"INSERT INTO {table} (import_id, {column_list}) "
                f"SELECT ? , {column_list} FROM {staged}",
                [import_id],
            ).fetchone()
            inserted = int(inserted_row[0]) if inserted_row else 0
            first = last = None
            if month_column:
                span = self.con.execute(
                    f'SELECT min("{month_column}"), max("{month_column}") FROM {staged}'
                ).fetchone()
                if span:
                    first, last = span
            if deleted:
                self.con.execute(
                    f"UPDATE imports SET superseded_by = ? WHERE source = ? "
                    f"AND superseded_by IS NULL AND import_id <> ? "
                    f"AND import_id NOT IN (SELECT DISTINCT import_id FROM {table})",
                    [import_id, source, import_id],
                )
            self.con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp, "
                "NULL, ?)",
                [
                    import_id,
                    source,
                    file_name,
                    sha256,
                    inserted,
                    rejected,
                    deleted,
                    force,
                    first,
                    last,
                    note,
                ],
            )
            if earlier is not None:
                self.con.execute(
                    "UPDATE imports SET superseded_by = ? WHERE import_id = ?",
                    [import_id, earlier.import_id],
                )
        return ImportReport(
            file=file_name,
            source=source,
            rows=inserted,
            rejected=rejected,
            replaced=deleted,
            import_id=import_id,
            first_month=first,
            last_month=last,
            replaced_import=earlier.import_id if earlier is not None else None,
        )

    # -- reading -------------------------------------------------------------------------
    def ibis(self) -> ibis.BaseBackend:
        """An Ibis backend over this store's connection (for the measures engine)."""
        import ibis

        return ibis.duckdb.from_connection(self.con)

    def table_counts(self) -> dict[str, int]:
        from crimeplan.data.schema import DATA_TABLES

        counts = {}
        for name in DATA_TABLES:
            row = self.con.execute(f"SELECT count(*) FROM {name}").fetchone()
            counts[name] = int(row[0]) if row else 0
        return counts
