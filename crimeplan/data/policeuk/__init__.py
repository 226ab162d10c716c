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

That is the precise path. A run first tries the fast path (``import_fast``): one read inserting
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

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import duckdb

from crimeplan.data.counts import QualityNote, plural, quality_notes
from crimeplan.data.engine import Engine
from crimeplan.data.ingest import (
    ENCODINGS,
    a,
    current_encoding,
    display_name,
    drop_staged,
    inspect_text_file,
)
from crimeplan.data.policeuk.checks import (
    OUTCOMES_COLUMNS,
    STREET_COLUMNS,
    outcomes_checks,
    spec_for,
    street_checks,
)
from crimeplan.data.policeuk.fast import FastPathFallback, fast_path_eligible, import_fast
from crimeplan.data.policeuk.files import (
    OUTCOMES_HEADER,
    OUTCOMES_SOURCE,
    STREET_HEADER,
    STREET_SOURCE,
    FileList,
    Kind,
    PoliceUkFile,
    find_files,
    has_rows,
)
from crimeplan.data.policeuk.plans import (
    assign_import_ids,
    file_report,
    new_file_batches,
    plan_files,
)
from crimeplan.data.policeuk.precise import scan_batch, write_batch
from crimeplan.data.store import ImportReport, Store, file_sha256
from crimeplan.errors import BadRowError, InputFileError

__all__ = [
    "IMPORT_MEMORY_LIMIT",
    "IMPORT_THREADS",
    "OUTCOMES_COLUMNS",
    "OUTCOMES_HEADER",
    "OUTCOMES_SOURCE",
    "STREET_COLUMNS",
    "STREET_HEADER",
    "STREET_SOURCE",
    "FileList",
    "Kind",
    "PoliceUkFile",
    "ProgressCallback",
    "bounded_memory",
    "find_files",
    "import_file",
    "import_files",
    "import_outcomes_file",
    "import_street_file",
    "last_path",
    "outcomes_checks",
    "run_quality_notes",
    "street_checks",
]


#: DuckDB limits while importing: the files are read in the engine, so this bounds memory.
IMPORT_MEMORY_LIMIT = "512MB"
IMPORT_THREADS = 2


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

    if ENCODINGS[current_encoding()] is None:
        raise InputFileError(
            f"--encoding {current_encoding()}: police.uk files are read as they are, in UTF-8, "
            "Latin-1 or UTF-16; save the files as UTF-8 and import those"
        )
    for file in files:
        spec = spec_for(file.kind)
        inspect_text_file(file.path, what=spec.what, header=spec.header)
        if not has_rows(file.path):  # as every importer does: a header alone is no data
            raise InputFileError(
                f"{display_name(file.path)}: has a header but no rows; expected {a(spec.what)}"
            )
    # hashlib releases the GIL: two files are hashed at a time
    with ThreadPoolExecutor(max_workers=IMPORT_THREADS) as pool:
        hashes = pool.map(file_sha256, [file.path for file in files])
        with bounded_memory(store):
            return _import(store, files, hashes, skip_bad, rejects_paths, step)


#: Which path the last ``import_files`` run took: ``"fast"`` (one read, checks that abort
#: the statement), ``"precise"`` (today's checked reads, line numbers) or ``"none"``
#: (nothing new to import).
last_path: Literal["fast", "precise", "none"] = "none"


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
    planned = plan_files(store, files, sha256s, rejects_paths, step)
    batches = new_file_batches(planned)
    if not batches:
        last_path = "none"
    elif fast_path_eligible(batches):
        try:
            import_fast(store, planned, batches[0], step)
            last_path = "fast"
            return [file_report(plan) for plan in planned]
        except (FastPathFallback, duckdb.Error):
            pass  # rolled back: the store is as before; the precise path says what is wrong
        planned = plan_files(store, files, sha256s, rejects_paths, None)
        batches = new_file_batches(planned)
    if batches:
        last_path = "precise"
    count = plural(sum(len(batch) for batch in batches), "new file")
    temps: list[str] = []
    try:
        step(f"reading and checking {count}", len(files))
        errors: list[tuple[int, BadRowError]] = []
        scans: list[str] = []
        for batch in batches:
            scanned, error = scan_batch(store, batch, temps, skip_bad=skip_bad)
            scans.append(scanned)
            if error is not None:
                errors.append((planned.index(batch[error[0]]), error[1]))
        if errors:
            raise min(errors, key=lambda pair: pair[0])[1]
        step(f"writing {count}", len(files) + 1)
        with store.transaction():
            assign_import_ids(store, planned)
            for batch, scanned in zip(batches, scans, strict=True):
                write_batch(store, batch, temps, scanned, skip_bad=skip_bad)
        step("imported", len(files) + 2)
    finally:
        drop_staged(store, *reversed(temps))
    return [file_report(plan) for plan in planned]


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
    with Engine.of_store(store) as engine:
        return quality_notes(
            engine,
            first=first,
            last=last,
            source=STREET_SOURCE,
            forces=None if several else sorted(forces),
        )
