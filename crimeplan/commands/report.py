"""``crimeplan report``: the board pack, from the store and the plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from crimeplan.cli import as_at_option, cli, open_store, plan_option, store_option
from crimeplan.errors import CrimeplanError
from crimeplan.periods import parse_month
from crimeplan.plan import load_plan
from crimeplan.report.build import FORMATS, WrittenPack, parse_formats, write_pack
from crimeplan.report.gather import gather


def parse_day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CrimeplanError(
            f"{what} '{text}' is not a date; expected YYYY-MM-DD, e.g. 2013-05-14"
        ) from None


def describe(written: WrittenPack, out: Path) -> list[str]:
    names = {
        "html": "the board pack (HTML)",
        "docx": "the board pack (Word)",
        "pdf": "the board pack (PDF)",
        "json": "every number of the pack",
    }
    lines = [f"  {path.name:<20} {names[key]}" for key, path in written.files.items()]
    lines.append(
        f"  {'data/':<20} {len(written.data_files)} CSV files: the numbers behind "
        "every table and chart"
    )
    return lines


@cli.command("report")
@store_option()
@plan_option()
@as_at_option()
@click.option(
    "--board-date",
    default=None,
    help="The board meeting, YYYY-MM-DD. Default: the plan's first meeting after the as-at month.",
)
@click.option(
    "--format",
    "formats",
    default=",".join(FORMATS),
    show_default=True,
    help="Comma-separated formats to write.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the pack into.",
)
def report_command(
    store_path: Path, plan_path: Path, as_at: str, board_date: str | None, formats: str, out: Path
) -> None:
    """Write the board pack: every number computed from the store, every chart drawn, every
    milestone with its lead, cadence and latest update, as HTML, DOCX and PDF, with
    results.json and data/ (a CSV of the numbers behind every table and chart).

    Example:

    \b
        crimeplan report --store demo.duckdb --plan plan.yaml --as-at 2013-04 --out pack
    """
    plan = load_plan(plan_path)
    month = parse_month(as_at, "--as-at")
    day = parse_day(board_date, "--board-date")
    wanted = parse_formats(formats)
    with open_store(store_path, create=False) as store:
        results = gather(plan, store, month, day)
    written = write_pack(plan, results, out, wanted, day)
    click.echo(f"Wrote to {out}/:")
    for line in describe(written, out):
        click.echo(line)
    if "html" in written.files:
        click.echo(f"Open the board pack: {written.html.resolve().as_uri()}")
