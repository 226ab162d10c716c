"""The import flow every importer of a CSV layout shares, and so its guarantees::

    inspect the file ─▶ same sha256 already imported? stop ─▶ stage (DuckDB read_csv)
      ─▶ bad rows: stop on the first, or set aside ─▶ typed rows ─▶ Store.replace

A ``Layout`` is the header a source accepts; a ``Target`` the store table it fills and the
key by which a newer file supersedes earlier rows; a ``TableLoad`` how the staged text
columns become the target's typed columns and which rows are bad. ``import_layout`` runs the
whole flow; ``stage_file`` and ``load_staged`` are its two halves, for importers that do
something in between (the areas' LPU lookup, an Excel extract).

So every importer is all-or-nothing, re-importing the same file adds nothing, and a newer
file replaces the rows it supersedes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from crimeplan.data.ingest import (
    RowCheck,
    a,
    display_name,
    drop_staged,
    inspect_text_file,
    settle_bad_rows,
    stage_csv,
)
from crimeplan.data.sources.sql import col
from crimeplan.data.store import ImportReport, Store, file_sha256
from crimeplan.errors import InputFileError


@dataclass(frozen=True)
class Layout:
    """A CSV layout an importer accepts: the header, which columns may be left out."""

    name: str
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()
    what: str = ""

    @property
    def header(self) -> str:
        return ",".join(self.columns)


@dataclass(frozen=True)
class Target:
    """Where a source's rows go: ``source`` in the import log, the store ``table``, and the
    ``keys``: a newer file replaces the rows of earlier imports of the source with the same
    key values. ``month_column`` gives the months the import log records (None: no months)."""

    source: str
    table: str
    keys: tuple[str, ...]
    month_column: str | None = "month"


@dataclass(frozen=True)
class Note:
    """Something worth saying about an import: ``text`` with ``{n}`` rows where ``when``
    holds and ``{values}`` the first ``shown`` distinct values of ``values`` among them."""

    when: str
    text: str
    values: str | None = None
    shown: int = 5


@dataclass(frozen=True)
class TableLoad:
    """How staged rows become rows of the ``target`` table: SQL for each column (``values``),
    the rules a row must keep (``checks``), the rows left out (``where`` false) and the notes.
    ``force`` and ``note`` go into the import log."""

    target: Target
    values: Mapping[str, str]
    checks: Sequence[RowCheck] = ()
    where: str | None = None
    notes: Sequence[Note] = ()
    force: str | None = None
    note: str | None = None
    order_by: str = "source_line"


@dataclass(frozen=True)
class Staged:
    """A file read into a TEMP table (all VARCHAR plus ``source_line``)."""

    path: Path
    display: str
    sha256: str
    columns: list[str]
    table: str
    rejects: str


def already_imported(store: Store, source: str, path: Path, sha256: str) -> ImportReport | None:
    """The report of an import that adds nothing, if ``source`` already has this file (and
    the store is not replacing same files: ``Store.replace_same_files``, ``--replace``)."""
    if store.replace_same_files or store.find_import(source, sha256) is None:
        return None
    return ImportReport(file=display_name(path), source=source, rows=0, already_imported=True)


def stage_file(
    store: Store,
    path: Path,
    columns: Sequence[str],
    *,
    what: str,
    optional: Sequence[str] = (),
    sha256: str | None = None,
    source_path: Path | None = None,
) -> Staged:
    """Stage a checked CSV file; columns of ``optional`` it lacks are added as NULL.

    ``source_path`` is the file the user named when ``path`` is a CSV made from it (an Excel
    extract): messages and the rejects file name it.
    """
    original = source_path or path
    name = display_name(original)
    duplicated = sorted({c for c in columns if list(columns).count(c) > 1})
    if duplicated:
        raise InputFileError(
            f"{name}:1: column '{duplicated[0]}' appears more than once in the header; "
            f"expected {a(what)} with one column of each name"
        )
    try:
        table, rejects = stage_csv(store, path, columns, what=what)
    except InputFileError as error:
        if source_path is None:
            raise
        raise InputFileError(str(error).replace(display_name(path), name)) from error
    for column in optional:
        if column not in columns:
            store.con.execute(f"ALTER TABLE {table} ADD COLUMN {col(column)} VARCHAR")
    counted = store.con.execute(
        f"SELECT (SELECT count(*) FROM {table}) + (SELECT count(*) FROM {rejects})"
    ).fetchone()
    if not counted or counted[0] == 0:
        drop_staged(store, table, rejects)
        raise InputFileError(f"{name}: has a header but no rows; expected {a(what)}")
    return Staged(
        path=original,
        display=name,
        sha256=sha256 or file_sha256(original),
        columns=list(columns),
        table=table,
        rejects=rejects,
    )


def load_staged(
    store: Store,
    staged: Staged,
    load: TableLoad,
    *,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Settle bad rows, build the typed rows and move them into the store (one transaction)."""
    typed = f"{staged.table}_typed"
    target = load.target
    try:
        bad, rejects_file = settle_bad_rows(
            store,
            staged.table,
            list(load.checks),
            path=staged.path,
            rejects_table=staged.rejects,
            skip_bad=skip_bad,
            rejects_path=rejects_path,
            columns=staged.columns,
        )
        notes = say_notes(store, staged.table, load.notes)
        targets = table_columns(store, target.table)
        missing = [c for c in targets if c not in load.values and c != "source_line"]
        if missing:  # pragma: no cover - a programming error, not a user's
            raise AssertionError(f"{target.table}: no value for {missing}")
        selects = []
        for column in targets:
            expr = load.values.get(column, "source_line" if column == "source_line" else "NULL")
            selects.append(f"{expr} AS {col(column)}")
        where = f" WHERE {load.where}" if load.where else ""
        store.con.execute(
            f"CREATE TEMP TABLE {typed} AS SELECT {', '.join(selects)} "
            f"FROM {staged.table}{where} ORDER BY {load.order_by}"
        )
        report = store.replace(
            source=target.source,
            table=target.table,
            staged=typed,
            keys=list(target.keys),
            file_name=staged.display,
            sha256=staged.sha256,
            force=load.force,
            rejected=bad,
            note=load.note,
            month_column=target.month_column,
        )
    finally:
        drop_staged(store, typed, staged.table, staged.rejects, f"{staged.table}_problems")
    return dataclasses.replace(
        report,
        rejects_file=display_name(rejects_file) if rejects_file else None,
        notes=tuple(notes),
    )


def table_columns(store: Store, table: str) -> list[str]:
    """The store table's columns, in order, without ``import_id``."""
    rows = store.con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [name for (name,) in rows if name != "import_id"]


def say_notes(store: Store, staged: str, notes: Sequence[Note]) -> list[str]:
    """The text of each of ``notes`` that holds for some staged row."""
    said = []
    for note in notes:
        values = f"list(DISTINCT {note.values} ORDER BY {note.values})" if note.values else "[]"
        row = store.con.execute(
            f"SELECT count(*), {values} FROM {staged} WHERE {note.when}"
        ).fetchone()
        if not row or not row[0]:
            continue
        found = [str(v) for v in row[1] or []]
        shown = ", ".join(found[: note.shown])
        if len(found) > note.shown:
            shown += f" and {len(found) - note.shown:,} more"
        said.append(note.text.format(n=f"{int(row[0]):,}", values=shown))
    return said


def inspect_layout(path: Path, layout: Layout) -> list[str]:
    """Check ``path`` is a text file with ``layout``'s header; returns its columns."""
    return inspect_text_file(
        path, what=layout.what, header=layout.columns, optional_columns=layout.optional
    )


def import_layout(
    store: Store,
    path: Path,
    layout: Layout,
    load: TableLoad,
    *,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Import a CSV file of ``layout`` with ``load``: the whole flow, for the simple layouts."""
    found = inspect_layout(path, layout)
    sha256 = file_sha256(path)
    done = already_imported(store, load.target.source, path, sha256)
    if done:
        return done
    staged = stage_file(
        store, path, found, what=layout.what, optional=layout.optional, sha256=sha256
    )
    return load_staged(store, staged, load, skip_bad=skip_bad, rejects_path=rejects_path)
