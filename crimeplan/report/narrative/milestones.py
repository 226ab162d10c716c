"""The milestones at a meeting in words: the summary line, each milestone's flag, and the
listing's notes."""

from __future__ import annotations

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
    """The state as a short phrase for a table: ``overdue since 2013-07-09``."""
    if status.state == "overdue" and status.overdue_since:
        return f"overdue since {status.overdue_since.isoformat()}"
    if status.state == "received" and status.latest_update:
        return f"due: received {status.latest_update.date.isoformat()}"
    if status.state == "awaited":
        return "due: awaited"
    if status.state == "not due" and status.next_due_meeting:
        return f"not due (next {status.next_due_meeting.isoformat()})"
    return status.state


def listing_note(note: ListingNote) -> str:
    """A note on the listing, as a sentence."""
    match note:
        case CalendarOver(last_meeting=last, today=today):
            return (
                f"The plan's board calendar ends on {last.isoformat()}, before today "
                f"({today.isoformat()}); showing its last meeting."
            )
        case ExtraMeeting(meeting=meeting, calendar_ends=ends):
            return (
                f"{meeting.isoformat()} is after the plan's board calendar, which ends on "
                f"{ends.isoformat()}; taken as an extra meeting."
            )
        case NextMeeting(today=today):
            return f"The next board meeting on or after today ({today.isoformat()})."
        case NotAMeeting(requested=requested, meeting=meeting):
            return (
                f"{requested.isoformat()} is not a board meeting date; showing the next "
                f"meeting, {meeting.isoformat()}."
            )
        case UnknownMilestones(updates=count, milestones=ids):
            return (
                f"The store holds {count} update{'s' if count != 1 else ''} for milestones "
                f"this plan does not have: {', '.join(ids)}."
            )
    raise AssertionError(f"no words for {note!r}")  # pragma: no cover
