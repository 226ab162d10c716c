"""The registry is the one place importers are listed: every registered importer has its
``crimeplan import NAME`` command, and a new source, defined here in the test file only,
gets a working command, help and the shared guarantees without touching any other file."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import click
import duckdb
import pytest
from click.testing import CliRunner

import crimeplan.data.sources
from crimeplan.cli import cli
from crimeplan.data.sources.flow import Layout, TableLoad, Target, import_layout
from crimeplan.data.sources.importer import Importer, Option, Request, single_file
from crimeplan.data.sources.registry import IMPORTERS, register
from crimeplan.data.sources.sql import count, count_check, lit, required, text
from crimeplan.data.store import ImportReport, Store

# -- a new source, in this file only -----------------------------------------------------------

CENSUS_LAYOUT = Layout("census", ("ward", "residents"), what="census residents CSV")
CENSUS_TARGET = Target(
    source="census", table="populations", keys=("area_level", "area", "year"), month_column=None
)


def _census(store: Store, request: Request) -> ImportReport:
    year = request.text("year") or ""
    load = TableLoad(
        target=CENSUS_TARGET,
        values={
            "area_level": lit("neighbourhood"),
            "area": text("ward"),
            "year": f"CAST({lit(year)} AS INTEGER)",
            "population": count("residents"),
        },
        checks=[required("ward", "ward"), count_check("residents")],
    )
    return import_layout(
        store,
        request.path,
        CENSUS_LAYOUT,
        load,
        skip_bad=request.skip_bad,
        rejects_path=request.rejects,
    )


CENSUS = Importer(
    name="census",
    help="""Import census residents by ward.

    Example:

    \b
        crimeplan import census wards-2011.csv --year 2011 --store force.duckdb
    """,
    layouts=(CENSUS_LAYOUT,),
    targets=(CENSUS_TARGET,),
    options=(Option("--year", "year", "The census year.", required=True),),
    run=single_file(_census),
)


@pytest.fixture
def census() -> Iterator[Importer]:
    register(CENSUS)
    try:
        yield CENSUS
    finally:
        del IMPORTERS[CENSUS.name]


def run(*args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(cli, ["import", *args], prog_name="crimeplan")
    assert (result.exit_code == 0) == ok, result.output
    return result.output


# -- the registry ------------------------------------------------------------------------------


def test_every_importer_has_its_command_with_an_example() -> None:
    group = cli.get_command(click.Context(cli), "import")
    assert isinstance(group, click.Group)
    assert group.list_commands(click.Context(group)) == sorted(IMPORTERS)
    for name in IMPORTERS:
        help_text = run(name, "--help")
        assert help_text.startswith(f"Usage: crimeplan import {name} [OPTIONS] ")
        example = help_text.split("Example:")[-1].split("Options:")[0]
        assert f"crimeplan import {name} " in example, name


def test_every_source_module_is_registered() -> None:
    package = crimeplan.data.sources
    found = set()
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        importer = getattr(module, "IMPORTER", None)
        if importer is not None:
            found.add(importer.name)
            assert IMPORTERS.get(importer.name) is importer, info.name
    assert found == set(IMPORTERS)


def test_every_target_is_a_store_table_with_its_key(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        for importer in IMPORTERS.values():
            for target in importer.targets:
                rows = store.con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                    [target.table],
                ).fetchall()
                columns = {name for (name,) in rows}
                assert columns, (importer.name, target.table)
                wanted = {*target.keys, *([target.month_column] if target.month_column else [])}
                assert wanted <= columns, (importer.name, target.table)


def test_an_importer_needs_an_example_and_a_name_of_its_own() -> None:
    with pytest.raises(ValueError, match="must end with an Example: block"):
        Importer(name="x", help="Import x.", targets=(), run=CENSUS.run)
    with pytest.raises(ValueError, match="option name 'skip_bad' is taken"):
        Importer(
            name="census",
            help=CENSUS.help,
            targets=(),
            run=CENSUS.run,
            options=(Option("--skip", "skip_bad", "Clashes."),),
        )
    with pytest.raises(ValueError, match="an importer named 'peers' is already registered"):
        register(IMPORTERS["peers"])


# -- a new source gets a command ---------------------------------------------------------------


def test_a_registered_source_gets_a_command(census: Importer, tmp_path: Path) -> None:
    listing = run("--help")
    assert "  census       Import census residents by ward." in listing
    assert run("census", "--help") == (
        "Usage: crimeplan import census [OPTIONS] FILE\n"
        "\n"
        "  Import census residents by ward.\n"
        "\n"
        "  Example:\n"
        "\n"
        "      crimeplan import census wards-2011.csv --year 2011 --store force.duckdb\n"
        "\n"
        "Options:\n"
        "  --year TEXT      The census year.  [required]\n"
        "  --store FILE     The store (a DuckDB file). Default: $CRIMEPLAN_STORE.\n"
        "                   [required]\n"
        "  --skip-bad       Set bad rows aside in a rejects file and import the rest.\n"
        "  --rejects FILE   With --skip-bad: where to write the bad rows. Default:\n"
        "                   FILE.rejects.csv.\n"
        "  --replace        Import a file already imported (same content) again, in place\n"
        "                   of that import: its rows are deleted and the import log says\n"
        "                   which import replaced it. For a corrected mapping or --force.\n"
        "  --encoding NAME  The CSV files' text encoding: utf-8 (a BOM is allowed),\n"
        "                   latin-1 (ISO-8859-1), cp1252 (Windows) or utf-16 (with a\n"
        "                   BOM).  [default: utf-8]\n"
        "  -h, --help       Show this message and exit.\n"
    )
    wards = tmp_path / "wards.csv"
    wards.write_text('ward,residents\nAston,"31,388"\nLozells,24000\n', encoding="utf-8")
    store = str(tmp_path / "s.duckdb")
    out = run("census", str(wards), "--year", "2011", "--store", store)
    assert out == f"{wards}: 2 rows imported\n"
    assert run("census", str(wards), "--year", "2011", "--store", store) == (
        f"{wards}: already imported (same sha256), nothing added"
        "; --replace imports it again in its place\n"
    )
    con = duckdb.connect(store, read_only=True)
    try:
        rows = con.execute(
            "SELECT area_level, area, year, population FROM populations ORDER BY area"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("neighbourhood", "Aston", 2011, 31388),
        ("neighbourhood", "Lozells", 2011, 24000),
    ]


def test_a_registered_source_has_the_shared_guarantees(census: Importer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("ward,residents\nAston,31388\nLozells,many\n", encoding="utf-8")
    store = str(tmp_path / "s.duckdb")
    assert run("census", str(bad), "--year", "2011", "--store", store, ok=False) == (
        f"Error: {bad}:3: column 'residents': not a whole number of 0 or more, found 'many' "
        "(fix the row, or re-run with --skip-bad to set bad rows aside)\n"
    )
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("ward,people\nAston,1\n", encoding="utf-8")
    assert run("census", str(wrong), "--year", "2011", "--store", store, ok=False) == (
        f"Error: {wrong}:1: the header is not a census residents CSV header (missing "
        "'residents'; unexpected 'people'); expected: ward,residents\n"
    )
    assert run("census", str(bad), "--year", "2011", "--store", store, "--skip-bad") == (
        f"{bad}: 1 row imported, 1 bad row set aside in {bad}.rejects.csv\n"
    )
