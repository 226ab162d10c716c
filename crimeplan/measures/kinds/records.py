"""What the record-counting kinds (count, rate, proportion) share: their counts from the one
grouped query of each source, read month by month, and the like-for-like comparison of the
year to date with the same months of the baseline year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crimeplan.errors import MeasureError
from crimeplan.measures.kinds.base import ROWS, MonthlyCounts, Period
from crimeplan.periods import format_month, months_between
from crimeplan.plan.model import Count, Plan, RecordCountMeasure, Source, Where
from crimeplan.results.measure import MonthsCompared, SeriesPoint
from crimeplan.results.notes import MeasureNote, PartialComparison


def counted_measure(count: Count, plan: Plan) -> RecordCountMeasure | None:
    """The measure a numerator or denominator names (``{measure: burglary}``), if it does."""
    if count.measure is None:
        return None
    found = next((m for m in plan.measures if m.id == count.measure), None)
    if not isinstance(found, RecordCountMeasure):
        raise MeasureError(f"no count measure '{count.measure}' in the plan")
    return found


def count_where(count: Count, plan: Plan) -> Where:
    """What a numerator or denominator counts: its ``where``, on the named measure's."""
    base = counted_measure(count, plan)
    return count.where if base is None else base.filters.merged(count.where)


def count_source(count: Count, plan: Plan) -> Source:
    """Which records a numerator or denominator counts."""
    base = counted_measure(count, plan)
    return count.count if base is None else base.source


@dataclass(frozen=True)
class RecordCounts:
    """A measure's numerator and denominator counts by month (the same counts for a count
    or a rate), and the months compared like for like: only those the store holds in both
    years."""

    period: Period
    numerators: MonthlyCounts
    denominators: MonthlyCounts
    numerator_key: str
    denominator_key: str

    def present(self, month: date) -> bool:
        """Whether the store holds the month (for both counts)."""
        return (
            self.numerators.get(month, {}).get(ROWS, 0) > 0
            and self.denominators.get(month, {}).get(ROWS, 0) > 0
        )

    def numerator(self, month: date) -> int:
        return self.numerators.get(month, {}).get(self.numerator_key, 0)

    def denominator(self, month: date) -> int:
        return self.denominators.get(month, {}).get(self.denominator_key, 0)

    @property
    def months(self) -> list[date]:
        """The series' months: from the first the store holds to the as-at month."""
        held = [m for m, row in self.numerators.items() if row.get(ROWS, 0) > 0]
        return months_between(min(held), self.period.as_at) if held else []

    @property
    def missing(self) -> tuple[str, ...]:
        """The months of the two periods compared that the store lacks."""
        p = self.period
        return tuple(format_month(m) for m in (*p.baseline_ytd, *p.ytd) if not self.present(m))

    @property
    def pairs(self) -> list[tuple[date, date]]:
        """(month, the same month of the baseline year) held in both years."""
        p = self.period
        return [
            (m, b)
            for m, b in zip(p.ytd, p.baseline_ytd, strict=True)
            if self.present(m) and self.present(b)
        ]

    @property
    def compared(self) -> MonthsCompared:
        pairs = self.pairs
        return MonthsCompared(
            year_to_date=tuple(format_month(m) for m, _ in pairs),
            baseline=tuple(format_month(b) for _, b in pairs),
        )

    @property
    def notes(self) -> list[MeasureNote]:
        """A note when fewer months than the year to date are compared."""
        pairs, ytd = self.pairs, self.period.ytd
        if pairs and len(pairs) < len(ytd):
            months = tuple(format_month(m) for m, _ in pairs)
            return [PartialComparison(months=months, of=len(ytd))]
        return []

    def totals(self) -> tuple[int, int, int, int] | None:
        """(year-to-date numerator, denominator, baseline numerator, denominator) over the
        months compared; None when no month is held in both years."""
        pairs = self.pairs
        if not pairs:
            return None
        return (
            sum(self.numerator(m) for m, _ in pairs),
            sum(self.denominator(m) for m, _ in pairs),
            sum(self.numerator(b) for _, b in pairs),
            sum(self.denominator(b) for _, b in pairs),
        )


def count_series(records: RecordCounts) -> list[SeriesPoint]:
    """The monthly counts from the first month held, a month the store lacks as a gap."""
    return [
        SeriesPoint(
            month=format_month(m), value=records.numerator(m) if records.present(m) else None
        )
        for m in records.months
    ]


def count_figures(records: RecordCounts) -> tuple[int | None, int | None, int | None]:
    """(the as-at month's count, the year to date, the baseline), over the months held in
    both years (None where there are none)."""
    month = records.period.as_at
    totals = records.totals()
    return (
        records.numerator(month) if records.present(month) else None,
        None if totals is None else totals[0],
        None if totals is None else totals[2],
    )
