"""What every importer shares: checking a file is what it claims to be, staging its rows
inside DuckDB with their line numbers, and setting bad rows aside or stopping on the first.

The flow of an importer::

    text = inspect_text_file(path, what=..., header=EXPECTED)   # one-line error if not
    staged = stage_csv(store, path, columns)                    # all VARCHAR, with source_line
    rejected = settle_bad_rows(store, staged, checks, ...)      # stop, or set aside with reasons
    store.replace(...)                                          # one transaction

Reading happens in the engine (DuckDB ``read_csv``), so memory stays bounded whatever the file
size. Line numbers count records: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import duckdb

from crimeplan.data.store import Store
from crimeplan.errors import BadRowError, InputFileError

_SNIFF_BYTES = 1 << 16
_counter = itertools.count(1)


#: The most characters of a cell a message quotes; a longer value is cut, with "…".
QUOTED_CHARACTERS = 80


@dataclass(frozen=True)
class RowCheck:
    """A rule a staged row must keep. ``bad_when`` is SQL that is true for a bad row;
    ``reason`` says why, or ``reason_sql`` (SQL over the row, giving text) when the reason
    depends on the value."""

    column: str
    bad_when: str
    reason: str
    reason_sql: str | None = None

    def reason_and_value(self) -> str:
        """SQL for the message of a bad row: the reason, then the value found (cut to
        ``QUOTED_CHARACTERS``) or "(blank)"."""
        reason = self.reason_sql or f"'{_q(self.reason)}'"
        return f"{reason} || {found_sql(self.column)}"


def found_sql(column: str) -> str:
    """SQL for ``, found 'value'`` (a long value cut to ``QUOTED_CHARACTERS`` and "…"), or
    `` (blank)`` when the column is NULL."""
    name = '"' + column.replace('"', '""') + '"'
    cut = QUOTED_CHARACTERS
    quote = "''''"  # the SQL literal of one '
    return (
        f"CASE WHEN {name} IS NULL THEN ' (blank)' ELSE ', found ' || {quote} || "
        f"CASE WHEN length({name}) > {cut} THEN left({name}, {cut}) || '…' ELSE {name} END "
        f"|| {quote} END"
    )


#: The encodings the CSV importers read (``--encoding``): Python's name → DuckDB's, or None
#: when DuckDB cannot read it and ``stage_csv`` reads a UTF-8 copy made in Python (Windows-1252;
#: not police.uk files, which are read where they are). ``utf-8`` reads a file with or without
#: a byte-order mark; ``utf-16`` needs one.
ENCODINGS: dict[str, str | None] = {
    "utf-8": "utf-8",
    "latin-1": "latin-1",
    "cp1252": None,
    "utf-16": "utf-16",
}
_encoding: ContextVar[str] = ContextVar("crimeplan_csv_encoding", default="utf-8")
_CHUNK = 1 << 20


@contextmanager
def csv_encoding(encoding: str) -> Iterator[None]:
    """Read CSV files in ``encoding`` (a key of ``ENCODINGS``) within the block: every
    importer's ``inspect_text_file`` and ``read_csv_sql`` follow it."""
    if encoding not in ENCODINGS:
        raise InputFileError(
            f"unknown encoding '{encoding}'; expected one of {', '.join(ENCODINGS)}"
        )
    token = _encoding.set(encoding)
    try:
        yield
    finally:
        _encoding.reset(token)


def current_encoding() -> str:
    """The encoding CSV files are read in (``utf-8`` unless ``csv_encoding`` says)."""
    return _encoding.get()


def check_encoding(path: Path, encoding: str | None = None) -> None:
    """Read the whole file as ``encoding`` (default: the current one), streaming; a byte
    that is not of it raises a one-line ``InputFileError`` with its line and offset and what
    to do. Latin-1 accepts every byte, but 0x80–0x9F are control characters no text holds:
    such a file is Windows-1252 (smart quotes, €), which crimeplan does not read."""
    encoding = encoding or current_encoding()
    name = display_name(path)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset, lines = 0, 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if encoding == "latin-1":
                bad = _C1_CONTROL.search(chunk)
                if bad:
                    at = bad.start()
                    line = lines + chunk.count(b"\n", 0, at) + 1
                    raise InputFileError(
                        f"{name}:{line}: byte {offset + at + 1:,} (0x{chunk[at]:02x}) is a "
                        "control character in Latin-1, so the file is probably Windows-1252: "
                        "re-run with --encoding cp1252"
                    )
            else:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    _not_encoded(name, encoding, chunk, offset, lines, error.start)
            offset += len(chunk)
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            _not_encoded(name, encoding, b"", offset, lines, 0)


_C1_CONTROL = re.compile(b"[\x80-\x9f]")


def _not_encoded(name: str, encoding: str, chunk: bytes, offset: int, lines: int, at: int) -> None:
    at = max(at, 0)
    line = lines + chunk.count(b"\n", 0, at) + 1
    byte = f"byte {offset + at + 1:,} is 0x{chunk[at]:02x}" if at < len(chunk) else "it ends"
    byte += " mid-character" if not chunk else ""
    if encoding == "utf-8":
        what = "re-run with --encoding cp1252 if it was saved on Windows (or --encoding "
        what += "latin-1 for ISO-8859-1), or save it as UTF-8"
    else:
        what = "re-run with the encoding it was saved in, or save it as UTF-8"
    raise InputFileError(
        f"{name}:{line}: not {encoding.upper()} text ({byte}); {what} "
        "(--skip-bad does not set this aside: a wrong encoding is the whole file's)"
    )


def a(what: str) -> str:
    """``"a survey results CSV"``, ``"an incidents CSV"``, ``"an ONS … CSV"``."""
    return f"an {what}" if what[:1].lower() in "aeiou" else f"a {what}"


def display_name(path: Path) -> str:
    return str(path)


def inspect_text_file(
    path: Path,
    *,
    what: str,
    header: Sequence[str] | None = None,
    optional_columns: Sequence[str] = (),
) -> list[str]:
    """Check ``path`` is a non-empty text file, all of it in the current encoding (UTF-8
    unless ``csv_encoding`` says otherwise), whose header is ``header``.

    ``optional_columns`` may be missing from the file. Returns the header's column names.
    Raises ``InputFileError`` naming the file and what was expected.
    """
    name = display_name(path)
    if not path.exists():
        raise InputFileError(f"{name}: no such file")
    if path.is_dir():
        raise InputFileError(f"{name}: is a folder; expected {a(what)}")
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    encoding = current_encoding()
    utf16 = encoding == "utf-16"
    if not head.strip(b"\x00 \t\r\n\xff\xfe" if utf16 else None):
        raise InputFileError(f"{name}: the file is empty; expected {a(what)}")
    binary = head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF"))
    if binary or (b"\x00" in head and not utf16):
        wide = head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[1:200:2].count(0) > 90
        hint = "; it looks like UTF-16 text: re-run with --encoding utf-16" if wide else ""
        raise InputFileError(f"{name}: is a binary file, not text; expected {a(what)}{hint}")
    check_encoding(path, encoding)
    decoder = codecs.getincrementaldecoder("utf-8-sig" if encoding == "utf-8" else encoding)()
    text = decoder.decode(head)
    first_line = text.splitlines()[0] if text.splitlines() else ""
    found = next(csv.reader([first_line]))
    found = [column.strip() for column in found]
    if header is not None:
        required = [c for c in header if c not in optional_columns]
        missing = [c for c in required if c not in found]
        unknown = [c for c in found if c not in header]
        if missing or unknown:
            expected = ",".join(header)
            detail = []
            if missing:
                detail.append("missing " + ", ".join(f"'{c}'" for c in missing))
            if unknown:
                detail.append("unexpected " + ", ".join(f"'{c}'" for c in unknown))
            raise InputFileError(
                f"{name}:1: the header is not {a(what)} header ({'; '.join(detail)}); "
                f"expected: {expected}"
            )
    return found


def stage_csv(store: Store, path: Path, columns: Sequence[str], *, what: str) -> tuple[str, str]:
    """Read a CSV file into a TEMP table of VARCHAR columns plus ``source_line``.

    Rows with the wrong number of fields do not stop the read: they land in a second TEMP
    table (returned as the second name) with their line and reason, for ``settle_bad_rows``.
    """
    staged = unique_name("staged")
    rejects = f"{staged}_rejects"
    scan = f"{staged}_scan"
    raw = f"{staged}_raw"
    try:
        with _readable(path) as readable, csv_encoding(_engine_encoding()):
            store.con.execute(
                f"CREATE TEMP TABLE {raw} AS SELECT * FROM "
                f"{read_csv_sql(columns, rejects_table=rejects, rejects_scan=scan)}",
                [str(readable)],
            )
    except duckdb.Error as error:
        first = str(error).splitlines()[0]
        raise InputFileError(
            f"{display_name(path)}: cannot be read as {a(what)}: {first}"
        ) from error
    # Line numbers: the k-th good row (rowid k) sits after the rejected lines that precede
    # it. The rejects table has one row per problem, so a line can appear more than once.
    store.con.execute(
        f"""CREATE TEMP TABLE {staged} AS
        SELECT r.*, r.rowid + 2 + coalesce(g.before, 0) AS source_line
        FROM {raw} r ASOF LEFT JOIN (
            SELECT good_before, max(before) AS before FROM (
                SELECT line - 2 - (row_number() OVER (ORDER BY line) - 1) AS good_before,
                       row_number() OVER (ORDER BY line) AS before
                FROM (SELECT DISTINCT line FROM {rejects})
            ) GROUP BY good_before
        ) g ON r.rowid >= g.good_before
        ORDER BY r.rowid"""
    )
    store.con.execute(f"DROP TABLE {raw}")
    return staged, rejects


def _engine_encoding() -> str:
    """The encoding DuckDB reads in: the current one, or UTF-8 for a copy ``_readable`` made."""
    return "utf-8" if ENCODINGS[current_encoding()] is None else current_encoding()


@contextmanager
def _readable(path: Path) -> Iterator[Path]:
    """``path``, or (an encoding DuckDB cannot read) a UTF-8 copy of it, removed afterwards."""
    encoding = current_encoding()
    if ENCODINGS[encoding] is not None:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="crimeplan-") as folder:
        copy = Path(folder) / path.name
        with (
            path.open(encoding=encoding, newline="") as source,
            copy.open("w", encoding="utf-8", newline="") as target,
        ):
            shutil.copyfileobj(source, target, _CHUNK)
        yield copy


def _q(text: str) -> str:
    return text.replace("'", "''")


def unique_name(prefix: str) -> str:
    """A name for a TEMP table no other staging in this process uses."""
    return f"{prefix}_{next(_counter)}"


def read_csv_sql(columns: Sequence[str], *, rejects_table: str, rejects_scan: str) -> str:
    """``read_csv(?, …)`` of the given VARCHAR columns, header on line 1, strict CSV; rows
    with the wrong number of fields go to ``rejects_table`` (lines counted per file, files
    numbered from 0 by ``file_id``) instead of stopping the read. The ``?`` is one path or a
    list of paths: DuckDB reads a list in order, rows in file order (``file_index`` numbers
    the file of each row)."""
    spec = "{" + ", ".join(f"'{_q(c)}': 'VARCHAR'" for c in columns) + "}"
    return (
        f"read_csv(?, header = true, columns = {spec}, auto_detect = false, delim = ',', "
        f"encoding = '{ENCODINGS[current_encoding()] or 'utf-8'}', "
        f"quote = '\"', escape = '\"', strict_mode = true, store_rejects = true, "
        f"rejects_table = '{rejects_table}', rejects_scan = '{rejects_scan}')"
    )


def trimmed(column: str) -> str:
    """SQL for ``trim(column)`` that only calls ``trim`` when the value starts or ends with a
    space (four times cheaper on clean data, which is nearly all of it). A value padded only
    with other Unicode spaces (no-break, ideographic) is kept as it is."""
    name = f'"{column}"'
    return f"CASE WHEN {name} LIKE ' %' OR {name} LIKE '% ' THEN trim({name}) ELSE {name} END"


def rejected_line_reasons(rejects_table: str) -> str:
    """SQL over a ``read_csv`` rejects table: one row per rejected line (``file_id``,
    ``line``, ``column_name``, ``reason``), the first problem of the line."""
    return (
        f"SELECT file_id, line, coalesce(column_name, '(row)') AS column_name, "
        f"CASE WHEN error_type = 'MISSING COLUMNS' THEN "
        f"'too few fields (' || error_message || '); is the file truncated?' "
        f"ELSE error_message END AS reason "
        f"FROM (SELECT DISTINCT ON (file_id, line) * FROM {rejects_table} "
        f"ORDER BY file_id, line, column_idx)"
    )


def settle_bad_rows(
    store: Store,
    staged: str,
    checks: Sequence[RowCheck],
    *,
    path: Path,
    rejects_table: str | None = None,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
    columns: Sequence[str] = (),
) -> tuple[int, Path | None]:
    """Stop on the first bad row, or (``skip_bad``) move every bad row to a rejects file.

    A bad row is one that broke the file's structure (wrong number of fields, from
    ``rejects_table``) or fails a ``RowCheck``. Returns (rows set aside, rejects file).
    """
    name = display_name(path)
    parts = []
    for check in checks:
        parts.append(
            f"SELECT source_line AS line, '{_q(check.column)}' AS column_name, "
            f"{check.reason_and_value()} AS reason FROM {staged} WHERE {check.bad_when}"
        )
    if rejects_table:
        parts.append(
            f"SELECT line, column_name, reason FROM ({rejected_line_reasons(rejects_table)})"
        )
    if not parts:
        return 0, None
    problems = f"{staged}_problems"
    store.con.execute(
        f"CREATE OR REPLACE TEMP TABLE {problems} AS "
        f"SELECT line, min(column_name) AS column_name, string_agg(reason, '; ') AS reason "
        f"FROM ({' UNION ALL '.join(parts)}) GROUP BY line"
    )
    count_row = store.con.execute(f"SELECT count(*) FROM {problems}").fetchone()
    bad = int(count_row[0]) if count_row else 0
    if bad == 0:
        return 0, None
    if not skip_bad:
        line, column, reason = store.con.execute(
            f"SELECT line, column_name, reason FROM {problems} ORDER BY line LIMIT 1"
        ).fetchall()[0]
        more = f" (and {bad - 1:,} more bad row{'s' if bad > 2 else ''})" if bad > 1 else ""
        raise BadRowError(name, int(line), str(column), str(reason) + more)
    target = rejects_path or path.with_name(path.name + ".rejects.csv")
    select_cols = ", ".join(f's."{_q(c)}"' for c in columns) if columns else "NULL AS row_text"
    try:
        store.con.execute(
            f'COPY (SELECT p.line, p.column_name AS "column", p.reason, {select_cols} '
            f"FROM {problems} p LEFT JOIN {staged} s ON s.source_line = p.line ORDER BY p.line) "
            f"TO '{_q(str(target))}' {rejects_format(target)}"
        )
    except duckdb.Error as error:
        raise InputFileError(
            f"{name}: cannot write the rejects file {target} ({str(error).splitlines()[0]}); "
            "choose another place with --rejects"
        ) from error
    store.con.execute(f"DELETE FROM {staged} WHERE source_line IN (SELECT line FROM {problems})")
    return bad, target


def rejects_format(target: Path) -> str:
    """The ``COPY … TO`` options of a rejects file: Parquet when it is named ``*.parquet``,
    else CSV with a header (whatever the name says)."""
    if target.suffix.lower() == ".parquet":
        return "(FORMAT parquet)"
    return "(FORMAT csv, HEADER, DELIMITER ',')"


def drop_staged(store: Store, *names: str) -> None:
    for name in names:
        store.con.execute(f"DROP TABLE IF EXISTS {name}")
