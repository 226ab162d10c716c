"""What every measure kind shares: the months compared (``Period``), one evaluation's
context (``Evaluation``), the ``Kind`` a kind's module defines, and the making of its result.

A kind is one object (``crimeplan.measures.kinds.KINDS``): its plan model (a member of the
plan's ``Measure`` union, ``crimeplan.plan.model``), the record counts it needs from the
shared grouped query, its evaluation into a ``MeasureResult``, its statistics and facts, and
the hints presenters read (which sentences the narrative gives it). The engine queries a
kind needs of its own (a survey's responses, a published table, a population) are in its
module too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar

from crimeplan.data.engine import Engine
from crimeplan.periods import FinancialYear, add_months, format_month, months_between
from crimeplan.plan.model import AreaRef, MeasureBase, Plan, Where
from crimeplan.results.measure import (
    Comparison,
    MeasureResult,
    MonthsCompared,
    Number,
    SeriesPoint,
)
from crimeplan.results.notes import MeasureNote, MonthsMissing
from crimeplan.results.pack import SurveyArea
from crimeplan.stats.peers import PeerFigure

#: A source's record counts: per month, per component key (and ``ROWS``, every record of the
#: force that month: whether the store holds the month at all).
MonthlyCounts = dict[date, dict[str, int]]
ROWS = "__rows"


@dataclass(frozen=True)
class Period:
    """The months compared: the year to date and the same months of the baseline year."""

    as_at: date
    year: FinancialYear
    baseline: FinancialYear
    ytd: tuple[date, ...]
    baseline_ytd: tuple[date, ...]

    @classmethod
    def for_plan(cls, plan: Plan, as_at: date) -> Period:
        year = FinancialYear.of(as_at)
        offset = plan.year.start_year - plan.baseline.start_year
        ytd = tuple(months_between(year.first_month, as_at))
        return cls(
            as_at=as_at,
            year=year,
            baseline=year.shift(-offset),
            ytd=ytd,
            baseline_ytd=tuple(add_months(m, -12 * offset) for m in ytd),
        )

    @property
    def comparison(self) -> Comparison:
        """The year to date against the same months of the baseline year."""
        return Comparison(
            basis="year_to_date",
            current=(format_month(self.ytd[0]), format_month(self.ytd[-1])),
            baseline=(format_month(self.baseline_ytd[0]), format_month(self.baseline_ytd[-1])),
            baseline_year=self.baseline.label,
        )


@dataclass(frozen=True)
class Evaluation:
    """One evaluation of a plan as at a month: what a kind's code may read.

    ``counts`` are the record counts of every source, from one grouped query each (filled
    before the measures are evaluated); ``peers`` the peer figures by peer measure and force
    (filled for the statistics); ``period_labels`` the year to date and baseline as
    ``(first, last)`` months.
    """

    plan: Plan
    engine: Engine
    period: Period
    area: AreaRef | None = None
    counts: dict[str, MonthlyCounts] = field(default_factory=dict)
    peers: dict[str, dict[str, PeerFigure]] = field(default_factory=dict)
    peer_period: tuple[str, str] | None = None
    #: the same for the 12 months before (the Most Similar Group trend)
    peers_before: dict[str, dict[str, PeerFigure]] = field(default_factory=dict)
    peer_period_before: tuple[str, str] | None = None

    @property
    def period_labels(self) -> tuple[tuple[str, str], tuple[str, str]]:
        p = self.period
        return (
            (format_month(p.ytd[0]), format_month(p.ytd[-1])),
            (format_month(p.baseline_ytd[0]), format_month(p.baseline_ytd[-1])),
        )


M = TypeVar("M", bound=MeasureBase)


class Kind(Generic[M]):
    """A kind of measure. Subclasses set ``name``, ``model`` and ``narrative`` and define
    ``evaluate``; a kind that counts records says which counts it needs
    (``record_counts``), one whose results have statistics adds them (``analyse``)."""

    #: the plan file's ``kind:``
    name: ClassVar[str]
    #: the plan model, a member of ``crimeplan.plan.model.Measure``
    model: ClassVar[type[MeasureBase]]
    #: the narrative's sentences for the kind, in order (``crimeplan.report.narrative``)
    narrative: ClassVar[tuple[str, ...]]

    def record_counts(self, measure: M, plan: Plan) -> dict[str, dict[str, Where]]:
        """The record counts the measure needs, by source and component key (the shared
        grouped query counts them all at once)."""
        return {}

    def evaluate(self, measure: M, ev: Evaluation) -> MeasureResult:
        """The measure's figures as at the month (no statistics yet)."""
        raise NotImplementedError

    def analyse(self, measure: M, result: MeasureResult, ev: Evaluation) -> MeasureResult:
        """The result with its statistics and facts."""
        return result

    def by_area(
        self, measure: M, engine: Engine, plan: Plan, as_at: date
    ) -> tuple[SurveyArea, ...]:
        """The measure's latest figure in each local policing unit, for a table beside its
        chart (none for most kinds)."""
        return ()


AnyKind = Kind[Any]


# -- making a result -----------------------------------------------------------------------------
def rounded(value: Number | None, places: int = 4) -> Number | None:
    """A figure as the results keep it (rounded once, when made): floats to ``places``."""
    if value is None or isinstance(value, int):
        return value
    return round(float(value), places)


def _point(point: SeriesPoint) -> SeriesPoint:
    return replace(
        point,
        value=rounded(point.value),
        numerator=rounded(point.numerator),
        denominator=rounded(point.denominator),
    )


def pct(numerator: float, denominator: float) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


def make_result(
    measure: MeasureBase,
    period: Period,
    month_value: Number | None,
    ytd: Number | None,
    baseline: Number | None,
    series: Sequence[SeriesPoint],
    missing: tuple[str, ...],
    notes: Sequence[MeasureNote],
    ytd_numerator: Number | None = None,
    ytd_denominator: Number | None = None,
    baseline_numerator: Number | None = None,
    baseline_denominator: Number | None = None,
    *,
    comparison: Comparison | None = None,
    compared: MonthsCompared | None = None,
) -> MeasureResult:
    """A measure's result from its figures: the change and % change worked out, every
    number rounded once, a note for missing months."""
    change = None if ytd is None or baseline is None else ytd - baseline
    change_pct = None
    if change is not None and baseline:
        change_pct = 100.0 * change / baseline
    if missing:
        notes = [*notes, MonthsMissing(months=missing)]
    numbers = (ytd_numerator, ytd_denominator, baseline_numerator, baseline_denominator)
    if ytd_denominator is None:  # the four are shown together, for measures that have them
        numbers = (None, None, None, None)
    return MeasureResult(
        id=measure.id,
        title=measure.title,
        kind=measure.kind,
        unit=measure.display_unit,
        improvement=measure.improvement,
        month=format_month(period.as_at),
        month_value=rounded(month_value),
        ytd=rounded(ytd),
        baseline_ytd=rounded(baseline),
        change=rounded(change),
        change_pct=rounded(change_pct, 2),
        series=tuple(_point(p) for p in series),
        comparison=comparison or period.comparison,
        ytd_numerator=rounded(numbers[0]),
        ytd_denominator=rounded(numbers[1]),
        baseline_numerator=rounded(numbers[2]),
        baseline_denominator=rounded(numbers[3]),
        months_missing=missing,
        notes=tuple(notes),
        months_compared=compared or MonthsCompared(),
    )


def empty_result(measure: MeasureBase, period: Period, note: MeasureNote) -> MeasureResult:
    """A result with no figures, and the note that says why."""
    return make_result(measure, period, None, None, None, [], (), [note])
