"""Survey results: ``crimeplan import survey FILE [--force NAME]``.

Respondents and positive answers by survey, question, wave, period and area. A newer file
replaces the earlier results of the same question, period and area.
"""

from __future__ import annotations

from pathlib import Path

from crimeplan.data.ingest import RowCheck
from crimeplan.data.sources.flow import Layout, TableLoad, Target, import_layout
from crimeplan.data.sources.importer import FORCE, Importer, Request, single_file
from crimeplan.data.sources.sql import (
    count,
    count_check,
    date_check,
    day,
    force_check,
    force_value,
    is_count,
    level_check,
    period_end,
    required,
    text,
)
from crimeplan.data.store import ImportReport, Store

SURVEY = Layout(
    "survey",
    (
        "survey",
        "question",
        "wave",
        "period_start",
        "period_end",
        "area_level",
        "area",
        "respondents",
        "positive",
        "force",
    ),
    optional=("wave", "force"),
    what="survey results CSV",
)
TARGET = Target(
    source="survey",
    table="survey_responses",
    keys=("force", "survey", "question", "period_start", "period_end", "area_level", "area"),
    month_column="period_end",
)


def import_survey(
    store: Store,
    path: Path,
    *,
    force: str | None = None,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Survey results. Supersedes earlier results of the same question, period and area."""
    both = f"coalesce({is_count('respondents')} AND {is_count('positive')}, false)"
    dates = f"{day('period_start')} IS NOT NULL AND {period_end('period_end')} IS NOT NULL"
    load = TableLoad(
        target=TARGET,
        values={
            "force": force_value(force),
            "survey": text("survey"),
            "question": text("question"),
            "wave": text("wave"),
            "period_start": day("period_start"),
            "period_end": period_end("period_end"),
            "area_level": text("area_level"),
            "area": text("area"),
            "respondents": count("respondents"),
            "positive": count("positive"),
        },
        checks=[
            required("survey", "survey name"),
            required("question", "question"),
            date_check("period_start"),
            date_check("period_end"),
            RowCheck(
                "period_end",
                f"{dates} AND {period_end('period_end')} < {day('period_start')}",
                "period_end is before period_start",
            ),
            required("area_level", "area level"),
            level_check("area_level"),
            required("area", "area"),
            count_check("respondents"),
            count_check("positive"),
            RowCheck(
                "positive",
                f"{both} AND {count('positive')} > {count('respondents')}",
                "more positive answers than respondents",
            ),
            *force_check(force),
        ],
        force=force,
    )
    return import_layout(store, path, SURVEY, load, skip_bad=skip_bad, rejects_path=rejects_path)


def _load(store: Store, request: Request) -> ImportReport:
    return import_survey(
        store,
        request.path,
        force=request.text("force"),
        skip_bad=request.skip_bad,
        rejects_path=request.rejects,
    )


IMPORTER = Importer(
    name="survey",
    help="""Import survey results (respondents and positive answers by wave and area).

    Example:

    \b
        crimeplan import survey examples/survey.csv --force "Leicestershire Police" \\
            --store force.duckdb
    """,
    layouts=(SURVEY,),
    targets=(TARGET,),
    options=(FORCE,),
    run=single_file(_load),
)
