"""Every measure with its statistics: the measures engine's results, plus what tells signal
from noise.

``analyse(plan, engine, as_at)`` runs ``evaluate`` (the engine), asks the engine for the peer
figures, then lets each measure's kind (``crimeplan.measures.kinds``) add to its result, on
its small monthly series:

``spc``          the XmR chart (NHS "Making Data Count"), rebased where the plan says
``change_test``  counts: the exact Poisson rate-ratio test of year to date against the
                 baseline period (exposure = days), with how dispersed the months are;
                 proportions and surveys: Wilson intervals, Newcombe's interval of the
                 difference and a two-proportion test
``forecast``     a calibrated year-end forecast, for count measures with a target
``peers``        the force against its Most Similar Group, with funnel-plot limits
``status``       a target's status (on course, at risk, off course) from the forecast
``facts``        runs, seasonal peak and trough, monthly average, shares, highest since,
                 largest contributors: data for the pack to phrase

Nothing here presents anything; everything lands in ``MeasuresResult``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from crimeplan.data.engine import Engine
from crimeplan.measures.compute import evaluate
from crimeplan.measures.kinds import KINDS
from crimeplan.measures.kinds.base import Evaluation, Period
from crimeplan.measures.status import with_status
from crimeplan.periods import FinancialYear, add_months, format_month
from crimeplan.plan.model import AreaRef, Plan
from crimeplan.results.measure import MeasuresResult
from crimeplan.stats.peers import PeerFigure

#: The rolling window over which the force is compared with its peers.
PEER_MONTHS = 12


def analyse(
    plan: Plan,
    engine: Engine,
    as_at: date,
    *,
    area: AreaRef | None = None,
) -> MeasuresResult:
    """Every measure of ``plan`` as at ``as_at``, with its statistics."""
    results = evaluate(plan, engine, as_at, area=area)
    first = add_months(as_at, -(PEER_MONTHS - 1))
    ev = Evaluation(
        plan=plan,
        engine=engine,
        period=Period.for_plan(plan, as_at),
        area=area,
        peers=_peer_figures(plan, engine, as_at) if area is None else {},
        peer_period=(format_month(first), format_month(as_at)),
        peers_before=(
            _peer_figures(plan, engine, add_months(as_at, -PEER_MONTHS)) if area is None else {}
        ),
        peer_period_before=(
            format_month(add_months(first, -PEER_MONTHS)),
            format_month(add_months(as_at, -PEER_MONTHS)),
        ),
    )
    measures = {m.id: m for m in plan.measures}
    analysed = tuple(
        KINDS[result.kind].analyse(measures[result.id], result, ev) for result in results.measures
    )
    return with_status(replace(results, measures=analysed))


# -- peers ------------------------------------------------------------------------------------
def _peer_figures(plan: Plan, engine: Engine, as_at: date) -> dict[str, dict[str, PeerFigure]]:
    """Peer figures over the 12 months to ``as_at``, by peer measure and force: counts with
    the force's population, proportions with their denominators."""
    wanted = sorted({m.peer_measure for m in plan.measures if m.peer_measure})
    if not wanted or plan.peers is None:
        return {}
    forces = [plan.force, *plan.peers.forces]
    first = add_months(as_at, -(PEER_MONTHS - 1))
    table = engine.table("peer_figures")
    rows = (
        table.filter(
            table.measure.isin(wanted),
            table.force.isin(forces),
            table.month >= first,
            table.month <= as_at,
        )
        .group_by(["measure", "force"])
        .aggregate(
            value=table.value.sum(),
            denominator=table.denominator.sum(),
            months=table.month.nunique(),
        )
        .to_pyarrow()
        .to_pylist()
    )
    populations = _force_populations(engine, forces, FinancialYear.of(as_at).start_year)
    out: dict[str, dict[str, PeerFigure]] = {}
    for row in rows:
        if int(row["months"]) < PEER_MONTHS:
            continue  # a force without the whole window is left out, not under-counted
        if row["denominator"] is None:
            population = populations.get(row["force"])
            if population is None:
                continue
            figure = PeerFigure(int(round(row["value"])), population)
        else:
            figure = PeerFigure(int(round(row["value"])), int(round(row["denominator"])))
        out.setdefault(row["measure"], {})[row["force"]] = figure
    return out


def _force_populations(engine: Engine, forces: Sequence[str], year: int) -> dict[str, int]:
    table = engine.table("populations")
    rows = (
        table.filter(table.area_level == "force", table.area.isin(list(forces)), table.year <= year)
        .order_by(["area", "year"])
        .to_pyarrow()
        .to_pylist()
    )
    latest: dict[str, int] = {}
    for row in rows:
        latest[row["area"]] = int(row["population"])
    return latest
