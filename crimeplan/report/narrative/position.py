"""The position in words: each target's status and how it moved since the previous meeting,
the counts of targets on course, at risk and off course, the rules the status is set by, the
actions off-course targets carry (and the ones that lack an action), the Making Data Count
icons' text equivalents, and the one line a measure that is not an exception gets in the
body of the paper."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from crimeplan.report.narrative.figures import Sentence
from crimeplan.results.measure import MeasureResult
from crimeplan.results.pack import PackResults
from crimeplan.results.position import (
    STATUS_ORDER,
    Action,
    PreviousPack,
    StatusCode,
    StatusRules,
    TargetStatus,
)

STATUS_WORDS: dict[StatusCode, str] = {
    "on_course": "on course",
    "at_risk": "at risk",
    "off_course": "off course",
}

#: The Making Data Count variation icons' text equivalents (NHS England, "Making Data
#: Count: the icons"), by the code in the results.
VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause: improvement (high)",
    "improvement_low": "Special cause: improvement (low)",
    "concern_high": "Special cause: concern (high)",
    "concern_low": "Special cause: concern (low)",
    "neutral_high": "Special cause: neither improvement nor concern (high)",
    "neutral_low": "Special cause: neither improvement nor concern (low)",
}
#: The assurance icons' text equivalents: where the target lies against the process limits.
ASSURANCE_LABELS = {
    "pass": "The target will be met consistently",
    "fail": "The target will be missed consistently",
    "inconsistent": "Hit and miss: the target may or may not be met",
}


def day(value: date) -> str:
    """``9 July 2013``."""
    return f"{value.day} {value.strftime('%B %Y')}"


def status_word(status: TargetStatus | None) -> str:
    return "–" if status is None else STATUS_WORDS[status.status]


def movement_text(status: TargetStatus | None) -> str:
    """How a target moved since the previous meeting: ``new``, ``unchanged (off course)``,
    ``moved from at risk to off course``; empty without a previous pack."""
    if status is None or status.movement is None:
        return ""
    if status.movement == "new":
        return "new"
    now = STATUS_WORDS[status.status]
    if status.movement == "same":
        return f"unchanged ({now})"
    before = status.previous.status if status.previous else None
    if before is None:
        return "new"
    return f"moved from {STATUS_WORDS[before]} to {now}"


def status_sentence(status: TargetStatus | None) -> str | None:
    """``Status: off course (moved from at risk to off course).``"""
    if status is None:
        return None
    text = f"Status: {STATUS_WORDS[status.status]}"
    if status.movement == "same":
        text += " (unchanged since the last meeting)"
    elif status.movement in ("better", "worse"):
        text += f" ({movement_text(status)})"
    elif status.movement == "new":
        text += " (new since the last meeting)"
    return text + "."


def _count(n: int) -> str:
    return "none" if n == 0 else str(n)


def counts_sentence(targets: Sequence[MeasureResult]) -> str:
    """``Of the 5 targets, none is on course, none is at risk and 5 are off course.``"""
    judged = [m for m in targets if m.status is not None]
    if not targets:
        return "The plan sets no numeric targets."
    counts = {
        code: sum(1 for m in judged if m.status and m.status.status == code)
        for code in STATUS_ORDER
    }
    parts = [
        f"{_count(counts[code])} {'is' if counts[code] <= 1 else 'are'} {STATUS_WORDS[code]}"
        for code in STATUS_ORDER
    ]
    text = f"Of the {len(targets)} targets, {parts[0]}, {parts[1]} and {parts[2]}."
    unjudged = len(targets) - len(judged)
    if unjudged:
        text += f" {unjudged} cannot be judged yet (no year to date)."
    return text


def since_sentence(previous: PreviousPack | None, targets: Sequence[MeasureResult]) -> str:
    """How the targets moved since the previous meeting's pack, or that there is none."""
    if previous is None:
        return (
            "There is no earlier pack to compare with, so no change since the last meeting "
            "is shown."
        )
    when = f"the pack with data to the end of {_month(previous.as_at)}"
    if previous.board_date:
        when += f" (the meeting of {day(previous.board_date)})"
    moved = [
        f"{m.title} {movement_text(m.status)}"
        for m in targets
        if m.status and m.status.movement in ("better", "worse")
    ]
    new = [m.title for m in targets if m.status and m.status.movement == "new"]
    text = f"Since {when}: "
    if moved:
        text += "; ".join(moved)
    else:
        text += "no target has changed status"
    if new:
        text += f"; new since then: {', '.join(new)}"
    return text + "."


def _month(text: str) -> str:
    year, month = (int(p) for p in text.split("-"))
    return date(year, month, 1).strftime("%B %Y")


def rules_note(rules: StatusRules) -> str:
    """The rules the status is set by, for the pack's notes (docs/status-rules.md)."""
    on, off = round(100 * rules.on_course_from), round(100 * rules.off_course_below)
    return (
        f"How the status is set: a target is on course when its year-end forecast has at "
        f"least a {on}% chance of meeting the target, off course when the chance is below "
        f"{off}%, and at risk in between. A target without a forecast is on course when the "
        "year to date meets the target and at risk when it does not."
    )


def action_text(action: Action) -> str:
    """``Action: … Owner: ACC Forsyth; reports back on 9 July 2013.``"""
    text = action.text.strip().rstrip(".")
    return f"Action: {text}. Owner: {action.owner}; reports back on {day(action.due)}."


#: The words before the summary's list of actions.
ACTIONS_LEAD = "Actions on the targets not on course:"


def action_line(title: str, action: Action) -> str:
    """``Burglary dwelling: … (ACC Forsyth; reports back on 10 September 2013).``"""
    text = action.text.strip().rstrip(".")
    return f"{title}: {text} ({action.owner}; reports back on {day(action.due)})."


def needs_action(measure: MeasureResult) -> bool:
    """Off course without an action."""
    return (
        measure.status is not None and measure.status.status == "off_course" and not measure.action
    )


def missing_action_notes(results: PackResults) -> list[str]:
    """For the pack's notes for the analyst: each target off course without an action."""
    return [
        f"No action is recorded for {m.title}, which is off course: an action with its owner "
        "and report-back date should be added before the paper goes to the board."
        for m in results.measures
        if needs_action(m)
    ]


def missing_actions(results: PackResults) -> list[str]:
    """For the analyst at the command line: each target off course without an action."""
    return [
        f"{m.title} ({m.id}) is off course and has no action; give its target "
        "'action: {text, owner, due}' in the plan file, or record one with crimeplan update "
        f"{m.target.milestone if m.target else 'MILESTONE'} … --action TEXT --owner NAME "
        "--due YYYY-MM-DD"
        for m in results.measures
        if needs_action(m)
    ]


#: The short words printed beside the icons (the full text is the icon's own).
VARIATION_SHORT = {
    "common_cause": "Common cause",
    "improvement_high": "Improving (high)",
    "improvement_low": "Improving (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Special cause (high)",
    "neutral_low": "Special cause (low)",
}
ASSURANCE_SHORT = {"pass": "Pass", "fail": "Fail", "inconsistent": "Hit and miss"}


def variation_label(code: str | None) -> str:
    return VARIATION_LABELS.get(code or "", "No control chart")


def assurance_label(code: str | None) -> str:
    return ASSURANCE_LABELS.get(code or "", "No assurance (no target on the chart)")


def variation_short(code: str | None) -> str:
    return VARIATION_SHORT.get(code or "", "–")


def assurance_short(code: str | None) -> str:
    return ASSURANCE_SHORT.get(code or "", "–")


#: The words before the one-line measures of a milestone in the body.
ONE_LINES_LEAD = "Also reported under this milestone (charts and commentary in the appendix):"


def one_line(sentences: Sequence[Sentence]) -> str:
    """The line a measure that is not an exception gets in the body: its headline's first
    sentence (its chart and commentary are in the appendix)."""
    first = next((s.text for s in sentences if s.topic == "headline"), None)
    if first is None and sentences:
        first = sentences[0].text
    return first or ""
