"""The rules every row keeps (``RowCheck``), the table columns each kind of file fills, as
SQL over the read rows, and ``KindSpec``: what differs between street and outcomes files."""

from __future__ import annotations

from dataclasses import dataclass

from crimeplan.data import categories
from crimeplan.data.ingest import RowCheck, trimmed
from crimeplan.data.policeuk.files import (
    KIND_DESCRIPTIONS,
    OUTCOMES_HEADER,
    OUTCOMES_SOURCE,
    STREET_HEADER,
    STREET_SOURCE,
    Kind,
)


def _blank_check(column: str) -> str:
    return f"\"{column}\" IS NULL OR {trimmed(column)} = ''"


def _common_checks() -> list[RowCheck]:
    return [
        RowCheck(
            "Month",
            f'"Month" IS NULL OR NOT regexp_full_match({trimmed("Month")}, '
            "'\\d{4}-(0[1-9]|1[0-2])')",
            "not a month; expected YYYY-MM, e.g. 2022-10",
        ),
        RowCheck("Falls within", _blank_check("Falls within"), "the force is missing"),
        RowCheck(
            "Longitude",
            '"Longitude" IS NOT NULL AND coalesce(NOT (TRY_CAST("Longitude" AS DOUBLE) '
            "BETWEEN -180 AND 180), true)",
            "not a longitude; expected a number from -180 to 180, or blank",
        ),
        RowCheck(
            "Latitude",
            '"Latitude" IS NOT NULL AND coalesce(NOT (TRY_CAST("Latitude" AS DOUBLE) '
            "BETWEEN -90 AND 90), true)",
            "not a latitude; expected a number from -90 to 90, or blank",
        ),
    ]


def street_checks() -> list[RowCheck]:
    """The rules every row of a street file keeps."""
    known = ", ".join("'" + name.replace("'", "''") + "'" for name in categories.KNOWN)
    return [
        *_common_checks(),
        RowCheck(
            "Crime type",
            f'"Crime type" IS NULL OR "Crime type" NOT IN ({known})',
            "not a police.uk crime type; expected one of " + ", ".join(categories.KNOWN),
        ),
        RowCheck(
            "Crime ID",
            # only for a known crime type: an unknown one is reported as such, on its own
            f'({_blank_check("Crime ID")}) AND "Crime type" IN ({known}) '
            f"AND \"Crime type\" <> '{categories.ASB}'",
            "only anti-social behaviour rows may have no Crime ID",
        ),
    ]


def outcomes_checks() -> list[RowCheck]:
    """The rules every row of an outcomes file keeps."""
    return [
        *_common_checks(),
        RowCheck("Crime ID", _blank_check("Crime ID"), "the Crime ID is missing"),
        RowCheck("Outcome type", _blank_check("Outcome type"), "the outcome is missing"),
    ]


def _blank(column: str) -> str:
    return f"nullif({trimmed(column)}, '')"


#: The month of a row that passed the checks (``YYYY-MM``): a cast, cheaper than strptime.
_MONTH = f"({trimmed('Month')} || '-01')::DATE"

#: The crimes table's columns a street file fills, as SQL over the read rows.
STREET_COLUMNS: dict[str, str] = {
    "source_line": "source_line",
    "crime_ref": _blank("Crime ID"),
    "force": trimmed("Falls within"),
    "month": _MONTH,
    "category": categories.mapping_sql('"Crime type"'),
    "small_area": _blank("LSOA code"),
    "small_area_name": _blank("LSOA name"),
    "location": '"Location"',
    "longitude": 'TRY_CAST("Longitude" AS DOUBLE)',
    "latitude": 'TRY_CAST("Latitude" AS DOUBLE)',
    "outcome": _blank("Last outcome category"),
    "reported_by": _blank("Reported by"),
    "context": _blank("Context"),
}

#: The outcomes table's columns, as SQL over the read rows.
OUTCOMES_COLUMNS: dict[str, str] = {
    "source_line": "source_line",
    "crime_ref": trimmed("Crime ID"),
    "force": trimmed("Falls within"),
    "month": _MONTH,
    "reported_by": _blank("Reported by"),
    "longitude": 'TRY_CAST("Longitude" AS DOUBLE)',
    "latitude": 'TRY_CAST("Latitude" AS DOUBLE)',
    "location": '"Location"',
    "small_area": _blank("LSOA code"),
    "small_area_name": _blank("LSOA name"),
    "outcome": trimmed("Outcome type"),
}


@dataclass(frozen=True)
class KindSpec:
    """What differs between street and outcomes files."""

    kind: Kind
    source: str
    table: str
    header: tuple[str, ...]
    checks: tuple[RowCheck, ...]
    mapping: dict[str, str]
    legacy: tuple[str, ...]  # published crime types counted for the notes

    @property
    def what(self) -> str:
        return KIND_DESCRIPTIONS[self.kind]


def spec_for(kind: Kind) -> KindSpec:
    """What differs for a kind of file: its source, table, header, checks and mapping."""
    if kind == "street":
        return KindSpec(
            kind, STREET_SOURCE, "crimes", STREET_HEADER, tuple(street_checks()),
            STREET_COLUMNS, tuple(categories.LEGACY),
        )  # fmt: skip
    return KindSpec(
        kind, OUTCOMES_SOURCE, "outcomes", OUTCOMES_HEADER, tuple(outcomes_checks()),
        OUTCOMES_COLUMNS, (),
    )  # fmt: skip


def bad_row_sql(spec: KindSpec) -> str:
    """SQL true for a row breaking any of the kind's checks, false otherwise."""
    return "coalesce(" + " OR ".join(f"({c.bad_when})" for c in spec.checks) + ", false)"


def escape_quotes(text: str) -> str:
    """``text`` for inside a single-quoted SQL literal: each ``'`` doubled."""
    return text.replace("'", "''")
