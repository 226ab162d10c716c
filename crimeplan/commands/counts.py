"""CLI commands: ``crimeplan counts``."""

from __future__ import annotations

import csv
import io
import json

import click
from rich.console import Console
from rich.table import Table

from crimeplan.cli import cli, store_location_option
from crimeplan.data.counts import (
    AREA_LEVELS,
    BY_NAMES,
    CountTable,
    crime_counts,
    parse_by,
    why_nothing_counted,
)
from crimeplan.data.engine import open_engine
from crimeplan.data.synthetic import holds_synthetic_data
from crimeplan.errors import CrimeplanError
from crimeplan.periods import parse_month
from crimeplan.plan.model import AreaRef


@cli.command("counts")
@store_location_option()
@click.option(
    "--by",
    "by_text",
    default="month,category",
    show_default=True,
    help=f"What to count by, comma-separated: any of {', '.join(BY_NAMES)}.",
)
@click.option("--area", "area_text", help="Only crimes in one area, LEVEL:NAME, e.g. lpu:Coventry.")
@click.option("--force", help="Only crimes of one force, e.g. 'Leicestershire Police'.")
@click.option("--from", "first_text", help="First month, YYYY-MM.")
@click.option("--to", "last_text", help="Last month, YYYY-MM.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
def counts(
    store_location: str,
    by_text: str,
    area_text: str | None,
    force: str | None,
    first_text: str | None,
    last_text: str | None,
    output_format: str,
) -> None:
    """Count crime rows by month, category, force or area, as published (nothing is
    de-duplicated). Area levels (lpu, local_authority, neighbourhood) need the areas table.

    Example:

    \b
        crimeplan counts --store force.duckdb --by month,category --from 2021-04 --format csv

    The same counts from a PostgreSQL copy of the store:

    \b
        crimeplan counts --store postgresql://analyst@db.example/crimeplan --by month
    """
    by = parse_by(by_text)
    ref = AreaRef.parse(area_text, AREA_LEVELS) if area_text else None
    area = (ref.level, ref.name) if ref else None
    first = parse_month(first_text, "--from") if first_text else None
    last = parse_month(last_text, "--to") if last_text else None
    with open_engine(store_location) as engine:
        table = crime_counts(engine, by, area=area, force=force, first=first, last=last)
        synthetic = holds_synthetic_data(engine, force=force)
        if table.total == 0:  # say why, instead of an empty table (nothing on stdout)
            why = why_nothing_counted(engine, area=area, force=force, first=first, last=last)
            raise CrimeplanError(why)
    click.echo(render(table, output_format), nl=False)
    if synthetic:  # on stderr, so that CSV and JSON stay clean
        click.echo("Note: this store holds SYNTHETIC demo data, not police statistics.", err=True)


def render(table: CountTable, output_format: str) -> str:
    """The counts as CSV, JSON or a Rich table (text)."""
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(["" if v is None else v for v in row] for row in table.rows)
        return buffer.getvalue()
    if output_format == "json":
        return json.dumps(table.records(), indent=2, ensure_ascii=False) + "\n"
    grid = Table(*table.columns)
    grid.columns[-1].justify = "right"
    for row in table.rows:
        grid.add_row(*("(none)" if v is None else str(v) for v in row[:-1]), f"{row[-1]:,}")
    if table.by and len(table.rows) > 1:
        grid.add_section()
        grid.add_row("Total", *([""] * (len(table.by) - 1)), f"{table.total:,}")
    buffer = io.StringIO()
    Console(file=buffer, width=120, force_terminal=False, color_system=None).print(grid)
    return buffer.getvalue()
