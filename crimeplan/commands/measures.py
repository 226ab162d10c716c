"""``crimeplan measures``: every measure of a plan as at a month."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from crimeplan.cli import as_at_option, cli, plan_option, store_location_option
from crimeplan.codec import to_json
from crimeplan.data.engine import open_engine
from crimeplan.measures.analysis import analyse
from crimeplan.periods import parse_month
from crimeplan.plan import load_plan
from crimeplan.plan.model import AreaRef
from crimeplan.report import numbers
from crimeplan.report.narrative.notes import data_note
from crimeplan.report.narrative.position import status_word
from crimeplan.report.narrative.suggestions import rebase_suggestion
from crimeplan.results.measure import MeasuresResult

CSV_COLUMNS = (
    "id",
    "title",
    "kind",
    "unit",
    "month",
    "month_value",
    "ytd",
    "baseline_ytd",
    "change",
    "change_pct",
    "target_pct",
    "on_course",
)


def render_json(result: MeasuresResult) -> str:
    return to_json(result)


def render_csv(result: MeasuresResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in result.measures:
        row = [getattr(m, column) for column in CSV_COLUMNS]
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()


def render_table(result: MeasuresResult, console: Console) -> None:
    title = f"{result.plan.title}: measures as at {result.as_at} ({result.area})"
    if result.synthetic_data:
        title += " [SYNTHETIC DEMO DATA]"
    table = Table(title=title, title_justify="left")
    headings = (
        "Measure",
        "Month",
        "Year to date",
        "Baseline",
        "Change (95% CI)",
        "Signal?",
        "SPC",
        "Target",
        "Status",
        "Year end (80% PI)",
        "P(target)",
    )
    for heading in headings:
        table.add_column(heading, justify="left" if heading == "Measure" else "right")
    for m in result.measures:
        table.add_row(
            m.title,
            numbers.value(m.month_value, m.unit),
            numbers.value(m.ytd, m.unit),
            numbers.value(m.baseline_ytd, m.unit),
            numbers.change_with_interval(m),
            numbers.signal(m),
            numbers.variation(m),
            numbers.target(
                m.target.kind if m.target else None, m.target.value if m.target else None, m.unit
            ),
            status_word(m.status),
            numbers.forecast(m),
            numbers.chance(m),
        )
    console.print(table)
    ytd, baseline = result.period.year_to_date, result.period.baseline
    console.print(f"Year to date {ytd[0]} to {ytd[1]} against {baseline[0]} to {baseline[1]}.")
    for note in result.data_notes:
        console.print(f"Note: {data_note(note)}")
    for m in result.measures:
        suggestion = rebase_suggestion(m)
        if suggestion:
            console.print(f"Suggested rebase: {suggestion}", markup=False, highlight=False)


@cli.command("measures")
@store_location_option()
@plan_option()
@as_at_option()
@click.option(
    "--area",
    default=None,
    help="LEVEL:NAME, e.g. lpu:Coventry, or area_set:NAME for one of the plan's area sets. "
    "Default: the force.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
def measures_command(
    store_location: str, plan_path: Path, as_at: str, area: str | None, fmt: str
) -> None:
    """Print every measure of a plan as at a month: the month's value, year to date against
    the same months of the baseline year, % change, target and whether it is on course, and
    (in JSON) the monthly series.

    Example:

    \b
        crimeplan measures --store force.duckdb --plan examples/policeuk-plan.yaml \\
            --as-at 2021-08 --format json

    The same measures from a PostgreSQL copy of the store:

    \b
        crimeplan measures --store postgresql://analyst@db.example/crimeplan \\
            --plan examples/policeuk-plan.yaml --as-at 2021-08
    """
    plan = load_plan(plan_path)
    month = parse_month(as_at, "--as-at")
    with open_engine(store_location) as engine:
        result = analyse(plan, engine, month, area=AreaRef.parse(area) if area else None)
    if fmt == "json":
        sys.stdout.write(render_json(result))
    elif fmt == "csv":
        sys.stdout.write(render_csv(result))
    else:
        render_table(result, Console(width=None if sys.stdout.isatty() else 200))
