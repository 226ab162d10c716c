"""Population by area and year, for rates per 1,000: ``crimeplan import population FILE``.

A newer file replaces the earlier figures for the same area and year.
"""

from __future__ import annotations

from pathlib import Path

from crimeplan.data.ingest import RowCheck
from crimeplan.data.sources.flow import Layout, TableLoad, Target, import_layout
from crimeplan.data.sources.importer import Importer, Request, single_file
from crimeplan.data.sources.sql import col, count, count_check, level_check, required, text
from crimeplan.data.store import ImportReport, Store

POPULATION = Layout(
    "population",
    ("area_level", "area", "year", "population"),
    what="population CSV",
)
TARGET = Target(
    source="population",
    table="populations",
    keys=("area_level", "area", "year"),
    month_column=None,
)


def import_population(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """Population by area and year; supersedes earlier figures for the same area and year."""
    load = TableLoad(
        target=TARGET,
        values={
            "area_level": text("area_level"),
            "area": text("area"),
            "year": f"CAST(trim({col('year')}) AS INTEGER)",
            "population": count("population"),
        },
        checks=[
            required("area_level", "area level"),
            level_check("area_level"),
            required("area", "area"),
            RowCheck(
                "year",
                "NOT coalesce(regexp_full_match(trim(year), '(19|20)[0-9]{2}'), false)",
                "not a year; expected YYYY, e.g. 2012",
            ),
            count_check("population"),
        ],
    )
    return import_layout(
        store, path, POPULATION, load, skip_bad=skip_bad, rejects_path=rejects_path
    )


def _load(store: Store, request: Request) -> ImportReport:
    return import_population(
        store, request.path, skip_bad=request.skip_bad, rejects_path=request.rejects
    )


IMPORTER = Importer(
    name="population",
    help="""Import population by area and year (for rates per 1,000).

    Example:

    \b
        crimeplan import population examples/population.csv --store force.duckdb
    """,
    layouts=(POPULATION,),
    targets=(TARGET,),
    run=single_file(_load),
)
