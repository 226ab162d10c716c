"""The demo generator: deterministic, rerunnable, and calibrated to the seed report's figures.

Every calibration figure is computed by SQL from the store, as the measures engine would.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources

import pytest

from crimeplan.data.store import Store
from crimeplan.demo import vocabulary as v
from crimeplan.demo.generate import SOURCES, generate_demo

FY = "year(month - INTERVAL 3 MONTH)"  # financial year a month falls in (2012 = 2012/13)


@pytest.fixture(scope="module")
def store():
    with Store.open(":memory:") as store:
        report = generate_demo(store)
        store.report = report  # type: ignore[attr-defined]
        yield store


def one(store, sql, params=None):
    row = store.con.execute(sql, params or []).fetchone()
    return row[0] if len(row) == 1 else row


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


# -- calibration: the seed's figures -------------------------------------------------------
def test_about_13000_crimes_a_month_and_falling(store):
    by_year = dict(
        store.con.execute(f"SELECT {FY}, count(*) / 12 FROM crimes GROUP BY 1").fetchall()
    )
    assert 12_500 < by_year[2012] < 13_500
    assert by_year[2009] > by_year[2010] > by_year[2011] > by_year[2012]
    april12, april13 = one(
        store,
        "SELECT count(*) FILTER (WHERE month = '2012-04-01'), "
        "count(*) FILTER (WHERE month = '2013-04-01') FROM crimes",
    )
    assert abs(april13 / april12 - 1) < 0.03  # "stable at around the same volume"


def test_hate_crime(store):
    rows = store.con.execute(f"""
        SELECT {FY}, count(*) FILTER (WHERE hate_strand IS NOT NULL) / count(*),
               count(*) FILTER (WHERE hate_strand IS NOT NULL) / 12,
               avg(solved::INT) FILTER (WHERE hate_strand IS NOT NULL),
               count(*) FILTER (WHERE hate_strand IN ('race', 'religion'))
                 / count(*) FILTER (WHERE hate_strand IS NOT NULL)
        FROM crimes GROUP BY 1 ORDER BY 1""").fetchall()
    by_year = {r[0]: r[1:] for r in rows}
    share, per_month, solved, race_religion = by_year[2012]
    assert share == pytest.approx(0.015, abs=0.0005)
    assert 190 <= per_month <= 200
    assert solved == pytest.approx(0.43, abs=0.015)
    assert race_religion == pytest.approx(0.90, abs=0.03)
    counts = [by_year[y][1] for y in (2009, 2010, 2011, 2012)]
    assert counts == sorted(counts, reverse=True)


def test_business_crime_and_theft_from_shops(store):
    rows = store.con.execute("""
        SELECT month, count(*), count(*) FILTER (WHERE business),
               count(*) FILTER (WHERE offence = 'Theft from shops and stalls'),
               count(*) FILTER (WHERE offence = 'Theft from a motor vehicle'),
               count(*) FILTER (WHERE offence_code = '8N')
        FROM crimes WHERE month BETWEEN '2012-04-01' AND '2013-04-01'
        GROUP BY 1 ORDER BY 1""").fetchall()
    by_month = {r[0]: r[1:] for r in rows}
    trc12, business12, tss12, _, _ = by_month[date(2012, 4, 1)]
    trc13, business13, tss13, tfmv13, assaults13 = by_month[date(2013, 4, 1)]
    assert tss12 / business12 == pytest.approx(0.34, abs=0.01)
    assert tss13 / business13 == pytest.approx(0.43, abs=0.01)
    assert business13 / business12 - 1 == pytest.approx(0.06, abs=0.015)
    for count in (tss13, tfmv13, assaults13):  # "each contributing 10 %"
        assert count / trc13 == pytest.approx(0.10, abs=0.01)
    # TSS rising over the last four months
    last_five = [
        by_month[date(y, m, 1)][2]
        for y, m in ((2012, 12), (2013, 1), (2013, 2), (2013, 3), (2013, 4))
    ]
    assert last_five == sorted(set(last_five))
    # TSS is all business crime
    assert one(
        store, "SELECT bool_and(business) FROM crimes WHERE offence = 'Theft from shops and stalls'"
    )


def test_three_largest_offences_in_april_2013_are_each_about_10_percent(store):
    """The seed: theft from motor vehicles, theft from shops and stalls and s20/47 assaults
    each contribute about 10 % of total recorded crime, and no other offence as much."""
    rows = store.con.execute("""
        SELECT offence, count(*) / sum(count(*)) OVER () AS share FROM crimes
        WHERE month = '2013-04-01' GROUP BY offence ORDER BY share DESC, offence""").fetchall()
    top = {offence: share for offence, share in rows[:3]}
    assert set(top) == {
        "Theft from a motor vehicle",
        "Theft from shops and stalls",
        "Assault with injury (s20/47)",
    }
    for offence, share in top.items():
        assert share == pytest.approx(0.10, abs=0.006), offence
    fourth = rows[3][1]
    assert fourth < 0.09 and fourth < min(top.values()) - 0.01


def test_burglary_falls_six_months_from_november_peak(store):
    rows = store.con.execute("""
        SELECT month, count(*) FROM crimes WHERE offence = 'Burglary in a dwelling'
        AND month BETWEEN '2012-04-01' AND '2013-04-01' GROUP BY 1 ORDER BY 1""").fetchall()
    counts = dict(rows)
    run = [counts[date(2012, 11, 1)], counts[date(2012, 12, 1)]] + [
        counts[date(2013, m, 1)] for m in (1, 2, 3, 4)
    ]
    assert all(a > b for a, b in zip(run, run[1:], strict=False))
    assert max(counts.values()) == counts[date(2012, 11, 1)]


def test_violence_peaks_in_summer_and_at_night(store):
    rows = store.con.execute(f"""
        SELECT {FY}, count(*) FILTER (WHERE month(month) IN (6, 7, 8)),
               count(*) FILTER (WHERE month(month) IN (12, 1, 2))
        FROM crimes WHERE offence_group = 'Violence with injury' GROUP BY 1""").fetchall()
    for _, summer, winter in rows:
        assert summer > winter
    night, domestic = one(
        store,
        """
        SELECT avg((hour(recorded_at) >= 19 OR hour(recorded_at) < 4)::INT), avg(domestic::INT)
        FROM crimes WHERE offence_group = 'Violence with injury'""",
    )
    assert 0.40 <= night <= 0.50
    assert 0.25 <= domestic <= 0.35


def test_knife_and_gun_crime_fall_in_2012_13(store):
    knife11, knife12, gun11, gun12 = one(
        store,
        f"""
        SELECT count(*) FILTER (WHERE knife AND {FY} = 2011),
               count(*) FILTER (WHERE knife AND {FY} = 2012),
               count(*) FILTER (WHERE gun AND {FY} = 2011),
               count(*) FILTER (WHERE gun AND {FY} = 2012) FROM crimes""",
    )
    assert knife12 / knife11 - 1 == pytest.approx(-0.406, abs=0.02)
    assert gun12 / gun11 - 1 == pytest.approx(-0.375, abs=0.05)
    assert 20 <= gun12 / 12 <= 40 and 20 <= gun11 / 12 <= 45


def test_solved_rates(store):
    overall, burglary, robbery = one(
        store,
        f"""
        SELECT avg(solved::INT), avg(solved::INT) FILTER (WHERE offence = 'Burglary in a dwelling'),
               avg(solved::INT) FILTER (WHERE category = 'Robbery')
        FROM crimes WHERE {FY} = 2012""",
    )
    assert overall == pytest.approx(0.25, abs=0.02)
    assert 0.12 <= burglary <= 0.15
    assert robbery == pytest.approx(0.20, abs=0.015)


def test_non_crime_hate_incidents(store):
    by_year = dict(
        store.con.execute(f"""
        SELECT {FY}, count(*) FROM incidents WHERE category = 'Non-crime hate incident'
        GROUP BY 1""").fetchall()
    )
    assert by_year[2012] == pytest.approx(530, abs=10)
    assert max(by_year, key=by_year.__getitem__) == 2012
    categories = {
        r[0] for r in store.con.execute("SELECT DISTINCT category FROM incidents").fetchall()
    }
    assert categories == set(v.INCIDENT_CATEGORIES)


def test_a_few_callers_call_50_to_200_times_a_year(store):
    heavy, most = one(
        store,
        f"""
        SELECT count(*) FILTER (WHERE n >= 50), max(n) FROM (
          SELECT caller_id, count(*) n FROM incidents WHERE {FY} = 2012 GROUP BY caller_id)""",
    )
    assert 3 <= heavy <= 40
    assert 50 <= most <= 200


def test_confidence_waves(store):
    rows = store.con.execute("""
        SELECT wave::INT, 100 * positive / respondents, respondents, period_end
        FROM survey_responses WHERE survey = 'Feeling the Difference' AND area_level = 'force'
        AND question = 'Have confidence in the police' ORDER BY 1""").fetchall()
    waves = {r[0]: r[1] for r in rows}
    assert min(waves) <= 26 and max(waves) == 33
    assert all(r[3] <= date(2013, 4, 1) for r in rows)
    assert all(2_500 <= r[2] <= 3_500 for r in rows)
    assert waves[31] < waves[30] and waves[32] < waves[31]
    assert waves[33] - waves[32] == pytest.approx(3.0, abs=0.5)


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
    asb = one(
        store,
        "SELECT avg(respondents) FROM survey_responses WHERE area_level = 'force' AND question = ?",
        [v.SATISFACTION_ASB],
    )
    assert 220 <= asb <= 280


ROLLING = """
    WITH f AS (SELECT force, month, value, denominator FROM peer_figures
               WHERE measure = 'satisfaction_crime'),
    r AS (SELECT force, month, 100 * sum(value) OVER w / sum(denominator) OVER w AS r12
          FROM f WINDOW w AS (PARTITION BY force ORDER BY month
                              ROWS BETWEEN 11 PRECEDING AND CURRENT ROW))
    SELECT force, r12 FROM r WHERE month = ?"""


def test_victim_satisfaction_against_the_most_similar_group(store):
    def rolling(month):
        rows = dict(store.con.execute(ROLLING, [month]).fetchall())
        home = rows.pop(v.FORCE)
        return home, rows

    home, peers = rolling(date(2012, 12, 1))
    assert home == pytest.approx(87.1, abs=0.05)
    assert sum(peers.values()) / len(peers) == pytest.approx(87.1, abs=0.2)
    assert sum(1 for rate in peers.values() if rate < home) == 3
    home, peers = rolling(date(2011, 12, 1))
    assert home == pytest.approx(85.8, abs=0.05)
    assert sum(peers.values()) / len(peers) == pytest.approx(86.6, abs=0.2)


def test_satisfaction_survey_matches_peer_figures_and_peaks_in_april_2012(store):
    rows = store.con.execute(
        """
        SELECT period_start, positive, respondents FROM survey_responses
        WHERE question = ? AND area_level = 'force'
          AND year(period_start - INTERVAL 3 MONTH) = 2012 ORDER BY 1""",
        [v.SATISFACTION_CRIME],
    ).fetchall()
    rates = {r[0]: r[1] / r[2] for r in rows}
    assert max(rates, key=rates.__getitem__) == date(2012, 4, 1)
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
    ) == (8, 7, 60)
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


def test_populations(store):
    census = {
        "Birmingham": 1_073_045,
        "Coventry": 316_960,
        "Dudley": 312_925,
        "Sandwell": 308_063,
        "Solihull": 206_674,
        "Walsall": 269_323,
        "Wolverhampton": 249_470,
    }
    rows = dict(
        store.con.execute(
            "SELECT area, population FROM populations "
            "WHERE area_level = 'local_authority' AND year = 2011"
        ).fetchall()
    )
    assert rows == census
    force = one(
        store,
        "SELECT population FROM populations WHERE area_level = 'force' "
        "AND area = ? AND year = 2011",
        [v.FORCE],
    )
    assert force == sum(census.values())
    lpu_total = one(
        store, "SELECT sum(population) FROM populations WHERE area_level = 'lpu' AND year = 2011"
    )
    assert lpu_total == force
    peers = store.con.execute(
        "SELECT population FROM populations WHERE area_level = 'force' AND area <> ?", [v.FORCE]
    ).fetchall()
    assert all(1_000_000 <= p <= 2_850_000 for (p,) in peers)
    assert one(
        store, "SELECT min(year), max(year), count(DISTINCT (area_level, area)) FROM populations"
    ) == (2009, 2013, 8 + 7 + 10)


# -- the published reoffending table -------------------------------------------------------
SEED_REOFFENDING = [  # as printed in the seed report, in its order
    ("Region", "West Midlands", 68651, 7.71, 8.64, -10.78),
    ("Probation Trust", "Staffs and WM", 53897, 7.27, 8.36, -13.11),
    ("Local Authority", "Birmingham", 18966, 6.66, 8.10, -17.76),
    ("Local Authority", "Coventry", 4996, 7.53, 8.86, -15.06),
    ("Local Authority", "Dudley", 3052, 5.18, 7.48, -30.82),
    ("Local Authority", "Sandwell", 4593, 6.12, 7.63, -19.84),
    ("Local Authority", "Solihull", 1881, 7.07, 8.28, -14.65),
    ("Local Authority", "Staffordshire", 7857, 7.71, 7.83, -1.50),
    ("Local Authority", "Stoke-on-Trent", 4461, 10.40, 10.06, 3.35),
    ("Local Authority", "Walsall", 3672, 8.03, 9.25, -13.14),
    ("Local Authority", "Wolverhampton", 3946, 7.48, 8.61, -13.20),
]


def test_reoffending_is_the_seed_table(store):
    rows = store.con.execute(
        "SELECT level, area, cohort, actual_rate, predicted_rate, baseline_change_pct "
        "FROM reoffending ORDER BY row_order"
    ).fetchall()
    assert rows == SEED_REOFFENDING
    assert one(
        store,
        "SELECT count(DISTINCT publication), any_value(period), "
        "any_value(baseline_label) FROM reoffending",
    ) == (1, "1 October 2011 to 30 September 2012", "2007/8")


def test_reoffending_csv_layout():
    text = resources.files("crimeplan.demo").joinpath("reoffending.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == [
        "publication",
        "period",
        "level",
        "area",
        "cohort",
        "actual_rate",
        "predicted_rate",
        "baseline_change_pct",
        "baseline_label",
    ]
    assert [
        (
            r["level"],
            r["area"],
            int(r["cohort"]),
            float(r["actual_rate"]),
            float(r["predicted_rate"]),
            float(r["baseline_change_pct"]),
        )
        for r in rows
    ] == (SEED_REOFFENDING)
