"""Year-end forecasts: where a count measure will stand at the end of the financial year.

The method (docs/forecast.md has the whole argument and the backtests):

* The monthly counts are modelled on the log scale as
  ``log(count + 0.5) = season[month of year] + level[t] + irregular[t] + sampling noise``:
  a fixed effect for each month of the year (the seasonal profile of earlier years), a
  *level* that wanders as a random walk from month to month (crime does not keep last
  year's level: it drifts, and sometimes jumps), an *irregular* month-to-month variation
  beyond chance, and Poisson sampling noise, whose variance on the log scale is known,
  ``1 / (count + 0.5)``.
* The two unknown variances (how fast the level wanders, how large the irregular is) are not
  fixed at point estimates: they get weakly informative priors (see ``PRIOR_*``) and are
  integrated over a grid, weighting each grid point by its restricted (REML) likelihood, the
  likelihood with the seasonal effects integrated out. A short history therefore gives
  wide intervals by itself: it cannot rule out a fast-moving level.
* Given each grid point, the months still to come (and any missing months of the year) have
  a Gaussian predictive distribution (universal kriging: the seasonal effects' uncertainty is
  included). Draws from it, mixed over the grid, become Poisson counts; each draw's year
  total is the months known plus the months drawn. The year end is the median of the draws,
  the 80 % and 95 % prediction intervals their central quantiles, and the probability of
  meeting a target the share of draws at or beyond it.

The draws use a fixed seed, so the same history always gives the same forecast. A month of
the year that the history never shows cannot be forecast: the result is then empty, with the
reason. With every month of the year known (as at March) the interval is the total itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Annotated, Literal

import numpy as np
import numpy.typing as npt
import scipy.linalg
from pydantic import Field

from crimeplan.codec import result
from crimeplan.periods import FinancialYear, format_month

Improvement = Literal["increase", "decrease", "neutral"]
Floats = npt.NDArray[np.float64]

METHOD = "seasonal random-walk level, REML grid over variances, Poisson draws"

#: Prior median and spread (the sd of the log) of the level's month-to-month drift (sd on
#: the log scale, i.e. roughly a proportion: 0.03 is 3 % a month).
PRIOR_LEVEL_SD = (0.03, 1.0)
#: Prior median and spread of the irregular month-to-month variation beyond Poisson noise.
PRIOR_IRREGULAR_SD = (0.03, 1.0)
#: The grid of standard deviations each variance is integrated over.
GRID = np.geomspace(0.002, 0.4, 15)
DRAWS = 4000
SEED = 20130401


@result
class NoSeasonalProfile:
    """No forecast: the history holds no earlier value for these months of the year (1–12)."""

    code: Literal["no_seasonal_profile"] = "no_seasonal_profile"
    months: tuple[int, ...]


@result
class ShortHistory:
    """No forecast: ``months`` months of history cover ``months_of_year`` months of the year,
    none twice, so the month-to-month variation cannot be told from the seasonal pattern."""

    code: Literal["short_history"] = "short_history"
    months: int
    months_of_year: int


ForecastGap = Annotated[NoSeasonalProfile | ShortHistory, Field(discriminator="code")]


@result
class Forecast:
    """A year-end forecast of a count measure. Empty (``year_end`` None) with a ``reason``
    when the history cannot support one."""

    year: str
    as_at: str
    year_end: float | None
    change_pct: float | None
    pi80: tuple[float, float] | None
    pi95: tuple[float, float] | None
    p_meet_target: float | None
    method: str
    months_known: int
    months_forecast: int
    history_months: int = 0  # months before the year that the seasonal profile rests on
    baseline_total: float | None = None
    target_change_pct: float | None = None
    reason: ForecastGap | None = None

    def rounded(self) -> Forecast:
        """The forecast as the results keep it: totals to a tenth, changes to 0.01 points,
        the chance of meeting the target to 0.001."""
        return replace(
            self,
            year_end=_round(self.year_end, 1),
            change_pct=_round(self.change_pct, 2),
            pi80=_pair(self.pi80),
            pi95=_pair(self.pi95),
            p_meet_target=_round(self.p_meet_target, 3),
            baseline_total=_round(self.baseline_total, 1),
        )


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(float(value), places)


def _pair(pair: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if pair is None else (round(pair[0], 1), round(pair[1], 1))


def _month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def forecast_year_end(
    history: Sequence[tuple[date, float | None]],
    as_at: date,
    baseline_total: float | None,
    target_change_pct: float | None,
    improvement: Improvement,
) -> Forecast:
    """Forecast the total of ``as_at``'s financial year (April–March) from the monthly
    ``history`` up to ``as_at`` (later months are ignored; None marks a missing month).

    ``change_pct`` is the forecast's change on ``baseline_total`` (the whole baseline year);
    ``p_meet_target`` the probability that the year's change is at or beyond
    ``target_change_pct`` in the ``improvement`` direction (for a neutral measure, the
    direction the target's sign points).
    """
    year = FinancialYear.of(as_at)
    as_at_index = _month_index(as_at)
    observed: dict[int, float] = {}
    for month, value in history:
        index = _month_index(month)
        if index <= as_at_index and value is not None and math.isfinite(value):
            observed[index] = float(value)
    year_months = [_month_index(m) for m in year.months()]
    known = [i for i in year_months if i in observed]
    unknown = [i for i in year_months if i not in observed]
    empty = Forecast(
        year=year.label,
        as_at=format_month(as_at),
        year_end=None,
        change_pct=None,
        pi80=None,
        pi95=None,
        p_meet_target=None,
        method=METHOD,
        months_known=len(known),
        months_forecast=len(unknown),
        history_months=sum(1 for i in observed if i < year_months[0]),
        baseline_total=baseline_total,
        target_change_pct=target_change_pct,
    )
    known_total = sum(observed[i] for i in known)
    if not unknown:
        totals = np.array([known_total])
    else:
        drawn = _draw_unknown(observed, unknown)
        if not isinstance(drawn, np.ndarray):
            return replace(empty, reason=drawn)
        totals = known_total + drawn.sum(axis=1)
    return _summarise(empty, totals, baseline_total, target_change_pct, improvement)


def _summarise(
    empty: Forecast,
    totals: Floats,
    baseline_total: float | None,
    target_change_pct: float | None,
    improvement: Improvement,
) -> Forecast:
    lo95, lo80, mid, hi80, hi95 = np.quantile(totals, [0.025, 0.1, 0.5, 0.9, 0.975])
    change_pct = None
    p_meet = None
    if baseline_total:
        change_pct = 100.0 * (float(mid) / baseline_total - 1.0)
        if target_change_pct is not None:
            changes = 100.0 * (totals / baseline_total - 1.0)
            direction = improvement
            if direction == "neutral":
                direction = "increase" if target_change_pct > 0 else "decrease"
            # a hair of tolerance so that a total exactly on the target counts as meeting it
            eps = 1e-9
            if direction == "decrease":
                p_meet = float(np.mean(changes <= target_change_pct + eps))
            else:
                p_meet = float(np.mean(changes >= target_change_pct - eps))
    return replace(
        empty,
        year_end=float(mid),
        change_pct=change_pct,
        pi80=(float(lo80), float(hi80)),
        pi95=(float(lo95), float(hi95)),
        p_meet_target=p_meet,
    )


def _draw_unknown(
    observed: dict[int, float], unknown: list[int]
) -> Floats | NoSeasonalProfile | ShortHistory:
    """``DRAWS`` joint draws of the unknown months' counts, or the reason there are none."""
    times = np.array(sorted(observed), dtype=np.int64)
    counts = np.array([observed[int(i)] for i in times], dtype=np.float64)
    seen = sorted({int(i) % 12 for i in times})
    missing_season = sorted({i % 12 for i in unknown} - set(seen))
    if missing_season:
        return NoSeasonalProfile(months=tuple(m + 1 for m in missing_season))
    if len(times) - len(seen) < 1:
        return ShortHistory(months=len(times), months_of_year=len(seen))
    y = np.log(np.maximum(counts, 0.0) + 0.5)
    sampling = 1.0 / (np.maximum(counts, 0.0) + 0.5)
    column = {m: j for j, m in enumerate(seen)}
    x_obs = np.zeros((len(times), len(seen)))
    x_obs[np.arange(len(times)), [column[int(i) % 12] for i in times]] = 1.0
    future = np.array(unknown, dtype=np.int64)
    x_new = np.zeros((len(future), len(seen)))
    x_new[np.arange(len(future)), [column[int(i) % 12] for i in future]] = 1.0
    t0 = int(times[0])
    t_obs = (times - t0).astype(np.float64)
    t_new = (future - t0).astype(np.float64)
    k_oo = np.minimum.outer(t_obs, t_obs)
    k_no = np.minimum.outer(t_new, t_obs)
    k_nn = np.minimum.outer(t_new, t_new)

    # The grid: for each irregular variance r, Σ(q) = q K + diag(r + sampling) is
    # diagonalised once (Σ⁻¹ = M diag(1 / (q λ + 1)) Mᵀ), so every level variance q is cheap.
    q = GRID**2
    n_new = len(future)
    log_post = np.empty((len(GRID), len(GRID)))  # [irregular, level]
    fits: list[tuple[Floats, Floats, Floats, Floats, Floats]] = []
    for i, s_irr in enumerate(GRID):
        precision_sd = 1.0 / np.sqrt(s_irr**2 + sampling)
        lam, vectors = scipy.linalg.eigh(precision_sd[:, None] * k_oo * precision_sd[None, :])
        lam = np.maximum(lam, 0.0)
        m = precision_sd[:, None] * vectors
        wx = m.T @ x_obs
        wy = m.T @ y
        h = 1.0 / (q[:, None] * lam[None, :] + 1.0)  # [level, n_obs]
        xtx = np.einsum("ni,qn,nj->qij", wx, h, wx)
        xty = np.einsum("ni,qn,n->qi", wx, h, wy)
        xtx_inv = np.linalg.inv(xtx)
        beta = np.einsum("qij,qj->qi", xtx_inv, xty)
        whitened = wy[None, :] - beta @ wx.T
        quad = np.einsum("qn,qn->q", h, whitened**2)
        logdet_sigma = -2.0 * np.log(precision_sd).sum() - np.log(h).sum(axis=1)
        _, logdet_xtx = np.linalg.slogdet(xtx)
        log_post[i] = (
            -0.5 * (logdet_sigma + logdet_xtx + quad)
            + _log_prior(GRID, PRIOR_LEVEL_SD)
            + _log_prior(np.array([s_irr]), PRIOR_IRREGULAR_SD)
        )
        fits.append((m, h, beta, xtx_inv, whitened))
    weights = np.exp(log_post - log_post.max()).ravel()
    weights /= weights.sum()
    rng = np.random.default_rng(SEED)
    per_point = rng.multinomial(DRAWS, weights)
    latent = np.empty((DRAWS, n_new))
    row = 0
    for g in np.flatnonzero(per_point):
        i, j = divmod(int(g), len(GRID))
        m, h, beta, xtx_inv, whitened = fits[i]
        # the predictive distribution of the unknown months' log rates (universal kriging)
        sigma_inv = (m * h[j]) @ m.T
        c_no = q[j] * k_no
        gain = c_no @ sigma_inv
        u = x_new - gain @ x_obs
        mean = x_new @ beta[j] + c_no @ (m @ (h[j] * whitened[j]))
        cov = q[j] * k_nn + GRID[i] ** 2 * np.eye(n_new) - gain @ c_no.T
        cov = cov + u @ xtx_inv[j] @ u.T
        n = int(per_point[g])
        latent[row : row + n] = rng.multivariate_normal(
            mean, (cov + cov.T) / 2.0, size=n, method="eigh"
        )
        row += n
    rates = np.exp(np.clip(latent, -20.0, 25.0)) - 0.5
    return np.asarray(rng.poisson(np.maximum(rates, 0.0)), dtype=np.float64)


def _log_prior(sd: Floats, prior: tuple[float, float]) -> Floats:
    """A log-normal prior on a standard deviation (its density on the log grid)."""
    median, spread = prior
    z = (np.log(sd) - math.log(median)) / spread
    return np.asarray(-0.5 * z * z, dtype=np.float64)
