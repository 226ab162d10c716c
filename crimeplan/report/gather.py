"""Everything a board pack shows, gathered once from the store: the one results object
between computing and presenting.

``gather(plan, store, as_at, board_date)`` returns ``PackResults``: the measures with their
statistics (``analyse``), the milestones at the board meeting (leads' updates from the store
and the plan file, with what is due and overdue), repeat demand (the highest repeat callers
and repeat victims, pseudonymised ids and counts only), survey results by local policing
unit, the experiments the plan defines (``evaluate_experiment``), and data-quality notes.
``PackResults.to_dict()`` is ``results.json``: the measures JSON object with these keys
added. Every renderer (HTML, DOCX, PDF) reads only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis

from crimeplan.data.counts import quality_notes, summarise_notes
from crimeplan.data.store import Store
from crimeplan.measures.analysis import analyse
from crimeplan.measures.experiments import ExperimentResult, evaluate_experiment
from crimeplan.measures.results import MeasuresResult
from crimeplan.milestones.listing import MilestoneListing, milestone_listing
from crimeplan.milestones.updates import read_updates
from crimeplan.periods import FinancialYear, add_months, format_month
from crimeplan.plan.model import Measure, Plan
from crimeplan.stats.significance import wilson_interval

#: How many of the highest repeat callers and victims the pack lists.
TOP = 10
#: The window for repeat demand: the 12 months to the as-at month.
REPEAT_MONTHS = 12


@dataclass(frozen=True)
class Repeats:
    """The highest repeat callers (or victims) over a window: pseudonymised ids and counts."""

    kind: str  # "callers" | "victims"
    period: tuple[str, str]
    people: int  # distinct callers or victims
    records: int  # calls or crimes with an id
    repeat_people: int  # with two or more
    repeat_records: int  # their calls or crimes
    top: tuple[tuple[str, int], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "period": list(self.period),
            "people": self.people,
            "records": self.records,
            "repeat_people": self.repeat_people,
            "repeat_records": self.repeat_records,
            "repeat_share_pct": round(100 * self.repeat_records / self.records, 2)
            if self.records
            else None,
            "top": [{"id": pid, "count": n} for pid, n in self.top],
        }


@dataclass(frozen=True)
class PackResults:
    """What a board pack shows, as data."""

    measures: MeasuresResult
    board_date: date | None
    milestones: MilestoneListing | None
    repeat_callers: Repeats | None = None
    repeat_victims: Repeats | None = None
    by_area: dict[str, tuple[dict[str, Any], ...]] = field(default_factory=dict)
    data_quality: tuple[str, ...] = ()
    experiments: tuple[ExperimentResult, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = self.measures.to_dict()
        out["board_date"] = self.board_date.isoformat() if self.board_date else None
        out["milestones"] = self.milestones.to_dict() if self.milestones else None
        out["repeat_callers"] = self.repeat_callers.to_dict() if self.repeat_callers else None
        out["repeat_victims"] = self.repeat_victims.to_dict() if self.repeat_victims else None
        out["by_area"] = {k: list(v) for k, v in sorted(self.by_area.items())}
        out["data_quality"] = list(self.data_quality)
        out["experiments"] = [e.to_dict() for e in self.experiments]
        return out


def gather(plan: Plan, store: Store, as_at: date, board_date: date | None = None) -> PackResults:
    """Compute everything the pack for ``plan`` as at ``as_at`` shows."""
    from crimeplan.report.pack import default_board_date

    backend = store.ibis()
    measures = analyse(plan, backend, as_at)
    meeting = board_date or default_board_date(plan, as_at)
    listing = None
    if plan.board.meetings or board_date:
        day = meeting or add_months(as_at, 1)
        listing = milestone_listing(
            plan, read_updates(store, plan.title), today=day, due_at=day, extra_meeting=True
        )
    first = add_months(as_at, -(REPEAT_MONTHS - 1))
    period = (format_month(first), format_month(as_at))
    ytd_first = FinancialYear.of(as_at).shift(-1).first_month
    return PackResults(
        measures=measures,
        board_date=meeting,
        milestones=listing,
        repeat_callers=repeats(backend, plan, "incidents", "caller_id", first, as_at, period),
        repeat_victims=repeats(backend, plan, "crimes", "victim_id", first, as_at, period),
        by_area={
            m.id: rows
            for m in plan.measures
            if m.kind == "survey" and (rows := survey_by_lpu(backend, plan, m, as_at))
        },
        data_quality=tuple(
            summarise_notes(quality_notes(store, force=plan.force, first=ytd_first, last=as_at))
        ),
        experiments=tuple(evaluate_experiment(backend, plan, e, as_at) for e in plan.experiments),
    )


def repeats(
    backend: ibis.BaseBackend,
    plan: Plan,
    source: str,
    column: str,
    first: date,
    last: date,
    period: tuple[str, str],
) -> Repeats | None:
    """Callers (or victims) by how many calls (or crimes) they made, in one grouped query."""
    table = backend.table(source)
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
            repeat_people=per_person.count(where=per_person.n >= 2),
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
    return Repeats(
        kind="callers" if source == "incidents" else "victims",
        period=period,
        people=int(summary["people"]),
        records=int(summary["records"] or 0),
        repeat_people=int(summary["repeat_people"] or 0),
        repeat_records=int(summary["repeat_records"] or 0),
        top=tuple((str(r[column])[:12], int(r["n"])) for r in top),
    )


def survey_by_lpu(
    backend: ibis.BaseBackend, plan: Plan, measure: Measure, as_at: date
) -> tuple[dict[str, Any], ...]:
    """A survey measure's latest period by local policing unit, with Wilson intervals."""
    table = backend.table("survey_responses")
    rows = table.filter(
        table.force == plan.force,
        table.survey == measure.survey,
        table.question == measure.question,
        table.area_level == "lpu",
        table.period_end < add_months(as_at, 1),
    )
    latest = rows.aggregate(end=rows.period_end.max()).to_pyarrow().to_pylist()[0]["end"]
    if latest is None:
        return ()
    if measure.window == "rolling_12":
        first = add_months(date(latest.year, latest.month, 1), -11)
        chosen = rows.filter(rows.period_start >= first, rows.period_end <= latest)
    else:
        chosen = rows.filter(rows.period_end == latest)
    grouped = (
        chosen.group_by("area")
        .aggregate(
            positive=chosen.positive.sum(),
            respondents=chosen.respondents.sum(),
            wave=chosen.wave.max(),
        )
        .order_by("area")
        .to_pyarrow()
        .to_pylist()
    )
    out = []
    for row in grouped:
        n, x = int(row["respondents"]), int(row["positive"])
        if not n:
            continue
        low, high = wilson_interval(x, n)
        out.append(
            {
                "area": row["area"],
                "wave": row["wave"],
                "positive": x,
                "respondents": n,
                "value_pct": round(100 * x / n, 2),
                "ci95": [round(low, 2), round(high, 2)],
            }
        )
    return tuple(out)
