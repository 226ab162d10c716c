"""The board pack as data: the seed paper's structure, filled from the pack's results.

``build_pack(results, charts)`` arranges what every format shows, from ``PackResults``
alone (the plan file's text and structure travel in ``results.paper``): front
matter, numbered paragraphs running through the paper, the milestones and deliverables by
objective with their leads, cadence, status, due/overdue flag and latest update (from the
store, or the plan file), and for every measure a milestone reports a panel: its chart, and a
numbered paragraph of sentences generated from the computed statistics; the performance
position table of the numeric targets; repeat demand; the data used. Every word the pack
adds to the results is made here or in ``crimeplan.report.narrative``; the HTML, DOCX and
PDF renderers only lay it out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from crimeplan.periods import add_months, parse_month
from crimeplan.report.narrative import Sentence, measure_sentences
from crimeplan.report.narrative import commentary as commentary_words
from crimeplan.report.narrative import experiments as experiment_words
from crimeplan.report.narrative import milestones as milestone_words
from crimeplan.report.narrative import repeats as repeat_words
from crimeplan.report.narrative.dates import long_date, month_label, month_span
from crimeplan.report.narrative.notes import (
    comparison_text,
    data_note,
    measure_note,
    quality_note,
    source_rows,
)
from crimeplan.report.narrative.peers import peer_statement, same_peers_sentence
from crimeplan.report.narrative.position import (
    ONE_LINES_LEAD,
    action_text,
    missing_action_notes,
    one_line,
    status_sentence,
)
from crimeplan.report.summary import Summary, build_summary, is_exception
from crimeplan.results.experiments import ExperimentResult
from crimeplan.results.measure import MeasureResult
from crimeplan.results.milestones import MilestoneLine, NextMeeting
from crimeplan.results.pack import MilestoneOutline, PackResults, Repeats, SurveyArea


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
    by_area: tuple[SurveyArea, ...] = ()
    #: the caption words of the peer table and of the published table
    peer_caption: str = ""
    published_caption: str = ""
    #: a target's status and movement in words ("off course; moved from at risk to off
    #: course") and its action, for the exceptions in the body
    status_text: str | None = None
    action_text: str | None = None
    #: False when an earlier panel showed the same Most Similar Group table (a count and its
    #: rate per 1,000 share one): the paragraph then points to it instead
    show_peers: bool = True


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
    flag: str | None = None  # "overdue since 9 July 2013", "due at this meeting and received …"
    panels: tuple[MeasurePanel, ...] = ()
    #: one line each for the measures that are not exceptions (their panels: the appendix)
    lines: tuple[str, ...] = ()
    #: the index of the paragraph that promises the objective's position table ("as shown
    #: in the following table"): the table follows it
    position_after: int | None = None
    lines_lead: str = ONE_LINES_LEAD

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *(title for _, title in self.grouped))


@dataclass(frozen=True)
class ExperimentView:
    """An experiment as the paper shows it: its table's rows and its sentence."""

    result: ExperimentResult
    caption_note: str | None
    rows: tuple[tuple[str, str], ...]
    sentence: str


@dataclass(frozen=True)
class ObjectiveView:
    id: str
    title: str
    milestones: tuple[MilestoneView, ...]
    position: tuple[MeasureResult, ...]  # the numeric targets of this objective
    #: whether a milestone's paragraph promised the position table (shown after it)
    position_placed: bool = False


@dataclass(frozen=True)
class BoardPack:
    board: str
    board_date: date | None
    agenda_item: str | None
    title: str
    plan_title: str
    force: str
    as_at: str
    as_at_label: str  # "1 May 2013": the day after the last month of data
    purpose: tuple[Paragraph, ...]
    background: tuple[Paragraph, ...]
    objectives: tuple[ObjectiveView, ...]
    financial: tuple[Paragraph, ...]
    legal: tuple[Paragraph, ...]
    recommendations: tuple[Paragraph, ...]
    authors: tuple[str, ...]
    results: PackResults
    milestone_summary: str | None = None
    milestone_notes: tuple[str, ...] = ()
    repeat_callers: Repeats | None = None
    repeat_victims: Repeats | None = None
    data_notes: tuple[str, ...] = ()
    data_quality: tuple[str, ...] = ()
    panels: tuple[MeasurePanel, ...] = field(default_factory=tuple)
    experiments: tuple[ExperimentView, ...] = ()
    #: each measure's comparison, in words, by measure id
    comparisons: Mapping[str, str] = field(default_factory=dict)
    #: the warning at the top of a pack computed from synthetic data
    banner: str | None = None
    #: the analyst's annex of commentary checks (``--annex checks``), None without it
    checks: tuple[commentary_words.CheckRow, ...] | None = None
    checks_summary: str = ""
    checks_heading: str = commentary_words.HEADING
    checks_caption: str = commentary_words.CAPTION
    #: the position first: every target, its status, icons and movement; the milestones
    summary: Summary | None = None
    #: the panels of the measures that are not exceptions, after the paper's body
    appendix: tuple[MeasurePanel, ...] = ()
    #: for the analyst: targets off course without an action
    analyst_notes: tuple[str, ...] = ()
    #: every measure in full in the body (``--full``), no appendix
    full: bool = False
    #: the last month of data and the year to date, in words: "April 2013", "April to June 2013"
    data_to: str = ""
    year_to_date: str = ""
    #: the repeat callers' and victims' tables (numbered, never their pseudonyms)
    repeat_tables: tuple[repeat_words.RepeatTable, ...] = ()
    #: the "Data used" table: (source, files, rows, months)
    sources: tuple[tuple[str, str, str, str], ...] = ()

    @property
    def targets(self) -> tuple[MeasureResult, ...]:
        return tuple(m for o in self.objectives for m in o.position)


def lead_line(milestone: MilestoneOutline) -> str:
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


#: A paragraph that promises the position table.
PROMISES_TABLE = re.compile(r"\bfollowing table\b", re.IGNORECASE)


def build_pack(
    results: PackResults,
    charts: Mapping[str, str] | None = None,
    annex: Sequence[str] = (),
    *,
    full: bool = False,
) -> BoardPack:
    """The pack from its results. ``charts`` maps a measure id to its chart as SVG
    (``crimeplan.report.charts``); without it the pack has no charts. ``annex`` names the
    analyst's annexes to add (``"checks"``: the commentary checks). The body shows the
    exceptions (``crimeplan.report.summary.is_exception``) in full and the other measures in
    one line each, their panels in the appendix; ``full`` shows every measure in full."""
    board = results.paper.board
    as_at = parse_month(results.as_at)
    day_after = add_months(as_at, 1)
    numbering = _Numbering()
    purpose = numbering.paragraphs(list(board.purpose))
    background = numbering.paragraphs(list(board.background))
    by_id = {m.id: m for m in results.measures}
    listing = results.milestones
    lines = {line.milestone_id: line for line in listing.milestones} if listing else {}
    all_panels: list[MeasurePanel] = []
    deferred: list[MeasureResult] = []
    objectives = []
    for objective in results.paper.objectives:
        views = []
        position: list[MeasureResult] = []
        grouped: dict[str, list[MilestoneOutline]] = {}
        for milestone in objective.milestones:
            if milestone.reported_with:
                grouped.setdefault(milestone.reported_with, []).append(milestone)
        for milestone in objective.milestones:
            position += [by_id[t] for t in milestone.targets if t in by_id]
            if milestone.reported_with:
                continue
            followers = grouped.get(milestone.id, [])
            measure_ids = [t for m in (milestone, *followers) for t in m.targets]
            measure_ids += [i for m in (milestone, *followers) for i in m.measures]
            measures = tuple(by_id[m] for m in dict.fromkeys(measure_ids) if m in by_id)
            status, update_date, update_by, texts, flag = _latest(milestone, lines)
            paragraphs = numbering.paragraphs(texts)
            promise = next(
                (k for k, p in enumerate(paragraphs) if PROMISES_TABLE.search(p.text)), None
            )
            placed = {p.measure.id for p in all_panels} | {m.id for m in deferred}
            fresh = [m for m in measures if m.id not in placed]
            start = len(all_panels)
            for m in fresh:
                if full or is_exception(m):
                    all_panels.append(_panel(m, results, numbering, charts or {}, all_panels))
            panels = tuple(all_panels[start:])
            others = [m for m in fresh if not (full or is_exception(m))]
            deferred += others
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
                    lines=tuple(one_line(measure_sentences(m, results)) for m in others),
                    position_after=promise,
                )
            )
        placed_table = any(v.position_after is not None for v in views) and bool(position)
        objectives.append(
            ObjectiveView(
                objective.id, objective.title, tuple(views), tuple(position), placed_table
            )
        )
    financial = numbering.paragraphs(list(board.financial_implications))
    legal = numbering.paragraphs(list(board.legal_implications))
    recommendations = numbering.paragraphs(list(board.recommendations))
    shown = list(all_panels)
    for m in deferred:  # a peer table shown in the body is not shown again in the appendix
        shown.append(_panel(m, results, numbering, charts or {}, shown))
    appendix = tuple(shown[len(all_panels) :])
    return BoardPack(
        board=board.name,
        board_date=results.board_date,
        agenda_item=board.agenda_item,
        title=board.report_title,
        plan_title=results.plan.title,
        force=results.plan.force,
        as_at=results.as_at,
        as_at_label=long_date(day_after),
        purpose=purpose,
        background=background,
        objectives=tuple(objectives),
        financial=financial,
        legal=legal,
        recommendations=recommendations,
        authors=board.authors,
        results=results,
        milestone_summary=milestone_words.summary(listing) if listing else None,
        milestone_notes=tuple(
            milestone_words.listing_note(n)
            for n in (listing.notes if listing else ())
            if not isinstance(n, NextMeeting)
        ),
        repeat_callers=results.repeat_callers,
        repeat_victims=results.repeat_victims,
        data_notes=tuple(data_note(n) for n in results.data_notes),
        data_quality=tuple(quality_note(n) for n in results.data_quality),
        panels=tuple(all_panels),
        experiments=tuple(
            ExperimentView(
                result=e,
                caption_note=experiment_words.so_far(e),
                rows=tuple(experiment_words.table_rows(e)),
                sentence=experiment_words.sentence(e, results.as_at),
            )
            for e in results.experiments
        ),
        comparisons={m.id: comparison_text(m.comparison) for m in results.measures},
        banner=synthetic_banner(results),
        checks=commentary_words.rows(results.commentary_checks) if "checks" in annex else None,
        checks_summary=commentary_words.summary(results.commentary_checks),
        summary=build_summary(results),
        appendix=appendix,
        analyst_notes=tuple(missing_action_notes(results)),
        full=full,
        data_to=month_label(results.as_at),
        year_to_date=month_span(*results.period.year_to_date),
        repeat_tables=tuple(
            table
            for r in (results.repeat_callers, results.repeat_victims)
            if r is not None
            for table in (repeat_words.repeat_table(r), repeat_words.lpu_table(r))
            if table is not None
        ),
        sources=tuple(source_rows(results.sources)),
    )


def synthetic_banner(results: PackResults) -> str | None:
    """The warning a pack of synthetic data carries, naming the force it is not about."""
    if not results.synthetic_data:
        return None
    text = (
        "This pack is computed from SYNTHETIC demo data generated by crimeplan. Its figures "
        f"are illustrative, not {results.plan.force} statistics"
    )
    published = [m.title for m in results.measures if m.kind == "published" and m.table]
    if published:
        text += f"; the figures for {_and_list(published)} are the ones published"
    return text + "."


def _and_list(names: Sequence[str]) -> str:
    """``["a"]`` → ``"a"``; ``["a", "b", "c"]`` → ``"a, b and c"``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _latest(
    milestone: MilestoneOutline, lines: Mapping[str, MilestoneLine]
) -> tuple[str, date | None, str | None, list[str], str | None]:
    """(status, update date, by, paragraphs, flag): from the milestone listing when there is
    one (the store's updates and the plan file's), else from the plan file."""
    line = lines.get(milestone.id)
    update = line.latest_update if line is not None else milestone.latest_update
    texts = [t for t in update.note.split("\n\n") if t.strip()] if update else []
    if line is not None:
        status = line.latest_status
        flag: str | None = milestone_words.flag(line)
    else:
        status = update.status if update and update.status else milestone.status
        flag = None
    return (
        status,
        update.date if update else None,
        update.by if update else None,
        texts,
        flag,
    )


def _panel(
    measure: MeasureResult,
    results: PackResults,
    numbering: _Numbering,
    charts: Mapping[str, str],
    earlier: Sequence[MeasurePanel] = (),
) -> MeasurePanel:
    from crimeplan.report.charts import chart_alt_text

    sentences = measure_sentences(measure, results)
    shown = next(
        (
            p.measure
            for p in earlier
            if measure.peers is not None and p.show_peers and p.measure.peers == measure.peers
        ),
        None,
    )
    if shown is not None:
        sentences = tuple(s for s in sentences if s.topic != "peers") + (
            same_peers_sentence(shown.title),
        )
    topics: dict[str, list[str]] = {}
    for sentence in sentences:
        topics.setdefault(sentence.topic, []).append(sentence.text)
    return MeasurePanel(
        measure=measure,
        paragraphs=numbering.paragraphs([" ".join(texts) for texts in topics.values()]),
        sentences=sentences,
        chart_svg=charts.get(measure.id),
        alt_text=chart_alt_text(measure),
        by_area=results.by_area.get(measure.id, ()),
        peer_caption=peer_caption(measure),
        published_caption=published_caption(measure),
        status_text=status_sentence(measure.status),
        action_text=action_text(measure.action) if measure.action else None,
        show_peers=shown is None,
    )


def peer_caption(measure: MeasureResult) -> str:
    """The caption of a measure's peer table: where the force lies, over which months."""
    peers = measure.peers
    if peers is None or peers.period is None:
        return ""
    first, last = peers.period
    return f"{measure.title}: {peer_statement(peers)} ({month_span(first, last)})"


def published_caption(measure: MeasureResult) -> str:
    """The caption of a published table: which publication, area and cohort."""
    return f"{measure.title}: {measure_note(measure.notes[0]) if measure.notes else ''}"
