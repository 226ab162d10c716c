"""``crimeplan counts`` and the data-quality notes, on the real Leicestershire fixture."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crimeplan.cli import cli
from crimeplan.data.counts import (
    IDENTICAL_ASB_ROWS,
    NO_LOCATION,
    OUTSIDE_FORCE_AREA,
    REPEATED_CRIME_ID,
    REPEATED_CRIME_ID_ACROSS_MONTHS,
    QualityNote,
    crime_counts,
    quality_notes,
)
from crimeplan.data.engine import DUCKDB, Engine, copy_store, open_engine
from crimeplan.data.policeuk import find_files, import_file
from crimeplan.data.store import Store
from tests.support.postgres import Server

LEICS = Path(__file__).parents[1] / "fixtures" / "policeuk" / "leicestershire"
FILES = sorted(LEICS.glob("*/*-street.csv"))
FORCE = "Leicestershire Police"
LEFT_OUT = "E01025633"  # a Blaby LSOA left out of the areas table: "outside the force"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def published_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in FILES:
        with path.open(newline="", encoding="utf-8") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def area_of(row: dict[str, str]) -> dict[str, str] | None:
    """The made-up areas lookup for the tests: LPU and local authority from the LSOA name."""
    code, name = row["LSOA code"], row["LSOA name"]
    if not code or code == LEFT_OUT:
        return None
    district = name.rsplit(" ", 1)[0]
    return {"lpu": district, "local_authority": district, "neighbourhood": name[:-1]}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        for file in find_files([LEICS]).files:
            import_file(store, file)
    return path


@pytest.fixture
def with_areas(store_path: Path) -> Path:
    seen: dict[str, dict[str, str]] = {}
    for row in published_rows():
        area = area_of(row)
        if area is not None:
            seen[row["LSOA code"]] = area
    with Store.open(store_path) as store:
        for code, area in seen.items():
            store.con.execute(
                "INSERT INTO areas VALUES (0, ?, NULL, ?, ?, ?, ?)",
                [code, area["neighbourhood"], area["lpu"], area["local_authority"], FORCE],
            )
    return store_path


def csv_rows(result: Result) -> list[list[str]]:
    assert result.exit_code == 0, result.output
    return list(csv.reader(result.stdout.splitlines()))


def test_csv_header_is_the_by_names_then_count(store_path: Path) -> None:
    rows = csv_rows(
        run("counts", "--store", store_path, "--by", "category,month", "--format", "csv")
    )
    assert rows[0] == ["category", "month", "count"]
    assert rows[1:] == sorted(rows[1:], key=lambda r: (r[0], r[1]))
    expected = Counter((r["Crime type"], r["Month"]) for r in published_rows())
    assert {(c, m): int(n) for c, m, n in rows[1:]} == expected


def test_json_is_a_list_of_objects(store_path: Path) -> None:
    result = run("counts", "--store", store_path, "--by", "month", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"month": "2020-12", "count": 163},
        {"month": "2021-03", "count": 163},
    ]


def test_table(store_path: Path) -> None:
    result = run("counts", "--store", store_path, "--by", "month")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["┃", "month", "┃", "count", "┃"]
    assert lines[3].split() == ["│", "2020-12", "│", "163", "│"]
    assert lines[-2].split() == ["│", "Total", "│", "326", "│"]


def test_months_and_force_filters(store_path: Path) -> None:
    base = ("counts", "--store", store_path, "--by", "month", "--format", "csv")
    assert csv_rows(run(*base, "--from", "2021-01")) == [["month", "count"], ["2021-03", "163"]]
    assert csv_rows(run(*base, "--to", "2021-01")) == [["month", "count"], ["2020-12", "163"]]
    assert csv_rows(run(*base, "--force", FORCE))[1:] == [["2020-12", "163"], ["2021-03", "163"]]


def test_nothing_counted_says_why(store_path: Path) -> None:
    """A filter that counts nothing is a one-line error on stderr saying what the store does
    hold (exit 1), not an empty table or a bare CSV header."""
    base = ("counts", "--store", store_path, "--by", "month", "--format", "csv")
    cases = {
        ("--force", "Other Police"): "holds no crimes for --force 'Other Police'; "
        f"forces in it: {FORCE}",
        ("--from", "2023-01"): "holds crimes for 2020-12 to 2021-03 only, none for --from 2023-01",
        ("--force", FORCE, "--to", "2019-05"): f"holds crimes of force '{FORCE}' for 2020-12 to "
        "2021-03 only, none for --to 2019-05",
        ("--from", "2021-01", "--to", "2021-02"): "no crimes match these filters",
        ("--area", "small_area:E00000000"): "no crimes in small_area:E00000000",
        ("--from", "2021-03", "--to", "2020-12"): "--from 2021-03 is after --to 2020-12",
    }
    for args, expected in cases.items():
        result = run(*base, *args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stdout == ""
        assert expected in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_an_empty_store_says_import_first(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    Store.open(path).close()
    result = run("counts", "--store", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: store {path} holds no crimes; import some first")


def test_by_small_area_keeps_rows_without_one(store_path: Path) -> None:
    rows = csv_rows(run("counts", "--store", store_path, "--by", "small_area", "--format", "csv"))
    expected = Counter(r["LSOA code"] for r in published_rows())
    assert {code: int(n) for code, n in rows[1:]} == expected
    assert rows[-1] == ["", "24"]  # No Location rows: no small area, sorted last


def test_by_lpu_through_the_areas_table(with_areas: Path) -> None:
    rows = csv_rows(run("counts", "--store", with_areas, "--by", "lpu,month", "--format", "csv"))
    assert rows[0] == ["lpu", "month", "count"]
    expected: Counter[tuple[str, str]] = Counter()
    for row in published_rows():
        area = area_of(row)
        expected[(area["lpu"] if area else "", row["Month"])] += 1
    assert {(lpu, m): int(n) for lpu, m, n in rows[1:]} == expected


def test_area_filter(with_areas: Path) -> None:
    rows = csv_rows(
        run(
            "counts", "--store", with_areas, "--by", "category", "--area", "lpu:Blaby",
            "--format", "csv",
        )
    )  # fmt: skip
    expected = Counter(
        r["Crime type"]
        for r in published_rows()
        if (area := area_of(r)) is not None and area["lpu"] == "Blaby"
    )
    assert {c: int(n) for c, n in rows[1:]} == expected
    assert sum(expected.values()) > 0


def test_unknown_area_name(with_areas: Path) -> None:
    result = run("counts", "--store", with_areas, "--area", "lpu:Coventry")
    assert result.exit_code == 1
    assert result.output.startswith("Error: no lpu 'Coventry' in the store's areas; known: ")
    assert "Blaby" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--by", "month,offence"),
            "--by 'offence' is not something crimes can be counted by; expected any of "
            "month, category, force, offence_group, lpu, local_authority, neighbourhood, "
            "small_area",
        ),
        (("--by", "month,month"), "--by 'month,month' names a column twice"),
        (("--area", "Coventry"), "--area 'Coventry' is not LEVEL:NAME, e.g. lpu:Coventry"),
        (
            ("--area", "ward:Aston"),
            "--area 'ward:Aston': unknown area level 'ward'; expected one of lpu, "
            "local_authority, neighbourhood, small_area",
        ),
        (("--from", "2021-13"), "--from '2021-13' is not a month; expected YYYY-MM, e.g. 2013-04"),
    ],
)
def test_bad_options(store_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run("counts", "--store", store_path, *args)
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"


def test_area_level_needs_the_areas_table(store_path: Path) -> None:
    result = run("counts", "--store", store_path, "--by", "lpu")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: store {store_path} has no areas table rows; counting by local policing unit, "
        "local authority or neighbourhood needs an areas lookup imported first\n"
    )


def test_missing_store(tmp_path: Path) -> None:
    result = run("counts", "--store", tmp_path / "none.duckdb")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: store {tmp_path / 'none.duckdb'} does not exist; import data first "
        "(crimeplan import …) or run crimeplan demo\n"
    )


def test_store_from_environment(store_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["counts", "--by", "month", "--format", "csv"],
        env={"CRIMEPLAN_STORE": str(store_path)},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "month,count\n2020-12,163\n2021-03,163\n"


def test_crime_counts_without_by(store_path: Path) -> None:
    with open_engine(store_path) as engine:
        table = crime_counts(engine, ())
    assert table.rows == ((326,),)
    assert table.columns == ("count",)


# -- data-quality notes ----------------------------------------------------------------------
def test_quality_notes(store_path: Path) -> None:
    with open_engine(store_path) as engine:
        notes = quality_notes(engine, force=FORCE)
    assert all(isinstance(n, QualityNote) for n in notes)
    with pytest.raises(dataclasses.FrozenInstanceError):
        notes[0].rows = 1  # type: ignore[misc]
    by_kind = Counter(n.kind for n in notes)
    assert by_kind == {NO_LOCATION: 2, REPEATED_CRIME_ID_ACROSS_MONTHS: 1, IDENTICAL_ASB_ROWS: 2}
    no_location = [n for n in notes if n.kind == NO_LOCATION]
    assert [(n.month.isoformat() if n.month else None, n.rows) for n in no_location] == [
        ("2020-12-01", 12),
        ("2021-03-01", 12),
    ]
    assert no_location[0].message == (
        "Leicestershire Police 2020-12: 12 rows with no location (No Location, blank LSOA): "
        "counted for the force, in no area"
    )
    identical = {
        n.month.isoformat(): n.rows for n in notes if n.kind == IDENTICAL_ASB_ROWS and n.month
    }
    assert identical == {"2020-12-01": 4, "2021-03-01": 2}
    (repeated,) = [n for n in notes if n.kind == REPEATED_CRIME_ID_ACROSS_MONTHS]
    assert repeated.rows == 2
    assert repeated.message.startswith(
        "Leicestershire Police: 1 Crime ID appears in more than one month (2 rows, e.g. "
        "c17e6a18e939… in 2020-12 and 2021-03)"
    )


def test_quality_notes_for_one_month(store_path: Path) -> None:
    with open_engine(store_path) as engine:
        notes = quality_notes(engine, first=date(2021, 3, 1), last=date(2021, 3, 1))
    assert {n.kind for n in notes} == {NO_LOCATION, IDENTICAL_ASB_ROWS}


def test_outside_force_area_note(with_areas: Path) -> None:
    outside = sum(1 for r in published_rows() if r["LSOA code"] == LEFT_OUT)
    located = sum(1 for r in published_rows() if r["LSOA code"])
    assert outside > 0
    with open_engine(with_areas) as engine:
        notes = [n for n in quality_notes(engine) if n.kind == OUTSIDE_FORCE_AREA]
    assert [(n.force, n.rows) for n in notes] == [(FORCE, outside)]
    assert notes[0].message == (
        f"Leicestershire Police: {outside} rows ({100 * outside / located:.1f} %) geocoded to "
        "small areas outside the force's areas: counted for the force, in none of its areas"
    )


def test_repeated_crime_id_within_a_month(tmp_path: Path) -> None:
    """A Crime ID on two rows of one month: found by hash, counted exactly by value."""
    dec = FILES[0]
    lines = dec.read_bytes().split(b"\r\n")
    first_id = lines[1].split(b",", 1)[0]
    lines[3] = first_id + b"," + lines[3].split(b",", 1)[1]
    path = tmp_path / dec.name
    path.write_bytes(b"\r\n".join(lines))
    with Store.open(tmp_path / "s.duckdb") as store:
        import_file(store, find_files([path]).files[0])
        engine = Engine.of_store(store)
        notes = quality_notes(engine, forces=[FORCE])
        assert quality_notes(engine, forces=["Other Police"]) == []
        assert quality_notes(engine, forces=[]) == []
        # without the hash (PostgreSQL hashes no rows), the same notes, counted by value
        assert quality_notes(_without_hashes(engine), forces=[FORCE]) == notes
    (within,) = [n for n in notes if n.kind == REPEATED_CRIME_ID]
    assert (within.month, within.rows) == (date(2020, 12, 1), 2)
    assert within.message == (
        "Leicestershire Police 2020-12: 1 Crime ID on more than one row (2 rows); "
        "all rows are counted"
    )


def _without_hashes(engine: Engine) -> Engine:
    """The same DuckDB store, read as an engine that cannot hash rows would read it."""
    attributes = dataclasses.replace(DUCKDB, hashes_rows=False)
    return Engine(engine.location, attributes, engine.backend, read_only=True)


def test_notes_without_hashes_are_the_same(with_areas: Path) -> None:
    with open_engine(with_areas) as engine:
        notes = quality_notes(engine)
        assert {n.kind for n in notes} == {
            NO_LOCATION, REPEATED_CRIME_ID_ACROSS_MONTHS, IDENTICAL_ASB_ROWS, OUTSIDE_FORCE_AREA
        }  # fmt: skip
        assert quality_notes(_without_hashes(engine)) == notes


def test_quality_notes_of_an_open_store(store_path: Path) -> None:
    """A DuckDB Store is read through an Engine of its own (for the board pack, until it
    passes an Engine)."""
    with Store.open(store_path) as store:
        assert quality_notes(store) == quality_notes(Engine.of_store(store))


@pytest.mark.postgres
def test_postgresql_counts_and_notes_are_duckdbs(with_areas: Path, postgres_server: Server) -> None:
    """The same counts and notes from a PostgreSQL copy, which hashes no rows."""
    url = postgres_server.create_database("leicestershire")
    with Store.open(with_areas, read_only=True) as store, open_engine(url, read_only=False) as pg:
        copy_store(store, pg)
    with open_engine(with_areas) as duck, open_engine(url) as pg:
        for by in [("month", "category"), ("lpu", "month"), ("neighbourhood",), ()]:
            assert crime_counts(pg, by) == crime_counts(duck, by), by
        area = ("lpu", "Blaby")
        assert crime_counts(pg, ("month",), area=area) == crime_counts(duck, ("month",), area=area)
        assert quality_notes(pg) == quality_notes(duck)
        assert quality_notes(pg, source="policeuk-street") == quality_notes(duck)
        assert quality_notes(pg, first=date(2021, 3, 1)) == quality_notes(
            duck, first=date(2021, 3, 1)
        )
