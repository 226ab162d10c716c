"""The board pack as data: the seed paper's structure, filled from a plan and its results.

``build_pack(plan, results, board_date)`` arranges what every format shows: front matter,
numbered paragraphs running through the paper, the milestones and deliverables by
objective with their leads, cadence, status and latest update, and the performance position
table of the numeric targets. The HTML, DOCX and PDF renderers only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crimeplan.measures.results import MeasureResult, MeasuresResult
from crimeplan.periods import add_months, parse_month
from crimeplan.plan.model import Milestone, Plan


@dataclass(frozen=True)
class Paragraph:
    """A numbered paragraph (``number`` None for unnumbered text) with optional bullets."""

    number: int | None
    text: str
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class MilestoneView:
    """A milestone as the paper shows it. Milestones ``reported_with`` another (the paper's
    four F targets under one lead line) are folded into it: their ids and titles follow."""

    id: str
    title: str
    lead_line: str
    status: str
    update_date: date | None
    update_by: str | None
    paragraphs: tuple[Paragraph, ...]
    measures: tuple[MeasureResult, ...]
    grouped: tuple[tuple[str, str], ...] = ()  # (id, title) of milestones reported with it

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *(title for _, title in self.grouped))


@dataclass(frozen=True)
class ObjectiveView:
    id: str
    title: str
    milestones: tuple[MilestoneView, ...]
    position: tuple[MeasureResult, ...]  # the numeric targets of this objective


@dataclass(frozen=True)
class BoardPack:
    board: str
    board_date: date | None
    agenda_item: str | None
    title: str
    plan_title: str
    force: str
    as_at: str
    as_at_label: str  # "1st May 2013": the day after the last month of data
    purpose: tuple[Paragraph, ...]
    background: tuple[Paragraph, ...]
    objectives: tuple[ObjectiveView, ...]
    financial: tuple[Paragraph, ...]
    legal: tuple[Paragraph, ...]
    recommendations: tuple[Paragraph, ...]
    authors: tuple[str, ...]
    results: MeasuresResult

    @property
    def targets(self) -> tuple[MeasureResult, ...]:
        return tuple(m for o in self.objectives for m in o.position)


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def lead_line(milestone: Milestone) -> str:
    """``Lead ACC Forsyth – Six monthly update proposed``, as the seed writes it."""
    if milestone.status == "achieved" and not milestone.leads:
        return "Milestone achieved"
    parts = []
    if milestone.leads:
        word = "Lead" if len(milestone.leads) == 1 else "Leads"
        parts.append(f"{word} {' and '.join(milestone.leads)}")
    if milestone.cadence:
        cadence = {
            "six-monthly": "Six monthly",
            "monthly": "Monthly",
            "quarterly": "Quarterly",
            "annual": "Annual",
        }[milestone.cadence]
        text = f"{cadence} update"
        if milestone.cadence_note:
            text += f" {milestone.cadence_note}"
        parts.append(text)
    if milestone.status == "achieved":
        parts.append("Milestone achieved")
    return " – ".join(parts) if parts else "No lead or reporting cadence set"


class _Numbering:
    def __init__(self) -> None:
        self.next = 1

    def paragraphs(self, texts: list[str]) -> tuple[Paragraph, ...]:
        out = []
        for text in texts:
            lines = [line for line in text.splitlines() if line.strip()]
            bullets = tuple(line.strip()[2:] for line in lines if line.strip().startswith("- "))
            body = " ".join(line.strip() for line in lines if not line.strip().startswith("- "))
            out.append(Paragraph(self.next, body, bullets))
            self.next += 1
        return tuple(out)


def default_board_date(plan: Plan, as_at: date) -> date | None:
    """The first board meeting after the as-at month ends."""
    after = add_months(as_at, 1)
    upcoming = [d for d in plan.board.meetings if d >= after]
    return upcoming[0] if upcoming else None


def build_pack(plan: Plan, results: MeasuresResult, board_date: date | None = None) -> BoardPack:
    as_at = parse_month(results.as_at)
    day_after = add_months(as_at, 1)
    numbering = _Numbering()
    purpose = numbering.paragraphs(plan.board.purpose)
    background = numbering.paragraphs(plan.board.background)
    by_id = {m.id: m for m in results.measures}
    objectives = []
    for objective in plan.objectives:
        views = []
        position: list[MeasureResult] = []
        grouped: dict[str, list[Milestone]] = {}
        for milestone in objective.milestones:
            if milestone.reported_with:
                grouped.setdefault(milestone.reported_with, []).append(milestone)
        for milestone in objective.milestones:
            position += [by_id[t.measure] for t in milestone.targets if t.measure in by_id]
            if milestone.reported_with:
                continue
            followers = grouped.get(milestone.id, [])
            latest = milestone.updates[-1] if milestone.updates else None
            measure_ids = [t.measure for m in (milestone, *followers) for t in m.targets]
            measure_ids += [i for m in (milestone, *followers) for i in m.measures]
            measures = tuple(by_id[m] for m in dict.fromkeys(measure_ids) if m in by_id)
            views.append(
                MilestoneView(
                    id=milestone.id,
                    title=milestone.title,
                    lead_line=lead_line(milestone),
                    status=(latest.status if latest and latest.status else milestone.status),
                    update_date=latest.date if latest else None,
                    update_by=latest.by if latest else None,
                    paragraphs=numbering.paragraphs(latest.text if latest else []),
                    measures=measures,
                    grouped=tuple((f.id, f.title) for f in followers),
                )
            )
        objectives.append(
            ObjectiveView(objective.id, objective.title, tuple(views), tuple(position))
        )
    return BoardPack(
        board=plan.board.name,
        board_date=board_date or default_board_date(plan, as_at),
        agenda_item=plan.board.agenda_item,
        title=plan.board.report_title,
        plan_title=plan.title,
        force=plan.force,
        as_at=results.as_at,
        as_at_label=f"{ordinal(day_after.day)} {day_after.strftime('%B %Y')}",
        purpose=purpose,
        background=background,
        objectives=tuple(objectives),
        financial=numbering.paragraphs(plan.board.financial_implications),
        legal=numbering.paragraphs(plan.board.legal_implications),
        recommendations=numbering.paragraphs(plan.board.recommendations),
        authors=tuple(plan.board.authors),
        results=results,
    )
