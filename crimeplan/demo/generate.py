"""Build the demo store: synthetic West Midlands data, April 2009 – March 2014.

``generate_demo(store, seed)`` draws every table from ``numpy.random.default_rng(seed)``
(vectorised: about 800,000 crimes in a few seconds) and loads each through
``Store.replace``, like an importer. Each table is one import whose sha256 is a hash of the
generator version and the seed, so running it again adds nothing, and a run with another
seed replaces the earlier demo rows month by month. Every figure is synthetic ("synthetic demo
data" in the import log) except the reoffending table, which is the Ministry of Justice table
printed in the seed report, shipped as ``reoffending.csv``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from crimeplan.data.store import ImportReport, Store
from crimeplan.demo import vocabulary as v
from crimeplan.demo.crimes import generate_crimes
from crimeplan.demo.geography import load_geography, lookup_bytes
from crimeplan.demo.incidents import generate_incidents
from crimeplan.demo.peers import generate_peers, generate_populations
from crimeplan.demo.surveys import generate_surveys

#: Bump when the generator's output changes, so that a rerun replaces the old demo data.
GENERATOR_VERSION = "2"
NOTE = "synthetic demo data"
REOFFENDING_NOTE = "published MoJ figures, from the seed report"
REOFFENDING_FILE = "reoffending.csv"
REOFFENDING_COLUMNS = (
    "publication",
    "period",
    "level",
    "area",
    "cohort",
    "actual_rate",
    "predicted_rate",
    "baseline_change_pct",
    "baseline_label",
)

#: source in the import log → the store table it fills.
SOURCES = {
    "demo-areas": "areas",
    "demo-crimes": "crimes",
    "demo-incidents": "incidents",
    "demo-surveys": "survey_responses",
    "demo-peers": "peer_figures",
    "demo-populations": "populations",
    "demo-reoffending": "reoffending",
}


@dataclass(frozen=True)
class DemoReport:
    """What ``generate_demo`` loaded: rows per store table (0 where already loaded)."""

    seed: int
    crimes: int
    areas: int
    incidents: int
    survey_responses: int
    peer_figures: int
    populations: int
    reoffending: int
    already_loaded: tuple[str, ...]  # tables an earlier run with this seed had loaded
    seconds: float
    imports: tuple[ImportReport, ...]

    @property
    def rows(self) -> dict[str, int]:
        return {table: getattr(self, table) for table in SOURCES.values()}

    def summary(self) -> str:
        if not any(self.rows.values()):
            return f"demo data (seed {self.seed}) already loaded; nothing added"
        loaded = ", ".join(f"{n:,} {table}" for table, n in self.rows.items() if n)
        return f"demo data (synthetic, seed {self.seed}): {loaded} in {self.seconds:.1f} s"


def demo_sha256(source: str, seed: int | None) -> str:
    """The import log's sha256 for a demo table: the generator version and the seed."""
    if source == "demo-reoffending":
        return hashlib.sha256(reoffending_bytes()).hexdigest()
    if source == "demo-areas":  # real geography: the same whatever the seed
        return hashlib.sha256(lookup_bytes() + GENERATOR_VERSION.encode()).hexdigest()
    if source == "demo-populations":
        seed = None
    text = f"crimeplan demo generator {GENERATOR_VERSION}; seed {seed}; {source}"
    return hashlib.sha256(text.encode()).hexdigest()


def reoffending_bytes() -> bytes:
    return resources.files("crimeplan.demo").joinpath(REOFFENDING_FILE).read_bytes()


def reoffending_table() -> pa.Table:
    """The shipped reoffending CSV, in the documented reoffending CSV layout."""
    types = {
        "cohort": pa.int64(),
        "actual_rate": pa.float64(),
        "predicted_rate": pa.float64(),
        "baseline_change_pct": pa.float64(),
    }
    table = pacsv.read_csv(
        pa.BufferReader(reoffending_bytes()),
        convert_options=pacsv.ConvertOptions(
            column_types=types, strings_can_be_null=False, include_columns=REOFFENDING_COLUMNS
        ),
    )
    n = table.num_rows
    table = table.append_column("row_order", pa.array(np.arange(1, n + 1), pa.int32()))
    return table.append_column("source_line", pa.array(np.arange(2, n + 2), pa.int64()))


def generate_demo(store: Store, seed: int = 2013) -> DemoReport:
    """Fill ``store`` with the demo data; a rerun with the same seed adds nothing."""
    started = time.perf_counter()
    missing = [s for s in SOURCES if store.find_import(s, demo_sha256(s, seed)) is None]
    loaded: dict[str, int] = {}
    reports: list[ImportReport] = []
    if missing:
        streams = np.random.default_rng(seed).spawn(5)
        geography = load_geography(streams[0])
        lpu_index = geography.lpu_index()
        lpu_lsoas = {lpu: int((lpu_index == i).sum()) for i, lpu in enumerate(v.LPUS)}
        lpu_share = np.array([lpu_lsoas[lpu] for lpu in v.LPUS], dtype=np.float64)
        lpu_share /= lpu_share.sum()
        crimes = generate_crimes(geography, streams[1])
        surveys = generate_surveys(lpu_share, streams[3])
        tables = {
            "demo-areas": geography.areas_table(),
            "demo-crimes": crimes.records,
            "demo-incidents": generate_incidents(geography, streams[2]),
            "demo-surveys": surveys.table,
            "demo-peers": generate_peers(crimes, surveys, streams[4]),
            "demo-populations": generate_populations(lpu_lsoas),
            "demo-reoffending": reoffending_table(),
        }
        for source in missing:
            report = _load(store, source, tables[source], seed)
            loaded[SOURCES[source]] = report.rows
            reports.append(report)
    counts = {table: loaded.get(table, 0) for table in SOURCES.values()}
    return DemoReport(
        seed=seed,
        **counts,
        already_loaded=tuple(SOURCES[s] for s in SOURCES if s not in missing),
        seconds=time.perf_counter() - started,
        imports=tuple(reports),
    )


# How each staged Arrow table becomes the store table's columns.
_FORCE = "'West Midlands Police'"
_SELECTS = {
    "demo-areas": f"""small_area, small_area_name, neighbourhood, lpu, local_authority,
        {_FORCE} AS force""",
    "demo-crimes": f"""NULL::BIGINT AS source_line, crime_ref, {_FORCE} AS force, month,
        recorded_at, category::VARCHAR AS category, offence_group::VARCHAR AS offence_group,
        offence::VARCHAR AS offence, offence_code::VARCHAR AS offence_code,
        small_area::VARCHAR AS small_area, small_area_name::VARCHAR AS small_area_name,
        NULL::VARCHAR AS location, NULL::DOUBLE AS longitude, NULL::DOUBLE AS latitude,
        domestic, hate_strand::VARCHAR AS hate_strand, knife, gun, business,
        outcome::VARCHAR AS outcome, outcome_date, solved,
        substr(md5($salt || 'victim ' || victim_no::VARCHAR), 1, 12) AS victim_id,
        {_FORCE} AS reported_by, NULL::VARCHAR AS context""",
    "demo-incidents": f"""NULL::BIGINT AS source_line, 'I' || incident_no::VARCHAR AS incident_ref,
        {_FORCE} AS force, month, recorded_at, category::VARCHAR AS category,
        hate_strand::VARCHAR AS hate_strand,
        substr(md5($salt || 'caller ' || caller_no::VARCHAR), 1, 12) AS caller_id,
        substr(md5($salt || 'caller ' || victim_no::VARCHAR), 1, 12) AS victim_id,
        small_area::VARCHAR AS small_area""",
    "demo-surveys": f"""NULL::BIGINT AS source_line, {_FORCE} AS force, survey, question, wave,
        period_start, period_end, area_level, area, respondents, positive""",
    "demo-peers": "NULL::BIGINT AS source_line, force, measure, month, value, denominator",
    "demo-populations": "NULL::BIGINT AS source_line, area_level, area, year, population",
    "demo-reoffending": """source_line, publication, period, row_order, level, area, cohort,
        actual_rate, predicted_rate, baseline_change_pct, baseline_label""",
}
_KEYS: dict[str, Sequence[str]] = {
    "demo-areas": ("small_area",),
    "demo-crimes": ("month",),
    "demo-incidents": ("month",),
    "demo-surveys": ("survey", "question", "period_start", "area_level", "area"),
    "demo-peers": ("force", "measure", "month"),
    "demo-populations": ("area_level", "area", "year"),
    "demo-reoffending": ("publication", "area"),
}
_MONTH_COLUMN = {
    "demo-crimes": "month",
    "demo-incidents": "month",
    "demo-surveys": "period_start",
    "demo-peers": "month",
}


def _load(store: Store, source: str, table: pa.Table, seed: int) -> ImportReport:
    """Stage ``table`` as a TEMP table in the store's columns, then ``Store.replace``."""
    name = source.replace("-", "_")
    view, staged = f"{name}_arrow", f"{name}_staged"
    con = store.con
    con.register(view, table)
    try:
        sql = f"CREATE OR REPLACE TEMP TABLE {staged} AS SELECT {_SELECTS[source]} FROM {view}"
        if "$salt" in sql:
            con.execute(sql, {"salt": f"crimeplan demo seed {seed}: "})
        else:
            con.execute(sql)
    finally:
        con.unregister(view)
    reoffending = source == "demo-reoffending"
    try:
        return store.replace(
            source=source,
            table=SOURCES[source],
            staged=staged,
            keys=_KEYS[source],
            file_name=(
                f"{REOFFENDING_FILE} (Ministry of Justice, as printed in the seed report)"
                if reoffending
                else f"crimeplan demo data (synthetic, seed {seed})"
            ),
            sha256=demo_sha256(source, seed),
            force=v.FORCE,
            note=REOFFENDING_NOTE if reoffending else NOTE,
            month_column=_MONTH_COLUMN.get(source),
        )
    finally:
        con.execute(f"DROP TABLE IF EXISTS {staged}")
