"""When a milestone's update is due, and whether it is overdue: pure functions over dates.

The rules (docs/milestones.md says the same in a board secretary's words):

* A cadence divides the financial year (1 April – 31 March) into **reporting periods**:
  ``monthly`` calendar months; ``quarterly`` Apr–Jun, Jul–Sep, Oct–Dec, Jan–Mar;
  ``six-monthly`` Apr–Sep and Oct–Mar; ``annual`` the financial year. An update is **due at
  the first board meeting of each period** (:func:`due_meetings`). No cadence: never due.
* The update for a due meeting ``d`` is an update dated after the previous due meeting
  (exclusive) and on or before ``d`` (for the first due meeting of the calendar: any update
  on or before it). An update dated after a meeting never counts for that meeting.
* At meeting ``M`` a milestone is **overdue** when its last due meeting on or before ``M``
  has no update dated after the due meeting before that one and on or before ``M``: a late
  update (after the due meeting, before ``M``) clears it. If the only missing update is the
  one due at ``M`` itself, it is overdue once ``M`` is reached (``as_of >= M``); before the
  meeting it is **awaited**.
* A milestone whose latest status is ``achieved`` is never due and never overdue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, get_args

from crimeplan.errors import CrimeplanError
from crimeplan.plan.model import Cadence, Milestone, Status
from crimeplan.results.milestones import MilestoneStatus, MilestoneUpdate, State

CADENCES: tuple[str, ...] = get_args(Cadence)
STATUSES: tuple[str, ...] = get_args(Status)


def plan_updates(milestone: Milestone) -> list[MilestoneUpdate]:
    """The plan file's own updates of a milestone, as :class:`MilestoneUpdate`."""
    return [
        MilestoneUpdate(
            milestone_id=milestone.id,
            date=u.date,
            by=u.by,
            status=u.status,
            note="\n\n".join(u.text),
            source="plan",
        )
        for u in milestone.updates
    ]


def reporting_period(cadence: Cadence, day: date) -> tuple[int, int]:
    """The reporting period ``day`` falls in, as (financial year, period number from 0).

    >>> reporting_period("quarterly", date(2014, 1, 14))  # 2013/14, Jan–Mar
    (2013, 3)
    """
    year = day.year if day.month >= 4 else day.year - 1
    month_of_year = (day.month - 4) % 12  # April is 0
    months = {"monthly": 1, "quarterly": 3, "six-monthly": 6, "annual": 12}[cadence]
    return (year, month_of_year // months)


def board_calendar(meetings: Iterable[date]) -> list[date]:
    """The meetings in date order, each once."""
    return sorted(set(meetings))


def due_meetings(cadence: Cadence | None, meetings: Iterable[date]) -> list[date]:
    """The meetings at which an update of this cadence is due: the first meeting of each
    reporting period that has one. No cadence: none.

    >>> calendar = [date(2013, 5, 14), date(2013, 6, 11), date(2013, 7, 9)]
    >>> due_meetings("quarterly", calendar)
    [datetime.date(2013, 5, 14), datetime.date(2013, 7, 9)]
    """
    if cadence is None:
        return []
    due: list[date] = []
    seen: set[tuple[int, int]] = set()
    for meeting in board_calendar(meetings):
        period = reporting_period(cadence, meeting)
        if period not in seen:
            seen.add(period)
            due.append(meeting)
    return due


def meeting_on_or_after(meetings: Iterable[date], day: date) -> date:
    """The first board meeting on or after ``day``; a one-line error if there is none."""
    calendar = board_calendar(meetings)
    if not calendar:
        raise CrimeplanError(
            "the plan's board calendar is empty; list the meeting dates under board: "
            "meetings: in the plan file"
        )
    for meeting in calendar:
        if meeting >= day:
            return meeting
    raise CrimeplanError(
        f"no board meeting on or after {day.isoformat()} in the plan's calendar "
        f"({calendar[0].isoformat()} to {calendar[-1].isoformat()}); give --due-at a date "
        "in that range, or add the meetings to board: meetings: in the plan file"
    )


def _latest(updates: Iterable[MilestoneUpdate]) -> MilestoneUpdate | None:
    return max(updates, key=lambda u: u.order, default=None)


def status_at(
    milestone: Milestone,
    updates: Sequence[MilestoneUpdate],
    meeting: date,
    meetings: Sequence[date],
    *,
    as_of: date | None = None,
    group_updates: Sequence[MilestoneUpdate] = (),
) -> MilestoneStatus:
    """A milestone at board meeting ``meeting`` of the calendar ``meetings``.

    ``updates`` are the store's updates (those of other milestones are ignored); the plan
    file's own ``milestone.updates`` are added here. ``as_of`` is the day the question is
    asked (default: the meeting itself, i.e. "as the board sits"); updates dated after
    ``as_of`` or after the meeting are not counted. ``group_updates`` are updates of the
    milestones this one is reported together with (``reported_with``): they count towards
    its timeliness, not its status.
    """
    as_of = meeting if as_of is None else as_of
    cutoff = min(meeting, as_of)
    own = [u for u in (*plan_updates(milestone), *updates) if u.milestone_id == milestone.id]
    known = [u for u in own if u.date <= cutoff]
    latest = _latest(known)
    with_status = _latest(u for u in known if u.status is not None)
    latest_status: Status = (
        with_status.status if with_status and with_status.status else milestone.status
    )
    timely = _latest([*known, *(u for u in group_updates if u.date <= cutoff)])

    due_list = due_meetings(milestone.cadence, meetings)
    before = [d for d in due_list if d <= meeting]
    after = [d for d in due_list if d > meeting]
    last_due = before[-1] if before else None
    next_due = after[0] if after else None

    def base(**fields: Any) -> MilestoneStatus:
        values: dict[str, Any] = {
            "milestone_id": milestone.id,
            "cadence": milestone.cadence,
            "meeting": meeting,
            "as_of": as_of,
            "latest_status": latest_status,
            "latest_update": latest,
            "due": False,
            "overdue": False,
            "overdue_since": None,
            "received": False,
            "last_due_meeting": last_due,
            "next_due_meeting": next_due,
        }
        values.update(fields)
        return MilestoneStatus(**values)

    if latest_status == "achieved":
        return base(state="achieved", last_due_meeting=None, next_due_meeting=None)
    if milestone.cadence is None:
        return base(state="no cadence set")

    due = meeting in due_list
    # The due meetings on or before this one whose update is missing: those whose previous
    # due meeting is on or after the latest update (or all of them, with no update at all).
    # They are always the last few of ``before``, so the first of them starts the run.
    missing = [
        d
        for i, d in enumerate(before)
        if timely is None or (i > 0 and timely.date <= before[i - 1])
    ]
    received = last_due is not None and not missing
    only_this_meeting = missing == [meeting]
    overdue = bool(missing) and (not only_this_meeting or as_of >= meeting)
    if overdue:
        state: State = "overdue"
    elif due:
        state = "received" if received else "awaited"
    else:
        state = "not due"
    return base(
        state=state,
        due=due,
        overdue=overdue,
        overdue_since=missing[0] if overdue else None,
        received=received,
    )


def default_board_date(meetings: Iterable[date], as_at: date) -> date | None:
    """The first board meeting after the month ``as_at`` ends (the board that sees the pack
    of that month's data)."""
    after = date(as_at.year + as_at.month // 12, as_at.month % 12 + 1, 1)
    upcoming = [d for d in board_calendar(meetings) if d >= after]
    return upcoming[0] if upcoming else None
