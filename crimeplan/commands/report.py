"""``crimeplan report``: the board pack, from the store and the plan, or from a results file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from crimeplan.cli import cli, plan_option, store_location_option
from crimeplan.codec import from_dict
from crimeplan.data.engine import open_engine
from crimeplan.errors import CrimeplanError
from crimeplan.measures.pack import evaluate_pack
from crimeplan.periods import parse_month
from crimeplan.plan import load_plan
from crimeplan.report.build import FORMATS, WrittenPack, parse_formats, write_pack
from crimeplan.results.pack import PackResults


def parse_day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CrimeplanError(
            f"{what} '{text}' is not a date; expected YYYY-MM-DD, e.g. 2013-05-14"
        ) from None


def read_results(path: Path) -> PackResults:
    """A ``results.json`` written by ``crimeplan report``, read back into ``PackResults``;
    a one-line error for a file that is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CrimeplanError(f"--from-results {path}: cannot be read ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CrimeplanError(
            f"--from-results {path}: not a JSON file ({error}); expected the results.json "
            "that crimeplan report writes"
        ) from None
    if not isinstance(data, dict) or "paper" not in data:
        raise CrimeplanError(
            f"--from-results {path}: not a board pack's results (no 'paper' key); expected the "
            "results.json that crimeplan report writes, not crimeplan measures' JSON"
        )
    return from_dict(PackResults, data, source=str(path))


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
@store_location_option(required=False)
@plan_option(required=False)
@click.option("--as-at", "as_at", default=None, help="Last month of data, YYYY-MM.")
@click.option(
    "--board-date",
    default=None,
    help="The board meeting, YYYY-MM-DD. Default: the plan's first meeting after the as-at month.",
)
@click.option(
    "--from-results",
    "from_results",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Draw the pack from a results.json that crimeplan report wrote, instead of from the "
    "store and the plan (no --store, --plan or --as-at).",
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
    store_location: str | None,
    plan_path: Path | None,
    as_at: str | None,
    board_date: str | None,
    from_results: Path | None,
    formats: str,
    out: Path,
) -> None:
    """Write the board pack: every number computed from the store, every chart drawn, every
    milestone with its lead, cadence and latest update, as HTML, DOCX and PDF, with
    results.json and data/ (a CSV of the numbers behind every table and chart).

    The store is only read: a DuckDB file (a read-only copy will do) or a PostgreSQL copy.
    With --from-results, the pack is drawn again from a results.json alone.

    Example:

    \b
        crimeplan report --store demo.duckdb --plan plan.yaml --as-at 2013-04 --out pack

    The same pack, drawn again from its results.json:

    \b
        crimeplan report --from-results pack/results.json --out pack-again
    """
    wanted = parse_formats(formats)
    if from_results is not None:
        source = click.get_current_context().get_parameter_source("store_location")
        if source is click.core.ParameterSource.ENVIRONMENT:
            store_location = None  # $CRIMEPLAN_STORE set for other commands: not asked for
        given = [
            name
            for name, value in (
                ("--store", store_location),
                ("--plan", plan_path),
                ("--as-at", as_at),
                ("--board-date", board_date),
            )
            if value is not None
        ]
        if given:
            raise CrimeplanError(
                f"--from-results draws the pack from the results file alone; leave out "
                f"{', '.join(given)}"
            )
        results = read_results(from_results)
    else:
        missing = [
            name
            for name, value in (
                ("--store", store_location),
                ("--plan", plan_path),
                ("--as-at", as_at),
            )
            if value is None
        ]
        if missing:
            raise CrimeplanError(
                f"missing {', '.join(missing)}: give --store, --plan and --as-at, or "
                "--from-results results.json"
            )
        assert store_location is not None and plan_path is not None and as_at is not None
        plan = load_plan(plan_path)
        month = parse_month(as_at, "--as-at")
        day = parse_day(board_date, "--board-date")
        with open_engine(store_location) as engine:
            results = evaluate_pack(plan, engine, month, day)
    try:
        written = write_pack(results, out, wanted)
    except OSError as error:  # a folder that cannot be made or written: one line, no trace
        where = error.filename or out
        raise CrimeplanError(
            f"--out {out}: cannot write the pack there ({where}: {error.strerror}); "
            "choose a folder you can write to"
        ) from None
    click.echo(f"Wrote to {out}/:")
    for line in describe(written, out):
        click.echo(line)
    if "html" in written.files:
        click.echo(f"Open the board pack: {written.html.resolve().as_uri()}")
