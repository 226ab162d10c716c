"""XmR (SPC) charts as NHS England's "Making Data Count" draws them, computed the way the
NHS-R Community's R package NHSRplotthedots does (``ptd_spc``).

The method, per segment (the whole series, or the pieces between rebase points):

- **mean** of the values; **moving ranges** ``|x[i] - x[i-1]|`` of neighbouring months;
- **screening** (on by default): one pass keeps only the moving ranges strictly below
  3.267 × their mean, and the mean moving range is recomputed (the mean is not changed);
- **process limits** at mean ± 2.66 × mean moving range (exactly 2.66);
- with ``fix_after_n_points = n`` (n ≥ 12) the mean and limits come from the first n
  positions of each segment only, and are then applied to the rest of it;
- rebasing at 0-based indices: each rebase point is the first point of a new segment, and
  each segment is computed on its own.

Special-cause rules, each within one segment:

- **outside the limits**: strictly above the upper or strictly below the lower limit;
- **trend**: 7 points with 6 strictly increasing (or decreasing) steps; a tie breaks it and
  a trend may cross the mean; every point of the trend is flagged;
- **two of three**: in 3 consecutive points all strictly on one side of the mean, at least
  2 lie strictly beyond 2/3 of the way from the mean to the limit on that side but not
  outside it; only those close points are flagged;
- **shift**: 7 or more consecutive points strictly on one side of the mean; a point exactly
  on the mean breaks the run; every point of the run is flagged.

A flagged point's label is taken in that order (outside, trend, two of three, shift); the
label's direction (up or down) and the improvement direction give the point type. The
variation icon comes from the last point, the assurance icon from the target and the last
segment's limits (strict comparisons: a target exactly on a limit is ``inconsistent``).

Where this differs from NHSRplotthedots (version 0.2.x), and why:

- **Mean moving range of 0** (all values of a segment, or of its fixed first points,
  equal): NHSRplotthedots' screening keeps only ranges ``< 3.267 × 0``, drops them all and
  its limits become NaN; here too the limits are undefined (``None``, the segment's
  ``undefined_limits`` is ``"no_variation"``), not a band of width 0. Without screening the
  limits equal the mean, as in R. Nothing can be outside undefined limits or close to them;
  the run rules still apply.
- **Missing values** (``None`` or NaN): NHSRplotthedots expects none ("there should be no
  gaps"). Here a missing value is left out: its point type is ``None``; no moving range is
  taken across it (as R's ``diff`` leaves ``NA`` there); the run rules read the values that
  are present, in order, so a gap neither breaks nor lengthens a run. The variation icon
  comes from the last value present. ``fix_after_n_points`` counts positions, missing or
  not, as R's ``row_number()`` does.
- **Rebasing and fixing together**: NHSRplotthedots 0.1 refused the combination; its
  calculation code applies the fix within each rebase group, and so does this module.
- **Trend direction at a turning point**: R labels a point of a trend with the direction of
  the step after it whenever the next point is part of any trend, which mislabels the last
  point of a rising trend that is immediately followed by another, separate, rising trend.
  Here a point takes the direction of the trend it is part of (the following one at a
  peak or trough shared by two trends, as in R).
- **Icons** use the names of the issue (``improvement_high``, ``concern_low``, …; ``pass``,
  ``fail``, ``inconsistent``) rather than R's file names and ``consistent_pass`` etc.
- **Segments of fewer than 2 values**: no moving range, so the limits are ``None`` (R: NaN,
  ``undefined_limits`` ``"too_few_values"``), and only the run rules can flag points. R
  warns about segments under 12 points; this module does not.
- **Suggested rebase** (``suggested_rebase``, not in R): the Making Data Count advice to
  recalculate the limits after a sustained shift, offered as the first point of the latest
  shift (7 or more points on one side of the mean) that lasts to the end of its segment and
  does not begin it.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crimeplan.codec import omitted, result
from crimeplan.errors import CrimeplanError

ImprovementDirection = Literal["increase", "decrease", "neutral"]
PointType = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]
VariationIcon = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
]
AssuranceIcon = Literal["pass", "fail", "inconsistent"]
UndefinedLimits = Literal["no_variation", "too_few_values"]

LIMIT = 2.66
"""Process limits lie this many mean moving ranges from the mean."""
CLOSE = 2 * (LIMIT / 3)
"""Two of three counts points beyond this many mean moving ranges (2/3 of the way)."""
SCREEN = 3.267
"""Screening keeps moving ranges strictly below this many mean moving ranges."""
RUN = 7
"""Points in a shift (at least) and in a trend."""
MIN_FIX = 12
"""The fewest points ``fix_after_n_points`` may fix the limits on."""


@result
class Segment:
    """One part of the chart with its own mean and limits (``None`` where undefined)."""

    start_index: int
    end_index: int
    mean: float | None
    upl: float | None
    lpl: float | None
    #: why ``upl`` and ``lpl`` are None: every moving range is 0 (screening leaves none), or
    #: the segment has fewer than two values in a row
    undefined_limits: UndefinedLimits | None = omitted()


@dataclass(frozen=True)
class SpcResult:
    """An XmR chart: the last segment's mean and limits, a type for each point (``None`` for
    a missing value), the icons, every segment, and which rule flagged each point."""

    mean: float | None
    upl: float | None
    lpl: float | None
    point_types: tuple[PointType | None, ...]
    variation_icon: VariationIcon | None
    assurance_icon: AssuranceIcon | None
    segments: tuple[Segment, ...]
    outside_limits: tuple[bool, ...]
    trend: tuple[bool, ...]
    two_in_three: tuple[bool, ...]
    shift: tuple[bool, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``crimeplan spc`` (the rule flags are left out)."""
        return {
            "mean": self.mean,
            "upl": self.upl,
            "lpl": self.lpl,
            "point_types": list(self.point_types),
            "variation_icon": self.variation_icon,
            "assurance_icon": self.assurance_icon,
            "segments": [
                {k: v for k, v in asdict(segment).items() if k != "undefined_limits" or v}
                for segment in self.segments
            ],
        }


def xmr_chart(
    values: Sequence[float | None],
    improvement_direction: ImprovementDirection = "neutral",
    target: float | None = None,
    rebase_at_index: Sequence[int] = (),
    screen_outliers: bool = True,
    fix_after_n_points: int | None = None,
) -> SpcResult:
    """The XmR chart of a series (oldest first), as NHSRplotthedots draws it.

    >>> chart = xmr_chart([10, 12, 11, 13, 12, 30], improvement_direction="decrease")
    >>> chart.point_types[-1], chart.variation_icon
    ('special_cause_concern', 'concern_high')
    """
    series = _clean_values(values)
    if improvement_direction not in get_args(ImprovementDirection):
        raise CrimeplanError(
            f"improvement_direction: expected 'increase', 'decrease' or 'neutral', "
            f"got {improvement_direction!r}"
        )
    if target is not None and not math.isfinite(target):
        raise CrimeplanError(f"target: expected a finite number or null, got {target}")
    if fix_after_n_points is not None and fix_after_n_points < MIN_FIX:
        raise CrimeplanError(
            f"fix_after_n_points: expected at least {MIN_FIX} (or null), got {fix_after_n_points}"
        )
    starts = _segment_starts(rebase_at_index, len(series))
    n = len(series)
    types: list[PointType | None] = [None] * n
    flags = {name: [False] * n for name in ("outside", "trend", "two", "shift")}
    segments = []
    ends = [*starts[1:], n] if starts else []
    for start, end in zip(starts, ends, strict=True):
        segment, mean_range = _segment_limits(
            series, start, end, screen_outliers, fix_after_n_points
        )
        segments.append(segment)
        _flag_segment(series, segment, mean_range, improvement_direction, types, flags)
    last = segments[-1] if segments else _segment(0, -1)
    return SpcResult(
        mean=last.mean,
        upl=last.upl,
        lpl=last.lpl,
        point_types=tuple(types),
        variation_icon=_variation_icon(types, improvement_direction),
        assurance_icon=_assurance_icon(last, target, improvement_direction),
        segments=tuple(segments),
        outside_limits=tuple(flags["outside"]),
        trend=tuple(flags["trend"]),
        two_in_three=tuple(flags["two"]),
        shift=tuple(flags["shift"]),
    )


def _clean_values(values: Sequence[float | None]) -> list[float | None]:
    series: list[float | None] = []
    for i, value in enumerate(values):
        if value is None:
            series.append(None)
        elif isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise CrimeplanError(f"values[{i}]: expected a number or null, got {value!r}")
        elif math.isnan(value):
            series.append(None)
        elif not math.isfinite(value):
            raise CrimeplanError(f"values[{i}]: expected a finite number or null, got {value}")
        else:
            series.append(float(value))
    return series


def _segment(
    start: int,
    end: int,
    mean: float | None = None,
    upl: float | None = None,
    lpl: float | None = None,
    undefined: UndefinedLimits | None = None,
) -> Segment:
    return Segment(
        start_index=start, end_index=end, mean=mean, upl=upl, lpl=lpl, undefined_limits=undefined
    )


def _segment_starts(rebase_at_index: Sequence[int], n: int) -> list[int]:
    for index in rebase_at_index:
        if isinstance(index, bool) or not isinstance(index, numbers.Integral) or not 0 <= index < n:
            expected = f"0 to {n - 1}" if n else "none, as there are no values"
            raise CrimeplanError(
                f"rebase_at_index: {index!r} is not a position in the series "
                f"(expected 0-based indices, {expected})"
            )
    return sorted({0, *map(int, rebase_at_index)}) if n else []


def _segment_limits(
    series: list[float | None], start: int, end: int, screen: bool, fix_after: int | None
) -> tuple[Segment, float | None]:
    """Mean, limits and mean moving range of ``series[start:end]``, from its first
    ``fix_after`` positions."""
    basis = series[start : end if fix_after is None else min(end, start + fix_after)]
    present = [y for y in basis if y is not None]
    if not present:
        return _segment(start, end - 1, undefined="too_few_values"), None
    mean = math.fsum(present) / len(present)
    ranges = [
        abs(b - a)
        for a, b in zip(basis, basis[1:], strict=False)
        if a is not None and b is not None
    ]
    if not ranges:
        return _segment(start, end - 1, mean, undefined="too_few_values"), None
    mean_range = math.fsum(ranges) / len(ranges)
    if screen and mean_range == 0:
        # R keeps the ranges below 3.267 x 0: none, and the mean of none is NaN
        return _segment(start, end - 1, mean, undefined="no_variation"), None
    if screen:
        kept = [r for r in ranges if r < SCREEN * mean_range]
        mean_range = math.fsum(kept) / len(kept)
    spread = LIMIT * mean_range
    return _segment(start, end - 1, mean, mean + spread, mean - spread), mean_range


def _flag_segment(
    series: list[float | None],
    segment: Segment,
    mean_range: float | None,
    direction: ImprovementDirection,
    types: list[PointType | None],
    flags: dict[str, list[bool]],
) -> None:
    """Apply the four rules to one segment's values and write each point's type."""
    index = [i for i in range(segment.start_index, segment.end_index + 1) if series[i] is not None]
    if segment.mean is None or not index:
        return
    y = [series[i] or 0.0 for i in index]
    mean = segment.mean
    side = [(v > mean) - (v < mean) for v in y]
    outside = [False] * len(y)
    close = [False] * len(y)
    if segment.upl is not None and segment.lpl is not None and mean_range is not None:
        near = CLOSE * mean_range
        outside = [v > segment.upl or v < segment.lpl for v in y]
        close = [
            not o and (v < mean - near or v > mean + near) for v, o in zip(y, outside, strict=True)
        ]
    trend = _trend_directions(y)
    two = _two_in_three(close, side)
    shift = _shift(side)
    for k, i in enumerate(index):
        flags["outside"][i], flags["trend"][i] = outside[k], trend[k] != 0
        flags["two"][i], flags["shift"][i] = two[k], shift[k]
        if outside[k]:
            label = side[k]
        elif trend[k]:
            label = trend[k]
        elif two[k] or shift[k]:
            label = side[k]
        else:
            label = 0
        types[i] = _point_type(label, direction)


def _trend_directions(y: list[float]) -> list[int]:
    """+1 or -1 for each point of a 7-point trend (its direction), else 0."""
    steps = [(b > a) - (b < a) for a, b in zip(y, y[1:], strict=False)]
    in_trend = [False] * len(steps)  # step k (from point k to k+1) is part of a trend
    run = 0
    for k, step in enumerate(steps):
        run = run + 1 if step != 0 and k > 0 and step == steps[k - 1] else int(step != 0)
        if run >= RUN - 1:
            for j in range(k - RUN + 2, k + 1):
                in_trend[j] = True
    result = [0] * len(y)
    for i in range(len(y)):
        if i < len(steps) and in_trend[i]:
            result[i] = steps[i]  # the trend that continues after this point
        elif i > 0 and in_trend[i - 1]:
            result[i] = steps[i - 1]
    return result


def _two_in_three(close: list[bool], side: list[int]) -> list[bool]:
    flagged = [False] * len(close)
    for k in range(len(close) - 2):
        window = range(k, k + 3)
        same_side = side[k] != 0 and all(side[j] == side[k] for j in window)
        if same_side and sum(close[j] for j in window) >= 2:
            for j in window:
                flagged[j] = flagged[j] or close[j]
    return flagged


def _shift(side: list[int]) -> list[bool]:
    flagged = [False] * len(side)
    start = 0
    for k in range(1, len(side) + 1):
        if k == len(side) or side[k] != side[start]:
            if side[start] != 0 and k - start >= RUN:
                flagged[start:k] = [True] * (k - start)
            start = k
    return flagged


def _point_type(label: int, direction: ImprovementDirection) -> PointType:
    if label == 0:
        return "common_cause"
    if direction == "neutral":
        return "special_cause_neutral_high" if label > 0 else "special_cause_neutral_low"
    improving = label > 0 if direction == "increase" else label < 0
    return "special_cause_improvement" if improving else "special_cause_concern"


def _variation_icon(
    types: list[PointType | None], direction: ImprovementDirection
) -> VariationIcon | None:
    last = next((t for t in reversed(types) if t is not None), None)
    high_is_good = direction == "increase"
    icons: dict[PointType | None, VariationIcon | None] = {
        None: None,
        "common_cause": "common_cause",
        "special_cause_neutral_high": "neutral_high",
        "special_cause_neutral_low": "neutral_low",
        "special_cause_improvement": "improvement_high" if high_is_good else "improvement_low",
        "special_cause_concern": "concern_low" if high_is_good else "concern_high",
    }
    return icons[last]


def _assurance_icon(
    last: Segment, target: float | None, direction: ImprovementDirection
) -> AssuranceIcon | None:
    if target is None or direction == "neutral" or last.upl is None or last.lpl is None:
        return None
    if target > last.upl:
        return "fail" if direction == "increase" else "pass"
    if target < last.lpl:
        return "pass" if direction == "increase" else "fail"
    return "inconsistent"


#: The special-cause rules, in the order a point's label is taken from them.
SpcRule = Literal["outside_limits", "trend", "two_in_three", "shift"]
SPC_RULES: tuple[SpcRule, ...] = get_args(SpcRule)
Side = Literal["above", "below"]


@result
class TrendRun:
    """A trend ending at the last point: ``months`` points, ``steps`` (one fewer) rises or
    falls."""

    rule: Literal["trend"] = "trend"
    months: int
    steps: int
    direction: Literal["rise", "fall"]


@result
class ShiftRun:
    """A shift ending at the last point: ``months`` points on one ``side`` of the mean."""

    rule: Literal["shift"] = "shift"
    months: int
    side: Side


@result
class CloseToLimit:
    """Two of three: ``months`` of the last ``of`` points close to the limit on ``side``."""

    months: int
    of: int
    side: Side


@result
class LastPoint:
    """Why the chart's last point is what it is, for the narrative.

    ``rules``  the rules that flag it (``SPC_RULES`` order; empty: common cause)
    ``run``    the run that ends at it, for the first of trend or shift that flags it
    ``close``  for two of three: how many of the last three points are close to the limit
    """

    rules: tuple[SpcRule, ...] = ()
    run: Annotated[TrendRun | ShiftRun, Field(discriminator="rule")] | None = None
    close: CloseToLimit | None = None


def last_point_reading(chart: SpcResult, values: Sequence[float | None]) -> LastPoint:
    """Why the chart's last point (the last value present) is what it is.

    Runs are read as the chart's rules read them: within the last segment, over the values
    present (a gap neither breaks nor lengthens a run).
    """
    present = [i for i, value in enumerate(values) if value is not None]
    if not present or not chart.segments:
        return LastPoint()
    last = present[-1]
    flags = {
        "outside_limits": chart.outside_limits,
        "trend": chart.trend,
        "two_in_three": chart.two_in_three,
        "shift": chart.shift,
    }
    rules = tuple(rule for rule in SPC_RULES if flags[rule][last])
    segment = next(s for s in chart.segments if s.start_index <= last <= s.end_index)
    points = [i for i in present if i >= segment.start_index]
    y = [float(values[i] or 0.0) for i in points]
    mean = segment.mean if segment.mean is not None else 0.0
    run: TrendRun | ShiftRun | None = None
    if "trend" in rules:
        direction = (y[-1] > y[-2]) - (y[-1] < y[-2])
        steps = 0
        for a, b in zip(reversed(y[:-1]), reversed(y[1:]), strict=True):
            if (b > a) - (b < a) != direction:
                break
            steps += 1
        run = TrendRun(months=steps + 1, steps=steps, direction="rise" if direction > 0 else "fall")
    elif "shift" in rules:
        side = (y[-1] > mean) - (y[-1] < mean)
        months = 0
        for value in reversed(y):
            if (value > mean) - (value < mean) != side:
                break
            months += 1
        run = ShiftRun(months=months, side="above" if side > 0 else "below")
    close = None
    if "two_in_three" in rules:
        window = points[-3:]
        close = CloseToLimit(
            months=sum(chart.two_in_three[i] for i in window),
            of=len(window),
            side="above" if y[-1] > mean else "below",
        )
    return LastPoint(rules=rules, run=run, close=close)


@result
class SuggestedRebase:
    """A sustained shift the limits could be recalculated at: ``index`` is the first of
    ``months`` points in a row on one ``side`` of the segment's mean, the shift rule's run."""

    index: int
    months: int
    side: Side


def suggested_rebase(chart: SpcResult, values: Sequence[float | None]) -> SuggestedRebase | None:
    """The latest sustained shift: 7 or more values present in a row strictly on one side of
    their segment's mean, lasting to the segment's last value (the process moved and
    stayed), that does not begin its segment: Making Data Count's cue to recalculate the
    limits from the first point of the shift. None when there is none.

    A run that begins its segment is left out (rebasing there changes nothing; a rebase
    point begins a segment), and so is one that came back to the mean (an excursion, not a
    new level).
    """
    found: SuggestedRebase | None = None
    for segment in chart.segments:
        if segment.mean is None:
            continue
        mean = segment.mean
        points = [
            i for i in range(segment.start_index, segment.end_index + 1) if values[i] is not None
        ]
        k = 0
        while k < len(points):
            first = points[k]
            side = (float(values[first] or 0.0) > mean) - (float(values[first] or 0.0) < mean)
            j = k
            while j + 1 < len(points):
                value = float(values[points[j + 1]] or 0.0)
                if (value > mean) - (value < mean) != side:
                    break
                j += 1
            if side != 0 and j - k + 1 >= RUN and k > 0 and j == len(points) - 1:
                found = SuggestedRebase(
                    index=first, months=j - k + 1, side="above" if side > 0 else "below"
                )
            k = j + 1
    return found


class _SpcInput(BaseModel):
    """The JSON ``crimeplan spc`` reads for one series."""

    model_config = ConfigDict(extra="forbid", strict=True)

    values: list[float | None]
    improvement_direction: ImprovementDirection = "neutral"
    target: float | None = None
    rebase_at_index: list[int] = []
    screen_outliers: bool = True
    fix_after_n_points: int | None = None


_EXPECTED = {
    "values": "a list of numbers or nulls",
    "values[]": "a number or null",
    "improvement_direction": "one of 'increase', 'decrease', 'neutral'",
    "target": "a number or null",
    "rebase_at_index": "a list of 0-based indices",
    "rebase_at_index[]": "an integer (a 0-based index)",
    "screen_outliers": "true or false",
    "fix_after_n_points": f"an integer of at least {MIN_FIX}, or null",
}


def spc_from_json(obj: dict[str, Any]) -> dict[str, Any]:
    """Validate one ``crimeplan spc`` input object and return its chart as JSON data.

    Raises ``CrimeplanError`` with one line naming the field and what was expected.
    """
    if not isinstance(obj, dict):
        raise CrimeplanError(
            f"expected a JSON object with 'values', got {_json_type(obj)}"
            ' (e.g. {"values": [12, 15, 11], "improvement_direction": "decrease"})'
        )
    try:
        spec = _SpcInput.model_validate(obj)
    except ValidationError as error:
        raise CrimeplanError(_describe(error)) from None
    chart = xmr_chart(
        spec.values,
        improvement_direction=spec.improvement_direction,
        target=spec.target,
        rebase_at_index=spec.rebase_at_index,
        screen_outliers=spec.screen_outliers,
        fix_after_n_points=spec.fix_after_n_points,
    )
    return chart.to_dict()


def _describe(error: ValidationError) -> str:
    """The first problem of a validation error as one line."""
    problem = error.errors()[0]
    location = problem["loc"]
    field = str(location[0]) if location else ""
    indices = [part for part in location[1:] if isinstance(part, int)]
    path = field + "".join(f"[{i}]" for i in indices)
    if problem["type"] == "extra_forbidden":
        known = ", ".join(_SpcInput.model_fields)
        return f"unknown field '{field}' (expected only: {known})"
    if problem["type"] == "missing":
        return f"field '{field}' is missing (expected {_EXPECTED[field]})"
    key = field + ("[]" if indices else "")
    expected = _EXPECTED.get(key, problem["msg"])
    return f"field '{path}': expected {expected}, got {json.dumps(problem['input'])}"


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a boolean" if isinstance(value, bool) else "a number"
