"""The headline sentences: the figure against the baseline, and whether its change is
signal or noise."""

from __future__ import annotations

import re

from crimeplan.report.narrative.figures import Part, Sentence, lower_first, make_sentence
from crimeplan.report.narrative.measure import (
    MeasureView,
    baseline_period,
    current_period,
    fact_numbers,
)
from crimeplan.report.narrative.outlook import is_special_cause
from crimeplan.report.numbers import agreeing_places


# -- headline and signal ---------------------------------------------------------------------------
def count_headline(m: MeasureView) -> list[Sentence | None]:
    d = m.d
    counting = d["kind"] == "count"
    now = current_period(m)
    before = baseline_period(m) or ["the baseline"]
    ytd = m.fig(m.value_format, "ytd")
    head: list[Part] = [m.title(), ": ", ytd, " recorded in " if counting else " in ", *now]
    base, change_pct = d.get("baseline_ytd"), d.get("change_pct")
    if base is None:
        head += ["; there is no figure for ", *before, " to compare with."]
        return [make_sentence(*head)]
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
        return [make_sentence(*head), _UNTESTED]
    return [make_sentence(*head), _poisson_verdict(m)]


#: Said when a change has no test in the results: a change is never shown without saying
#: whether it is signal or noise.
_UNTESTED = Sentence("There is no test of this change in the results, so it may be chance alone.")


def _poisson_verdict(m: MeasureView) -> Sentence | None:
    """Whether the change is more than chance: by the quasi-Poisson test, which allows for
    the monthly figures' variation beyond chance, where the results hold it; else by the
    exact Poisson test (with how much more the months vary, where that is known)."""
    test = m.d.get("change_test")
    if not test or test.get("test") != "poisson_rate_ratio":
        return None
    if test.get("count") == 0 and test.get("baseline_count") == 0:
        return None
    change = m.d.get("change") or 0
    what = "rise" if change > 0 else "fall" if change < 0 else "change"
    quasi = test.get("quasi_poisson")
    key = ("change_test", "quasi_poisson") if quasi else ("change_test",)
    used = quasi or test
    interval: list[Part] = []
    low, high = (used.get("change_ci95") or [None, None])[:2]
    allowing = [", allowing for how much the monthly figures vary"] if quasi else []
    if low is not None and high is not None:
        interval = [
            " (",
            m.fig("level", *key, "confidence"),
            " interval ",
            m.fig("signed_pct", *key, "change_ci95", 0),
            " to ",
            m.fig("signed_pct", *key, "change_ci95", 1),
            *allowing,
            ")",
        ]
    elif low is not None:
        interval = [
            " (",
            m.fig("level", *key, "confidence"),
            " interval ",
            m.fig("signed_pct", *key, "change_ci95", 0),
            " or more",
            *allowing,
            ")",
        ]
    dispersed = (
        not quasi and test.get("note") is not None and test.get("overdispersion") is not None
    )
    times_fig = m.fig("times", "change_test", "overdispersion") if dispersed else None
    if used.get("significant"):
        parts: list[Part] = [f"A {what} this large is unlikely to be chance alone", *interval]
        if times_fig is not None:
            parts += [
                ", though month to month the figures vary much more than chance alone would"
                " (about ",
                times_fig,
                f" times as much), so the {what} may still lie within the chart's natural"
                " variation",
            ]
        return make_sentence(*parts, ".")
    parts = [f"The {what} is not more than chance alone would give", *interval]
    # a special cause on the chart is said with it (``chart_sentences``)
    if not is_special_cause(m):
        parts += [", so the level is stable"]
    if times_fig is not None:
        parts += [
            "; month to month the figures vary much more than chance alone would (about ",
            times_fig,
            " times as much)",
        ]
    return make_sentence(*parts, ".")


#: The formats of a percentage and of a difference in points, by decimal places.
_PERCENT = {0: "pct0", 1: "percent", 2: "pct2", 3: "pct3"}
_POINTS = {0: "points0", 1: "points", 2: "points2", 3: "points3"}


def proportion_headline(m: MeasureView) -> list[Sentence | None]:
    d = m.d
    test = (
        d.get("change_test")
        if (d.get("change_test") or {}).get("test") == ("two_proportions")
        else None
    )
    now = current_period(m)
    before = baseline_period(m) or ["the baseline"]
    title = str(d["title"])
    share = m.facts("share")
    # the value, the baseline and the difference printed to places at which they agree
    places = agreeing_places(d.get("ytd"), d.get("baseline_ytd"), d.get("change"))
    if " as a share of " in title and share and not re.search(r"\d", title):
        part, whole = title.split(" as a share of ", 1)
        i, fact = share[0]
        start = 0 if min(fact_numbers(fact, "share_pct", "share_before_pct")) >= 10 else 1
        places = agreeing_places(
            fact["numbers"].get("share_pct"),
            fact["numbers"].get("share_before_pct"),
            d.get("change"),
            start,
        )
        share_format = _PERCENT[places]
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
        first = make_sentence(*head, ".")
    else:
        value_format = _PERCENT[places] if m.value_format == "percent" else m.value_format
        head = [m.title(), ": ", m.fig(value_format, "ytd"), " in ", *now]
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
            head += [", against ", m.fig(value_format, "baseline_ytd"), " in ", *before]
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
        first = make_sentence(*head, ".")
    if d.get("baseline_ytd") is None:
        return [first]
    if test is None:
        return [first, _UNTESTED] if d.get("change") else [first]
    difference = test.get("difference") or 0
    where = " above " if difference > 0 else " below " if difference < 0 else None
    verdict: list[Part] = [*current_period(m, capital=True), " is "]
    if where is None:
        verdict += ["the same as ", *before]
    else:
        # the measure's change (the difference the values printed above make), to their places
        path = ("change",) if d.get("change") is not None else ("change_test", "difference")
        verdict += [m.fig(_POINTS[places], *path), " points", where, *before]
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
    return [first, make_sentence(*verdict)]
