"""Backtests of the year-end forecast: replay every past year, compare with what happened.

For each count measure, each financial year whose twelve months the history holds is
replayed at every month as at from April to February, the forecast seeing ONLY the months up
to that as-at month (the history is cut before the forecast is called). March is left out:
with the year complete the forecast is the outcome itself. A year-month that the forecast
declines (too short a history, a month of the year never seen before) is counted under
``skipped`` with its reason and does not enter the figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crimeplan.periods import FinancialYear, add_months, format_month
from crimeplan.stats.forecast import Forecast, forecast_year_end

MONTH_NAMES = tuple(date(2000, m, 1).strftime("%B") for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2))


@dataclass(frozen=True)
class BacktestForecast:
    """One replayed forecast and the outcome it is judged against."""

    measure: str
    year: str
    as_at: str
    month_of_year: int  # 1 for April … 11 for February
    year_end: float
    pi80: tuple[float, float]
    pi95: tuple[float, float]
    outcome: float

    @property
    def in_80(self) -> bool:
        return self.pi80[0] <= self.outcome <= self.pi80[1]

    @property
    def in_95(self) -> bool:
        return self.pi95[0] <= self.outcome <= self.pi95[1]

    @property
    def ape(self) -> float:
        """Absolute percentage error of the year end (0 when both are 0)."""
        if self.outcome == 0:
            return 0.0 if self.year_end == 0 else 100.0
        return 100.0 * abs(self.year_end - self.outcome) / abs(self.outcome)

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "year": self.year,
            "as_at": self.as_at,
            "year_end": round(self.year_end, 1),
            "pi80": [round(v, 1) for v in self.pi80],
            "pi95": [round(v, 1) for v in self.pi95],
            "outcome": self.outcome,
            "in_80": self.in_80,
            "in_95": self.in_95,
        }


@dataclass(frozen=True)
class Coverage:
    """How a set of forecasts did: how many, the share of outcomes inside each interval
    and the mean absolute percentage error of the year end."""

    forecasts: int
    coverage_80: float | None
    coverage_95: float | None
    mape: float | None

    @classmethod
    def of(cls, rows: Iterable[BacktestForecast]) -> Coverage:
        rows = list(rows)
        n = len(rows)
        if not n:
            return cls(0, None, None, None)
        return cls(
            forecasts=n,
            coverage_80=sum(r.in_80 for r in rows) / n,
            coverage_95=sum(r.in_95 for r in rows) / n,
            mape=sum(r.ape for r in rows) / n,
        )

    def to_dict(self) -> dict[str, Any]:
        def rounded(v: float | None, places: int) -> float | None:
            return None if v is None else round(v, places)

        return {
            "forecasts": self.forecasts,
            "coverage_80": rounded(self.coverage_80, 4),
            "coverage_95": rounded(self.coverage_95, 4),
            "mape": rounded(self.mape, 2),
        }


@dataclass(frozen=True)
class BacktestReport:
    """The whole backtest: overall, by measure, by month as at and by year."""

    overall: Coverage
    by_measure: dict[str, Coverage]
    by_month: dict[str, Coverage]
    by_year: dict[str, Coverage]
    rows: tuple[BacktestForecast, ...]
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def forecasts(self) -> int:
        return self.overall.forecasts

    @property
    def coverage_80(self) -> float | None:
        return self.overall.coverage_80

    @property
    def coverage_95(self) -> float | None:
        return self.overall.coverage_95

    @property
    def mape(self) -> float | None:
        return self.overall.mape

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.overall.to_dict(),
            "note": "each past year replayed at every month as at, April to February, on the "
            "months up to that month only; March (the year complete) is left out",
            "by_measure": {k: v.to_dict() for k, v in self.by_measure.items()},
            "by_month": {k: v.to_dict() for k, v in self.by_month.items()},
            "by_year": {k: v.to_dict() for k, v in self.by_year.items()},
            "skipped": dict(self.skipped),
            "details": [row.to_dict() for row in self.rows],
        }


def _complete_years(values: Mapping[date, float | None]) -> list[FinancialYear]:
    years = sorted({FinancialYear.of(m) for m in values})
    return [y for y in years if all(values.get(m) is not None for m in y.months())]


def backtest(
    series_by_measure: Mapping[str, Sequence[tuple[date, float | None]]],
) -> BacktestReport:
    """Replay the year-end forecast of every measure over every complete past year."""
    rows: list[BacktestForecast] = []
    skipped: Counter[str] = Counter()
    for measure, series in series_by_measure.items():
        values = {month.replace(day=1): value for month, value in series}
        ordered = sorted(values.items())
        for year in _complete_years(values):
            outcome = float(sum(values[m] or 0.0 for m in year.months()))
            baseline_months = year.shift(-1).months()
            baseline: float | None = None
            if all(values.get(m) is not None for m in baseline_months):
                baseline = float(sum(values[m] or 0.0 for m in baseline_months))
            for k in range(11):
                as_at = add_months(year.first_month, k)
                history = [(m, v) for m, v in ordered if m <= as_at]
                forecast = forecast_year_end(history, as_at, baseline, None, "neutral")
                row = _row(measure, year, as_at, k + 1, forecast, outcome)
                if row is None:
                    skipped[forecast.reason.code if forecast.reason else "no_forecast"] += 1
                else:
                    rows.append(row)
    return _report(rows, skipped)


def _row(
    measure: str,
    year: FinancialYear,
    as_at: date,
    month_of_year: int,
    forecast: Forecast,
    outcome: float,
) -> BacktestForecast | None:
    if forecast.year_end is None or forecast.pi80 is None or forecast.pi95 is None:
        return None
    return BacktestForecast(
        measure=measure,
        year=year.label,
        as_at=format_month(as_at),
        month_of_year=month_of_year,
        year_end=forecast.year_end,
        pi80=forecast.pi80,
        pi95=forecast.pi95,
        outcome=outcome,
    )


def _report(rows: list[BacktestForecast], skipped: Counter[str]) -> BacktestReport:
    measures = list(dict.fromkeys(r.measure for r in rows))
    years = sorted({r.year for r in rows})
    return BacktestReport(
        overall=Coverage.of(rows),
        by_measure={m: Coverage.of(r for r in rows if r.measure == m) for m in measures},
        by_month={
            name: Coverage.of(r for r in rows if r.month_of_year == i + 1)
            for i, name in enumerate(MONTH_NAMES)
        },
        by_year={y: Coverage.of(r for r in rows if r.year == y) for y in years},
        rows=tuple(rows),
        skipped=dict(sorted(skipped.items())),
    )
