"""The experiments a plan defines, evaluated on the store as at a month.

``evaluate_experiment(backend, plan, experiment, as_at)`` counts the records of each arm
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

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

import ibis

from crimeplan.measures.breakdown import area_set_counts
from crimeplan.periods import format_month
from crimeplan.plan.model import AreaSet, Experiment, Plan
from crimeplan.stats.experiment import (
    DiD,
    Estimate,
    PermutationResult,
    difference_in_differences,
    permutation_interval,
    permutation_test,
)

#: the seed of the permutation test's random splits (when it does not count every split)
SEED = 20130514
#: p-values below this are "more than chance"
ALPHA = 0.05

Status = Literal["not started", "in progress", "complete"]
ROLES = ("treatment", "control", "displacement", "displacement_control")


@dataclass(frozen=True)
class ArmCounts:
    """The records of one arm's area set in the before and after (to date) periods."""

    role: str  # treatment, control, displacement, displacement_control
    area_set: str
    members: tuple[str, ...]
    before: int | None  # None without a before period
    after: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "area_set": self.area_set,
            "members": list(self.members),
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class Unit:
    """One area of a randomised experiment: its counts, crimes per month and outcome."""

    area: str
    arm: str  # treatment or control
    before: int | None
    after: int
    before_rate: float | None
    after_rate: float
    outcome: float  # after_rate − before_rate, or after_rate without a before period

    def to_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "arm": self.arm,
            "before": self.before,
            "after": self.after,
            "before_rate": None if self.before_rate is None else round(self.before_rate, 4),
            "after_rate": round(self.after_rate, 4),
            "outcome": round(self.outcome, 4),
        }


@dataclass(frozen=True)
class ExperimentResult:
    """An experiment of the plan as at a month: its periods, counts, estimates and a sentence.

    ``estimate``/``ci95``/``p_value`` are the headline: the difference in differences for a
    before/after control experiment, the difference between the arms' mean outcomes for a
    randomised one. ``did`` holds the DiD and WDD of the arms' counts (for a randomised
    experiment with a before period too); ``permutation`` the randomised test.
    """

    id: str
    title: str
    design: str
    measure: str | None
    description: str | None
    before: tuple[str, str] | None
    after: tuple[str, str]
    evaluated_after: tuple[str, str] | None  # the after months to date; None if not started
    months_before: int
    months_after: int
    months_so_far: int
    status: Status
    arms: tuple[ArmCounts, ...] = ()
    did: DiD | None = None
    permutation: PermutationResult | None = None
    permutation_ci95: tuple[float, float] | None = None
    units: tuple[Unit, ...] = ()
    sentence: str = ""
    notes: tuple[str, ...] = ()

    @property
    def note(self) -> str | None:
        """``"5 of 12 months so far"`` while the after period is still running."""
        if self.status == "in progress":
            return f"{self.months_so_far} of {self.months_after} months so far"
        return None

    @property
    def estimate_label(self) -> str:
        if self.design == "randomised":
            what = "change in" if self.before else "average"
            return f"Difference between arms ({what} crimes per month per area)"
        return "Difference in differences (treatment less control change)"

    @property
    def estimate(self) -> float | None:
        if self.permutation is not None:
            return self.permutation.difference
        return self.did.did.estimate if self.did is not None else None

    @property
    def ci95(self) -> tuple[float, float] | None:
        if self.permutation is not None:
            return self.permutation_ci95
        return self.did.did.ci95 if self.did is not None else None

    @property
    def p_value(self) -> float | None:
        if self.permutation is not None:
            return self.permutation.p_value
        return self.did.did.p_value if self.did is not None else None

    @property
    def wdd(self) -> Estimate | None:
        return self.did.wdd if self.did is not None else None

    @property
    def more_than_chance(self) -> bool | None:
        p = self.p_value
        return None if p is None else p < ALPHA

    def arm(self, role: str) -> ArmCounts | None:
        return next((a for a in self.arms if a.role == role), None)

    def pack_rows(self) -> list[tuple[str, str]]:
        """The experiment's table in the board pack, as (label, text) rows."""
        if self.design == "randomised":
            design = "Randomised: each area a unit"
            if self.units:
                n_t = sum(u.arm == "treatment" for u in self.units)
                design += f", {n_t} treatment and {len(self.units) - n_t} control areas"
        else:
            design = "Before and after, treatment against control areas"
        rows = [
            ("Design", design),
            ("Counted", "every crime" if self.measure is None else f"measure '{self.measure}'"),
            (
                "Before period",
                f"{self.before[0]} to {self.before[1]} ({self.months_before} months)"
                if self.before
                else "none",
            ),
        ]
        after = f"{self.after[0]} to {self.after[1]} ({self.months_after} months)"
        if self.status == "not started":
            after += "; not started"
        elif self.note and self.evaluated_after:
            after += (
                f"; evaluated on {self.evaluated_after[0]} to {self.evaluated_after[1]}, "
                f"{self.note}"
            )
        rows.append(("After period", after))
        for arm in self.arms:
            label = f"{arm.role.replace('_', ' ').capitalize()} areas ({', '.join(arm.members)})"
            counts = f"{arm.after:,} after"
            if arm.before is not None:
                counts = f"{arm.before:,} before, {counts}"
            rows.append((label, counts))
        if self.estimate is not None:
            rows.append(
                (self.estimate_label, _estimate_text(self.estimate, self.ci95, self.p_value))
            )
        wdd = self.wdd
        if wdd is not None:
            label = "WDD test of the arms' counts"
            if self.did is not None and self.did.displacement is not None:
                label += " (treatment and displacement areas)"
            rows.append((label, _estimate_text(wdd.estimate, wdd.ci95, wdd.p_value)))
        if self.status != "not started":
            chance = self.more_than_chance
            rows.append(
                (
                    "More than chance?",
                    "no test (no records)"
                    if chance is None
                    else ("yes" if chance else "no")
                    + f" (p < {ALPHA} is taken as more than chance)",
                )
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        ci = self.ci95
        return {
            "id": self.id,
            "title": self.title,
            "design": self.design,
            "measure": self.measure,
            "before": list(self.before) if self.before else None,
            "after": list(self.after),
            "evaluated_after": list(self.evaluated_after) if self.evaluated_after else None,
            "months": {
                "before": self.months_before,
                "after": self.months_after,
                "after_so_far": self.months_so_far,
            },
            "status": self.status,
            "note": self.note,
            "arms": [a.to_dict() for a in self.arms],
            "estimate": None if self.estimate is None else round(self.estimate, 4),
            "ci95": None if ci is None else [round(ci[0], 4), round(ci[1], 4)],
            "p_value": None if self.p_value is None else round(self.p_value, 6),
            "more_than_chance": self.more_than_chance,
            "did": self.did.to_dict() if self.did is not None else None,
            "permutation": self.permutation.to_dict() if self.permutation is not None else None,
            "units": [u.to_dict() for u in self.units],
            "sentence": self.sentence,
            "notes": list(self.notes),
        }


def _estimate_text(estimate: float, ci95: tuple[float, float] | None, p_value: float | None) -> str:
    text = _n(estimate)
    if ci95 is not None:
        text += f" (95 % interval {ci95[0]:+,.1f} to {ci95[1]:+,.1f})"
    if p_value is not None:
        text += f", {_p(p_value)}"
    return text


def _span(months: list[date]) -> tuple[str, str]:
    return format_month(months[0]), format_month(months[-1])


def evaluate_experiment(
    backend: ibis.BaseBackend,
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
        months_before=len(before),
        months_after=len(after),
        months_so_far=len(so_far),
        status=status,
    )
    if status == "not started":
        return _replace(
            base,
            sentence=f"Not started: its after period begins in {format_month(after[0])}, "
            f"after the last month of data ({format_month(as_at or after[0])}).",
        )
    if experiment.design == "randomised":
        return _randomised(backend, plan, experiment, base, before, so_far)
    return _before_after(backend, plan, experiment, base, before, so_far)


def _replace(result: ExperimentResult, **changes: Any) -> ExperimentResult:
    return replace(result, **changes)


def _before_after(
    backend: ibis.BaseBackend,
    plan: Plan,
    experiment: Experiment,
    base: ExperimentResult,
    before: list[date],
    after: list[date],
) -> ExperimentResult:
    sets = {role: getattr(experiment, role) for role in ROLES if getattr(experiment, role)}
    periods = {"before": before, "after": after}
    counts = area_set_counts(
        backend, plan, list(dict.fromkeys(sets.values())), periods, experiment.measure
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
            role,
            name,
            tuple(plan.area_sets[name].members),
            counts[(name, "before")],
            counts[(name, "after")],
        )
        for role, name in sets.items()
    )
    notes = list(_period_notes(base, before, after))
    if "displacement" in sets and "displacement_control" not in sets:
        notes.append("no displacement control: the displacement areas' change is counted as it is")
    notes += _empty_notes(arms, base)
    result = _replace(base, arms=arms, did=did, notes=tuple(notes))
    return _replace(result, sentence=_did_sentence(result, did))


def _randomised(
    backend: ibis.BaseBackend,
    plan: Plan,
    experiment: Experiment,
    base: ExperimentResult,
    before: list[date],
    after: list[date],
) -> ExperimentResult:
    members: dict[str, tuple[str, str]] = {}  # unit set key → (arm, area)
    unit_sets: dict[str, AreaSet] = {}
    for role in ("treatment", "control"):
        area_set = plan.area_sets[getattr(experiment, role)]
        for member in area_set.members:
            key = f"{role} unit: {member}"
            members[key] = (role, member)
            unit_sets[key] = AreaSet(level=area_set.level, members=[member])
    # one area set per member area, so that one query counts every unit
    units_plan = plan.model_copy(update={"area_sets": {**plan.area_sets, **unit_sets}})
    counts = area_set_counts(
        backend, units_plan, list(unit_sets), {"before": before, "after": after}, experiment.measure
    )
    units = []
    for key, (arm, area) in members.items():
        n_before = counts[(key, "before")] if before else None
        n_after = counts[(key, "after")]
        before_rate = n_before / len(before) if n_before is not None else None
        after_rate = n_after / len(after)
        outcome = after_rate - (before_rate or 0.0)
        units.append(Unit(area, arm, n_before, n_after, before_rate, after_rate, outcome))
    treated = [u.outcome for u in units if u.arm == "treatment"]
    control = [u.outcome for u in units if u.arm == "control"]
    permutation = permutation_test(treated, control, seed=SEED)
    interval = permutation_interval(treated, control, seed=SEED)
    arms = tuple(
        ArmCounts(
            role,
            getattr(experiment, role),
            tuple(u.area for u in units if u.arm == role),
            sum(u.before or 0 for u in units if u.arm == role) if before else None,
            sum(u.after for u in units if u.arm == role),
        )
        for role in ("treatment", "control")
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
    notes = list(_period_notes(base, before, after, scaled=did is not None))
    notes.append(
        f"permutation test over all {permutation.permutations:,} ways to split the "
        f"{len(units)} areas into arms of {len(treated)} and {len(control)}"
        if permutation.exact
        else f"permutation test over {permutation.permutations:,} random splits of the "
        f"{len(units)} areas (seed {SEED})"
    )
    if interval is None:
        notes.append(
            "too few areas for a 95 % interval: no split of them is unlikely enough to "
            "rule any difference out"
        )
    notes += _empty_notes(arms, base)
    result = _replace(
        base,
        arms=arms,
        did=did,
        permutation=permutation,
        permutation_ci95=interval,
        units=tuple(units),
        notes=tuple(notes),
    )
    return _replace(result, sentence=_randomised_sentence(result, permutation, interval))


def _period_notes(
    base: ExperimentResult, before: list[date], after: list[date], scaled: bool = True
) -> list[str]:
    notes = []
    if base.note:
        notes.append(
            f"{base.note}: the after period {base.after[0]} to {base.after[1]} is evaluated "
            f"on its months to {format_month(after[-1])}"
        )
    if scaled and before and len(before) != len(after):
        notes.append(
            f"the before period has {len(before)} months and the after period "
            f"{len(after)}{' so far' if base.note else ''}: before counts are scaled by "
            f"{len(after)}/{len(before)}, so changes are per {len(after)} months"
        )
    return notes


def _empty_notes(arms: tuple[ArmCounts, ...], base: ExperimentResult) -> list[str]:
    notes = []
    for period, span in (("before", base.before), ("after", base.evaluated_after)):
        values = [getattr(a, period) for a in arms]
        if span and all(not v for v in values):
            notes.append(
                f"no records in any area in the {period} period ({span[0]} to {span[1]}): "
                "does the store hold those months?"
            )
    return notes


def _n(value: float, sign: bool = True) -> str:
    """A count or a change: whole numbers without decimals, others to one decimal."""
    places = 0 if float(value).is_integer() else 1
    return f"{value:{'+' if sign else ''},.{places}f}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _what(result: ExperimentResult) -> str:
    return "crime" if result.measure is None else f"'{result.measure}'"


def _chance(result: ExperimentResult, estimate: float, p: float) -> str:
    if p < ALPHA:
        direction = "fell more (or rose less)" if estimate < 0 else "rose more (or fell less)"
        return (
            f"more than chance would explain ({_p(p)}): {_what(result)} {direction} in the "
            "treatment areas"
        )
    return (
        f"within what chance would explain ({_p(p)}), so not evidence "
        f"{'yet ' if result.status == 'in progress' else ''}of an effect"
    )


def _so_far(result: ExperimentResult) -> str:
    return f"After {result.note}, " if result.note else ""


def _did_sentence(result: ExperimentResult, did: DiD) -> str:
    estimate = did.did
    if estimate.p_value is None:
        return f"{_so_far(result)}no records in the experiment's areas: nothing to compare."
    low, high = estimate.ci95
    per = (
        f", the before counts scaled to {result.months_so_far} months"
        if result.months_before != result.months_so_far
        else ""
    )
    text = (
        f"{_what(result).capitalize()} in the treatment areas changed by "
        f"{_n(did.treatment_change)} ({_n(did.treatment_before, False)} to "
        f"{_n(did.treatment_after, False)}) and in the control areas by "
        f"{_n(did.control_change)} ({_n(did.control_before, False)} to "
        f"{_n(did.control_after, False)}){per}: a difference in differences of "
        f"{_n(estimate.estimate)} (95 % interval {low:+,.1f} to {high:+,.1f}), which is "
        f"{_chance(result, estimate.estimate, estimate.p_value)}."
    )
    if result.note:
        text = _so_far(result) + text[0].lower() + text[1:]
    return text


def _randomised_sentence(
    result: ExperimentResult, test: PermutationResult, interval: tuple[float, float] | None
) -> str:
    if result.before:
        means = (
            f"crimes per month changed by {test.treated_mean:+,.1f} on average in the "
            f"{test.n_treated} treatment areas and by {test.control_mean:+,.1f} in the "
            f"{test.n_control} control areas"
        )
    else:
        means = (
            f"crimes per month averaged {test.treated_mean:,.1f} in the {test.n_treated} "
            f"treatment areas and {test.control_mean:,.1f} in the {test.n_control} control areas"
        )
    if result.measure is not None:
        means = means.replace("crimes per month", f"'{result.measure}' records per month", 1)
    ci = (
        f" (95 % interval {interval[0]:+,.1f} to {interval[1]:+,.1f})"
        if interval is not None
        else ""
    )
    text = (
        f"{means}: a difference of {test.difference:+,.1f} per area{ci}, which is "
        f"{_chance(result, test.difference, test.p_value)}."
    )
    return _so_far(result) + text if result.note else text[0].upper() + text[1:]
