"""A target's status — on course, at risk or off course — from stated rules on the forecast,
and how it moved since the previous board meeting. The rules are written for the board in
``docs/status-rules.md`` (and in the pack's notes); this module is their one implementation.

The rules, on the chance that the year-end forecast meets the target (``p_meet_target``):

- **on course**: the chance is at least ``ON_COURSE`` (55%: "likely" or better on the
  Professional Head of Intelligence Assessment's probability yardstick, which UK policing
  uses for judgements of likelihood);
- **off course**: the chance is below ``OFF_COURSE`` (25%: "highly unlikely" or worse);
- **at risk**: in between ("unlikely" or "a realistic possibility").

A target without a forecast (a level to reach, a survey or a proportion, or a count whose
history cannot support a forecast) is judged on its year to date: **on course** when the
year to date meets the target, **at risk** when it does not (a year to date alone cannot say
the year end will miss). Without a year to date there is no status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from crimeplan.results.measure import MeasureResult, MeasuresResult
from crimeplan.results.position import (
    STATUS_ORDER,
    Movement,
    PreviousPosition,
    StatusCode,
    StatusRules,
    TargetStatus,
)

#: The rules (their thresholds travel in the results, for the pack's notes).
RULES = StatusRules()
#: The chance of meeting the target from which a target is on course.
ON_COURSE = RULES.on_course_from
#: The chance of meeting the target below which a target is off course.
OFF_COURSE = RULES.off_course_below


def status_of(p_meet_target: float) -> StatusCode:
    """The status for a chance of meeting the target (see the module docstring)."""
    if p_meet_target >= ON_COURSE:
        return "on_course"
    if p_meet_target < OFF_COURSE:
        return "off_course"
    return "at_risk"


def target_status(measure: MeasureResult) -> TargetStatus | None:
    """The status of a measure with a target, or None (no target, or nothing to judge)."""
    if measure.target is None:
        return None
    forecast = measure.forecast
    if forecast is not None and forecast.p_meet_target is not None:
        return TargetStatus(
            status=status_of(forecast.p_meet_target),
            basis="forecast",
            p_meet_target=forecast.p_meet_target,
        )
    if measure.on_course is None:
        return None
    return TargetStatus(
        status="on_course" if measure.on_course else "at_risk", basis="year_to_date"
    )


def with_status(results: MeasuresResult) -> MeasuresResult:
    """Every measure with its target's status."""
    return replace(
        results,
        measures=tuple(replace(m, status=target_status(m)) for m in results.measures),
    )


def movement(now: StatusCode, before: StatusCode | None) -> Movement:
    """How a status moved from the previous meeting's (None: it had none)."""
    if before is None:
        return "new"
    if now == before:
        return "same"
    return "better" if STATUS_ORDER.index(now) < STATUS_ORDER.index(before) else "worse"


def previous_position(
    measure: MeasureResult, as_at: str, board_date: date | None
) -> PreviousPosition:
    """How ``measure`` stood in a previous pack as at ``as_at``."""
    forecast = measure.forecast
    return PreviousPosition(
        as_at=as_at,
        board_date=board_date,
        status=measure.status.status if measure.status else None,
        ytd=measure.ytd,
        change_pct=measure.change_pct,
        year_end=forecast.year_end if forecast else None,
        p_meet_target=forecast.p_meet_target if forecast else None,
    )


def with_previous(
    results: MeasuresResult, previous: Mapping[str, PreviousPosition | None]
) -> MeasuresResult:
    """Every target's status with how it stood at the previous meeting (``previous`` maps a
    measure id to its previous position; an id the previous pack lacked maps to None or is
    absent) and how it moved."""
    measures = []
    for m in results.measures:
        if m.status is not None:
            before = previous.get(m.id)
            m = replace(
                m,
                status=replace(
                    m.status,
                    previous=before,
                    movement=movement(m.status.status, before.status if before else None),
                ),
            )
        measures.append(m)
    return replace(results, measures=tuple(measures))
