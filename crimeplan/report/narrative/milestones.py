"""The milestones at a meeting in words: the summary line, each milestone's flag, and the
listing's notes."""

from __future__ import annotations

from crimeplan.report.narrative.dates import long_date
from crimeplan.results.milestones import (
    CalendarOver,
    ExtraMeeting,
    ListingNote,
    MilestoneListing,
    MilestoneStatus,
    NextMeeting,
    NotAMeeting,
    UnknownMilestones,
)


def summary(listing: MilestoneListing) -> str:
    """``Due at this meeting: 14 (received 2, awaited 0, overdue 12). Overdue in all: 12
    (A1, …).``"""
    due = listing.due
    received, awaited = len(listing.received), len(listing.awaited)
    overdue = listing.overdue
    text = (
        f"Due at this meeting: {len(due)} (received {received}, awaited {awaited}, "
        f"overdue {len(due) - received - awaited})."
    )
    if overdue:
        ids = ", ".join(line.milestone_id for line in overdue)
        text += f" Overdue in all: {len(overdue)} ({ids})."
    else:
        text += " Overdue in all: none."
    return text


def flag(status: MilestoneStatus) -> str:
    """The state as a short phrase: ``overdue since 9 July 2013``, ``due at this meeting and
    received 1 May 2013``."""
    if status.state == "overdue" and status.overdue_since:
        return f"overdue since {long_date(status.overdue_since)}"
    if status.state == "received" and status.latest_update:
        return f"due at this meeting and received {long_date(status.latest_update.date)}"
    if status.state == "awaited":
        return "due at this meeting and not yet received"
    if status.state == "not due" and status.next_due_meeting:
        return f"not due until {long_date(status.next_due_meeting)}"
    return status.state


def listing_note(note: ListingNote) -> str:
    """A note on the listing, as a sentence."""
    match note:
        case CalendarOver(last_meeting=last, today=today):
            return (
                f"The plan's board calendar ends on {long_date(last)}, before today "
                f"({long_date(today)}); showing its last meeting."
            )
        case ExtraMeeting(meeting=meeting, calendar_ends=ends):
            return (
                f"{long_date(meeting)} is after the plan's board calendar, which ends on "
                f"{long_date(ends)}; taken as an extra meeting."
            )
        case NextMeeting(today=today):
            return f"The next board meeting on or after today ({long_date(today)})."
        case NotAMeeting(requested=requested, meeting=meeting):
            return (
                f"{long_date(requested)} is not a board meeting date; showing the next "
                f"meeting, {long_date(meeting)}."
            )
        case UnknownMilestones(updates=count, milestones=ids):
            return (
                f"There {'is' if count == 1 else 'are'} {count} recorded update"
                f"{'s' if count != 1 else ''} for milestones this plan does not have: "
                f"{', '.join(ids)}."
            )
    raise AssertionError(f"no words for {note!r}")  # pragma: no cover
