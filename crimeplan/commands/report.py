"""``crimeplan report``: the board pack, from the store and the plan, or from a results file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from crimeplan.cli import cli, plan_option, store_location_option
from crimeplan.codec import from_dict
from crimeplan.data.engine import DUCKDB, open_engine, scheme_of
from crimeplan.data.packs import keep_pack
from crimeplan.data.store import Store
from crimeplan.errors import CrimeplanError
from crimeplan.measures.commentary import contradicted
from crimeplan.measures.pack import evaluate_pack, since_previous
from crimeplan.periods import parse_month
from crimeplan.plan import load_plan
from crimeplan.report.build import FORMATS, WrittenPack, parse_formats, results_json, write_pack
from crimeplan.report.narrative.commentary import check_line
from crimeplan.report.narrative.position import missing_actions
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


ANNEXES = ("checks",)


def parse_annexes(text: str) -> tuple[str, ...]:
    """``--annex``: comma-separated names of the analyst's annexes."""
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in ANNEXES]
    if unknown:
        raise CrimeplanError(
            f"--annex {', '.join(unknown)}: no such annex; expected one of {', '.join(ANNEXES)}"
        )
    return names


def read_results(path: Path, option: str = "--from-results") -> PackResults:
    """A ``results.json`` written by ``crimeplan report``, read back into ``PackResults``;
    a one-line error for a file that is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CrimeplanError(f"{option} {path}: cannot be read ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CrimeplanError(
            f"{option} {path}: not a JSON file ({error}); expected the results.json "
            "that crimeplan report writes"
        ) from None
    if not isinstance(data, dict) or "paper" not in data:
        raise CrimeplanError(
            f"{option} {path}: not a board pack's results (no 'paper' key); expected the "
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


def keep(location: str, results: PackResults) -> None:
    """Keep the pack's results in a DuckDB store, for the next pack's "since the last
    meeting"; a warning (not an error) when the store cannot be written."""
    if scheme_of(location).attributes is not DUCKDB:
        return
    try:
        with Store.open(location, create=False) as store:
            keep_pack(
                store,
                results.plan.title,
                parse_month(results.as_at),
                results.board_date,
                results_json(results),
            )
    except Exception as error:  # a read-only copy, a store another process holds
        click.echo(
            f"Warning: this pack's results were not kept in {location} ({error}); the next "
            "pack shows the change since this meeting only with --previous "
            "results.json",
            err=True,
        )


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
    "--previous",
    "previous_path",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The previous meeting's results.json, to show how each target moved since then "
    "(default: the latest pack the store keeps for the plan before the as-at month).",
)
@click.option(
    "--full",
    is_flag=True,
    default=False,
    help="Give every measure its chart and commentary in the body, not only the exceptions "
    "(off course, at risk, special-cause concern), with no appendix.",
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
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the pack into (needed unless --check is given). The files are "
    "written beside it first; a previous pack there is replaced whole, and stays whole if the "
    "run is interrupted.",
)
@click.option(
    "--check",
    is_flag=True,
    default=False,
    help="Print every claim of a lead's update that the figures contradict (file, milestone, "
    "claim, finding) and exit with status 1 if there is any, 0 if none.",
)
@click.option(
    "--annex",
    "annex",
    default="",
    help="Comma-separated analyst's annexes to add to the pack: 'checks' (each claim of the "
    "leads' updates and what the figures say).",
)
def report_command(
    store_location: str | None,
    plan_path: Path | None,
    as_at: str | None,
    board_date: str | None,
    from_results: Path | None,
    previous_path: Path | None,
    full: bool,
    formats: str,
    out: Path | None,
    check: bool,
    annex: str,
) -> None:
    """Write the board pack: every number computed from the store, every chart drawn, every
    milestone with its lead, cadence and latest update, as HTML, DOCX and PDF, with
    results.json and data/ (a CSV of the numbers behind every table and chart).

    The store is read: a DuckDB file (a read-only copy will do) or a PostgreSQL copy. The
    pack's results are then kept in a DuckDB store that can be written, so that the next
    pack shows how each target moved since this meeting (or give --previous results.json).
    The body gives full commentary only to the exceptions (targets off course or at risk,
    special-cause concern); the other measures get one line, their charts an appendix
    (--full: every measure in full). A target off course without an action (plan file:
    action: {text, owner, due}) is warned about. With --from-results, the pack is drawn
    again from a results.json alone.

    Example:

    \b
        crimeplan report --store force.duckdb --plan examples/policeuk-plan.yaml \\
            --as-at 2021-08 --out pack

    The same pack, drawn again from its results.json:

    \b
        crimeplan report --from-results pack/results.json --out pack-again

    The claims of the leads' updates that the figures contradict (exit status 1 if any):

    \b
        crimeplan report --store crimeplan-demo/demo.duckdb --plan crimeplan-demo/plan.yaml \\
            --as-at 2013-04 --check
    """
    wanted = parse_formats(formats)
    annexes = parse_annexes(annex)
    if out is None and not check:
        raise CrimeplanError("missing --out: give the folder to write the pack into, or --check")
    previous = read_results(previous_path, "--previous") if previous_path else None
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
        if previous is not None:
            results = since_previous(results, previous, "file")
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
            results = evaluate_pack(plan, engine, month, day, previous)
    if out is not None:
        for line in missing_actions(results):
            click.echo(f"Warning: {line}", err=True)
        try:
            written = write_pack(results, out, wanted, annexes, full=full)
        except OSError as error:  # a folder that cannot be made or written: one line, no trace
            where = error.filename or out
            raise CrimeplanError(
                f"--out {out}: cannot write the pack there ({where}: {error.strerror}); "
                "choose a folder you can write to"
            ) from None
        if from_results is None:
            assert store_location is not None
            keep(store_location, results)
        click.echo(f"Wrote to {out}/:")
        for line in describe(written, out):
            click.echo(line)
        if "html" in written.files:
            click.echo(f"Open the board pack: {written.html.resolve().as_uri()}")
    if check:
        found = contradicted(results.commentary_checks)
        for c in found:
            if from_results is not None:
                where = str(from_results)
            else:
                where = str(store_location if c.source == "store" else plan_path)
            click.echo(check_line(where, c))
        n = len(found)
        click.echo(
            f"{n} claim{'s' if n != 1 else ''} of the leads' updates contradicted by the figures "
            f"({len(results.commentary_checks)} checked)."
        )
        if found:
            raise SystemExit(1)
