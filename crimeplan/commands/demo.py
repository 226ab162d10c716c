"""``crimeplan demo``: the built-in plan on synthetic demo data, end to end."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import click

from crimeplan.cli import cli, open_store
from crimeplan.commands.measures import render_json
from crimeplan.commands.report import describe
from crimeplan.data.engine import Engine
from crimeplan.demo.generate import generate_demo
from crimeplan.measures.pack import evaluate_pack
from crimeplan.plan import builtin_plan_path, load_plan
from crimeplan.report.build import write_pack
from crimeplan.report.files import write_text_atomic

#: The seed's position: "as at 1st May 2013", i.e. data to the end of April 2013.
DEMO_AS_AT = date(2013, 4, 1)


@cli.command("demo")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("crimeplan-demo"),
    show_default=True,
    help="Folder to write the demo store, plan, measures and board pack into.",
)
def demo_command(out: Path) -> None:
    """Generate the synthetic demo data, evaluate the built-in 2013/14 West Midlands plan as
    at April 2013 and write the store, the plan, the measures and the board pack (HTML,
    DOCX, PDF, results.json and data/).

    Running it again is safe: the store keeps its data and the files are rewritten.

    Example:

    \b
        crimeplan demo --out ./crimeplan-demo
    """
    out.mkdir(parents=True, exist_ok=True)
    plan_file = out / "plan.yaml"
    shutil.copyfile(builtin_plan_path(), plan_file)
    plan = load_plan(plan_file)
    store_path = out / "demo.duckdb"
    click.echo(f"Generating synthetic demo data into {store_path} …", err=True)
    with open_store(store_path) as store:
        report = generate_demo(store)
        with Engine.of_store(store) as engine:
            results = evaluate_pack(plan, engine, DEMO_AS_AT)
    measures_file = out / "measures.json"
    write_text_atomic(measures_file, render_json(results.as_measures()))
    written = write_pack(results, out)
    html = written.html
    click.echo(
        f"Wrote to {out}/ (SYNTHETIC demo data: illustrative figures, not police statistics):"
    )
    click.echo(f"  {store_path.name:<20} the store ({report.summary()})")
    click.echo(f"  {plan_file.name:<20} the built-in 2013/14 West Midlands plan")
    click.echo(f"  {measures_file.name:<20} {len(results.measures)} measures as at {results.as_at}")
    for line in describe(written, out):
        click.echo(line)
    click.echo(f"Open the board pack: {html.resolve().as_uri()}")
    click.echo(f"Try: crimeplan measures --store {store_path} --plan {plan_file} --as-at 2013-04")
