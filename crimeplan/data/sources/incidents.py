"""Incidents (calls for service): ``crimeplan import incidents FILE [--force NAME]``.

Caller and victim ids are pseudonymised on import (``crimeplan.data.sources.pseudonyms``). A
newer file replaces the earlier incidents of the same force and months.
"""

from __future__ import annotations

from pathlib import Path

from crimeplan.data.ingest import RowCheck
from crimeplan.data.sources.flow import (
    Layout,
    TableLoad,
    Target,
    already_imported,
    inspect_layout,
    load_staged,
    stage_file,
)
from crimeplan.data.sources.importer import FORCE, Importer, Request, single_file
from crimeplan.data.sources.pseudonyms import pseudonym, store_salt
from crimeplan.data.sources.sql import date_time, force_check, force_value, required, text
from crimeplan.data.store import ImportReport, Store, file_sha256

INCIDENTS = Layout(
    "incidents",
    (
        "incident_ref",
        "recorded_at",
        "category",
        "hate_strand",
        "caller_id",
        "small_area",
        "victim_id",
        "force",
    ),
    optional=("hate_strand", "caller_id", "small_area", "victim_id", "force"),
    what="incidents CSV",
)
TARGET = Target(source="incidents", table="incidents", keys=("force", "month"))


def import_incidents(
    store: Store,
    path: Path,
    *,
    force: str | None = None,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Calls for service. Supersedes earlier incidents of the same force and months."""
    found = inspect_layout(path, INCIDENTS)
    sha256 = file_sha256(path)
    done = already_imported(store, TARGET.source, path, sha256)
    if done:
        return done
    staged = stage_file(
        store, path, found, what=INCIDENTS.what, optional=INCIDENTS.optional, sha256=sha256
    )
    # The salt is made inside the import's transaction (after staging, whose line numbers
    # need rows outside one), so a refused file leaves no new salt behind.
    with store.transaction():
        load = _load_with(store_salt(store), force)
        return load_staged(store, staged, load, skip_bad=skip_bad, rejects_path=rejects_path)


def _load_with(salt: str, force: str | None) -> TableLoad:
    return TableLoad(
        target=TARGET,
        values={
            "incident_ref": text("incident_ref"),
            "force": force_value(force),
            "month": f"CAST(date_trunc('month', {date_time('recorded_at')}) AS DATE)",
            "recorded_at": date_time("recorded_at"),
            "category": text("category"),
            "hate_strand": text("hate_strand"),
            "caller_id": pseudonym("caller_id", salt, keep_pseudonyms=True),
            "victim_id": pseudonym("victim_id", salt, keep_pseudonyms=True),
            "small_area": text("small_area"),
        },
        checks=[
            required("incident_ref", "incident reference"),
            RowCheck(
                "recorded_at",
                f"{date_time('recorded_at')} IS NULL",
                "not a date-time; expected YYYY-MM-DD HH:MM (or DD/MM/YYYY HH:MM), "
                "e.g. 2013-04-30 21:15",
            ),
            required("category", "category"),
            *force_check(force),
        ],
        force=force,
    )


def _load(store: Store, request: Request) -> ImportReport:
    return import_incidents(
        store,
        request.path,
        force=request.text("force"),
        skip_bad=request.skip_bad,
        rejects_path=request.rejects,
    )


IMPORTER = Importer(
    name="incidents",
    help="""Import incidents (calls for service); caller ids are pseudonymised on import.

    Example:

    \b
        crimeplan import incidents examples/incidents.csv --force "Leicestershire Police" \\
            --store force.duckdb
    """,
    layouts=(INCIDENTS,),
    targets=(TARGET,),
    options=(FORCE,),
    run=single_file(_load),
)
