"""A force's own crime extract through a column-mapping file (crimeplan.data.extract)."""

from __future__ import annotations

import csv
import shutil
import textwrap
from datetime import datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.data import extract

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-formats.md"
SKIP_HINT = "(fix the row, or re-run with --skip-bad to set bad rows aside)"
HEADER = (
    "CRIME_NO,RECORDED,HO_CODE,LSOA,DOMESTIC,KNIFE,BUSINESS,HATE,OUTCOME,OUTCOME_DATE,VICTIM_ID"
)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CRIMEPLAN_STORE", str(tmp_path / "store.duckdb"))
    shutil.copy(FIXTURES / "crimes-mapping.yaml", "mapping.yaml")
    shutil.copy(FIXTURES / "crimes-2013-04.csv", "april.csv")
    return tmp_path


def run(*args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(cli, ["import", "crimes", *args])
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def query(sql: str) -> list[tuple]:
    con = duckdb.connect("store.duckdb", read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def write(name: str, text: str) -> str:
    Path(name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return name


def test_csv_extract_through_the_mapping(here: Path) -> None:
    assert run("april.csv", "--mapping", "mapping.yaml") == "april.csv: 4 rows imported (2013-04)\n"
    rows = query(
        "SELECT crime_ref, force, month, recorded_at, category, offence_group, offence, "
        "offence_code, small_area, domestic, knife, gun, business, hate_strand, outcome, "
        "outcome_date, solved FROM crimes ORDER BY source_line"
    )
    assert [tuple(str(v) for v in r) for r in rows[:1]] == [
        (
            "20BE/1001/13",
            "West Midlands Police",
            "2013-04-01",
            "2013-04-01 09:30:00",
            "Burglary",
            "Burglary dwelling",
            "Burglary in a dwelling",
            "28",
            "E01009212",
            "False",
            "False",
            "None",
            "False",
            "None",
            "Charged",
            "2013-04-20",
            "True",
        )
    ]
    assert rows[2][9:17] == (True, True, None, False, "race", "Caution", rows[2][15], True)
    assert [r[16] for r in rows] == [True, False, True, False]
    assert rows[3][9] is False  # "n" is not a true value


def test_victim_ids_are_pseudonymised(here: Path) -> None:
    run("april.csv", "--mapping", "mapping.yaml")
    victims = [v for (v,) in query("SELECT victim_id FROM crimes ORDER BY source_line")]
    assert all(len(v) == 64 and not v.startswith("V-") for v in victims)
    assert victims[0] == victims[2] != victims[1]  # V-501 twice: a repeat victim
    dump = Path("store.duckdb").read_bytes()
    assert b"V-501" not in dump


def test_reimport_and_a_newer_extract(here: Path) -> None:
    run("april.csv", "--mapping", "mapping.yaml")
    assert run("april.csv", "--mapping", "mapping.yaml") == (
        "april.csv: already imported (same sha256), nothing added"
        "; --replace imports it again in its place\n"
    )
    write(
        "may.csv",
        f"""
        {HEADER}
        20BE/2001/13,03/05/2013 10:00,28,E01009212,N,N,N,,,,V-900
    """,
    )
    run("may.csv", "--mapping", "mapping.yaml")
    write(
        "april-v2.csv",
        f"""
        {HEADER}
        20BE/1001/13,01/04/2013 09:30,28,E01009212,N,N,N,,Charged,20/04/2013,V-501
        20BE/1005/13,29/04/2013 12:00,46,E01009085,N,N,Y,,,,V-504
    """,
    )
    out = run("april-v2.csv", "--mapping", "mapping.yaml")
    assert out == "april-v2.csv: 2 rows imported (2013-04), 4 rows of an earlier import replaced\n"
    assert query("SELECT crime_ref FROM crimes ORDER BY crime_ref") == [
        ("20BE/1001/13",),
        ("20BE/1005/13",),
        ("20BE/2001/13",),
    ]
    assert query("SELECT file_name, superseded_by FROM imports ORDER BY import_id") == [
        ("april.csv", 3),
        ("may.csv", None),
        ("april-v2.csv", None),
    ]


BAD_ROWS = [
    (
        "20BE/1009/13,2013-04-09 10:00,28,E01009212,N,N,N,,,,V-1",
        "column 'RECORDED': not a date-time in the format %d/%m/%Y %H:%M "
        "(e.g. 30/04/2013 21:15), found '2013-04-09 10:00'",
    ),
    (
        "20BE/1009/13,09/04/2013 10:00,999,E01009212,N,N,N,,,,V-1",
        "column 'HO_CODE': not a Home Office offence code in the mapping's offences lookup, "
        "found '999'",
    ),
    (
        ",09/04/2013 10:00,28,E01009212,N,N,N,,,,V-1",
        "column 'CRIME_NO': missing crime reference (blank)",
    ),
    (
        "20BE/1009/13,09/04/2013 10:00,28,E01009212,N,N,N,,Charged,31/04/2013,V-1",
        "column 'OUTCOME_DATE': not a date in the format %d/%m/%Y (e.g. 30/04/2013), "
        "found '31/04/2013'",
    ),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_a_bad_row_stops_the_import(here: Path, row: str, reason: str) -> None:
    good = "20BE/1008/13,08/04/2013 10:00,46,E01009212,N,N,N,,,,V-1"
    write("bad.csv", f"{HEADER}\n{good}\n{row}\n")
    assert run("bad.csv", "--mapping", "mapping.yaml", ok=False) == (
        f"Error: bad.csv:3: {reason} {SKIP_HINT}\n"
    )
    assert query("SELECT count(*) FROM crimes") == [(0,)]


def test_skip_bad_writes_the_rejects_file(here: Path) -> None:
    rows = [HEADER, "20BE/1008/13,08/04/2013 10:00,46,E01009212,N,N,N,,,,V-1"]
    rows += [row for row, _ in BAD_ROWS]
    write("bad.csv", "\n".join(rows) + "\n")
    out = run("bad.csv", "--mapping", "mapping.yaml", "--skip-bad")
    assert out == "bad.csv: 1 row imported (2013-04), 4 bad rows set aside in bad.csv.rejects.csv\n"
    with open("bad.csv.rejects.csv", newline="") as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["line"], r["column"]) for r in rejects] == [
        ("3", "RECORDED"),
        ("4", "HO_CODE"),
        ("5", "CRIME_NO"),
        ("6", "OUTCOME_DATE"),
    ]
    assert rejects[1]["CRIME_NO"] == "20BE/1009/13"
    assert query("SELECT rejected FROM imports") == [(4,)]


def test_not_an_extract(here: Path) -> None:
    write("empty.csv", "")
    assert run("empty.csv", "--mapping", "mapping.yaml", ok=False) == (
        "Error: empty.csv: the file is empty; expected a crime extract (CSV)\n"
    )
    Path("binary.csv").write_bytes(b"\x00\x01\x02 not text")
    assert run("binary.csv", "--mapping", "mapping.yaml", ok=False) == (
        "Error: binary.csv: is a binary file, not text; expected a crime extract (CSV)\n"
    )
    write("fake.xlsx", "CRIME_NO,RECORDED\n1,2\n")
    assert run("fake.xlsx", "--mapping", "mapping.yaml", ok=False) == (
        "Error: fake.xlsx: is not an Excel workbook; expected a crime extract saved as an "
        "Excel workbook (.xlsx)\n"
    )
    write("old.xls", "x")
    assert run("old.xls", "--mapping", "mapping.yaml", ok=False) == (
        "Error: old.xls: is an old-style Excel .xls file; save it as .xlsx or CSV\n"
    )
    write("cut.csv", f"{HEADER}\n20BE/1008/13,08/04/2013 10:00,46,E01009212,N,N\n")
    out = run("cut.csv", "--mapping", "mapping.yaml", ok=False)
    assert out.startswith("Error: cut.csv:2: column 'BUSINESS': too few fields (")
    assert out.endswith(f"; is the file truncated? {SKIP_HINT}\n")


def test_a_mapping_column_not_in_the_header(here: Path) -> None:
    write("other.csv", "CRIME_NO,REC_DATE,HO_CODE,LSOA_CODE\n1,01/04/2013 10:00,28,E01\n")
    write(
        "small.yaml",
        """
        force: West Midlands Police
        reference: CRIME_NO
        recorded: {column: RECORDED, format: "%d/%m/%Y %H:%M"}
        offence_code: HO_CODE
        offences:
          "28": {category: Burglary}
        area:
          small_area: LSOA
    """,
    )
    assert run("other.csv", "--mapping", "small.yaml", ok=False) == (
        "Error: small.yaml has 2 problems\n"
        "  small.yaml:3  recorded.column: column 'RECORDED' is not in other.csv's header; "
        "columns: CRIME_NO, REC_DATE, HO_CODE, LSOA_CODE (did you mean 'REC_DATE'?)\n"
        "  small.yaml:8  area.small_area: column 'LSOA' is not in other.csv's header; "
        "columns: CRIME_NO, REC_DATE, HO_CODE, LSOA_CODE (did you mean 'LSOA_CODE'?)\n"
    )


def test_mapping_file_problems_have_lines_and_hints(here: Path) -> None:
    write(
        "bad.yaml",
        """
        force: West Midlands Police
        referense: CRIME_NO
        recorded: {column: RECORDED}
        category: CATEGORY
        flags:
          domestic: {colum: DA}
        outcome:
          column: OUTCOME
          solved: Charged
    """,
    )
    assert run("april.csv", "--mapping", "bad.yaml", ok=False) == (
        "Error: bad.yaml has 4 problems\n"
        "  bad.yaml:2  mapping: unknown key 'referense' (did you mean 'reference'?)\n"
        "  bad.yaml:3  recorded: give both column and format, e.g. {column: RECORDED, "
        'format: "%d/%m/%Y %H:%M"}\n'
        "  bad.yaml:6  flags.domestic: unknown key 'colum' (did you mean 'column'?)\n"
        "  bad.yaml:9  outcome.solved: expected a list; got 'Charged' (text)\n"
    )


def test_mapping_needs_a_category_source(here: Path) -> None:
    write(
        "nocat.yaml",
        """
        force: West Midlands Police
        reference: CRIME_NO
        recorded: {column: RECORDED, format: "%d/%m/%Y %H:%M"}
    """,
    )
    assert run("april.csv", "--mapping", "nocat.yaml", ok=False) == (
        "Error: nocat.yaml has 1 problem\n"
        "  nocat.yaml:1  mapping: no way to find each crime's police.uk category: give "
        "category (a column) or offences (a lookup from offence code) with offence_code\n"
    )


def test_mapping_that_is_not_yaml(here: Path) -> None:
    write("broken.yaml", "reference: [CRIME_NO\nrecorded: x\n")
    out = run("april.csv", "--mapping", "broken.yaml", ok=False)
    assert out.startswith("Error: broken.yaml has 1 problem\n  broken.yaml:2  YAML: ")


def test_separate_date_and_time_columns_and_force_option(here: Path) -> None:
    write(
        "split.yaml",
        """
        reference: REF
        recorded:
          date_column: DATE
          date_format: "%Y-%m-%d"
          time_column: TIME
          time_format: "%H%M"
        category: CATEGORY
        area: {neighbourhood: NBH}
    """,
    )
    write(
        "split.csv",
        "REF,DATE,TIME,CATEGORY,NBH\nA1,2013-04-02,2330,Burglary,Aston\n"
        "A2,2013-04-03,2460,Robbery,Lozells\n",
    )
    assert run("split.csv", "--mapping", "split.yaml", "--force", "WMP", ok=False) == (
        f"Error: split.csv:3: column 'TIME': not in the format %H%M (e.g. 2115), "
        f"found '2460' {SKIP_HINT}\n"
    )
    write("split.csv", "REF,DATE,TIME,CATEGORY,NBH\nA1,2013-04-02,2330,Burglary,Aston\n")
    out = run("split.csv", "--mapping", "split.yaml", ok=False)
    assert out == (
        "Error: split.csv:2: column 'REF': no force for this crime (set force: in the mapping, "
        f"or pass --force NAME), found 'A1' {SKIP_HINT}\n"
    )
    run("split.csv", "--mapping", "split.yaml", "--force", "WMP")
    assert [
        tuple(str(v) for v in r)
        for r in query("SELECT force, recorded_at, category, location, small_area FROM crimes")
    ] == [("WMP", "2013-04-02 23:30:00", "Burglary", "Aston", "None")]


def test_excel_extract(here: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Crimes"
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "20BE/1001/13",
            datetime(2013, 4, 1, 9, 30),
            28,
            "E01009212",
            "N",
            "N",
            "N",
            None,
            "Charged",
            datetime(2013, 4, 20),
            "V-501",
        ]
    )
    sheet.append(
        [
            "20BE/1003/13",
            datetime(2013, 4, 5, 23, 10),
            "8N",
            "E01009212",
            "Y",
            "Yes",
            "N",
            "R",
            "Caution",
            datetime(2013, 4, 30),
            501,
        ]
    )
    sheet.append([None] * 11)  # a trailing blank row, as Excel leaves them
    book.save("april.xlsx")
    assert run("april.xlsx", "--mapping", "mapping.yaml") == (
        "april.xlsx: 2 rows imported (2013-04)\n"
    )
    assert [
        tuple(str(v) for v in r)
        for r in query(
            "SELECT crime_ref, recorded_at, offence_code, category, knife, hate_strand, "
            "outcome_date, solved FROM crimes ORDER BY source_line"
        )
    ] == [
        (
            "20BE/1001/13",
            "2013-04-01 09:30:00",
            "28",
            "Burglary",
            "False",
            "None",
            "2013-04-20",
            "True",
        ),
        (
            "20BE/1003/13",
            "2013-04-05 23:10:00",
            "8N",
            "Violence and sexual offences",
            "True",
            "race",
            "2013-04-30",
            "True",
        ),
    ]
    sheet.append(
        ["20BE/1004/13", "not a date", 28, "E01009212", "N", "N", "N", None, None, None, "V-9"]
    )
    book.save("april-bad.xlsx")
    assert run("april-bad.xlsx", "--mapping", "mapping.yaml", ok=False) == (
        "Error: april-bad.xlsx:5: column 'RECORDED': not a date-time in the format "
        f"%d/%m/%Y %H:%M (e.g. 30/04/2013 21:15), found 'not a date' {SKIP_HINT}\n"
    )


def test_excel_sheet_by_name(here: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.create_sheet("Extract").append(["REF", "WHEN", "CATEGORY"])
    book["Extract"].append(["X1", "02/04/2013 10:00", "Robbery"])
    book.save("two.xlsx")
    write(
        "sheet.yaml",
        """
        force: WMP
        sheet: Crimes
        reference: REF
        recorded: {column: WHEN, format: "%d/%m/%Y %H:%M"}
        category: CATEGORY
    """,
    )
    assert run("two.xlsx", "--mapping", "sheet.yaml", ok=False) == (
        "Error: two.xlsx: has no sheet 'Crimes'; sheets: Notes, Extract\n"
    )
    Path("sheet.yaml").write_text(Path("sheet.yaml").read_text().replace("Crimes", "Extract"))
    assert run("two.xlsx", "--mapping", "sheet.yaml") == "two.xlsx: 1 row imported (2013-04)\n"


def test_every_mapping_key_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for model in extract.MAPPING_MODELS:
        for key in model.model_fields:
            assert f"`{key}`" in docs, (model.__name__, key)


# -- date formats: checked against DuckDB's strptime before the engine sees them ---------------


def test_every_format_code_is_one_duckdb_reads() -> None:
    con = duckdb.connect()
    for code in extract.FORMAT_CODES:
        con.execute("SELECT try_strptime('x', ?)", [code]).fetchall()  # raises if unknown


@pytest.mark.parametrize("code", ["%Q", "%E", "%-Q", "%k", "%"])
def test_duckdb_refuses_what_the_mapping_refuses(code: str) -> None:
    assert extract.format_problem(f"%d/%m/%Y {code}") is not None
    with pytest.raises(duckdb.Error):
        duckdb.connect().execute("SELECT try_strptime('x', ?)", [f"%d/%m/%Y {code}"])


@pytest.mark.parametrize(
    ("key", "fmt", "line"),
    [("recorded", "%d/%m/%Y %Q", 4), ("outcome", "%d/%m/%", 21)],
)
def test_an_unknown_date_code_is_a_mapping_problem(
    here: Path, key: str, fmt: str, line: int
) -> None:
    text = Path("mapping.yaml").read_text(encoding="utf-8")
    old = '"%d/%m/%Y %H:%M"' if key == "recorded" else '"%d/%m/%Y"}'
    new = f'"{fmt}"' if key == "recorded" else f'"{fmt}"}}'
    Path("bad.yaml").write_text(text.replace(old, new), encoding="utf-8")
    output = run("april.csv", "--mapping", "bad.yaml", ok=False)
    assert "Traceback" not in output
    assert f"bad.yaml:{line}  " in output
    assert f"in format '{fmt}'" in output
    assert not Path("store.duckdb").exists()
