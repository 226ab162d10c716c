"""Figures worked out without crimeplan's measures, to test the measures against: raw DuckDB
SQL on a store, and the textbook arithmetic of each statistic written out by hand.

None of this imports crimeplan.measures, crimeplan.stats or crimeplan.report: an expected
value built here is independent of the code under test.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from crimeplan.data.store import Store

#: The financial year a month falls in, as SQL (2012 = 2012/13).
FY = "year(month - INTERVAL 3 MONTH)"

#: The built-in plan's ``exclude_category: Anti-social behaviour``, as SQL.
NOT_ASB = "category IS DISTINCT FROM 'Anti-social behaviour'"


def one(store: Store, sql: str, params: list[Any] | None = None) -> Any:
    """The single value (or the single row) ``sql`` returns."""
    row = store.con.execute(sql, params or []).fetchone()
    assert row is not None, sql
    return row[0] if len(row) == 1 else row


def crimes(store: Store, where: str, first: str, last: str) -> int:
    """Crimes matching ``where`` recorded from month ``first`` to month ``last`` (YYYY-MM)."""
    return int(
        one(
            store,
            f"SELECT count(*) FROM crimes WHERE ({where}) "
            "AND month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)",
            [f"{first}-01", f"{last}-01"],
        )
    )


def monthly_crimes(store: Store, where: str, last: str) -> dict[str, int]:
    """``{YYYY-MM: count}`` of crimes matching ``where``, from the store's first month to
    ``last``, months without a crime included as 0."""
    rows = store.con.execute(
        f"""
        WITH months AS (
          SELECT unnest(generate_series(min(month), CAST(? AS DATE), INTERVAL 1 MONTH))::DATE
                 AS month FROM crimes)
        SELECT strftime(m.month, '%Y-%m'), count(c.month) FROM months m
        LEFT JOIN (SELECT month FROM crimes WHERE ({where})) c USING (month)
        GROUP BY 1 ORDER BY 1""",
        [f"{last}-01"],
    ).fetchall()
    return {month: int(n) for month, n in rows}


def pct_change(now: float, before: float) -> float:
    return 100 * (now - before) / before


def poisson_rate_ratio(x1: int, x2: int, t1: float = 1.0, t2: float = 1.0) -> dict[str, float]:
    """R's ``poisson.test(c(x1, x2), c(t1, t2))``: conditional on ``x1 + x2`` the count ``x1``
    is binomial with p = t1 / (t1 + t2) under equal rates, so the p-value is the exact
    binomial test's and the rate ratio's interval is Clopper and Pearson's interval for p,
    turned into a ratio (p / (1 - p) * t2 / t1). As per cent changes."""
    test = stats.binomtest(x1, x1 + x2, t1 / (t1 + t2))
    ci = test.proportion_ci(confidence_level=0.95, method="exact")
    ratio = [p / (1 - p) * t2 / t1 for p in (ci.low, ci.high)]
    return {"low": 100 * (ratio[0] - 1), "high": 100 * (ratio[1] - 1), "p": test.pvalue}


def quasi_poisson_rate_ratio(
    x1: int, x2: int, t1: float, t2: float, dispersion: float
) -> dict[str, float]:
    """The quasi-Poisson comparison of two counts, by statsmodels (0.15): the Poisson GLM
    of the two counts on an intercept and a this-period indicator with offsets ``log(t)``,
    its variance scaled by ``dispersion`` (``fit(scale=dispersion)``); the indicator's
    Wald interval and p-value, as per cent changes."""
    import warnings

    import statsmodels.api as sm

    with warnings.catch_warnings():  # two counts, two parameters: no residual df to report
        warnings.simplefilter("ignore")  # and its fit is exact ("perfect prediction")
        fit = sm.GLM(
            np.array([x2, x1], dtype=float),
            sm.add_constant(np.array([0.0, 1.0])),
            family=sm.families.Poisson(),
            offset=np.log(np.array([t2, t1], dtype=float)),
        ).fit(scale=dispersion)
    low, high = fit.conf_int(alpha=0.05)[1]
    return {
        "low": 100 * float(np.expm1(low)),
        "high": 100 * float(np.expm1(high)),
        "p": float(fit.pvalues[1]),
    }


def business_crime_april_2013(store: Store) -> dict[str, Any]:
    """The built-in plan's business crime (``business``) in April 2013 against April 2012, as
    the board pack's position table shows it: the % change and the exact Poisson test's 95 %
    interval and p-value (30 days in each April); ``quasi_low``, ``quasi_high`` and ``quasi_p``
    the same allowing for the months' variation (the chart's overdispersion, quasi-Poisson),
    which the table shows."""
    now, before = (crimes(store, "business", m, m) for m in ("2013-04", "2012-04"))
    dispersion = xmr(list(monthly_crimes(store, "business", "2013-04").values()))
    quasi = quasi_poisson_rate_ratio(now, before, 30, 30, dispersion["overdispersion"])
    return {"now": now, "before": before, "change": pct_change(now, before),
            **poisson_rate_ratio(now, before, 30, 30),
            **{f"quasi_{key}": value for key, value in quasi.items()}}  # fmt: skip


def xmr(values: list[float]) -> dict[str, float]:
    """An XmR chart's centre and limits as NHSRplotthedots draws them (one segment): the
    mean; the mean moving range, recomputed once over the moving ranges below 3.267 times it
    (its outlier screening); the limits at the mean ± 2.66 mean moving ranges. Also the
    variance over Poisson's, ``(mean moving range / 1.128) ** 2 / mean`` (d2 = 1.128)."""
    data = np.asarray(values, dtype=float)
    mean = float(data.mean())
    ranges = np.abs(np.diff(data))
    screened = float(ranges[ranges < 3.267 * ranges.mean()].mean())
    return {
        "mean": mean,
        "lpl": mean - 2.66 * screened,
        "upl": mean + 2.66 * screened,
        "overdispersion": (screened / 1.128) ** 2 / mean,
    }


def wilson(x: int, n: int) -> tuple[float, float]:
    """Wilson's score interval for ``x / n``, in per cent: statsmodels'
    ``proportion_confint(method="wilson")``."""
    low, high = proportion_confint(x, n, alpha=0.05, method="wilson")
    return 100 * low, 100 * high


def newcombe(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """Newcombe's hybrid score interval for ``x1/n1 - x2/n2``, in percentage points:
    statsmodels' ``confint_proportions_2indep(method="newcomb")``."""
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    return 100 * low, 100 * high
