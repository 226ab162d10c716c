"""The results' notes in words: one sentence for each note code, in one place.

The computing side says what it found as a code with parameters
(``crimeplan.results.notes``, the data-quality notes of ``crimeplan.results.pack``); this
module is the only place they become English, for the pack, the commands and the web.
"""

from __future__ import annotations

from collections.abc import Sequence

from crimeplan.periods import parse_month
from crimeplan.report.narrative.dates import month_label, month_span
from crimeplan.results.measure import Comparison, DataSource
from crimeplan.results.notes import (
    DataNote,
    MeasureNote,
    MonthsMissing,
    NoPopulation,
    NoPublishedTable,
    NoSurveyResults,
    NotPublishedForArea,
    OutsidePlanYear,
    PartialComparison,
    PublishedCohort,
    SourceMonthsMissing,
    UnknownFilterValue,
)
from crimeplan.results.pack import QualityNote


def plural(count: int, word: str, words: str | None = None) -> str:
    """``plural(1, "row")`` → ``"1 row"``; ``plural(2, "row")`` → ``"2 rows"``."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def listed(items: Sequence[str], word: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def measure_note(note: MeasureNote) -> str:
    """A note on one measure, as a sentence fragment."""
    match note:
        case MonthsMissing(months=months):
            return f"no figures for {months_listed(months)}"
        case PartialComparison(months=months, of=of):
            return (
                f"compared over the {len(months)} of {of} months held for both "
                f"years: {months_listed(months)}"
            )
        case NoPopulation(area=area):
            return f"no population figures for {area}: import population first"
        case NoSurveyResults(survey=survey, question=question, area=area):
            level, _, name = area.partition(":")
            return f"no survey results for '{survey}' / '{question}' at {level} '{name}'"
        case NoPublishedTable(table=table):
            return f"no {table} table has been imported: import one first"
        case NotPublishedForArea(area=area, levels=levels):
            return f"the published table has no row for {area}; it is published by {listed(levels)}"
        case PublishedCohort(publication=publication, area=area, cohort=cohort):
            return f"{publication}: {area} cohort {cohort:,}"
    raise AssertionError(f"no words for {note!r}")  # pragma: no cover


def data_note(note: DataNote) -> str:
    """A note on the whole evaluation (the store, the plan year), as a sentence fragment."""
    match note:
        case OutsidePlanYear(as_at=as_at, year=year, plan_year=plan_year, baseline_year=base):
            return (
                f"as at {month_label(as_at)} is in {year}, outside the plan year {plan_year}: the "
                "year to "
                f"date is compared with the same months of {base}, and the plan's targets are "
                "judged against that"
            )
        case UnknownFilterValue(
            source=source, force=force, column=column, value=value, suggestion=suggestion
        ):
            hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
            return (
                f"no {source} record of {force} has {column} '{value}'{hint}: a measure "
                "filtering on it counts nothing"
            )
        case SourceMonthsMissing(source=source, months=months):
            return f"{source}: no records for {months_listed(months)}"
    raise AssertionError(f"no words for {note!r}")  # pragma: no cover


def quality_note(note: QualityNote) -> str:
    """A data-quality note, one line per force and kind."""
    span = ""
    if note.months:
        first, last = note.months[0], note.months[-1]
        span = f" in {plural(len(note.months), 'month')}" + (f" ({month_span(first, last)})")
    force, rows = note.force, note.rows
    if note.code == "no_location":
        return f"{force}: {plural(rows, 'row')} with no location{span}"
    if note.code == "repeated_crime_id":
        return f"{force}: {plural(rows, 'row')} sharing a Crime ID within a month{span}"
    if note.code == "identical_asb_rows":
        return (
            f"{force}: {plural(rows, 'anti-social behaviour row')} identical to another{span} "
            "(separate incidents, all counted)"
        )
    if note.code == "repeated_crime_id_across_months":
        ids = note.crime_ids or 0
        verb = "appears" if ids == 1 else "appear"
        months = " and ".join(month_label(m) for m in note.example_months or ())
        return (
            f"{force}: {plural(ids, 'Crime ID')} {verb} in more than one month "
            f"({plural(rows, 'row')}, e.g. in {months}); "
            "each month's row is counted in its month"
        )
    return (
        f"{force}: {plural(rows, 'row')} ({note.share_pct:.1f}%) geocoded to small areas "
        "outside the force's areas: counted for the force, in none of its areas"
    )


def months_listed(months: Sequence[str]) -> str:
    """``["2013-05", "2013-06"]`` → ``"May 2013 and June 2013"``."""
    return listed([month_label(m) for m in months])


def _month_year(month: str) -> str:
    return parse_month(month).strftime("%B %Y")


def comparison_text(comparison: Comparison) -> str:
    """What a measure's figure is compared with, in words: ``year to date against the same
    period of 2012/13 (April 2012)``."""
    current, baseline = comparison.current, comparison.baseline
    if comparison.basis == "year_to_date":
        first, last = parse_month(baseline[0]), parse_month(baseline[-1])
        span = first.strftime("%B %Y")
        if last != first:
            span = f"{first.strftime('%B')}–{last.strftime('%B %Y')}"
        return f"year to date against the same period of {comparison.baseline_year} ({span})"
    if comparison.basis in ("rolling_12", "month"):
        label = "rolling 12 months to" if comparison.basis == "rolling_12" else "month of"
        return f"{label} {_month_year(current[0])} against {label} {_month_year(baseline[0])}"
    if comparison.basis == "wave":
        latest = wave_name(current[0])
        if not baseline:
            return f"{latest}, the only wave"
        return f"{latest} against {wave_name(baseline[0])}"
    label = comparison.baseline_label or "as published"
    return (
        f"actual against predicted rate, {comparison.period} "
        f"({comparison.publication}; baseline {label})"
    )


def wave_name(label: str | None) -> str:
    """``33`` → ``wave 33``; a label that already says what it is stays as it is."""
    text = str(label or "").strip()
    return f"wave {text}" if text.isdigit() else text or "the wave"


#: What each importer's files are, in words, for the pack's "Data used" table.
SOURCE_NAMES = {
    "policeuk-street": "police.uk street-level crimes",
    "policeuk-outcomes": "police.uk outcomes",
    "crimes": "the force's crime records",
    "incidents": "calls for service (incidents)",
    "survey": "survey results",
    "surveys": "survey results",
    "reoffending": "published reoffending table",
    "peers": "Most Similar Group figures",
    "population": "population estimates",
    "areas": "areas (small area to ward and local policing unit)",
}


def source_rows(sources: Sequence[DataSource]) -> list[tuple[str, str, str, str]]:
    """The pack's "Data used" table: one row per source (its files together), as
    (source, files, rows, months). File names, import dates and checksums are for the
    analyst (``data/sources.csv``), not the board."""
    groups: dict[str, list[DataSource]] = {}
    for s in sources:
        name = SOURCE_NAMES.get(s.source, s.source.replace("-", " "))
        if s.note:
            name += f" ({s.note})"
        groups.setdefault(name, []).append(s)
    rows = []
    for name, group in groups.items():
        firsts = [s.first_month for s in group if s.first_month]
        lasts = [s.last_month or s.first_month for s in group if s.first_month]
        months = month_span(min(firsts), max(m for m in lasts if m)) if firsts else ""
        rows.append((name, f"{len(group):,}", f"{sum(s.rows for s in group):,}", months))
    return rows
