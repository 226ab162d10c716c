"""Leads' progress updates in the store: checked, appended, never overwritten.

Every ``crimeplan update`` adds one row to ``milestone_updates`` in one transaction. Nothing
here updates or deletes a row: a correction is a newer update, and the latest (by date, then
by the order recorded) is the one that counts. Two identical submissions are two rows.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NoReturn, TypeVar, cast

import duckdb

from crimeplan.data.engine import Engine, open_engine, reading
from crimeplan.data.store import Store
from crimeplan.errors import CrimeplanError, StoreError
from crimeplan.milestones.schedule import STATUSES
from crimeplan.plan.model import Milestone, Plan, Status
from crimeplan.results.milestones import MilestoneUpdate

T = TypeVar("T")


def _quoted(values: list[str]) -> str:
    quoted = [f"'{v}'" for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _closest_ids(plan: Plan, text: str) -> list[str]:
    """Ids like ``text``: the same id in another case; else the milestones of the objective
    it names (``G7`` → G1…G6); else up to three close spellings, in plan order."""
    ids = [m.id for m in plan.milestones]
    same = [i for i in ids if i.lower() == text.lower()]
    if same:
        return same
    letters = text.rstrip("0123456789").lower()
    for objective in plan.objectives:
        if letters and objective.id.lower() == letters and objective.milestones:
            return [m.id for m in objective.milestones]
    scores = {i: difflib.SequenceMatcher(None, text.lower(), i.lower()).ratio() for i in ids}
    close = sorted((i for i in ids if scores[i] >= 0.6), key=lambda i: -scores[i])[:3]
    return sorted(close, key=ids.index)


def find_milestone(plan: Plan, milestone_id: str) -> Milestone:
    """The plan's milestone with this id, or a one-line error suggesting the closest ids."""
    by_id = {m.id: m for m in plan.milestones}
    text = milestone_id.strip()
    if text in by_id:
        return by_id[text]
    message = f"milestone '{milestone_id}' is not in the plan '{plan.title}'"
    close = _closest_ids(plan, text)
    if close:
        _fail(f"{message} (did you mean {_quoted(close)}?)")
    _fail(f"{message}. Known milestones: {', '.join(by_id)}")


def parse_status(text: str) -> Status:
    """A status in any case, with ``-`` or ``_`` for spaces (``on-track``, ``On_Track``)."""
    normal = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    if normal in STATUSES:
        return cast(Status, normal)
    message = f"status '{text}' is not a milestone status; expected one of: {', '.join(STATUSES)}"
    close = difflib.get_close_matches(normal, list(STATUSES), n=1, cutoff=0.6)
    if close:
        message += f" (did you mean '{close[0]}'?)"
    _fail(message)


def parse_date(text: str, what: str = "--date") -> date:
    """``YYYY-MM-DD`` and nothing else (not ``20130611``, not ``11/06/2013``)."""
    try:
        if len(text.strip()) != 10:
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        _fail(f"{what} '{text}' is not a date; expected YYYY-MM-DD, e.g. 2013-06-11")


def check_not_future(day: date, today: date, what: str = "--date") -> None:
    if day > today:
        raise CrimeplanError(
            f"{what} {day.isoformat()} is in the future (today is {today.isoformat()}); "
            "an update records progress already made, so date it today or earlier"
        )


def _fail(message: str) -> NoReturn:
    raise CrimeplanError(message)


def _retry(action: Callable[[], T], *, seconds: float = 10.0) -> T:
    """Run ``action``, retrying for a while if another writer holds the store or the row."""
    deadline = time.monotonic() + seconds
    delay = 0.05
    while True:
        try:
            return action()
        except (StoreError, duckdb.TransactionException) as error:
            locked = "Could not set lock" in str(error)  # DuckDB: another process has the file
            busy = locked or isinstance(error, duckdb.TransactionException)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def open_store_waiting(path: str, *, create: bool = True, seconds: float = 10.0) -> Store:
    """Open (by default creating) a store, waiting while another process has it open."""
    return _retry(lambda: Store.open(path, create=create), seconds=seconds)


def open_engine_waiting(location: str | Path, *, seconds: float = 10.0) -> Engine:
    """Open a store read-only (a DuckDB file or a PostgreSQL URL), waiting while another
    process is writing to the DuckDB file."""
    return _retry(lambda: open_engine(location), seconds=seconds)


def record_update(
    store: Store,
    plan: Plan,
    milestone_id: str,
    *,
    status: str,
    note: str,
    by: str,
    on: date,
    now: datetime | None = None,
) -> MilestoneUpdate:
    """Check an update against the plan and append it to the store, in one transaction.

    ``status`` may be written loosely (see :func:`parse_status`). ``now`` is when it was
    recorded (UTC; default: now). Returns the row as stored.
    """
    milestone = find_milestone(plan, milestone_id)
    parsed = parse_status(status)
    text = note.strip()
    if not text:
        raise CrimeplanError("the note is empty; say what has happened since the last update")
    who = " ".join(by.split())
    if not who:
        raise CrimeplanError("--by is empty; give the name of who gives the update")
    recorded = (now or datetime.now(UTC)).replace(tzinfo=None)

    def insert() -> int:
        with store.transaction():
            row = store.con.execute(
                "INSERT INTO milestone_updates (update_id, plan_title, milestone_id, status, "
                "note, updated_by, update_date, recorded_at) "
                "SELECT coalesce(max(update_id), 0) + 1, ?, ?, ?, ?, ?, ?, ? "
                "FROM milestone_updates RETURNING update_id",
                [plan.title, milestone.id, parsed, text, who, on, recorded],
            ).fetchall()
        return int(row[0][0])

    update_id = _retry(insert)
    return MilestoneUpdate(
        milestone_id=milestone.id,
        date=on,
        by=who,
        status=parsed,
        note=text,
        source="store",
        update_id=update_id,
        recorded_at=recorded,
    )


def read_updates(engine: Engine | Store, plan_title: str) -> list[MilestoneUpdate]:
    """Every update the store holds for a plan, oldest first (by date, then as recorded).

    ``engine`` may be an open DuckDB ``Store`` (wrapped in an ``Engine``), for callers that
    do not pass an ``Engine`` yet.
    """
    columns = ("update_id", "milestone_id", "status", "note", "updated_by", "update_date")
    with reading(engine) as reader:
        table = reader.table("milestone_updates")
        rows = (
            table.filter(table.plan_title == plan_title)
            .order_by("update_date", "update_id")
            .select(*columns, "recorded_at")
            .to_pyarrow()
            .to_pylist()
        )
    return [
        MilestoneUpdate(
            milestone_id=row["milestone_id"],
            date=row["update_date"],
            by=row["updated_by"],
            status=cast(Status, row["status"]) if row["status"] in STATUSES else None,
            note=row["note"],
            source="store",
            update_id=row["update_id"],
            recorded_at=row["recorded_at"],
        )
        for row in rows
    ]
