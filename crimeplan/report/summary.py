"""The summary the paper opens with, and which measures are exceptions.

``build_summary(results)`` is page 1 after the title block and purpose: every target with
its year to date against the baseline, the change and whether it is more than chance, the
year-end forecast with its chance of meeting the target, its status (from the rules in
docs/status-rules.md, computed in ``crimeplan.measures.status``), the Making Data Count
variation and assurance icons with their text, and how it moved since the previous meeting;
the actions the off-course targets carry; then the milestones, by objective: due at this
meeting, received, awaited, overdue.

``is_exception(measure)``: a measure the body comments on in full (chart, facts, peers):
a target off course or at risk, or a chart showing special-cause concern. A published table
is shown in full where the seed shows it. Every other measure gets one line in the body and
its chart in the appendix (``crimeplan report --full``: every measure in full).
"""

from __future__ import annotations

from dataclasses import dataclass

from crimeplan.report.icons import assurance_icon, variation_icon
from crimeplan.report.narrative import position as words
from crimeplan.results.measure import MeasureResult
from crimeplan.results.pack import PackResults


@dataclass(frozen=True)
class SummaryRow:
    """One target of the summary table."""

    measure: MeasureResult
    status: str  # "on course", "at risk", "off course", "–"
    status_code: str  # "on_course", …, or "" without a status
    movement: str  # "new", "moved from at risk to off course", … ("" without a previous pack)
    variation_svg: str
    variation_label: str  # the icon's text equivalent
    variation_short: str  # the words printed beside it
    assurance_svg: str
    assurance_label: str
    assurance_short: str
    action: str | None = None


@dataclass(frozen=True)
class MilestoneRow:
    """One objective's milestones at this meeting."""

    objective: str
    milestones: int
    due: int
    received: int
    awaited: int
    overdue: int
    achieved: int


@dataclass(frozen=True)
class Summary:
    rows: tuple[SummaryRow, ...]
    counts: str
    since: str
    rules: str
    actions: tuple[str, ...]
    actions_lead: str = words.ACTIONS_LEAD
    milestone_rows: tuple[MilestoneRow, ...] = ()


def is_exception(measure: MeasureResult) -> bool:
    """Shown in full in the body (see the module docstring)."""
    if measure.table:
        return True
    if measure.status is not None and measure.status.status in ("off_course", "at_risk"):
        return True
    icon = measure.spc.variation_icon if measure.spc else None
    return bool(icon and icon.startswith("concern"))


def targets_in_order(results: PackResults) -> tuple[MeasureResult, ...]:
    """The measures with a target, in the order of the paper's objectives and milestones."""
    by_id = {m.id: m for m in results.measures}
    ids = [t for o in results.paper.objectives for m in o.milestones for t in m.targets]
    ordered = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    rest = [m for m in results.measures if m.target is not None and m not in ordered]
    return (*ordered, *rest)


def summary_row(m: MeasureResult) -> SummaryRow:
    spc = m.spc
    v_code = spc.variation_icon if spc else None
    a_code = spc.assurance_icon if spc else None
    v_label, a_label = words.variation_label(v_code), words.assurance_label(a_code)
    return SummaryRow(
        measure=m,
        status=words.status_word(m.status),
        status_code=m.status.status if m.status else "",
        movement=words.movement_text(m.status),
        variation_svg=variation_icon(v_code, v_label),
        variation_label=v_label,
        variation_short=words.variation_short(v_code),
        assurance_svg=assurance_icon(a_code, a_label),
        assurance_label=a_label,
        assurance_short=words.assurance_short(a_code),
        action=words.action_text(m.action) if m.action else None,
    )


def build_summary(results: PackResults) -> Summary:
    targets = targets_in_order(results)
    actions = tuple(
        words.action_line(m.title, m.action)
        for m in targets
        if m.action and m.status and m.status.status != "on_course"
    )
    return Summary(
        rows=tuple(summary_row(m) for m in targets),
        counts=words.counts_sentence(targets),
        since=words.since_sentence(results.previous, targets),
        rules=words.rules_note(results.status_rules),
        actions=actions,
        milestone_rows=milestone_rows(results),
    )


def milestone_rows(results: PackResults) -> tuple[MilestoneRow, ...]:
    listing = results.milestones
    if listing is None:
        return ()
    rows = []
    for objective in results.paper.objectives:
        lines = [line for line in listing.milestones if line.objective_id == objective.id]
        due = [line for line in lines if line.due]
        rows.append(
            MilestoneRow(
                objective=f"{objective.id}. {objective.title}",
                milestones=len(lines),
                due=len(due),
                received=sum(1 for line in due if line.received),
                awaited=sum(1 for line in due if line.state == "awaited"),
                overdue=sum(1 for line in lines if line.overdue),
                achieved=sum(1 for line in lines if line.state == "achieved"),
            )
        )
    return tuple(rows)
