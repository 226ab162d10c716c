"""Milestone updates: the reporting calendar (due, overdue) as pure functions over dates, and
the store's append-only history of leads' updates.

The calendar tests run across the built-in plan's year of board meetings, 2013-05-14 to
2014-03-11 (second Tuesday of the month, none in August).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

import pytest

from crimeplan.codec import to_dict
from crimeplan.data.store import Store
from crimeplan.errors import CrimeplanError
from crimeplan.milestones import (
    MilestoneUpdate,
    due_meetings,
    find_milestone,
    meeting_on_or_after,
    milestone_listing,
    parse_status,
    read_updates,
    record_update,
    reporting_period,
    status_at,
)
from crimeplan.plan import Plan, builtin_plan_path, load_plan
from crimeplan.plan.model import Milestone
from crimeplan.report.narrative.milestones import flag, listing_note, summary

D = date.fromisoformat


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(builtin_plan_path())


@pytest.fixture(scope="module")
def meetings(plan: Plan) -> list[date]:
    return list(plan.board.meetings)


def test_the_calendar_is_the_built_in_year(meetings: list[date]) -> None:
    assert [m.isoformat() for m in meetings] == [
        "2013-05-14",
        "2013-06-11",
        "2013-07-09",
        "2013-09-10",
        "2013-10-08",
        "2013-11-12",
        "2013-12-10",
        "2014-01-14",
        "2014-02-11",
        "2014-03-11",
    ]


# -- which meetings an update is due at ---------------------------------------------------

DUE = {
    "monthly": [
        "2013-05-14",
        "2013-06-11",
        "2013-07-09",
        "2013-09-10",
        "2013-10-08",
        "2013-11-12",
        "2013-12-10",
        "2014-01-14",
        "2014-02-11",
        "2014-03-11",
    ],
    # Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar
    "quarterly": ["2013-05-14", "2013-07-09", "2013-10-08", "2014-01-14"],
    # Apr-Sep, Oct-Mar
    "six-monthly": ["2013-05-14", "2013-10-08"],
    "annual": ["2013-05-14"],
    None: [],
}


@pytest.mark.parametrize("cadence", list(DUE), ids=str)
def test_due_meetings_across_the_year(cadence: str | None, meetings: list[date]) -> None:
    assert [d.isoformat() for d in due_meetings(cadence, meetings)] == DUE[cadence]  # type: ignore[arg-type]


def test_due_meetings_sorts_and_dedupes_the_calendar() -> None:
    calendar = [D("2013-10-08"), D("2013-05-14"), D("2013-05-14"), D("2013-06-11")]
    assert due_meetings("six-monthly", calendar) == [D("2013-05-14"), D("2013-10-08")]


def test_a_period_without_a_meeting_has_no_due_meeting() -> None:
    """No meeting in Jul-Sep: the next quarter's first meeting is the next due one."""
    calendar = [D("2013-05-14"), D("2013-06-11"), D("2013-10-08"), D("2013-11-12")]
    assert due_meetings("quarterly", calendar) == [D("2013-05-14"), D("2013-10-08")]


def test_monthly_with_two_meetings_in_a_month_is_due_at_the_first() -> None:
    calendar = [D("2013-05-14"), D("2013-05-28"), D("2013-06-11")]
    assert due_meetings("monthly", calendar) == [D("2013-05-14"), D("2013-06-11")]


@pytest.mark.parametrize(
    ("cadence", "day", "period"),
    [
        ("quarterly", "2013-04-01", (2013, 0)),
        ("quarterly", "2013-06-30", (2013, 0)),
        ("quarterly", "2013-07-01", (2013, 1)),
        ("quarterly", "2013-12-31", (2013, 2)),
        ("quarterly", "2014-01-01", (2013, 3)),
        ("quarterly", "2014-03-31", (2013, 3)),
        ("six-monthly", "2013-09-30", (2013, 0)),
        ("six-monthly", "2013-10-01", (2013, 1)),
        ("six-monthly", "2014-03-31", (2013, 1)),
        ("annual", "2014-03-31", (2013, 0)),
        ("annual", "2014-04-01", (2014, 0)),
        ("monthly", "2014-02-11", (2013, 10)),
    ],
)
def test_reporting_periods_follow_the_financial_year(
    cadence: str, day: str, period: tuple[int, int]
) -> None:
    assert reporting_period(cadence, D(day)) == period  # type: ignore[arg-type]


# -- due, received, overdue at each meeting of the year -----------------------------------


def milestone(cadence: str | None, status: str = "in progress") -> Milestone:
    """A milestone with the plan file's own update of 1 May 2013, as the seed's have."""
    return Milestone.model_validate(
        {
            "id": "X1",
            "title": "Test milestone",
            "leads": ["ACC Test"],
            "cadence": cadence,
            "status": status,
            "updates": [{"date": "2013-05-01", "by": "ACC Test", "text": "First report."}],
        }
    )


def store_updates(*days: str, milestone_id: str = "X1") -> list[MilestoneUpdate]:
    return [
        MilestoneUpdate(
            milestone_id=milestone_id,
            date=D(day),
            by="ACC Test",
            status="on track",
            note=f"update of {day}",
            source="store",
            update_id=i,
        )
        for i, day in enumerate(days, start=1)
    ]


def year(
    m: Milestone, updates: list[MilestoneUpdate], meetings: list[date]
) -> list[tuple[str, str, str | None]]:
    out: list[tuple[str, str, str | None]] = []
    for meeting in meetings:
        s = status_at(m, updates, meeting, meetings)
        since = s.overdue_since.isoformat() if s.overdue_since else None
        out.append((meeting.isoformat(), s.state, since))
    return out


# (meeting, state, overdue since). Evaluated at each meeting (as the board sits).
YEARS = {
    "monthly": (
        # 07-09 is on the meeting day: it counts. Nothing for 09-10; 09-11 is the day after
        # the meeting: too late for it, and it counts for 10-08 instead.
        ["2013-06-10", "2013-07-09", "2013-09-11", "2014-01-14", "2014-03-01"],
        [
            ("2013-05-14", "received", None),
            ("2013-06-11", "received", None),
            ("2013-07-09", "received", None),
            ("2013-09-10", "overdue", "2013-09-10"),
            ("2013-10-08", "received", None),
            ("2013-11-12", "overdue", "2013-11-12"),
            ("2013-12-10", "overdue", "2013-11-12"),
            ("2014-01-14", "received", None),
            ("2014-02-11", "overdue", "2014-02-11"),
            ("2014-03-11", "received", None),
        ],
    ),
    "quarterly": (
        # Q2 on time; Q3 missed at 10-08, caught up late on 11-20; Q4 on time.
        ["2013-07-01", "2013-11-20", "2014-01-10"],
        [
            ("2013-05-14", "received", None),
            ("2013-06-11", "not due", None),
            ("2013-07-09", "received", None),
            ("2013-09-10", "not due", None),
            ("2013-10-08", "overdue", "2013-10-08"),
            ("2013-11-12", "overdue", "2013-10-08"),
            ("2013-12-10", "not due", None),
            ("2014-01-14", "received", None),
            ("2014-02-11", "not due", None),
            ("2014-03-11", "not due", None),
        ],
    ),
    "six-monthly": (
        ["2013-12-01"],
        [
            ("2013-05-14", "received", None),
            ("2013-06-11", "not due", None),
            ("2013-07-09", "not due", None),
            ("2013-09-10", "not due", None),
            ("2013-10-08", "overdue", "2013-10-08"),
            ("2013-11-12", "overdue", "2013-10-08"),
            ("2013-12-10", "not due", None),
            ("2014-01-14", "not due", None),
            ("2014-02-11", "not due", None),
            ("2014-03-11", "not due", None),
        ],
    ),
    "annual": (
        [],
        [("2013-05-14", "received", None)] + [(m, "not due", None) for m in DUE["monthly"][1:]],
    ),
    None: (
        [],
        [(m, "no cadence set", None) for m in DUE["monthly"]],
    ),
}


@pytest.mark.parametrize("cadence", list(YEARS), ids=str)
def test_a_year_of_board_meetings(cadence: str | None, meetings: list[date]) -> None:
    days, expected = YEARS[cadence]
    assert year(milestone(cadence), store_updates(*days), meetings) == expected


@pytest.mark.parametrize("cadence", list(DUE), ids=str)
def test_an_achieved_milestone_is_never_due(cadence: str | None, meetings: list[date]) -> None:
    m = milestone(cadence, status="achieved")
    for meeting in meetings:
        s = status_at(m, [], meeting, meetings)
        assert (s.state, s.due, s.overdue, s.next_due_meeting) == ("achieved", False, False, None)


def test_achieved_by_an_update_stops_the_calendar(meetings: list[date]) -> None:
    m = milestone("quarterly")
    done = [
        MilestoneUpdate(
            milestone_id="X1",
            date=D("2013-06-20"),
            by="ACC Test",
            status="achieved",
            note="Done.",
            source="store",
            update_id=1,
        )
    ]
    assert status_at(m, done, D("2013-06-11"), meetings).latest_status == "in progress"
    later = status_at(m, done, D("2013-10-08"), meetings)
    assert (later.latest_status, later.state, later.overdue) == ("achieved", "achieved", False)


def test_due_fields_at_one_meeting(meetings: list[date]) -> None:
    s = status_at(milestone("quarterly"), store_updates("2013-07-01"), D("2013-09-10"), meetings)
    assert to_dict(s) == {
        "milestone_id": "X1",
        "cadence": "quarterly",
        "meeting": "2013-09-10",
        "as_of": "2013-09-10",
        "latest_status": "on track",
        "latest_update": {
            "milestone_id": "X1",
            "date": "2013-07-01",
            "by": "ACC Test",
            "status": "on track",
            "note": "update of 2013-07-01",
            "source": "store",
            "update_id": 1,
            "recorded_at": None,
        },
        "due": False,
        "overdue": False,
        "overdue_since": None,
        "received": True,
        "last_due_meeting": "2013-07-09",
        "next_due_meeting": "2013-10-08",
        "state": "not due",
    }
    assert flag(s) == "not due until 8 October 2013"


def test_a_missed_quarter_is_overdue_at_the_next_meeting(meetings: list[date]) -> None:
    m = milestone("quarterly")
    at_due = status_at(m, [], D("2013-07-09"), meetings)
    assert (at_due.due, at_due.overdue, at_due.overdue_since) == (True, True, D("2013-07-09"))
    next_meeting = status_at(m, [], D("2013-09-10"), meetings)
    assert (next_meeting.due, next_meeting.overdue) == (False, True)
    assert flag(next_meeting) == "overdue since 9 July 2013"
    # still owed at the next quarter's meeting, since the same meeting
    assert status_at(m, [], D("2013-10-08"), meetings).overdue_since == D("2013-07-09")


def test_an_update_dated_after_the_meeting_does_not_count_for_it(meetings: list[date]) -> None:
    m = milestone("quarterly")
    late = store_updates("2013-07-10")
    at = status_at(m, late, D("2013-07-09"), meetings)
    assert (at.overdue, at.latest_update is not None and at.latest_update.source) == (
        True,
        "plan",
    )
    after = status_at(m, late, D("2013-09-10"), meetings)
    assert (after.overdue, after.received) == (False, True)


def test_an_update_on_the_previous_due_meeting_day_counts_for_that_one_only(
    meetings: list[date],
) -> None:
    s = status_at(milestone("quarterly"), store_updates("2013-07-09"), D("2013-10-08"), meetings)
    assert (s.state, s.overdue_since) == ("overdue", D("2013-10-08"))


def test_before_the_meeting_a_missing_update_is_awaited_not_overdue(
    meetings: list[date],
) -> None:
    m = milestone("quarterly")  # the plan's update of 1 May counted for 14 May, not 9 July
    early = status_at(m, [], D("2013-07-09"), meetings, as_of=D("2013-07-01"))
    assert (early.due, early.state, early.overdue, flag(early)) == (
        True,
        "awaited",
        False,
        "due at this meeting and not yet received",
    )
    assert status_at(m, [], D("2013-07-09"), meetings, as_of=D("2013-07-09")).state == "overdue"
    in_time = status_at(
        m, store_updates("2013-05-20"), D("2013-07-09"), meetings, as_of=D("2013-07-01")
    )
    assert in_time.state == "received"
    # an earlier miss is overdue before the meeting too
    missed = status_at(milestone("monthly"), [], D("2013-07-09"), meetings, as_of=D("2013-07-01"))
    assert (missed.state, missed.overdue_since) == ("overdue", D("2013-06-11"))


def test_updates_after_as_of_are_not_known_yet(meetings: list[date]) -> None:
    m = milestone("quarterly")
    s = status_at(m, store_updates("2013-07-05"), D("2013-07-09"), meetings, as_of=D("2013-07-01"))
    assert s.state == "awaited"
    assert s.latest_update is not None and s.latest_update.date == D("2013-05-01")


def test_before_the_first_due_meeting_nothing_is_due() -> None:
    m = milestone("quarterly")
    calendar = [D("2013-05-14"), D("2013-06-11")]
    s = status_at(m, [], D("2013-05-14"), calendar)
    assert s.state == "received"  # the plan file's update of 1 May
    empty = Milestone.model_validate({"id": "X1", "title": "T", "cadence": "quarterly"})
    assert status_at(empty, [], D("2013-05-14"), calendar).state == "overdue"


def test_the_latest_update_wins_and_the_store_wins_a_tie(meetings: list[date]) -> None:
    m = milestone("monthly")
    same_day = [
        MilestoneUpdate(
            milestone_id="X1",
            date=D("2013-05-01"),
            by="A",
            status="at risk",
            note="first",
            source="store",
            update_id=7,
        ),
        MilestoneUpdate(
            milestone_id="X1",
            date=D("2013-05-01"),
            by="B",
            status="off track",
            note="second",
            source="store",
            update_id=8,
        ),
    ]
    s = status_at(m, same_day, D("2013-05-14"), meetings)
    assert s.latest_update == same_day[1]
    assert s.latest_status == "off track"
    # the plan file's update of the same day loses to both
    s = status_at(m, same_day[:1], D("2013-05-14"), meetings)
    assert s.latest_update is not None and s.latest_update.note == "first"


def test_status_comes_from_the_latest_update_that_gives_one(meetings: list[date]) -> None:
    m = milestone("monthly", status="at risk")
    s = status_at(m, [], D("2013-05-14"), meetings)  # the plan's update has no status
    assert s.latest_status == "at risk"


def test_other_milestones_updates_are_ignored(meetings: list[date]) -> None:
    s = status_at(
        milestone("monthly"),
        store_updates("2013-06-01", milestone_id="Y9"),
        D("2013-06-11"),
        meetings,
    )
    assert s.state == "overdue"


def test_meeting_on_or_after(meetings: list[date]) -> None:
    assert meeting_on_or_after(meetings, D("2013-07-09")) == D("2013-07-09")
    assert meeting_on_or_after(meetings, D("2013-07-10")) == D("2013-09-10")
    assert meeting_on_or_after(meetings, D("2000-01-01")) == D("2013-05-14")
    with pytest.raises(CrimeplanError) as error:
        meeting_on_or_after(meetings, D("2014-03-12"))
    assert str(error.value) == (
        "no board meeting on or after 2014-03-12 in the plan's calendar (2013-05-14 to "
        "2014-03-11); give --due-at a date in that range, or add the meetings to board: "
        "meetings: in the plan file"
    )
    with pytest.raises(CrimeplanError) as error:
        meeting_on_or_after([], D("2014-03-12"))
    assert str(error.value) == (
        "the plan's board calendar is empty; list the meeting dates under board: meetings: "
        "in the plan file"
    )


# -- the listing of a whole plan ----------------------------------------------------------


def test_listing_of_the_built_in_plan_at_the_first_meeting(plan: Plan) -> None:
    """The seed paper of 14 May 2013 is the first meeting's update for every milestone."""
    listing = milestone_listing(plan, [], today=D("2013-05-14"))
    assert listing.meeting == D("2013-05-14")
    assert len(listing.milestones) == 34
    states = {line.milestone_id: line.state for line in listing.milestones}
    assert states["B1"] == "achieved"
    assert states["E1"] == states["H4"] == "no cadence set"
    assert not listing.overdue
    assert {s for k, s in states.items() if k not in ("B1", "E1", "H4")} == {"received"}
    notes = tuple(listing_note(note) for note in listing.notes)
    assert notes == ("The next board meeting on or after today (14 May 2013).",)


def test_reported_with_milestones_share_updates(plan: Plan) -> None:
    """F2-F4 are reported with F1: an update of F1 is their update too."""
    f1 = store_updates("2013-06-05", milestone_id="F1")
    listing = milestone_listing(plan, f1, today=D("2013-06-11"), due_at=D("2013-06-11"))
    lines = {line.milestone_id: line for line in listing.milestones}
    assert {lines[i].state for i in ("F1", "F2", "F3", "F4")} == {"received"}
    assert lines["F1"].latest_status == "on track"
    assert lines["F2"].latest_status == "in progress"  # its own status is its own
    assert lines["H1"].state == "overdue"


def test_listing_notes_a_date_between_meetings_and_unknown_milestones(plan: Plan) -> None:
    updates = store_updates("2013-06-01", milestone_id="Z9")
    listing = milestone_listing(plan, updates, today=D("2020-01-01"), due_at=D("2013-07-01"))
    assert listing.meeting == D("2013-07-09")
    assert listing.unknown_milestones == ("Z9",)
    assert tuple(listing_note(note) for note in listing.notes) == (
        "1 July 2013 is not a board meeting date; showing the next meeting, 9 July 2013.",
        "There is 1 recorded update for milestones this plan does not have: Z9.",
    )
    assert summary(listing).startswith(
        "Due at this meeting: 25 (received 0, awaited 0, overdue 25). Overdue in all: 25 (B2,"
    )


# -- checking an update -------------------------------------------------------------------


def test_unknown_milestone_suggests_the_closest(plan: Plan) -> None:
    with pytest.raises(CrimeplanError) as error:
        find_milestone(plan, "G7")
    assert str(error.value) == (
        "milestone 'G7' is not in the plan 'West Midlands Police and Crime Plan 2013/14' "
        "(did you mean 'G1', 'G2', 'G3', 'G4', 'G5' or 'G6'?)"
    )
    with pytest.raises(CrimeplanError) as error:
        find_milestone(plan, "f1")
    assert str(error.value) == (
        "milestone 'f1' is not in the plan 'West Midlands Police and Crime Plan 2013/14' "
        "(did you mean 'F1'?)"
    )


def test_unknown_milestone_without_a_close_one_lists_them_all(plan: Plan) -> None:
    with pytest.raises(CrimeplanError) as error:
        find_milestone(plan, "burglary")
    assert str(error.value) == (
        "milestone 'burglary' is not in the plan 'West Midlands Police and Crime Plan 2013/14'. "
        "Known milestones: A1, A2, A3, B1, B2, B3, B4, C1, D1, D2, D3, D4, E1, E2, E3, F1, F2, "
        "F3, F4, G1, G2, G3, G4, G5, G6, H1, H2, H3, H4, I1, I2, I3, I4, J1"
    )


def test_bad_status_lists_the_allowed_ones() -> None:
    with pytest.raises(CrimeplanError) as error:
        parse_status("on trak")
    assert str(error.value) == (
        "status 'on trak' is not a milestone status; expected one of: not started, in progress, "
        "on track, at risk, off track, achieved, not achieved (did you mean 'on track'?)"
    )


@pytest.mark.parametrize("text", ["on track", "On Track", "on-track", "ON_TRACK", " on  track "])
def test_status_is_read_loosely(text: str) -> None:
    assert parse_status(text) == "on track"


# -- the store: append-only ---------------------------------------------------------------


def rows(path: Path) -> list[tuple[object, ...]]:
    with Store.open(path) as store:
        return store.con.execute(
            "SELECT update_id, plan_title, milestone_id, status, note, updated_by, update_date "
            "FROM milestone_updates ORDER BY update_id"
        ).fetchall()


def test_two_updates_are_two_rows_and_the_latest_wins(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        first = record_update(
            store,
            plan,
            "A1",
            status="in progress",
            note="Wave 34 fieldwork.",
            by="ACC Forsyth",
            on=D("2013-06-03"),
            now=datetime(2013, 6, 3, 9, 0),
        )
        before = rows(path)
        second = record_update(
            store,
            plan,
            "A1",
            status="On track",
            note="  Wave 34 results in.\n",
            by="ACC  Forsyth",
            on=D("2013-09-30"),
            now=datetime(2013, 9, 30, 9, 0),
        )
    assert (first.update_id, second.update_id) == (1, 2)
    assert rows(path) == [
        before[0],
        (2, plan.title, "A1", "on track", "Wave 34 results in.", "ACC Forsyth", D("2013-09-30")),
    ]
    with Store.open(path) as store:
        updates = read_updates(store, plan.title)
    assert updates == [first, second]
    at = status_at(find_milestone(plan, "A1"), updates, D("2013-10-08"), plan.board.meetings)
    assert (at.latest_status, at.latest_update, at.state) == ("on track", second, "received")


def test_duplicate_submissions_are_separate_rows(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        for _ in range(3):
            record_update(
                store,
                plan,
                "B2",
                status="in progress",
                note="Same.",
                by="DCC Thompson",
                on=D("2013-06-20"),
            )
    assert [r[0] for r in rows(path)] == [1, 2, 3]
    assert len({r[1:] for r in rows(path)}) == 1


def test_updates_of_another_plan_are_not_read(plan: Plan, tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        record_update(store, plan, "A1", status="at risk", note="x", by="y", on=D("2013-06-01"))
        assert read_updates(store, "Some other plan") == []
        assert len(read_updates(store, plan.title)) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"note": " \n "}, "the note is empty; say what has happened since the last update"),
        ({"by": "  "}, "--by is empty; give the name of who gives the update"),
        (
            {"status": "done"},
            "status 'done' is not a milestone status; expected one of: not "
            "started, in progress, on track, at risk, off track, achieved, not achieved",
        ),
    ],
)
def test_a_refused_update_writes_nothing(
    plan: Plan, tmp_path: Path, kwargs: dict[str, str], message: str
) -> None:
    path = tmp_path / "store.duckdb"
    args = {"status": "on track", "note": "Fine.", "by": "ACC Rowe"} | kwargs
    with Store.open(path) as store, pytest.raises(CrimeplanError) as error:
        record_update(store, plan, "B3", on=D("2013-06-01"), **args)  # type: ignore[arg-type]
    assert str(error.value) == message
    assert rows(path) == []


class FailAfterInsert:
    """A DuckDB connection that runs the INSERT, then fails before the transaction commits."""

    def __init__(self, con: object) -> None:
        self._con = con

    def execute(self, sql: str, *args: object) -> object:
        result = self._con.execute(sql, *args)  # type: ignore[attr-defined]
        if sql.startswith("INSERT INTO milestone_updates"):
            raise OSError("disk on fire")
        return result

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def test_a_failed_insert_leaves_nothing(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        record_update(store, plan, "A1", status="on track", note="kept", by="x", on=D("2013-06-01"))
        store.con = FailAfterInsert(store.con)  # type: ignore[assignment]
        with pytest.raises(OSError, match="disk on fire"):
            record_update(
                store, plan, "A2", status="on track", note="lost", by="x", on=D("2013-06-02")
            )
    assert [r[4] for r in rows(path)] == ["kept"]


KILLED = textwrap.dedent(
    """\
    import sys, time
    from datetime import date
    from crimeplan.data.store import Store
    from crimeplan.milestones import record_update
    from crimeplan.plan import builtin_plan_path, load_plan

    class Connection:
        # Pass everything to DuckDB; at COMMIT, say so and wait to be killed.
        def __init__(self, con):
            self._con = con
        def execute(self, sql, *args):
            if sql.strip().upper() == "COMMIT":
                print("about to commit", flush=True)
                time.sleep(120)
            return self._con.execute(sql, *args)
        def __getattr__(self, name):
            return getattr(self._con, name)

    store = Store.open(sys.argv[1])
    store.con = Connection(store.con)
    record_update(store, load_plan(builtin_plan_path()), "A1", status="at risk",
                  note="never committed", by="x", on=date(2013, 6, 2))
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_a_killed_insert_leaves_nothing(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    with Store.open(path) as store:
        record_update(store, plan, "A1", status="on track", note="kept", by="x", on=D("2013-06-01"))
    before = rows(path)
    script = tmp_path / "killed.py"
    script.write_text(KILLED)
    with subprocess.Popen(
        [sys.executable, str(script), str(path)], stdout=subprocess.PIPE
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline() == b"about to commit\n"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert rows(path) == before
