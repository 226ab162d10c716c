"""The demo's months, and small numeric helpers shared by the demo's generators.

The demo covers April 2009 to March 2014: 60 months, five financial years. Month index 0 is
April 2009; index 36 is April 2012 and index 48 is April 2013.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

from crimeplan.periods import add_months

FIRST_MONTH = date(2009, 4, 1)
N_MONTHS = 60
MONTHS: tuple[date, ...] = tuple(add_months(FIRST_MONTH, i) for i in range(N_MONTHS))

#: Calendar month (1-12) of each month index.
CALENDAR_MONTH = np.array([m.month for m in MONTHS])
#: Financial year (0 = 2009/10 … 4 = 2013/14) of each month index.
FINANCIAL_YEAR = np.arange(N_MONTHS) // 12
#: Days in each month.
DAYS = np.array([(add_months(m, 1) - m).days for m in MONTHS])
#: Each month's first day as days since 1970-01-01 (Arrow ``date32``).
EPOCH_DAY = np.array([(m - date(1970, 1, 1)).days for m in MONTHS], dtype=np.int32)
#: yyyymm of each month, for reference numbers.
YYYYMM = np.array([m.year * 100 + m.month for m in MONTHS], dtype=np.int64)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def index_of(year: int, month: int) -> int:
    """The month index of a calendar month (``index_of(2013, 4) == 48``)."""
    return (year - FIRST_MONTH.year) * 12 + month - FIRST_MONTH.month


def path(anchors: dict[int, float]) -> Floats:
    """A multiplier for every month, linear between ``{month index: value}`` anchors."""
    xs = np.array(sorted(anchors), dtype=np.float64)
    ys = np.array([anchors[int(x)] for x in xs], dtype=np.float64)
    return np.asarray(np.interp(np.arange(N_MONTHS, dtype=np.float64), xs, ys), np.float64)


def seasonal(by_calendar_month: tuple[float, ...]) -> Floats:
    """Twelve January-to-December factors (normalised to mean 1), for every month index."""
    factors = np.array(by_calendar_month, dtype=np.float64)
    factors = factors / factors.mean()
    return np.asarray(factors[CALENDAR_MONTH - 1], dtype=np.float64)


def spread(total: int, weights: Floats, rng: np.random.Generator) -> Ints:
    """Split an exact ``total`` over cells in proportion to ``weights``, with multinomial noise."""
    p = np.asarray(weights, dtype=np.float64)
    return np.asarray(rng.multinomial(total, p / p.sum()), dtype=np.int64)


def apportion(total: int, weights: Floats) -> Ints:
    """Split an exact ``total`` in proportion to ``weights`` (largest remainders, no noise)."""
    p = np.asarray(weights, dtype=np.float64)
    exact = total * p / p.sum()
    floor: Ints = np.floor(exact).astype(np.int64)
    short = total - int(floor.sum())
    if short > 0:
        order = np.argsort(-(exact - floor), kind="stable")
        floor[order[:short]] += 1
    return floor


def strictly_monotone(values: Ints, *, falling: bool) -> Ints:
    """The same counts reordered to fall (or rise) strictly: sort, then break any ties.

    Used to make a run of realised monthly counts keep the shape the seed report describes
    ("fallen for six consecutive months") while keeping the noise of the draws.
    """
    out = np.sort(values)[::-1].copy() if falling else np.sort(values).copy()
    for i in range(1, len(out)):  # a handful of months, not records
        if falling and out[i] >= out[i - 1]:
            out[i] = out[i - 1] - 1
        if not falling and out[i] <= out[i - 1]:
            out[i] = out[i - 1] + 1
    return out


def segments(counts: Ints) -> tuple[Ints, Ints]:
    """For cells with ``counts`` records laid out one cell after another: each record's cell
    and its position within the cell."""
    counts = np.asarray(counts, dtype=np.int64)
    cell: Ints = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(int(counts.sum()), dtype=np.int64) - starts[cell]
    return cell, position


def hours_from(profile: Floats, u: Floats) -> Ints:
    """Hours of the day (0-23) for uniform draws ``u``, following a 24-value ``profile``."""
    cumulative = np.cumsum(profile) / profile.sum()
    return np.minimum(np.searchsorted(cumulative, u, side="right"), 23).astype(np.int64)
