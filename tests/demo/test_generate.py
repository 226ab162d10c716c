"""The demo generator: deterministic, rerunnable, and its records well formed and consistent
across tables. Whether it hit the seed report's figures it was told to produce is checked in
tests/demo/test_calibration.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from crimeplan.data.store import Store
from crimeplan.demo import vocabulary as v
from crimeplan.demo.generate import SOURCES, generate_demo
from tests.support.reference import one


@pytest.fixture(scope="module")
def store():
    with Store.open(":memory:") as store:
        report = generate_demo(store)
        store.report = report  # type: ignore[attr-defined]
        yield store


def fingerprint(store):
    """Order-independent aggregates of every demo table."""
    return {
        "crimes": one(
            store,
            "SELECT count(*), sum(hash(crime_ref, recorded_at, offence, "
            "small_area, domestic, hate_strand, knife, gun, business, outcome, "
            "outcome_date, victim_id)) FROM crimes",
        ),
        "incidents": one(
            store,
            "SELECT count(*), sum(hash(incident_ref, recorded_at, category, "
            "caller_id, small_area)) FROM incidents",
        ),
        "surveys": one(
            store,
            "SELECT count(*), sum(hash(question, wave, period_start, area, "
            "respondents, positive)) FROM survey_responses",
        ),
        "peers": one(
            store,
            "SELECT count(*), sum(hash(force, measure, month, value, "
            "denominator)) FROM peer_figures",
        ),
        "populations": one(
            store, "SELECT sum(hash(area_level, area, year, population)) FROM populations"
        ),
    }


# -- loading -------------------------------------------------------------------------------
def test_report_counts_every_table(store):
    report = store.report
    counts = store.table_counts()
    for table, rows in report.rows.items():
        assert rows == counts[table] > 0, table
    assert 700_000 < report.crimes < 900_000
    assert report.incidents <= 400_000
    assert report.already_loaded == ()


def test_same_seed_gives_identical_data(store):
    with Store.open(":memory:") as other:
        generate_demo(other, seed=2013)
        assert fingerprint(other) == fingerprint(store)


def test_rerun_adds_nothing(tmp_path):
    path = tmp_path / "demo.duckdb"
    with Store.open(path) as first:
        generate_demo(first)
        before, imports = first.table_counts(), len(first.imports())
        print = fingerprint(first)
    with Store.open(path) as again:
        report = generate_demo(again)
        assert report.rows == {table: 0 for table in SOURCES.values()}
        assert set(report.already_loaded) == set(SOURCES.values())
        assert "already loaded" in report.summary()
        assert again.table_counts() == before
        assert len(again.imports()) == imports
        assert fingerprint(again) == print


@pytest.mark.slow
def test_another_seed_replaces_the_demo_data():
    with Store.open(":memory:") as store:
        generate_demo(store, seed=2013)
        first = store.table_counts()["crimes"]
        report = generate_demo(store, seed=7)
        counts = store.table_counts()
        assert counts["crimes"] == report.crimes != first
        assert counts["areas"] == 1680 and counts["reoffending"] == 11
        superseded = [i for i in store.imports("demo-crimes") if i.superseded_by is not None]
        assert len(superseded) == 1


def test_import_log_says_synthetic(store):
    notes = dict(store.con.execute("SELECT source, note FROM imports").fetchall())
    assert set(notes) == set(SOURCES)
    for source, note in notes.items():
        expected = (
            "published MoJ figures, from the seed report"
            if source == "demo-reoffending"
            else "synthetic demo data"
        )
        assert note == expected
    assert one(store, "SELECT file_name FROM imports WHERE source = 'demo-crimes'") == (
        "crimeplan demo data (synthetic, seed 2013)"
    )


# -- records -------------------------------------------------------------------------------
def test_crime_records_are_well_formed(store):
    assert one(store, "SELECT min(month), max(month) FROM crimes") == (
        date(2009, 4, 1),
        date(2014, 3, 1),
    )
    assert one(store, "SELECT count(DISTINCT crime_ref) = count(*) FROM crimes")
    assert one(
        store,
        "SELECT bool_and(regexp_matches(crime_ref, '^20[01][0-9][01][0-9][0-9]{5}$')) FROM crimes",
    )
    assert one(
        store,
        "SELECT bool_and(date_trunc('month', recorded_at) = month "
        "AND outcome_date > recorded_at::DATE "
        "AND left(crime_ref, 6) = strftime(month, '%Y%m')) FROM crimes",
    )
    assert one(store, "SELECT count(*) FROM crimes c ANTI JOIN areas a USING (small_area)") == 0
    offences = {o.offence: (o.category, o.offence_group, o.code) for o in v.OFFENCES}
    rows = store.con.execute(
        "SELECT DISTINCT offence, category, offence_group, offence_code FROM crimes"
    ).fetchall()
    assert {r[0]: r[1:] for r in rows} == offences
    assert one(
        store,
        "SELECT bool_and(solved = (outcome IN ('Charged', 'Caution', "
        "'Community resolution', 'Penalty notice', "
        "'Taken into consideration'))) FROM crimes",
    )
    # pseudonymised victims, some of them repeat victims
    assert one(store, "SELECT bool_and(length(victim_id) = 12) FROM crimes")
    assert (
        one(
            store,
            "SELECT max(n) FROM (SELECT count(*) n FROM crimes "
            "WHERE victim_id IS NOT NULL GROUP BY victim_id)",
        )
        >= 20
    )


def test_areas_follow_the_vocabulary(store):
    assert one(store, "SELECT count(*), count(DISTINCT small_area) FROM areas") == (1680, 1680)
    lpus = {r[0] for r in store.con.execute("SELECT DISTINCT lpu FROM areas").fetchall()}
    assert lpus == set(v.LPUS)
    for lpu, wards in v.BIRMINGHAM_LPU_WARDS.items():
        found = store.con.execute(
            "SELECT DISTINCT neighbourhood FROM areas WHERE lpu = ?", [lpu]
        ).fetchall()
        assert {r[0] for r in found} == set(wards)
    # priority areas have more crime per LSOA than elsewhere
    ratio = one(
        store,
        """
        WITH per AS (SELECT list_contains(?, a.neighbourhood) AS priority,
                            count(*) / count(DISTINCT a.small_area) AS per_area
                     FROM crimes c JOIN areas a USING (small_area) GROUP BY ALL)
        SELECT max(per_area) FILTER (WHERE priority) / max(per_area) FILTER (WHERE NOT priority)
        FROM per""",
        [list(v.PRIORITY_AREAS)],
    )
    assert ratio > 2


def test_incident_categories_follow_the_vocabulary(store):
    categories = {
        r[0] for r in store.con.execute("SELECT DISTINCT category FROM incidents").fetchall()
    }
    assert categories == set(v.INCIDENT_CATEGORIES)


def test_survey_force_rows_are_sums_of_lpus(store):
    mismatches = one(
        store,
        """
        WITH lpu AS (SELECT survey, question, period_start, sum(respondents) n, sum(positive) k,
                            count(*) areas
                     FROM survey_responses WHERE area_level = 'lpu' GROUP BY ALL)
        SELECT count(*) FROM survey_responses f JOIN lpu USING (survey, question, period_start)
        WHERE f.area_level = 'force' AND (f.respondents <> lpu.n OR f.positive <> lpu.k
                                          OR lpu.areas <> 10)""",
    )
    assert mismatches == 0


def test_satisfaction_survey_matches_peer_figures(store):
    joined = one(
        store,
        """
        SELECT count(*) FROM survey_responses s JOIN peer_figures p
          ON p.month = s.period_start AND p.force = s.force AND p.measure = 'satisfaction_crime'
        WHERE s.question = ? AND s.area_level = 'force'
          AND p.value = s.positive AND p.denominator = s.respondents""",
        [v.SATISFACTION_CRIME],
    )
    assert joined == 60


def test_peer_figures_cover_every_force_and_measure(store):
    assert one(
        store,
        "SELECT count(DISTINCT force), count(DISTINCT measure), "
        "count(DISTINCT month) FROM peer_figures",
    ) == (8, len(v.PEER_MEASURES), 60)
    forces = {r[0] for r in store.con.execute("SELECT DISTINCT force FROM peer_figures").fetchall()}
    assert forces == {v.FORCE, *v.PEER_FORCES}
    assert (
        one(
            store,
            "SELECT count(*) FROM peer_figures WHERE measure IN "
            "('total_recorded_crime', 'robbery') AND denominator IS NOT NULL",
        )
        == 0
    )
    # the home force's counts are its crimes table's
    differences = one(
        store,
        """
        WITH c AS (SELECT month, count(*) trc,
                          count(*) FILTER (WHERE offence = 'Burglary in a dwelling') bd,
                          count(*) FILTER (WHERE offence = 'Burglary in a dwelling' AND solved) bds,
                          count(*) FILTER (WHERE category = 'Robbery') rob,
                          count(*) FILTER (WHERE offence_group = 'Violence with injury') vwi
                   FROM crimes GROUP BY month)
        SELECT count(*) FROM c JOIN peer_figures p USING (month)
        WHERE p.force = 'West Midlands Police' AND (
              (p.measure = 'total_recorded_crime' AND p.value <> c.trc)
           OR (p.measure = 'burglary_dwelling' AND p.value <> c.bd)
           OR (p.measure = 'burglary_dwelling_solved'
               AND (p.value <> c.bds OR p.denominator <> c.bd))
           OR (p.measure = 'robbery' AND p.value <> c.rob)
           OR (p.measure = 'violence_with_injury' AND p.value <> c.vwi))""",
    )
    assert differences == 0
