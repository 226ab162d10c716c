"""CLI commands: ``crimeplan import crimes|incidents|survey|reoffending|peers|population|areas``.

Every one takes ``--store`` (or ``$CRIMEPLAN_STORE``), stops on the first bad row unless
``--skip-bad`` is given, and prints one summary line (plus a line per note).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from crimeplan.cli import import_group, open_store, store_option
from crimeplan.data import sources
from crimeplan.data.store import ImportReport

_FILE = click.Path(dir_okay=True, path_type=Path)
_F = TypeVar("_F", bound=Callable[..., Any])


def _store(command: _F) -> _F:
    """``--store`` (or ``$CRIMEPLAN_STORE``)."""
    return cast(_F, store_option()(command))


def _bad_row_options(command: _F) -> _F:
    command = click.option(
        "--rejects",
        "rejects_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="With --skip-bad: where to write the bad rows. Default: FILE.rejects.csv.",
    )(command)
    return click.option(
        "--skip-bad",
        is_flag=True,
        help="Set bad rows aside in a rejects file and import the rest.",
    )(command)


def _echo(report: ImportReport) -> None:
    click.echo(report.summary())
    for note in report.notes:
        click.echo(f"  note: {note}")


@import_group.command("crimes")
@click.argument("file", type=_FILE)
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The column-mapping YAML file (see docs/data-formats.md).",
)
@click.option("--force", help="The force's name (overrides the mapping's force).")
@_store
@_bad_row_options
def import_crimes(
    file: Path,
    mapping_path: Path,
    force: str | None,
    store_path: Path,
    skip_bad: bool,
    rejects_path: Path | None,
) -> None:
    """Import a force's own crime extract (CSV or .xlsx) through a column mapping.

    A newer extract replaces the earlier records of the same force and months.

    Example:

    \b
        crimeplan import crimes crimes-2013-04.xlsx --mapping wmp-mapping.yaml --store force.duckdb
    """
    from crimeplan.data.extract import import_extract, load_mapping

    mapping = load_mapping(mapping_path)
    with open_store(store_path) as store:
        report = import_extract(
            store, file, mapping, force=force, skip_bad=skip_bad, rejects_path=rejects_path
        )
    _echo(report)


@import_group.command("incidents")
@click.argument("file", type=_FILE)
@click.option("--force", help="The force's name, for rows without a force column.")
@_store
@_bad_row_options
def import_incidents(
    file: Path, force: str | None, store_path: Path, skip_bad: bool, rejects_path: Path | None
) -> None:
    """Import incidents (calls for service); caller ids are pseudonymised on import.

    Example:

    \b
        crimeplan import incidents incidents-2013-04.csv --force "West Midlands Police"
    """
    with open_store(store_path) as store:
        report = sources.import_incidents(
            store, file, force=force, skip_bad=skip_bad, rejects_path=rejects_path
        )
    _echo(report)


@import_group.command("survey")
@click.argument("file", type=_FILE)
@click.option("--force", help="The force's name, for rows without a force column.")
@_store
@_bad_row_options
def import_survey(
    file: Path, force: str | None, store_path: Path, skip_bad: bool, rejects_path: Path | None
) -> None:
    """Import survey results (respondents and positive answers by wave and area).

    Example:

    \b
        crimeplan import survey feeling-the-difference-w33.csv --force "West Midlands Police"
    """
    with open_store(store_path) as store:
        report = sources.import_survey(
            store, file, force=force, skip_bad=skip_bad, rejects_path=rejects_path
        )
    _echo(report)


@import_group.command("reoffending")
@click.argument("file", type=_FILE)
@_store
@_bad_row_options
def import_reoffending(
    file: Path, store_path: Path, skip_bad: bool, rejects_path: Path | None
) -> None:
    """Import an MoJ proven-reoffending table, keeping its row order.

    Example:

    \b
        crimeplan import reoffending moj-reoffending-2013-02.csv --store force.duckdb
    """
    with open_store(store_path) as store:
        report = sources.import_reoffending(
            store, file, skip_bad=skip_bad, rejects_path=rejects_path
        )
    _echo(report)


@import_group.command("peers")
@click.argument("file", type=_FILE)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["generic", "ons-pfa"]),
    default="generic",
    show_default=True,
    help="generic: force,measure,month,value,denominator; "
    "ons-pfa: the ONS rolling-year recorded crime by PFA file (rec-crime-pfa.csv).",
)
@_store
@_bad_row_options
def import_peers(
    file: Path, file_format: str, store_path: Path, skip_bad: bool, rejects_path: Path | None
) -> None:
    """Import peer-force (Most Similar Group) figures.

    Example:

    \b
        crimeplan import peers rec-crime-pfa.csv --format ons-pfa --store force.duckdb
    """
    run = sources.import_peers_ons_pfa if file_format == "ons-pfa" else sources.import_peers
    with open_store(store_path) as store:
        report = run(store, file, skip_bad=skip_bad, rejects_path=rejects_path)
    _echo(report)


@import_group.command("population")
@click.argument("file", type=_FILE)
@_store
@_bad_row_options
def import_population(
    file: Path, store_path: Path, skip_bad: bool, rejects_path: Path | None
) -> None:
    """Import population by area and year (for rates per 1,000).

    Example:

    \b
        crimeplan import population populations-2012.csv --store force.duckdb
    """
    with open_store(store_path) as store:
        report = sources.import_population(
            store, file, skip_bad=skip_bad, rejects_path=rejects_path
        )
    _echo(report)


@import_group.command("areas")
@click.argument("file", type=_FILE)
@click.option("--force", help="The force the areas belong to (rows without a force column).")
@click.option(
    "--lpus",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A CSV local_authority,neighbourhood,lpu giving each area's local policing unit.",
)
@_store
@_bad_row_options
def import_areas(
    file: Path,
    force: str | None,
    lpus: Path | None,
    store_path: Path,
    skip_bad: bool,
    rejects_path: Path | None,
) -> None:
    """Import geography: small areas with their neighbourhood, LPU and local authority.

    Reads the generic areas layout or the ONS LSOA (2011) → ward → LAD lookup.

    Example:

    \b
        crimeplan import areas LSOA11_WD19_LAD19_EW_LU.csv --force "West Midlands Police"
    """
    with open_store(store_path) as store:
        report = sources.import_areas(
            store, file, force=force, lpus=lpus, skip_bad=skip_bad, rejects_path=rejects_path
        )
    _echo(report)
