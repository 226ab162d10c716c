"""Hostile files for every importer: each is refused in one line (no traceback) and leaves the
store exactly as it was, or (``--encoding``) is read as the encoding it is in.

The store already holds an import (the population fixture), so "unchanged" is about data,
not only about an empty file. Inputs are made from each importer's good fixture with
Hypothesis where the class is open-ended: a byte that is not UTF-8 at any place after the
header, a count beyond 64 bits, a number too large to hold, a cell of any length.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.hostile import fingerprint, refused, run

FIXTURES = Path(__file__).parents[2] / "fixtures"
SOURCES = FIXTURES / "sources"
STREET = FIXTURES / "policeuk" / "leicestershire" / "2020-12" / "2020-12-leicestershire-street.csv"
FORCE = ("--force", "West Midlands Police")

#: Each importer: its good fixture and the options it needs beside --store.
IMPORTERS: dict[str, tuple[Path, tuple[str, ...]]] = {
    "areas": (SOURCES / "areas.csv", FORCE),
    "crimes": (SOURCES / "crimes-2013-04.csv", ("--mapping", str(SOURCES / "crimes-mapping.yaml"))),
    "incidents": (SOURCES / "incidents.csv", FORCE),
    "peers": (SOURCES / "peers.csv", ()),
    "policeuk": (STREET, ()),
    "population": (SOURCES / "population.csv", ()),
    "reoffending": (SOURCES / "reoffending-2013-02.csv", ()),
    "survey": (SOURCES / "survey.csv", FORCE),
}
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one import, made once; each test works on a copy."""
    path = tmp_path_factory.mktemp("held") / "held.duckdb"
    outcome = run(["import", "population", str(SOURCES / "population.csv"), "--store", str(path)])
    assert outcome.exit_code == 0, outcome.output
    return path


@pytest.fixture
def store(held: Path, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "store.duckdb"
    shutil.copy(held, path)
    yield path


def import_args(name: str, file: Path, store: Path, *extra: str) -> list[str]:
    options = IMPORTERS[name][1]
    return ["import", name, str(file), *options, "--store", str(store), *extra]


def file_named(folder: Path, name: str, data: bytes) -> Path:
    """``data`` in a file named like the importer's fixture (police.uk names carry meaning)."""
    path = folder / IMPORTERS[name][0].name
    path.write_bytes(data)
    return path


def refused_unchanged(args: list[str], store: Path) -> str:
    before = fingerprint(store)
    message = refused(args)
    assert fingerprint(store) == before
    return message


# -- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(IMPORTERS))
@SETTINGS
@given(data=st.data())
def test_a_byte_that_is_not_utf8_is_named_by_line_and_offset(
    name: str, data: st.DataObject, store: Path, tmp_path: Path
) -> None:
    good = IMPORTERS[name][0].read_bytes()
    header_end = good.index(b"\n") + 1
    at = data.draw(st.integers(header_end, len(good) - 1), label="offset")
    while good[at] >= 0x80:  # inside a UTF-8 character: move to its start
        at -= 1
    byte = data.draw(st.sampled_from([0xE9, 0xA3, 0x80, 0xFF, 0xC3]), label="byte")
    bad = good[:at] + bytes([byte]) + (b"x" if byte == 0xC3 else b"") + good[at:]
    path = file_named(tmp_path, name, bad)
    message = refused_unchanged(import_args(name, path, store), store)
    line = bad.count(b"\n", 0, at) + 1
    assert f"{path}:{line}: not UTF-8 text (byte {at + 1:,} is 0x{byte:02x})" in message
    assert "--encoding cp1252" in message and "--encoding latin-1" in message
    # --skip-bad does not hide it: a wrong encoding is the whole file's
    refused_unchanged(import_args(name, path, store, "--skip-bad"), store)


def test_latin1_and_utf16_and_a_bom_are_read_with_encoding(store: Path, tmp_path: Path) -> None:
    text = (
        (SOURCES / "population.csv")
        .read_text(encoding="utf-8")
        .replace("Birmingham", "Birmingham Aston Café")
    )
    latin = tmp_path / "latin.csv"
    latin.write_bytes(text.encode("latin-1"))
    refused_unchanged(["import", "population", str(latin), "--store", str(store)], store)
    for encoding, data in (
        ("latin-1", text.encode("latin-1")),
        ("utf-16", text.encode("utf-16")),
        ("utf-8", text.encode("utf-8-sig")),
    ):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(data.replace(b"2012", b"2011"))  # new figures, not a re-import
        fresh = tmp_path / f"{encoding}.duckdb"
        args = ["import", "population", str(path), "--store", str(fresh), "--encoding", encoding]
        assert run(args).exit_code == 0
        with __import__("duckdb").connect(str(fresh), read_only=True) as con:
            areas = {a for (a,) in con.execute("SELECT area FROM populations").fetchall()}
        assert "Birmingham Aston Café" in areas


def test_utf16_without_the_option_says_what_to_do(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes((SOURCES / "population.csv").read_text(encoding="utf-8").encode("utf-16"))
    message = refused_unchanged(["import", "population", str(path), "--store", str(store)], store)
    assert "looks like UTF-16 text: re-run with --encoding utf-16" in message


def test_windows_1252_is_read_with_cp1252_and_refused_as_latin1(
    store: Path, tmp_path: Path
) -> None:
    text = (SOURCES / "population.csv").read_text(encoding="utf-8")
    text = text.replace("Birmingham", "“Birmingham” €").replace("2012", "2010")
    path = tmp_path / "ansi.csv"
    path.write_bytes(text.encode("cp1252"))
    args = ["import", "population", str(path), "--store", str(store), "--encoding", "latin-1"]
    message = refused_unchanged(args, store)
    assert "(0x93) is a control character in Latin-1" in message
    assert "re-run with --encoding cp1252" in message
    args[-1] = "cp1252"
    assert run(args).exit_code == 0
    with __import__("duckdb").connect(str(store), read_only=True) as con:
        areas = {a for (a,) in con.execute("SELECT area FROM populations").fetchall()}
    assert "“Birmingham” €" in areas
    # police.uk files are read where they are: no copy in another encoding
    street = file_named(tmp_path, "policeuk", STREET.read_bytes())
    assert "police.uk files are read as they are" in refused_unchanged(
        import_args("policeuk", street, store, "--encoding", "cp1252"), store
    )


# -- numbers ---------------------------------------------------------------------------------

#: A count column of each importer that has one, and a row template with {} for it.
COUNTS = {
    "population": "force,West Midlands Police,2013,{}\n",
    "survey": "S,Q,1,2012-07,2012-09,force,West Midlands Police,{},1\n",
}


@pytest.mark.parametrize("name", sorted(COUNTS))
@SETTINGS
@given(value=st.integers(min_value=2**63, max_value=10**40))
def test_a_count_beyond_64_bits_is_a_bad_row(
    name: str, value: int, store: Path, tmp_path: Path
) -> None:
    header = IMPORTERS[name][0].read_text(encoding="utf-8").splitlines()[0]
    path = file_named(tmp_path, name, f"{header}\n{COUNTS[name].format(value)}".encode())
    message = refused_unchanged(import_args(name, path, store), store)
    assert f"{path}:2: column" in message
    assert "too large: a count is at most 9,223,372,036,854,775,807" in message


@SETTINGS
@given(digits=st.integers(16, 400), rate=st.sampled_from(["actual_rate", "predicted_rate"]))
def test_a_number_too_large_to_hold_is_a_bad_row(
    digits: int, rate: str, store: Path, tmp_path: Path
) -> None:
    lines = IMPORTERS["reoffending"][0].read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index(rate)] = "9" * digits
    path = file_named(tmp_path, "reoffending", "\n".join([lines[0], ",".join(row)]).encode())
    message = refused_unchanged(import_args("reoffending", path, store), store)
    assert f"column '{rate}': too large: a number is less than 1,000,000,000,000,000" in message


def test_a_peer_denominator_too_large_to_hold_is_a_bad_row(store: Path, tmp_path: Path) -> None:
    path = file_named(
        tmp_path,
        "peers",
        b"force,measure,month,value,denominator\nA,burglary,2013-03,812," + b"9" * 400 + b"\n",
    )
    message = refused_unchanged(import_args("peers", path, store), store)
    assert "column 'denominator': too large" in message


# -- sizes -----------------------------------------------------------------------------------


@SETTINGS
@given(length=st.integers(81, 1_000_000))
def test_a_long_bad_cell_is_cut_in_the_message(length: int, store: Path, tmp_path: Path) -> None:
    cell = "x" * length
    path = file_named(
        tmp_path, "population", f"area_level,area,year,population\nforce,A,2012,{cell}\n".encode()
    )
    message = refused_unchanged(import_args("population", path, store), store)
    assert f"found '{'x' * 80}…'" in message


# -- structure -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(IMPORTERS))
@SETTINGS
@given(junk=st.binary(min_size=1, max_size=2_000))
def test_arbitrary_bytes_are_refused_or_imported_never_a_traceback(
    name: str, junk: bytes, store: Path, tmp_path: Path
) -> None:
    header = IMPORTERS[name][0].read_bytes().split(b"\n")[0] + b"\n"
    path = file_named(tmp_path, name, header + junk)
    before = fingerprint(store)
    outcome = run(import_args(name, path, store))
    assert outcome.exit_code in (0, 1), outcome.output
    if outcome.exit_code == 1:
        assert outcome.output.startswith("Error: ")
        assert fingerprint(store) == before


def test_a_workbook_that_is_not_one_and_a_huge_cell_in_a_sheet(store: Path, tmp_path: Path) -> None:
    mapping = str(SOURCES / "crimes-mapping.yaml")
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    refused_unchanged(
        ["import", "crimes", str(fake), "--mapping", mapping, "--store", str(store)], store
    )
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    rows = (SOURCES / "crimes-2013-04.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    sheet.append(header)
    row = rows[1].split(",")
    row[header.index("RECORDED")] = "y" * 30_000
    sheet.append(row)
    path = tmp_path / "huge.xlsx"
    book.save(path)
    message = refused_unchanged(
        ["import", "crimes", str(path), "--mapping", mapping, "--store", str(store)], store
    )
    assert f"found '{'y' * 80}…'" in message


def test_a_workbook_that_expands_like_a_zip_bomb(store: Path, tmp_path: Path) -> None:
    """A workbook of a few hundred kilobytes whose sheet expands to 200 MB (a "zip bomb") is
    refused from the archive's directory, before a row is read: in well under a second."""
    import time
    import zipfile

    book = openpyxl.Workbook()
    path = tmp_path / "bomb.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    padding = b"<!--" + b" " * 200_000_000 + b"-->"
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<sheetData", padding + b"<sheetData", 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert path.stat().st_size < 1_000_000
    mapping = str(SOURCES / "crimes-mapping.yaml")
    started = time.monotonic()
    message = refused_unchanged(
        ["import", "crimes", str(path), "--mapping", mapping, "--store", str(store)], store
    )
    assert time.monotonic() - started < 5
    assert "its part xl/worksheets/sheet1.xml expands from" in message
    assert "far beyond a real workbook; if the sheet is real, save it as CSV" in message


def test_a_rejects_file_named_parquet_is_parquet(store: Path, tmp_path: Path) -> None:
    import duckdb

    path = file_named(
        tmp_path,
        "population",
        b"area_level,area,year,population\nforce,A,2012,1\nforce,B,2012,many\n",
    )
    rejects = tmp_path / "bad.parquet"
    outcome = run(import_args("population", path, store, "--skip-bad", "--rejects", str(rejects)))
    assert outcome.exit_code == 0, outcome.output
    rows = duckdb.sql(f"SELECT line, reason FROM '{rejects}'").fetchall()
    assert rows == [(3, "not a whole number of 0 or more, found 'many'")]


def test_a_rejects_file_that_cannot_be_written(store: Path, tmp_path: Path) -> None:
    path = file_named(
        tmp_path, "population", b"area_level,area,year,population\nforce,A,2012,1\nforce,B,2012,x\n"
    )
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    args = import_args("population", path, store, "--skip-bad", "--rejects", f"{blocker}/r.csv")
    assert "cannot write the rejects file" in refused_unchanged(args, store)
