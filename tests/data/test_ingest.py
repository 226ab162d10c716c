"""The import machinery every importer shares: file checks, staging with line numbers,
bad rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crimeplan.data.ingest import RowCheck, inspect_text_file, settle_bad_rows, stage_csv
from crimeplan.data.store import Store
from crimeplan.errors import BadRowError, InputFileError

COLUMNS = ("id", "month", "kind")


def staged_lines(store: Store, staged: str) -> list[tuple[str, int]]:
    return store.con.execute(
        f"SELECT id, source_line FROM {staged} ORDER BY source_line"
    ).fetchall()


def write(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


def test_line_numbers_count_past_rejected_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.csv",
        ["id,month,kind", "a,2020-01,x", "b,2020-01,x", "bad", "c,2020-01,x", "d,2020-01",
         "also,bad,x,y", "e,2020-01,x", "f,2020-01,x"],
    )  # fmt: skip
    with Store.open(":memory:") as store:
        staged, rejects = stage_csv(store, path, COLUMNS, what="test CSV")
        assert staged_lines(store, staged) == [("a", 2), ("b", 3), ("c", 5), ("e", 8), ("f", 9)]
        with pytest.raises(BadRowError) as caught:
            settle_bad_rows(store, staged, [], path=path, rejects_table=rejects)
    assert str(caught.value) == (
        f"{path}:4: column 'month': too few fields (Expected Number of Columns: 3 Found: 1); "
        "is the file truncated? (and 2 more bad rows) (fix the row, or re-run with --skip-bad "
        "to set bad rows aside)"
    )


def test_line_numbers_without_rejects(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", ["id,month,kind", *[f"r{i},2020-01,x" for i in range(5)]])
    with Store.open(":memory:") as store:
        staged, _ = stage_csv(store, path, COLUMNS, what="test CSV")
        assert [line for _, line in staged_lines(store, staged)] == [2, 3, 4, 5, 6]


def test_skip_bad_writes_one_line_per_bad_row(tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.csv",
        ["id,month,kind", "a,2020-01,x", "b,2020-13,x", "c", "d,2020-02,x"],
    )
    check = RowCheck(
        "month", "NOT regexp_full_match(month, '\\d{4}-(0[1-9]|1[0-2])')", "not a month"
    )
    rejects_path = tmp_path / "bad.csv"
    with Store.open(":memory:") as store:
        staged, rejects = stage_csv(store, path, COLUMNS, what="test CSV")
        count, written = settle_bad_rows(
            store, staged, [check], path=path, rejects_table=rejects, skip_bad=True,
            rejects_path=rejects_path, columns=COLUMNS,
        )  # fmt: skip
        assert staged_lines(store, staged) == [("a", 2), ("d", 5)]
    assert (count, written) == (2, rejects_path)
    with rejects_path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["line", "column", "reason", "id", "month", "kind"],
        ["3", "month", "not a month, found '2020-13'", "b", "2020-13", "x"],
        ["4", "month", "too few fields (Expected Number of Columns: 3 Found: 1); is the file "
         "truncated?", "", "", ""],
    ]  # fmt: skip


def test_inspect_text_file_errors(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,month,kind\r\nCaf\xe9,2020-01,x\r\n".encode("latin-1"))
    with pytest.raises(InputFileError) as caught:
        inspect_text_file(latin, what="test CSV", header=COLUMNS)
    assert str(caught.value) == (
        f"{latin}:2: not UTF-8 text (byte 19 is 0xe9); re-run with --encoding cp1252 if it "
        "was saved on Windows (or --encoding latin-1 for ISO-8859-1), or save it as UTF-8 "
        "(--skip-bad does not set this aside: a wrong encoding is the whole file's)"
    )
    with pytest.raises(InputFileError) as caught:
        inspect_text_file(tmp_path, what="test CSV")
    assert str(caught.value) == f"{tmp_path}: is a folder; expected a test CSV"
    with pytest.raises(InputFileError) as caught:
        inspect_text_file(tmp_path / "nope.csv", what="test CSV")
    assert str(caught.value) == f"{tmp_path / 'nope.csv'}: no such file"


def test_inspect_text_file_accepts_a_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfid,month,kind\r\na,2020-01,x\r\n")
    assert inspect_text_file(path, what="test CSV", header=COLUMNS) == list(COLUMNS)
