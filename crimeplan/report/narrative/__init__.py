"""The board paper's sentences, generated from one measure's results and nothing else.

``measure_sentences(measure, results)`` gives the paragraph the pack prints under a measure:
the headline (year to date against the baseline) and, always beside it, whether the change is
signal or noise; the target and the year-end forecast; the control chart's reading; the facts
(runs, seasonal peak and trough, contributors, shares, highest since, year-on-year runs,
monthly averages); the force against its Most Similar Group; published tables.

The narrative reads the results in their JSON form (``crimeplan.codec.to_dict``), because
every number a sentence shows is a ``Figure``: its text, the value it was formatted from and
the path of that value in the results JSON (``results.json``, with the measure's
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
"close to the lower process limit in two of the last three months". The headline's test is
the quasi-Poisson one where the results hold it (it allows for the months' extra variation).
One sentence, "Taken together, …", joins the test and the chart into one verdict
(``outlook.verdict_sentence``): a change within chance beside a special cause of improvement
is an improvement already there a year ago; beyond chance beside common cause is
not yet sustained. A change within chance is called "stable" only when the chart agrees.

Missing pieces (None in the JSON) are simply not mentioned, with one exception: a change with
no test in the results says that it may be chance alone. A measure without data gets one
sentence that says so. Runs of monthly rises or falls are mentioned from ``MIN_RUN_STEPS``
month-on-month steps. The forecast's interval level ("80%") is formatted from its key
(``pi80``), the only figure not formatted from a value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from crimeplan.codec import to_dict
from crimeplan.measures.kinds import KINDS
from crimeplan.report.narrative.baseline import no_comparison_sentences
from crimeplan.report.narrative.check import NUMBER, figures_check, number_tokens
from crimeplan.report.narrative.context import (
    MIN_RUN_STEPS,
    MIN_YEARLY_RUN,
    contributor_sentences,
    extreme_since_sentences,
    monthly_average_sentence,
    run_sentence,
    seasonal_sentence,
    yearly_run_sentence,
)
from crimeplan.report.narrative.figures import (
    FORMATS,
    Figure,
    Part,
    Path,
    Sentence,
    calendar_month,
    chance,
    financial_year,
    key_level,
    lower_first,
    month_name,
    month_only,
    ordinal,
    times,
    wave,
)
from crimeplan.report.narrative.headline import count_headline, proportion_headline
from crimeplan.report.narrative.measure import MeasureView
from crimeplan.report.narrative.outlook import chart_sentences, target_and_forecast_sentences
from crimeplan.report.narrative.peers import peer_sentence, peer_trend_sentence
from crimeplan.report.narrative.published import missing_months_sentence, published_sentences
from crimeplan.results.measure import MeasureResult, MeasuresResult

__all__ = [
    "FORMATS",
    "MIN_RUN_STEPS",
    "MIN_YEARLY_RUN",
    "NUMBER",
    "Figure",
    "Part",
    "Path",
    "Sentence",
    "TOPICS",
    "calendar_month",
    "chance",
    "figures_check",
    "financial_year",
    "key_level",
    "lower_first",
    "measure_sentences",
    "month_name",
    "month_only",
    "number_tokens",
    "ordinal",
    "paragraphs",
    "sentences_from_json",
    "times",
    "wave",
]


def _one(make: Callable[[MeasureView], Sentence | None]) -> Topic:
    return lambda m: [make(m)]


Topic = Callable[[MeasureView], Sequence[Sentence | None]]

#: The narrative's sentences, by the name a measure kind lists them under
#: (``crimeplan.measures.kinds``), with the paragraph (topic) each goes in.
TOPICS: dict[str, tuple[str, Topic]] = {
    "count_headline": ("headline", count_headline),
    "proportion_headline": ("headline", proportion_headline),
    "published": ("headline", published_sentences),
    "outlook": ("outlook", target_and_forecast_sentences),
    "chart": ("outlook", chart_sentences),
    "contributors": ("context", contributor_sentences),
    "run": ("context", _one(run_sentence)),
    "seasonal": ("context", _one(seasonal_sentence)),
    "yearly_run": ("context", _one(yearly_run_sentence)),
    "extreme_since": ("context", extreme_since_sentences),
    "monthly_average": ("context", _one(monthly_average_sentence)),
    "peers": ("peers", lambda m: [peer_sentence(m), peer_trend_sentence(m)]),
    "missing": ("peers", _one(missing_months_sentence)),
}


#: The sentences that still hold when there is no year to date (no comparison year held):
#: they read the series, its chart and the peers, not the year to date.
_WITHOUT_YEAR_TO_DATE = frozenset({"chart", "run", "seasonal", "monthly_average", "peers"})


# -- the paragraph ---------------------------------------------------------------------------------
def measure_sentences(measure: MeasureResult, results: MeasuresResult) -> tuple[Sentence, ...]:
    """The paragraph for one measure, from its results only (see the module's docstring)."""
    top = {"period": to_dict(results.period), "plan": to_dict(results.plan)}
    return sentences_from_json(to_dict(measure), top)


def paragraphs(results: MeasuresResult) -> dict[str, tuple[Sentence, ...]]:
    """Every measure's paragraph, by measure id."""
    data = to_dict(results)
    return {m["id"]: sentences_from_json(m, data) for m in data["measures"]}


def sentences_from_json(
    measure: Mapping[str, Any], results: Mapping[str, Any]
) -> tuple[Sentence, ...]:
    """``measure_sentences`` on the JSON: one measure's dict and the results' dict (whose
    ``period`` and ``plan`` keys are read; its ``measures`` are not)."""
    m = MeasureView(measure, results)
    kind = measure["kind"]
    out: list[tuple[str, Sentence | None]] = []
    names = KINDS[kind].narrative
    if measure.get("ytd") is None and not measure.get("table"):
        # no year to date: the month's figure, and what will be compared when it can be
        out = [("headline", s) for s in no_comparison_sentences(m)]
        if measure.get("month_value") is None:
            return tuple(s for _, s in out if s is not None)
        names = tuple(name for name in names if name in _WITHOUT_YEAR_TO_DATE)
    for name in names:
        topic, sentences = TOPICS[name]
        if name == "seasonal" and m.rolling:
            continue  # a rolling year has no seasons of its own
        out.extend((topic, sentence) for sentence in sentences(m))
    return tuple(replace(s, topic=topic) for topic, s in out if s is not None)
