"""The store's tables, and the migrations that build them.

Every migration is a list of SQL statements with a number. A store records the highest
number applied in ``schema_version``; opening a store applies the missing ones in order, in
one transaction each. Never edit a released migration: add a new one.

Canonical tables (every importer writes one of them; ``import_id`` points at ``imports``):

``imports``           one row per imported file: source type, file name, sha256, rows,
                      rejected rows, force, months covered, when, and which later import
                      superseded it
``crimes``            one row per crime or ASB record, police.uk or a force's own extract
``outcomes``          police.uk outcomes files: the outcome of a crime, by month
``incidents``         calls for service / non-crime incidents, pseudonymised caller id
``survey_responses``  survey results: respondents and positive answers by wave/period and area
``reoffending``       MoJ proven-reoffending table, as published
``peer_figures``      Most Similar Group figures by force, measure and month
``populations``       population by area and year
``areas``             geography: each small area (LSOA) with its neighbourhood, LPU, local authority
``area_sets``         named sets of areas (e.g. priority areas)
``milestone_updates`` leads' progress updates on milestones: who, when, what (append-only)
``pack_results``      each board pack's results (results.json) as written by ``report``, one
                      per plan and as-at month: the next pack's "since the last meeting"
``target_actions``    actions on targets recorded with ``crimeplan update --action``: what,
                      who owns it, when it reports back (append-only; the latest counts)

And two of its own: ``schema_version`` (the migrations applied) and
``crimeplan_pseudonym_salt`` (the secret salt of the pseudonymised victim and caller ids).
``TABLES`` lists every table, read from the statements below, so that a new migration's
table is in it without anyone remembering to add it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


#: The table of applied migrations; ``Store.open`` makes it before the first migration.
SCHEMA_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL, description VARCHAR)"
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "first release: imports, crimes, outcomes, incidents, surveys, reoffending, peers, "
        "populations, areas",
        (
            """CREATE TABLE imports (
                import_id INTEGER PRIMARY KEY,
                source VARCHAR NOT NULL,
                file_name VARCHAR NOT NULL,
                sha256 VARCHAR NOT NULL,
                rows BIGINT NOT NULL,
                rejected BIGINT NOT NULL DEFAULT 0,
                rows_replaced BIGINT NOT NULL DEFAULT 0,
                force VARCHAR,
                first_month DATE,
                last_month DATE,
                imported_at TIMESTAMP NOT NULL,
                superseded_by INTEGER,
                note VARCHAR
            )""",
            """CREATE TABLE crimes (
                import_id INTEGER NOT NULL,
                source_line BIGINT,
                crime_ref VARCHAR,
                force VARCHAR NOT NULL,
                month DATE NOT NULL,
                recorded_at TIMESTAMP,
                category VARCHAR NOT NULL,
                offence_group VARCHAR,
                offence VARCHAR,
                offence_code VARCHAR,
                small_area VARCHAR,
                small_area_name VARCHAR,
                location VARCHAR,
                longitude DOUBLE,
                latitude DOUBLE,
                domestic BOOLEAN,
                hate_strand VARCHAR,
                knife BOOLEAN,
                gun BOOLEAN,
                business BOOLEAN,
                outcome VARCHAR,
                outcome_date DATE,
                solved BOOLEAN,
                victim_id VARCHAR,
                reported_by VARCHAR,
                context VARCHAR
            )""",
            """CREATE TABLE outcomes (
                import_id INTEGER NOT NULL,
                source_line BIGINT,
                crime_ref VARCHAR NOT NULL,
                force VARCHAR NOT NULL,
                month DATE NOT NULL,
                reported_by VARCHAR,
                longitude DOUBLE,
                latitude DOUBLE,
                location VARCHAR,
                small_area VARCHAR,
                small_area_name VARCHAR,
                outcome VARCHAR NOT NULL
            )""",
            """CREATE TABLE incidents (
                import_id INTEGER NOT NULL,
                source_line BIGINT,
                incident_ref VARCHAR,
                force VARCHAR NOT NULL,
                month DATE NOT NULL,
                recorded_at TIMESTAMP,
                category VARCHAR NOT NULL,
                hate_strand VARCHAR,
                caller_id VARCHAR,
                victim_id VARCHAR,
                small_area VARCHAR
            )""",
            """CREATE TABLE survey_responses (
                import_id INTEGER NOT NULL,
                source_line BIGINT,
                force VARCHAR NOT NULL,
                survey VARCHAR NOT NULL,
                question VARCHAR NOT NULL,
                wave VARCHAR,
                period_start DATE NOT NULL,
                period_end DATE NOT NULL,
                area_level VARCHAR NOT NULL,
                area VARCHAR NOT NULL,
                respondents BIGINT NOT NULL,
                positive BIGINT NOT NULL
            )""",
            """CREATE TABLE reoffending (
                import_id INTEGER NOT NULL,
                source_line BIGINT,
                publication VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                row_order INTEGER NOT NULL,
                level VARCHAR NOT NULL,
                area VARCHAR NOT NULL,
                cohort BIGINT NOT NULL,
                actual_rate DOUBLE NOT NULL,
                predicted_rate DOUBLE NOT NULL,
                baseline_change_pct DOUBLE NOT NULL,
                baseline_label VARCHAR
            )""",
            """CREATE TABLE peer_figures (
                import_id INTEGER NOT NULL,
                source_line BIGINT,
                force VARCHAR NOT NULL,
                measure VARCHAR NOT NULL,
                month DATE NOT NULL,
                value DOUBLE NOT NULL,
                denominator DOUBLE
            )""",
            """CREATE TABLE populations (
                import_id INTEGER NOT NULL,
                source_line BIGINT,
                area_level VARCHAR NOT NULL,
                area VARCHAR NOT NULL,
                year INTEGER NOT NULL,
                population BIGINT NOT NULL
            )""",
            """CREATE TABLE areas (
                import_id INTEGER NOT NULL,
                small_area VARCHAR NOT NULL,
                small_area_name VARCHAR,
                neighbourhood VARCHAR,
                lpu VARCHAR,
                local_authority VARCHAR,
                force VARCHAR
            )""",
            """CREATE TABLE area_sets (
                import_id INTEGER NOT NULL,
                set_name VARCHAR NOT NULL,
                level VARCHAR NOT NULL,
                area VARCHAR NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "the store's secret salt for pseudonymising victim and caller ids",
        (
            # one row, made on first use by crimeplan.data.sources.pseudonyms.store_salt
            "CREATE TABLE IF NOT EXISTS crimeplan_pseudonym_salt (salt VARCHAR NOT NULL)",
        ),
    ),
    Migration(
        3,
        "milestone updates: leads' progress updates, appended and never overwritten",
        (
            """CREATE TABLE milestone_updates (
                update_id INTEGER PRIMARY KEY,
                plan_title VARCHAR NOT NULL,
                milestone_id VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                note VARCHAR NOT NULL,
                updated_by VARCHAR NOT NULL,
                update_date DATE NOT NULL,
                recorded_at TIMESTAMP NOT NULL
            )""",
        ),
    ),
    Migration(
        4,
        "board packs' results (the change since the last meeting) and actions on targets",
        (
            """CREATE TABLE pack_results (
                plan_title VARCHAR NOT NULL,
                as_at DATE NOT NULL,
                board_date DATE,
                written_at TIMESTAMP NOT NULL,
                results VARCHAR NOT NULL
            )""",
            """CREATE TABLE target_actions (
                action_id INTEGER PRIMARY KEY,
                plan_title VARCHAR NOT NULL,
                milestone_id VARCHAR NOT NULL,
                measure_id VARCHAR NOT NULL,
                text VARCHAR NOT NULL,
                owner VARCHAR NOT NULL,
                due DATE NOT NULL,
                recorded_at TIMESTAMP NOT NULL
            )""",
        ),
    ),
)

CURRENT_VERSION = MIGRATIONS[-1].version

#: The store's tables that hold imported rows, each with ``import_id``.
DATA_TABLES = (
    "crimes",
    "outcomes",
    "incidents",
    "survey_responses",
    "reoffending",
    "peer_figures",
    "populations",
    "areas",
    "area_sets",
)


_CREATE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)
_DROP = re.compile(r"^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\w+)", re.IGNORECASE)


def _tables(statements: tuple[str, ...]) -> tuple[str, ...]:
    """The tables that ``statements``, run in order, leave: each CREATE TABLE adds its
    table, each DROP TABLE takes it away."""
    tables: list[str] = []
    for statement in statements:
        if created := _CREATE.match(statement):
            tables.append(created.group(1))
        elif dropped := _DROP.match(statement):
            tables.remove(dropped.group(1))
    return tuple(tables)


#: Every table of a store at ``CURRENT_VERSION``, in the order they were made.
TABLES: tuple[str, ...] = _tables(
    (SCHEMA_VERSION_TABLE, *(s for m in MIGRATIONS for s in m.statements))
)

#: Tables holding secrets, which never leave the DuckDB store (``copy_store`` skips them):
#: with the salt, anyone holding a list of candidate victim or caller ids could work out
#: whose pseudonym is whose.
SECRET_TABLES: tuple[str, ...] = ("crimeplan_pseudonym_salt",)
