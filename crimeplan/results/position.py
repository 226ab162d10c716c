"""Where a target stands: its status (on course, at risk, off course), the action that an
off-course target carries, and how it stood at the previous board meeting.

The status is computed by ``crimeplan.measures.status`` from the rules in
``docs/status-rules.md``; the action comes from the plan file (a target's ``action``); the
previous position from the previous pack's results (kept in the store when a pack is
written, or given with ``crimeplan report --previous results.json``).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from crimeplan.codec import omitted, result

#: A target's status, from the rules in docs/status-rules.md.
StatusCode = Literal["on_course", "at_risk", "off_course"]
#: What the status was judged on: the year-end forecast's chance of meeting the target, or
#: (without a forecast) the year to date against the target.
StatusBasis = Literal["forecast", "year_to_date"]
#: How the status moved since the previous meeting: ``new`` (the previous pack had no status
#: for this target), ``same``, ``better`` (towards on course) or ``worse``.
Movement = Literal["new", "same", "better", "worse"]

#: The statuses from best to worst, for ``Movement``.
STATUS_ORDER: tuple[StatusCode, ...] = ("on_course", "at_risk", "off_course")


@result
class StatusRules:
    """The rules a target's status is set by (docs/status-rules.md), on the chance that the
    year-end forecast meets the target: on course from ``on_course_from``, off course below
    ``off_course_below``, at risk between. Without a forecast: on course when the year to date
    meets the target, at risk when it does not."""

    on_course_from: float = 0.55
    off_course_below: float = 0.25


@result
class Action:
    """What is being done about a target: the action, who owns it and when it reports back
    to the board."""

    text: str
    owner: str
    due: date


@result
class PreviousPosition:
    """The target as the previous pack showed it: that pack's as-at month and meeting, its
    status and figures (None for what it lacked)."""

    as_at: str
    board_date: date | None = None
    status: StatusCode | None = None
    ytd: int | float | None = None
    change_pct: float | None = None
    year_end: float | None = None
    p_meet_target: float | None = None


@result
class TargetStatus:
    """A target's status (``status``), what it was judged on (``basis``: the forecast's chance
    of meeting the target ``p_meet_target``, or the year to date), and, when there is a
    previous pack, how it stood there and how it moved."""

    status: StatusCode
    basis: StatusBasis
    p_meet_target: float | None = None
    previous: PreviousPosition | None = omitted()
    movement: Movement | None = omitted()


@result
class PreviousPack:
    """The previous pack the changes since the last meeting are measured against."""

    as_at: str
    board_date: date | None = None
    source: Literal["store", "file"]
