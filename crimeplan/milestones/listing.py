"""Every milestone of a plan at one board meeting: what ``crimeplan milestones`` prints and the
board pack reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from crimeplan.milestones.schedule import (
    MilestoneStatus,
    MilestoneUpdate,
    board_calendar,
    meeting_on_or_after,
    plan_updates,
    status_at,
)
from crimeplan.plan.model import Cadence, Plan


@dataclass(frozen=True)
class MilestoneLine:
    """One milestone of the listing: what the plan says about it, and its status."""

    objective_id: str
    objective_title: str
    milestone_id: str
    title: str
    leads: tuple[str, ...]
    cadence: Cadence | None
    cadence_note: str | None
    reported_with: str | None
    status: MilestoneStatus

    def to_dict(self) -> dict[str, Any]:
        return {
            "objective_id": self.objective_id,
            "objective_title": self.objective_title,
            "milestone_id": self.milestone_id,
            "title": self.title,
            "leads": list(self.leads),
            "cadence": self.cadence,
            "cadence_note": self.cadence_note,
            "reported_with": self.reported_with,
            **{k: v for k, v in self.status.to_dict().items() if k != "milestone_id"},
        }


@dataclass(frozen=True)
class MilestoneListing:
    """Every milestone of a plan at board meeting ``meeting``.

    ``requested`` is the date asked for (``--due-at``, or today); ``meeting`` is the first
    board meeting on or after it. ``as_of`` is when the question was asked. ``notes`` are
    sentences for the reader (a date that is not a meeting; updates in the store for
    milestones the plan does not have).
    """

    plan_title: str
    board: str
    meeting: date
    requested: date
    as_of: date
    lines: tuple[MilestoneLine, ...]
    unknown_milestones: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def due(self) -> list[MilestoneLine]:
        return [line for line in self.lines if line.status.due]

    @property
    def overdue(self) -> list[MilestoneLine]:
        return [line for line in self.lines if line.status.overdue]

    def summary(self) -> str:
        """``Due at this meeting: 14 (received 2, awaited 0, overdue 12). Overdue: 12 (A1, …).``"""
        due = self.due
        received = sum(1 for line in due if line.status.received)
        awaited = sum(1 for line in due if line.status.state == "awaited")
        overdue = self.overdue
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_title": self.plan_title,
            "board": self.board,
            "meeting": self.meeting.isoformat(),
            "requested": self.requested.isoformat(),
            "as_of": self.as_of.isoformat(),
            "summary": self.summary(),
            "notes": list(self.notes),
            "unknown_milestones": list(self.unknown_milestones),
            "milestones": [line.to_dict() for line in self.lines],
        }


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
    notes: list[str] = []
    if meetings and requested > meetings[-1]:
        if due_at is None:
            # the plan's calendar is over (an old plan): its last meeting is the latest view
            requested = meetings[-1]
            notes.append(
                f"The plan's board calendar ends on {requested.isoformat()}, before today "
                f"({today.isoformat()}); showing its last meeting."
            )
        elif extra_meeting:
            # a meeting after the calendar (a board date given for the pack): take it as one
            meetings = [*meetings, due_at]
            notes.append(
                f"{due_at.isoformat()} is after the plan's board calendar, which ends on "
                f"{meetings[-2].isoformat()}; taken as an extra meeting."
            )
    meeting = meeting_on_or_after(meetings, requested)
    if due_at is None and not notes:
        notes.append(f"The next board meeting on or after today ({today.isoformat()}).")
    elif due_at is not None and meeting != due_at:
        notes.append(
            f"{due_at.isoformat()} is not a board meeting date; showing the next meeting, "
            f"{meeting.isoformat()}."
        )

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
                    objective_id=objective.id,
                    objective_title=objective.title,
                    milestone_id=milestone.id,
                    title=milestone.title,
                    leads=tuple(milestone.leads),
                    cadence=milestone.cadence,
                    cadence_note=milestone.cadence_note,
                    reported_with=milestone.reported_with,
                    status=status,
                )
            )

    unknown = sorted({u.milestone_id for u in updates} - set(group_of))
    if unknown:
        count = sum(1 for u in updates if u.milestone_id in unknown)
        notes.append(
            f"The store holds {count} update{'s' if count != 1 else ''} for milestones this "
            f"plan does not have: {', '.join(unknown)}."
        )
    return MilestoneListing(
        plan_title=plan.title,
        board=plan.board.name,
        meeting=meeting,
        requested=requested,
        as_of=today,
        lines=tuple(lines),
        unknown_milestones=tuple(unknown),
        notes=tuple(notes),
    )
