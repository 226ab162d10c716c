"""An MoJ proven-reoffending table: ``crimeplan import reoffending FILE``.

Rows are kept in the file's order (the table is published, not computed). A newer file for
the same publication and period replaces the whole table.
"""

from __future__ import annotations

from pathlib import Path

from crimeplan.data.sources.flow import Layout, TableLoad, Target, import_layout
from crimeplan.data.sources.importer import Importer, Request, single_file
from crimeplan.data.sources.sql import count, count_check, number, number_check, required, text
from crimeplan.data.store import ImportReport, Store

REOFFENDING = Layout(
    "reoffending",
    (
        "publication",
        "period",
        "level",
        "area",
        "cohort",
        "actual_rate",
        "predicted_rate",
        "baseline_change_pct",
        "baseline_label",
    ),
    optional=("baseline_label",),
    what="reoffending table CSV",
)
TARGET = Target(
    source="reoffending", table="reoffending", keys=("publication", "period"), month_column=None
)
RATES = ("actual_rate", "predicted_rate", "baseline_change_pct")


def import_reoffending(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """An MoJ proven-reoffending table, rows kept in the file's order. A newer file for the
    same publication and period replaces the whole table."""
    load = TableLoad(
        target=TARGET,
        values={
            "publication": text("publication"),
            "period": text("period"),
            "row_order": "CAST(row_number() OVER (ORDER BY source_line) AS INTEGER)",
            "level": text("level"),
            "area": text("area"),
            "cohort": count("cohort"),
            **{rate: number(rate) for rate in RATES},
            "baseline_label": text("baseline_label"),
        },
        checks=[
            required("publication", "publication"),
            required("period", "period"),
            required("level", "level"),
            required("area", "area"),
            count_check("cohort", "a whole number of 0 or more (e.g. 53,897)"),
            *[number_check(rate, "a number (e.g. 7.71% or 7.71)") for rate in RATES],
        ],
    )
    return import_layout(
        store, path, REOFFENDING, load, skip_bad=skip_bad, rejects_path=rejects_path
    )


def _load(store: Store, request: Request) -> ImportReport:
    return import_reoffending(
        store, request.path, skip_bad=request.skip_bad, rejects_path=request.rejects
    )


IMPORTER = Importer(
    name="reoffending",
    help="""Import an MoJ proven-reoffending table, keeping its row order.

    Example:

    \b
        crimeplan import reoffending examples/moj-reoffending-2013-02.csv --store force.duckdb
    """,
    layouts=(REOFFENDING,),
    targets=(TARGET,),
    run=single_file(_load),
)
