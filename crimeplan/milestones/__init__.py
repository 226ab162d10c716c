"""Milestone updates and the board's reporting calendar.

``schedule`` holds the rules as pure functions over dates (which meetings an update is due
at, whether it is overdue); ``updates`` appends leads' updates to the store and reads them
back; ``listing`` puts every milestone of a plan at one meeting together. docs/milestones.md
describes the rules for a board secretary.

>>> from datetime import date
>>> from crimeplan.milestones import due_meetings
>>> due_meetings("six-monthly", [date(2013, 5, 14), date(2013, 6, 11), date(2013, 10, 8)])
[datetime.date(2013, 5, 14), datetime.date(2013, 10, 8)]
"""

from __future__ import annotations

from crimeplan.milestones.listing import milestone_listing
from crimeplan.milestones.schedule import (
    CADENCES,
    STATUSES,
    board_calendar,
    default_board_date,
    due_meetings,
    meeting_on_or_after,
    plan_updates,
    reporting_period,
    status_at,
)
from crimeplan.milestones.updates import (
    find_milestone,
    parse_status,
    read_updates,
    record_update,
)
from crimeplan.results.milestones import (
    MilestoneLine,
    MilestoneListing,
    MilestoneStatus,
    MilestoneUpdate,
)

__all__ = [
    "CADENCES",
    "STATUSES",
    "MilestoneLine",
    "MilestoneListing",
    "MilestoneStatus",
    "MilestoneUpdate",
    "board_calendar",
    "default_board_date",
    "due_meetings",
    "find_milestone",
    "meeting_on_or_after",
    "milestone_listing",
    "parse_status",
    "plan_updates",
    "read_updates",
    "record_update",
    "reporting_period",
    "status_at",
]
