"""Significance of a change: R's poisson.test, Wilson and Newcombe intervals, the z-test.

Every reference value says where it comes from. No R is available where these tests were
written, so R's outputs are quoted from printed output (named below), not rerun; each of them
also agrees with scipy or statsmodels, which are run here as independent implementations.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings  # deadline=None: scipy can be slow on a busy machine
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from crimeplan.stats.significance import (
    OVERDISPERSION_THRESHOLD,
    newcombe_difference,
    overdispersed,
    overdispersion,
    poisson_rate_test,
    quasi_poisson_rate_test,
    wilson_interval,
)

# ---------------------------------------------------------------------------------------
# poisson_rate_test against R's poisson.test


def test_r_documentation_example_comparison_of_poisson_rates() -> None:
    # R, ?poisson.test, Examples: "eba1977, compare Fredericia to other three cities for ages
    # 55-59": poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)) prints
    #   count1 = 11, expected count1 = 6.7174, p-value = 0.07967
    #   95 percent confidence interval: 0.8584264 4.2772659
    #   rate ratio 1.971488
    # (the same call is the test case at the end of src/library/stats/R/poisson.tests.R).
    result = poisson_rate_test(11, 800, 6 + 8 + 7, 1083 + 1050 + 878)
    assert result.rate_ratio == pytest.approx(1.971488, abs=5e-7)
    assert result.p_value == pytest.approx(0.07967, abs=5e-6)
    assert result.ci95 == pytest.approx((0.8584264, 4.2772659), abs=5e-8)
    assert result.change_pct == pytest.approx(97.1488, abs=5e-5)
    assert result.change_ci95 == pytest.approx((-14.15736, 327.72659), abs=5e-5)
    assert result.significant is False


def test_r_printed_output_for_a_significant_ratio() -> None:
    # An R session's printed output of poisson.test(c(10, 2), c(20000, 17887)), kept as a
    # comment in a public R script (found by code search; not rerun here):
    #   count1 = 10, expected count1 = 6.3346, p-value = 0.0421
    #   95 percent confidence interval: 0.9529548 41.9743814
    #   rate ratio 4.47175
    result = poisson_rate_test(10, 20000, 2, 17887)
    assert result.rate_ratio == pytest.approx(4.47175, abs=5e-6)
    assert result.p_value == pytest.approx(0.0421, abs=5e-5)
    assert result.ci95 == pytest.approx((0.9529548, 41.9743814), abs=5e-7)
    assert result.significant is True


@pytest.mark.parametrize(
    ("count", "exposure", "baseline", "baseline_exposure"),
    [
        (11, 800, 21, 3011),
        (0, 365, 5, 365),
        (5, 365, 0, 365),
        (412, 184, 455, 184),  # year to date: six months of burglaries against last year's
        (412, 184, 455, 181),  # unequal periods (a leap year)
        (5230, 365, 5012, 366),
        (30000, 365, 31000, 365),  # a force-wide total
        (7, 31, 7, 31),  # equal counts and days: the mode, p = 1
        (3, 10, 200, 10),
    ],
)
def test_agrees_with_scipy_binomtest(
    count: int, exposure: int, baseline: int, baseline_exposure: int
) -> None:
    # The reduction poisson.test itself uses (R documentation of poisson.test: "the
    # comparison of two rates is done by conditioning on the total count, and the result is
    # a binomial test"): count ~ Binomial(count + baseline, exposure / (both exposures)).
    # scipy.stats.binomtest implements binom.test's two-sided p-value and the exact
    # (Clopper-Pearson) interval independently of our code.
    p = exposure / (exposure + baseline_exposure)
    reference = stats.binomtest(count, count + baseline, p)
    low, high = reference.proportion_ci(confidence_level=0.95, method="exact")
    result = poisson_rate_test(count, exposure, baseline, baseline_exposure)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)
    to_ratio = [
        math.inf if q >= 1 else q / (1 - q) * baseline_exposure / exposure for q in (low, high)
    ]
    assert result.ci95 == pytest.approx(to_ratio, rel=1e-9)


def test_a_tiny_p_value_is_not_rounded_away() -> None:
    # 1,200 against 1,000 over the same days: z about 4.3; scipy's binomtest for reference.
    result = poisson_rate_test(1200, 365, 1000, 365)
    reference = stats.binomtest(1200, 2200, 0.5).pvalue
    assert result.p_value == pytest.approx(reference, rel=1e-9)
    assert result.to_dict()["p_value"] == float(f"{reference:.4g}")
    assert result.to_dict()["p_value"] > 0


def test_zero_counts_follow_r() -> None:
    # R: poisson.test(c(0, 5), c(365, 365)) has rate ratio 0 and a lower bound of 0 (p.L is 0
    # for x = 0); the p-value is binom.test(0, 5, 0.5)'s, 2 * 0.5^5 = 0.0625.
    none_now = poisson_rate_test(0, 365, 5, 365)
    assert none_now.rate_ratio == 0.0
    assert none_now.ci95[0] == 0.0
    assert none_now.change_pct == -100.0
    assert none_now.p_value == pytest.approx(0.0625, abs=1e-12)
    # R: poisson.test(c(5, 0), c(365, 365)): rate ratio Inf, upper bound Inf (p.U is 1 for
    # x = n, and 1 / (1 - 1) is Inf); JSON has no infinity, so to_dict() writes null.
    none_before = poisson_rate_test(5, 365, 0, 365)
    assert none_before.rate_ratio == math.inf
    assert none_before.ci95[1] == math.inf
    assert none_before.to_dict()["rate_ratio"] is None
    assert none_before.to_dict()["change_ci95"][1] is None
    # R refuses c(0, 0) (binom.test: 'n' must be a positive integer >= 'x'); we answer
    # with the degenerate distribution: nothing to compare, p = 1.
    nothing = poisson_rate_test(0, 365, 0, 365)
    assert nothing.rate_ratio is None and nothing.change_pct is None
    assert nothing.p_value == 1.0 and nothing.significant is False
    assert nothing.ci95 == (0.0, math.inf)


def test_to_dict_is_json_ready_and_rounded() -> None:
    result = poisson_rate_test(11, 800, 21, 3011).to_dict()
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    assert result == {
        "count": 11,
        "exposure": 800,
        "baseline_count": 21,
        "baseline_exposure": 3011,
        "rate_ratio": 1.9715,
        "p_value": 0.07967,
        "ci95": [0.8584, 4.2773],
        "change_pct": 97.15,
        "change_ci95": [-14.2, 327.7],
        "significant": False,
        "confidence": 0.95,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 365, 5, 365), "count must be a whole number of at least 0, got -1"),
        ((1, 365, 2.5, 365), "baseline_count must be a whole number of at least 0, got 2.5"),
        ((1, 0, 5, 365), "exposure must be a positive number of days, got 0"),
        ((1, 365, 5, math.nan), "baseline_exposure must be a positive number of days, got nan"),
    ],
)
def test_bad_input_is_refused(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError) as error:
        poisson_rate_test(*args)
    assert str(error.value) == message


def test_confidence_must_be_a_fraction() -> None:
    with pytest.raises(ValueError) as error:
        poisson_rate_test(1, 1, 1, 1, confidence=95)
    assert str(error.value) == "confidence must be between 0 and 1 (e.g. 0.95), got 95"


counts = st.integers(min_value=0, max_value=5000)
days = st.integers(min_value=1, max_value=400)


@settings(deadline=None)
@given(counts, days, counts, days)
def test_swapping_the_periods_inverts_the_ratio(a: int, ta: int, b: int, tb: int) -> None:
    forward = poisson_rate_test(a, ta, b, tb)
    backward = poisson_rate_test(b, tb, a, ta)
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-6, abs=1e-12)
    low, high = forward.ci95
    inverted = (math.inf if low == 0 else 1 / low, 0.0 if math.isinf(high) else 1 / high)
    assert backward.ci95[0] == pytest.approx(inverted[1], rel=1e-6)
    assert backward.ci95[1] == pytest.approx(inverted[0], rel=1e-6)
    if forward.rate_ratio not in (None, 0.0, math.inf):
        assert backward.rate_ratio == pytest.approx(1 / forward.rate_ratio, rel=1e-12)


@settings(deadline=None)
@given(counts, days, counts, days)
def test_the_interval_holds_the_ratio(a: int, ta: int, b: int, tb: int) -> None:
    result = poisson_rate_test(a, ta, b, tb)
    assert 0.0 <= result.p_value <= 1.0
    if result.rate_ratio is not None:
        assert result.ci95[0] <= result.rate_ratio <= result.ci95[1]


# ---------------------------------------------------------------------------------------
# overdispersion


# ---------------------------------------------------------------------------------------
# quasi_poisson_rate_test against statsmodels' quasi-Poisson GLM
#
# Reference: statsmodels 0.15 (an independent implementation, run here),
# ``sm.GLM(y, X, family=sm.families.Poisson(), offset=log(days)).fit(scale="X2")``: the
# Poisson GLM of the monthly counts on an intercept and a this-year indicator, the
# variance scaled by the Pearson chi-squared over its residual degrees of freedom (the
# quasi-Poisson dispersion). Its indicator's coefficient is the log rate ratio, with a
# normal (Wald) interval and p-value. The same dispersion, passed in, must give the same
# interval and p-value.

#: Two years of monthly counts, the second lower, more variable than Poisson.
LAST_YEAR = [1210, 1105, 1320, 990, 1280, 1150, 1030, 1400, 1190, 1080, 1250, 1130]
THIS_YEAR = [1120, 1010, 1250, 930, 1150, 1090, 960, 1290, 1050, 1020, 1180, 990]
DAYS = [30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31]


def _statsmodels_quasi_poisson(
    this: list[int], last: list[int], days: list[int]
) -> tuple[float, float, tuple[float, float], float]:
    import numpy as np
    import statsmodels.api as sm

    y = np.array(last + this, dtype=float)
    indicator = np.array([0] * len(last) + [1] * len(this), dtype=float)
    exposure = np.array(days + days, dtype=float)
    fit = sm.GLM(
        y, sm.add_constant(indicator), family=sm.families.Poisson(), offset=np.log(exposure)
    ).fit(scale="X2")
    low, high = fit.conf_int(alpha=0.05)[1]
    return float(fit.scale), float(fit.params[1]), (float(low), float(high)), float(fit.pvalues[1])


def test_quasi_poisson_matches_statsmodels_glm_with_pearson_scale() -> None:
    scale, coefficient, (low, high), p = _statsmodels_quasi_poisson(THIS_YEAR, LAST_YEAR, DAYS)
    assert scale > 2  # the example is overdispersed
    found = quasi_poisson_rate_test(
        sum(THIS_YEAR), float(sum(DAYS)), sum(LAST_YEAR), float(sum(DAYS)), dispersion=scale
    )
    assert found is not None
    assert math.log(found.rate_ratio) == pytest.approx(coefficient, rel=1e-9)
    assert math.log(found.ci95[0]) == pytest.approx(low, rel=1e-7)
    assert math.log(found.ci95[1]) == pytest.approx(high, rel=1e-7)
    assert found.p_value == pytest.approx(p, rel=1e-6)
    assert found.change_ci95 == pytest.approx((100 * math.expm1(low), 100 * math.expm1(high)))
    # the exact Poisson test calls the fall more than chance; allowing for the extra
    # variation it is not
    exact = poisson_rate_test(sum(THIS_YEAR), float(sum(DAYS)), sum(LAST_YEAR), float(sum(DAYS)))
    assert exact.significant and not found.significant and p > 0.05


def test_quasi_poisson_with_unequal_exposures_matches_statsmodels() -> None:
    # four months of this year against the twelve of last year, as a year to date is not
    this = THIS_YEAR[:4]
    import numpy as np
    import statsmodels.api as sm

    y = np.array(LAST_YEAR + this, dtype=float)
    indicator = np.array([0] * 12 + [1] * 4, dtype=float)
    offset = np.log(np.array(DAYS + DAYS[:4], dtype=float))
    fit = sm.GLM(y, sm.add_constant(indicator), family=sm.families.Poisson(), offset=offset)
    result = fit.fit(scale="X2")
    found = quasi_poisson_rate_test(
        sum(this), float(sum(DAYS[:4])), sum(LAST_YEAR), float(sum(DAYS)), result.scale
    )
    assert found is not None
    low, high = result.conf_int()[1]
    assert (math.log(found.ci95[0]), math.log(found.ci95[1])) == pytest.approx((low, high))
    assert found.p_value == pytest.approx(float(result.pvalues[1]), rel=1e-6)


def test_quasi_poisson_with_dispersion_one_is_the_poisson_wald_interval() -> None:
    # dispersion 1: statsmodels' Poisson GLM with its scale fixed at 1 (the default)
    import numpy as np
    import statsmodels.api as sm

    y = np.array(LAST_YEAR + THIS_YEAR, dtype=float)
    indicator = np.array([0] * 12 + [1] * 12, dtype=float)
    fit = sm.GLM(y, sm.add_constant(indicator), family=sm.families.Poisson()).fit()
    found = quasi_poisson_rate_test(sum(THIS_YEAR), 12.0, sum(LAST_YEAR), 12.0, 1.0)
    assert found is not None
    assert math.log(found.ci95[0]) == pytest.approx(fit.conf_int()[1][0])
    assert found.p_value == pytest.approx(float(fit.pvalues[1]), rel=1e-6)


def test_quasi_poisson_widens_with_the_dispersion_and_needs_two_counts() -> None:
    narrow = quasi_poisson_rate_test(120, 30.0, 100, 30.0, 1.0)
    wide = quasi_poisson_rate_test(120, 30.0, 100, 30.0, 9.0)
    assert narrow is not None and wide is not None
    assert narrow.rate_ratio == wide.rate_ratio == pytest.approx(1.2)
    # the half-width on the log scale is sqrt(9) = 3 times as wide
    half = [math.log(t.ci95[1]) - math.log(t.rate_ratio) for t in (narrow, wide)]
    assert half[1] == pytest.approx(3 * half[0])
    assert wide.p_value > narrow.p_value
    assert quasi_poisson_rate_test(0, 30.0, 100, 30.0, 2.0) is None
    assert quasi_poisson_rate_test(5, 30.0, 0, 30.0, 2.0) is None
    with pytest.raises(ValueError, match="dispersion must be a positive number"):
        quasi_poisson_rate_test(5, 30.0, 5, 30.0, 0.0)


def test_quasi_poisson_to_dict_rounds_the_change_interval_once() -> None:
    found = quasi_poisson_rate_test(120, 30.0, 100, 30.0, 2.0)
    assert found is not None
    data = found.to_dict()
    assert data["change_ci95"] == [round(v, 1) for v in found.change_ci95]
    assert data["dispersion"] == 2.0 and data["rate_ratio"] == 1.2


def test_overdispersion_by_hand() -> None:
    # Values 100, 110, 100, 110: moving ranges 10, 10, 10 (none screened), mean 105:
    # (10 / 1.128) ** 2 / 105 = 0.748502...
    assert overdispersion([100, 110, 100, 110]) == pytest.approx((10 / 1.128) ** 2 / 105)


def test_overdispersion_screens_moving_ranges_like_the_chart() -> None:
    # Moving ranges 2, 2, 2, 2, 2, 50: mean 10, and 50 >= 3.267 * 10 is set aside, leaving a
    # mean moving range of 2. Without screening the mean moving range stays 10.
    values = [100, 102, 100, 102, 100, 102, 152]
    mean = sum(values) / len(values)
    assert overdispersion(values) == pytest.approx((2 / 1.128) ** 2 / mean)
    assert overdispersion(values, screen_outliers=False) == pytest.approx((10 / 1.128) ** 2 / mean)


def test_overdispersion_is_about_one_for_poisson_counts() -> None:
    # 120 months from a seeded Poisson(400): the index should be near 1 (sampling error of a
    # variance from ~119 moving ranges is roughly 15 %).
    values = stats.poisson.rvs(400, size=120, random_state=20240401)
    index = overdispersion(list(values))
    assert index is not None and 0.7 < index < 1.3


def test_overdispersion_is_undefined_without_enough_data() -> None:
    assert overdispersion([]) is None
    assert overdispersion([5]) is None
    assert overdispersion([0, 0, 0]) is None
    assert overdispersion([7, 7, 7]) == 0.0


def test_overdispersed_is_strictly_above_the_threshold() -> None:
    assert OVERDISPERSION_THRESHOLD == 2.0
    assert not overdispersed(None)
    assert not overdispersed(2.0)  # strictly above the threshold only
    assert overdispersed(3.44)
    assert not overdispersed(3.44, threshold=5) and overdispersed(14.6, threshold=5)


# ---------------------------------------------------------------------------------------
# Wilson intervals


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998a), "Two-sided confidence intervals for the single proportion:
        # comparison of seven methods", Statistics in Medicine 17, 857-872, Table I, the
        # score method without continuity correction (quoted; the paper was not to hand
        # here, and each value agrees with statsmodels to 4 dp, checked below).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998_table_i(
    successes: int, n: int, low: float, high: float
) -> None:
    result = wilson_interval(successes, n)
    assert result == pytest.approx((100 * low, 100 * high), abs=0.005)


@settings(deadline=None)
@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_statsmodels(case: tuple[int, int]) -> None:
    successes, n = case
    reference = proportion_confint(successes, n, alpha=0.05, method="wilson")
    result = wilson_interval(successes, n)
    assert result == pytest.approx([100 * v for v in reference], abs=1e-9)
    assert result[0] <= 100 * successes / n <= result[1]


def test_wilson_other_confidence() -> None:
    reference = proportion_confint(30, 120, alpha=0.1, method="wilson")
    assert wilson_interval(30, 120, confidence=0.9) == pytest.approx(
        [100 * v for v in reference], abs=1e-9
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((3, 0), "n must be a whole number of at least 1, got 0"),
        ((5, 4), "successes (5) cannot be more than n (4)"),
        ((-1, 4), "successes must be a whole number of at least 0, got -1"),
    ],
)
def test_wilson_refuses_bad_input(args: tuple[int, int], message: str) -> None:
    with pytest.raises(ValueError) as error:
        wilson_interval(*args)
    assert str(error.value) == message


# ---------------------------------------------------------------------------------------
# Newcombe's difference and the two-proportion test


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        # Newcombe (1998b), "Interval estimation for the difference between independent
        # proportions: comparison of eleven methods", Statistics in Medicine 17, 873-890,
        # Table II, method 10 (score, no continuity correction). Example (a) is also quoted
        # in another public project's tests ("56/70 against 48/80 gives 0.0524 to 0.3339");
        # the rest are quoted from the table without the paper to hand, and all agree with
        # statsmodels' confint_proportions_2indep(method="newcomb") to 4 dp.
        # (The brief for this work gave 0.1667 and 0.0180 to 0.3063 for (a): the difference
        # 56/70 - 48/80 is 0.2000, and 0.0180-0.3063 is not method 10's interval.)
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_matches_table_ii(
    x1: int, n1: int, x2: int, n2: int, low: float, high: float
) -> None:
    result = newcombe_difference(x1, n1, x2, n2)
    assert result.difference_ci95 == pytest.approx((100 * low, 100 * high), abs=0.005)


def test_newcombe_matches_fagerland_2015() -> None:
    # Fagerland, Lydersen & Laake (2015), "Recommended confidence intervals for two
    # independent binomial proportions", Statistical Methods in Medical Research 24, 224-254:
    # the Perondi et al. (2004) trial, 7/34 against 1/34, Newcombe hybrid score 0.019 to 0.34
    # (as quoted in statsmodels' test_proportion.py::test_confint_2indep).
    result = newcombe_difference(7, 34, 1, 34)
    assert result.difference == pytest.approx(100 * 6 / 34)
    assert result.difference_ci95 == pytest.approx((1.9, 34.0), abs=0.05)


@settings(deadline=None)
@given(
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_newcombe_and_ztest_match_statsmodels(
    first: tuple[int, int], second: tuple[int, int]
) -> None:
    (x1, n1), (x2, n2) = first, second
    result = newcombe_difference(x1, n1, x2, n2)
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    assert result.difference_ci95 == pytest.approx((100 * low, 100 * high), abs=1e-9)
    assert result.difference_ci95[0] <= result.difference <= result.difference_ci95[1]
    if 0 < x1 + x2 < n1 + n2:
        # proportions_ztest pools the two samples by default (prop_var=False) and has no
        # continuity correction: the same test.
        _, p_value = proportions_ztest([x1, x2], [n1, n2])
        assert result.p_value == pytest.approx(p_value, rel=1e-9, abs=1e-300)


def test_a_survey_wave_difference() -> None:
    # "Wave 33 is about 3 points above wave 32": 871 of 1,000 against 842 of 1,000.
    result = newcombe_difference(871, 1000, 842, 1000)
    _, p_value = proportions_ztest([871, 842], [1000, 1000])
    assert result.difference == pytest.approx(2.9)
    assert result.p_value == pytest.approx(p_value, rel=1e-12)
    assert result.significant is False  # p is about 0.059
    # statsmodels confint_proportions_2indep(871, 1000, 842, 1000, method="newcomb") gives
    # (-0.0017633, 0.0597679): -0.18 to 5.98 points, as below.
    assert result.to_dict() == {
        "successes": 871,
        "n": 1000,
        "baseline_successes": 842,
        "baseline_n": 1000,
        "value_pct": 87.1,
        "ci95": [84.88, 89.04],
        "baseline_pct": 84.2,
        "baseline_ci95": [81.81, 86.33],
        "difference": 2.9,
        "difference_ci95": [-0.18, 5.98],
        "p_value": float(f"{p_value:.4g}"),
        "significant": False,
        "confidence": 0.95,
    }


def test_identical_extremes_have_p_value_one() -> None:
    # Pooled proportion 0: the z statistic is 0 / 0; both samples are the same, so p = 1.
    result = newcombe_difference(0, 50, 0, 80)
    assert result.p_value == 1.0 and result.significant is False
    assert newcombe_difference(50, 50, 80, 80).p_value == 1.0


def test_swapping_the_waves_negates_the_difference() -> None:
    forward = newcombe_difference(56, 70, 48, 80)
    backward = newcombe_difference(48, 80, 56, 70)
    assert backward.difference == pytest.approx(-forward.difference)
    assert backward.difference_ci95 == pytest.approx(
        (-forward.difference_ci95[1], -forward.difference_ci95[0])
    )
    assert backward.p_value == pytest.approx(forward.p_value)
