"""Notes on results, as codes with their parameters: what a reader should know about a
figure (months the store lacks, a comparison over fewer months, no population for a rate).

A note is data, ``{"code": "months_missing", "months": ["2012-05"]}``: the computing side
says what it found and never how to word it; the narrative (``crimeplan.report.narrative.
notes``) turns each code into English, in one place, and the pack's figure check reads the
numbers from here. A new code is a new class here and a sentence there.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from crimeplan.codec import omitted, result


# -- about one measure ----------------------------------------------------------------------------
@result
class MonthsMissing:
    """Months of the year to date or the baseline period the store holds no records for."""

    code: Literal["months_missing"] = "months_missing"
    months: tuple[str, ...]


@result
class PartialComparison:
    """Year to date compared over only the months held in both years (``months``, of ``of``)."""

    code: Literal["partial_comparison"] = "partial_comparison"
    months: tuple[str, ...]
    of: int


@result
class NoPopulation:
    """A rate with no population for its area."""

    code: Literal["no_population"] = "no_population"
    area: str


@result
class NoSurveyResults:
    """A survey measure the store has no results for, at that area."""

    code: Literal["no_survey_results"] = "no_survey_results"
    survey: str
    question: str
    area: str


@result
class NoPublishedTable:
    """A published measure whose table has not been imported."""

    code: Literal["no_published_table"] = "no_published_table"
    table: str


@result
class NotPublishedForArea:
    """A published table that has no row for the area asked for."""

    code: Literal["not_published_for_area"] = "not_published_for_area"
    area: str
    levels: tuple[str, ...]


@result
class PublishedCohort:
    """Which row of a published table the headline figure is, and its cohort."""

    code: Literal["published_cohort"] = "published_cohort"
    publication: str
    area: str
    cohort: int


MeasureNote = Annotated[
    MonthsMissing
    | PartialComparison
    | NoPopulation
    | NoSurveyResults
    | NoPublishedTable
    | NotPublishedForArea
    | PublishedCohort,
    Field(discriminator="code"),
]


# -- about the whole evaluation -------------------------------------------------------------------
@result
class OutsidePlanYear:
    """The as-at month lies outside the plan year: the year to date is another year's."""

    code: Literal["outside_plan_year"] = "outside_plan_year"
    as_at: str
    year: str
    plan_year: str
    baseline_year: str


@result
class UnknownFilterValue:
    """A filter value no record of the force holds (a misspelt category counts nothing)."""

    code: Literal["unknown_filter_value"] = "unknown_filter_value"
    source: str
    force: str
    column: str
    value: str
    suggestion: str | None = omitted()


@result
class SourceMonthsMissing:
    """Months of the periods compared for which a source holds no records at all."""

    code: Literal["source_months_missing"] = "source_months_missing"
    source: str
    months: tuple[str, ...]


DataNote = Annotated[
    OutsidePlanYear | UnknownFilterValue | SourceMonthsMissing,
    Field(discriminator="code"),
]
