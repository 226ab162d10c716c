"""``crimeplan backtest``: how well calibrated the year-end forecasts have been."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from crimeplan.cli import cli, plan_option, store_location_option
from crimeplan.data.counts import latest_month
from crimeplan.data.engine import display_location, open_engine
from crimeplan.errors import CrimeplanError
from crimeplan.measures.compute import evaluate
from crimeplan.periods import format_month, parse_month
from crimeplan.plan import load_plan
from crimeplan.stats.backtest import BacktestReport, Coverage, backtest


def render_json(report: BacktestReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _mape(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} %"


def _table(title: str, first: str, rows: dict[str, Coverage]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(first)
    for heading in ("Forecasts", "In 80 % interval", "In 95 % interval", "MAPE"):
        table.add_column(heading, justify="right")
    for name, cov in rows.items():
        table.add_row(
            name, str(cov.forecasts), _pct(cov.coverage_80), _pct(cov.coverage_95), _mape(cov.mape)
        )
    return table


def render_table(report: BacktestReport, as_at: str, console: Console) -> None:
    console.print(
        _table(
            f"Year-end forecast backtest (data to {as_at})",
            "Measure",
            {**report.by_measure, "All measures": report.overall},
        )
    )
    console.print(_table("By month as at", "As at", report.by_month))
    console.print(_table("By year", "Year", report.by_year))
    console.print(
        "Each complete past year replayed at every month as at, April to February, using only "
        "the months up to it; March (the year complete) is left out. Nominal: 80 % and 95 %."
    )
    for reason, n in report.skipped.items():
        console.print(f"Not forecast ({n}): {SKIPPED.get(reason, reason)}")


#: Why a year-month was not forecast (``Forecast.reason``'s code), in words.
SKIPPED = {
    "no_seasonal_profile": "no seasonal profile",
    "short_history": "too short a history",
    "no_forecast": "no forecast",
}


@cli.command("backtest")
@store_location_option()
@plan_option()
@click.option(
    "--as-at",
    "as_at",
    default=None,
    help="Last month to use, YYYY-MM. Default: the "
    "store's latest month with crimes of the plan's force.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
def backtest_command(store_location: str, plan_path: Path, as_at: str | None, fmt: str) -> None:
    """Replay the year-end forecast of every count measure of a plan over every complete
    past year in the store, at every month as at from April to February, and report how
    often the 80 % and 95 % prediction intervals held the outcome, and the mean absolute
    percentage error (MAPE) of the year end. The forecasts see only the months before
    each as-at month.

    Example:

    \b
        crimeplan backtest --store crimeplan-demo/demo.duckdb \\
            --plan crimeplan-demo/plan.yaml --format json
    """
    plan = load_plan(plan_path)
    with open_engine(store_location) as engine:
        if as_at is None:
            month = latest_month(engine, plan.force)
            if month is None:
                raise CrimeplanError(
                    f"the store {display_location(store_location)} holds no crimes for force "
                    f"'{plan.force}'"
                )
        else:
            month = parse_month(as_at, "--as-at")
        result = evaluate(plan, engine, month)
    series = {
        m.id: [
            (parse_month(p.month), None if p.value is None else float(p.value)) for p in m.series
        ]
        for m in result.measures
        if m.kind == "count"
    }
    report = backtest(series)
    if fmt == "json":
        sys.stdout.write(render_json(report))
    else:
        render_table(
            report, format_month(month), Console(width=None if sys.stdout.isatty() else 120)
        )
