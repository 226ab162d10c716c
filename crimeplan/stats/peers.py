"""The force against its Most Similar Group (MSG), with the uncertainty shown.

``peer_comparison`` takes each force's numerator and denominator and gives:

- each force's value, with its own 95 % interval: for counts the rate per ``per`` population
  (per 1,000 by default) with the exact Poisson (Garwood) interval, the one R's
  ``poisson.test(x, T)`` gives; for proportions the per cent with Wilson's score interval;
- the MSG average: total numerator over total denominator, which for counts is the
  population-weighted rate and for proportions the pooled proportion. By default the group is
  the *other* forces (``include_force=False``), so that the force is compared with its peers
  rather than with an average it pulls towards itself (a large force would otherwise narrow
  the gap it is judged on);
- the force's rank: 1 is the highest value, ties share the better rank (1, 2, 2, 4). Whether
  high is good is the measure's business, not this module's; ``n_forces`` counts every force;
- funnel-plot control limits around the MSG average for the force's own denominator, at 95 %
  and 99.8 %: exact Poisson (counts) or binomial (proportions) quantiles with the
  interpolation of Spiegelhalter (2005), "Funnel plots for comparing institutional
  performance", Statistics in Medicine 24, 1185-1202, appendix A.1.1. For tail probability
  ``q``: ``r`` is the smallest count with ``P(X <= r) >= q``, and the limit is ``r - a`` with
  ``a = (P(X <= r) - q) / (P(X = r))``, floored at 0; this gives smooth funnels instead of
  the steps of plain quantiles. Whole-number counts still leave a slight sawtooth: as a rate,
  a limit can narrow by a fraction of one count as the denominator shrinks. With under one
  expected event the upper limit can be 0, below the MSG average itself: a single event is
  then already unusual;
- the verdict at each level: ``"above"`` or ``"below"`` when the force's value lies strictly
  beyond a limit, ``"within"`` otherwise (a value exactly on a limit is within). The force
  is "equal to the MSG average" (``equal_to_group``) only when it is within the 95 % limits.

Rounding in ``to_dict()``: rates and per cents to 3 decimal places. Bad input raises
``ValueError`` naming the force and what is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

from scipy import stats

from crimeplan.codec import result
from crimeplan.stats.significance import wilson_interval

Kind = Literal["count", "proportion"]
Verdict = Literal["above", "below", "within"]

_LEVELS = {"95": 0.95, "99.8": 0.998}


@dataclass(frozen=True)
class PeerFigure:
    """One force's figure: a count and its population, or positives and respondents (crimes)."""

    numerator: int
    denominator: int


@result
class PeerValue:
    """One force's value (rate per ``per``, or per cent) with its own 95 % interval and rank."""

    name: str
    numerator: int
    denominator: int
    value: float
    ci95: tuple[float, float]
    rank: int

    def rounded(self) -> PeerValue:
        return replace(self, value=round(self.value, 3), ci95=_round3(self.ci95))


@result
class PeerTrend:
    """The force's change against its Most Similar Group's over a year: the 12 months
    compared (``period``) against the 12 before (``period_before``).

    ``change`` and ``group_change`` are per cent changes of the rate (counts) or changes in
    points (proportions); ``difference`` is the force's less the group's, in the same unit.
    The test: counts, the log ratio of the two rate ratios with its Poisson standard error
    sqrt(1/a + 1/b + 1/c + 1/d) (a z test of the interaction in a 2 x 2 table of counts,
    Altman & Bland, BMJ 2003;326:219); proportions, the difference of the two changes in
    points with the binomial standard errors of the four proportions. ``p_value`` is
    two-sided; ``more_than_chance`` is p < 0.05.
    """

    period_before: tuple[str, str] | None
    value_before: float
    group_value_before: float
    rank_before: int
    n_forces_before: int
    change: float
    group_change: float
    difference: float
    p_value: float
    more_than_chance: bool


@result
class PeerComparison:
    """The force against its MSG: values, MSG average, rank, funnel limits and verdicts.

    ``forces`` is every force, highest value first. ``limits95`` and ``limits998`` are the
    funnel-plot limits (low, high) around ``group_value`` for the force's denominator, in the
    unit of ``value``; ``verdict_95`` and ``verdict_998`` say where the force lies against
    them. ``period`` is the months compared (first, last), when the caller knows them.
    """

    force: str
    kind: Kind
    unit: str
    per: int | None
    forces: tuple[PeerValue, ...]
    value: float
    group_value: float
    group_includes_force: bool
    group_size: int
    rank: int
    n_forces: int
    limits95: tuple[float, float]
    limits998: tuple[float, float]
    verdict_95: Verdict
    verdict_998: Verdict
    equal_to_group: bool
    period: tuple[str, str] | None = None
    trend: PeerTrend | None = None

    def rounded(self) -> PeerComparison:
        """The comparison as the results keep it: values and limits to three places."""
        return replace(
            self,
            forces=tuple(f.rounded() for f in self.forces),
            value=round(self.value, 3),
            group_value=round(self.group_value, 3),
            limits95=_round3(self.limits95),
            limits998=_round3(self.limits998),
        )


def _round3(pair: tuple[float, float]) -> tuple[float, float]:
    return round(pair[0], 3), round(pair[1], 3)


def peer_comparison(
    force: str,
    figures: Mapping[str, PeerFigure],
    kind: Kind,
    per: int = 1000,
    include_force: bool = False,
) -> PeerComparison:
    """Compare ``force`` with the other forces of ``figures`` (its Most Similar Group).

    ``kind="count"``: numerator a count, denominator the population; values are rates per
    ``per``. ``kind="proportion"``: numerator the positives, denominator the respondents or
    crimes; values are per cent (``per`` is not used).
    """
    if kind not in ("count", "proportion"):
        raise ValueError(f"kind must be 'count' or 'proportion', got {kind!r}")
    if force not in figures:
        known = ", ".join(sorted(figures)) or "none"
        raise ValueError(f"no figure for the force '{force}'. Forces with figures: {known}")
    if per < 1:
        raise ValueError(f"per must be a positive whole number (e.g. 1000), got {per!r}")
    for name, figure in figures.items():
        _check_figure(name, figure, kind)
    group = {n: f for n, f in figures.items() if include_force or n != force}
    if not group:
        raise ValueError(
            f"no peers to compare '{force}' with: figures holds only the force itself "
            "(add the Most Similar Group's figures, or pass include_force=True)"
        )
    group_denominator = sum(f.denominator for f in group.values())
    if group_denominator == 0:
        raise ValueError(f"the peers of '{force}' have a total denominator of 0")
    theta = sum(f.numerator for f in group.values()) / group_denominator
    scale = per if kind == "count" else 100

    ranks = _ranks(figures)
    values = tuple(
        sorted(
            (_peer_value(name, fig, kind, scale, ranks[name]) for name, fig in figures.items()),
            key=lambda v: (v.rank, v.name),
        )
    )
    own = figures[force]
    limits = {
        level: _funnel_limits(theta, own.denominator, confidence, kind)
        for level, confidence in _LEVELS.items()
    }
    verdicts = {level: _verdict(own.numerator, low, high) for level, (low, high) in limits.items()}
    value = _scaled(own, scale)
    return PeerComparison(
        force=force,
        kind=kind,
        unit=f"per {per:,} population" if kind == "count" else "per cent",
        per=per if kind == "count" else None,
        forces=values,
        value=value,
        group_value=theta * scale,
        group_includes_force=include_force,
        group_size=len(group),
        rank=ranks[force],
        n_forces=len(figures),
        limits95=_to_unit(limits["95"], own.denominator, scale),
        limits998=_to_unit(limits["99.8"], own.denominator, scale),
        verdict_95=verdicts["95"],
        verdict_998=verdicts["99.8"],
        equal_to_group=verdicts["95"] == "within",
    )


def peer_trend(now: PeerComparison, before: PeerComparison) -> PeerTrend:
    """The force's change from ``before`` to ``now`` against its group's (see
    ``PeerTrend``). Both comparisons are of the same force, kind and group."""
    own_now = next(f for f in now.forces if f.name == now.force)
    own_before = next(f for f in before.forces if f.name == before.force)
    group_now = [f for f in now.forces if now.group_includes_force or f.name != now.force]
    group_before = [
        f for f in before.forces if before.group_includes_force or f.name != before.force
    ]
    g1 = sum(f.numerator for f in group_now), sum(f.denominator for f in group_now)
    g0 = sum(f.numerator for f in group_before), sum(f.denominator for f in group_before)
    if now.kind == "count":
        change = 100 * (now.value / before.value - 1) if before.value else 0.0
        group_change = (
            100 * (now.group_value / before.group_value - 1) if before.group_value else 0.0
        )
        counts = (own_now.numerator, own_before.numerator, g1[0], g0[0])
        if min(counts) > 0:
            log_ratio = math.log(
                (own_now.numerator / own_now.denominator)
                / (own_before.numerator / own_before.denominator)
                / ((g1[0] / g1[1]) / (g0[0] / g0[1]))
            )
            se = math.sqrt(sum(1 / c for c in counts))
            p_value = float(2 * stats.norm.sf(abs(log_ratio) / se))
        else:
            p_value = 1.0
    else:
        change = now.value - before.value
        group_change = now.group_value - before.group_value
        variance = sum(
            (x / n) * (1 - x / n) / n
            for x, n in (
                (own_now.numerator, own_now.denominator),
                (own_before.numerator, own_before.denominator),
                g1,
                g0,
            )
            if n
        )
        difference_pts = change - group_change
        se = 100 * math.sqrt(variance)
        p_value = float(2 * stats.norm.sf(abs(difference_pts) / se)) if se else 1.0
    return PeerTrend(
        period_before=before.period,
        value_before=round(before.value, 3),
        group_value_before=round(before.group_value, 3),
        rank_before=before.rank,
        n_forces_before=before.n_forces,
        change=round(change, 2),
        group_change=round(group_change, 2),
        difference=round(change - group_change, 2),
        p_value=round(p_value, 4),
        more_than_chance=p_value < 0.05,
    )


def funnel_limits(
    group_value: float, denominator: int, confidence: float, kind: Kind
) -> tuple[float, float]:
    """The funnel-plot limits of the *numerator* for ``denominator`` at ``group_value``.

    ``group_value`` is a fraction (a rate per person, or a proportion). Use it to draw the
    funnel: divide by the denominator and scale for rates or per cents.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")
    return _funnel_limits(group_value, denominator, confidence, kind)


def _funnel_limits(theta: float, n: int, confidence: float, kind: Kind) -> tuple[float, float]:
    tail = (1 - confidence) / 2
    if theta == 0 or (kind == "proportion" and theta == 1):
        return theta * n, theta * n  # no variation at all: every force should be on the line
    dist = stats.poisson(theta * n) if kind == "count" else stats.binom(n, theta)
    return _interpolated(dist, tail), _interpolated(dist, 1 - tail)


def _interpolated(dist: Any, q: float) -> float:
    """Spiegelhalter (2005) A.1.1: the q-quantile, interpolated between whole counts."""
    r = float(dist.ppf(q))
    at_r = float(dist.cdf(r))
    below_r = float(dist.cdf(r - 1))
    a = (at_r - q) / (at_r - below_r)
    return max(0.0, r - a)


def _verdict(numerator: int, low: float, high: float) -> Verdict:
    if numerator > high:
        return "above"
    if numerator < low:
        return "below"
    return "within"


def _ranks(figures: Mapping[str, PeerFigure]) -> dict[str, int]:
    """1 = highest value; ties share the better rank. Exact, by fractions."""
    exact = {name: Fraction(f.numerator, f.denominator) for name, f in figures.items()}
    return {name: 1 + sum(other > mine for other in exact.values()) for name, mine in exact.items()}


def _peer_value(name: str, figure: PeerFigure, kind: Kind, scale: int, rank: int) -> PeerValue:
    x, n = figure.numerator, figure.denominator
    if kind == "count":
        low = 0.0 if x == 0 else float(stats.gamma.ppf(0.025, x))
        high = float(stats.gamma.ppf(0.975, x + 1))
        ci = (low / n * scale, high / n * scale)
    else:
        ci = wilson_interval(x, n)
    return PeerValue(
        name=name, numerator=x, denominator=n, value=_scaled(figure, scale), ci95=ci, rank=rank
    )


def _scaled(figure: PeerFigure, scale: int) -> float:
    return figure.numerator / figure.denominator * scale


def _to_unit(limits: tuple[float, float], n: int, scale: int) -> tuple[float, float]:
    return limits[0] / n * scale, limits[1] / n * scale


def _check_figure(name: str, figure: PeerFigure, kind: Kind) -> None:
    x, n = figure.numerator, figure.denominator
    if not (math.isfinite(x) and x >= 0 and int(x) == x):
        raise ValueError(f"'{name}': numerator must be a whole number of at least 0, got {x!r}")
    if not (math.isfinite(n) and n >= 1 and int(n) == n):
        raise ValueError(f"'{name}': denominator must be a whole number of at least 1, got {n!r}")
    if kind == "proportion" and x > n:
        raise ValueError(f"'{name}': numerator ({x}) cannot be more than denominator ({n})")
