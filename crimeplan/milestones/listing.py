"""Every milestone of a plan at one board meeting: what ``crimeplan milestones`` prints and the
board pack reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from crimeplan.milestones.schedule import (
    board_calendar,
    meeting_on_or_after,
    plan_updates,
    status_at,
)
from crimeplan.plan.model import Plan
from crimeplan.results.milestones import (
    CalendarOver,
    ExtraMeeting,
    ListingNote,
    MilestoneLine,
    MilestoneListing,
    MilestoneUpdate,
    NextMeeting,
    NotAMeeting,
    UnknownMilestones,
)


def milestone_listing(
    plan: Plan,
    updates: Sequence[MilestoneUpdate],
    *,
    today: date,
    due_at: date | None = None,
    extra_meeting: bool = False,
) -> MilestoneListing:
    """Every milestone of ``plan`` at the board meeting on or after ``due_at`` (default:
    ``today``), with the store's ``updates`` and the plan file's own, as at ``today``.

    Milestones ``reported_with`` another are reported together with it: an update of any of
    them counts towards the timeliness of all of them (each keeps its own status).

    Without ``due_at``, a calendar that is over gives its last meeting. With
    ``extra_meeting`` (a board date given for a pack), a ``due_at`` after the calendar is
    taken as one more meeting instead of an error.
    """
    requested = due_at or today
    meetings = board_calendar(plan.board.meetings)
    notes: list[ListingNote] = []
    if meetings and requested > meetings[-1]:
        if due_at is None:
            # the plan's calendar is over (an old plan): its last meeting is the latest view
            requested = meetings[-1]
            notes.append(CalendarOver(last_meeting=requested, today=today))
        elif extra_meeting:
            # a meeting after the calendar (a board date given for the pack): take it as one
            meetings = [*meetings, due_at]
            notes.append(ExtraMeeting(meeting=due_at, calendar_ends=meetings[-2]))
    meeting = meeting_on_or_after(meetings, requested)
    if due_at is None and not notes:
        notes.append(NextMeeting(today=today))
    elif due_at is not None and meeting != due_at:
        notes.append(NotAMeeting(requested=due_at, meeting=meeting))

    group_of = {m.id: m.reported_with or m.id for m in plan.milestones}
    by_group: dict[str, list[MilestoneUpdate]] = {}
    for milestone in plan.milestones:
        by_group.setdefault(group_of[milestone.id], []).extend(plan_updates(milestone))
    for update in updates:
        if update.milestone_id in group_of:
            by_group.setdefault(group_of[update.milestone_id], []).append(update)

    lines = []
    for objective in plan.objectives:
        for milestone in objective.milestones:
            status = status_at(
                milestone,
                [u for u in updates if u.milestone_id == milestone.id],
                meeting,
                meetings,
                as_of=today,
                group_updates=[
                    u for u in by_group[group_of[milestone.id]] if u.milestone_id != milestone.id
                ],
            )
            lines.append(
                MilestoneLine(
                    **asdict(status) | {"latest_update": status.latest_update},
                    objective_id=objective.id,
                    objective_title=objective.title,
                    title=milestone.title,
                    leads=tuple(milestone.leads),
                    cadence_note=milestone.cadence_note,
                    reported_with=milestone.reported_with,
                )
            )

    unknown = sorted({u.milestone_id for u in updates} - set(group_of))
    if unknown:
        count = sum(1 for u in updates if u.milestone_id in unknown)
        notes.append(UnknownMilestones(updates=count, milestones=tuple(unknown)))
    return MilestoneListing(
        plan_title=plan.title,
        board=plan.board.name,
        meeting=meeting,
        requested=requested,
        as_of=today,
        milestones=tuple(lines),
        unknown_milestones=tuple(unknown),
        notes=tuple(notes),
    )
