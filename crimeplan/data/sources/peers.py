"""Peer-force (Most Similar Group) figures: ``crimeplan import peers FILE [--format F]``.

Two formats fill the same table: ``generic`` (force, measure, month, value, denominator) and
``ons-pfa``, the ONS/Home Office rolling-year recorded crime by police force area file
(rec-crime-pfa.csv). A newer file replaces the earlier figures of the same force, measure
and month.
"""

from __future__ import annotations

from pathlib import Path

from crimeplan.data.ingest import RowCheck
from crimeplan.data.sources.flow import Layout, Note, TableLoad, Target, import_layout
from crimeplan.data.sources.importer import Importer, Option, Request, single_file
from crimeplan.data.sources.sql import (
    col,
    count_check,
    month,
    month_check,
    number,
    number_check,
    required,
    slug,
    text,
)
from crimeplan.data.store import ImportReport, Store

PEERS = Layout(
    "peers",
    ("force", "measure", "month", "value", "denominator"),
    optional=("denominator",),
    what="peer figures CSV",
)
ONS_PFA = Layout(
    "peers --format ons-pfa",
    ("12 months ending", "PFA", "Region", "Offence", "Rolling year total number of offences"),
    what="ONS recorded crime by police force area CSV (rec-crime-pfa.csv)",
)
TARGET = Target(source="peers", table="peer_figures", keys=("force", "measure", "month"))

ONS_PFA_NOTE = "ONS rolling-year recorded crime by PFA (rec-crime-pfa.csv)"
ONS_DATE = f"try_strptime(trim({col('12 months ending')}), '%d/%m/%Y')"
ONS_COUNT = "Rolling year total number of offences"
FRAUD = f"coalesce({col('Region')}, '') LIKE 'Fraud:%'"


def import_peers(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """Peer-force figures by force, measure and month."""
    load = TableLoad(
        target=TARGET,
        values={
            "force": text("force"),
            "measure": text("measure"),
            "month": month("month"),
            "value": number("value"),
            "denominator": f"CASE WHEN {text('denominator')} IS NOT NULL "
            f"THEN {number('denominator')} END",
        },
        checks=[
            required("force", "force"),
            required("measure", "measure"),
            month_check("month"),
            number_check("value"),
            number_check("denominator", "a number (or blank)", blank=True),
        ],
    )
    return import_layout(store, path, PEERS, load, skip_bad=skip_bad, rejects_path=rejects_path)


def import_peers_ons_pfa(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """The ONS/Home Office rolling-year recorded crime by police force area file.

    measure = the offence slugged, month = the month the 12 months end in, value = the count.
    The fraud reporting bodies (Region 'Fraud: …') are left out; negative counts are kept.
    """
    load = TableLoad(
        target=TARGET,
        values={
            "force": text("PFA"),
            "measure": slug("Offence"),
            "month": f"CAST(date_trunc('month', {ONS_DATE}) AS DATE)",
            "value": number(ONS_COUNT),
            "denominator": "NULL",
        },
        checks=[
            RowCheck(
                "12 months ending",
                f"{ONS_DATE} IS NULL",
                "not a date; expected DD/MM/YYYY, e.g. 31/03/2013",
            ),
            required("PFA", "police force area"),
            required("Offence", "offence"),
            count_check(ONS_COUNT, "a whole number", signed=True),
        ],
        where=f"NOT {FRAUD}",
        note=ONS_PFA_NOTE,
        notes=[
            Note(
                FRAUD,
                "left out {n} rows of the fraud reporting bodies ({values}): "
                "they are not police force areas",
                values=text("PFA"),
            ),
            Note(
                f"NOT {FRAUD} AND day({ONS_DATE}) <> day(last_day({ONS_DATE}))",
                "{n} rows dated {values} taken as the end of that month (quarter end)",
                values=f"trim({col('12 months ending')})",
            ),
            Note(
                f"NOT {FRAUD} AND trim({col(ONS_COUNT)}) LIKE '-%'",
                "{n} rows have negative counts (source adjustments), kept as published, "
                "e.g. {values}",
                values=f"trim({col('PFA')}) || ', ' || trim({col('Offence')}) || ', ' || "
                f"trim({col('12 months ending')}) || ': ' || trim({col(ONS_COUNT)})",
                shown=3,
            ),
        ],
    )
    return import_layout(store, path, ONS_PFA, load, skip_bad=skip_bad, rejects_path=rejects_path)


#: ``--format``: each format's import.
FORMATS = {"generic": import_peers, "ons-pfa": import_peers_ons_pfa}


def _load(store: Store, request: Request) -> ImportReport:
    run = FORMATS[request.text("format") or "generic"]
    return run(store, request.path, skip_bad=request.skip_bad, rejects_path=request.rejects)


IMPORTER = Importer(
    name="peers",
    help="""Import peer-force (Most Similar Group) figures.

    Example:

    \b
        crimeplan import peers examples/rec-crime-pfa.csv --format ons-pfa --store force.duckdb
    """,
    layouts=(PEERS, ONS_PFA),
    targets=(TARGET,),
    options=(
        Option(
            "--format",
            "format",
            "generic: force,measure,month,value,denominator; "
            "ons-pfa: the ONS rolling-year recorded crime by PFA file (rec-crime-pfa.csv).",
            choices=tuple(FORMATS),
            default="generic",
        ),
    ),
    run=single_file(_load),
)
