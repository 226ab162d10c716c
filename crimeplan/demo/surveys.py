"""Synthetic survey results: "Feeling the Difference" confidence waves and monthly victim
satisfaction, by LPU with the force as their sum.

Force-level results are pinned to the seed's figures (wave 33 about 3 points above wave 32;
rolling-12-month crime satisfaction 85.8 % at December 2011 and 87.1 % at December 2012);
the LPU results scatter around them and add up to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from crimeplan.demo import vocabulary as v
from crimeplan.demo.timeline import (
    MONTHS,
    N_MONTHS,
    Floats,
    Ints,
    apportion,
    index_of,
    path,
)
from crimeplan.periods import add_months

#: Confidence waves 26-33, every six months from May-July 2009; wave 33 (November 2012 to
#: January 2013) reported in February 2013. Wave 34 (from June 2013) is not yet available.
FIRST_WAVE, LAST_WAVE = 26, 33
FIRST_WAVE_START = date(2009, 5, 1)
#: Force-level percentages by wave: falls in waves 31 and 32, wave 33 about 3 points up.
CONFIDENCE: dict[str, tuple[float, ...]] = {
    v.CONFIDENCE_QUESTIONS[0]: (79.6, 80.4, 81.1, 81.9, 82.4, 80.2, 77.6, 80.6),
    v.CONFIDENCE_QUESTIONS[1]: (58.8, 59.9, 61.0, 61.8, 62.5, 60.6, 58.4, 60.3),
}
WAVE_RESPONDENTS = 3_000

#: Monthly victim satisfaction (per cent, month index → value): peaked in April 2012.
SATISFACTION_PATH: dict[str, dict[int, float]] = {
    v.SATISFACTION_CRIME: {
        0: 82.4,
        12: 83.6,
        24: 85.2,
        33: 85.6,
        35: 86.4,
        36: 89.6,
        37: 88.8,
        38: 88.4,
        40: 87.6,
        42: 87.0,
        44: 86.6,
        45: 86.2,
        47: 86.0,
        48: 86.1,
        59: 86.6,
    },
    v.SATISFACTION_ASB: {0: 77.5, 24: 79.6, 36: 83.0, 40: 82.0, 47: 81.2, 59: 81.6},
}
SATISFACTION_RESPONDENTS = {v.SATISFACTION_CRIME: 600, v.SATISFACTION_ASB: 250}
#: Rolling-12-month crime satisfaction at the end of calendar years (seed ¶64).
SATISFACTION_BY_CALENDAR_YEAR = {2011: 0.858, 2012: 0.871}


@dataclass(frozen=True)
class SurveyData:
    table: pa.Table
    #: force-level crime satisfaction by month: (satisfied, respondents)
    satisfied: Ints
    respondents: Ints


def pin_total(positive: Ints, respondents: Ints, rate: float, upper: Ints | None = None) -> Ints:
    """Adjust ``positive`` (same shape as ``respondents``) so that its total is exactly
    ``rate`` of all respondents, spreading the change in proportion to the room each cell
    has (up to ``upper``, by default its respondents)."""
    want = round(rate * int(respondents.sum()))
    delta = want - int(positive.sum())
    flat_positive = positive.reshape(-1).copy()
    flat_upper = (respondents if upper is None else upper).reshape(-1)
    room = flat_upper - flat_positive if delta > 0 else flat_positive
    change = apportion(abs(delta), np.maximum(room, 0).astype(np.float64))
    flat_positive += np.sign(delta) * np.minimum(change, room)
    return flat_positive.reshape(positive.shape)


def by_lpu(
    n_force: Ints, rate: Floats, offsets: Floats, lpu_share: Floats, rng: np.random.Generator
) -> tuple[Ints, Ints]:
    """Respondents and positives by period × LPU, the LPUs summing to the force's
    ``round(rate × n)`` exactly in every period."""
    respondents = np.stack([rng.multinomial(int(n), lpu_share) for n in n_force])
    p = np.clip(rate[:, None] + offsets[None, :], 0.01, 0.99)
    positive = rng.binomial(respondents, p).astype(np.int64)
    for i in range(len(n_force)):  # a few dozen periods, not records
        positive[i] = pin_total(positive[i], respondents[i], float(rate[i]))
    return respondents.astype(np.int64), positive


def satisfaction_rates(question: str, rng: np.random.Generator) -> tuple[Ints, Ints]:
    """Force-level (respondents, satisfied) by month, with the seed's figures met."""
    mean = SATISFACTION_RESPONDENTS[question]
    n = rng.integers(int(mean * 0.93), int(mean * 1.07) + 1, N_MONTHS).astype(np.int64)
    rate = path(SATISFACTION_PATH[question]) / 100
    satisfied = rng.binomial(n, rate).astype(np.int64)
    if question != v.SATISFACTION_CRIME:
        return n, satisfied
    april12 = index_of(2012, 4)
    for year, target in SATISFACTION_BY_CALENDAR_YEAR.items():
        months = np.arange(index_of(year, 1), index_of(year, 12) + 1)
        if year == 2012:  # April 2012 stays the highest month of 2012/13
            others = np.r_[index_of(2012, 5) : index_of(2013, 4)]
            ceiling = (satisfied[april12] / n[april12]) - 0.004
            upper = n.copy()
            upper[others] = np.floor(ceiling * n[others]).astype(np.int64)
            satisfied = np.minimum(satisfied, upper)
            rest = months[months != april12]
            remaining = target * n[months].sum() - satisfied[april12]
            satisfied[rest] = pin_total(
                satisfied[rest], n[rest], remaining / n[rest].sum(), upper=upper[rest]
            )
        else:
            satisfied[months] = pin_total(satisfied[months], n[months], target)
    return n, satisfied


def wave_period(wave: int) -> tuple[date, date]:
    start = add_months(FIRST_WAVE_START, 6 * (wave - FIRST_WAVE))
    return start, add_months(start, 2)


def generate_surveys(lpu_share: Floats, rng: np.random.Generator) -> SurveyData:
    """Every survey row: force and LPU levels."""
    columns: dict[str, list[object]] = {
        name: []
        for name in (
            "survey",
            "question",
            "wave",
            "period_start",
            "period_end",
            "area_level",
            "area",
            "respondents",
            "positive",
        )
    }

    def add(
        survey: str,
        question: str,
        waves: list[str | None],
        periods: list[tuple[date, date]],
        respondents: Ints,
        positive: Ints,
    ) -> None:
        for level, areas, n, k in (
            (
                "force",
                (v.FORCE,),
                respondents.sum(axis=1, keepdims=True),
                positive.sum(axis=1, keepdims=True),
            ),
            ("lpu", v.LPUS, respondents, positive),
        ):
            for j, area in enumerate(areas):  # one row per period and area: a few thousand
                columns["survey"] += [survey] * len(periods)
                columns["question"] += [question] * len(periods)
                columns["wave"] += waves
                columns["period_start"] += [p[0] for p in periods]
                columns["period_end"] += [p[1] for p in periods]
                columns["area_level"] += [level] * len(periods)
                columns["area"] += [area] * len(periods)
                columns["respondents"] += n[:, j].tolist()
                columns["positive"] += k[:, j].tolist()

    waves = list(range(FIRST_WAVE, LAST_WAVE + 1))
    periods = [wave_period(w) for w in waves]
    n_waves = rng.integers(WAVE_RESPONDENTS - 120, WAVE_RESPONDENTS + 121, len(waves))
    for question, levels in CONFIDENCE.items():
        offsets = rng.normal(0.0, 0.025, len(v.LPUS))
        offsets -= offsets @ lpu_share
        respondents, positive = by_lpu(
            n_waves, np.array(levels) / 100, offsets, np.full(len(v.LPUS), 1 / len(v.LPUS)), rng
        )
        add(v.CONFIDENCE_SURVEY, question, [str(w) for w in waves], periods, respondents, positive)

    months = [(m, m) for m in MONTHS]
    crime_n = crime_k = np.zeros(N_MONTHS, dtype=np.int64)
    for question in (v.SATISFACTION_CRIME, v.SATISFACTION_ASB):
        n, k = satisfaction_rates(question, rng)
        offsets = rng.normal(0.0, 0.02, len(v.LPUS))
        offsets -= offsets @ lpu_share
        respondents, positive = by_lpu(n, k / n, offsets, lpu_share, rng)
        add(v.SATISFACTION_SURVEY, question, [None] * N_MONTHS, months, respondents, positive)
        if question == v.SATISFACTION_CRIME:
            crime_n, crime_k = respondents.sum(axis=1), positive.sum(axis=1)

    table = pa.table(
        {
            "survey": pa.array(columns["survey"], pa.string()),
            "question": pa.array(columns["question"], pa.string()),
            "wave": pa.array(columns["wave"], pa.string()),
            "period_start": pa.array(columns["period_start"], pa.date32()),
            "period_end": pa.array(columns["period_end"], pa.date32()),
            "area_level": pa.array(columns["area_level"], pa.string()),
            "area": pa.array(columns["area"], pa.string()),
            "respondents": pa.array(columns["respondents"], pa.int64()),
            "positive": pa.array(columns["positive"], pa.int64()),
        }
    )
    return SurveyData(table=table, satisfied=crime_k, respondents=crime_n)
