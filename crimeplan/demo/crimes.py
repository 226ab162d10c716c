"""Synthetic crime records for the demo, calibrated to the figures in the seed report.

Everything is vectorised: monthly counts are drawn per offence, then one array per column
is filled for all records at once. The few calibration figures the seed quotes (business
crime, burglary's six falls, knife and gun crime, hate crime's share) are met exactly by
drawing totals and spreading them with multinomial noise, or by deterministic adjustments of
a handful of monthly counts (never of records one by one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimeplan.demo import vocabulary as v
from crimeplan.demo.geography import Geography
from crimeplan.demo.timeline import (
    DAYS,
    EPOCH_DAY,
    FINANCIAL_YEAR,
    N_MONTHS,
    YYYYMM,
    Bools,
    Floats,
    Ints,
    hours_from,
    index_of,
    path,
    seasonal,
    segments,
    spread,
    strictly_monotone,
)

# Trends: multipliers of each offence's ``per_month`` (month index → value, linear between).
TRENDS: dict[str, dict[int, float]] = {
    "default": {0: 1.12, 12: 1.07, 24: 1.03, 36: 1.0, 48: 0.985, 59: 0.97},
    # "stable since September 2011"
    "violence": {0: 1.10, 12: 1.06, 24: 1.02, 29: 1.0, 48: 1.0, 59: 0.99},
    "burglary": {0: 1.16, 12: 1.10, 24: 1.05, 36: 1.0, 48: 1.0, 59: 0.97},
    "vehicle": {0: 1.18, 12: 1.10, 24: 1.04, 36: 1.0, 48: 0.99, 59: 0.97},
    # theft from shops: flat, then "a broad rise for the last four months" to 1 in 10 crimes
    "shop": {0: 0.80, 24: 0.79, 36: 0.776, 44: 0.80, 48: 1.04, 59: 1.03},
    # other theft: metal theft peaked in 2011, then "reduced significantly in the last year"
    "theft": {0: 1.10, 12: 1.15, 24: 1.15, 33: 1.05, 42: 0.97, 48: 0.925, 59: 0.90},
}

#: All volumes × this: about 13,000 crimes a month in 2012/13.
LEVEL = 0.985

# Seasonality: January … December factors of monthly counts.
SEASONS: dict[str, tuple[float, ...]] = {
    "default": (0.97, 0.90, 1.00, 0.98, 1.02, 1.01, 1.05, 1.02, 1.00, 1.04, 1.02, 0.99),
    # violence "sees a peak in summer months"
    "violence": (0.92, 0.86, 0.97, 0.99, 1.05, 1.08, 1.12, 1.08, 1.00, 1.00, 0.97, 1.00),
    # burglary dwelling peaks in November and falls through the spring
    "burglary": (1.12, 1.02, 0.95, 0.88, 0.84, 0.82, 0.86, 0.90, 0.96, 1.10, 1.25, 1.19),
    "vehicle": (1.05, 0.95, 0.97, 0.94, 0.95, 0.95, 0.98, 0.98, 1.00, 1.06, 1.09, 1.08),
    "flat": (1.0,) * 12,
}

# Time of day: relative volume by hour 0-23.
HOURS: dict[str, tuple[float, ...]] = {
    # violence with injury: the night-time economy (19:00-03:59) holds just under half
    "night": (
        3.6,
        3.2,
        2.5,
        1.8,
        1.3,
        0.9,
        0.9,
        1.1,
        1.7,
        2.3,
        2.8,
        3.3,
        3.7,
        3.9,
        4.1,
        4.4,
        4.8,
        5.2,
        5.4,
        5.2,
        5.3,
        5.4,
        5.4,
        4.7,
    ),
    "evening": (
        2.0,
        1.6,
        1.2,
        0.9,
        0.6,
        0.5,
        0.6,
        1.0,
        1.6,
        2.2,
        2.8,
        3.2,
        3.5,
        3.6,
        3.8,
        4.2,
        4.8,
        5.2,
        5.4,
        5.2,
        4.6,
        4.0,
        3.4,
        2.6,
    ),
    "day": (
        0.4,
        0.3,
        0.2,
        0.2,
        0.2,
        0.3,
        0.6,
        1.2,
        2.5,
        3.6,
        4.5,
        5.0,
        5.2,
        5.2,
        5.1,
        5.2,
        5.4,
        5.2,
        4.4,
        3.2,
        2.2,
        1.5,
        1.0,
        0.6,
    ),
    "burglary": (
        2.0,
        2.2,
        2.0,
        1.6,
        1.2,
        0.9,
        0.8,
        1.2,
        2.0,
        2.6,
        3.0,
        3.0,
        3.0,
        3.1,
        3.3,
        3.6,
        4.0,
        4.2,
        4.0,
        3.6,
        3.2,
        2.8,
        2.4,
        2.1,
    ),
    "vehicle": (
        4.0,
        4.0,
        3.6,
        3.0,
        2.4,
        1.8,
        1.6,
        1.8,
        2.2,
        2.5,
        2.6,
        2.6,
        2.6,
        2.6,
        2.7,
        2.8,
        3.0,
        3.2,
        3.4,
        3.6,
        3.8,
        4.0,
        4.2,
        4.2,
    ),
}
HOUR_PROFILES = tuple(HOURS)


@dataclass(frozen=True)
class OffenceModel:
    trend: str = "default"
    season: str = "default"
    hours: str = "day"
    solved: float = 0.10  # probability a crime is solved
    victim: str = "person"  # person | business | none
    business: float = 0.0  # share with a business victim (1.0: all)
    knife: float = 0.0  # share of the force's knife crime
    gun: float = 0.0  # share of the force's gun crime
    hate: float = 0.0  # share of the force's hate crime
    domestic: float = 0.0  # share flagged domestic
    nte: bool = False  # drawn towards the town and city centres


def _violent(
    hours: str,
    solved: float,
    knife: float = 0.0,
    gun: float = 0.0,
    hate: float = 0.0,
    domestic: float = 0.0,
) -> OffenceModel:
    """A violent offence: summer peak, stable since September 2011, drawn to the centres."""
    return OffenceModel(
        trend="violence",
        season="violence",
        hours=hours,
        solved=solved,
        knife=knife,
        gun=gun,
        hate=hate,
        domestic=domestic,
        nte=True,
    )


MODELS: dict[str, OffenceModel] = {
    "Murder": _violent(hours="night", solved=0.90, knife=0.01, gun=0.02, domestic=0.30),
    "Wounding with intent (s18)": _violent(
        hours="night", solved=0.42, knife=0.14, gun=0.15, domestic=0.15
    ),
    "Assault with injury (s20/47)": _violent(
        hours="night", solved=0.33, knife=0.28, gun=0.06, hate=0.12, domestic=0.33
    ),
    "Other violence with injury": _violent(
        hours="night", solved=0.30, knife=0.07, hate=0.04, domestic=0.30
    ),
    "Common assault": _violent(hours="evening", solved=0.30, hate=0.20, domestic=0.25),
    "Harassment": OffenceModel(
        trend="violence", season="violence", hours="day", solved=0.28, hate=0.16, domestic=0.30
    ),
    "Rape": _violent(hours="night", solved=0.22, domestic=0.25),
    "Other sexual offences": OffenceModel(hours="day", solved=0.28),
    "Robbery of personal property": OffenceModel(
        hours="evening", solved=0.19, knife=0.38, gun=0.25, nte=True
    ),
    "Robbery of business property": OffenceModel(
        hours="evening", solved=0.22, victim="business", business=1.0, knife=0.03, gun=0.12
    ),
    "Burglary in a dwelling": OffenceModel(
        trend="burglary", season="burglary", hours="burglary", solved=0.13
    ),
    "Burglary in a building other than a dwelling": OffenceModel(
        trend="burglary",
        season="default",
        hours="night",
        solved=0.09,
        victim="business",
        business=0.85,
    ),
    "Theft from a motor vehicle": OffenceModel(
        trend="vehicle", season="vehicle", hours="vehicle", solved=0.05
    ),
    "Theft or unauthorised taking of a motor vehicle": OffenceModel(
        trend="vehicle", season="vehicle", hours="vehicle", solved=0.12
    ),
    "Vehicle interference": OffenceModel(
        trend="vehicle", season="vehicle", hours="vehicle", solved=0.06
    ),
    "Theft from the person": OffenceModel(hours="evening", solved=0.05, nte=True),
    "Theft of a pedal cycle": OffenceModel(hours="day", solved=0.04),
    "Theft from shops and stalls": OffenceModel(
        trend="shop", season="flat", hours="day", solved=0.52, victim="business", business=1.0
    ),
    "Other theft": OffenceModel(
        trend="theft", hours="day", solved=0.09, victim="business", business=0.58
    ),
    "Criminal damage": OffenceModel(
        hours="evening", solved=0.13, business=0.14, gun=0.25, hate=0.13, domestic=0.08
    ),
    "Arson": OffenceModel(hours="night", solved=0.07, business=0.20),
    "Drug offences": OffenceModel(hours="evening", solved=0.93, victim="none"),
    "Possession of weapons": OffenceModel(
        hours="evening", solved=0.85, victim="none", knife=0.09, gun=0.15
    ),
    "Public order offences": _violent(hours="evening", solved=0.40, hate=0.35),
    "Miscellaneous crimes against society": OffenceModel(hours="day", solved=0.60, victim="none"),
}

#: Knife and gun crime by financial year 2009/10 … 2013/14 (−40.6 % and −37.5 % in 2012/13).
KNIFE_BY_YEAR = (2480, 2290, 2020, 1200, 1150)
GUN_BY_YEAR = (530, 505, 480, 300, 290)
#: Hate crime as a share of all crime by financial year: falling year on year, 1.5 % in 2012/13.
HATE_SHARE_BY_YEAR = (0.0176, 0.0167, 0.0158, 0.0150, 0.0149)
HATE_STRAND_SHARES = (0.76, 0.14, 0.06, 0.03, 0.01)  # race, religion, … (90 % race/religion)
HATE_SOLVED = (0.40, 0.41, 0.42, 0.43, 0.43)
#: Business share of "Other theft" (metal theft) by month index, before calibration (near
#: what the April calibration of TSS's share then asks for, so April is no outlier).
OTHER_THEFT_BUSINESS = {0: 0.72, 24: 0.74, 36: 0.70, 48: 0.66, 59: 0.65}
#: Theft from shops as a share of business crime in April 2012 and April 2013 (seed ¶69),
#: and business crime's change between them (seed ¶68).
TSS_SHARE_APRIL = {index_of(2012, 4): 0.34, index_of(2013, 4): 0.43}
BUSINESS_CHANGE_APRIL_2013 = 0.06
#: Detection of burglary dwelling and robbery "showing clear improvement" (seed ¶40).
IMPROVING = {
    "Burglary in a dwelling": {0: 0.80, 30: 0.85, 48: 1.05, 59: 1.10},
    "Robbery of personal property": {0: 0.85, 30: 0.90, 48: 1.08, 59: 1.10},
}
SOLVED_OUTCOMES = (
    "Charged",
    "Caution",
    "Community resolution",
    "Penalty notice",
    "Taken into consideration",
)
SOLVED_OUTCOME_SHARES = (0.55, 0.17, 0.17, 0.05, 0.06)
UNSOLVED_OUTCOMES = ("No suspect identified", "No further action")
OUTCOMES = SOLVED_OUTCOMES + UNSOLVED_OUTCOMES
#: Repeat victims: share of crimes against a known repeat victim, and pool sizes.
REPEAT_PERSON, PERSON_POOL = 0.12, 30_000
REPEAT_BUSINESS, BUSINESS_POOL = 0.55, 6_000
UNIQUE_VICTIM_BASE = 10_000_000

OFFENCE_NAMES = tuple(o.offence for o in v.OFFENCES)


def offence_index(name: str) -> int:
    return OFFENCE_NAMES.index(name)


@dataclass(frozen=True)
class CrimeData:
    """The records (an Arrow table staged for the store) and their monthly aggregates."""

    records: pa.Table
    counts: Ints  # crimes by offence × month index
    solved: Ints  # solved crimes by offence × month index


def expected_counts() -> Floats:
    """Expected crimes by offence × month: ``per_month`` × trend × season."""
    rows = []
    for offence in v.OFFENCES:
        model = MODELS[offence.offence]
        trend, season = path(TRENDS[model.trend]), seasonal(SEASONS[model.season])
        rows.append(LEVEL * offence.per_month * trend * season)
    return np.array(rows)


def monthly_counts(rng: np.random.Generator) -> Ints:
    """Realised crimes by offence × month, with the seed's shapes enforced."""
    counts = rng.poisson(expected_counts()).astype(np.int64)
    # Burglary dwelling: peak in November 2012, then six months each lower than the last.
    b = offence_index("Burglary in a dwelling")
    nov, apr = index_of(2012, 11), index_of(2013, 4)
    counts[b, nov : apr + 1] = strictly_monotone(counts[b, nov : apr + 1], falling=True)
    # Theft from shops: business crime +6 % on April 2012 with TSS 34 % → 43 % of it, and a
    # rise in each of the last four months.
    t = offence_index("Theft from shops and stalls")
    april12, april13 = sorted(TSS_SHARE_APRIL)
    ratio = (1 + BUSINESS_CHANGE_APRIL_2013) * TSS_SHARE_APRIL[april13] / TSS_SHARE_APRIL[april12]
    counts[t, april13] = round(counts[t, april12] * ratio)
    run = strictly_monotone(counts[t, april13 - 4 : april13], falling=False)
    run = np.minimum(run, counts[t, april13] - np.arange(4, 0, -1))
    counts[t, april13 - 4 : april13] = run
    return counts


def flag_counts(counts: Ints, rng: np.random.Generator) -> dict[str, Ints]:
    """How many crimes of each offence × month carry each flag."""
    n_offences = len(v.OFFENCES)
    models = [MODELS[name] for name in OFFENCE_NAMES]
    total = counts.sum(axis=0)
    season = seasonal(SEASONS["violence"])

    def by_year(totals: tuple[int, ...], weights: Floats) -> Ints:
        monthly = np.zeros(N_MONTHS, dtype=np.int64)
        for year, amount in enumerate(totals):
            months = year == FINANCIAL_YEAR
            monthly[months] = spread(amount, weights[months], rng)
        return monthly

    def to_offences(monthly: Ints, attribute: str) -> Ints:
        shares = np.array([getattr(m, attribute) for m in models], dtype=np.float64)
        return np.stack([spread(int(k), shares, rng) for k in monthly], axis=1)

    knife = to_offences(by_year(KNIFE_BY_YEAR, season), "knife")
    gun = to_offences(by_year(GUN_BY_YEAR, season), "gun")
    hate_totals = tuple(
        round(HATE_SHARE_BY_YEAR[y] * int(total[y == FINANCIAL_YEAR].sum())) for y in range(5)
    )
    hate = to_offences(by_year(hate_totals, total.astype(np.float64)), "hate")
    # exclusive flags are laid out one after another within each offence × month
    knife = np.minimum(knife, counts)
    gun = np.minimum(gun, counts - knife)
    hate = np.minimum(hate, counts - knife - gun)

    business_share = np.array([[m.business] * N_MONTHS for m in models])
    other = offence_index("Other theft")
    business_share[other] = path(OTHER_THEFT_BUSINESS)
    business = np.rint(business_share * counts).astype(np.int64)
    t = offence_index("Theft from shops and stalls")
    for month, share in TSS_SHARE_APRIL.items():
        rest = business[:, month].sum() - business[other, month] - business[t, month]
        wanted = round(business[t, month] / share) - business[t, month] - rest
        business[other, month] = int(np.clip(wanted, 0, counts[other, month]))
    domestic_share = np.array([[m.domestic] for m in models])
    domestic = rng.binomial(counts, np.broadcast_to(domestic_share, counts.shape))
    assert knife.shape == (n_offences, N_MONTHS)
    return {
        "knife": knife,
        "gun": gun,
        "hate": hate,
        "business": business,
        "domestic": domestic.astype(np.int64),
    }


def generate_crimes(geography: Geography, rng: np.random.Generator) -> CrimeData:
    counts = monthly_counts(rng)
    flags = flag_counts(counts, rng)
    models = [MODELS[name] for name in OFFENCE_NAMES]
    n_offences = len(models)

    # One cell per month × offence (month-major), its records laid out one after another.
    cell_counts = counts.T.reshape(-1)
    cell, position = segments(cell_counts)
    n = len(cell)
    month = cell // n_offences
    offence = cell % n_offences

    def per_cell(table: Ints) -> Ints:
        return np.asarray(table.T.reshape(-1)[cell], dtype=np.int64)

    k, g, h = per_cell(flags["knife"]), per_cell(flags["gun"]), per_cell(flags["hate"])
    b, d, size = per_cell(flags["business"]), per_cell(flags["domestic"]), cell_counts[cell]
    knife = position < k
    gun = (position >= k) & (position < k + g)
    hate = (position >= k + g) & (position < k + g + h)
    all_business = np.array([m.business >= 1.0 for m in models])[offence]
    business = all_business | ((position >= k + g + h) & (position < k + g + h + b))
    domestic = position >= size - d

    strand = rng.choice(len(v.HATE_STRANDS), n, p=np.array(HATE_STRAND_SHARES))

    # When: a day of the month and a time of day that follows the offence's profile.
    day = np.floor(rng.random(n) * DAYS[month]).astype(np.int64)
    profile = np.array([HOUR_PROFILES.index(m.hours) for m in models])[offence]
    hour = np.zeros(n, dtype=np.int64)
    u = rng.random(n)
    for p, name in enumerate(HOUR_PROFILES):  # five profiles, not records
        chosen = profile == p
        hour[chosen] = hours_from(np.array(HOURS[name]), u[chosen])
    seconds = rng.integers(0, 3600, n)
    timestamp = (EPOCH_DAY[month].astype(np.int64) + day) * 86_400 + hour * 3600 + seconds

    # Where: night-time violence is drawn towards the centres.
    nte = np.array([m.nte for m in models])[offence] & ((hour >= 19) | (hour < 4))
    area = np.where(
        nte,
        rng.choice(len(geography), n, p=geography.centre_weight),
        rng.choice(len(geography), n, p=geography.weight),
    )

    # Outcome.
    base = np.array([[m.solved] * N_MONTHS for m in models])
    for name, anchors in IMPROVING.items():
        base[offence_index(name)] *= path(anchors)
    p_solved = base[offence, month]
    p_solved = np.where(hate, np.array(HATE_SOLVED)[FINANCIAL_YEAR[month]], p_solved)
    solved = rng.random(n) < p_solved
    solved_kind = rng.choice(len(SOLVED_OUTCOMES), n, p=np.array(SOLVED_OUTCOME_SHARES))
    unsolved_kind = len(SOLVED_OUTCOMES) + (rng.random(n) < 0.4)
    outcome = np.where(solved, solved_kind, unsolved_kind)
    lag = np.where(solved, rng.gamma(1.5, 14.0, n), rng.gamma(2.0, 16.0, n)).astype(np.int64)
    outcome_day = timestamp // 86_400 + 1 + lag

    # Victims: pseudonymised later; some are repeat victims (people and businesses).
    victim_kind = np.array([m.victim for m in models])[offence]
    person_weights = rng.pareto(1.6, PERSON_POOL) + 1.0
    business_weights = rng.pareto(1.2, BUSINESS_POOL) + 1.0
    repeat_person = rng.choice(PERSON_POOL, n, p=person_weights / person_weights.sum())
    repeat_business = PERSON_POOL + rng.choice(
        BUSINESS_POOL, n, p=business_weights / business_weights.sum()
    )
    u = rng.random(n)
    victim = np.full(n, UNIQUE_VICTIM_BASE, dtype=np.int64) + np.arange(n)
    victim = np.where(business & (u < REPEAT_BUSINESS), repeat_business, victim)
    victim = np.where(~business & (u < REPEAT_PERSON), repeat_person, victim)
    has_victim = (victim_kind != "none") | business

    # Order by time; number each month's crimes in that order.
    order = np.argsort(timestamp, kind="stable")
    month_sorted = month[order]
    first_in_month = np.searchsorted(month_sorted, np.arange(N_MONTHS))
    sequence = np.arange(n) - first_in_month[month_sorted] + 1
    crime_ref = YYYYMM[month_sorted] * 100_000 + sequence

    def take(values: tuple[str, ...], index: Ints, mask: Bools | None = None) -> pa.Array:
        """Strings by index, as an Arrow dictionary (the store's staging SQL decodes it)."""
        indices = pa.array(index[order].astype(np.int32), mask=mask)
        return pa.DictionaryArray.from_arrays(indices, pa.array(values, type=pa.string()))

    hate_strand = take(v.HATE_STRANDS, strand, mask=~hate[order])
    area_index = pa.array(area[order].astype(np.int32))
    records = pa.table(
        {
            "crime_ref": pc.cast(pa.array(crime_ref), pa.string()),
            "month": pa.array(EPOCH_DAY[month_sorted], type=pa.date32()),
            "recorded_at": pa.array(timestamp[order], type=pa.timestamp("s")),
            "category": take(tuple(o.category for o in v.OFFENCES), offence),
            "offence_group": take(tuple(o.offence_group for o in v.OFFENCES), offence),
            "offence": take(OFFENCE_NAMES, offence),
            "offence_code": take(tuple(o.code for o in v.OFFENCES), offence),
            "small_area": pa.DictionaryArray.from_arrays(area_index, geography.small_area),
            "small_area_name": pa.DictionaryArray.from_arrays(
                area_index, geography.small_area_name
            ),
            "domestic": pa.array(domestic[order]),
            "hate_strand": hate_strand,
            "knife": pa.array(knife[order]),
            "gun": pa.array(gun[order]),
            "business": pa.array(business[order]),
            "outcome": take(OUTCOMES, outcome),
            "outcome_date": pa.array(outcome_day[order].astype(np.int32), type=pa.date32()),
            "solved": pa.array(solved[order]),
            "victim_no": pa.array(victim[order], mask=~has_victim[order]),
        }
    )
    solved_counts = np.bincount(cell[solved], minlength=n_offences * N_MONTHS)
    return CrimeData(
        records=records,
        counts=counts,
        solved=solved_counts.reshape(N_MONTHS, n_offences).T.copy(),
    )
