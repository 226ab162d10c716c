"""The results of evaluating a plan: plain, frozen data that every presenter reads.

``MeasuresResult.to_dict()`` is the measures JSON. Later parts (statistics, the board pack,
the web) add keys to it; they never remove or rename one. Numbers are rounded once, here,
so that the same store, plan and as-at month always give byte-identical JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _financial_year(month: str) -> str:
    from crimeplan.periods import FinancialYear, parse_month

    return FinancialYear.of(parse_month(month)).label


def _round(value: float | int | None, places: int = 4) -> float | int | None:
    if value is None or isinstance(value, int):
        return value
    rounded = round(float(value), places)
    return int(rounded) if rounded.is_integer() and places == 0 else rounded


@dataclass(frozen=True)
class SeriesPoint:
    """One month of a measure's series. ``value`` is None for a month the store lacks."""

    month: str
    value: float | int | None
    numerator: float | int | None = None
    denominator: float | int | None = None
    label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"month": self.month, "value": _round(self.value)}
        if self.numerator is not None or self.denominator is not None:
            out["numerator"] = _round(self.numerator)
            out["denominator"] = _round(self.denominator)
        if self.label is not None:
            out["label"] = self.label
        return out


@dataclass(frozen=True)
class Target:
    """A measure's target and how it stands."""

    milestone: str
    kind: str  # change_pct | at_least | at_most
    value: float

    def to_dict(self) -> dict[str, Any]:
        return {"milestone": self.milestone, "kind": self.kind, "value": self.value}


@dataclass(frozen=True)
class MeasureResult:
    """One measure, as at a month."""

    id: str
    title: str
    kind: str
    unit: str
    improvement: str
    month: str
    month_value: float | int | None
    ytd: float | int | None
    baseline_ytd: float | int | None
    change: float | int | None
    change_pct: float | None
    target: Target | None
    on_course: bool | None
    series: tuple[SeriesPoint, ...]
    comparison: str  # what ytd is compared with, in words
    ytd_numerator: float | int | None = None
    ytd_denominator: float | int | None = None
    baseline_numerator: float | int | None = None
    baseline_denominator: float | int | None = None
    milestones: tuple[str, ...] = ()
    months_missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # the months year to date and baseline were summed over (those held in both years)
    months_compared: tuple[str, ...] = ()
    baseline_months_compared: tuple[str, ...] = ()
    table: tuple[dict[str, Any], ...] | None = None
    # statistics (crimeplan.measures.analysis adds them; each is its result's to_dict())
    spc: dict[str, Any] | None = None
    change_test: dict[str, Any] | None = None
    forecast: dict[str, Any] | None = None
    peers: dict[str, Any] | None = None
    facts: tuple[dict[str, Any], ...] = ()

    @property
    def target_pct(self) -> float | None:
        if self.target is not None and self.target.kind == "change_pct":
            return self.target.value
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "unit": self.unit,
            "improvement": self.improvement,
            "month": self.month,
            "month_value": _round(self.month_value),
            "ytd": _round(self.ytd),
            "baseline_ytd": _round(self.baseline_ytd),
            "change": _round(self.change),
            "change_pct": _round(self.change_pct, 2),
            "target_pct": self.target_pct,
            "target": self.target.to_dict() if self.target else None,
            "on_course": self.on_course,
            "comparison": self.comparison,
            "milestones": list(self.milestones),
            "months_missing": list(self.months_missing),
            "months_compared": {
                "year_to_date": list(self.months_compared),
                "baseline": list(self.baseline_months_compared),
            },
            "notes": list(self.notes),
            "series": [point.to_dict() for point in self.series],
        }
        if self.ytd_denominator is not None:
            out["ytd_numerator"] = _round(self.ytd_numerator)
            out["ytd_denominator"] = _round(self.ytd_denominator)
            out["baseline_numerator"] = _round(self.baseline_numerator)
            out["baseline_denominator"] = _round(self.baseline_denominator)
        if self.table is not None:
            out["table"] = list(self.table)
        out["spc"] = self.spc
        out["change_test"] = self.change_test
        out["forecast"] = self.forecast
        out["peers"] = self.peers
        out["facts"] = list(self.facts)
        return out


@dataclass(frozen=True)
class DataSource:
    """One imported file the results were computed from (the data vintage)."""

    source: str
    file_name: str
    sha256: str
    rows: int
    first_month: str | None
    last_month: str | None
    imported_on: str
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "rows": self.rows,
            "first_month": self.first_month,
            "last_month": self.last_month,
            "imported_on": self.imported_on,
            "note": self.note,
        }


@dataclass(frozen=True)
class MeasuresResult:
    """Every measure of a plan as at a month, with what it was computed from."""

    as_at: str
    plan_title: str
    force: str
    plan_year: str
    baseline_year: str
    area: str
    ytd_months: tuple[str, str]
    baseline_months: tuple[str, str]
    synthetic_data: bool
    measures: tuple[MeasureResult, ...]
    data_notes: tuple[str, ...] = field(default_factory=tuple)
    sources: tuple[DataSource, ...] = field(default_factory=tuple)

    @property
    def year_label(self) -> str:
        """The financial year of the year to date, ``2013/14``."""
        return _financial_year(self.ytd_months[0])

    @property
    def baseline_label(self) -> str:
        """The financial year compared with (the baseline period's), ``2012/13``."""
        return _financial_year(self.baseline_months[0])

    def measure(self, measure_id: str) -> MeasureResult:
        for result in self.measures:
            if result.id == measure_id:
                return result
        raise KeyError(measure_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_at": self.as_at,
            "plan": {
                "title": self.plan_title,
                "force": self.force,
                "plan_year": self.plan_year,
                "baseline_year": self.baseline_year,
            },
            "area": self.area,
            "period": {
                "year_to_date": list(self.ytd_months),
                "baseline": list(self.baseline_months),
            },
            "synthetic_data": self.synthetic_data,
            "data_notes": list(self.data_notes),
            "sources": [source.to_dict() for source in self.sources],
            "measures": [m.to_dict() for m in self.measures],
        }
