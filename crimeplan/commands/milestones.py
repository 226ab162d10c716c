"""``crimeplan update`` (a lead's progress update, appended to the store) and ``crimeplan
milestones`` (every milestone's latest status and update, and what is due at a meeting)."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from crimeplan.cli import cli, plan_option, store_location_option
from crimeplan.codec import to_dict, to_json
from crimeplan.data.counts import latest_month
from crimeplan.data.engine import Engine, not_writable_error, scheme_of
from crimeplan.errors import CrimeplanError
from crimeplan.measures.commentary import check_text, contradicted
from crimeplan.measures.pack import checkable_results
from crimeplan.milestones.actions import action_target, check_action, record_action
from crimeplan.milestones.listing import milestone_listing
from crimeplan.milestones.updates import (
    check_not_future,
    find_milestone,
    open_engine_waiting,
    open_store_waiting,
    parse_date,
    parse_status,
    read_updates,
    record_update,
)
from crimeplan.periods import add_months
from crimeplan.plan import load_plan
from crimeplan.report.narrative import milestones as milestone_words
from crimeplan.report.narrative.commentary import check_line
from crimeplan.results.milestones import MilestoneListing

CADENCE_WORDS = {
    "monthly": "monthly",
    "quarterly": "quarterly",
    "six-monthly": "six-monthly",
    "annual": "annual",
}

CSV_COLUMNS = (
    "meeting",
    "objective_id",
    "milestone_id",
    "title",
    "leads",
    "cadence",
    "cadence_note",
    "latest_status",
    "latest_update_date",
    "latest_update_by",
    "latest_update_note",
    "due",
    "received",
    "overdue",
    "overdue_since",
    "last_due_meeting",
    "next_due_meeting",
    "state",
)


def _note_text(note: str | None, note_file: Path | None) -> str:
    if note is not None and note_file is not None:
        raise CrimeplanError("give the note either with --note or with --note-file, not both")
    if note_file is not None:
        try:
            return note_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CrimeplanError(f"--note-file {note_file} cannot be read: {error}") from None
    if note is None:
        raise CrimeplanError(
            "give the update's text with --note TEXT, --note - (read it from standard input) "
            "or --note-file FILE"
        )
    if note == "-":
        return sys.stdin.read()
    return note


@cli.command("update")
@click.argument("milestone_id", metavar="MILESTONE_ID")
@click.option("--status", required=True, help="The milestone's status now, e.g. 'on track'.")
@click.option("--note", default=None, help="What has happened. '-' reads it from standard input.")
@click.option(
    "--note-file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the note from this text file (for several paragraphs).",
)
@click.option("--by", "by", required=True, help="Who gives the update, e.g. 'ACC Forsyth'.")
@click.option("--date", "on", default=None, help="The update's date, YYYY-MM-DD. Default: today.")
@click.option(
    "--action",
    "action",
    default=None,
    help="An action on the milestone's target (for one off course), with --owner and --due.",
)
@click.option("--owner", default=None, help="Who owns the --action, e.g. 'ACC Rowe'.")
@click.option("--due", default=None, help="When the --action reports back, YYYY-MM-DD.")
@click.option(
    "--measure",
    "action_measure",
    default=None,
    help="The target's measure the --action is on, for a milestone with several targets.",
)
@plan_option()
@store_location_option(writes=True)
def update_command(
    milestone_id: str,
    status: str,
    note: str | None,
    note_file: Path | None,
    by: str,
    on: str | None,
    action: str | None,
    owner: str | None,
    due: str | None,
    action_measure: str | None,
    plan_path: Path,
    store_location: str,
) -> None:
    """Record a lead's progress update on a milestone. Updates are appended to the store and
    never overwritten: a correction is a newer update, and the latest one counts. The store
    is the DuckDB file that crimeplan import or crimeplan demo made.

    Statuses: not started, in progress, on track, at risk, off track, achieved, not achieved.

    Example:

    \b
        crimeplan update A1 --status "on track" --by "ACC Local Policing" --date 2021-09-01 \\
            --note "Total crime is down in four of the five months so far." \\
            --plan examples/policeuk-plan.yaml --store force.duckdb

    A longer note from a file, or from standard input with --note -:

    \b
        crimeplan update B2 --status "in progress" --by "ACC Local Policing" \\
            --note-file examples/b2-update.txt --plan examples/policeuk-plan.yaml \\
            --store force.duckdb

    With an action on the milestone's target (the board pack shows it beside a target off
    course, in place of the plan file's action):

    \b
        crimeplan update A2 --status "off track" --by "ACC Local Policing" --date 2021-09-01 \\
            --note "Burglary is above last year's level." \\
            --action "Autumn burglary patrol plan" --owner "ACC Local Policing" \\
            --due 2021-12-14 --plan examples/policeuk-plan.yaml --store force.duckdb
    """
    plan = load_plan(plan_path)
    milestone = find_milestone(plan, milestone_id)
    parsed_status = parse_status(status)
    today = date.today()
    day = parse_date(on) if on is not None else today
    check_not_future(day, today)
    text = _note_text(note, note_file)
    if not text.strip():
        raise CrimeplanError("the note is empty; say what has happened since the last update")
    action_on = None
    if action is not None or owner is not None or due is not None or action_measure:
        missing = [
            n for n, v in (("--action", action), ("--owner", owner), ("--due", due)) if v is None
        ]
        if missing:
            raise CrimeplanError(
                f"an action needs --action, --owner and --due; missing {', '.join(missing)}"
            )
        assert action is not None and owner is not None and due is not None
        action_on = action_target(milestone, action_measure)
        checked = check_action(plan, action, owner, parse_date(due, "--due"))
    if not scheme_of(store_location).attributes.takes_writes:
        raise not_writable_error(store_location)
    with open_store_waiting(store_location, create=False) as store:
        with store.transaction():  # the update and its action, or neither
            recorded = record_update(
                store, plan, milestone.id, status=parsed_status, note=text, by=by, on=day
            )
            if action_on is not None:
                record_action(store, plan, milestone, action_on, checked)
        with Engine.of_store(store) as engine:
            updates = read_updates(engine, plan.title)
            latest = latest_month(engine, plan.force)
            # the figures the lead could have seen: to the month before the update's date
            month = latest and min(latest, add_months(day.replace(day=1), -1))
            checks = (
                check_text(checkable_results(plan, engine, month), milestone.id, text, recorded)
                if month is not None
                else None
            )
    count = len([u for u in updates if u.milestone_id == milestone.id])
    first, *rest = recorded.note.splitlines()
    more = f" (+{len(rest)} more lines)" if rest else ""
    recorded_at = recorded.recorded_at.isoformat(" ", "seconds") if recorded.recorded_at else ""
    click.echo(
        f"Recorded update {recorded.update_id} on {milestone.id} ({milestone.title}):\n"
        f"  status:   {recorded.status}\n"
        f"  date:     {recorded.date.isoformat()}\n"
        f"  by:       {recorded.by}\n"
        f"  note:     {first}{more}\n"
        f"  recorded: {recorded_at} UTC in {store_location}; "
        f"{milestone.id} has {count} update{'s' if count != 1 else ''} in the store"
    )
    if action_on is not None:
        click.echo(
            f"  action:   on {action_on}: {checked.text} (owner {checked.owner}, "
            f"reports back {checked.due.isoformat()})"
        )
    if not checks:  # no figures in the store, or no claim in the note they can test
        return
    found = contradicted(checks)
    as_at = f"the figures to {month:%B %Y}" if month else "the figures"
    click.echo(
        f"Checked against {as_at}: {len(checks)} claim{'s' if len(checks) != 1 else ''} read, "
        f"{len(found)} contradicted."
    )
    for c in found:
        click.echo(check_line(store_location, c))


def render_json(listing: MilestoneListing) -> str:
    return to_json(listing)


def render_csv(listing: MilestoneListing) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in to_dict(listing)["milestones"]:
        update = line["latest_update"] or {}
        flat = {
            **line,
            "meeting": listing.meeting.isoformat(),
            "leads": "; ".join(line["leads"]),
            "latest_update_date": update.get("date"),
            "latest_update_by": update.get("by"),
            "latest_update_note": update.get("note"),
        }
        writer.writerow(["" if flat[c] is None else flat[c] for c in CSV_COLUMNS])
    return out.getvalue()


def _excerpt(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def render_table(listing: MilestoneListing, console: Console) -> None:
    table = Table(
        title=f"{listing.plan_title}: milestones at the {listing.board} of "
        f"{listing.meeting.isoformat()}",
        title_justify="left",
    )
    for heading in ("Milestone", "Leads", "Cadence", "Status", "Latest update", "At meeting"):
        table.add_column(heading)
    for line in listing.milestones:
        update = line.latest_update
        latest = "none"
        if update:
            latest = update.date.isoformat() + (f" {update.by}" if update.by else "")
            if update.note:
                latest += f"\n{_excerpt(update.note)}"
        cadence = CADENCE_WORDS[line.cadence] if line.cadence else "none"
        if line.cadence_note:
            cadence += f" ({line.cadence_note})"
        flag = milestone_words.flag(line)
        flag = flag.upper() if line.overdue else flag
        table.add_row(
            f"{line.milestone_id} {line.title}",
            "; ".join(line.leads) or "none",
            cadence,
            line.latest_status,
            latest,
            flag,
        )
    console.print(table)
    for note in listing.notes:
        console.print(f"Note: {milestone_words.listing_note(note)}")
    console.print(milestone_words.summary(listing))


@cli.command("milestones")
@plan_option()
@store_location_option()
@click.option(
    "--due-at",
    "due_at",
    default=None,
    help="A board meeting date, YYYY-MM-DD (a date between meetings means the next meeting). "
    "Default: the next meeting on or after today.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
def milestones_command(plan_path: Path, store_location: str, due_at: str | None, fmt: str) -> None:
    """List every milestone with its leads, cadence, latest status and update, and whether an
    update is due at a board meeting or overdue.

    An update is due at the first meeting of each reporting period of its cadence (monthly:
    each month; quarterly: Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar; six-monthly: Apr-Sep, Oct-Mar;
    annual: the financial year) and counts if dated after the previous due meeting and on or
    before the meeting. See docs/milestones.md.

    Example:

    \b
        crimeplan milestones --plan examples/policeuk-plan.yaml --store force.duckdb \\
            --due-at 2021-09-14

    As JSON, for the next meeting on or after today:

    \b
        crimeplan milestones --plan examples/policeuk-plan.yaml --store force.duckdb \\
            --format json
    """
    plan = load_plan(plan_path)
    requested = parse_date(due_at, "--due-at") if due_at is not None else None
    with open_engine_waiting(store_location) as engine:
        updates = read_updates(engine, plan.title)
    listing = milestone_listing(plan, updates, today=date.today(), due_at=requested)
    if fmt == "json":
        sys.stdout.write(render_json(listing))
    elif fmt == "csv":
        sys.stdout.write(render_csv(listing))
    else:
        render_table(listing, Console(width=None if sys.stdout.isatty() else 160))
