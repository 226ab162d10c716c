"""Facts for the narrative: computed from the data, never guessed, and never phrased here.

Each function takes a small series or a few totals and returns a ``Fact`` (or None when
there is nothing to say): its ``kind``, the ``measure`` it is about, the ``period`` it
covers (months ``YYYY-MM`` or financial years ``YYYY/YY``) and its ``numbers``. The board
pack turns a fact into a sentence ("fallen for six consecutive months"); a reader checks
the sentence against the numbers in the measures JSON.

A series is a sequence of points with ``month`` (``YYYY-MM``) and ``value`` (None for a
month the store lacks), such as ``MeasureResult.series``, or of ``(month, value)`` pairs.

Each kind of fact is its own typed result (``RunFact``, ``SeasonalFact``, …, joined in
``Fact`` and told apart by ``kind``): ``run``, ``yearly_run``, ``seasonal``,
``contributors``, ``share``, ``highest_since``, ``lowest_since``, ``monthly_average``. A
fact's numbers are rounded to four decimal places when it is made, once.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Literal, Protocol, overload

from pydantic import Field

from crimeplan.codec import result
from crimeplan.periods import MONTH_NAMES, FinancialYear, add_months, format_month, parse_month


class _Point(Protocol):
    @property
    def month(self) -> str: ...

    @property
    def value(self) -> float | int | None: ...


Series = Sequence[_Point] | Sequence[tuple[str, float | int | None]]


Number = int | float
Direction = Literal["rise", "fall"]


@overload
def _r(value: int) -> int: ...
@overload
def _r(value: float) -> float: ...
@overload
def _r(value: None) -> None: ...
@overload
def _r(value: Number | None) -> Number | None: ...
def _r(value: Number | None) -> Number | None:
    """A fact's number as it is kept: floats to four decimal places."""
    return round(value, 4) if isinstance(value, float) else value


@result
class RunNumbers:
    direction: Direction
    months: int
    from_month: str
    from_value: Number
    to_month: str
    to_value: Number
    change: Number
    change_pct: float | None


@result
class RunFact:
    """The current run of consecutive monthly rises or falls (see ``runs``)."""

    kind: Literal["run"] = "run"
    measure: str
    period: tuple[str, ...]
    numbers: RunNumbers


@result
class YearlyRunNumbers:
    direction: Direction
    years: int
    from_year: str
    from_value: Number
    to_year: str
    to_value: Number
    change: Number
    change_pct: float | None


@result
class YearlyRunFact:
    """The current run of year-on-year rises or falls (see ``yearly_run``)."""

    kind: Literal["yearly_run"] = "yearly_run"
    measure: str
    period: tuple[str, ...]
    numbers: YearlyRunNumbers


@result
class SeasonalNumbers:
    peak_month: int
    peak_month_name: str
    peak_average: Number
    peak_index: float | None
    trough_month: int
    trough_month_name: str
    trough_average: Number
    trough_index: float | None
    monthly_mean: Number
    years: tuple[str, ...]
    latest_year: str
    latest_peak_month: int
    latest_trough_month: int
    latest_peak_matches: bool
    latest_trough_matches: bool


@result
class SeasonalFact:
    """The months of the year with the highest and lowest average (see ``seasonal_peak_trough``)."""

    kind: Literal["seasonal"] = "seasonal"
    measure: str
    period: tuple[str, ...]
    numbers: SeasonalNumbers


@result
class PartShare:
    part: str
    ytd: Number
    share_pct: float | None


@result
class PartChange:
    part: str
    ytd: Number
    baseline: Number
    change: Number
    share_of_change_pct: float | None


@result
class ContributorsNumbers:
    total: Number
    baseline: Number
    change: Number
    other: Number
    by_share: tuple[PartShare, ...]
    by_change: tuple[PartChange, ...]


@result
class ContributorsFact:
    """The largest contributors to a total and to its change (see ``contributors``)."""

    kind: Literal["contributors"] = "contributors"
    measure: str
    period: tuple[str, ...]
    numbers: ContributorsNumbers


@result
class ShareNumbers:
    share_pct: float | None
    share_before_pct: float | None
    change_points: float | None
    numerator: Number
    denominator: Number
    numerator_before: Number
    denominator_before: Number


@result
class ShareFact:
    """A share now and a year earlier (see ``share_moved``)."""

    kind: Literal["share"] = "share"
    measure: str
    period: tuple[str, ...]
    numbers: ShareNumbers


@result
class ExtremeSinceNumbers:
    value: Number
    since: str | None
    since_value: Number | None
    on_record: bool
    first_year: str
    years_compared: int
    previous_year: str
    previous_value: Number


@result
class ExtremeSinceFact:
    """The highest (or lowest) year since an earlier one (see ``highest_since``)."""

    kind: Literal["highest_since", "lowest_since"]
    measure: str
    period: tuple[str, ...]
    numbers: ExtremeSinceNumbers


@result
class MonthlyAverageNumbers:
    mean: Number
    median: Number
    minimum: Number
    maximum: Number
    total: Number
    months_used: int
    months_missing: tuple[str, ...]
    band: tuple[Number, Number]


@result
class MonthlyAverageFact:
    """The average a month over the last months (see ``monthly_average``)."""

    kind: Literal["monthly_average"] = "monthly_average"
    measure: str
    period: tuple[str, ...]
    numbers: MonthlyAverageNumbers


#: One computed fact: plain data for the pack to phrase and a reader to check.
Fact = Annotated[
    RunFact
    | YearlyRunFact
    | SeasonalFact
    | ContributorsFact
    | ShareFact
    | ExtremeSinceFact
    | MonthlyAverageFact,
    Field(discriminator="kind"),
]


def _points(series: Series) -> list[tuple[date, float | int | None]]:
    out = []
    for point in series:
        if isinstance(point, tuple):
            month, value = point
        else:
            month, value = point.month, point.value
        out.append((parse_month(month), value))
    return out


# -- runs ---------------------------------------------------------------------------------------
def runs(measure_id: str, series: Series, *, min_months: int = 1) -> RunFact | None:
    """The current run of consecutive monthly rises or falls, ending at the last month.

    A run of n months is n month-on-month steps in the same direction, so it spans n + 1
    points: "fallen for six consecutive months" is ``months == 6``, from the value of the
    month before the first fall (``from_month``) to the last month (``to_month``). A step
    with no change (a tie), a missing month (None) or a gap between months ends the run.
    None when the last point is missing, the last step is a tie, the series has fewer than
    two points, or the run is shorter than ``min_months``.

    Numbers: ``direction`` ("rise" | "fall"), ``months``, ``from_month``, ``from_value``,
    ``to_month``, ``to_value``, ``change``, ``change_pct`` (None from 0).
    """
    points = [(format_month(m), v) for m, v in _points(series)]
    months = [parse_month(m) for m, _ in points]
    adjacent = [add_months(a, 1) == b for a, b in zip(months, months[1:], strict=False)]
    found = _run(points, adjacent, min_months)
    if found is None:
        return None
    direction, steps, (first, first_value), (last, last_value), change, change_pct = found
    return RunFact(
        measure=measure_id,
        period=(first, last),
        numbers=RunNumbers(
            direction=direction,
            months=steps,
            from_month=first,
            from_value=_r(first_value),
            to_month=last,
            to_value=_r(last_value),
            change=_r(change),
            change_pct=_r(change_pct),
        ),
    )


def yearly_run(
    measure_id: str, yearly_totals: Mapping[str, int | float], *, min_years: int = 1
) -> YearlyRunFact | None:
    """The current run of year-on-year rises or falls ending at the latest year in
    ``yearly_totals`` (financial-year labels): "falling year on year since 2006/07".

    The same rules as ``runs``, a year for a month: ``years`` steps from ``from_year`` to
    ``to_year``; a tie or a year missing from the mapping ends the run.

    Numbers: ``direction``, ``years``, ``from_year``, ``from_value``, ``to_year``,
    ``to_value``, ``change``, ``change_pct``.
    """
    years = sorted(FinancialYear.parse(label) for label in yearly_totals)
    points = [(y.label, yearly_totals[y.label]) for y in years]
    adjacent = [a.shift(1) == b for a, b in zip(years, years[1:], strict=False)]
    found = _run(points, adjacent, min_years)
    if found is None:
        return None
    direction, steps, (first, first_value), (last, last_value), change, change_pct = found
    return YearlyRunFact(
        measure=measure_id,
        period=(first, last),
        numbers=YearlyRunNumbers(
            direction=direction,
            years=steps,
            from_year=first,
            from_value=_r(first_value),
            to_year=last,
            to_value=_r(last_value),
            change=_r(change),
            change_pct=_r(change_pct),
        ),
    )


_Run = tuple[Direction, int, tuple[str, Number], tuple[str, Number], Number, float | None]


def _run(
    points: Sequence[tuple[str, float | int | None]],
    adjacent: list[bool],
    minimum: int,
) -> _Run | None:
    """(direction, steps, (first, value), (last, value), change, change %) of the run that
    ends at the last point, or None."""
    if len(points) < 2 or points[-1][1] is None:
        return None
    direction: Literal["rise", "fall"] | None = None
    steps = 0
    start = len(points) - 1
    for i in range(len(points) - 1, 0, -1):
        value, prev_value = points[i][1], points[i - 1][1]
        if value is None or prev_value is None or not adjacent[i - 1] or value == prev_value:
            break
        step: Literal["rise", "fall"] = "rise" if value > prev_value else "fall"
        if direction is None:
            direction = step
        elif step != direction:
            break
        steps += 1
        start = i - 1
    if direction is None or steps < minimum:
        return None
    first, first_value = points[start]
    last, last_value = points[-1]
    assert first_value is not None and last_value is not None
    change = last_value - first_value
    change_pct = 100.0 * change / first_value if first_value else None
    return direction, steps, (first, first_value), (last, last_value), change, change_pct


# -- seasonality ------------------------------------------------------------------------------
def seasonal_peak_trough(measure_id: str, series: Series) -> SeasonalFact | None:
    """The months of the year with the highest and lowest average over complete years.

    A financial year is complete when all twelve months, April to March, have a value;
    only complete years count, so that a part year cannot tilt the averages. Ties go to the
    month that comes first in the financial year (April first). None without a complete
    year. The latest complete year's own peak and trough month are given too, and whether
    they match the averages' (the latest year is one of the years averaged).

    Numbers: ``peak_month`` and ``trough_month`` (1–12, calendar), ``peak_month_name``,
    ``trough_month_name``, ``peak_average``, ``trough_average``, ``monthly_mean`` (the mean
    of the twelve averages), ``peak_index`` and ``trough_index`` (average / monthly mean),
    ``years`` (labels), ``latest_year``, ``latest_peak_month``, ``latest_trough_month``,
    ``latest_peak_matches``, ``latest_trough_matches``.
    """
    values: dict[date, float | int] = {m: v for m, v in _points(series) if v is not None}
    years = sorted({FinancialYear.of(m) for m in values})
    complete = [y for y in years if all(m in values for m in y.months())]
    if not complete:
        return None
    # averages by position in the financial year, 0 = April
    averages = [statistics.fmean(values[y.months()[i]] for y in complete) for i in range(12)]
    latest = complete[-1]
    latest_values = [values[m] for m in latest.months()]

    def calendar(position: int) -> int:
        return (position + 3) % 12 + 1

    peak = max(range(12), key=lambda i: (averages[i], -i))
    trough = min(range(12), key=lambda i: (averages[i], i))
    latest_peak = max(range(12), key=lambda i: (latest_values[i], -i))
    latest_trough = min(range(12), key=lambda i: (latest_values[i], i))
    mean = statistics.fmean(averages)
    return SeasonalFact(
        measure=measure_id,
        period=(complete[0].label, latest.label),
        numbers=SeasonalNumbers(
            peak_month=calendar(peak),
            peak_month_name=MONTH_NAMES[calendar(peak) - 1],
            peak_average=_r(averages[peak]),
            peak_index=_r(averages[peak] / mean) if mean else None,
            trough_month=calendar(trough),
            trough_month_name=MONTH_NAMES[calendar(trough) - 1],
            trough_average=_r(averages[trough]),
            trough_index=_r(averages[trough] / mean) if mean else None,
            monthly_mean=_r(mean),
            years=tuple(y.label for y in complete),
            latest_year=latest.label,
            latest_peak_month=calendar(latest_peak),
            latest_trough_month=calendar(latest_trough),
            latest_peak_matches=latest_peak == peak,
            latest_trough_matches=latest_trough == trough,
        ),
    )


# -- contributors -----------------------------------------------------------------------------
def contributors(
    total_id: str,
    parts: Mapping[str, tuple[int | float, int | float]],
    total_ytd: int | float,
    total_baseline: int | float,
    *,
    top: int | None = 5,
    period: Sequence[str] = (),
) -> ContributorsFact:
    """The largest contributors to a total, and to its change.

    ``parts`` maps each part (an offence, say) to its (year to date, baseline) counts;
    the parts need not cover the whole total (``other`` is what they leave). By share: each
    part's share of the year-to-date total in %, largest first. By change: each part's
    change and its share of the total's change in % (positive when the part moved the same
    way as the total), sorted by that share, largest first; when the total did not change
    the share is None and parts are sorted by the size of their change. Ties sort by name.
    ``top`` keeps that many of each list (None keeps all).

    Numbers: ``total``, ``baseline``, ``change``, ``other`` (total − sum of parts),
    ``by_share`` [{``part``, ``ytd``, ``share_pct``}], ``by_change`` [{``part``, ``ytd``,
    ``baseline``, ``change``, ``share_of_change_pct``}].
    """
    change = total_ytd - total_baseline
    named = sorted(parts.items())
    share_order = sorted(named, key=lambda item: -item[1][0])
    by_share = [
        PartShare(
            part=name,
            ytd=_r(ytd),
            share_pct=_r(100.0 * ytd / total_ytd) if total_ytd else None,
        )
        for name, (ytd, _) in share_order
    ]
    if change:
        change_order = sorted(named, key=lambda item: -(item[1][0] - item[1][1]) / change)
    else:
        change_order = sorted(named, key=lambda item: -abs(item[1][0] - item[1][1]))
    rows = [
        PartChange(
            part=name,
            ytd=_r(ytd),
            baseline=_r(baseline),
            change=_r(ytd - baseline),
            share_of_change_pct=_r(100.0 * (ytd - baseline) / change) if change else None,
        )
        for name, (ytd, baseline) in change_order
    ]
    keep = len(parts) if top is None else top
    return ContributorsFact(
        measure=total_id,
        period=tuple(period),
        numbers=ContributorsNumbers(
            total=_r(total_ytd),
            baseline=_r(total_baseline),
            change=_r(change),
            other=_r(total_ytd - sum(ytd for ytd, _ in parts.values())),
            by_share=tuple(by_share[:keep]),
            by_change=tuple(rows[:keep]),
        ),
    )


# -- shares -------------------------------------------------------------------------------------
def share_moved(
    measure_id: str,
    numerator: int | float,
    denominator: int | float,
    numerator_before: int | float,
    denominator_before: int | float,
    *,
    period: Sequence[str] = (),
    period_before: Sequence[str] = (),
) -> ShareFact:
    """A share now and a year earlier: "43 % of business crime, against 34 % a year earlier".

    Shares are in %; a share with a zero denominator is None, and so is the change then.
    ``period`` is the months now, ``period_before`` those a year earlier; the fact's period
    is both, before first.

    Numbers: ``share_pct``, ``share_before_pct``, ``change_points``, and the four counts.
    """
    share = 100.0 * numerator / denominator if denominator else None
    before = 100.0 * numerator_before / denominator_before if denominator_before else None
    return ShareFact(
        measure=measure_id,
        period=(*period_before, *period),
        numbers=ShareNumbers(
            share_pct=_r(share),
            share_before_pct=_r(before),
            change_points=None if share is None or before is None else _r(share - before),
            numerator=_r(numerator),
            denominator=_r(denominator),
            numerator_before=_r(numerator_before),
            denominator_before=_r(denominator_before),
        ),
    )


# -- highest / lowest since ---------------------------------------------------------------------
def highest_since(
    measure_id: str, yearly_totals: Mapping[str, int | float], year: str
) -> ExtremeSinceFact | None:
    """ "The highest number since 2006/07": the latest earlier year at least as high.

    ``yearly_totals`` maps financial-year labels (``2012/13``) to totals; years missing
    from it are simply not compared. ``since`` is the most recent earlier year whose total
    is higher than or equal to ``year``'s; None there (``on_record`` true) means no earlier
    year in the store was as high: "the highest in the store, which begins in ``first_year``".
    None when ``year`` has no total, has no earlier year, or is not above the year before
    it (there is nothing to say).

    Numbers: ``value``, ``since`` (label or None), ``since_value``, ``on_record``,
    ``first_year``, ``years_compared`` (earlier years in the store), ``previous_year``,
    ``previous_value``.
    """
    return _extreme_since("highest_since", measure_id, yearly_totals, year, higher=True)


def lowest_since(
    measure_id: str, yearly_totals: Mapping[str, int | float], year: str
) -> ExtremeSinceFact | None:
    """ "The lowest since …": as ``highest_since``, with lower or equal for higher or equal."""
    return _extreme_since("lowest_since", measure_id, yearly_totals, year, higher=False)


def _extreme_since(
    kind: Literal["highest_since", "lowest_since"],
    measure_id: str,
    yearly_totals: Mapping[str, int | float],
    year: str,
    *,
    higher: bool,
) -> ExtremeSinceFact | None:
    totals = {FinancialYear.parse(label): value for label, value in yearly_totals.items()}
    this = FinancialYear.parse(year)
    if this not in totals:
        return None
    value = totals[this]
    earlier = sorted((y for y in totals if y < this), reverse=True)
    if not earlier:
        return None

    def beyond(other: int | float) -> bool:
        return other >= value if higher else other <= value

    if beyond(totals[earlier[0]]):
        return None
    since = next((y for y in earlier if beyond(totals[y])), None)
    return ExtremeSinceFact(
        kind=kind,
        measure=measure_id,
        period=(year,),
        numbers=ExtremeSinceNumbers(
            value=_r(value),
            since=since.label if since else None,
            since_value=_r(totals[since]) if since else None,
            on_record=since is None,
            first_year=earlier[-1].label,
            years_compared=len(earlier),
            previous_year=earlier[0].label,
            previous_value=_r(totals[earlier[0]]),
        ),
    )


# -- monthly average ----------------------------------------------------------------------------
def monthly_average(
    measure_id: str, series: Series, *, months: int = 12
) -> MonthlyAverageFact | None:
    """The average a month over the last ``months`` months of the series: "190 to 200 a month".

    The window is the last ``months`` points (ending at the last month of the series);
    missing months (None) inside it are left out of the average and listed. None when the
    window has no value. ``band`` brackets the mean between multiples of a round step
    (10 for a mean of 100–999, 1 for 10–99, 100 for 1,000–9,999 …): a mean of 194.3 is
    "190 to 200"; a mean exactly on a multiple gives a band of width 0.

    Numbers: ``mean``, ``median``, ``minimum``, ``maximum``, ``total``, ``months_used``,
    ``months_missing`` (list of months), ``band`` [lower, upper].
    """
    window = _points(series)[-months:] if months > 0 else []
    values = [v for _, v in window if v is not None]
    if not values:
        return None
    mean = statistics.fmean(values)
    step = 10.0 ** max(math.floor(math.log10(abs(mean))) - 1, 0) if mean else 1.0
    lower = math.floor(mean / step) * step
    upper = math.ceil(mean / step) * step
    return MonthlyAverageFact(
        measure=measure_id,
        period=(format_month(window[0][0]), format_month(window[-1][0])),
        numbers=MonthlyAverageNumbers(
            mean=_r(mean),
            median=_r(statistics.median(values)),
            minimum=_r(min(values)),
            maximum=_r(max(values)),
            total=_r(sum(values)),
            months_used=len(values),
            months_missing=tuple(format_month(m) for m, v in window if v is None),
            band=(_whole(lower), _whole(upper)),
        ),
    )


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
