"""The statistics a measure carries: its control chart and the test of its change.

``Spc`` is the XmR chart as the results keep it (``crimeplan.stats.spc`` computes it, with
the rule flags it is read from); ``ChangeTest`` is either the exact Poisson rate-ratio test of
a count (``CountChangeTest``) or the two-proportion comparison of a proportion or survey
(``ProportionChangeTest``), told apart by ``test``. The forecast
(``crimeplan.stats.forecast.Forecast``), the peer comparison
(``crimeplan.stats.peers.PeerComparison``) and the facts (``crimeplan.stats.facts``) are the
statistics' own result types, kept rounded.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from crimeplan.codec import omitted, result
from crimeplan.stats.spc import (
    AssuranceIcon,
    CloseToLimit,
    PointType,
    Segment,
    ShiftRun,
    SpcRule,
    TrendRun,
    VariationIcon,
)


@result
class Rebase:
    """Where a segment of the chart after the first begins (``month``, the first point of
    ``segments[k + 1]`` for ``rebases[k]``) and why, as the plan file says (None: the plan
    gives a month of ``rebase`` without a reason)."""

    month: str
    reason: str | None


@result
class RebaseSuggestion:
    """A sustained shift the analyst may recalculate the limits at: ``months`` points in a
    row on one ``side`` of the mean from ``month`` (``index`` in ``months``). It is offered,
    not drawn: the chart is rebased only at the plan file's rebase points."""

    month: str
    index: int
    months: int
    side: Literal["above", "below"]


@result
class Spc:
    """A measure's XmR chart: the last segment's mean and limits, a type for each point of
    ``months`` (None for a missing month), the icons, every segment, the target line in the
    series' units, and why the last point reads as it does (``last_point_rules``, the run and
    the closeness to a limit that end at it). ``rebases`` says where and why each segment
    after the first begins; ``suggested_rebase`` is a sustained shift the plan file does not
    rebase at yet."""

    mean: float | None
    upl: float | None
    lpl: float | None
    point_types: tuple[PointType | None, ...]
    variation_icon: VariationIcon | None
    assurance_icon: AssuranceIcon | None
    segments: tuple[Segment, ...]
    target: float | None
    months: tuple[str, ...]
    last_point_rules: tuple[SpcRule, ...]
    last_run: Annotated[TrendRun | ShiftRun, Field(discriminator="rule")] | None
    last_close: CloseToLimit | None
    rebases: tuple[Rebase, ...] = ()
    suggested_rebase: RebaseSuggestion | None = omitted()


@result
class Overdispersed:
    """The monthly counts vary ``times`` as much as chance alone (Poisson) would give
    (more than ``threshold``), so a 'significant' change may still lie within the chart's
    natural variation; ``within_chart_limits``: the latest month is common-cause variation
    on the chart although the change tests as significant."""

    code: Literal["overdispersed"] = "overdispersed"
    times: float
    threshold: float
    within_chart_limits: bool


@result
class QuasiPoissonTest:
    """The same comparison allowing for the monthly counts' extra-Poisson variation: the
    variance ``dispersion`` times Poisson's (the chart's overdispersion, above 1), a Wald
    interval of the rate ratio on the log scale and its % change (quasi-Poisson; see
    ``crimeplan.stats.significance.quasi_poisson_rate_test``). The words rely on it."""

    method: Literal["quasi_poisson"] = "quasi_poisson"
    dispersion: float
    rate_ratio: float | None
    p_value: float
    ci95: tuple[float | None, float | None]
    change_ci95: tuple[float | None, float | None]
    significant: bool
    confidence: float


@result
class CountChangeTest:
    """The year to date against the baseline period: R's ``poisson.test`` of the two counts
    with their exposures (days, times population for a rate), ``change_pct`` and its
    interval as a % change, and how dispersed the monthly counts are; ``quasi_poisson`` the
    same allowing for that dispersion (None when either count is 0, or the index is missing
    or not above 1: then the exact test is the one the words rely on)."""

    test: Literal["poisson_rate_ratio"] = "poisson_rate_ratio"
    count: int
    exposure: float
    baseline_count: int
    baseline_exposure: float
    rate_ratio: float | None
    p_value: float
    ci95: tuple[float | None, float | None]
    change_pct: float | None
    change_ci95: tuple[float | None, float | None]
    significant: bool
    confidence: float
    overdispersion: float | None
    note: Overdispersed | None
    quasi_poisson: QuasiPoissonTest | None = omitted()


@result
class ProportionChangeTest:
    """Two proportions in per cent (Wilson intervals) and their difference in points
    (Newcombe's interval, the two-proportion z-test)."""

    test: Literal["two_proportions"] = "two_proportions"
    successes: int
    n: int
    baseline_successes: int
    baseline_n: int
    value_pct: float
    ci95: tuple[float, float]
    baseline_pct: float
    baseline_ci95: tuple[float, float]
    difference: float
    difference_ci95: tuple[float, float]
    p_value: float
    significant: bool
    confidence: float


ChangeTest = Annotated[CountChangeTest | ProportionChangeTest, Field(discriminator="test")]
