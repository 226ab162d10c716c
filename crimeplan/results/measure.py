"""Every measure of a plan as at a month: ``MeasuresResult``, the measures JSON.

Plain, frozen, typed data that every presenter reads (``crimeplan.codec.to_dict`` is the
JSON). Later parts add keys; they never remove or rename one. Numbers are rounded once, when
the result is made, so that the same store, plan and as-at month always give byte-identical
JSON.
"""

from __future__ import annotations

from typing import Literal

from crimeplan.codec import omitted, result
from crimeplan.periods import FinancialYear, parse_month
from crimeplan.results.notes import DataNote, MeasureNote
from crimeplan.results.position import Action, TargetStatus
from crimeplan.results.statistics import ChangeTest, Spc
from crimeplan.stats.facts import Fact
from crimeplan.stats.forecast import Forecast
from crimeplan.stats.peers import PeerComparison

#: The version of the results' JSON layout (``schema_version``): raised when a key changes
#: meaning or goes; adding a key does not raise it.
SCHEMA_VERSION = 1

Number = int | float
MeasureKind = Literal["count", "rate", "proportion", "survey", "published"]
Unit = Literal["count", "percent", "rate"]
Improvement = Literal["increase", "decrease", "neutral"]


@result
class SeriesPoint:
    """One month of a measure's series (or one survey wave, named by ``label``). ``value`` is
    None for a month the store lacks."""

    month: str
    value: Number | None
    numerator: Number | None = omitted()
    denominator: Number | None = omitted()
    label: str | None = omitted()


@result
class Target:
    """A measure's target: a % change on the baseline, or a level to reach."""

    milestone: str
    kind: Literal["change_pct", "at_least", "at_most"]
    value: float


#: What a measure's current figure is: the financial year to date, a rolling 12 months, the
#: month itself, the latest survey wave, or a published table's figure.
Basis = Literal["year_to_date", "rolling_12", "month", "wave", "published"]


@result
class Comparison:
    """What ``ytd`` is and what ``baseline_ytd`` it is compared with.

    ``current`` and ``baseline`` are periods as months (first, last; one month for a rolling
    year or a month, named by its last month) or, for ``wave``, the waves' labels (no
    ``baseline`` for the only wave). ``baseline_year`` is the financial year compared with.
    A published figure says what the table covers (``period``, ``publication``, its own
    ``baseline_label``).
    """

    basis: Basis
    current: tuple[str, ...] = ()
    baseline: tuple[str, ...] = ()
    baseline_year: str | None = omitted()
    period: str | None = omitted()
    publication: str | None = omitted()
    baseline_label: str | None = omitted()


@result
class MonthsCompared:
    """The months the year to date and the baseline were summed over (held in both years)."""

    year_to_date: tuple[str, ...] = ()
    baseline: tuple[str, ...] = ()


@result
class PublishedRow:
    """One row of a published reoffending table, as published."""

    level: str
    area: str
    cohort: int
    actual_rate: float
    predicted_rate: float
    baseline_change_pct: float | None
    baseline_label: str | None


@result
class Annotation:
    """An intervention or event the plan marks on the measure's chart."""

    month: str
    text: str


@result
class MeasureResult:
    """One measure, as at a month, with its statistics."""

    id: str
    title: str
    kind: MeasureKind
    unit: Unit
    improvement: Improvement
    month: str
    month_value: Number | None
    ytd: Number | None
    baseline_ytd: Number | None
    change: Number | None
    change_pct: float | None
    target_pct: float | None = None
    target: Target | None = None
    on_course: bool | None = None
    comparison: Comparison
    milestones: tuple[str, ...] = ()
    months_missing: tuple[str, ...] = ()
    months_compared: MonthsCompared = MonthsCompared()
    notes: tuple[MeasureNote, ...] = ()
    series: tuple[SeriesPoint, ...] = ()
    ytd_numerator: Number | None = omitted()
    ytd_denominator: Number | None = omitted()
    baseline_numerator: Number | None = omitted()
    baseline_denominator: Number | None = omitted()
    table: tuple[PublishedRow, ...] | None = omitted()
    annotations: tuple[Annotation, ...] = ()
    spc: Spc | None = None
    change_test: ChangeTest | None = None
    forecast: Forecast | None = None
    peers: PeerComparison | None = None
    facts: tuple[Fact, ...] = ()
    #: a target's status (docs/status-rules.md) and the action it carries (plan file)
    status: TargetStatus | None = omitted()
    action: Action | None = omitted()

    @property
    def waves(self) -> bool:
        """Whether the series is a survey's waves (its points carry a label), not months."""
        return self.comparison.basis == "wave"


@result
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


@result
class PlanInfo:
    title: str
    force: str
    plan_year: str
    baseline_year: str


@result
class Periods:
    """The year to date (first and last month) and the same months of the baseline year."""

    year_to_date: tuple[str, str]
    baseline: tuple[str, str]


@result
class MeasuresResult:
    """Every measure of a plan as at a month, with what it was computed from."""

    schema_version: int = SCHEMA_VERSION
    as_at: str
    plan: PlanInfo
    area: str
    period: Periods
    synthetic_data: bool
    data_notes: tuple[DataNote, ...] = ()
    sources: tuple[DataSource, ...] = ()
    measures: tuple[MeasureResult, ...] = ()

    @property
    def year_label(self) -> str:
        """The financial year of the year to date, ``2013/14``."""
        return FinancialYear.of(parse_month(self.period.year_to_date[0])).label

    @property
    def baseline_label(self) -> str:
        """The financial year compared with (the baseline period's), ``2012/13``."""
        return FinancialYear.of(parse_month(self.period.baseline[0])).label

    def measure(self, measure_id: str) -> MeasureResult:
        for found in self.measures:
            if found.id == measure_id:
                return found
        raise KeyError(measure_id)
