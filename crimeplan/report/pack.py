"""The board pack as data: the seed paper's structure, filled from a plan and its results.

``build_pack(plan, results, board_date, charts)`` arranges what every format shows: front
matter, numbered paragraphs running through the paper, the milestones and deliverables by
objective with their leads, cadence, status, due/overdue flag and latest update (from the
store, or the plan file), and for every measure a milestone reports a panel: its chart, and a
numbered paragraph of sentences generated from the computed statistics; the performance
position table of the numeric targets; repeat demand; the data used. The HTML, DOCX and PDF
renderers only lay it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from crimeplan.measures.results import MeasureResult, MeasuresResult
from crimeplan.periods import add_months, parse_month
from crimeplan.plan.model import Milestone, Plan

if TYPE_CHECKING:
    from crimeplan.measures.experiments import ExperimentResult
    from crimeplan.report.gather import PackResults, Repeats
    from crimeplan.report.narrative import Sentence


@dataclass(frozen=True)
class Paragraph:
    """A numbered paragraph (``number`` None for unnumbered text) with optional bullets."""

    number: int | None
    text: str
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasurePanel:
    """One measure in the paper: its chart (SVG, when rendered), a numbered paragraph of
    generated sentences (each number traceable to ``results.json``), results by area."""

    measure: MeasureResult
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...] = ()
    chart_svg: str | None = None
    alt_text: str = ""
    by_area: tuple[dict[str, Any], ...] = ()


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
    flag: str | None = None  # "overdue since 2013-07-09", "due: received 2013-05-01", …
    panels: tuple[MeasurePanel, ...] = ()

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
    milestone_summary: str | None = None
    milestone_notes: tuple[str, ...] = ()
    repeat_callers: Repeats | None = None
    repeat_victims: Repeats | None = None
    data_quality: tuple[str, ...] = ()
    panels: tuple[MeasurePanel, ...] = field(default_factory=tuple)
    experiments: tuple[ExperimentResult, ...] = ()

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


def build_pack(
    plan: Plan,
    results: PackResults | MeasuresResult,
    board_date: date | None = None,
    charts: Mapping[str, str] | None = None,
) -> BoardPack:
    """The pack for ``plan`` from its results. ``charts`` maps a measure id to its chart as
    SVG (``crimeplan.report.charts``); without it the pack has no charts."""
    from crimeplan.report.gather import PackResults

    pack_results = results if isinstance(results, PackResults) else None
    measures_result = results.measures if isinstance(results, PackResults) else results
    as_at = parse_month(measures_result.as_at)
    day_after = add_months(as_at, 1)
    numbering = _Numbering()
    purpose = numbering.paragraphs(plan.board.purpose)
    background = numbering.paragraphs(plan.board.background)
    by_id = {m.id: m for m in measures_result.measures}
    lines = {}
    if pack_results is not None and pack_results.milestones is not None:
        lines = {line.milestone_id: line for line in pack_results.milestones.lines}
    by_area = pack_results.by_area if pack_results is not None else {}
    all_panels: list[MeasurePanel] = []
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
            measure_ids = [t.measure for m in (milestone, *followers) for t in m.targets]
            measure_ids += [i for m in (milestone, *followers) for i in m.measures]
            measures = tuple(by_id[m] for m in dict.fromkeys(measure_ids) if m in by_id)
            status, update_date, update_by, texts, flag = _latest(milestone, lines)
            paragraphs = numbering.paragraphs(texts)
            panels = tuple(
                _panel(m, measures_result, numbering, charts or {}, by_area.get(m.id, ()))
                for m in measures
                if m.id not in {p.measure.id for p in all_panels}
            )
            all_panels += panels
            views.append(
                MilestoneView(
                    id=milestone.id,
                    title=milestone.title,
                    lead_line=lead_line(milestone),
                    status=status,
                    update_date=update_date,
                    update_by=update_by,
                    paragraphs=paragraphs,
                    measures=measures,
                    grouped=tuple((f.id, f.title) for f in followers),
                    flag=flag,
                    panels=panels,
                )
            )
        objectives.append(
            ObjectiveView(objective.id, objective.title, tuple(views), tuple(position))
        )
    return BoardPack(
        board=plan.board.name,
        board_date=(
            board_date
            or (pack_results.board_date if pack_results else None)
            or default_board_date(plan, as_at)
        ),
        agenda_item=plan.board.agenda_item,
        title=plan.board.report_title,
        plan_title=plan.title,
        force=plan.force,
        as_at=measures_result.as_at,
        as_at_label=f"{ordinal(day_after.day)} {day_after.strftime('%B %Y')}",
        purpose=purpose,
        background=background,
        objectives=tuple(objectives),
        financial=numbering.paragraphs(plan.board.financial_implications),
        legal=numbering.paragraphs(plan.board.legal_implications),
        recommendations=numbering.paragraphs(plan.board.recommendations),
        authors=tuple(plan.board.authors),
        results=measures_result,
        milestone_summary=(
            pack_results.milestones.summary()
            if pack_results is not None and pack_results.milestones is not None
            else None
        ),
        milestone_notes=(
            tuple(n for n in pack_results.milestones.notes if not n.startswith("The next board"))
            if pack_results is not None and pack_results.milestones is not None
            else ()
        ),
        repeat_callers=pack_results.repeat_callers if pack_results else None,
        repeat_victims=pack_results.repeat_victims if pack_results else None,
        data_quality=pack_results.data_quality if pack_results else (),
        panels=tuple(all_panels),
        experiments=pack_results.experiments if pack_results else (),
    )


def _latest(
    milestone: Milestone, lines: Mapping[str, Any]
) -> tuple[str, date | None, str | None, list[str], str | None]:
    """(status, update date, by, paragraphs, flag): from the milestone listing when there is
    one (the store's updates and the plan file's), else from the plan file."""
    line = lines.get(milestone.id)
    if line is not None:
        status = line.status
        update = status.latest_update
        texts = [t for t in update.note.split("\n\n") if t.strip()] if update else []
        return (
            status.latest_status,
            update.date if update else None,
            update.by if update else None,
            texts,
            status.flag,
        )
    latest = milestone.updates[-1] if milestone.updates else None
    return (
        latest.status if latest and latest.status else milestone.status,
        latest.date if latest else None,
        latest.by if latest else None,
        list(latest.text) if latest else [],
        None,
    )


def _panel(
    measure: MeasureResult,
    results: MeasuresResult,
    numbering: _Numbering,
    charts: Mapping[str, str],
    by_area: tuple[dict[str, Any], ...],
) -> MeasurePanel:
    from crimeplan.report.charts import chart_alt_text
    from crimeplan.report.narrative import measure_sentences

    sentences = measure_sentences(measure, results)
    topics: dict[str, list[str]] = {}
    for sentence in sentences:
        topics.setdefault(sentence.topic, []).append(sentence.text)
    return MeasurePanel(
        measure=measure,
        paragraphs=numbering.paragraphs([" ".join(texts) for texts in topics.values()]),
        sentences=sentences,
        chart_svg=charts.get(measure.id),
        alt_text=chart_alt_text(measure, measure.spc),
        by_area=by_area,
    )
