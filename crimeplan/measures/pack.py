"""Everything a board pack shows, computed once: ``evaluate_pack``.

``evaluate_pack(plan, engine, as_at, board_date)`` returns ``PackResults``: the measures with
their statistics (``analyse``), the paper's structure and text from the plan file, the
milestones at the board meeting (leads' updates from the store and the plan file, with what
is due and overdue), repeat demand (the highest repeat callers and repeat victims,
pseudonymised ids and counts only), survey results by local policing unit, the experiments
the plan defines, data-quality notes and the leads' updates checked against the figures
(``crimeplan.measures.commentary``). Every query the pack needs happens here, through the
engine, so that the same pack comes from DuckDB, PostgreSQL or any engine the seam takes;
the renderers read only the result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Literal

import ibis

from crimeplan.codec import from_dict
from crimeplan.data.counts import QualityNote as RowNote
from crimeplan.data.counts import quality_notes
from crimeplan.data.engine import Engine
from crimeplan.data.packs import previous_pack
from crimeplan.errors import CrimeplanError
from crimeplan.measures.analysis import analyse
from crimeplan.measures.commentary import check_commentary
from crimeplan.measures.experiments import evaluate_experiment
from crimeplan.measures.kinds import KINDS
from crimeplan.measures.status import previous_position, with_previous
from crimeplan.milestones.actions import read_actions
from crimeplan.milestones.listing import milestone_listing
from crimeplan.milestones.schedule import default_board_date, plan_updates
from crimeplan.milestones.updates import read_updates
from crimeplan.periods import FinancialYear, add_months, format_month
from crimeplan.plan.model import Milestone, Plan
from crimeplan.results.measure import MeasuresResult
from crimeplan.results.pack import (
    Board,
    MilestoneOutline,
    ObjectiveOutline,
    PackResults,
    Paper,
    QualityCode,
    QualityNote,
    RepeatArea,
    RepeatEntry,
    Repeats,
)
from crimeplan.results.position import PreviousPack

#: How many of the highest repeat callers and victims the pack lists.
TOP = 10
#: The window for repeat demand: the 12 months to the as-at month.
REPEAT_MONTHS = 12


def evaluate_pack(
    plan: Plan,
    engine: Engine,
    as_at: date,
    board_date: date | None = None,
    previous: PackResults | None = None,
) -> PackResults:
    """Compute everything the pack for ``plan`` as at ``as_at`` shows (see the module
    docstring). ``board_date`` is the meeting the pack goes to (default: the plan's first
    meeting after the as-at month). ``previous`` is the previous meeting's pack (default: the
    latest the store keeps for the plan before ``as_at``); each target's status says how it
    moved since then."""
    measures = with_stored_actions(analyse(plan, engine, as_at), engine, plan.title)
    meeting = board_date or default_board_date(plan.board.meetings, as_at)
    listing = None
    if plan.board.meetings or board_date:
        day = meeting or add_months(as_at, 1)
        listing = milestone_listing(
            plan, read_updates(engine, plan.title), today=day, due_at=day, extra_meeting=True
        )
    first = add_months(as_at, -(REPEAT_MONTHS - 1))
    period = (format_month(first), format_month(as_at))
    ytd_first = FinancialYear.of(as_at).shift(-1).first_month
    notes = quality_notes(engine, force=plan.force, first=ytd_first, last=as_at)
    source: Literal["store", "file"] = "file"
    if previous is None:
        previous, source = kept_previous(engine, plan.title, as_at), "store"
    pack = PackResults.of(
        measures,
        board_date=meeting,
        paper=paper(plan),
        milestones=listing,
        repeat_callers=repeats(engine, plan, "incidents", "caller_id", first, as_at, period),
        repeat_victims=repeats(engine, plan, "crimes", "victim_id", first, as_at, period),
        by_area={
            m.id: rows
            for m in plan.measures
            if (rows := KINDS[m.kind].by_area(m, engine, plan, as_at))
        },
        data_quality=summarise_quality(notes),
        experiments=tuple(evaluate_experiment(engine, plan, e, as_at) for e in plan.experiments),
    )
    pack = replace(pack, commentary_checks=check_commentary(pack))
    return pack if previous is None else since_previous(pack, previous, source)


def checkable_results(plan: Plan, engine: Engine, as_at: date) -> PackResults:
    """The parts of the pack a lead's update is checked against (the measures, the paper's
    milestones and the experiments), for ``crimeplan update``: quicker than the whole pack."""
    return PackResults.of(
        analyse(plan, engine, as_at),
        paper=paper(plan),
        experiments=tuple(evaluate_experiment(engine, plan, e, as_at) for e in plan.experiments),
    )


def with_stored_actions(
    measures: MeasuresResult, engine: Engine, plan_title: str
) -> MeasuresResult:
    """The targets' actions, the store's (``crimeplan update --action``) in place of the plan
    file's."""
    try:
        stored = read_actions(engine, plan_title)
    except Exception:  # a store without the table (read-only, before migration 4)
        return measures
    return replace(
        measures,
        measures=tuple(
            replace(m, action=stored[m.id]) if m.target and m.id in stored else m
            for m in measures.measures
        ),
    )


# -- the previous meeting ------------------------------------------------------------------
def kept_previous(engine: Engine, plan_title: str, as_at: date) -> PackResults | None:
    """The latest pack the store keeps for the plan before ``as_at`` (None if there is none,
    or if it was written by a version of crimeplan whose results this one cannot read)."""
    try:
        text = previous_pack(engine, plan_title, as_at)
    except Exception:  # a store without the table (read-only, before migration 4)
        return None
    if text is None:
        return None
    try:
        return from_dict(PackResults, json.loads(text), source="the previous pack")
    except (CrimeplanError, ValueError):
        return None


def since_previous(
    pack: PackResults, previous: PackResults, source: Literal["store", "file"]
) -> PackResults:
    """``pack`` with each target's position in ``previous`` and how its status moved."""
    if previous.as_at >= pack.as_at:
        raise CrimeplanError(
            f"the previous pack is as at {previous.as_at}, not before this pack's {pack.as_at}; "
            "give the results of an earlier meeting's pack"
        )
    positions = {
        m.id: previous_position(m, previous.as_at, previous.board_date)
        for m in previous.measures
        if m.target is not None
    }
    measures = with_previous(pack.as_measures(), positions)
    return replace(
        pack,
        measures=measures.measures,
        previous=PreviousPack(as_at=previous.as_at, board_date=previous.board_date, source=source),
    )


# -- the paper ---------------------------------------------------------------------------------
def paper(plan: Plan) -> Paper:
    """The paper's structure and fixed text, as the plan file writes them."""
    board = plan.board
    return Paper(
        board=Board(
            name=board.name,
            agenda_item=board.agenda_item,
            report_title=board.report_title,
            meetings=tuple(board.meetings),
            purpose=tuple(board.purpose),
            background=tuple(board.background),
            financial_implications=tuple(board.financial_implications),
            legal_implications=tuple(board.legal_implications),
            recommendations=tuple(board.recommendations),
            authors=tuple(board.authors),
        ),
        objectives=tuple(
            ObjectiveOutline(
                id=o.id,
                title=o.title,
                milestones=tuple(_milestone(m) for m in o.milestones),
            )
            for o in plan.objectives
        ),
    )


def _milestone(milestone: Milestone) -> MilestoneOutline:
    updates = plan_updates(milestone)
    return MilestoneOutline(
        id=milestone.id,
        title=milestone.title,
        leads=tuple(milestone.leads),
        cadence=milestone.cadence,
        cadence_note=milestone.cadence_note,
        status=milestone.status,
        reported_with=milestone.reported_with,
        measures=tuple(milestone.measures),
        targets=tuple(t.measure for t in milestone.targets),
        latest_update=max(updates, key=lambda u: u.order) if updates else None,
    )


# -- repeat demand -----------------------------------------------------------------------------
def repeats(
    engine: Engine,
    plan: Plan,
    source: str,
    column: str,
    first: date,
    last: date,
    period: tuple[str, str],
) -> Repeats | None:
    """Callers (or victims) by how many calls (or crimes) they made, in one grouped query."""
    table = engine.table(source)
    records = table.filter(
        table.force == plan.force,
        table.month >= first,
        table.month <= last,
        table[column].notnull(),
    )
    per_person = records.group_by(column).aggregate(n=records.count())
    summary = (
        per_person.aggregate(
            people=per_person.count(),
            records=per_person.n.sum(),
            repeat_people=engine.count_where(per_person, per_person.n >= 2),
            repeat_records=per_person.n.sum(where=per_person.n >= 2),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    if not summary["people"]:
        return None
    top = (
        per_person.filter(per_person.n >= 2)
        .order_by([ibis.desc("n"), column])
        .limit(TOP)
        .to_pyarrow()
        .to_pylist()
    )
    records_n = int(summary["records"] or 0)
    repeat_records = int(summary["repeat_records"] or 0)
    by_lpu = _repeats_by_lpu(engine, records, column)
    return Repeats(
        kind="callers" if source == "incidents" else "victims",
        period=period,
        people=int(summary["people"]),
        records=records_n,
        repeat_people=int(summary["repeat_people"] or 0),
        repeat_records=repeat_records,
        repeat_share_pct=round(100 * repeat_records / records_n, 2) if records_n else None,
        top=tuple(RepeatEntry(id=str(r[column])[:12], count=int(r["n"])) for r in top),
        by_lpu=by_lpu,
    )


def _repeats_by_lpu(engine: Engine, records: ibis.Table, column: str) -> tuple[RepeatArea, ...]:
    """Repeat demand within each local policing unit, in one grouped query: the records'
    small areas to their LPU (each small area once, so no record is counted twice)."""
    areas = engine.table("areas")
    lpus = areas.filter(areas.lpu.notnull()).group_by("small_area").aggregate(lpu=areas.lpu.min())
    located = records.join(lpus, records.small_area == lpus.small_area)
    per_person = located.group_by(["lpu", column]).aggregate(n=located.count())
    rows = (
        per_person.group_by("lpu")
        .aggregate(
            people=per_person.count(),
            records=per_person.n.sum(),
            repeat_people=engine.count_where(per_person, per_person.n >= 2),
            repeat_records=per_person.n.sum(where=per_person.n >= 2),
            top_count=per_person.n.max(),
        )
        .order_by("lpu")
        .to_pyarrow()
        .to_pylist()
    )
    out = []
    for row in rows:
        records_n = int(row["records"] or 0)
        repeat_records = int(row["repeat_records"] or 0)
        out.append(
            RepeatArea(
                area=str(row["lpu"]),
                people=int(row["people"]),
                records=records_n,
                repeat_people=int(row["repeat_people"] or 0),
                repeat_records=repeat_records,
                repeat_share_pct=(
                    round(100 * repeat_records / records_n, 2) if records_n else None
                ),
                top_count=int(row["top_count"] or 0),
            )
        )
    return tuple(out)


# -- data quality ------------------------------------------------------------------------------
def summarise_quality(notes: Sequence[RowNote]) -> tuple[QualityNote, ...]:
    """The data layer's notes (one per force, kind and month) as one note per force and kind,
    with the months they were found in and the rows in all."""
    groups: dict[tuple[str, str], list[RowNote]] = {}
    for note in notes:
        groups.setdefault((note.force, note.kind), []).append(note)
    out = []
    for (force, kind), group in groups.items():
        code: QualityCode = kind  # type: ignore[assignment]
        first = group[0]
        out.append(
            QualityNote(
                code=code,
                force=force,
                rows=sum(n.rows for n in group),
                months=tuple(sorted(format_month(n.month) for n in group if n.month)),
                crime_ids=sum(n.ids for n in group if n.ids is not None) if first.ids else None,
                example=first.example,
                example_months=(
                    tuple(format_month(m) for m in first.example_months)
                    if first.example_months
                    else None
                ),
                share_pct=None if first.share_pct is None else round(first.share_pct, 1),
            )
        )
    return tuple(out)
