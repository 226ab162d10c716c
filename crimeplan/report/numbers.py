"""How numbers read in tables and sentences: one place, so every format agrees."""

from __future__ import annotations

from crimeplan.results.measure import MeasureResult
from crimeplan.results.statistics import CountChangeTest, ProportionChangeTest, QuasiPoissonTest


def agreeing_places(
    value: float | None, baseline: float | None, difference: float | None, start: int = 1
) -> int:
    """The fewest decimal places (from ``start``, at most 3) at which two percentages and
    their difference in points agree as printed: 36.17% against 42.62% is 6.45 points,
    where one place would print 36.2% against 42.6% and 6.5 points."""
    if value is None or baseline is None or difference is None:
        return start
    for places in range(start, 4):
        shown = float(f"{value:.{places}f}") - float(f"{baseline:.{places}f}")
        if f"{abs(shown):.{places}f}" == f"{abs(difference):.{places}f}":
            return places
    return 3


def comparison_places(measure: MeasureResult) -> int:
    """The places a percentage measure's year to date, baseline and change are printed to,
    so that the printed change is the difference of the printed values."""
    if measure.unit != "percent":
        return 1
    return agreeing_places(measure.ytd, measure.baseline_ytd, measure.change)


def value(number: float | int | None, unit: str, places: int = 1) -> str:
    """A measure's value: ``13,024`` for a count, ``43.1%`` for a percentage (to ``places``
    decimals)."""
    if number is None:
        return "–"
    if unit == "percent":
        return f"{number:.{places}f}%"
    if unit == "rate":
        return f"{number:.2f}"
    if isinstance(number, float) and not number.is_integer():
        return f"{number:,.1f}"
    return f"{int(number):,}"


def change(points: float | int | None, pct: float | None, unit: str, places: int = 1) -> str:
    """A change: ``+6.0%`` for counts, ``+3.1 pts`` for percentages (to ``places``)."""
    if unit == "percent":
        if points is None:
            return "–"
        return f"{points:+.{places}f} pts"
    if pct is None:
        return "–"
    return f"{pct:+.1f}%"


def target(target_kind: str | None, target_value: float | None, unit: str) -> str:
    if target_kind is None or target_value is None:
        return "–"
    if target_kind == "change_pct":
        return f"{target_value:+g}%"
    word = "at least" if target_kind == "at_least" else "at most"
    return f"{word} {value(target_value, unit)}"


def _signed(number: float, places: int = 1) -> str:
    return f"{number:+.{places}f}"


def change_with_interval(measure: MeasureResult) -> str:
    """``+6.0% (+0.6% to +11.7%)`` for counts, ``+3.0 pts (+1.0 to +5.0)`` for proportions."""
    test = measure.change_test
    base = change(measure.change, measure.change_pct, measure.unit, comparison_places(measure))
    if test is None:
        return base
    if isinstance(test, ProportionChangeTest):
        low, high = test.difference_ci95
        return f"{base} ({_signed(low)} to {_signed(high)})"
    # the interval the words rely on: allowing for the months' extra variation, where held
    c_low, c_high = (test.quasi_poisson or test).change_ci95
    if c_low is None or c_high is None:
        return base
    return f"{base} ({_signed(c_low)}% to {_signed(c_high)}%)"


def p_value(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}" if p < 0.1 else f"p={p:.2f}"


def signal(measure: MeasureResult) -> str:
    """Whether the change on the baseline is more than chance: ``yes (p=0.030)``; for a
    count, by the quasi-Poisson test where the results hold it, as the words say."""
    test = measure.change_test
    if test is None:
        return "–"
    if isinstance(test, CountChangeTest) and test.quasi_poisson is not None:
        used: CountChangeTest | ProportionChangeTest | QuasiPoissonTest = test.quasi_poisson
    else:
        used = test
    word = "yes" if used.significant else "no"
    return f"{word} ({p_value(used.p_value)})"


VARIATION = {
    "common_cause": "common cause",
    "improvement_high": "improving (high)",
    "improvement_low": "improving (low)",
    "concern_high": "concern (high)",
    "concern_low": "concern (low)",
    "neutral_high": "special cause (high)",
    "neutral_low": "special cause (low)",
}


def variation(measure: MeasureResult) -> str:
    spc = measure.spc
    if spc is None or not spc.variation_icon:
        return "–"
    return VARIATION.get(spc.variation_icon, spc.variation_icon)


def forecast(measure: MeasureResult) -> str:
    """``155,855 (150,120–161,600)``: the year-end forecast and its 80% interval."""
    fc = measure.forecast
    if fc is None or fc.year_end is None or fc.pi80 is None:
        return "–"
    low, high = fc.pi80
    return f"{fc.year_end:,.0f} ({low:,.0f}–{high:,.0f})"


def chance(measure: MeasureResult) -> str:
    fc = measure.forecast
    if fc is None or fc.p_meet_target is None:
        return "–"
    p = 100 * fc.p_meet_target
    if p < 1:
        return "<1%"
    if p > 99:
        return ">99%"
    return f"{p:.0f}%"


POINT_TYPE = {
    "common_cause": "common cause",
    "special_cause_improvement": "special cause: improvement",
    "special_cause_concern": "special cause: concern",
    "special_cause_neutral_high": "special cause (high)",
    "special_cause_neutral_low": "special cause (low)",
}


def point_type(kind: str | None) -> str:
    """A point of the control chart in words: ``special cause: concern``; ``–`` for none."""
    return "–" if kind is None else POINT_TYPE.get(kind, kind.replace("_", " "))
