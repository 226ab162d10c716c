"""The experiments a plan defines, evaluated on the store as at a month.

``evaluate_experiment(engine, plan, experiment, as_at)`` counts the records of each arm
(or, for a randomised experiment, of each member area) in the before and after periods in
one grouped query (``area_set_counts``), then:

- ``before_after_control``: the difference in differences of the counts and the WDD test
  (``difference_in_differences``), a before period of another length scaled to the after
  period;
- ``randomised``: each member area of the treatment and control sets is a unit whose
  outcome is the change in its crimes per month from the before period to the after
  period (its crimes per month in the after period when there is no before period); the
  difference between the arms' means with its permutation p-value (``permutation_test``,
  a fixed seed) and the interval from inverting that test; and the WDD of the arms' totals.

An experiment whose after period ends after ``as_at`` is evaluated on its after months to
date ("5 of 12 months so far"); one whose after period begins after ``as_at`` is not
started.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Literal

from crimeplan.codec import from_dict
from crimeplan.data.engine import Engine
from crimeplan.measures.breakdown import area_set_counts
from crimeplan.periods import format_month
from crimeplan.plan.model import AreaSet, Experiment, Plan
from crimeplan.results.experiments import (
    ALPHA,
    AfterSoFar,
    ArmCounts,
    BeforeScaled,
    DifferenceInDifferences,
    ExperimentMonths,
    ExperimentNote,
    ExperimentResult,
    NoDisplacementControl,
    NoInterval,
    NoRecords,
    Permutation,
    PermutationSplits,
    Role,
    Status,
    Unit,
)
from crimeplan.stats.experiment import (
    DiD,
    difference_in_differences,
    permutation_interval,
    permutation_test,
)

#: the seed of the permutation test's random splits (when it does not count every split)
SEED = 20130514
ROLES: tuple[Role, ...] = ("treatment", "control", "displacement", "displacement_control")


def _span(months: list[date]) -> tuple[str, str]:
    return format_month(months[0]), format_month(months[-1])


def _headline(
    result: ExperimentResult,
    estimate: float | None,
    ci95: tuple[float, float] | None,
    p_value: float | None,
) -> ExperimentResult:
    """The result with its headline estimate, rounded as the results keep it."""
    return replace(
        result,
        estimate=None if estimate is None else round(estimate, 4),
        ci95=None if ci95 is None else (round(ci95[0], 4), round(ci95[1], 4)),
        p_value=None if p_value is None else round(p_value, 6),
        more_than_chance=None if p_value is None else p_value < ALPHA,
    )


def _did(did: DiD) -> DifferenceInDifferences:
    return from_dict(DifferenceInDifferences, did.to_dict())


def evaluate_experiment(
    engine: Engine,
    plan: Plan,
    experiment: Experiment,
    as_at: date | None = None,
) -> ExperimentResult:
    """``experiment`` on the store's records to ``as_at`` (every month of it when None)."""
    before = experiment.before_months
    after = experiment.after_months
    so_far = [m for m in after if as_at is None or m <= as_at]
    status: Status = "complete" if len(so_far) == len(after) else "in progress"
    if not so_far or (before and as_at is not None and before[-1] > as_at):
        status = "not started"
        so_far = []
    base = ExperimentResult(
        id=experiment.id,
        title=experiment.title,
        design=experiment.design,
        measure=experiment.measure,
        description=experiment.description,
        before=_span(before) if before else None,
        after=_span(after),
        evaluated_after=_span(so_far) if so_far else None,
        months=ExperimentMonths(before=len(before), after=len(after), after_so_far=len(so_far)),
        status=status,
    )
    if status == "not started":
        return base
    if experiment.design == "randomised":
        return _randomised(engine, plan, experiment, base, before, so_far)
    return _before_after(engine, plan, experiment, base, before, so_far)


def _before_after(
    engine: Engine,
    plan: Plan,
    experiment: Experiment,
    base: ExperimentResult,
    before: list[date],
    after: list[date],
) -> ExperimentResult:
    sets: dict[Role, str] = {
        role: getattr(experiment, role) for role in ROLES if getattr(experiment, role)
    }
    periods = {"before": before, "after": after}
    counts = area_set_counts(
        engine, plan, list(dict.fromkeys(sets.values())), periods, experiment.measure
    )

    def count(role: str, period: str) -> int | None:
        return counts[(sets[role], period)] if role in sets else None

    did = difference_in_differences(
        counts[(sets["treatment"], "before")],
        counts[(sets["treatment"], "after")],
        counts[(sets["control"], "before")],
        counts[(sets["control"], "after")],
        displacement_before=count("displacement", "before"),
        displacement_after=count("displacement", "after"),
        displacement_control_before=count("displacement_control", "before"),
        displacement_control_after=count("displacement_control", "after"),
        time_weights=(len(before) / len(after), 1.0),
    )
    arms = tuple(
        ArmCounts(
            role=role,
            area_set=name,
            members=tuple(plan.area_sets[name].members),
            before=counts[(name, "before")],
            after=counts[(name, "after")],
        )
        for role, name in sets.items()
    )
    notes = _period_notes(base, before, after)
    if "displacement" in sets and "displacement_control" not in sets:
        notes.append(NoDisplacementControl())
    notes += _empty_notes(arms, base)
    result = replace(base, arms=arms, did=_did(did), notes=tuple(notes))
    return _headline(result, did.did.estimate, did.did.ci95, did.did.p_value)


def _randomised(
    engine: Engine,
    plan: Plan,
    experiment: Experiment,
    base: ExperimentResult,
    before: list[date],
    after: list[date],
) -> ExperimentResult:
    members: dict[str, tuple[Literal["treatment", "control"], str]] = {}  # key → (arm, area)
    unit_sets: dict[str, AreaSet] = {}
    arm_roles: tuple[Literal["treatment", "control"], ...] = ("treatment", "control")
    for role in arm_roles:
        area_set = plan.area_sets[getattr(experiment, role)]
        for member in area_set.members:
            key = f"{role} unit: {member}"
            members[key] = (role, member)
            unit_sets[key] = AreaSet(level=area_set.level, members=[member])
    # one area set per member area, so that one query counts every unit
    units_plan = plan.model_copy(update={"area_sets": {**plan.area_sets, **unit_sets}})
    counts = area_set_counts(
        engine, units_plan, list(unit_sets), {"before": before, "after": after}, experiment.measure
    )
    units: list[Unit] = []
    raw_outcomes: list[float] = []
    for key, (arm, area) in members.items():
        n_before = counts[(key, "before")] if before else None
        n_after = counts[(key, "after")]
        before_rate = n_before / len(before) if n_before is not None else None
        after_rate = n_after / len(after)
        outcome = after_rate - (before_rate or 0.0)
        raw_outcomes.append(outcome)
        units.append(
            Unit(
                area=area,
                arm=arm,
                before=n_before,
                after=n_after,
                before_rate=None if before_rate is None else round(before_rate, 4),
                after_rate=round(after_rate, 4),
                outcome=round(outcome, 4),
            )
        )
    outcomes = {
        (u.area, u.arm): u_outcome for u, u_outcome in zip(units, raw_outcomes, strict=True)
    }
    treated = [outcomes[(u.area, u.arm)] for u in units if u.arm == "treatment"]
    control = [outcomes[(u.area, u.arm)] for u in units if u.arm == "control"]
    permutation = permutation_test(treated, control, seed=SEED)
    interval = permutation_interval(treated, control, seed=SEED)
    arms = tuple(
        ArmCounts(
            role=role,
            area_set=getattr(experiment, role),
            members=tuple(u.area for u in units if u.arm == role),
            before=sum(u.before or 0 for u in units if u.arm == role) if before else None,
            after=sum(u.after for u in units if u.arm == role),
        )
        for role in arm_roles
    )
    did = None
    if before:
        t, c = arms
        did = difference_in_differences(
            t.before or 0,
            t.after,
            c.before or 0,
            c.after,
            time_weights=(len(before) / len(after), 1.0),
        )
    notes = _period_notes(base, before, after, scaled=did is not None)
    notes.append(
        PermutationSplits(
            exact=permutation.exact,
            permutations=permutation.permutations,
            units=len(units),
            treated=len(treated),
            control=len(control),
            seed=None if permutation.exact else SEED,
        )
    )
    if interval is None:
        notes.append(NoInterval())
    notes += _empty_notes(arms, base)
    result = replace(
        base,
        arms=arms,
        did=None if did is None else _did(did),
        permutation=from_dict(Permutation, permutation.to_dict()),
        units=tuple(units),
        notes=tuple(notes),
    )
    return _headline(result, permutation.difference, interval, permutation.p_value)


def _period_notes(
    base: ExperimentResult, before: list[date], after: list[date], scaled: bool = True
) -> list[ExperimentNote]:
    notes: list[ExperimentNote] = []
    running = base.status == "in progress"
    if running:
        notes.append(
            AfterSoFar(
                months_so_far=base.months.after_so_far,
                months_after=base.months.after,
                evaluated_to=format_month(after[-1]),
            )
        )
    if scaled and before and len(before) != len(after):
        notes.append(
            BeforeScaled(months_before=len(before), months_after=len(after), so_far=running)
        )
    return notes


def _empty_notes(arms: tuple[ArmCounts, ...], base: ExperimentResult) -> list[ExperimentNote]:
    notes: list[ExperimentNote] = []
    periods: tuple[tuple[Literal["before", "after"], tuple[str, str] | None], ...] = (
        ("before", base.before),
        ("after", base.evaluated_after),
    )
    for period, span in periods:
        values = [getattr(a, period) for a in arms]
        if span and all(not v for v in values):
            notes.append(NoRecords(period=period, first=span[0], last=span[1]))
    return notes
