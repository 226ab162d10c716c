"""The board paper's sentences, generated from one measure's results and nothing else.

``measure_sentences(measure, results)`` gives the paragraph the pack prints under a measure:
the headline (year to date against the baseline) and, always beside it, whether the change is
signal or noise; the target and the year-end forecast; the control chart's reading; the facts
(runs, seasonal peak and trough, contributors, shares, highest since, year-on-year runs,
monthly averages); the force against its Most Similar Group; published tables.

Every number a sentence shows is a ``Figure``: its text, the value it was formatted from and
the path of that value in the results JSON (``MeasuresResult.to_dict()``, with the measure's
id in place of its index in the ``measures`` list, and facts by their index in the measure's
``facts`` list). A figure is only ever a value of the JSON run through one of the formatters
in ``FORMATS``: the narrative does no arithmetic of its own, so a derived number ("about 2.5
times", "5th of 8") appears only when the JSON already holds it. Words without digits that
come from the JSON (month names, wave labels, offence names) are figures too, so that they
are checked as well.

``figures_check(sentences, results_dict)`` is the check the pack's tests run: every number
token of a sentence must be the text of one of its figures, and every figure must be the
value at its path, formatted again.

The control chart's reading says which rule flagged the latest point (the chart's
``last_point_rules``, ``last_run`` and ``last_close``): outside the limits is "unusually
low: below the lower process limit"; a shift is "the 9th month in a row below the average of
…: a sustained change, not chance"; a trend "the 6th monthly fall in a row"; two of three
"close to the lower process limit in two of the last three months". Where the headline's test
and the chart disagree (a change within chance beside a special cause, or beyond chance beside
a common-cause month) the chart's sentence begins by saying so, and a change within chance is
called "stable" only when the chart agrees.

Missing pieces (None in the JSON) are simply not mentioned, with one exception: a change with
no test in the results says that it may be chance alone. A measure without data gets one
sentence that says so. Runs of monthly rises or falls are mentioned from ``MIN_RUN_STEPS``
month-on-month steps. The forecast's interval level ("80%") is formatted from its key
(``pi80``), the only figure not formatted from a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from crimeplan.measures.results import MeasureResult, MeasuresResult
from crimeplan.periods import MONTH_NAMES, FinancialYear, parse_month
from crimeplan.report import numbers

Path = tuple[str | int, ...]


#: A run of monthly rises or falls is mentioned from this many month-on-month steps: two
#: falls in a row happen in any series by chance about one time in three.
MIN_RUN_STEPS = 3
#: A year-on-year run is mentioned from this many years of rises or falls (one year is the
#: highest / lowest-since fact's business).
MIN_YEARLY_RUN = 2


# -- formatters ------------------------------------------------------------------------------------
def month_name(month: str) -> str:
    """``"2013-04"`` → ``"April 2013"``."""
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def month_only(month: str) -> str:
    """``"2013-04"`` → ``"April"``."""
    return MONTH_NAMES[int(month.split("-")[1]) - 1]


def calendar_month(number: int) -> str:
    """``11`` → ``"November"``."""
    return MONTH_NAMES[int(number) - 1]


def ordinal(number: int) -> str:
    """``5`` → ``"5th"``, ``1`` → ``"1st"``, ``12`` → ``"12th"``, ``22`` → ``"22nd"``."""
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def chance(p: float) -> str:
    """A probability (0–1) in words: ``less than 1%``, ``more than 99%``, ``43%``."""
    pct = 100 * float(p)
    if pct < 1:
        return "less than 1%"
    if pct > 99:
        return "more than 99%"
    return f"{pct:.0f}%"


def times(index: float) -> str:
    """An overdispersion index as ``significance.overdispersion_note`` words it: ``2.5``,
    ``13``."""
    return f"{index:.0f}" if index >= 10 else f"{index:.1f}"


def wave(label: Any) -> str:
    """A survey wave's label: ``33`` → ``wave 33``; a label that says what it is stays."""
    text = str(label).strip()
    return f"wave {text}" if text.isdigit() else text


def lower_first(text: str) -> str:
    """``Theft from shops`` → ``theft from shops``; ``TSS`` and ``ASB`` stay."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def financial_year(month: str) -> str:
    """The financial year a month falls in: ``"2012-04"`` → ``"2012/13"``."""
    return FinancialYear.of(parse_month(month)).label


def key_level(key: str) -> str:
    """The level of an interval from its key: ``pi80`` → ``80%``."""
    return f"{int(key.removeprefix('pi'))}%"


#: Every way a figure's text is made from its value. ``figures_check`` formats again with the
#: same name. ``key_level`` formats the path's last key rather than the value there.
FORMATS: dict[str, Callable[[Any], str]] = {
    "count": lambda x: numbers.value(x, "count"),
    "percent": lambda x: numbers.value(x, "percent"),
    "rate": lambda x: numbers.value(x, "rate"),
    "whole": lambda x: f"{x:,.0f}",
    "tenths": lambda x: f"{x:,.1f}",
    "pct": lambda x: f"{abs(x):.1f}%",
    "signed_pct": lambda x: f"{x:+.1f}%",
    "pct0": lambda x: f"{x:.0f}%",
    "pct2": lambda x: f"{x:.2f}%",
    "points": lambda x: f"{abs(x):.1f}",
    "signed": lambda x: f"{x:+.1f}",
    "signed_whole": lambda x: f"{x:+,.0f}",
    "target_pct": lambda x: f"{abs(x):g}%",
    "level": lambda x: f"{100 * x:g}%",
    "key_level": key_level,
    "chance": chance,
    "times": times,
    "month": month_name,
    "financial_year": financial_year,
    "month_only": month_only,
    "calendar_month": calendar_month,
    "ordinal": ordinal,
    "wave": wave,
    "Wave": lambda x: _capital(wave(x)),
    "text": str,
    "lower": lower_first,
}

#: The formatter of a measure's values, by its unit.
_UNIT_FORMAT = {"count": "count", "percent": "percent", "rate": "rate"}
#: The formatter of a measure's averages and limits (not whole numbers), by its unit.
_LEVEL_FORMAT = {"count": "whole", "percent": "percent", "rate": "rate"}


# -- sentences -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """A number (or a name) as a sentence shows it, and where it comes from.

    ``text`` is ``FORMATS[format]`` applied to ``value``, the value at ``path`` in the results
    JSON (for ``key_level``, to the path's last key).
    """

    text: str
    value: Any
    path: Path
    format: str


@dataclass(frozen=True)
class Sentence:
    """One generated sentence and the figures its numbers are. ``topic`` groups a measure's
    sentences into paragraphs: ``headline`` (the figure and whether its change is signal or
    noise), ``outlook`` (target, forecast, control chart), ``context`` (contributors, runs,
    seasons, years), ``peers``."""

    text: str
    figures: tuple[Figure, ...] = ()
    topic: str = ""


@dataclass(frozen=True)
class _Also:
    """A figure the sentence's text already shows (several shares that each read "10%")."""

    figure: Figure


Part = str | Figure | _Also


def _sentence(*parts: Part | None) -> Sentence:
    text = []
    figures = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, _Also):
            figures.append(part.figure)
        elif isinstance(part, Figure):
            text.append(part.text)
            figures.append(part)
        else:
            text.append(part)
    return Sentence("".join(text), tuple(figures))


class _Measure:
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
    def rolling(self) -> bool:
        return str(self.d.get("comparison") or "").startswith("rolling 12 months")

    @property
    def waves(self) -> bool:
        series = self.d.get("series") or []
        return bool(series) and series[-1].get("label") is not None

    def facts(self, kind: str) -> list[tuple[int, dict[str, Any]]]:
        return [(i, f) for i, f in enumerate(self.d.get("facts") or []) if f["kind"] == kind]


def _lookup(data: Any, path: Sequence[str | int]) -> Any:
    for key in path:
        data = data[key]
    return data


# -- periods ---------------------------------------------------------------------------------------
def _months(m: _Measure, first: Figure, last: Figure) -> list[Part]:
    """``April 2013`` for one month, ``April to September 2013`` for several in one year."""
    if first.value == last.value:
        return [last]
    if str(first.value)[:4] == str(last.value)[:4]:
        return [replace(first, text=month_only(first.value), format="month_only"), " to ", last]
    return [first, " to ", last]


def _period_now(m: _Measure, capital: bool = False) -> list[Part]:
    """When the measure's current value is: the year to date, a wave, a rolling year."""
    if m.waves:
        index = len(m.d["series"]) - 1
        return [m.fig("Wave" if capital else "wave", "series", index, "label")]
    if m.rolling:
        return ["The year to " if capital else "the year to ", m.fig("month", "month")]
    if m.d["kind"] in ("survey",):
        return [m.fig("month", "month")]
    return _months(
        m,
        m.top_fig("month", "period", "year_to_date", 0),
        m.top_fig("month", "period", "year_to_date", 1),
    )


def _period_before(m: _Measure) -> list[Part] | None:
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
    return _months(
        m,
        m.top_fig("month", "period", "baseline", 0),
        m.top_fig("month", "period", "baseline", 1),
    )


def _baseline_index(m: _Measure) -> int | None:
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


def _numbers(fact: Mapping[str, Any], *keys: str) -> list[float]:
    """The fact's numbers at ``keys`` that are present (for choosing words, not for printing)."""
    values = (fact["numbers"].get(key) for key in keys)
    return [float(v) for v in values if v is not None]


def _join(items: Sequence[Sequence[Part]], word: str = "and") -> list[Part]:
    out: list[Part] = []
    for i, item in enumerate(items):
        if i:
            out.append(f" {word} " if i == len(items) - 1 else ", ")
        out.extend(item)
    return out


# -- the paragraph ---------------------------------------------------------------------------------
def measure_sentences(measure: MeasureResult, results: MeasuresResult) -> tuple[Sentence, ...]:
    """The paragraph for one measure, from its results only (see the module's docstring)."""
    top = replace(results, measures=()).to_dict()
    return sentences_from_json(measure.to_dict(), top)


def paragraphs(results: MeasuresResult) -> dict[str, tuple[Sentence, ...]]:
    """Every measure's paragraph, by measure id."""
    data = results.to_dict()
    return {m["id"]: sentences_from_json(m, data) for m in data["measures"]}


def sentences_from_json(
    measure: Mapping[str, Any], results: Mapping[str, Any]
) -> tuple[Sentence, ...]:
    """``measure_sentences`` on the JSON: one measure's dict and the results' dict (whose
    ``period`` and ``plan`` keys are read; its ``measures`` are not)."""
    m = _Measure(measure, results)
    kind = measure["kind"]
    if measure.get("ytd") is None and not measure.get("table"):
        return (
            _sentence(
                "There are no figures for ",
                m.title(lower=True),
                " as at ",
                m.fig("month", "month"),
                " in the store.",
            ),
        )
    out: list[tuple[str, Sentence | None]] = []

    def add(topic: str, sentences: Sequence[Sentence | None]) -> None:
        out.extend((topic, sentence) for sentence in sentences)

    if kind == "published":
        add("headline", _published(m))
    elif kind in ("count", "rate"):
        add("headline", _count_headline(m))
    else:
        add("headline", _proportion_headline(m))
    add("outlook", _target_and_forecast(m))
    add("outlook", _spc(m))
    if kind == "count":
        add("context", _contributors(m))
    add("context", [_run(m)])
    if kind in ("count", "rate") and not m.rolling:
        add("context", [_seasonal(m)])
    if kind == "count":
        add("context", [_yearly_run(m)])
        add("context", _extreme_since(m))
        add("context", [_monthly_average(m)])
    add("peers", [_peers(m)])
    add("peers", [_missing(m)])
    return tuple(replace(s, topic=topic) for topic, s in out if s is not None)


# -- headline and signal ---------------------------------------------------------------------------
def _count_headline(m: _Measure) -> list[Sentence | None]:
    d = m.d
    counting = d["kind"] == "count"
    now = _period_now(m)
    before = _period_before(m) or ["the baseline"]
    ytd = m.fig(m.value_format, "ytd")
    head: list[Part] = [m.title(), ": ", ytd, " recorded in " if counting else " in ", *now]
    base, change_pct = d.get("baseline_ytd"), d.get("change_pct")
    if base is None:
        head += ["; there is no figure for ", *before, " to compare with."]
        return [_sentence(*head)]
    if d.get("change") == 0:
        head += [", the same as in ", *before, "."]
    elif base == 0:
        head += [", against none in ", *before, "."]
    elif change_pct is not None:
        more = (
            ("more" if counting else "higher")
            if change_pct > 0
            else ("fewer" if counting else "lower")
        )
        head += [
            ", ",
            m.fig("pct", "change_pct"),
            f" {more} than in ",
            *before,
            " (",
            m.fig(m.value_format, "baseline_ytd"),
            ").",
        ]
    else:
        head += [", against ", m.fig(m.value_format, "baseline_ytd"), " in ", *before, "."]
    if not d.get("change_test") and d.get("change"):
        return [_sentence(*head), _UNTESTED]
    return [_sentence(*head), _poisson_verdict(m)]


#: Said when a change has no test in the results: a change is never shown without saying
#: whether it is signal or noise.
_UNTESTED = Sentence("There is no test of this change in the results, so it may be chance alone.")


def _poisson_verdict(m: _Measure) -> Sentence | None:
    test = m.d.get("change_test")
    if not test or test.get("test") != "poisson_rate_ratio":
        return None
    if test.get("count") == 0 and test.get("baseline_count") == 0:
        return None
    change = m.d.get("change") or 0
    what = "rise" if change > 0 else "fall" if change < 0 else "change"
    interval: list[Part] = []
    low, high = (test.get("change_ci95") or [None, None])[:2]
    if low is not None and high is not None:
        interval = [
            " (",
            m.fig("level", "change_test", "confidence"),
            " interval ",
            m.fig("signed_pct", "change_test", "change_ci95", 0),
            " to ",
            m.fig("signed_pct", "change_test", "change_ci95", 1),
            ")",
        ]
    elif low is not None:
        interval = [
            " (",
            m.fig("level", "change_test", "confidence"),
            " interval ",
            m.fig("signed_pct", "change_test", "change_ci95", 0),
            " or more)",
        ]
    dispersed = test.get("note") is not None and test.get("overdispersion") is not None
    times_fig = m.fig("times", "change_test", "overdispersion") if dispersed else None
    if test.get("significant"):
        parts: list[Part] = [f"A {what} this large is unlikely to be chance alone", *interval]
        if times_fig is not None:
            parts += [
                ", though the monthly figures vary about ",
                times_fig,
                f" times more than chance would give, so the {what} may still lie within"
                " the chart's natural variation",
            ]
        return _sentence(*parts, ".")
    parts = [f"The {what} is not more than chance alone would give", *interval]
    if not _special(m):  # a special cause on the chart is said with it (``_spc``)
        parts += [", so the level is stable"]
    if times_fig is not None:
        parts += [
            "; the monthly figures vary about ",
            times_fig,
            " times more than chance would give",
        ]
    return _sentence(*parts, ".")


def _proportion_headline(m: _Measure) -> list[Sentence | None]:
    d = m.d
    test = (
        d.get("change_test")
        if (d.get("change_test") or {}).get("test") == ("two_proportions")
        else None
    )
    now = _period_now(m)
    before = _period_before(m) or ["the baseline"]
    title = str(d["title"])
    share = m.facts("share")
    if " as a share of " in title and share and not re.search(r"\d", title):
        part, whole = title.split(" as a share of ", 1)
        i, fact = share[0]
        share_format = (
            "pct0" if min(_numbers(fact, "share_pct", "share_before_pct")) >= 10 else "percent"
        )
        head: list[Part] = [
            part,
            " made up ",
            m.fig(share_format, "facts", i, "numbers", "share_pct"),
        ]
        head += [" of ", lower_first(whole), " in ", *now]
        if fact["numbers"].get("share_before_pct") is not None:
            head += [
                ", against ",
                m.fig(share_format, "facts", i, "numbers", "share_before_pct"),
                " in ",
                *before,
            ]
        first = _sentence(*head, ".")
    else:
        head = [m.title(), ": ", m.fig(m.value_format, "ytd"), " in ", *now]
        if test is not None:
            head += [
                " (",
                m.fig("level", "change_test", "confidence"),
                " interval ",
                m.fig("percent", "change_test", "ci95", 0),
                " to ",
                m.fig("percent", "change_test", "ci95", 1),
            ]
            if d["kind"] == "survey":
                head += ["; ", m.fig("count", "change_test", "n"), " respondents"]
            head += [")"]
        if d.get("baseline_ytd") is not None:
            head += [", against ", m.fig(m.value_format, "baseline_ytd"), " in ", *before]
            if test is not None:
                head += [
                    " (",
                    m.fig("percent", "change_test", "baseline_ci95", 0),
                    " to ",
                    m.fig("percent", "change_test", "baseline_ci95", 1),
                    ")",
                ]
        else:
            head += ["; there is no figure for ", *before, " to compare with"]
        first = _sentence(*head, ".")
    if d.get("baseline_ytd") is None:
        return [first]
    if test is None:
        return [first, _UNTESTED] if d.get("change") else [first]
    difference = test.get("difference") or 0
    where = " above " if difference > 0 else " below " if difference < 0 else None
    verdict: list[Part] = [*_period_now(m, capital=True), " is "]
    if where is None:
        verdict += ["the same as ", *before]
    else:
        verdict += [m.fig("points", "change_test", "difference"), " points", where, *before]
    verdict += [
        " (",
        m.fig("level", "change_test", "confidence"),
        " interval of the difference ",
        m.fig("signed", "change_test", "difference_ci95", 0),
        " to ",
        m.fig("signed", "change_test", "difference_ci95", 1),
        " points): ",
        "more than chance." if test.get("significant") else "not more than chance.",
    ]
    return [first, _sentence(*verdict)]


# -- target and forecast ---------------------------------------------------------------------------
def _target_and_forecast(m: _Measure) -> list[Sentence | None]:
    target = m.d.get("target")
    if not target:
        return []
    out: list[Sentence | None] = []
    forecast = m.d.get("forecast") or {}
    if target["kind"] == "change_pct":
        word = "a reduction" if target["value"] < 0 else "an increase"
        parts: list[Part] = [
            f"The target is {word} of ",
            m.fig("target_pct", "target", "value"),
            " against ",
            m.top_fig("financial_year", "period", "baseline", 0),
        ]
        if forecast.get("baseline_total") is not None:
            parts += [" (", m.fig("whole", "forecast", "baseline_total"), ")"]
        out.append(_sentence(*parts, "."))
    else:
        word = "at least" if target["kind"] == "at_least" else "at most"
        out.append(
            _sentence(f"The target is {word} ", m.fig(m.level_format, "target", "value"), ".")
        )
    if not forecast:
        return out
    if forecast.get("year_end") is None:
        if forecast.get("reason"):
            out.append(
                _sentence(
                    "There is no year-end forecast: ", m.fig("text", "forecast", "reason"), "."
                )
            )
        return out
    change: list[Part] = []
    if forecast.get("change_pct") is not None and forecast.get("baseline_total") is not None:
        more = "more" if forecast["change_pct"] > 0 else "fewer"
        if forecast["change_pct"] == 0:
            change = [", the same as ", m.top_fig("financial_year", "period", "baseline", 0)]
        else:
            change = [
                ", ",
                m.fig("pct", "forecast", "change_pct"),
                f" {more} than ",
                m.top_fig("financial_year", "period", "baseline", 0),
            ]
    year = m.fig("text", "forecast", "year")
    if forecast.get("months_forecast") == 0:
        met = forecast.get("p_meet_target")
        verdict = (
            []
            if met is None
            else ["; the target was met" if met >= 0.5 else "; the target was not met"]
        )
        out.append(
            _sentence(
                year, " ended at ", m.fig("whole", "forecast", "year_end"), *change, *verdict, "."
            )
        )
        return out
    parts = [
        "From the year so far and the seasonal pattern of earlier years, ",
        year,
        " is forecast to end at ",
        m.fig("whole", "forecast", "year_end"),
    ]
    if forecast.get("pi80"):
        parts += [
            " (",
            m.fig("key_level", "forecast", "pi80"),
            " interval ",
            m.fig("whole", "forecast", "pi80", 0),
            " to ",
            m.fig("whole", "forecast", "pi80", 1),
            ")",
        ]
    parts += change
    if forecast.get("p_meet_target") is not None:
        parts += [
            "; the chance of meeting the target is ",
            m.fig("chance", "forecast", "p_meet_target"),
        ]
    out.append(_sentence(*parts, "."))
    return out


# -- the control chart -----------------------------------------------------------------------------
#: What a special-cause point is, by the chart's variation icon.
_CAUSE = {
    "improvement_high": "a special cause of improvement",
    "improvement_low": "a special cause of improvement",
    "concern_high": "a special cause of concern",
    "concern_low": "a special cause of concern",
    "neutral_high": "a special cause",
    "neutral_low": "a special cause",
}
_ASSURANCE = {
    "pass": " lies outside that range, on the right side: the process should meet it consistently.",
    "fail": " lies outside that range, on the wrong side: it will not be met without a change"
    " to the process.",
    "inconsistent": " lies within that range: it will be met in some months and missed in others.",
}
_SUSTAINED = ": a sustained change, not chance"


def _special(m: _Measure) -> bool | None:
    """Whether the control chart reads the latest point as a special cause (None: no chart)."""
    spc = m.d.get("spc") or {}
    icon = spc.get("variation_icon")
    if not icon or not spc.get("months"):
        return None
    return bool(icon != "common_cause")


def _shift_words(m: _Measure) -> list[Part]:
    """``the 9th month in a row below the average of 1,012``."""
    run = m.d["spc"]["last_run"]
    return [
        "the ",
        m.fig("ordinal", "spc", "last_run", "months"),
        " wave" if m.waves else " month",
        " in a row above the average of "
        if run["side"] == "above"
        else " in a row below the average of ",
        m.fig(m.level_format, "spc", "mean"),
    ]


def _trend_words(m: _Measure) -> list[Part]:
    """``the 6th monthly fall in a row`` (month-on-month steps, as the run fact counts)."""
    run = m.d["spc"]["last_run"]
    what = "rise" if run["direction"] == "rise" else "fall"
    return [
        "the ",
        m.fig("ordinal", "spc", "last_run", "steps"),
        f" {what} in a row from wave to wave" if m.waves else f" monthly {what} in a row",
    ]


def _close_words(m: _Measure, high: bool) -> list[Part]:
    """``close to the lower process limit in two of the last three months``."""
    close = m.d["spc"].get("last_close") or {}
    unit = "waves" if m.waves else "months"
    limit = "upper" if high else "lower"
    how_many = "each" if close.get("months") == 3 else "two"
    return [f"close to the {limit} process limit in {how_many} of the last three {unit}"]


def _reading(m: _Measure, icon: str) -> list[Part]:
    """Why the latest point is a special cause, by the first rule that flags it: outside the
    limits, a trend, two of three close to a limit, a shift (the order the chart labels a
    point in); a run that also ends there is added after the limits or two of three."""
    spc = m.d["spc"]
    high = icon.endswith("_high")
    rules = spc.get("last_point_rules")
    run = spc.get("last_run") or {}
    if rules is None:  # a results file from before the rules were recorded
        return ["unusually high" if high else "unusually low"]
    also: list[Part] = []
    if run.get("rule") == "shift":
        also = [", and ", *_shift_words(m), _SUSTAINED]
    elif run.get("rule") == "trend":
        also = [", and ", *_trend_words(m), _SUSTAINED]
    first = rules[0] if rules else None
    if first == "outside_limits":
        limit = "above the upper" if high else "below the lower"
        return [f"unusually {'high' if high else 'low'}: {limit} process limit", *also]
    if first == "trend" and run.get("rule") == "trend":
        return [*_trend_words(m), _SUSTAINED]
    if first == "two_in_three":
        return [*_close_words(m, high), *also]
    if first == "shift" and run.get("rule") == "shift":
        return [*_shift_words(m), _SUSTAINED]
    return ["unusually high" if high else "unusually low"]


def _contrast(m: _Measure, special: bool) -> list[Part]:
    """The headline's test and the chart disagreeing, said as such: the test compares the
    period with the one before, the chart the latest point with the whole series."""
    test = m.d.get("change_test") or {}
    if test.get("significant") is None or not m.d.get("change"):
        return []
    if bool(test["significant"]) == special:
        return []
    before = _period_before(m) or ["the baseline"]
    verdict = " is within chance, but " if special else " is more than chance, but "
    return ["The change against ", *before, verdict]


def _spc(m: _Measure) -> list[Sentence | None]:
    spc = m.d.get("spc")
    special = _special(m)
    if not spc or special is None:
        return []
    last = len(spc["months"]) - 1
    if m.waves:
        point: Part = m.fig("wave", "series", last, "label")
    else:
        point = m.fig("month", "spc", "months", last)
    icon = spc["variation_icon"]
    contrast = _contrast(m, special)
    lead = "on the control chart " if contrast else "On the control chart "
    parts: list[Part] = [*contrast, lead, point, " is "]
    if special:
        parts += [_CAUSE.get(icon, "a special cause"), ", ", *_reading(m, icon)]
    else:
        alone = "on its own " if contrast else ""
        parts.append(f"{alone}common-cause variation only")
    has_range = spc.get("lpl") is not None and spc.get("upl") is not None
    if has_range:
        limit_format = m.level_format
        values = [p.get("value") for p in m.d.get("series") or [] if p.get("value") is not None]
        if limit_format == "whole" and values:
            shown = FORMATS["whole"](values[-1])
            if shown in (FORMATS["whole"](spc["lpl"]), FORMATS["whole"](spc["upl"])):
                limit_format = "tenths"  # a limit that rounds to the value itself: show tenths
        parts += [
            " (natural range ",
            m.fig(limit_format, "spc", "lpl"),
            " to ",
            m.fig(limit_format, "spc", "upl"),
        ]
        segments = spc.get("segments") or []
        if segments:
            start = segments[-1]["start_index"]
            since = (
                m.fig("wave", "series", start, "label")
                if m.waves
                else m.fig("month", "spc", "months", start)
            )
            parts += [" since ", since]
        parts += [")"]
    out = [_sentence(*parts, ".")]
    assurance = spc.get("assurance_icon")
    if has_range and assurance in _ASSURANCE and spc.get("target") is not None:
        target = m.d.get("target") or {}
        name = (
            "The target's monthly equivalent"
            if target.get("kind") == "change_pct"
            else "The target"
        )
        out.append(
            _sentence(
                name, " (", m.fig(m.level_format, "spc", "target"), ")", _ASSURANCE[assurance]
            )
        )
    return list(out)


# -- facts -----------------------------------------------------------------------------------------
def _contributors(m: _Measure) -> list[Sentence | None]:
    found = m.facts("contributors")
    if not found:
        return []
    i, fact = found[0]
    numbers_ = fact["numbers"]
    shares = [row for row in numbers_.get("by_share") or [] if row.get("share_pct") is not None]
    out: list[Sentence | None] = []
    if len(shares) >= 2:
        top = shares[:3]
        names: list[list[Part]] = [
            [m.fig("lower", "facts", i, "numbers", "by_share", j, "part")] for j in range(len(top))
        ]
        pcts = [
            m.fig("pct0", "facts", i, "numbers", "by_share", j, "share_pct")
            for j in range(len(top))
        ]
        period = fact.get("period") or []
        when: list[Part] = []
        if len(period) == 2:
            when = [
                " in ",
                *_months(
                    m,
                    m.fig("month", "facts", i, "period", 0),
                    m.fig("month", "facts", i, "period", 1),
                ),
            ]
        lead: list[Part] = ["The largest contributors to ", m.title(lower=True), *when, " are "]
        if len({p.text for p in pcts}) == 1:
            # one text, several figures: each part's share formats to it
            parts = [*lead, *_join(names), ", each about ", pcts[0], *map(_Also, pcts[1:])]
        else:
            bracketed = any(str(row.get("part", "")).endswith(")") for row in top)
            items: list[list[Part]] = [
                [*n, " at ", p] if bracketed else [*n, " (", p, ")"]
                for n, p in zip(names, pcts, strict=True)
            ]
            parts = [*lead, *_join(items)]
        out.append(_sentence(*parts, "."))
    change = numbers_.get("change") or 0
    rows = numbers_.get("by_change") or []
    if change and rows and rows[0].get("share_of_change_pct") is not None:
        share = rows[0]["share_of_change_pct"]
        what = "rise" if change > 0 else "fall"
        name = m.fig("lower", "facts", i, "numbers", "by_change", 0, "part")
        part_change = m.fig("signed_whole", "facts", i, "numbers", "by_change", 0, "change")
        total = m.fig("signed_whole", "facts", i, "numbers", "change")
        if share > 100 and len(rows) > 1:
            out.append(
                _sentence(
                    "More than the whole ",
                    what,
                    " (",
                    total,
                    ") comes from ",
                    name,
                    " (",
                    part_change,
                    ").",
                )
            )
        elif 50 <= share <= 100 and len(rows) > 1:
            out.append(
                _sentence(
                    "Most of the ",
                    what,
                    " (",
                    total,
                    ") comes from ",
                    name,
                    " (",
                    part_change,
                    ").",
                )
            )
    return out


def _run(m: _Measure) -> Sentence | None:
    found = m.facts("run")
    if not found:
        return None
    i, fact = found[0]
    n = fact["numbers"]
    steps = n.get("months") or 0
    if steps < MIN_RUN_STEPS:
        return None
    verb = "fallen" if n["direction"] == "fall" else "risen"
    unit = "waves" if m.waves else "months"
    subject = "The rolling annual figure" if m.rolling else "It"
    value = m.level_format if m.unit != "count" else "count"
    frm = m.fig("month", "facts", i, "numbers", "from_month")
    to = m.fig("month", "facts", i, "numbers", "to_month")
    if m.waves:
        return _sentence(
            subject,
            f" has {verb} in each of the last ",
            m.fig("count", "facts", i, "numbers", "months"),
            f" {unit}, from ",
            m.fig(value, "facts", i, "numbers", "from_value"),
            " to ",
            m.fig(value, "facts", i, "numbers", "to_value"),
            ".",
        )
    seasonal = m.facts("seasonal")
    turn: list[Part] | None = None
    if seasonal and not m.rolling:
        j, season = seasonal[0]
        key = "peak_month" if n["direction"] == "fall" else "trough_month"
        word = "seasonal peak" if n["direction"] == "fall" else "seasonal low"
        if int(str(n["from_month"]).split("-")[1]) == season["numbers"].get(key):
            turn = [
                f", since its {word} in ",
                m.fig("calendar_month", "facts", j, "numbers", key),
                " (",
                m.fig(value, "facts", i, "numbers", "from_value"),
                ")",
            ]
    parts: list[Part] = [
        subject,
        f" has {verb} in each of the last ",
        m.fig("count", "facts", i, "numbers", "months"),
        f" {unit}",
    ]
    if turn is not None:
        parts += [*turn, ", to ", m.fig(value, "facts", i, "numbers", "to_value"), " in ", to]
    else:
        parts += [
            ", from ",
            m.fig(value, "facts", i, "numbers", "from_value"),
            " in ",
            frm,
            " to ",
            m.fig(value, "facts", i, "numbers", "to_value"),
            " in ",
            to,
        ]
    lower = " lower)" if n["direction"] == "fall" else " higher)"
    if m.unit == "percent" and n.get("change") is not None:
        parts += [" (", m.fig("points", "facts", i, "numbers", "change"), " points", lower]
    elif n.get("change_pct") is not None:
        parts += [" (", m.fig("pct", "facts", i, "numbers", "change_pct"), lower]
    return _sentence(*parts, ".")


def _seasonal(m: _Measure) -> Sentence | None:
    found = m.facts("seasonal")
    if not found:
        return None
    i, fact = found[0]
    period = fact.get("period") or []
    if len(period) != 2:
        return None
    years: list[Part]
    if period[0] == period[1]:
        years = ["In ", m.fig("text", "facts", i, "period", 0), " it peaked"]
        low = " and was lowest in "
    else:
        years = [
            "On average over ",
            m.fig("text", "facts", i, "period", 0),
            " to ",
            m.fig("text", "facts", i, "period", 1),
            " it peaks",
        ]
        low = " and is lowest in "
    return _sentence(
        *years,
        " in ",
        m.fig("calendar_month", "facts", i, "numbers", "peak_month"),
        " (",
        m.fig(m.level_format, "facts", i, "numbers", "peak_average"),
        " a month)",
        low,
        m.fig("calendar_month", "facts", i, "numbers", "trough_month"),
        " (",
        m.fig(m.level_format, "facts", i, "numbers", "trough_average"),
        ").",
    )


def _yearly_run(m: _Measure) -> Sentence | None:
    found = m.facts("yearly_run")
    if not found:
        return None
    i, fact = found[0]
    n = fact["numbers"]
    if (n.get("years") or 0) < MIN_YEARLY_RUN:
        return None
    verb = "fallen" if n["direction"] == "fall" else "risen"
    parts: list[Part] = [
        f"It has {verb} year on year since ",
        m.fig("text", "facts", i, "numbers", "from_year"),
        ", from ",
        m.fig("count", "facts", i, "numbers", "from_value"),
        " to ",
        m.fig("count", "facts", i, "numbers", "to_value"),
        " in ",
        m.fig("text", "facts", i, "numbers", "to_year"),
    ]
    if n.get("change_pct") is not None:
        parts += [
            " (",
            m.fig("pct", "facts", i, "numbers", "change_pct"),
            " lower)" if n["direction"] == "fall" else " higher)",
        ]
    return _sentence(*parts, ".")


def _extreme_since(m: _Measure) -> list[Sentence | None]:
    out: list[Sentence | None] = []
    for kind, word in (("highest_since", "highest"), ("lowest_since", "lowest")):
        for i, fact in m.facts(kind):
            n = fact["numbers"]
            lead: list[Part] = [
                "The ",
                m.fig("text", "facts", i, "period", 0),
                " total, ",
                m.fig("count", "facts", i, "numbers", "value"),
                f", was the {word}",
            ]
            if n.get("since") is not None:
                out.append(
                    _sentence(
                        *lead,
                        " since ",
                        m.fig("text", "facts", i, "numbers", "since"),
                        " (",
                        m.fig("count", "facts", i, "numbers", "since_value"),
                        ").",
                    )
                )
            else:
                out.append(
                    _sentence(
                        *lead,
                        " in the store, which begins in ",
                        m.fig("text", "facts", i, "numbers", "first_year"),
                        ".",
                    )
                )
    return out


def _monthly_average(m: _Measure) -> Sentence | None:
    found = m.facts("monthly_average")
    if not found:
        return None
    i, fact = found[0]
    band = fact["numbers"].get("band") or []
    period = fact.get("period") or []
    if len(band) != 2 or len(period) != 2:
        return None
    if band[0] == band[1]:
        amount: list[Part] = [m.fig("count", "facts", i, "numbers", "band", 0)]
    else:
        amount = [
            m.fig("count", "facts", i, "numbers", "band", 0),
            " to ",
            m.fig("count", "facts", i, "numbers", "band", 1),
        ]
    when = _months(
        m, m.fig("month", "facts", i, "period", 0), m.fig("month", "facts", i, "period", 1)
    )
    return _sentence("On average there are ", *amount, " a month (", *when, ").")


# -- peers -----------------------------------------------------------------------------------------
def _peers(m: _Measure) -> Sentence | None:
    peers = m.d.get("peers")
    if not peers or peers.get("value") is None or peers.get("group_value") is None:
        return None
    kind = peers.get("kind")
    value_format = "percent" if kind == "proportion" else "rate"
    unit: list[Part] = []
    if kind != "proportion" and peers.get("unit"):
        unit = [" ", m.fig("text", "peers", "unit")]
    parts: list[Part] = []
    period = peers.get("period") or []
    if len(period) == 2:
        parts += [
            "From ",
            m.fig("month", "peers", "period", 0),
            " to ",
            m.fig("month", "peers", "period", 1),
            ", ",
        ]
    force = m.fig("text", "peers", "force")
    parts += [
        force,
        "'s " if kind == "proportion" else "'s rate of ",
        m.fig(value_format, "peers", "value"),
        *unit,
        " compares with a Most Similar Group (MSG) average of ",
        m.fig(value_format, "peers", "group_value"),
    ]
    if peers.get("rank") is not None and peers.get("n_forces"):
        parts += [
            " (",
            m.fig("ordinal", "peers", "rank"),
            " highest of ",
            m.fig("count", "peers", "n_forces"),
            " forces)",
        ]
    if peers.get("statement"):
        parts += [": ", m.fig("text", "peers", "statement")]
    return _sentence(*parts, ".")


# -- published tables ------------------------------------------------------------------------------
def _published(m: _Measure) -> list[Sentence | None]:
    table = m.d.get("table") or []
    if not table:
        return []
    index = next((i for i, r in enumerate(table) if str(r.get("level")).lower() == "region"), 0)
    row = table[index]
    parts: list[Part] = [
        m.title(),
        ": in ",
        m.fig("text", "table", index, "area"),
        " (",
        m.fig("lower", "table", index, "level"),
        ") ",
        m.fig("pct2", "table", index, "actual_rate"),
        " of a cohort of ",
        m.fig("count", "table", index, "cohort"),
        " reoffended, against a predicted rate of ",
        m.fig("pct2", "table", index, "predicted_rate"),
    ]
    if row.get("baseline_change_pct") is not None:
        parts += [
            ": a difference of ",
            m.fig("pct2", "table", index, "baseline_change_pct"),
            " from the baseline",
        ]
    out: list[Sentence | None] = [_sentence(*parts, ".")]
    local = [
        i
        for i, r in enumerate(table)
        if str(r.get("level")).lower() == "local authority"
        and r.get("baseline_change_pct") is not None
    ]
    if local:
        best = min(local, key=lambda i: (table[i]["baseline_change_pct"], i))
        if table[best]["baseline_change_pct"] < 0:
            out.append(
                _sentence(
                    "The largest reduction among the local authorities is in ",
                    m.fig("text", "table", best, "area"),
                    " (",
                    m.fig("pct2", "table", best, "baseline_change_pct"),
                    ").",
                )
            )
        above = [i for i in local if table[i]["baseline_change_pct"] > 0]
        if not above:
            out.append(_sentence("Every local authority is below its predicted rate."))
        else:
            names: list[list[Part]] = [
                [
                    m.fig("text", "table", i, "area"),
                    " (",
                    m.fig("pct2", "table", i, "baseline_change_pct"),
                    ")",
                ]
                for i in above
            ]
            verb = (
                " is above its predicted rate."
                if len(above) == 1
                else (" are above their predicted rates.")
            )
            out.append(_sentence(*_join(names), verb))
    if m.d.get("comparison"):
        out.append(_sentence("The figures compare the ", m.fig("text", "comparison"), "."))
    return out


def _missing(m: _Measure) -> Sentence | None:
    missing = m.d.get("months_missing") or []
    if not missing:
        return None
    months: list[list[Part]] = [[m.fig("month", "months_missing", i)] for i in range(len(missing))]
    return _sentence("The store has no figures for ", *_join(months), ".")


# -- the check -------------------------------------------------------------------------------------
#: A number as a sentence shows it: digits with their separators, an optional sign and %.
NUMBER = re.compile(r"[+\-−]?\d(?:[\d,./]*\d)?%?")


def number_tokens(text: str) -> list[str]:
    """The number tokens of ``text``: ``2,902``, ``+0.6%``, ``2012/13``, ``20/47``."""
    return NUMBER.findall(text)


def _mask(text: str, figure_text: str) -> tuple[str, int]:
    pattern = r"(?<![0-9])(?<![0-9][.,])" + re.escape(figure_text) + r"(?![0-9])(?![.,/][0-9])"
    return re.subn(pattern, lambda hit: "\x00" * len(hit.group(0)), text)


def _resolve(results: Mapping[str, Any], path: Path) -> tuple[bool, Any]:
    data: Any = results
    for depth, key in enumerate(path):
        if depth == 1 and path[0] == "measures" and isinstance(key, str):
            match = [m for m in data if isinstance(m, Mapping) and m.get("id") == key]
            if not match:
                return False, None
            data = match[0]
            continue
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, data


def figures_check(sentences: Iterable[Sentence], results_dict: Mapping[str, Any]) -> list[str]:
    """The problems found, in words (an empty list when every number checks out):

    - a number token in a sentence that is not the text of one of its figures;
    - a figure whose text is not in its sentence;
    - a figure whose path is not in ``results_dict`` (``MeasuresResult.to_dict()``, or the
      ``results.json`` it was written to), or whose value there differs from the figure's
      or, formatted again, from its text.
    """
    problems: list[str] = []
    for sentence in sentences:
        masked = sentence.text
        for figure in sorted(sentence.figures, key=lambda f: -len(f.text)):
            masked, hits = _mask(masked, figure.text)
            if not hits and figure.text not in sentence.text:
                problems.append(f"figure {figure.text!r} is not in the sentence: {sentence.text}")
        for token in number_tokens(masked):
            problems.append(f"number {token!r} is not a figure: {sentence.text}")
        for figure in sentence.figures:
            where = "/".join(str(k) for k in figure.path)
            found, value = _resolve(results_dict, figure.path)
            if not found:
                problems.append(f"figure {figure.text!r}: no {where} in the results")
                continue
            if figure.format not in FORMATS:
                problems.append(f"figure {figure.text!r}: unknown format {figure.format!r}")
                continue
            if figure.value != value:
                problems.append(
                    f"figure {figure.text!r}: {where} is {value!r} in the results, "
                    f"not {figure.value!r}"
                )
            raw = figure.path[-1] if figure.format == "key_level" else value
            try:
                again = FORMATS[figure.format](raw)
            except (TypeError, ValueError, IndexError, AttributeError) as error:
                problems.append(f"figure {figure.text!r}: {where} does not format ({error})")
                continue
            if again != figure.text:
                problems.append(
                    f"figure {figure.text!r}: {where} formats as {again!r} in the results"
                )
    return problems
