"""Importers for everything but crime records: incidents, surveys, reoffending, peer figures,
populations and areas. (A force's own crime extract is in ``crimeplan.data.extract``.)

Each importer is a ``Layout`` (the header it expects) and a ``TableLoad`` (how the staged text
columns become the store table's typed columns, which rows are bad, which earlier rows the file
supersedes). ``load_table`` runs the shared flow::

    inspect the file ─▶ same sha256 already imported? stop ─▶ stage (DuckDB read_csv)
      ─▶ bad rows: stop on the first, or set aside ─▶ typed rows ─▶ Store.replace

so every importer has the same guarantees: all-or-nothing, re-importing the same file adds
nothing, a newer file replaces the rows it supersedes (by the load's key columns).
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crimeplan.data.ingest import (
    RowCheck,
    a,
    display_name,
    drop_staged,
    inspect_text_file,
    settle_bad_rows,
    stage_csv,
)
from crimeplan.data.store import ImportReport, Store, file_sha256
from crimeplan.errors import InputFileError

# -- SQL over staged text columns -------------------------------------------------------------

_INTEGER = r"([0-9]{1,3}(,[0-9]{3})+|[0-9]+)"
_NUMBER = rf"-?{_INTEGER}(\.[0-9]+)?%?"


def col(name: str) -> str:
    """A quoted column name."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def text(name: str) -> str:
    """The column's value, trimmed; blank is NULL."""
    return f"nullif(trim({col(name)}), '')"


def is_number(name: str) -> str:
    """True for 12, -3.5, 53,897, 7.71% (thousands separators and a trailing % accepted)."""
    return f"regexp_full_match(trim({col(name)}), {lit(_NUMBER)})"


def number(name: str) -> str:
    return f"CAST(replace(rtrim(trim({col(name)}), '%'), ',', '') AS DOUBLE)"


def is_count(name: str, *, signed: bool = False) -> str:
    """True for a whole number (non-negative unless ``signed``), thousands separators allowed."""
    pattern = ("-?" if signed else "") + _INTEGER
    return f"regexp_full_match(trim({col(name)}), {lit(pattern)})"


def count(name: str) -> str:
    return f"CAST(replace(trim({col(name)}), ',', '') AS BIGINT)"


def day(name: str) -> str:
    """A YYYY-MM-DD date, or a YYYY-MM month (its first day); NULL if neither."""
    value = f"trim({col(name)})"
    return (
        f"CAST(CASE WHEN regexp_full_match({value}, '[0-9]{{4}}-[0-9]{{2}}') "
        f"THEN try_strptime({value} || '-01', '%Y-%m-%d') "
        f"WHEN regexp_full_match({value}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"THEN try_strptime({value}, '%Y-%m-%d') END AS DATE)"
    )


def period_end(name: str) -> str:
    """Like ``day``, but a YYYY-MM month means its last day."""
    value = f"trim({col(name)})"
    return (
        f"CASE WHEN regexp_full_match({value}, '[0-9]{{4}}-[0-9]{{2}}') "
        f"THEN last_day({day(name)}) ELSE {day(name)} END"
    )


def month(name: str) -> str:
    return f"CAST(date_trunc('month', {day(name)}) AS DATE)"


def required(name: str, what: str) -> RowCheck:
    return RowCheck(name, f"{text(name)} IS NULL", f"missing {what}")


def number_check(name: str, what: str = "a number") -> RowCheck:
    return RowCheck(name, f"NOT coalesce({is_number(name)}, false)", f"not {what}")


def count_check(name: str, what: str = "a whole number of 0 or more") -> RowCheck:
    return RowCheck(name, f"NOT coalesce({is_count(name)}, false)", f"not {what}")


def date_check(name: str) -> RowCheck:
    return RowCheck(
        name, f"{day(name)} IS NULL", "not a date; expected YYYY-MM-DD or YYYY-MM, e.g. 2013-04-30"
    )


def month_check(name: str) -> RowCheck:
    return RowCheck(
        name, f"{day(name)} IS NULL", "not a month; expected YYYY-MM (or YYYY-MM-DD), e.g. 2013-04"
    )


# -- pseudonyms --------------------------------------------------------------------------------

_SALT_TABLE = "crimeplan_pseudonym_salt"
PSEUDONYM_PATTERN = "[0-9a-f]{64}"


def store_salt(store: Store) -> str:
    """The store's own secret salt for pseudonyms, made on first use.

    Kept inside the store so that the same person gets the same pseudonym in every import
    into that store (repeat victims and callers), and a different one in any other store.
    """
    row = store.con.execute(f"SELECT salt FROM {_SALT_TABLE} LIMIT 1").fetchone()
    if row:
        return str(row[0])
    salt = secrets.token_hex(32)
    store.con.execute(f"INSERT INTO {_SALT_TABLE} VALUES (?)", [salt])
    return salt


def pseudonym(name: str, salt: str, *, keep_pseudonyms: bool = False) -> str:
    """SQL: sha256(salt || id) as 64 hex digits; blank stays NULL.

    With ``keep_pseudonyms`` a value that already is 64 lower-case hex digits is kept as is.
    """
    hashed = f"sha256({lit(salt)} || {text(name)})"
    if keep_pseudonyms:
        return (
            f"CASE WHEN regexp_full_match({text(name)}, {lit(PSEUDONYM_PATTERN)}) "
            f"THEN {text(name)} ELSE {hashed} END"
        )
    return hashed


# -- the shared flow -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """A CSV layout an importer accepts: the header, which columns may be left out."""

    name: str
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()
    what: str = ""

    @property
    def header(self) -> str:
        return ",".join(self.columns)


@dataclass(frozen=True)
class Note:
    """Something worth saying about an import: ``text`` with ``{n}`` rows where ``when``
    holds and ``{values}`` the first ``shown`` distinct values of ``values`` among them."""

    when: str
    text: str
    values: str | None = None
    shown: int = 5


@dataclass(frozen=True)
class TableLoad:
    """How staged rows become rows of a store table."""

    source: str
    table: str
    values: Mapping[str, str]
    checks: Sequence[RowCheck] = ()
    keys: Sequence[str] = ()
    month_column: str | None = "month"
    where: str | None = None
    notes: Sequence[Note] = ()
    force: str | None = None
    note: str | None = None
    order_by: str = "source_line"


@dataclass(frozen=True)
class Staged:
    """A file read into a TEMP table (all VARCHAR plus ``source_line``)."""

    path: Path
    display: str
    sha256: str
    columns: list[str]
    table: str
    rejects: str
    extra: list[str] = field(default_factory=list)


def already_imported(store: Store, source: str, path: Path, sha256: str) -> ImportReport | None:
    if store.find_import(source, sha256) is None:
        return None
    return ImportReport(file=display_name(path), source=source, rows=0, already_imported=True)


def stage_file(
    store: Store,
    path: Path,
    columns: Sequence[str],
    *,
    what: str,
    optional: Sequence[str] = (),
    sha256: str | None = None,
    source_path: Path | None = None,
) -> Staged:
    """Stage a checked CSV file; columns of ``optional`` it lacks are added as NULL.

    ``source_path`` is the file the user named when ``path`` is a CSV made from it (an Excel
    extract): messages and the rejects file name it.
    """
    original = source_path or path
    name = display_name(original)
    duplicated = sorted({c for c in columns if list(columns).count(c) > 1})
    if duplicated:
        raise InputFileError(
            f"{name}:1: column '{duplicated[0]}' appears more than once in the header; "
            f"expected {a(what)} with one column of each name"
        )
    try:
        table, rejects = stage_csv(store, path, columns, what=what)
    except InputFileError as error:
        if source_path is None:
            raise
        raise InputFileError(str(error).replace(display_name(path), name)) from error
    for column in optional:
        if column not in columns:
            store.con.execute(f"ALTER TABLE {table} ADD COLUMN {col(column)} VARCHAR")
    counted = store.con.execute(
        f"SELECT (SELECT count(*) FROM {table}) + (SELECT count(*) FROM {rejects})"
    ).fetchone()
    if not counted or counted[0] == 0:
        drop_staged(store, table, rejects)
        raise InputFileError(f"{name}: has a header but no rows; expected {a(what)}")
    return Staged(
        path=original,
        display=name,
        sha256=sha256 or file_sha256(original),
        columns=list(columns),
        table=table,
        rejects=rejects,
    )


def load_staged(
    store: Store,
    staged: Staged,
    load: TableLoad,
    *,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Settle bad rows, build the typed rows and move them into the store (one transaction)."""
    typed = f"{staged.table}_typed"
    try:
        bad, rejects_file = settle_bad_rows(
            store,
            staged.table,
            list(load.checks),
            path=staged.path,
            rejects_table=staged.rejects,
            skip_bad=skip_bad,
            rejects_path=rejects_path,
            columns=staged.columns,
        )
        notes = _notes(store, staged.table, load.notes)
        targets = table_columns(store, load.table)
        missing = [c for c in targets if c not in load.values and c != "source_line"]
        if missing:  # pragma: no cover - a programming error, not a user's
            raise AssertionError(f"{load.table}: no value for {missing}")
        selects = []
        for column in targets:
            expr = load.values.get(column, "source_line" if column == "source_line" else "NULL")
            selects.append(f"{expr} AS {col(column)}")
        where = f" WHERE {load.where}" if load.where else ""
        store.con.execute(
            f"CREATE TEMP TABLE {typed} AS SELECT {', '.join(selects)} "
            f"FROM {staged.table}{where} ORDER BY {load.order_by}"
        )
        report = store.replace(
            source=load.source,
            table=load.table,
            staged=typed,
            keys=list(load.keys),
            file_name=staged.display,
            sha256=staged.sha256,
            force=load.force,
            rejected=bad,
            note=load.note,
            month_column=load.month_column,
        )
    finally:
        drop_staged(store, typed, staged.table, staged.rejects, f"{staged.table}_problems")
    return dataclasses.replace(
        report,
        rejects_file=display_name(rejects_file) if rejects_file else None,
        notes=tuple(notes),
    )


def table_columns(store: Store, table: str) -> list[str]:
    """The store table's columns, in order, without ``import_id``."""
    rows = store.con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [name for (name,) in rows if name != "import_id"]


def _notes(store: Store, staged: str, notes: Sequence[Note]) -> list[str]:
    said = []
    for note in notes:
        values = f"list(DISTINCT {note.values} ORDER BY {note.values})" if note.values else "[]"
        row = store.con.execute(
            f"SELECT count(*), {values} FROM {staged} WHERE {note.when}"
        ).fetchone()
        if not row or not row[0]:
            continue
        found = [str(v) for v in row[1] or []]
        shown = ", ".join(found[: note.shown])
        if len(found) > note.shown:
            shown += f" and {len(found) - note.shown:,} more"
        said.append(note.text.format(n=f"{int(row[0]):,}", values=shown))
    return said


def import_layout(
    store: Store,
    path: Path,
    layout: Layout,
    load: TableLoad,
    *,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Import a CSV file of ``layout`` with ``load``: the whole flow, for the simple layouts."""
    found = inspect_text_file(
        path, what=layout.what, header=layout.columns, optional_columns=layout.optional
    )
    sha256 = file_sha256(path)
    done = already_imported(store, load.source, path, sha256)
    if done:
        return done
    staged = stage_file(
        store, path, found, what=layout.what, optional=layout.optional, sha256=sha256
    )
    return load_staged(store, staged, load, skip_bad=skip_bad, rejects_path=rejects_path)


def force_value(force: str | None) -> str:
    """SQL for the force: the file's ``force`` column, else ``--force``; a row with neither
    is bad (see ``force_check``)."""
    fallback = lit(force) if force else "NULL"
    return f"coalesce({text('force')}, {fallback})"


def force_check(force: str | None) -> list[RowCheck]:
    if force:
        return []
    return [
        RowCheck(
            "force",
            f"{text('force')} IS NULL",
            "missing force (fill the force column, or pass --force NAME)",
        )
    ]


# -- the layouts ---------------------------------------------------------------------------------

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
POPULATION = Layout(
    "population",
    ("area_level", "area", "year", "population"),
    what="population CSV",
)
AREAS = Layout(
    "areas",
    ("small_area", "small_area_name", "neighbourhood", "lpu", "local_authority", "force"),
    optional=("small_area_name", "neighbourhood", "lpu", "local_authority", "force"),
    what="areas CSV",
)
ONS_LSOA = Layout(
    "areas (ONS LSOA11_WD19_LAD19 lookup)",
    ("FID", "LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM"),
    optional=("FID", "WD19CD", "LAD19CD"),
    what="ONS LSOA (2011) to ward (2019) to LAD (2019) lookup CSV",
)
LPUS = Layout(
    "areas --lpus",
    ("local_authority", "neighbourhood", "lpu"),
    optional=("neighbourhood",),
    what="LPU lookup CSV",
)

#: Every CSV layout, by name; ``docs/data-formats.md`` documents each (a test checks).
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        INCIDENTS,
        SURVEY,
        REOFFENDING,
        PEERS,
        ONS_PFA,
        POPULATION,
        AREAS,
        ONS_LSOA,
        LPUS,
    )
}

_DATE_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)


def _date_time(name: str) -> str:
    formats = ", ".join(lit(f) for f in _DATE_TIME_FORMATS)
    return f"try_strptime(trim({col(name)}), [{formats}])"


# -- the importers -------------------------------------------------------------------------------


def import_incidents(
    store: Store,
    path: Path,
    *,
    force: str | None = None,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Calls for service. Supersedes earlier incidents of the same force and months."""
    inspect_text_file(  # before the store makes its salt: a wrong file changes nothing
        path, what=INCIDENTS.what, header=INCIDENTS.columns, optional_columns=INCIDENTS.optional
    )
    salt = store_salt(store)
    load = TableLoad(
        source="incidents",
        table="incidents",
        values={
            "incident_ref": text("incident_ref"),
            "force": force_value(force),
            "month": f"CAST(date_trunc('month', {_date_time('recorded_at')}) AS DATE)",
            "recorded_at": _date_time("recorded_at"),
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
                f"{_date_time('recorded_at')} IS NULL",
                "not a date-time; expected YYYY-MM-DD HH:MM (or DD/MM/YYYY HH:MM), "
                "e.g. 2013-04-30 21:15",
            ),
            required("category", "category"),
            *force_check(force),
        ],
        keys=("force", "month"),
        force=force,
    )
    return import_layout(store, path, INCIDENTS, load, skip_bad=skip_bad, rejects_path=rejects_path)


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
        source="survey",
        table="survey_responses",
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
        keys=("force", "survey", "question", "period_start", "period_end", "area_level", "area"),
        month_column="period_end",
        force=force,
    )
    return import_layout(store, path, SURVEY, load, skip_bad=skip_bad, rejects_path=rejects_path)


def import_reoffending(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """An MoJ proven-reoffending table, rows kept in the file's order. A newer file for the
    same publication and period replaces the whole table."""
    rates = ("actual_rate", "predicted_rate", "baseline_change_pct")
    load = TableLoad(
        source="reoffending",
        table="reoffending",
        values={
            "publication": text("publication"),
            "period": text("period"),
            "row_order": "CAST(row_number() OVER (ORDER BY source_line) AS INTEGER)",
            "level": text("level"),
            "area": text("area"),
            "cohort": count("cohort"),
            **{rate: number(rate) for rate in rates},
            "baseline_label": text("baseline_label"),
        },
        checks=[
            required("publication", "publication"),
            required("period", "period"),
            required("level", "level"),
            required("area", "area"),
            count_check("cohort", "a whole number of 0 or more (e.g. 53,897)"),
            *[number_check(rate, "a number (e.g. 7.71% or 7.71)") for rate in rates],
        ],
        keys=("publication", "period"),
        month_column=None,
    )
    return import_layout(
        store, path, REOFFENDING, load, skip_bad=skip_bad, rejects_path=rejects_path
    )


def import_peers(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """Peer-force figures by force, measure and month."""
    load = TableLoad(
        source="peers",
        table="peer_figures",
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
            RowCheck(
                "denominator",
                f"{text('denominator')} IS NOT NULL AND NOT coalesce({is_number('denominator')}, "
                "false)",
                "not a number (or blank)",
            ),
        ],
        keys=("force", "measure", "month"),
    )
    return import_layout(store, path, PEERS, load, skip_bad=skip_bad, rejects_path=rejects_path)


ONS_PFA_NOTE = "ONS rolling-year recorded crime by PFA (rec-crime-pfa.csv)"
_ONS_DATE = f"try_strptime(trim({col('12 months ending')}), '%d/%m/%Y')"
_FRAUD = f"coalesce({col('Region')}, '') LIKE 'Fraud:%'"


def slug(name: str) -> str:
    """SQL: 'Domestic burglary' → 'domestic_burglary'."""
    return f"trim(lower(regexp_replace(trim({col(name)}), '[^A-Za-z0-9]+', '_', 'g')), '_')"


def import_peers_ons_pfa(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """The ONS/Home Office rolling-year recorded crime by police force area file.

    measure = the offence slugged, month = the month the 12 months end in, value = the count.
    The fraud reporting bodies (Region 'Fraud: …') are left out; negative counts are kept.
    """
    count_column = "Rolling year total number of offences"
    load = TableLoad(
        source="peers",
        table="peer_figures",
        values={
            "force": text("PFA"),
            "measure": slug("Offence"),
            "month": f"CAST(date_trunc('month', {_ONS_DATE}) AS DATE)",
            "value": number(count_column),
            "denominator": "NULL",
        },
        checks=[
            RowCheck(
                "12 months ending",
                f"{_ONS_DATE} IS NULL",
                "not a date; expected DD/MM/YYYY, e.g. 31/03/2013",
            ),
            required("PFA", "police force area"),
            required("Offence", "offence"),
            RowCheck(
                count_column,
                f"NOT coalesce({is_count(count_column, signed=True)}, false)",
                "not a whole number",
            ),
        ],
        keys=("force", "measure", "month"),
        where=f"NOT {_FRAUD}",
        note=ONS_PFA_NOTE,
        notes=[
            Note(
                _FRAUD,
                "left out {n} rows of the fraud reporting bodies ({values}): "
                "they are not police force areas",
                values=text("PFA"),
            ),
            Note(
                f"NOT {_FRAUD} AND day({_ONS_DATE}) <> day(last_day({_ONS_DATE}))",
                "{n} rows dated {values} taken as the end of that month (quarter end)",
                values=f"trim({col('12 months ending')})",
            ),
            Note(
                f"NOT {_FRAUD} AND trim({col(count_column)}) LIKE '-%'",
                "{n} rows have negative counts (source adjustments), kept as published, "
                "e.g. {values}",
                values=f"trim({col('PFA')}) || ', ' || trim({col('Offence')}) || ', ' || "
                f"trim({col('12 months ending')}) || ': ' || trim({col(count_column)})",
                shown=3,
            ),
        ],
    )
    return import_layout(store, path, ONS_PFA, load, skip_bad=skip_bad, rejects_path=rejects_path)


def import_population(
    store: Store, path: Path, *, skip_bad: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """Population by area and year; supersedes earlier figures for the same area and year."""
    load = TableLoad(
        source="population",
        table="populations",
        values={
            "area_level": text("area_level"),
            "area": text("area"),
            "year": f"CAST(trim({col('year')}) AS INTEGER)",
            "population": count("population"),
        },
        checks=[
            required("area_level", "area level"),
            required("area", "area"),
            RowCheck(
                "year",
                "NOT coalesce(regexp_full_match(trim(year), '(19|20)[0-9]{2}'), false)",
                "not a year; expected YYYY, e.g. 2012",
            ),
            count_check("population"),
        ],
        keys=("area_level", "area", "year"),
        month_column=None,
    )
    return import_layout(
        store, path, POPULATION, load, skip_bad=skip_bad, rejects_path=rejects_path
    )


def import_areas(
    store: Store,
    path: Path,
    *,
    force: str | None = None,
    lpus: Path | None = None,
    skip_bad: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Geography: the generic areas layout, or the ONS LSOA11 → ward → LAD lookup.

    ``lpus`` (a CSV local_authority,neighbourhood,lpu) fills the LPU of rows without one: the
    row for the area's local authority and neighbourhood, else the local authority's row with
    a blank neighbourhood. A newer file replaces earlier rows for the same small areas.
    """
    what = f"{AREAS.what} (or the {ONS_LSOA.what})"
    found = inspect_text_file(path, what=what)
    ons = "LSOA11CD" in found
    layout = ONS_LSOA if ons else AREAS
    try:
        found = inspect_text_file(
            path, what=layout.what, header=layout.columns, optional_columns=layout.optional
        )
    except InputFileError as error:
        if ons:
            raise
        raise InputFileError(f"{error} (or the ONS lookup's {ONS_LSOA.header})") from error
    sha256 = file_sha256(path)
    done = already_imported(store, "areas", path, sha256)
    if done:
        return done
    names = (
        {
            "small_area": "LSOA11CD",
            "small_area_name": "LSOA11NM",
            "neighbourhood": "WD19NM",
            "local_authority": "LAD19NM",
        }
        if ons
        else {c: c for c in AREAS.columns}
    )
    lpu_table = _stage_lpus(store, lpus) if lpus else None
    staged = stage_file(
        store, path, found, what=layout.what, optional=layout.optional, sha256=sha256
    )
    try:
        area = text(names["small_area"])
        small = col(names["small_area"])
        lpu = text("lpu") if not ons else "NULL"
        if lpu_table:
            la, nb = text(names["local_authority"]), text(names["neighbourhood"])
            lpu = (
                f"coalesce({lpu}, (SELECT l.lpu FROM {lpu_table} l WHERE l.la = {la} "
                f"AND l.nb = {nb}), (SELECT l.lpu FROM {lpu_table} l WHERE l.la = {la} "
                "AND l.nb IS NULL))"
            )
        force_expr = force_value(force) if not ons else (lit(force) if force else "NULL")
        load = TableLoad(
            source="areas",
            table="areas",
            values={
                "small_area": area,
                "small_area_name": text(names["small_area_name"]),
                "neighbourhood": text(names["neighbourhood"]),
                "lpu": lpu,
                "local_authority": text(names["local_authority"]),
                "force": force_expr,
            },
            checks=[
                required(names["small_area"], "small area code"),
                RowCheck(
                    names["small_area"],
                    f"{area} IS NOT NULL AND source_line > (SELECT min(s.source_line) FROM "
                    f"{staged.table} s WHERE nullif(trim(s.{small}), '') = "
                    f"nullif(trim({staged.table}.{small}), ''))",
                    "small area listed twice (an earlier line has it)",
                ),
            ],
            keys=("small_area",),
            month_column=None,
            force=force,
            note="ONS LSOA11_WD19_LAD19 lookup" if ons else None,
        )
        return load_staged(store, staged, load, skip_bad=skip_bad, rejects_path=rejects_path)
    finally:
        if lpu_table:
            drop_staged(store, lpu_table)


def _stage_lpus(store: Store, path: Path) -> str:
    found = inspect_text_file(
        path, what=LPUS.what, header=LPUS.columns, optional_columns=LPUS.optional
    )
    staged = stage_file(store, path, found, what=LPUS.what, optional=LPUS.optional)
    settle_bad_rows(
        store,
        staged.table,
        [required("local_authority", "local authority"), required("lpu", "LPU")],
        path=path,
        rejects_table=staged.rejects,
    )
    table = f"{staged.table}_lpus"
    store.con.execute(
        f"CREATE TEMP TABLE {table} AS SELECT DISTINCT {text('local_authority')} AS la, "
        f"{text('neighbourhood')} AS nb, {text('lpu')} AS lpu FROM {staged.table}"
    )
    drop_staged(store, staged.table, staged.rejects, f"{staged.table}_problems")
    return table
