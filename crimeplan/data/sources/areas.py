"""Geography: ``crimeplan import areas FILE [--force NAME] [--lpus LPUS.csv]``.

Small areas with their name, neighbourhood, local policing unit and local authority, from
the generic areas layout or the ONS LSOA (2011) → ward (2019) → LAD (2019) lookup (told apart
by the header). ``--lpus`` gives each area's LPU from a local authority (and neighbourhood)
list. A newer file replaces the earlier rows for the same small areas.
"""

from __future__ import annotations

from pathlib import Path

from crimeplan.data.ingest import RowCheck, drop_staged, inspect_text_file, settle_bad_rows
from crimeplan.data.sources.flow import (
    Layout,
    TableLoad,
    Target,
    already_imported,
    inspect_layout,
    load_staged,
    stage_file,
)
from crimeplan.data.sources.importer import Importer, Option, Request, single_file
from crimeplan.data.sources.sql import col, force_value, lit, required, text
from crimeplan.data.store import ImportReport, Store, file_sha256
from crimeplan.errors import InputFileError

AREAS = Layout(
    "areas",
    ("small_area", "small_area_name", "neighbourhood", "lpu", "local_authority", "force"),
    optional=("small_area_name", "neighbourhood", "lpu", "local_authority", "force"),
    what="areas CSV",
)
ONS_LSOA = Layout(
    "areas (ONS LSOA11_WD19_LAD19 lookup)",
    ("FID", "LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM"),
    optional=("FID", "WD19CD", "LAD19CD"),
    what="ONS LSOA (2011) to ward (2019) to LAD (2019) lookup CSV",
)
LPUS = Layout(
    "areas --lpus",
    ("local_authority", "neighbourhood", "lpu"),
    optional=("neighbourhood",),
    what="LPU lookup CSV",
)
TARGET = Target(source="areas", table="areas", keys=("small_area",), month_column=None)

#: The ONS lookup's column for each column of the areas layout it has.
ONS_COLUMNS = {
    "small_area": "LSOA11CD",
    "small_area_name": "LSOA11NM",
    "neighbourhood": "WD19NM",
    "local_authority": "LAD19NM",
}


def import_areas(
    store: Store,
    path: Path,
    *,
    force: str | None = None,
    lpus: Path | None = None,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Geography: the generic areas layout, or the ONS LSOA11 → ward → LAD lookup.

    ``lpus`` (a CSV local_authority,neighbourhood,lpu) fills the LPU of rows without one: the
    row for the area's local authority and neighbourhood, else the local authority's row with
    a blank neighbourhood. A newer file replaces earlier rows for the same small areas.
    """
    what = f"{AREAS.what} (or the {ONS_LSOA.what})"
    found = inspect_text_file(path, what=what)
    ons = "LSOA11CD" in found
    layout = ONS_LSOA if ons else AREAS
    try:
        found = inspect_layout(path, layout)
    except InputFileError as error:
        if ons:
            raise
        raise InputFileError(f"{error} (or the ONS lookup's {ONS_LSOA.header})") from error
    sha256 = file_sha256(path)
    done = already_imported(store, TARGET.source, path, sha256)
    if done:
        return done
    names = ONS_COLUMNS if ons else {c: c for c in AREAS.columns}
    lpu_table = stage_lpus(store, lpus) if lpus else None
    staged = stage_file(
        store, path, found, what=layout.what, optional=layout.optional, sha256=sha256
    )
    try:
        area = text(names["small_area"])
        small = col(names["small_area"])
        lpu = text("lpu") if not ons else "NULL"
        if lpu_table:
            la, nb = text(names["local_authority"]), text(names["neighbourhood"])
            lpu = (
                f"coalesce({lpu}, (SELECT l.lpu FROM {lpu_table} l WHERE l.la = {la} "
                f"AND l.nb = {nb}), (SELECT l.lpu FROM {lpu_table} l WHERE l.la = {la} "
                "AND l.nb IS NULL))"
            )
        force_expr = force_value(force) if not ons else (lit(force) if force else "NULL")
        load = TableLoad(
            target=TARGET,
            values={
                "small_area": area,
                "small_area_name": text(names["small_area_name"]),
                "neighbourhood": text(names["neighbourhood"]),
                "lpu": lpu,
                "local_authority": text(names["local_authority"]),
                "force": force_expr,
            },
            checks=[
                required(names["small_area"], "small area code"),
                RowCheck(
                    names["small_area"],
                    f"{area} IS NOT NULL AND source_line > (SELECT min(s.source_line) FROM "
                    f"{staged.table} s WHERE nullif(trim(s.{small}), '') = "
                    f"nullif(trim({staged.table}.{small}), ''))",
                    "small area listed twice (an earlier line has it)",
                ),
            ],
            force=force,
            note="ONS LSOA11_WD19_LAD19 lookup" if ons else None,
        )
        return load_staged(store, staged, load, skip_bad=skip_bad, rejects_path=rejects_path)
    finally:
        if lpu_table:
            drop_staged(store, lpu_table)


def stage_lpus(store: Store, path: Path) -> str:
    """Stage an LPU lookup as a TEMP table (la, nb, lpu); returns its name."""
    found = inspect_layout(path, LPUS)
    staged = stage_file(store, path, found, what=LPUS.what, optional=LPUS.optional)
    settle_bad_rows(
        store,
        staged.table,
        [required("local_authority", "local authority"), required("lpu", "LPU")],
        path=path,
        rejects_table=staged.rejects,
    )
    table = f"{staged.table}_lpus"
    store.con.execute(
        f"CREATE TEMP TABLE {table} AS SELECT DISTINCT {text('local_authority')} AS la, "
        f"{text('neighbourhood')} AS nb, {text('lpu')} AS lpu FROM {staged.table}"
    )
    drop_staged(store, staged.table, staged.rejects, f"{staged.table}_problems")
    return table


def _load(store: Store, request: Request) -> ImportReport:
    return import_areas(
        store,
        request.path,
        force=request.text("force"),
        lpus=request.file("lpus"),
        skip_bad=request.skip_bad,
        rejects_path=request.rejects,
    )


IMPORTER = Importer(
    name="areas",
    help="""Import geography: small areas with their neighbourhood, LPU and local authority.

    Reads the generic areas layout or the ONS LSOA (2011) → ward → LAD lookup.

    Example:

    \b
        crimeplan import areas examples/LSOA11_WD19_LAD19_Rutland.csv \\
            --force "Leicestershire Police" --store force.duckdb
    """,
    layouts=(AREAS, ONS_LSOA, LPUS),
    targets=(TARGET,),
    options=(
        Option("--force", "force", "The force the areas belong to (rows without a force column)."),
        Option(
            "--lpus",
            "lpus",
            "A CSV local_authority,neighbourhood,lpu giving each area's local policing unit.",
            file=True,
        ),
    ),
    run=single_file(_load),
)
