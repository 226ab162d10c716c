"""Milestone listings when the date asked for lies outside the plan's board calendar."""

from __future__ import annotations

from datetime import date

import pytest

from crimeplan.errors import CrimeplanError
from crimeplan.milestones.listing import milestone_listing
from crimeplan.plan.model import Plan
from crimeplan.report.narrative.milestones import listing_note


def test_without_a_date_an_old_calendar_gives_its_last_meeting(builtin_plan: Plan) -> None:
    listing = milestone_listing(builtin_plan, [], today=date(2026, 11, 26))
    assert listing.meeting == date(2014, 3, 11)
    assert listing_note(listing.notes[0]) == (
        "The plan's board calendar ends on 11 March 2014, before today (26 November 2026); "
        "showing its last meeting."
    )


def test_a_board_date_after_the_calendar_is_an_extra_meeting(builtin_plan: Plan) -> None:
    listing = milestone_listing(
        builtin_plan, [], today=date(2014, 4, 8), due_at=date(2014, 4, 8), extra_meeting=True
    )
    assert listing.meeting == date(2014, 4, 8)
    assert "taken as an extra meeting" in listing_note(listing.notes[0])
    assert any(line.due for line in listing.milestones)  # a new quarter's updates are due


def test_an_explicit_date_after_the_calendar_is_an_error(builtin_plan: Plan) -> None:
    with pytest.raises(CrimeplanError) as info:
        milestone_listing(builtin_plan, [], today=date(2014, 4, 8), due_at=date(2014, 4, 8))
    assert str(info.value).startswith("no board meeting on or after 2014-04-08")
