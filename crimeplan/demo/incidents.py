"""Synthetic calls for service: anti-social behaviour, non-crime hate incidents and others.

Callers are pseudonymised later; about a third of calls come from a pool of repeat callers
whose yearly call rates are heavy-tailed, so a few callers make 50-200 calls a year.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from crimeplan.demo import vocabulary as v
from crimeplan.demo.geography import Geography
from crimeplan.demo.timeline import (
    DAYS,
    EPOCH_DAY,
    FINANCIAL_YEAR,
    N_MONTHS,
    YYYYMM,
    Floats,
    Ints,
    hours_from,
    path,
    seasonal,
    segments,
    spread,
)

#: Expected incidents a month (month index → volume, linear between), except NCHI.
VOLUMES: dict[str, dict[int, float]] = {
    "Anti-social behaviour": {0: 5200, 12: 4700, 24: 4200, 36: 3750, 48: 3500, 59: 3350},
    "Concern for safety": {0: 300, 59: 380},
    "Suspicious circumstances": {0: 320, 59: 280},
    "Domestic incident": {0: 480, 59: 520},
    "Road related": {0: 260, 59: 230},
    "Other incident": {0: 330, 59: 290},
}
ASB_SEASON = (0.85, 0.82, 0.95, 1.02, 1.10, 1.08, 1.15, 1.10, 0.98, 1.05, 0.95, 0.92)
#: Non-crime hate incidents by financial year: 530 in 2012/13, the highest (seed ¶14).
NCHI_BY_YEAR = (415, 450, 490, 530, 505)
NCHI_STRANDS = (0.60, 0.20, 0.10, 0.07, 0.03)
EVENING = np.array(
    (
        2.0,
        1.5,
        1.0,
        0.7,
        0.5,
        0.4,
        0.5,
        0.8,
        1.4,
        2.0,
        2.6,
        3.0,
        3.3,
        3.5,
        3.8,
        4.3,
        5.0,
        5.6,
        6.0,
        6.2,
        5.9,
        5.0,
        3.9,
        2.8,
    )
)
DAYTIME = np.array(
    (
        1.0,
        0.8,
        0.6,
        0.5,
        0.5,
        0.6,
        1.0,
        2.0,
        3.0,
        3.6,
        4.0,
        4.2,
        4.3,
        4.3,
        4.2,
        4.3,
        4.6,
        4.8,
        4.6,
        4.0,
        3.4,
        2.8,
        2.1,
        1.5,
    )
)
REPEAT_SHARE, CALLER_POOL, CALLER_ALPHA, MOST_CALLS = 0.30, 6_000, 1.6, 110.0
UNIQUE_CALLER_BASE = 10_000_000
#: A repeat caller calls from home: each pooled caller has a home small area (drawn by the
#: areas' weights), where HOME_SHARE of their calls are made, so that repeat calling can be
#: counted by local policing unit (seed paragraph 67). Drawn from a generator of its own, so
#: the rest of the demo data is the same draw as before.
HOME_SEED, HOME_SHARE = 67, 0.9

CATEGORIES = v.INCIDENT_CATEGORIES


def monthly_counts(rng: np.random.Generator) -> Ints:
    """Incidents by category (``INCIDENT_CATEGORIES`` order) × month index."""
    rows = []
    for category in CATEGORIES:
        if category == v.NON_CRIME_HATE_INCIDENT:
            monthly = np.zeros(N_MONTHS, dtype=np.int64)
            for year, total in enumerate(NCHI_BY_YEAR):
                months = np.asarray(year == FINANCIAL_YEAR)
                monthly[months] = spread(total, np.ones(int(months.sum())), rng)
            rows.append(monthly)
            continue
        expected = path(VOLUMES[category])
        if category == "Anti-social behaviour":
            expected = expected * seasonal(ASB_SEASON)
        rows.append(rng.poisson(expected).astype(np.int64))
    return np.array(rows)


def caller_weights(rng: np.random.Generator) -> Floats:
    """Relative call rates of the repeat callers: Pareto, capped."""
    rates = np.minimum((1.0 - rng.random(CALLER_POOL)) ** (-1.0 / CALLER_ALPHA), MOST_CALLS)
    return np.asarray(rates / rates.sum(), dtype=np.float64)


def generate_incidents(geography: Geography, rng: np.random.Generator) -> pa.Table:
    counts = monthly_counts(rng)
    n_categories = len(CATEGORIES)
    cell_counts = counts.T.reshape(-1)
    cell, _ = segments(cell_counts)
    n = len(cell)
    month = cell // n_categories
    category = cell % n_categories

    day = np.floor(rng.random(n) * DAYS[month]).astype(np.int64)
    u = rng.random(n)
    asb = category == CATEGORIES.index("Anti-social behaviour")
    hour = np.where(asb, hours_from(EVENING, u), hours_from(DAYTIME, u))
    seconds = rng.integers(0, 3600, n)
    timestamp = (EPOCH_DAY[month].astype(np.int64) + day) * 86_400 + hour * 3600 + seconds
    area = rng.choice(len(geography), n, p=geography.weight)

    nchi = category == CATEGORIES.index(v.NON_CRIME_HATE_INCIDENT)
    strand = rng.choice(len(v.HATE_STRANDS), n, p=np.array(NCHI_STRANDS))
    repeat = rng.random(n) < REPEAT_SHARE
    caller = np.where(
        repeat,
        rng.choice(CALLER_POOL, n, p=caller_weights(rng)),
        UNIQUE_CALLER_BASE + np.arange(n),
    )
    homes = np.random.default_rng(HOME_SEED)
    home = homes.choice(len(geography), CALLER_POOL, p=geography.weight)
    at_home = repeat & (homes.random(n) < HOME_SHARE)
    area = np.where(at_home, home[np.where(repeat, caller, 0)], area)
    # the victim of a non-crime hate incident is its caller
    victim = np.where(nchi, caller, -1)

    order = np.argsort(timestamp, kind="stable")
    month_sorted = month[order]
    first_in_month = np.searchsorted(month_sorted, np.arange(N_MONTHS))
    sequence = np.arange(n) - first_in_month[month_sorted] + 1
    reference = YYYYMM[month_sorted] * 1_000_000 + sequence

    def labels(values: tuple[str, ...], index: Ints, mask: np.ndarray | None = None) -> pa.Array:
        indices = pa.array(index[order].astype(np.int32), mask=mask)
        return pa.DictionaryArray.from_arrays(indices, pa.array(values, type=pa.string()))

    return pa.table(
        {
            "incident_no": pa.array(reference),
            "month": pa.array(EPOCH_DAY[month_sorted], type=pa.date32()),
            "recorded_at": pa.array(timestamp[order], type=pa.timestamp("s")),
            "category": labels(CATEGORIES, category),
            "hate_strand": labels(v.HATE_STRANDS, strand, mask=~nchi[order]),
            "caller_no": pa.array(caller[order]),
            "victim_no": pa.array(victim[order], mask=~nchi[order]),
            "small_area": pa.DictionaryArray.from_arrays(
                pa.array(area[order].astype(np.int32)), geography.small_area
            ),
        }
    )
