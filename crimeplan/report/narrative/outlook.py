"""The outlook sentences: the target, the year-end forecast and the control chart's
reading."""

from __future__ import annotations

from crimeplan.report.narrative.figures import FORMATS, Figure, Part, Sentence, make_sentence
from crimeplan.report.narrative.measure import (
    MeasureView,
    baseline_period,
    current_period,
    join_parts,
)

# -- target and forecast ---------------------------------------------------------------------------
#: Fewer earlier months than this (two years) and the forecast says how little it rests on.
SHORT_HISTORY = 24


def target_and_forecast_sentences(m: MeasureView) -> list[Sentence | None]:
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
        out.append(make_sentence(*parts, "."))
    else:
        word = "at least" if target["kind"] == "at_least" else "at most"
        out.append(
            make_sentence(f"The target is {word} ", m.fig(m.level_format, "target", "value"), ".")
        )
    if not forecast:
        return out
    if forecast.get("year_end") is None:
        if forecast.get("reason"):
            out.append(make_sentence("There is no year-end forecast: ", *_gap(m), "."))
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
            make_sentence(
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
    out.append(make_sentence(*parts, "."))
    history = forecast.get("history_months")
    if history is not None and history < SHORT_HISTORY:
        out.append(
            make_sentence(
                "The seasonal pattern rests on only ",
                m.fig("whole", "forecast", "history_months"),
                " earlier months, so the forecast is less sure than its interval suggests.",
            )
        )
    return out


def _gap(m: MeasureView) -> list[Part]:
    """Why there is no forecast: ``no seasonal profile: the history holds no earlier
    January``; ``too short a history: 11 months for 11 months of the year; …``."""
    reason = m.d["forecast"]["reason"]
    if reason["code"] == "no_seasonal_profile":
        names: list[list[Part]] = [
            [m.fig("calendar_month", "forecast", "reason", "months", i)]
            for i in range(len(reason["months"]))
        ]
        return ["no seasonal profile: the history holds no earlier ", *join_parts(names)]
    return [
        "too short a history: ",
        m.fig("count", "forecast", "reason", "months"),
        " months for ",
        m.fig("count", "forecast", "reason", "months_of_year"),
        " months of the year; at least one month must repeat",
    ]


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


def is_special_cause(m: MeasureView) -> bool | None:
    """Whether the control chart reads the latest point as a special cause (None: no chart)."""
    spc = m.d.get("spc") or {}
    icon = spc.get("variation_icon")
    if not icon or not spc.get("months"):
        return None
    return bool(icon != "common_cause")


def _shift_words(m: MeasureView) -> list[Part]:
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


def _trend_words(m: MeasureView) -> list[Part]:
    """``the 6th monthly fall in a row`` (month-on-month steps, as the run fact counts)."""
    run = m.d["spc"]["last_run"]
    what = "rise" if run["direction"] == "rise" else "fall"
    return [
        "the ",
        m.fig("ordinal", "spc", "last_run", "steps"),
        f" {what} in a row from wave to wave" if m.waves else f" monthly {what} in a row",
    ]


def _close_words(m: MeasureView, high: bool) -> list[Part]:
    """``close to the lower process limit in two of the last three months``."""
    close = m.d["spc"].get("last_close") or {}
    unit = "waves" if m.waves else "months"
    limit = "upper" if high else "lower"
    how_many = "each" if close.get("months") == 3 else "two"
    return [f"close to the {limit} process limit in {how_many} of the last three {unit}"]


def _reading(m: MeasureView, icon: str) -> list[Part]:
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


def change_significant(m: MeasureView) -> bool | None:
    """Whether the headline's test calls the change more than chance: the quasi-Poisson
    test where the results hold it (the words rely on it), else the test itself; None
    without a test or a change."""
    test = m.d.get("change_test") or {}
    quasi = test.get("quasi_poisson") or {}
    significant = quasi.get("significant", test.get("significant"))
    if significant is None or not m.d.get("change"):
        return None
    return bool(significant)


def _since(m: MeasureView) -> Part:
    """The first month (or wave) of the chart's last segment."""
    start = m.d["spc"]["segments"][-1]["start_index"]
    if m.waves:
        return m.fig("wave", "series", start, "label")
    return m.fig("month", "spc", "months", start)


def _since_parts(m: MeasureView) -> list[Part]:
    """``since April 2011, when the limits were recalculated for a change of recording
    practice`` (the plan's reason), or ``since April 2009``."""
    spc = m.d["spc"]
    parts: list[Part] = [" since ", _since(m)]
    rebases = spc.get("rebases") or []
    segments = spc.get("segments") or []
    if rebases and len(rebases) == len(segments) - 1:
        k = len(rebases) - 1
        reason = rebases[k].get("reason")
        if reason:
            parts += [
                ", when the limits were recalculated: ",
                m.fig("text", "spc", "rebases", k, "reason"),
            ]
        else:
            parts += [", when the limits were recalculated"]
    return parts


def _no_limits(m: MeasureView) -> list[Part]:
    """Why the chart has no process limits, from its last segment."""
    spc = m.d["spc"]
    why = (spc.get("segments") or [{}])[-1].get("undefined_limits")
    if why == "no_variation":
        unit = "wave" if m.waves else "month"
        return [
            f"; the chart has no process limits: every {unit} has the same figure",
            *_since_parts(m),
        ]
    if why == "too_few_values":
        return ["; the chart has too few figures for process limits", *_since_parts(m)]
    return []


def chart_sentences(m: MeasureView) -> list[Sentence | None]:
    spc = m.d.get("spc")
    special = is_special_cause(m)
    if not spc or special is None:
        return []
    last = len(spc["months"]) - 1
    if m.waves:
        point: Part = m.fig("wave", "series", last, "label")
    else:
        point = m.fig("month", "spc", "months", last)
    icon = spc["variation_icon"]
    parts: list[Part] = ["On the control chart ", point, " is "]
    if special:
        parts += [_CAUSE.get(icon, "a special cause"), ", ", *_reading(m, icon)]
    else:
        parts.append("common-cause variation only")
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
        if spc.get("segments"):
            parts += _since_parts(m)
        parts += [")"]
    elif spc.get("segments"):
        parts += _no_limits(m)
    out = [make_sentence(*parts, "."), verdict_sentence(m)]
    assurance = spc.get("assurance_icon")
    if has_range and assurance in _ASSURANCE and spc.get("target") is not None:
        target = m.d.get("target") or {}
        name = (
            "The target's monthly equivalent"
            if target.get("kind") == "change_pct"
            else "The target"
        )
        out.append(
            make_sentence(
                name, " (", m.fig(m.level_format, "spc", "target"), ")", _ASSURANCE[assurance]
            )
        )
    return out


def verdict_sentence(m: MeasureView) -> Sentence | None:
    """One verdict from the headline's test (the period against the baseline) and the
    chart's reading (the latest point against the months of its segment), saying what the
    two together mean; None when both read as no change (the headline says "stable"), or
    either is missing.

    The test compares this year with last; the chart compares the latest point with every
    month since its limits were set. So a change within chance beside a special cause of
    improvement is an improvement already there a year ago, and a change beyond
    chance beside common-cause variation is not yet a sustained change.
    """
    spc = m.d.get("spc") or {}
    special = is_special_cause(m)
    significant = change_significant(m)
    if special is None or significant is None or not spc.get("segments"):
        return None
    if not special and not significant:
        return None
    if not special and spc.get("upl") is None:
        return None  # no limits: no natural variation to be within
    change = float(m.d.get("change") or 0)
    improvement = m.d.get("improvement", "neutral")
    better: bool | None = (
        None if improvement == "neutral" else (change > 0) == (improvement == "increase")
    )
    what = "rise" if change > 0 else "fall"
    icon = str(spc.get("variation_icon"))
    high = icon.endswith("_high")
    last = len(spc["months"]) - 1
    point: Part = (
        m.fig("wave", "series", last, "label") if m.waves else m.fig("month", "spc", "months", last)
    )
    now = current_period(m)
    before = baseline_period(m) or ["the baseline"]
    if (
        len(now) == 1
        and isinstance(now[0], Figure)
        and getattr(point, "value", None) == now[0].value
    ):
        point = "it"  # the period compared is the chart's latest point
    since: list[Part] = [" since ", _since(m)]
    against: list[Part]
    if icon.startswith("improvement"):
        against = [" an improvement on the months", *since, " on the control chart"]
    elif icon.startswith("concern"):
        against = [" a concern against the months", *since, " on the control chart"]
    else:
        against = [
            f" unusually {'high' if high else 'low'} against the months",
            *since,
            " on the control chart",
        ]
    lead = "Taken together, "
    if not significant:  # and special
        if icon.startswith("improvement"):
            tail = [
                ": the improvement was already there a year ago, with no further "
                + ("rise" if improvement == "increase" else "fall")
                + " since"
            ]
        elif icon.startswith("concern"):
            tail = [": the deterioration was already there a year ago and has not been reversed"]
        else:
            tail = [": the change was already there a year ago"]
        return make_sentence(
            lead, *now, " is no different from ", *before, " beyond chance, but ", point,
            " is", *against, *tail, ".",
        )  # fmt: skip
    if not special:
        sustained = (
            "a sustained change"
            if better is None
            else "a sustained improvement"
            if better
            else "a sustained deterioration"
        )
        return make_sentence(
            lead, f"the {what} against ", *before, " is more than chance, but ", point,
            " is within the control chart's natural variation", *since,
            f": not yet {sustained}, so one to watch.",
        )  # fmt: skip
    chart_better: bool | None = (
        None if icon.startswith("neutral") else icon.startswith("improvement")
    )
    agree = (
        (better == chart_better)
        if better is not None and chart_better is not None
        else ((change > 0) == high)
    )
    if agree:
        real = (
            f"a real {what}"
            if better is None
            else "a real improvement"
            if better
            else "a real deterioration"
        )
        return make_sentence(
            lead, f"this is {real}: the {what} against ", *before, " is more than chance, and ",
            point, " is", *against, ".",
        )  # fmt: skip
    compared = (
        ("higher" if change > 0 else "lower")
        if better is None
        else ("better" if better else "worse")
    )
    if better is None:
        ending = ""
    elif better:
        ending = ": this year's improvement has not yet undone the earlier deterioration"
    else:
        ending = ": the earlier improvement is being lost"
    return make_sentence(
        lead, *now, f" is {compared} than ", *before, " beyond chance, though ", point,
        " is still", *against, ending, ".",
    )  # fmt: skip
