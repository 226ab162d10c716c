"""Is a change more than chance? Exact tests for counts, score intervals for proportions.

Counts (crimes this year to date against last year to date):

- ``poisson_rate_test`` is R's ``poisson.test(c(count, baseline_count), c(exposure,
  baseline_exposure))``, line for line: conditional on the total, ``count`` is binomial with
  ``p = exposure / (exposure + baseline_exposure)``; the two-sided p-value is binom.test's
  (sum the probabilities no larger than the observed one, with R's fuzz ``1 + 1e-7``); the
  interval of the rate ratio is the Clopper-Pearson interval of ``p`` mapped through
  ``p / (1 - p) * baseline_exposure / exposure``. Exposure is the number of days in each period.
- ``overdispersion`` compares the month-to-month variation with Poisson's, and
  ``overdispersion_note`` says so in words when it is too large for the exact test's
  "significant" to mean "beyond the chart's natural variation".
- ``quasi_poisson_rate_test`` is the same comparison allowing for that extra variation: the
  quasi-Poisson (log-linear, Wald) interval of the rate ratio with its variance multiplied
  by a dispersion ``phi``, ``log(ratio) ± z * sqrt(phi * (1 / count + 1 / baseline_count))``.
  It is what a Poisson GLM of the months with a period indicator and a log-exposure offset
  gives with its scale fixed at ``phi`` (statsmodels' ``GLM(...).fit(scale=phi)``; with
  ``scale='X2'`` the Pearson chi-squared over its degrees of freedom); the measures take
  ``phi`` from the chart's moving ranges (``overdispersion``) where it is above 1 (at or
  below 1 the exact test stands).

Proportions (survey results, solved rates) are in **per cent** throughout, as in the measures
JSON: ``wilson_interval`` gives per cent, and ``newcombe_difference`` gives the difference in
percentage points with Newcombe's hybrid score interval (method 10 of Newcombe 1998) and the
pooled two-proportion z-test without continuity correction.

Rounding in ``to_dict()``: p-values to 4 significant figures (so a tiny p-value stays
visible, e.g. ``3.142e-12``, never ``0.0``); rate ratios to 4 decimal places; percentages and
percentage points to 2, except the interval of a % change (``change_ci95``), which is kept to
1 place, the places every reader shows it to, so that it is rounded once (a lower end of
-1.5497 % is -1.5, not -1.55 and then -1.6); an infinite bound (a count against a baseline of
zero) becomes ``None``. The dataclass fields keep full precision.

Bad input (negative counts, zero exposure, a confidence outside (0, 1)) raises ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

#: ``overdispersion`` above this gets a note. Under a pure Poisson process the index exceeds
#: 2 in about 7 % of 12-month series, 2 % of 24-month and 0.6 % of 36-month series (simulated,
#: with moving-range screening); crime series usually sit far above it.
OVERDISPERSION_THRESHOLD = 2.0

#: The places the interval of a % change is kept to: the places it is shown to.
CHANGE_CI_PLACES = 1

_D2 = 1.128  # the bias constant of a moving range of two points (sigma = mean MR / d2)
_SCREEN = 3.267  # moving ranges at or above 3.267 x their mean are set aside, as in the chart
_REL_ERR = 1 + 1e-7  # R's fuzz when comparing binomial probabilities


@dataclass(frozen=True)
class RateComparison:
    """The exact comparison of two Poisson rates, as R's ``poisson.test`` gives it.

    ``rate_ratio`` is (count / exposure) / (baseline_count / baseline_exposure); ``math.inf``
    when the baseline count is 0 and None when both counts are 0. ``ci95`` is its interval at
    ``confidence`` (95 % by default; the field names follow the default). ``change_pct`` and
    ``change_ci95`` are the same as a % change, ``100 * (ratio - 1)``. ``significant`` is
    ``p_value < 1 - confidence``.
    """

    count: int
    exposure: float
    baseline_count: int
    baseline_exposure: float
    rate_ratio: float | None
    p_value: float
    ci95: tuple[float, float]
    change_pct: float | None
    change_ci95: tuple[float, float]
    significant: bool
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "exposure": self.exposure,
            "baseline_count": self.baseline_count,
            "baseline_exposure": self.baseline_exposure,
            "rate_ratio": _round(self.rate_ratio, 4),
            "p_value": _round_p(self.p_value),
            "ci95": [_round(v, 4) for v in self.ci95],
            "change_pct": _round(self.change_pct, 2),
            "change_ci95": [_round(v, CHANGE_CI_PLACES) for v in self.change_ci95],
            "significant": self.significant,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class QuasiPoissonComparison:
    """Two Poisson rates compared allowing for extra-Poisson variation (quasi-Poisson).

    ``dispersion`` is the ``phi`` the variance was multiplied by; ``rate_ratio`` as in
    ``RateComparison``; ``ci95`` its Wald interval on the log scale at ``confidence``,
    ``change_ci95`` the same as a % change; ``p_value`` the two-sided Wald test of a ratio
    of 1; ``significant`` is ``p_value < 1 - confidence``.
    """

    dispersion: float
    rate_ratio: float
    p_value: float
    ci95: tuple[float, float]
    change_ci95: tuple[float, float]
    significant: bool
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        return {
            "dispersion": round(self.dispersion, 2),
            "rate_ratio": _round(self.rate_ratio, 4),
            "p_value": _round_p(self.p_value),
            "ci95": [_round(v, 4) for v in self.ci95],
            "change_ci95": [_round(v, CHANGE_CI_PLACES) for v in self.change_ci95],
            "significant": self.significant,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class ProportionComparison:
    """Two proportions in per cent, and their difference in percentage points.

    ``difference`` is ``value_pct - baseline_pct``; ``difference_ci95`` is Newcombe's hybrid
    score interval (method 10, Wilson intervals without continuity correction); ``p_value`` is
    the pooled two-proportion z-test without continuity correction; ``significant`` is
    ``p_value < 1 - confidence``. Near the boundary the test and the interval can disagree
    (p just under 0.05 with an interval just touching 0, or the reverse): they are different
    methods, and the flag follows the test.
    """

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
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        return {
            "successes": self.successes,
            "n": self.n,
            "baseline_successes": self.baseline_successes,
            "baseline_n": self.baseline_n,
            "value_pct": _round(self.value_pct, 2),
            "ci95": [_round(v, 2) for v in self.ci95],
            "baseline_pct": _round(self.baseline_pct, 2),
            "baseline_ci95": [_round(v, 2) for v in self.baseline_ci95],
            "difference": _round(self.difference, 2),
            "difference_ci95": [_round(v, 2) for v in self.difference_ci95],
            "p_value": _round_p(self.p_value),
            "significant": self.significant,
            "confidence": self.confidence,
        }


def poisson_rate_test(
    count: int,
    exposure: float,
    baseline_count: int,
    baseline_exposure: float,
    confidence: float = 0.95,
) -> RateComparison:
    """Compare ``count`` over ``exposure`` days with ``baseline_count`` over its days.

    Zero counts follow R: a count of 0 gives a ratio of 0 with interval (0, upper); a
    baseline of 0 gives an infinite ratio and upper bound. R refuses two zeros (binom.test
    needs at least one trial); here the conditional distribution is then a single point, so
    the p-value is 1, the interval is (0, inf) and the ratio is undefined (None).
    """
    _check_count(count, "count")
    _check_count(baseline_count, "baseline_count")
    for name, value in (("exposure", exposure), ("baseline_exposure", baseline_exposure)):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number of days, got {value!r}")
    _check_confidence(confidence)

    total = count + baseline_count
    p = exposure / (exposure + baseline_exposure)
    p_value = _binom_two_sided(count, total, p)
    low_p, high_p = _clopper_pearson(count, total, confidence)
    ci = (
        _odds_to_ratio(low_p, exposure, baseline_exposure),
        _odds_to_ratio(high_p, exposure, baseline_exposure),
    )
    if total == 0:
        ratio: float | None = None
    elif baseline_count == 0:
        ratio = math.inf
    else:
        ratio = (count / exposure) / (baseline_count / baseline_exposure)
    return RateComparison(
        count=count,
        exposure=exposure,
        baseline_count=baseline_count,
        baseline_exposure=baseline_exposure,
        rate_ratio=ratio,
        p_value=p_value,
        ci95=ci,
        change_pct=None if ratio is None else _change(ratio),
        change_ci95=(_change(ci[0]), _change(ci[1])),
        significant=p_value < 1 - confidence,
        confidence=confidence,
    )


def quasi_poisson_rate_test(
    count: int,
    exposure: float,
    baseline_count: int,
    baseline_exposure: float,
    dispersion: float,
    confidence: float = 0.95,
) -> QuasiPoissonComparison | None:
    """Compare ``count`` over ``exposure`` with ``baseline_count`` over its exposure, the
    variance ``dispersion`` times Poisson's (see the module docstring). None when either
    count is 0 (the log ratio is not finite)."""
    _check_count(count, "count")
    _check_count(baseline_count, "baseline_count")
    for name, value in (("exposure", exposure), ("baseline_exposure", baseline_exposure)):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number of days, got {value!r}")
    if not (math.isfinite(dispersion) and dispersion > 0):
        raise ValueError(f"dispersion must be a positive number, got {dispersion!r}")
    _check_confidence(confidence)
    if count == 0 or baseline_count == 0:
        return None
    log_ratio = math.log((count / exposure) / (baseline_count / baseline_exposure))
    se = math.sqrt(dispersion * (1 / count + 1 / baseline_count))
    z = _z(confidence)
    ci = (math.exp(log_ratio - z * se), math.exp(log_ratio + z * se))
    p_value = float(2 * stats.norm.sf(abs(log_ratio) / se))
    return QuasiPoissonComparison(
        dispersion=dispersion,
        rate_ratio=math.exp(log_ratio),
        p_value=p_value,
        ci95=ci,
        change_ci95=(_change(ci[0]), _change(ci[1])),
        significant=p_value < 1 - confidence,
        confidence=confidence,
    )


def overdispersion(values: Sequence[float], screen_outliers: bool = True) -> float | None:
    """How many times Poisson's variance the month-to-month variation is.

    The index is ``(mean moving range / 1.128) ** 2 / mean``: the XmR chart's estimate of
    the variance over the variance a Poisson count with that mean would have. With
    ``screen_outliers`` (the chart's default) moving ranges at or above 3.267 x their mean
    are set aside first, once. About 1 for a Poisson series; None with fewer than two values
    or a mean that is not positive.
    """
    data = np.asarray(values, dtype=float)
    if data.size < 2 or not np.all(np.isfinite(data)):
        return None
    mean = float(data.mean())
    if mean <= 0:
        return None
    ranges = np.abs(np.diff(data))
    mean_range = float(ranges.mean())
    if screen_outliers and mean_range > 0:
        mean_range = float(ranges[ranges < _SCREEN * mean_range].mean())
    return (mean_range / _D2) ** 2 / mean


def overdispersed(index: float | None, threshold: float = OVERDISPERSION_THRESHOLD) -> bool:
    """Whether the monthly variation is more than ``threshold`` times what chance alone
    (Poisson) would give, so that a 'significant' change may still lie within the chart's
    natural variation."""
    return index is not None and index > threshold


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval (no continuity correction) for ``successes / n``, in per cent."""
    _check_proportion(successes, n, "successes", "n")
    _check_confidence(confidence)
    low, high = _wilson(successes, n, _z(confidence))
    return 100 * low, 100 * high


def newcombe_difference(
    x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95
) -> ProportionComparison:
    """``x1 / n1`` (this period or wave) against ``x2 / n2`` (the one before), in per cent.

    The interval of the difference is Newcombe's hybrid score interval, method 10 of
    Newcombe (1998), Statistics in Medicine 17, 873-890. The test is the pooled
    two-proportion z-test without continuity correction; when the pooled proportion is 0 or
    100 % the two are identical and the p-value is 1.
    """
    _check_proportion(x1, n1, "x1", "n1")
    _check_proportion(x2, n2, "x2", "n2")
    _check_confidence(confidence)
    z = _z(confidence)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = _wilson(x1, n1, z)
    l2, u2 = _wilson(x2, n2, z)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)

    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p_value = 1.0 if se == 0 else float(2 * stats.norm.sf(abs(d) / se))
    return ProportionComparison(
        successes=x1,
        n=n1,
        baseline_successes=x2,
        baseline_n=n2,
        value_pct=100 * p1,
        ci95=(100 * l1, 100 * u1),
        baseline_pct=100 * p2,
        baseline_ci95=(100 * l2, 100 * u2),
        difference=100 * d,
        difference_ci95=(100 * low, 100 * high),
        p_value=p_value,
        significant=p_value < 1 - confidence,
        confidence=confidence,
    )


def _binom_two_sided(x: int, n: int, p: float) -> float:
    """R's ``binom.test(x, n, p)$p.value``, two-sided, including the n = 0 case."""
    if n == 0:
        return 1.0
    if p == 0:
        return float(x == 0)
    if p == 1:
        return float(x == n)
    d = stats.binom.pmf(x, n, p)
    m = n * p
    if x == m:
        return 1.0
    if x < m:
        i = np.arange(math.ceil(m), n + 1)
        y = int(np.sum(stats.binom.pmf(i, n, p) <= d * _REL_ERR))
        value = stats.binom.cdf(x, n, p) + stats.binom.sf(n - y, n, p)
    else:
        i = np.arange(0, math.floor(m) + 1)
        y = int(np.sum(stats.binom.pmf(i, n, p) <= d * _REL_ERR))
        value = stats.binom.cdf(y - 1, n, p) + stats.binom.sf(x - 1, n, p)
    return min(1.0, float(value))


def _clopper_pearson(x: int, n: int, confidence: float) -> tuple[float, float]:
    """binom.test's interval: exact (Clopper-Pearson), [0, 1] when n = 0."""
    alpha = (1 - confidence) / 2
    low = 0.0 if x == 0 else float(stats.beta.ppf(alpha, x, n - x + 1))
    high = 1.0 if x == n else float(stats.beta.ppf(1 - alpha, x + 1, n - x))
    return low, high


def _odds_to_ratio(p: float, exposure: float, baseline_exposure: float) -> float:
    return math.inf if p >= 1 else p / (1 - p) * baseline_exposure / exposure


def _change(ratio: float) -> float:
    return math.inf if math.isinf(ratio) else 100 * (ratio - 1)


def _wilson(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    low = 0.0 if x == 0 else max(0.0, centre - half)
    high = 1.0 if x == n else min(1.0, centre + half)
    return low, high


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def _check_count(value: int, name: str) -> None:
    if not (math.isfinite(value) and value >= 0 and int(value) == value):
        raise ValueError(f"{name} must be a whole number of at least 0, got {value!r}")


def _check_proportion(x: int, n: int, x_name: str, n_name: str) -> None:
    _check_count(x, x_name)
    if not (math.isfinite(n) and n >= 1 and int(n) == n):
        raise ValueError(f"{n_name} must be a whole number of at least 1, got {n!r}")
    if x > n:
        raise ValueError(f"{x_name} ({x}) cannot be more than {n_name} ({n})")


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")


def _round(value: float | None, places: int) -> float | None:
    if value is None or math.isinf(value):
        return None
    return round(value, places)


def _round_p(value: float) -> float:
    """Four significant figures: 0.07967, 0.0421, 3.142e-12."""
    return float(f"{value:.4g}")
