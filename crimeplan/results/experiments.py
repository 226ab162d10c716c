"""The experiments a plan runs, as results: treatment against control areas, their counts
before and after, the difference in differences and the weighted displacement difference
(WDD) test, or a randomised trial's permutation test (``crimeplan.measures.experiments``
computes them; ``crimeplan.stats.experiment`` holds the methods)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from crimeplan.codec import omitted, result

Status = Literal["not started", "in progress", "complete"]
Role = Literal["treatment", "control", "displacement", "displacement_control"]
Design = Literal["before_after_control", "randomised"]
#: p-values below this are "more than chance"
ALPHA = 0.05


@result
class ExperimentMonths:
    """How many months the before and after periods have, and the after months so far."""

    before: int
    after: int
    after_so_far: int


@result
class ArmCounts:
    """The records of one arm's area set in the before and after (to date) periods."""

    role: Role
    area_set: str
    members: tuple[str, ...]
    before: int | None  # None without a before period
    after: int


@result
class Unit:
    """One area of a randomised experiment: its counts, crimes per month and outcome
    (``after_rate - before_rate``, or ``after_rate`` without a before period)."""

    area: str
    arm: Literal["treatment", "control"]
    before: int | None
    after: int
    before_rate: float | None
    after_rate: float
    outcome: float


@result
class Estimate:
    """A difference of counts with its Poisson standard error, z, p-value and 95 % interval
    (``z`` and ``p_value`` None when every count is 0)."""

    estimate: float
    se: float
    z: float | None
    p_value: float | None
    ci95: tuple[float, float]


@result
class DidCounts:
    treatment_before: int
    treatment_after: int
    control_before: int
    control_after: int
    displacement_before: int | None = omitted()
    displacement_after: int | None = omitted()
    displacement_control_before: int | None = omitted()
    displacement_control_after: int | None = omitted()


@result
class DifferenceInDifferences:
    """The difference in differences of the arms' counts (``did``), the displacement areas'
    (``displacement``), their sum the WDD (``wdd``), and the rate ratio with its interval."""

    counts: DidCounts
    time_weights: tuple[float, float]
    treatment_change: float
    control_change: float
    did: Estimate
    displacement: Estimate | None
    wdd: Estimate
    ratio: float | None
    ratio_ci95: tuple[float, float] | None


@result
class Permutation:
    """The difference between the arms' mean outcomes and its two-sided permutation test,
    over every split (``exact``) or ``permutations`` random ones."""

    treated_mean: float
    control_mean: float
    difference: float
    p_value: float
    n_treated: int
    n_control: int
    permutations: int
    exact: bool


# -- notes ---------------------------------------------------------------------------------------
@result
class AfterSoFar:
    """The after period is still running: it is evaluated on its months to ``evaluated_to``."""

    code: Literal["after_so_far"] = "after_so_far"
    months_so_far: int
    months_after: int
    evaluated_to: str


@result
class BeforeScaled:
    """The periods differ in length: before counts are scaled to the after period's months."""

    code: Literal["before_scaled"] = "before_scaled"
    months_before: int
    months_after: int
    so_far: bool


@result
class NoDisplacementControl:
    """Displacement areas without a control: their change is counted as it is."""

    code: Literal["no_displacement_control"] = "no_displacement_control"


@result
class PermutationSplits:
    """How the permutation test counted: every split of the ``units`` areas into arms of
    ``treated`` and ``control`` (``exact``), or ``permutations`` random ones drawn with
    ``seed``."""

    code: Literal["permutation_splits"] = "permutation_splits"
    exact: bool
    permutations: int
    units: int
    treated: int
    control: int
    seed: int | None = omitted()


@result
class NoInterval:
    """Too few areas for a 95 % interval: no split is unlikely enough to rule any out."""

    code: Literal["no_interval"] = "no_interval"


@result
class NoRecords:
    """No records in any area in one period: does the store hold those months?"""

    code: Literal["no_records"] = "no_records"
    period: Literal["before", "after"]
    first: str
    last: str


ExperimentNote = Annotated[
    AfterSoFar | BeforeScaled | NoDisplacementControl | PermutationSplits | NoInterval | NoRecords,
    Field(discriminator="code"),
]


@result
class ExperimentResult:
    """An experiment of the plan as at a month: its periods, counts and estimates.

    ``estimate``/``ci95``/``p_value`` are the headline: the difference in differences for a
    before/after control experiment, the difference between the arms' mean outcomes for a
    randomised one; ``more_than_chance`` is ``p_value < ALPHA``. ``did`` holds the DiD and
    WDD of the arms' counts (for a randomised experiment with a before period too);
    ``permutation`` the randomised test, ``units`` its areas.
    """

    id: str
    title: str
    design: Design
    measure: str | None
    description: str | None = None
    before: tuple[str, str] | None
    after: tuple[str, str]
    evaluated_after: tuple[str, str] | None  # the after months to date; None if not started
    months: ExperimentMonths
    status: Status
    arms: tuple[ArmCounts, ...] = ()
    estimate: float | None = None
    ci95: tuple[float, float] | None = None
    p_value: float | None = None
    more_than_chance: bool | None = None
    did: DifferenceInDifferences | None = None
    permutation: Permutation | None = None
    units: tuple[Unit, ...] = ()
    notes: tuple[ExperimentNote, ...] = ()

    def arm(self, role: str) -> ArmCounts | None:
        return next((a for a in self.arms if a.role == role), None)
