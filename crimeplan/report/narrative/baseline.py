"""The sentences for a measure with no year to date to show: the month's figure, that no
comparison is held, and what will be compared when it is.

A store of the last 12 months of police.uk files, with a plan year that began seven months
ago, holds the current year's months but not the baseline year's: the evaluation then
compares nothing (only months held in both years are compared), so the measure has no year
to date, change, position or forecast, although it has a month's figure, a series and a
chart. Its paragraph says so, truthfully:

- ``Total recorded crime: 9,050 recorded in October 2022.``
- ``No figures are held for April to October 2021, so there is no comparison year yet.``
- ``When they are, April to October 2022 will be compared with April to October 2021, the
  same months of 2021/22, against the target of a reduction of 3%.``
"""

from __future__ import annotations

from crimeplan.report.narrative.figures import Part, Sentence, make_sentence
from crimeplan.report.narrative.measure import MeasureView, join_parts, month_span


def _months(m: MeasureView, key: str, months: list[str]) -> list[Part]:
    """A list of months of the measure's JSON (``months_missing`` or a comparison's
    months) in words: one span when they run on without a gap, else each month."""
    if not months:
        return []
    index = {month: i for i, month in enumerate(months)}
    consecutive = all(_next(months[i]) == months[i + 1] for i in range(len(months) - 1)) and len(
        index
    ) == len(months)
    if consecutive:
        return month_span(m, m.fig("month", key, 0), m.fig("month", key, len(months) - 1))
    return join_parts([[m.fig("month", key, i)] for i in range(len(months))])


def _next(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def _span(m: MeasureView, *path: str) -> list[Part]:
    first = m.fig("month", *path, 0)
    last = m.fig("month", *path, len(m.get(*path)) - 1)
    return month_span(m, first, last)


def no_comparison_sentences(m: MeasureView) -> list[Sentence]:
    """The paragraph of a measure without a year to date (see the module's docstring)."""
    d = m.d
    if d.get("month_value") is None:
        return [make_sentence("There are no figures for ", m.title(lower=True), " as at ",
                              m.fig("month", "month"), ".")]  # fmt: skip
    counting = d["kind"] == "count"
    out = [
        make_sentence(
            m.title(),
            ": ",
            m.fig(m.value_format, "month_value"),
            " recorded in " if counting else " in ",
            m.fig("month", "month"),
            ".",
        )
    ]
    missing = [str(month) for month in d.get("months_missing") or []]
    comparison = d.get("comparison") or {}
    held: list[Part] = (
        ["No figures are held for ", *_months(m, "months_missing", missing)]
        if missing
        else ["Not all the months needed are held"]
    )
    out.append(make_sentence(*held, ", so there is no comparison year yet."))
    if comparison.get("basis") == "year_to_date" and comparison.get("current"):
        parts: list[Part] = [
            "When they are, ",
            *_span(m, "comparison", "current"),
            " will be compared with ",
            *_span(m, "comparison", "baseline"),
            ", the same months of ",
            m.fig("text", "comparison", "baseline_year"),
        ]
        target = d.get("target") or {}
        if target.get("kind") == "change_pct":
            word = "a reduction" if target["value"] < 0 else "an increase"
            parts += [f", against the target of {word} of ", m.fig("target_pct", "target", "value")]
        out.append(make_sentence(*parts, "."))
    return out
