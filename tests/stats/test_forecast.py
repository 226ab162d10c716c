"""The year-end forecast on constructed series: calibration on a perfectly seasonal Poisson
process (a Monte Carlo check with a fixed seed), the year complete, one month known,
missing months, short histories, targets and their direction."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from crimeplan.codec import to_dict
from crimeplan.periods import FinancialYear, add_months
from crimeplan.stats.forecast import Forecast, NoSeasonalProfile, forecast_year_end

#: April … March factors of a seasonal profile (summer peak, winter trough), mean 1.
PROFILE = np.array([1.0, 1.08, 1.15, 1.2, 1.12, 1.0, 0.95, 0.9, 0.85, 0.88, 0.9, 0.97])
PROFILE = PROFILE / PROFILE.mean()


def seasonal_history(
    rng: np.random.Generator, level: float, years: int, first_year: int = 2009
) -> list[tuple[date, float | None]]:
    """``years`` financial years of Poisson counts with a fixed level and profile."""
    counts = rng.poisson(level * np.tile(PROFILE, years))
    start = date(first_year, 4, 1)
    return [(add_months(start, i), float(c)) for i, c in enumerate(counts)]


def test_a_perfectly_seasonal_poisson_process_is_covered_near_nominal() -> None:
    """Histories of three earlier years and the plan year drawn from the same process: the
    80 % and 95 % intervals hold the year's actual total about that often."""
    rng = np.random.default_rng(7)
    in80 = in95 = n = 0
    for trial in range(60):
        history = seasonal_history(rng, level=150.0, years=4)
        outcome = sum(v or 0.0 for _, v in history[36:])
        for k in (0, 3, 6, 9):  # as at April, July, October, January
            as_at = add_months(date(2012, 4, 1), k)
            known = [(m, v) for m, v in history if m <= as_at]
            forecast = forecast_year_end(known, as_at, None, None, "decrease")
            assert forecast.pi80 is not None and forecast.pi95 is not None, trial
            in80 += forecast.pi80[0] <= outcome <= forecast.pi80[1]
            in95 += forecast.pi95[0] <= outcome <= forecast.pi95[1]
            n += 1
    assert 0.72 <= in80 / n <= 0.93
    assert 0.90 <= in95 / n <= 1.0


def test_the_year_complete_collapses_the_interval_to_the_total() -> None:
    history = seasonal_history(np.random.default_rng(1), 100.0, 3)
    total = sum(v or 0.0 for _, v in history[24:])
    forecast = forecast_year_end(history, date(2012, 3, 1), total / 0.9, -5.0, "decrease")
    assert forecast.year == "2011/12"
    assert forecast.year_end == total
    assert forecast.pi80 == (total, total)
    assert forecast.pi95 == (total, total)
    assert forecast.months_known == 12
    assert forecast.months_forecast == 0
    assert forecast.change_pct == pytest.approx(-10.0)
    assert forecast.p_meet_target == 1.0  # -10 % is beyond a -5 % target


def test_one_month_known_gives_a_wide_but_sensible_interval() -> None:
    history = seasonal_history(np.random.default_rng(2), 400.0, 3)
    april = forecast_year_end(history[:25], date(2011, 4, 1), None, None, "decrease")
    february = forecast_year_end(history[:35], date(2012, 2, 1), None, None, "decrease")
    assert april.months_known == 1 and april.months_forecast == 11
    assert april.year_end is not None and april.pi95 is not None and february.pi95 is not None
    assert 0.85 * 4800 < april.year_end < 1.15 * 4800
    assert april.pi95[0] < april.year_end < april.pi95[1]
    width = april.pi95[1] - april.pi95[0]
    assert width > 2 * (february.pi95[1] - february.pi95[0])


def test_missing_months_are_forecast_like_future_ones() -> None:
    history = seasonal_history(np.random.default_rng(3), 300.0, 3)
    holed: list[tuple[date, float | None]] = list(history[:30])
    holed[26] = (holed[26][0], None)  # June 2011, in the year to date
    holed[5] = (holed[5][0], None)  # September 2009, in the history
    forecast = forecast_year_end(holed, date(2011, 9, 1), None, None, "decrease")
    assert forecast.months_known == 5
    assert forecast.months_forecast == 7
    assert forecast.year_end is not None and forecast.pi80 is not None
    full = forecast_year_end(history[:30], date(2011, 9, 1), None, None, "decrease")
    assert full.pi80 is not None
    assert forecast.pi80[1] - forecast.pi80[0] > full.pi80[1] - full.pi80[0]


def test_without_target_or_baseline() -> None:
    history = seasonal_history(np.random.default_rng(4), 200.0, 3)
    no_target = forecast_year_end(history[:30], date(2011, 9, 1), 2500.0, None, "decrease")
    assert no_target.p_meet_target is None
    assert no_target.change_pct is not None
    no_baseline = forecast_year_end(history[:30], date(2011, 9, 1), None, -5.0, "decrease")
    assert no_baseline.change_pct is None and no_baseline.p_meet_target is None
    assert set(to_dict(no_target)) >= {
        "year_end",
        "change_pct",
        "pi80",
        "pi95",
        "p_meet_target",
        "method",
    }
    assert len(to_dict(no_target)["pi80"]) == 2


def test_target_direction() -> None:
    history = seasonal_history(np.random.default_rng(5), 200.0, 3)
    args = (history[:30], date(2011, 9, 1))
    year_end = forecast_year_end(*args, 2400.0, None, "neutral").year_end
    assert year_end is not None
    baseline = year_end  # a target of 0 % change sits on the median
    down = forecast_year_end(*args, baseline, 0.0, "decrease").p_meet_target
    up = forecast_year_end(*args, baseline, 0.0, "increase").p_meet_target
    assert down is not None and up is not None
    assert down == pytest.approx(0.5, abs=0.05)
    assert down + up == pytest.approx(1.0, abs=0.02)
    easy = forecast_year_end(*args, baseline, 20.0, "decrease").p_meet_target
    hard = forecast_year_end(*args, baseline, -20.0, "decrease").p_meet_target
    assert easy == 1.0 and hard == 0.0
    neutral = forecast_year_end(*args, baseline, -20.0, "neutral").p_meet_target
    assert neutral == hard  # a neutral measure follows the target's sign


def test_months_after_as_at_are_ignored() -> None:
    history = seasonal_history(np.random.default_rng(6), 200.0, 3)
    poisoned = history[:30] + [(m, 1e6) for m, _ in history[30:]]
    assert forecast_year_end(poisoned, date(2011, 9, 1), None, None, "decrease") == (
        forecast_year_end(history[:30], date(2011, 9, 1), None, None, "decrease")
    )


def test_short_histories_say_why() -> None:
    history = seasonal_history(np.random.default_rng(8), 200.0, 2)
    first_year = forecast_year_end(history[:5], date(2009, 8, 1), None, None, "decrease")
    assert first_year.year_end is None
    # no seasonal profile: the history (April to August 2009) holds no earlier September to
    # March (calendar months 9-12 and 1-3), January among them
    assert first_year.reason == NoSeasonalProfile(months=(1, 2, 3, 9, 10, 11, 12))
    twelve = forecast_year_end(history[:12], date(2010, 3, 1), None, None, "decrease")
    assert twelve.year_end is not None  # the year complete needs no model
    one_month = forecast_year_end(history[:13], date(2010, 4, 1), None, None, "decrease")
    assert one_month.year_end is not None  # one repeat of April: honest but wide
    assert one_month.pi95 is not None
    assert one_month.pi95[1] / one_month.pi95[0] > 1.2


def test_only_earlier_months_of_the_year_partially_known() -> None:
    """A history that starts in December (as the police.uk files can) forecasts from
    December of the next year, when every month still to come has been seen."""
    rng = np.random.default_rng(9)
    counts = rng.poisson(200.0, 16)
    history = [(add_months(date(2019, 12, 1), i), float(c)) for i, c in enumerate(counts)]
    november = forecast_year_end(history[:12], date(2020, 11, 1), None, None, "decrease")
    assert november.year_end is None and november.reason is not None
    december = forecast_year_end(history[:13], date(2020, 12, 1), None, None, "decrease")
    assert december.year_end is not None


def test_forecasts_are_reproducible() -> None:
    history = seasonal_history(np.random.default_rng(10), 200.0, 3)
    a = forecast_year_end(history[:28], date(2011, 7, 1), 2400.0, -3.0, "decrease")
    b = forecast_year_end(history[:28], date(2011, 7, 1), 2400.0, -3.0, "decrease")
    assert a == b
    assert isinstance(a, Forecast)
    assert FinancialYear.parse(a.year) == FinancialYear(2011)
