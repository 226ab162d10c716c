"""Synthetic Most Similar Group figures and populations.

The home force's peer figures are its own monthly aggregates (crimes and the satisfaction
survey); the seven peers are drawn around it. December 2012 rolling-12-month crime
satisfaction: West Midlands 87.1 %, the peers' average 87.1 %, three peers below the force;
December 2011: the force 85.8 %, the peers' average 86.6 % (seed ¶64).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from crimeplan.demo import vocabulary as v
from crimeplan.demo.crimes import OFFENCE_NAMES, CrimeData, expected_counts
from crimeplan.demo.surveys import SATISFACTION_PATH, SurveyData, pin_total
from crimeplan.demo.timeline import EPOCH_DAY, N_MONTHS, Floats, Ints, apportion, index_of, path

#: Local authority populations, 2011 census (Office for National Statistics).
CENSUS_2011 = {
    "Birmingham": 1_073_045,
    "Coventry": 316_960,
    "Dudley": 312_925,
    "Sandwell": 308_063,
    "Solihull": 206_674,
    "Walsall": 269_323,
    "Wolverhampton": 249_470,
}
YEARS = (2009, 2010, 2011, 2012, 2013)
GROWTH = 0.007  # a year, synthetic
#: The peers' 2011 populations (synthetic) and crime per head relative to the force.
PEER_POPULATION = (1_040_000, 1_370_000, 1_720_000, 2_290_000, 1_150_000, 2_780_000, 1_510_000)
PEER_CRIME_RATE = (1.12, 0.94, 1.05, 0.88, 1.18, 1.01, 0.97)
#: The peers' yearly change relative to the force's trend (they fall a little less).
PEER_DRIFT = (0.010, 0.004, 0.015, 0.0, 0.012, 0.006, 0.018)
PEER_SOLVED = (0.95, 1.08, 1.0, 1.12, 0.92, 1.04, 0.98)
PEER_RESPONDENTS = 400  # a month, every peer alike
#: Peers' rolling-12-month crime satisfaction at the end of 2011 and 2012 (mean 86.6, 87.1).
PEER_SATISFACTION = {
    2011: (0.852, 0.859, 0.863, 0.867, 0.870, 0.874, 0.877),
    2012: (0.859, 0.864, 0.868, 0.873, 0.876, 0.878, 0.879),
}

#: Confidence in the police, as a survey common to every force would give it (the Crime
#: Survey for England and Wales by force area), by month: the force's level and the peers'
#: (offsets from it), all falling a little each year (seed paragraph 7: "deteriorated
#: nationally and the Force remains in the same position compared to its Most Similar
#: Group"). Drawn from a generator of its own, so the other demo figures are unchanged.
CONFIDENCE_SEED, CONFIDENCE_RESPONDENTS = 7, 500
CONFIDENCE_LEVEL, CONFIDENCE_FALL = 0.79, 0.012  # April 2012; a year
PEER_CONFIDENCE = (0.035, -0.025, 0.012, 0.045, -0.032, 0.004, 0.022)

BURGLARY = ("Burglary in a dwelling",)
ROBBERY = ("Robbery of personal property", "Robbery of business property")
VWI = tuple(o.offence for o in v.OFFENCES if o.offence_group == "Violence with injury")


def _rows(names: tuple[str, ...], table: Ints | Floats) -> Floats:
    index = [OFFENCE_NAMES.index(n) for n in names]
    return np.asarray(table[index].sum(axis=0), dtype=np.float64)


def home_figures(crimes: CrimeData, surveys: SurveyData) -> dict[str, tuple[Floats, Floats | None]]:
    """The force's own figures by measure: (value, denominator) by month index."""
    counts = crimes.counts
    return {
        "total_recorded_crime": (counts.sum(axis=0).astype(np.float64), None),
        "burglary_dwelling": (_rows(BURGLARY, counts), None),
        "robbery": (_rows(ROBBERY, counts), None),
        "violence_with_injury": (_rows(VWI, counts), None),
        "burglary_dwelling_solved": (_rows(BURGLARY, crimes.solved), _rows(BURGLARY, counts)),
        "robbery_solved": (_rows(ROBBERY, crimes.solved), _rows(ROBBERY, counts)),
        "satisfaction_crime": (
            surveys.satisfied.astype(np.float64),
            surveys.respondents.astype(np.float64),
        ),
    }


def peer_satisfaction(peer: int, rng: np.random.Generator) -> Ints:
    """A peer's satisfied respondents by month, pinned to its calendar-year figures."""
    rate = path(SATISFACTION_PATH[v.SATISFACTION_CRIME]) / 100
    level = PEER_SATISFACTION[2012][peer] - 0.871
    smooth = np.convolve(np.pad(rate, 3, mode="edge"), np.ones(7) / 7, mode="valid")
    n = np.full(N_MONTHS, PEER_RESPONDENTS, dtype=np.int64)
    satisfied = rng.binomial(n, np.clip(smooth + level, 0, 1)).astype(np.int64)
    for year, targets in PEER_SATISFACTION.items():
        months = np.arange(index_of(year, 1), index_of(year, 12) + 1)
        satisfied[months] = pin_total(satisfied[months], n[months], targets[peer])
    return satisfied


def generate_peers(crimes: CrimeData, surveys: SurveyData, rng: np.random.Generator) -> pa.Table:
    home = home_figures(crimes, surveys)
    expected = expected_counts()
    home_population = sum(CENSUS_2011.values())
    forces: list[str] = []
    measures: list[str] = []
    months: list[Ints] = []
    values: list[Floats] = []
    denominators: list[Floats | None] = []

    def add(force: str, measure: str, value: Floats, denominator: Floats | None) -> None:
        forces.append(force)
        measures.append(measure)
        months.append(EPOCH_DAY.astype(np.int64))
        values.append(value)
        denominators.append(denominator)

    for measure in v.PEER_MEASURES:
        if measure in home:  # confidence is drawn below, for the force and its peers alike
            add(v.FORCE, measure, *home[measure])
    years = (np.arange(N_MONTHS) - index_of(2012, 4)) / 12
    for peer, force in enumerate(v.PEER_FORCES):
        scale = PEER_POPULATION[peer] / home_population * PEER_CRIME_RATE[peer]
        drift = 1 + PEER_DRIFT[peer] * years
        mix = rng.normal(1.0, 0.08, 3)  # the peer's own mix of burglary, robbery, violence
        counts = {
            "total_recorded_crime": expected.sum(axis=0),
            "burglary_dwelling": _rows(BURGLARY, expected) * mix[0],
            "robbery": _rows(ROBBERY, expected) * mix[1],
            "violence_with_injury": _rows(VWI, expected) * mix[2],
        }
        drawn = {k: rng.poisson(c * scale * drift).astype(np.float64) for k, c in counts.items()}
        for measure in (
            "total_recorded_crime",
            "burglary_dwelling",
            "robbery",
            "violence_with_injury",
        ):
            add(force, measure, drawn[measure], None)
        for measure, base in (
            ("burglary_dwelling_solved", "burglary_dwelling"),
            ("robbery_solved", "robbery"),
        ):
            value, denominator = home[measure]
            assert denominator is not None
            home_rate = np.convolve(
                np.pad(value / denominator, 3, mode="edge"), np.ones(7) / 7, mode="valid"
            )
            p = np.clip(home_rate * PEER_SOLVED[peer], 0, 1)
            solved = rng.binomial(drawn[base].astype(np.int64), p).astype(np.float64)
            add(force, measure, solved, drawn[base])
        satisfied = peer_satisfaction(peer, rng)
        add(
            force,
            "satisfaction_crime",
            satisfied.astype(np.float64),
            np.full(N_MONTHS, PEER_RESPONDENTS, dtype=np.float64),
        )

    confidence = np.random.default_rng(CONFIDENCE_SEED)
    n = np.full(N_MONTHS, CONFIDENCE_RESPONDENTS, dtype=np.int64)
    for force, offset in ((v.FORCE, 0.0), *zip(v.PEER_FORCES, PEER_CONFIDENCE, strict=True)):
        rate = CONFIDENCE_LEVEL + offset - CONFIDENCE_FALL * years
        confident = confidence.binomial(n, np.clip(rate, 0, 1)).astype(np.float64)
        add(force, "confidence", confident, n.astype(np.float64))

    size = N_MONTHS
    return pa.table(
        {
            "force": pa.array(np.repeat(forces, size).tolist(), pa.string()),
            "measure": pa.array(np.repeat(measures, size).tolist(), pa.string()),
            "month": pa.array(np.concatenate(months).astype(np.int32), pa.date32()),
            "value": pa.array(np.concatenate(values), pa.float64()),
            "denominator": pa.array(
                np.concatenate(
                    [d if d is not None else np.full(size, np.nan) for d in denominators]
                ),
                pa.float64(),
                from_pandas=True,
            ),
        }
    )


def generate_populations(lpu_lsoas: dict[str, int]) -> pa.Table:
    """Force (the force and its peers), local authority and LPU populations, 2009-2013.

    ``lpu_lsoas``: how many LSOAs each Birmingham LPU has (Birmingham is shared out by it).
    """
    levels: list[str] = []
    areas: list[str] = []
    years: list[int] = []
    people: list[int] = []

    def add(level: str, area: str, year: int, population: int) -> None:
        levels.append(level)
        areas.append(area)
        years.append(year)
        people.append(population)

    birmingham_lpus = tuple(v.BIRMINGHAM_LPU_WARDS)
    for year in YEARS:
        growth = (1 + GROWTH) ** (year - 2011)
        by_authority = {a: round(p * growth) for a, p in CENSUS_2011.items()}
        add("force", v.FORCE, year, sum(by_authority.values()))
        for peer, force in enumerate(v.PEER_FORCES):
            add("force", force, year, round(PEER_POPULATION[peer] * (1 + 0.005) ** (year - 2011)))
        for authority, population in by_authority.items():
            add("local_authority", authority, year, population)
        shares = apportion(
            by_authority["Birmingham"],
            np.array([lpu_lsoas[lpu] for lpu in birmingham_lpus], dtype=float),
        )
        for lpu in v.LPUS:
            if lpu in birmingham_lpus:
                add("lpu", lpu, year, int(shares[birmingham_lpus.index(lpu)]))
            else:
                add("lpu", lpu, year, by_authority[lpu])
    return pa.table(
        {
            "area_level": pa.array(levels, pa.string()),
            "area": pa.array(areas, pa.string()),
            "year": pa.array(years, pa.int32()),
            "population": pa.array(people, pa.int64()),
        }
    )
