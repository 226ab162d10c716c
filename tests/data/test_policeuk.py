"""police.uk street and outcomes imports: counts as published, re-imports, replacement,
legacy categories, bad input, folders, and the whole real Leicestershire set."""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crimeplan.cli import cli
from crimeplan.data import categories, policeuk
from crimeplan.data.counts import crime_counts
from crimeplan.data.engine import Engine
from crimeplan.data.policeuk import STREET_HEADER, find_files, import_file
from crimeplan.data.store import Store

POLICEUK = Path(__file__).parents[1] / "fixtures" / "policeuk"
LEICS = POLICEUK / "leicestershire"
DEC = LEICS / "2020-12" / "2020-12-leicestershire-street.csv"
MAR = LEICS / "2021-03" / "2021-03-leicestershire-street.csv"
LEGACY = POLICEUK / "handmade" / "2013-04" / "2013-04-example-street.csv"
OUTCOMES = POLICEUK / "handmade" / "2021-03" / "2021-03-leicestershire-outcomes.csv"
HEADER_LINE = ",".join(STREET_HEADER)
WHAT = "police.uk street CSV"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def tally(*paths: Path) -> Counter[tuple[str, str]]:
    """Rows per (month, category) counted with the csv module, today's category names."""
    counts: Counter[tuple[str, str]] = Counter()
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                counts[(row["Month"], categories.current_name(row["Crime type"]))] += 1
    return counts


def counted(store_path: Path, *extra: str) -> Counter[tuple[str, str]]:
    result = run(
        "counts", "--store", store_path, "--by", "month,category", "--format", "csv", *extra
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(result.stdout.splitlines()))
    assert rows[0] == ["month", "category", "count"]
    return Counter({(m, c): int(n) for m, c, n in rows[1:]})


# -- the real fixture ------------------------------------------------------------------------
def test_folder_import_counts_equal_published_rows(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    result = run("import", "policeuk", LEICS, "--store", store)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{DEC}: 163 rows imported (2020-12)",
        f"{MAR}: 163 rows imported (2021-03)",
        "Data quality:",
        "  Leicestershire Police: 24 rows with no location in 2 months (2020-12 to 2021-03)",
        "  Leicestershire Police: 1 Crime ID appears in more than one month (2 rows, e.g. "
        "c17e6a18e939… in 2020-12 and 2021-03); each month's row is counted in its month",
        "  Leicestershire Police: 6 anti-social behaviour rows identical to another in 2 months "
        "(2020-12 to 2021-03) (separate incidents, all counted)",
        "2 files: 326 rows imported",
    ]
    assert counted(store) == tally(DEC, MAR)


def test_rows_are_stored_as_published(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        for path in (DEC, MAR):
            import_file(store, find_files([path]).files[0])
        con = store.con
        asb = con.execute(
            "SELECT count(*), count(crime_ref), count(outcome) FROM crimes "
            "WHERE category = 'Anti-social behaviour'"
        ).fetchone()
        assert asb == (28, 0, 0)
        assert con.execute("SELECT count(*) FROM crimes WHERE crime_ref IS NULL").fetchone() == (
            28,
        )
        no_location = con.execute(
            "SELECT count(*), count(small_area), count(longitude), count(small_area_name) "
            "FROM crimes WHERE location = 'No Location'"
        ).fetchone()
        assert no_location == (24, 0, 0, 0)
        repeated = con.execute(
            "SELECT strftime(month, '%Y-%m'), source_line FROM crimes "
            "WHERE crime_ref LIKE 'c17e6a18e939%' ORDER BY month"
        ).fetchall()
        # clean files take the fast path: no line numbers (rows are identified by Crime ID)
        assert repeated == [("2020-12", None), ("2021-03", None)]
        assert _taken() == "fast"
        with DEC.open(newline="", encoding="utf-8") as handle:
            published = next(csv.DictReader(handle))
        first = con.execute(
            "SELECT crime_ref, force, reported_by, month, category, small_area, small_area_name, "
            "location, longitude, latitude, outcome, context, source_line FROM crimes "
            "WHERE crime_ref = ? AND month = DATE '2020-12-01'",
            [published["Crime ID"]],
        ).fetchone()
    assert first is not None
    assert first[0] == published["Crime ID"]
    assert first[1:3] == ("Leicestershire Police", "Leicestershire Police")
    assert str(first[3]) == "2020-12-01"
    assert first[4] == published["Crime type"]
    assert first[5:8] == (published["LSOA code"], published["LSOA name"], published["Location"])
    assert first[8:10] == (float(published["Longitude"]), float(published["Latitude"]))
    assert first[10:] == (published["Last outcome category"], None, None)


def test_identical_asb_rows_are_all_kept(tmp_path: Path) -> None:
    lines = DEC.read_bytes().split(b"\r\n")
    assert lines[6] == lines[7] and b"Anti-social behaviour" in lines[6]
    with Store.open(tmp_path / "s.duckdb") as store:
        import_file(store, find_files([DEC]).files[0])
        # the fast path keeps no line numbers: find line 7's row by its values
        published = next(csv.reader([lines[6].decode()]))
        row = store.con.execute(
            "SELECT count(*) FROM crimes WHERE category = ? AND location = ? "
            "AND longitude = ? AND latitude = ? AND small_area = ?",
            [published[9], published[6], float(published[4]), float(published[5]), published[7]],
        ).fetchone()
    assert row == (lines.count(lines[6]),) and lines.count(lines[6]) >= 2


def test_reimport_adds_nothing(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    assert run("import", "policeuk", DEC, "--store", store).exit_code == 0
    again = run("import", "policeuk", DEC, "--store", store)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [
        f"{DEC}: already imported (same sha256), nothing added"
        "; --replace imports it again in its place",
        "1 file: 0 rows imported, 1 already imported",
    ]
    with Store.open(store) as opened:
        assert opened.table_counts()["crimes"] == 163
        assert len(opened.imports()) == 1


def test_newer_file_for_the_same_month_replaces_the_older(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    assert run("import", "policeuk", DEC, MAR, "--store", store).exit_code == 0
    newer = tmp_path / "newer" / DEC.name
    newer.parent.mkdir()
    lines = DEC.read_bytes().split(b"\r\n")
    newer.write_bytes(b"\r\n".join(lines[:-11]) + b"\r\n")  # 10 rows fewer
    result = run("import", "policeuk", newer, "--store", store)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"{newer}: 153 rows imported (2020-12), 163 rows of an earlier import replaced"
    )
    assert counted(store) == tally(newer, MAR)
    with Store.open(store) as opened:
        log = [
            (r.import_id, r.file_name, r.rows, r.rows_replaced, r.superseded_by)
            for r in opened.imports()
        ]
    assert log == [
        (1, str(DEC), 163, 0, 3),
        (2, str(MAR), 163, 0, None),
        (3, str(newer), 153, 163, None),
    ]


def test_a_run_is_one_transaction(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(LEICS, folder)
    bad = folder / "2021-03" / MAR.name
    text = bad.read_bytes().replace(b",2021-03,", b",2021-3,", 1)
    bad.write_bytes(text)
    store = tmp_path / "s.duckdb"
    assert run("import", "policeuk", OUTCOMES, "--store", store).exit_code == 0
    with Store.open(store) as opened:
        before = (opened.imports(), opened.table_counts())
    result = run("import", "policeuk", folder, "--store", store)
    assert result.exit_code == 1
    assert result.stdout == ""  # nothing imported, so nothing reported
    assert result.output.splitlines()[-1] == (
        f"Error: {bad}:2: column 'Month': not a month; expected YYYY-MM, e.g. 2022-10, "
        "found '2021-3' (fix the row, or re-run with --skip-bad to set bad rows aside)"
    )
    with Store.open(store) as opened:
        assert (opened.imports(), opened.table_counts()) == before
    bad.write_bytes(MAR.read_bytes())
    again = run("import", "policeuk", folder, "--store", store)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[:2] == [
        f"{folder / '2020-12' / DEC.name}: 163 rows imported (2020-12)",
        f"{bad}: 163 rows imported (2021-03)",
    ]
    with Store.open(store) as opened:
        assert [(r.import_id, r.source, r.rows) for r in opened.imports()] == [
            (1, "policeuk-outcomes", 4),
            (2, "policeuk-street", 163),
            (3, "policeuk-street", 163),
        ]
    third = run("import", "policeuk", folder, "--store", store)
    assert third.stdout.splitlines()[-1] == "2 files: 0 rows imported, 2 already imported"


def test_the_first_bad_row_of_the_first_bad_file_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(LEICS, folder)
    dec, mar = folder / "2020-12" / DEC.name, folder / "2021-03" / MAR.name
    mar.write_bytes(mar.read_bytes().replace(b",Drugs,", b",Drug offences,", 1))
    lines = dec.read_bytes().split(b"\r\n")
    lines[40] = lines[40].replace(b",2020-12,", b",2020-13,")
    lines[20] = lines[20].rsplit(b",", 3)[0]  # too few fields: the CSV reader rejects it
    dec.write_bytes(b"\r\n".join(lines))
    result = run("import", "policeuk", folder, "--store", tmp_path / "s.duckdb")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {dec}:21: column 'Crime type': too few fields (Expected Number of Columns: 12 "
        "Found: 9); is the file truncated? (and 1 more bad row) (fix the row, or re-run with "
        "--skip-bad to set bad rows aside)\n"
    )


def test_line_numbers_in_several_files_with_rejected_lines(tmp_path: Path) -> None:
    """Rows of several files read together keep their own file's line numbers, past lines
    the CSV reader rejected; --skip-bad writes each file's bad rows with their lines."""
    folder = tmp_path / "archive"
    shutil.copytree(LEICS, folder)
    dec, mar = folder / "2020-12" / DEC.name, folder / "2021-03" / MAR.name
    for path, broken, wrong in ((dec, (5, 6), 9), (mar, (100,), 3)):
        lines = path.read_bytes().split(b"\r\n")
        for index in broken:
            lines[index] = b"broken"
        lines[wrong] = lines[wrong].replace(b",2020-12,", b",12/2020,")
        lines[wrong] = lines[wrong].replace(b",2021-03,", b",03/2021,")
        path.write_bytes(b"\r\n".join(lines))
    store = tmp_path / "s.duckdb"
    rejects = tmp_path / "rejects"
    result = run(
        "import", "policeuk", folder, "--store", store, "--skip-bad", "--rejects", rejects
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        f"{dec}: 160 rows imported (2020-12), 3 bad rows set aside in "
        f"{rejects / (DEC.name + '.rejects.csv')}",
        f"{mar}: 161 rows imported (2021-03), 2 bad rows set aside in "
        f"{rejects / (MAR.name + '.rejects.csv')}",
    ]
    for path, expected in ((dec, ["6", "7", "10"]), (mar, ["4", "101"])):
        with (rejects / (path.name + ".rejects.csv")).open(newline="") as handle:
            assert [row[0] for row in csv.reader(handle)][1:] == expected
    published = {}
    for path in (dec, mar):
        with path.open(newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.reader(handle), start=1):
                if len(row) == 12 and line > 1:
                    published[(row[1], line)] = (row[6], row[9])
    with Store.open(store) as opened:
        stored = opened.con.execute(
            "SELECT strftime(month, '%Y-%m'), source_line, location, category FROM crimes"
        ).fetchall()
    assert len(stored) == 321
    for month, line, location, category in stored:
        assert published[(month, line)] == (location, category)


def test_two_files_for_the_same_month_in_one_run(tmp_path: Path) -> None:
    """A later file (in import order) replaces an earlier file's rows for the same force and
    month, as if they had been imported one after the other."""
    both = tmp_path / "b" / "2021-02-leicestershire-street.csv"  # between DEC and MAR
    both.parent.mkdir()
    both.write_bytes(DEC.read_bytes() + MAR.read_bytes().split(b"\r\n", 1)[1])
    store = tmp_path / "s.duckdb"
    result = run("import", "policeuk", MAR, both, DEC, "--store", store)
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if "note:" not in line][:3] == [
        f"{DEC}: 163 rows imported (2020-12)",
        f"{both}: 326 rows imported (2020-12 to 2021-03), 163 rows of an earlier import replaced",
        f"{MAR}: 163 rows imported (2021-03), 163 rows of an earlier import replaced",
    ]
    assert counted(store) == tally(DEC, MAR)
    with Store.open(store) as opened:
        log = [(r.file_name, r.rows, r.rows_replaced, r.superseded_by) for r in opened.imports()]
        held = opened.con.execute(
            "SELECT import_id, strftime(month, '%Y-%m'), count(*) FROM crimes GROUP BY ALL "
            "ORDER BY 1"
        ).fetchall()
    assert log == [(str(DEC), 163, 0, 2), (str(both), 326, 163, None), (str(MAR), 163, 163, None)]
    assert held == [(2, "2020-12", 163), (3, "2021-03", 163)]


def test_the_same_file_twice_in_one_run(tmp_path: Path) -> None:
    copy = tmp_path / "copy" / DEC.name
    copy.parent.mkdir()
    shutil.copy(DEC, copy)
    store = tmp_path / "s.duckdb"
    result = run("import", "policeuk", DEC, copy, "--store", store)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert sorted(lines[:2]) == sorted(
        [
            f"{DEC}: 163 rows imported (2020-12)",
            f"{copy}: already imported (same sha256), nothing added"
            "; --replace imports it again in its place",
        ]
    ) or sorted(lines[:2]) == sorted(
        [
            f"{copy}: 163 rows imported (2020-12)",
            f"{DEC}: already imported (same sha256), nothing added"
            "; --replace imports it again in its place",
        ]
    )
    with Store.open(store) as opened:
        assert opened.table_counts()["crimes"] == 163


def test_street_and_outcomes_in_one_run(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    result = run("import", "policeuk", OUTCOMES, MAR, DEC, "--store", store)
    assert result.exit_code == 0, result.output
    with Store.open(store) as opened:
        assert [(r.import_id, r.source, r.rows) for r in opened.imports()] == [
            (1, "policeuk-street", 163),
            (2, "policeuk-street", 163),
            (3, "policeuk-outcomes", 4),
        ]
        assert opened.table_counts()["outcomes"] == 4


def test_folder_walk_skips_stop_and_search_and_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(LEICS, folder)
    (folder / "2021-03" / "2021-03-leicestershire-stop-and-search.csv").write_text("x\n")
    (folder / "notes.txt").write_text("hello\n")
    found = find_files([folder])
    assert [f.path.name for f in found.files] == [DEC.name, MAR.name]
    assert found.skipped == (
        f"{folder / '2021-03' / '2021-03-leicestershire-stop-and-search.csv'}: skipped "
        "(stop-and-search files are not imported)",
        f"{folder / 'notes.txt'}: ignored (not a police.uk street or outcomes file)",
    )


def test_files_are_imported_in_month_order(tmp_path: Path) -> None:
    found = find_files([MAR, DEC, OUTCOMES])
    assert [f.path for f in found.files] == [DEC, MAR, OUTCOMES]
    assert [f.kind for f in found.files] == ["street", "street", "outcomes"]


def test_outcomes_file(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    result = run("import", "policeuk", OUTCOMES, "--store", store)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{OUTCOMES}: 4 rows imported (2021-03)",
        "1 file: 4 rows imported",
    ]
    with Store.open(store) as opened:
        rows = opened.con.execute(
            "SELECT outcome, strftime(month, '%Y-%m'), force, source_line FROM outcomes "
            "ORDER BY source_line"
        ).fetchall()
        assert [r.source for r in opened.imports()] == ["policeuk-outcomes"]
    assert rows == [
        ("Investigation complete; no suspect identified", "2021-03", "Leicestershire Police", 2),
        ("Unable to prosecute suspect", "2021-03", "Leicestershire Police", 3),
        ("Offender given a caution", "2021-03", "Leicestershire Police", 4),
        ("Local resolution", "2021-03", "Leicestershire Police", 5),
    ]


def test_outcomes_file_without_crime_id_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "2021-03-leicestershire-outcomes.csv"
    lines = OUTCOMES.read_text(encoding="utf-8").splitlines()
    lines[2] = "," + lines[2].split(",", 1)[1]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = run("import", "policeuk", path, "--store", tmp_path / "s.duckdb")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}:3: column 'Crime ID': the Crime ID is missing (blank) "
        "(fix the row, or re-run with --skip-bad to set bad rows aside)\n"
    )


# -- legacy categories -----------------------------------------------------------------------
def test_legacy_categories(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    result = run("import", "policeuk", LEGACY, "--store", store)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        f"{LEGACY}: 6 rows imported (2013-04)",
        "  note: 2 rows of pre-May-2013 'Violent crime' stored as 'Violence and sexual offences'",
        "  note: 1 row of pre-May-2013 'Public disorder and weapons' kept as a category of its own "
        "(it cannot be split into 'Public order' and 'Possession of weapons')",
    ]
    assert counted(store) == Counter(
        {
            ("2013-04", "Violence and sexual offences"): 2,
            ("2013-04", "Public disorder and weapons"): 1,
            ("2013-04", "Other theft"): 1,
            ("2013-04", "Anti-social behaviour"): 1,
            ("2013-04", "Burglary"): 1,
        }
    )
    with Store.open(store) as opened:
        (record,) = opened.imports()
    assert record.note == (
        "2 rows of pre-May-2013 'Violent crime' stored as 'Violence and sexual offences'; "
        "1 row of pre-May-2013 'Public disorder and weapons' kept as a category of its own "
        "(it cannot be split into 'Public order' and 'Possession of weapons')"
    )


def test_category_names() -> None:
    assert len(categories.CURRENT) == 14
    assert categories.current_name("Violent crime") == "Violence and sexual offences"
    assert categories.current_name("Public disorder and weapons") == "Public disorder and weapons"
    assert categories.current_name("Burglary") == "Burglary"
    assert set(categories.PUBLIC_ORDER_AND_WEAPONS) <= set(categories.KNOWN)


# -- bad input: the whole one-line message ---------------------------------------------------
def _bad(tmp_path: Path, name: str, content: bytes, *extra: str) -> tuple[Path, Result]:
    path = tmp_path / name
    path.write_bytes(content)
    result = run("import", "policeuk", path, "--store", tmp_path / "s.duckdb", *extra)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    return path, result


def test_empty_file(tmp_path: Path) -> None:
    path, result = _bad(tmp_path, "2021-03-leicestershire-street.csv", b"")
    assert result.output == f"Error: {path}: the file is empty; expected a {WHAT}\n"


def test_binary_file(tmp_path: Path) -> None:
    path, result = _bad(tmp_path, "2021-03-leicestershire-street.csv", b"PK\x03\x04\x00\x01zip")
    assert result.output == f"Error: {path}: is a binary file, not text; expected a {WHAT}\n"


def test_wrong_header(tmp_path: Path) -> None:
    content = DEC.read_bytes().replace(b"Crime type", b"Crime category", 1)
    path, result = _bad(tmp_path, "2021-03-leicestershire-street.csv", content)
    assert result.output == (
        f"Error: {path}:1: the header is not a {WHAT} header (missing 'Crime type'; "
        f"unexpected 'Crime category'); expected: {HEADER_LINE}\n"
    )


def test_truncated_last_line(tmp_path: Path) -> None:
    content = DEC.read_bytes()[:-60]
    path, result = _bad(tmp_path, DEC.name, content)
    assert result.output == (
        f"Error: {path}:164: column 'Longitude': too few fields (Expected Number of Columns: "
        "12 Found: 4); is the file truncated? (fix the row, or re-run with --skip-bad to set "
        "bad rows aside)\n"
    )


def test_bad_month(tmp_path: Path) -> None:
    content = (
        DEC.read_bytes().replace(b",2020-12,", b",Dec 2020,").replace(b"Dec 2020", b"2020-12", 3)
    )
    path, result = _bad(tmp_path, DEC.name, content)
    assert result.output == (
        f"Error: {path}:5: column 'Month': not a month; expected YYYY-MM, e.g. 2022-10, "
        "found 'Dec 2020' (and 159 more bad rows) (fix the row, or re-run with --skip-bad to "
        "set bad rows aside)\n"
    )


def test_unknown_crime_type_stops(tmp_path: Path) -> None:
    content = DEC.read_bytes().replace(b",Drugs,", b",Drug offences,", 1)
    path, result = _bad(tmp_path, DEC.name, content)
    assert result.output == (
        f"Error: {path}:2: column 'Crime type': not a police.uk crime type; expected one of "
        + ", ".join(categories.KNOWN)
        + ", found 'Drug offences' (fix the row, or re-run with --skip-bad to set bad rows "
        "aside)\n"
    )


def test_unknown_crime_type_skip_bad(tmp_path: Path) -> None:
    source = DEC.read_bytes().split(b"\r\n")
    source[2] = source[2].replace(b",Other theft,", b",Public disorder,")
    source[9] = source[9].replace(b",Criminal damage and arson,", b",Criminal damage,")
    path = tmp_path / DEC.name
    path.write_bytes(b"\r\n".join(source))
    rejects = tmp_path / "rejects.csv"
    store = tmp_path / "s.duckdb"
    result = run("import", "policeuk", path, "--store", store, "--skip-bad", "--rejects", rejects)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"{path}: 161 rows imported (2020-12), 2 bad rows set aside in {rejects}"
    )
    with rejects.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["line", "column", "reason", *STREET_HEADER]
    with path.open(newline="", encoding="utf-8") as handle:
        published = list(csv.reader(handle))
    known = ", ".join(categories.KNOWN)
    assert rows[1] == [
        "3",
        "Crime type",
        f"not a police.uk crime type; expected one of {known}, found 'Public disorder'",
        *published[2][:11],
        "",
    ]
    assert rows[2][:3] == [
        "10",
        "Crime type",
        f"not a police.uk crime type; expected one of {known}, found 'Criminal damage'",
    ]
    assert len(rows) == 3
    with Store.open(store) as opened:
        assert opened.table_counts()["crimes"] == 161
        (record,) = opened.imports()
    assert (record.rows, record.rejected) == (161, 2)


def test_crime_id_blank_outside_asb(tmp_path: Path) -> None:
    lines = DEC.read_bytes().split(b"\r\n")
    lines[1] = b"," + lines[1].split(b",", 1)[1]
    path, result = _bad(tmp_path, DEC.name, b"\r\n".join(lines))
    assert result.output == (
        f"Error: {path}:2: column 'Crime ID': only anti-social behaviour rows may have no "
        "Crime ID (blank) (fix the row, or re-run with --skip-bad to set bad rows aside)\n"
    )


def test_missing_path(tmp_path: Path) -> None:
    result = run("import", "policeuk", tmp_path / "nope", "--store", tmp_path / "s.duckdb")
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'nope'}: no such file or folder\n"


def test_folder_with_no_police_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("import", "policeuk", tmp_path / "empty", "--store", tmp_path / "s.duckdb")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'empty'}: no police.uk street or outcomes files found (expected "
        "files named YYYY-MM-<force>-street.csv or YYYY-MM-<force>-outcomes.csv)\n"
    )


# -- property: counts equal the generated rows -----------------------------------------------
_MONTHS = st.sampled_from(["2013-04", "2019-12", "2020-01", "2022-10"])
_TYPES = st.sampled_from(categories.KNOWN)


@st.composite
def _rows(draw: st.DrawFn) -> list[list[str]]:
    count = draw(st.integers(min_value=1, max_value=40))
    rows = []
    for index in range(count):
        crime_type = draw(_TYPES)
        month = draw(_MONTHS)
        asb = crime_type == categories.ASB
        crime_id = "" if asb else draw(st.sampled_from([f"{index:064x}", "ab" * 32]))
        located = draw(st.booleans())
        row = [
            crime_id,
            month,
            "Test Police",
            draw(st.sampled_from(["Test Police", "Other Police"])),
            "-1.5" if located else "",
            "52.6" if located else "",
            draw(st.sampled_from(["On or near Main Street", "On or near ", "No Location"])),
            "E01000001" if located else "",
            "Somewhere 001A" if located else "",
            crime_type,
            "" if asb else draw(st.sampled_from(["Under investigation", "Local resolution"])),
            "",
        ]
        rows.append(row)
        if draw(st.integers(min_value=0, max_value=4)) == 0:
            rows.append(list(row))  # an identical row: published twice, counted twice
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_rows())
def test_roundtrip_counts_equal_generated_rows(rows: list[list[str]]) -> None:
    expected: Counter[tuple[str, str]] = Counter(
        (row[1], categories.current_name(row[9])) for row in rows
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "2020-01-test-street.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(STREET_HEADER)
            writer.writerows(rows)
        with Store.open(":memory:") as store:
            report = import_file(store, find_files([path]).files[0])
            table = crime_counts(Engine.of_store(store), ("month", "category"))
    assert report.rows == len(rows)
    assert Counter({(m, c): n for m, c, n in table.rows}) == expected


# -- the real Leicestershire set -------------------------------------------------------------
PROVENANCE_ROWS = {
    "2019-12": 8092, "2020-01": 8852, "2020-02": 7857, "2020-03": 8146, "2020-04": 7809,
    "2020-05": 8116, "2020-06": 8245, "2020-07": 8441, "2020-08": 8777, "2020-09": 8577,
    "2020-10": 8159, "2020-11": 7918, "2020-12": 7082, "2021-01": 6792, "2021-02": 6509,
    "2021-03": 8113, "2021-04": 8217, "2021-05": 8402, "2021-06": 9299, "2021-07": 8694,
    "2021-08": 8459, "2021-09": 8564, "2021-10": 9055, "2021-11": 8718, "2021-12": 8185,
    "2022-01": 8730, "2022-02": 8482, "2022-03": 10019, "2022-04": 9494, "2022-05": 10332,
    "2022-06": 9980, "2022-07": 10056, "2022-08": 10373, "2022-09": 9492, "2022-10": 9802,
}  # fmt: skip


@pytest.mark.realdata
@pytest.mark.slow
def test_whole_leicestershire_set(tmp_path: Path, shared_data: Path) -> None:
    folder = shared_data / "policeuk-street-leicestershire"
    store_path = tmp_path / "leics.duckdb"
    started = time.perf_counter()
    result = run("import", "policeuk", folder, "--store", store_path)
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "35 files: 301,838 rows imported"
    assert _taken() == "fast"  # clean published files: one read
    print(f"whole Leicestershire import: {seconds:.1f} s")
    assert sum(PROVENANCE_ROWS.values()) == 301_838
    with Store.open(store_path) as store:
        per_file = {
            r.first_month.strftime("%Y-%m"): r.rows for r in store.imports() if r.first_month
        }
        assert per_file == PROVENANCE_ROWS
        con = store.con
        assert con.execute(
            "SELECT count(*), count(crime_ref) FROM crimes WHERE category = 'Anti-social behaviour'"
        ).fetchone() == (33_364, 0)
        assert con.execute("SELECT count(*) FROM crimes WHERE crime_ref IS NULL").fetchone() == (
            33_364,
        )
        assert con.execute(
            "SELECT count(*) FROM crimes WHERE location = 'No Location'"
        ).fetchone() == (7_463,)
    files = sorted(folder.glob("*/*-street.csv"))
    assert len(files) == 35
    assert counted(store_path) == tally(*files)


# -- more than one month in a file, rejects for several files --------------------------------
def test_a_file_with_two_months_is_imported_and_noted(tmp_path: Path) -> None:
    both = tmp_path / "2020-12-leicestershire-street.csv"
    both.write_bytes(DEC.read_bytes() + MAR.read_bytes().split(b"\r\n", 1)[1])
    store = tmp_path / "s.duckdb"
    assert run("import", "policeuk", DEC, MAR, "--store", store).exit_code == 0
    result = run("import", "policeuk", both, "--store", store)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        f"{both}: 326 rows imported (2020-12 to 2021-03), 326 rows of an earlier import replaced",
        "  note: rows for 2 months (2020-12 to 2021-03) in one file",
        "  note: file name says 2020-12, rows are for 2020-12, 2021-03",
    ]
    assert counted(store) == tally(DEC, MAR)
    with Store.open(store) as opened:
        assert [r.superseded_by for r in opened.imports()] == [3, 3, None]
        assert opened.imports()[2].note == (
            "rows for 2 months (2020-12 to 2021-03) in one file; "
            "file name says 2020-12, rows are for 2020-12, 2021-03"
        )


def test_rejects_folder_for_several_files(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(LEICS, folder)
    for path in folder.glob("*/*.csv"):
        path.write_bytes(path.read_bytes().replace(b",Drugs,", b",Drug offences,"))
    rejects = tmp_path / "rejects"
    result = run(
        "import", "policeuk", folder, "--store", tmp_path / "s.duckdb", "--skip-bad",
        "--rejects", rejects,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in rejects.iterdir())
    assert written == [f"{DEC.name}.rejects.csv", f"{MAR.name}.rejects.csv"]
    drugs = tally(DEC)[("2020-12", "Drugs")]
    assert result.stdout.splitlines()[0] == (
        f"{folder / '2020-12' / DEC.name}: {163 - drugs} rows imported (2020-12), "
        f"{drugs} bad rows set aside in {rejects / (DEC.name + '.rejects.csv')}"
    )


def test_rejects_file_that_cannot_be_written(tmp_path: Path) -> None:
    content = DEC.read_bytes().replace(b",Drugs,", b",Drug offences,", 1)
    target = tmp_path / "missing-folder" / "bad.csv"
    path, result = _bad(tmp_path, DEC.name, content, "--skip-bad", "--rejects", str(target))
    assert result.output.startswith(
        f"Error: {path}: cannot write the rejects file {target} (IO Error: "
    )
    assert result.output.endswith("); choose another place with --rejects\n")


# -- the fast path and its fallbacks ---------------------------------------------------------
def _with_field(line: int, column: int, value: str, path: Path = DEC) -> bytes:
    """``path``'s bytes with one field of one line (1-based, header line 1) changed."""
    lines = path.read_bytes().split(b"\r\n")
    fields = next(csv.reader([lines[line - 1].decode()]))
    fields[column] = value
    lines[line - 1] = ",".join(f'"{f}"' if "," in f else f for f in fields).encode()
    return b"\r\n".join(lines)


def _stored(store_path: Path, *, lines: bool = True) -> dict[str, object]:
    """Everything a run leaves in the store but import times (and line numbers, unless
    ``lines``)."""
    crimes = "*" if lines else "* EXCLUDE (source_line)"
    with Store.open(store_path) as store:
        return {
            "imports": [
                (
                    r.import_id,
                    r.source,
                    r.file_name,
                    r.sha256,
                    r.rows,
                    r.rejected,
                    r.rows_replaced,
                    r.force,
                    r.first_month,
                    r.last_month,
                    r.superseded_by,
                    r.note,
                )
                for r in store.imports()
            ],  # fmt: skip
            "crimes": store.con.execute(f"SELECT {crimes} FROM crimes ORDER BY ALL").fetchall(),
            "outcomes": store.con.execute("SELECT * FROM outcomes ORDER BY ALL").fetchall(),
        }


@pytest.fixture
def tried(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each fast-path attempt (successful or not) appends to this list."""
    attempts: list[bool] = []
    real = policeuk.import_fast

    def spy(*args: Any, **kwargs: Any) -> None:
        attempts.append(True)
        real(*args, **kwargs)

    monkeypatch.setattr(policeuk, "import_fast", spy)
    return attempts


def _fast_and_precise(
    monkeypatch: pytest.MonkeyPatch,
    tried: list[bool],
    tmp_path: Path,
    files: list[Path],
    *extra: str,
) -> tuple[Result, str, bool]:
    """Import ``files`` (after MAR, imported first) twice into fresh stores: as is, and with
    the fast path turned off (today's precise path alone). The output, the store and any
    rejects files must be the same; returns the first run's result, the path it took and
    whether it tried the fast path."""
    results, stores, rejects, paths, attempted = [], [], [], [], []
    for attempt, fast in enumerate((True, False)):
        store = tmp_path / f"s{attempt}.duckdb"
        assert run("import", "policeuk", MAR, "--store", store).exit_code == 0
        if not fast:
            monkeypatch.setattr(policeuk, "fast_path_eligible", lambda batches: False)
        tried.clear()
        results.append(run("import", "policeuk", *files, "--store", store, *extra))
        attempted.append(bool(tried))
        paths.append(policeuk.last_path)
        stores.append(store)
        written = sorted(tmp_path.rglob("*.rejects.csv"))
        rejects.append({p: p.read_bytes() for p in written})
        for p in written:
            p.unlink()
    assert results[0].exit_code == results[1].exit_code
    assert results[0].output == results[1].output
    # the fast path keeps no line numbers: otherwise the stores are the same
    lines = paths[0] != "fast"
    assert _stored(stores[0], lines=lines) == _stored(stores[1], lines=lines)
    assert rejects[0] == rejects[1]
    assert paths[1] == "precise" and not attempted[1]
    return results[0], paths[0], attempted[0]


def _taken() -> str:
    """The path the last run took (a function: mypy would narrow the module attribute)."""
    return policeuk.last_path


def test_a_clean_run_takes_the_fast_path(tmp_path: Path, tried: list[bool]) -> None:
    """A clean run: one read, no line numbers; a re-import has nothing new to take."""
    store = tmp_path / "fast.duckdb"
    assert run("import", "policeuk", DEC, "--store", store).exit_code == 0
    assert _taken() == "fast" and tried == [True]
    result = run("import", "policeuk", DEC, "--store", store)
    assert _taken() == "none" and tried == [True]
    assert result.stdout.splitlines()[0].endswith(
        "nothing added; --replace imports it again in its place"
    )
    with Store.open(store) as opened:
        assert opened.con.execute("SELECT count(*), count(source_line) FROM crimes").fetchone() == (
            163,
            0,
        )


def test_fast_and_precise_paths_store_the_same(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tried: list[bool]
) -> None:
    """Supersession (MAR's month replaced by a newer file), the log and the notes: the fast
    path's run is the precise path's, line numbers apart."""
    newer = tmp_path / "in" / MAR.name
    newer.parent.mkdir()
    newer.write_bytes(MAR.read_bytes().replace(b"\r\n", b"\n"))  # another sha256
    several = tmp_path / "in" / "2020-12-leicestershire-street.csv"
    several.write_bytes(_with_field(9, 3, "Another Police"))  # two forces in one file
    result, taken, fast = _fast_and_precise(monkeypatch, tried, tmp_path, [newer, several])
    assert fast and taken == "fast" and result.exit_code == 0, result.output
    assert "163 rows of an earlier import replaced" in result.output
    assert "note: rows for 2 forces in one file" in result.output


@pytest.mark.parametrize(
    ("line", "column", "value"),
    [
        (5, 1, "Dec 2020"),  # Month
        (5, 1, ""),
        (5, 3, " "),  # Falls within blank
        (9, 4, "west"),  # Longitude not a number
        (9, 4, "-181"),
        (9, 5, "90.5"),  # Latitude out of range
        (9, 9, "Drug offences"),  # unknown Crime type
        (9, 9, ""),
        (9, 0, ""),  # no Crime ID, not anti-social behaviour
        (9, 9, "Violent crime"),  # a legacy name in a 2020 file: the precise path's note
        (9, 1, "2013-04"),  # a month before May 2013: legacy notes
    ],
)
@pytest.mark.parametrize("skip_bad", [False, True])
def test_a_row_the_fast_path_cannot_take_falls_back(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    line: int,
    column: int,
    value: str,
    skip_bad: bool,
    tried: list[bool],
) -> None:
    path = tmp_path / "in" / DEC.name
    path.parent.mkdir()
    path.write_bytes(_with_field(line, column, value))
    extra = ("--skip-bad",) if skip_bad else ()
    result, taken, fast = _fast_and_precise(monkeypatch, tried, tmp_path, [path], *extra)
    assert fast and taken == "precise"
    assert ("Error: " in result.output) == (
        not skip_bad and value not in {"Violent crime", "2013-04"}
    )


@pytest.mark.parametrize("skip_bad", [False, True])
def test_a_malformed_line_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, skip_bad: bool, tried: list[bool]
) -> None:
    lines = DEC.read_bytes().split(b"\r\n")
    lines[20] = lines[20].rsplit(b",", 3)[0]  # too few fields
    lines[30] = lines[30] + b",extra"  # too many
    lines[40] = b'"unterminated,' + lines[40]
    path = tmp_path / "in" / DEC.name
    path.parent.mkdir()
    path.write_bytes(b"\r\n".join(lines))
    extra = ("--skip-bad",) if skip_bad else ()
    result, taken, fast = _fast_and_precise(monkeypatch, tried, tmp_path, [path], *extra)
    assert fast and taken == "precise"
    if not skip_bad:
        assert result.output.startswith(f"Error: {path}:21: column 'Crime type': too few fields")


def test_the_same_month_in_two_files_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tried: list[bool]
) -> None:
    """Named for different months, so the fast path is tried: the tally finds 2020-12 and
    2021-03 in two files each, and the precise path supersedes them one by one."""
    both = tmp_path / "b" / "2021-02-leicestershire-street.csv"
    both.parent.mkdir()
    both.write_bytes(DEC.read_bytes() + MAR.read_bytes().split(b"\r\n", 1)[1])
    copy = tmp_path / "c" / MAR.name
    copy.parent.mkdir()
    copy.write_bytes(MAR.read_bytes().replace(b"\r\n", b"\n"))  # another sha256
    result, taken, fast = _fast_and_precise(monkeypatch, tried, tmp_path, [DEC, both])
    assert fast and taken == "precise"
    assert result.exit_code == 0
    # two files named for the same month and force: the precise path straight away
    result, taken, fast = _fast_and_precise(monkeypatch, tried, tmp_path, [MAR, copy, DEC])
    assert taken == "precise" and not fast


def test_outcomes_take_the_precise_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tried: list[bool]
) -> None:
    result, taken, fast = _fast_and_precise(monkeypatch, tried, tmp_path, [OUTCOMES, DEC])
    assert taken == "precise" and result.exit_code == 0 and not fast


def test_a_failed_fast_attempt_leaves_the_store_as_it_was(
    tmp_path: Path, tried: list[bool]
) -> None:
    store = tmp_path / "s.duckdb"
    assert run("import", "policeuk", MAR, "--store", store).exit_code == 0
    before = _stored(store)
    path = tmp_path / DEC.name
    path.write_bytes(_with_field(160, 9, "Drug offences"))  # near the end: rows were inserted
    result = run("import", "policeuk", path, "--store", store)
    assert result.exit_code == 1 and _taken() == "precise" and tried == [True, True]
    assert _stored(store) == before
    assert run("import", "policeuk", DEC, "--store", store).exit_code == 0
    with Store.open(store) as opened:
        assert [r.import_id for r in opened.imports()] == [1, 2]


def test_header_only_file(tmp_path: Path) -> None:
    """A header with no rows is refused, as every other importer refuses one (issue 11),
    blank lines after it included; in a folder it stops the whole run."""
    for content in (HEADER_LINE.encode() + b"\r\n", HEADER_LINE.encode() + b"\n\n  \n"):
        path, result = _bad(tmp_path, "2021-03-leicestershire-street.csv", content)
        assert result.output == f"Error: {path}: has a header but no rows; expected a {WHAT}\n"
    folder = tmp_path / "archive"
    shutil.copytree(LEICS, folder)
    empty = folder / "2021-03" / "2021-04-leicestershire-outcomes.csv"
    empty.write_text(",".join(policeuk.OUTCOMES_HEADER) + "\n", encoding="utf-8")
    store = tmp_path / "run.duckdb"
    result = run("import", "policeuk", folder, "--store", store)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {empty}: has a header but no rows; expected a police.uk outcomes CSV\n"
    )
    with Store.open(store) as opened:
        assert opened.imports() == []


@pytest.mark.parametrize("files", [[DEC, MAR], [LEGACY]], ids=["fast", "precise"])
def test_replace_a_police_uk_file(tmp_path: Path, files: list[Path]) -> None:
    """``--replace`` re-imports files already imported in place of their earlier imports,
    on the fast path and on the precise path; the counts stay the same."""
    store = tmp_path / "s.duckdb"
    assert run("import", "policeuk", *files, "--store", store).exit_code == 0
    before = counted(store)
    again = run("import", "policeuk", *files, "--store", store)
    assert again.output.count("--replace imports it again in its place") == len(files)
    result = run("import", "policeuk", *files, "--store", store, "--replace")
    assert result.exit_code == 0, result.output
    assert result.output.count("in place of import") == len(files)
    assert counted(store) == before
    n = len(files)
    with Store.open(store) as opened:
        log = [(r.import_id, r.superseded_by, r.note or "") for r in opened.imports()]
    assert [(i, s) for i, s, _ in log] == [
        *((i, i + n) for i in range(1, n + 1)),
        *((i, None) for i in range(n + 1, 2 * n + 1)),
    ]
    assert all(f"in place of import {i - n} of the same file" in note for i, _, note in log[n:])
