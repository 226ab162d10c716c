"""Experiments: did crime change more in the treatment areas than in the control areas?

Two designs from the board paper:

- a treatment-versus-control trial over areas with a before and an after period (the
  confidence experiment of paragraph 9): ``difference_in_differences`` gives the difference
  in differences of the crime counts, its standard error and test under a Poisson
  assumption, which is the weighted displacement difference (WDD) test of Wheeler and
  Ratcliffe (2018, *Crime Science* 7:11), with displacement areas when there are some;
- a randomised trial with a value per unit (the hotspot-patrol pilot of paragraph 79):
  ``permutation_test`` gives the difference between the arms' means and its permutation
  p-value.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import norm

_Z95 = float(norm.ppf(0.975))


@dataclass(frozen=True)
class Estimate:
    """A difference of counts with its Poisson standard error, z, p-value and 95 % interval.

    ``z`` and ``p_value`` are None when the standard error is 0 (every count is 0).
    """

    estimate: float
    se: float
    z: float | None
    p_value: float | None
    ci95: tuple[float, float]

    @classmethod
    def of(cls, estimate: float, variance: float) -> Estimate:
        se = math.sqrt(variance)
        z = estimate / se if se > 0 else None
        p = None if z is None else float(2 * norm.sf(abs(z)))
        return cls(estimate, se, z, p, (estimate - _Z95 * se, estimate + _Z95 * se))

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": round(self.estimate, 4),
            "se": round(self.se, 4),
            "z": None if self.z is None else round(self.z, 4),
            "p_value": None if self.p_value is None else round(self.p_value, 6),
            "ci95": [round(self.ci95[0], 4), round(self.ci95[1], 4)],
        }


@dataclass(frozen=True)
class DiD:
    """The difference in differences of crime counts, and the WDD test.

    ``did`` is ΔT − ΔC (after minus before, treatment minus control), with variance the sum
    of the four (weighted) counts. ``displacement`` is ΔD − ΔCd for the displacement area
    and its control, if given. ``wdd`` is their sum, the WDD statistic (equal to ``did``
    without a displacement area). A negative estimate means crime fell more (or rose less)
    in the treatment areas. ``ratio`` is the relative effect, the incidence rate ratio
    (T1/T0)/(C1/C0) with its 95 % interval from the Poisson log-linear model (None when a
    count is 0).
    """

    treatment_before: int
    treatment_after: int
    control_before: int
    control_after: int
    displacement_before: int | None
    displacement_after: int | None
    displacement_control_before: int | None
    displacement_control_after: int | None
    time_weights: tuple[float, float]
    treatment_change: float
    control_change: float
    did: Estimate
    displacement: Estimate | None
    wdd: Estimate
    ratio: float | None
    ratio_ci95: tuple[float, float] | None

    def to_dict(self) -> dict[str, Any]:
        counts = {
            "treatment_before": self.treatment_before,
            "treatment_after": self.treatment_after,
            "control_before": self.control_before,
            "control_after": self.control_after,
        }
        if self.displacement_before is not None:
            counts["displacement_before"] = self.displacement_before
            counts["displacement_after"] = self.displacement_after  # type: ignore[assignment]
        if self.displacement_control_before is not None:
            counts["displacement_control_before"] = self.displacement_control_before
            counts["displacement_control_after"] = self.displacement_control_after  # type: ignore[assignment]
        return {
            "counts": counts,
            "time_weights": list(self.time_weights),
            "treatment_change": round(self.treatment_change, 4),
            "control_change": round(self.control_change, 4),
            "did": self.did.to_dict(),
            "displacement": self.displacement.to_dict() if self.displacement else None,
            "wdd": self.wdd.to_dict(),
            "ratio": None if self.ratio is None else round(self.ratio, 6),
            "ratio_ci95": None
            if self.ratio_ci95 is None
            else [round(self.ratio_ci95[0], 6), round(self.ratio_ci95[1], 6)],
        }


def _check_counts(**counts: int | None) -> None:
    for name, value in counts.items():
        if value is not None and (value < 0 or int(value) != value):
            raise ValueError(f"{name} must be a count (a whole number ≥ 0), got {value}")


def difference_in_differences(
    treatment_before: int,
    treatment_after: int,
    control_before: int,
    control_after: int,
    *,
    displacement_before: int | None = None,
    displacement_after: int | None = None,
    displacement_control_before: int | None = None,
    displacement_control_after: int | None = None,
    time_weights: tuple[float, float] = (1.0, 1.0),
) -> DiD:
    """The difference in differences of four (or eight) crime counts and the WDD test.

    Under the Poisson assumption each count's variance is the count itself, so the
    variance of ΔT − ΔC is T0 + T1 + C0 + C1 and z = (ΔT − ΔC) / sqrt(that); the p-value is
    two-sided from the normal distribution (Wheeler and Ratcliffe 2018). A displacement area
    D adds ΔD − ΔCd (its own control Cd; a missing one counts as 0 in both periods, as in
    the R package ptools) and its counts to the variance.

    ``time_weights`` = (before, after) are the lengths of the periods in a common unit, as
    in ptools' ``wdd(time_weights=)``: each count is divided by its period's weight (and its
    variance by the weight squared), so that a 24-month before period against a 12-month
    after period is ``(2, 1)`` and the estimate is per 12 months.

    Beware of tiny counts (the normal approximation needs them to be reasonably large) and
    of overdispersed crime, for which this standard error is too small.
    """
    _check_counts(
        treatment_before=treatment_before,
        treatment_after=treatment_after,
        control_before=control_before,
        control_after=control_after,
        displacement_before=displacement_before,
        displacement_after=displacement_after,
        displacement_control_before=displacement_control_before,
        displacement_control_after=displacement_control_after,
    )
    if (displacement_before is None) != (displacement_after is None) or (
        displacement_control_before is None
    ) != (displacement_control_after is None):
        raise ValueError("give both the before and the after count of a displacement area")
    if displacement_control_before is not None and displacement_before is None:
        raise ValueError("a displacement control area needs a displacement area")
    w0, w1 = (float(w) for w in time_weights)
    if w0 <= 0 or w1 <= 0:
        raise ValueError(f"time weights must be positive, got {time_weights}")

    def change(before: int, after: int) -> tuple[float, float]:
        return after / w1 - before / w0, after / w1**2 + before / w0**2

    t_change, t_var = change(treatment_before, treatment_after)
    c_change, c_var = change(control_before, control_after)
    did = Estimate.of(t_change - c_change, t_var + c_var)
    displacement = None
    wdd = did
    if displacement_before is not None and displacement_after is not None:
        d_change, d_var = change(displacement_before, displacement_after)
        dc_change, dc_var = change(
            displacement_control_before or 0, displacement_control_after or 0
        )
        displacement = Estimate.of(d_change - dc_change, d_var + dc_var)
        wdd = Estimate.of(did.estimate + displacement.estimate, t_var + c_var + d_var + dc_var)
    ratio: float | None = None
    ratio_ci: tuple[float, float] | None = None
    four = (treatment_before, treatment_after, control_before, control_after)
    if all(n > 0 for n in four):
        log_ratio = math.log(treatment_after / treatment_before) - math.log(
            control_after / control_before
        )
        log_se = math.sqrt(sum(1 / n for n in four))
        ratio = math.exp(log_ratio)
        ratio_ci = (math.exp(log_ratio - _Z95 * log_se), math.exp(log_ratio + _Z95 * log_se))
    return DiD(
        treatment_before=treatment_before,
        treatment_after=treatment_after,
        control_before=control_before,
        control_after=control_after,
        displacement_before=displacement_before,
        displacement_after=displacement_after,
        displacement_control_before=displacement_control_before,
        displacement_control_after=displacement_control_after,
        time_weights=(w0, w1),
        treatment_change=t_change,
        control_change=c_change,
        did=did,
        displacement=displacement,
        wdd=wdd,
        ratio=ratio,
        ratio_ci95=ratio_ci,
    )


@dataclass(frozen=True)
class PermutationResult:
    """The difference between the arms of a randomised trial and its permutation test.

    ``difference`` is mean(treated) − mean(control); ``p_value`` is two-sided. ``exact`` says
    whether every split of the pooled values into arms of the trial's sizes was counted
    (``permutations`` of them) or ``permutations`` random ones were drawn.
    """

    treated_mean: float
    control_mean: float
    difference: float
    p_value: float
    n_treated: int
    n_control: int
    permutations: int
    exact: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "treated_mean": round(self.treated_mean, 6),
            "control_mean": round(self.control_mean, 6),
            "difference": round(self.difference, 6),
            "p_value": round(self.p_value, 6),
            "n_treated": self.n_treated,
            "n_control": self.n_control,
            "permutations": self.permutations,
            "exact": self.exact,
        }


def permutation_test(
    treated: Sequence[float],
    control: Sequence[float],
    n_resamples: int = 10_000,
    seed: int | None = 20130514,
) -> PermutationResult:
    """Difference in means between the arms with a two-sided permutation p-value.

    The null distribution is the difference in means over re-allocations of the pooled
    values to arms of the same sizes. When the number of distinct allocations,
    C(n_treated + n_control, n_treated), is at most ``n_resamples`` every one is counted
    (an exact test, the observed allocation included); otherwise ``n_resamples`` random
    allocations are drawn from a generator seeded with ``seed`` and the p-value is
    (k + 1) / (n_resamples + 1). Two-sided: twice the smaller one-sided p-value, at most 1.
    Differences within a relative 100 machine epsilons of the observed one count as equal to
    it. This is the definition of ``scipy.stats.permutation_test`` with
    ``permutation_type="independent"``, so the exact p-values agree with it.
    """
    x = np.asarray(treated, dtype=float)
    y = np.asarray(control, dtype=float)
    if x.size == 0 or y.size == 0:
        raise ValueError("each arm needs at least one value")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("the values must be finite numbers")
    if n_resamples < 1:
        raise ValueError("n_resamples must be at least 1")
    pooled = np.concatenate([x, y])
    n, k = pooled.size, x.size
    total = pooled.sum()
    observed = float(x.mean() - y.mean())
    splits = math.comb(n, k)
    exact = splits <= n_resamples
    if exact:
        index = np.fromiter(
            itertools.chain.from_iterable(itertools.combinations(range(n), k)),
            dtype=np.intp,
            count=splits * k,
        ).reshape(splits, k)
        sums = pooled[index].sum(axis=1)
        null = sums / k - (total - sums) / (n - k)
        adjustment = 0
        draws = splits
    else:
        rng = np.random.default_rng(seed)
        parts = []
        for start in range(0, n_resamples, 1000):
            size = min(1000, n_resamples - start)
            shuffled = rng.permuted(np.broadcast_to(pooled, (size, n)), axis=1)
            sums = shuffled[:, :k].sum(axis=1)
            parts.append(sums / k - (total - sums) / (n - k))
        null = np.concatenate(parts)
        adjustment = 1
        draws = n_resamples
    gamma = abs(np.finfo(float).eps * 100 * observed)
    less = (np.count_nonzero(null <= observed + gamma) + adjustment) / (draws + adjustment)
    greater = (np.count_nonzero(null >= observed - gamma) + adjustment) / (draws + adjustment)
    p_value = min(1.0, 2 * min(less, greater))
    return PermutationResult(
        treated_mean=float(x.mean()),
        control_mean=float(y.mean()),
        difference=observed,
        p_value=float(p_value),
        n_treated=int(k),
        n_control=int(n - k),
        permutations=int(draws),
        exact=exact,
    )


def permutation_interval(
    treated: Sequence[float],
    control: Sequence[float],
    level: float = 0.95,
    n_resamples: int = 10_000,
    seed: int | None = 20130514,
) -> tuple[float, float] | None:
    """The interval for the difference in means from inverting ``permutation_test``.

    Under a constant additive effect δ, ``treated − δ`` and ``control`` are exchangeable, so
    the interval is the set of shifts δ that the two-sided test at 1 − ``level`` does not
    reject. Each end is found by bisection (to 1e-9 of the values' range) between the
    observed difference and the shift that separates the arms completely; every test uses
    the same ``seed``. None when even complete separation is not rejected (too few units
    for any p-value below 1 − ``level``: five against five can reach 2/252).
    """
    x = np.asarray(treated, dtype=float)
    y = np.asarray(control, dtype=float)
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    alpha = 1 - level
    observed = permutation_test(x.tolist(), y.tolist(), n_resamples, seed).difference
    spread = float(max(x.max(), y.max()) - min(x.min(), y.min())) or 1.0
    # shifted beyond these, every treated value is below (above) every control value
    low_end = float(x.min() - y.max()) - spread
    high_end = float(x.max() - y.min()) + spread

    def rejected(shift: float) -> bool:
        return permutation_test((x - shift).tolist(), y.tolist(), n_resamples, seed).p_value < alpha

    if not (rejected(low_end) and rejected(high_end)):
        return None

    def edge(inside: float, outside: float) -> float:
        while abs(outside - inside) > 1e-9 * spread:
            middle = (inside + outside) / 2
            if rejected(middle):
                outside = middle
            else:
                inside = middle
        return inside

    return edge(observed, low_end), edge(observed, high_end)
