"""Milestones at a board meeting, as results: each milestone's latest update and status, and
whether an update is due or overdue (``crimeplan.milestones`` computes them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from crimeplan.codec import result
from crimeplan.plan.model import Cadence, Status

#: What a milestone looks like at a meeting, in one word (see :class:`MilestoneStatus`).
State = Literal["achieved", "no cadence set", "overdue", "awaited", "received", "not due"]
_Date = date  # ``MilestoneUpdate.date`` would hide the type inside the class


@result
class MilestoneUpdate:
    """One progress update on a milestone, from the plan file or from the store.

    ``source`` is ``"plan"`` for the plan file's own ``updates`` (``update_id`` and
    ``recorded_at`` are then ``None``) and ``"store"`` for ``crimeplan update``'s rows.
    """

    milestone_id: str
    date: _Date
    by: str | None
    status: Status | None
    note: str
    source: Literal["plan", "store"]
    update_id: int | None = None
    recorded_at: datetime | None = None

    @property
    def order(self) -> tuple[_Date, int, int]:
        """Sort key: by date; on the same date the store's rows come after the plan file's,
        in the order they were recorded."""
        return (self.date, 1 if self.source == "store" else 0, self.update_id or 0)


@result
class MilestoneStatus:
    """A milestone as the board sees it at one meeting.

    ``latest_status``: the status of the latest update (on or before the meeting) that gives
    one, else the plan file's ``status``. ``latest_update``: the latest update on or before
    the meeting. ``due``: an update is due at this meeting. ``overdue``: an update due at this
    meeting or an earlier one is missing. ``overdue_since``: the first due meeting of the
    unbroken run of missed ones. ``last_due_meeting``: the latest due meeting on or before this
    one; ``next_due_meeting``: the first due meeting after it. ``state`` sums it up in one word.
    """

    milestone_id: str
    cadence: Cadence | None
    meeting: date
    as_of: date
    latest_status: Status
    latest_update: MilestoneUpdate | None
    due: bool
    overdue: bool
    overdue_since: date | None
    received: bool
    last_due_meeting: date | None
    next_due_meeting: date | None
    state: State


@result
class MilestoneLine(MilestoneStatus):
    """One milestone of a listing: its status, and what the plan says about it."""

    objective_id: str
    objective_title: str
    title: str
    leads: tuple[str, ...]
    cadence_note: str | None
    reported_with: str | None


# -- notes on a listing -----------------------------------------------------------------------
@result
class CalendarOver:
    """The plan's board calendar ended before today: its last meeting is shown."""

    code: Literal["calendar_over"] = "calendar_over"
    last_meeting: date
    today: date


@result
class ExtraMeeting:
    """A meeting after the plan's calendar (a pack's board date), taken as one more."""

    code: Literal["extra_meeting"] = "extra_meeting"
    meeting: date
    calendar_ends: date


@result
class NextMeeting:
    """No date was asked for: the next meeting on or after today is shown."""

    code: Literal["next_meeting"] = "next_meeting"
    today: date


@result
class NotAMeeting:
    """The date asked for is not a meeting: the next meeting is shown."""

    code: Literal["not_a_meeting"] = "not_a_meeting"
    requested: date
    meeting: date


@result
class UnknownMilestones:
    """The store holds updates for milestones the plan does not have."""

    code: Literal["unknown_milestones"] = "unknown_milestones"
    updates: int
    milestones: tuple[str, ...]


ListingNote = Annotated[
    CalendarOver | ExtraMeeting | NextMeeting | NotAMeeting | UnknownMilestones,
    Field(discriminator="code"),
]


@result
class MilestoneListing:
    """Every milestone of a plan at board meeting ``meeting``.

    ``requested`` is the date asked for (``--due-at``, or today); ``meeting`` is the first
    board meeting on or after it. ``as_of`` is when the question was asked.
    """

    plan_title: str
    board: str
    meeting: date
    requested: date
    as_of: date
    notes: tuple[ListingNote, ...] = ()
    unknown_milestones: tuple[str, ...] = ()
    milestones: tuple[MilestoneLine, ...] = ()

    @property
    def due(self) -> list[MilestoneLine]:
        return [line for line in self.milestones if line.due]

    @property
    def overdue(self) -> list[MilestoneLine]:
        return [line for line in self.milestones if line.overdue]

    @property
    def received(self) -> list[MilestoneLine]:
        """Due at this meeting and received."""
        return [line for line in self.due if line.received]

    @property
    def awaited(self) -> list[MilestoneLine]:
        """Due at this meeting, not yet in, and the meeting not yet reached."""
        return [line for line in self.due if line.state == "awaited"]
