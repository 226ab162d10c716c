"""The context sentences, from the measure's facts: contributors, runs, seasonal peak and
trough, year-on-year runs, highest or lowest since, monthly averages."""

from __future__ import annotations

from typing import Any

from crimeplan.report.narrative.figures import Part, RepeatedFigure, Sentence, make_sentence
from crimeplan.report.narrative.measure import MeasureView, join_parts, month_span

#: A run of monthly rises or falls is mentioned from this many month-on-month steps: two
#: falls in a row happen in any series by chance about one time in three.
MIN_RUN_STEPS = 3
#: A year-on-year run is mentioned from this many years of rises or falls (one year is the
#: highest / lowest-since fact's business).
MIN_YEARLY_RUN = 2


# -- facts -----------------------------------------------------------------------------------------
def contributor_sentences(m: MeasureView) -> list[Sentence | None]:
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
                *month_span(
                    m,
                    m.fig("month", "facts", i, "period", 0),
                    m.fig("month", "facts", i, "period", 1),
                ),
            ]
        lead: list[Part] = ["The largest contributors to ", m.title(lower=True), *when, " are "]
        if len({p.text for p in pcts}) == 1:
            # one text, several figures: each part's share formats to it
            parts = [
                *lead,
                *join_parts(names),
                ", each about ",
                pcts[0],
                *map(RepeatedFigure, pcts[1:]),
            ]
        else:
            bracketed = any(str(row.get("part", "")).endswith(")") for row in top)
            items: list[list[Part]] = [
                [*n, " at ", p] if bracketed else [*n, " (", p, ")"]
                for n, p in zip(names, pcts, strict=True)
            ]
            parts = [*lead, *join_parts(items)]
        out.append(make_sentence(*parts, "."))
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
                make_sentence(
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
                make_sentence(
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


def run_sentence(m: MeasureView) -> Sentence | None:
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
        return make_sentence(
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
    return make_sentence(*parts, ".")


#: A seasonal pattern is said when its peak month is at least this much above its trough
#: (as a share of the average month) and the latest year peaked and bottomed in the same
#: months: otherwise the averages describe no pattern a reader can plan on.
MIN_SEASONAL_SWING = 0.1


def seasonal_sentence(m: MeasureView) -> Sentence | None:
    found = m.facts("seasonal")
    if not found:
        return None
    i, fact = found[0]
    period = fact.get("period") or []
    if len(period) != 2:
        return None
    n = fact["numbers"]
    swing = (n.get("peak_index") or 0) - (n.get("trough_index") or 0)
    held = n.get("latest_peak_matches") and n.get("latest_trough_matches")
    if swing < MIN_SEASONAL_SWING or not held:
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
    latest: list[Part] = []
    if period[0] != period[1]:
        latest = [", and ", m.fig("text", "facts", i, "numbers", "latest_year"), " followed it"]
    return make_sentence(
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
        ")",
        *latest,
        ".",
    )


def yearly_run_sentence(m: MeasureView) -> Sentence | None:
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
    return make_sentence(*parts, ".")


def extreme_since_sentences(m: MeasureView) -> list[Sentence | None]:
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
                    make_sentence(
                        *lead,
                        " since ",
                        m.fig("text", "facts", i, "numbers", "since"),
                        " (",
                        m.fig("count", "facts", i, "numbers", "since_value"),
                        ").",
                    )
                )
            elif not _said_by_yearly_run(m, fact, word):
                out.append(
                    make_sentence(
                        *lead,
                        " since the figures begin, in ",
                        m.fig("text", "facts", i, "numbers", "first_year"),
                        ".",
                    )
                )
    return out


def _said_by_yearly_run(m: MeasureView, fact: dict[str, Any], word: str) -> bool:
    """Whether the year-on-year run sentence already says it: a fall (rise) every year from
    the first year of figures to this one makes this year the lowest (highest) of all."""
    found = m.facts("yearly_run")
    if not found:
        return False
    run = found[0][1]["numbers"]
    period = fact.get("period") or [None]
    return bool(
        (run.get("years") or 0) >= MIN_YEARLY_RUN
        and run.get("direction") == ("fall" if word == "lowest" else "rise")
        and run.get("from_year") == fact["numbers"].get("first_year")
        and run.get("to_year") == period[0]
    )


def monthly_average_sentence(m: MeasureView) -> Sentence | None:
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
    when = month_span(
        m, m.fig("month", "facts", i, "period", 0), m.fig("month", "facts", i, "period", 1)
    )
    return make_sentence("On average there are ", *amount, " a month (", *when, ").")
