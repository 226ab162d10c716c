"""One measure's JSON and the figures made from it (``MeasureView``), and the periods and
lists the sentences share."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from crimeplan.report.narrative.figures import FORMATS, Figure, Part, lower_first, month_only

#: The formatter of a measure's values, by its unit.
_UNIT_FORMAT = {"count": "count", "percent": "percent", "rate": "rate"}
#: The formatter of a measure's averages and limits (not whole numbers), by its unit.
_LEVEL_FORMAT = {"count": "whole", "percent": "percent", "rate": "rate"}


class MeasureView:
    """One measure's JSON, and figures made from it."""

    def __init__(self, measure: Mapping[str, Any], top: Mapping[str, Any]) -> None:
        self.d = measure
        self.top = top
        self.id = str(measure["id"])
        self.unit = str(measure["unit"])
        self.value_format = _UNIT_FORMAT.get(self.unit, "count")
        self.level_format = _LEVEL_FORMAT.get(self.unit, "whole")

    def get(self, *path: str | int) -> Any:
        return _lookup(self.d, path)

    def fig(self, fmt: str, *path: str | int) -> Figure:
        """A figure from the measure's JSON at ``path``."""
        value = _lookup(self.d, path)
        text = FORMATS[fmt](path[-1] if fmt == "key_level" else value)
        return Figure(text, value, ("measures", self.id, *path), fmt)

    def top_fig(self, fmt: str, *path: str | int) -> Figure:
        """A figure from the results' own keys (period, plan)."""
        value = _lookup(self.top, path)
        return Figure(FORMATS[fmt](value), value, path, fmt)

    def title(self, lower: bool = False) -> Part:
        """The title: plain words, or a figure when it holds digits (``Section 20/47``)."""
        text = str(self.d["title"])
        if re.search(r"\d", text):
            return self.fig("lower" if lower else "text", "title")
        return lower_first(text) if lower else text

    @property
    def basis(self) -> str:
        """What the current figure is (``Comparison.basis``): ``year_to_date``, ``rolling_12``,
        ``month``, ``wave`` or ``published``."""
        return str(self.d["comparison"]["basis"])

    @property
    def rolling(self) -> bool:
        return self.basis == "rolling_12"

    @property
    def waves(self) -> bool:
        return self.basis == "wave"

    def facts(self, kind: str) -> list[tuple[int, dict[str, Any]]]:
        return [(i, f) for i, f in enumerate(self.d.get("facts") or []) if f["kind"] == kind]


def _lookup(data: Any, path: Sequence[str | int]) -> Any:
    for key in path:
        data = data[key]
    return data


# -- periods ---------------------------------------------------------------------------------------
def month_span(m: MeasureView, first: Figure, last: Figure) -> list[Part]:
    """``April 2013`` for one month, ``April to September 2013`` for several in one year."""
    if first.value == last.value:
        return [last]
    if str(first.value)[:4] == str(last.value)[:4]:
        return [replace(first, text=month_only(first.value), format="month_only"), " to ", last]
    return [first, " to ", last]


def current_period(m: MeasureView, capital: bool = False) -> list[Part]:
    """When the measure's current value is: the year to date, a wave, a rolling year."""
    if m.waves:
        index = len(m.d["series"]) - 1
        return [m.fig("Wave" if capital else "wave", "series", index, "label")]
    if m.rolling:
        return ["The year to " if capital else "the year to ", m.fig("month", "month")]
    if m.d["kind"] in ("survey",):
        return [m.fig("month", "month")]
    return month_span(
        m,
        m.top_fig("month", "period", "year_to_date", 0),
        m.top_fig("month", "period", "year_to_date", 1),
    )


def baseline_period(m: MeasureView) -> list[Part] | None:
    """When the baseline is; None when the JSON does not say."""
    series = m.d.get("series") or []
    if m.waves:
        index = _baseline_index(m)
        return None if index is None else [m.fig("wave", "series", index, "label")]
    if m.rolling or m.d["kind"] == "survey":
        month = str(m.d["month"])
        year, number = month.split("-")
        before = f"{int(year) - 1:04d}-{number}"
        for index, point in enumerate(series):
            if point["month"] == before:
                prefix = ["the year to "] if m.rolling else []
                return [*prefix, m.fig("month", "series", index, "month")]
        return None
    return month_span(
        m,
        m.top_fig("month", "period", "baseline", 0),
        m.top_fig("month", "period", "baseline", 1),
    )


def _baseline_index(m: MeasureView) -> int | None:
    """The series point that is the baseline (the wave before), by its counts."""
    series = m.d.get("series") or []
    for index in range(len(series) - 2, -1, -1):
        point = series[index]
        if (
            point.get("numerator") == m.d.get("baseline_numerator")
            and point.get("denominator") == m.d.get("baseline_denominator")
            and point.get("value") == m.d.get("baseline_ytd")
        ):
            return index
    return None


def fact_numbers(fact: Mapping[str, Any], *keys: str) -> list[float]:
    """The fact's numbers at ``keys`` that are present (for choosing words, not for printing)."""
    values = (fact["numbers"].get(key) for key in keys)
    return [float(v) for v in values if v is not None]


def join_parts(items: Sequence[Sequence[Part]], word: str = "and") -> list[Part]:
    """Items of parts as a list in words: ``a``, ``a and b``, ``a, b and c`` (``word`` for
    "and")."""
    out: list[Part] = []
    for i, item in enumerate(items):
        if i:
            out.append(f" {word} " if i == len(items) - 1 else ", ")
        out.extend(item)
    return out
