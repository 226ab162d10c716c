"""The importers of incidents, surveys, reoffending, peers, populations and areas.

Error messages are asserted whole. Files are written in ``tmp_path`` and named relative to
it, so the messages do not depend on where the tests run.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.data.ingest import a
from crimeplan.data.sources.registry import IMPORTERS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-formats.md"
SKIP_HINT = "(fix the row, or re-run with --skip-bad to set bad rows aside)"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CRIMEPLAN_STORE", str(tmp_path / "store.duckdb"))
    return tmp_path


def run(*args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(cli, ["import", *args])
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def query(sql: str, store: Path | None = None) -> list[tuple]:
    con = duckdb.connect(str(store or Path("store.duckdb")), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def write(name: str, text: str) -> str:
    Path(name).write_text(text, encoding="utf-8")
    return name


# command, header, a good row, a row bad in one column, that column and the reason
CASES = {
    "incidents": (
        ["incidents", "--force", "West Midlands Police"],
        "incident_ref,recorded_at,category,hate_strand,caller_id,small_area",
        "INC-1,2013-04-01 19:05,Anti-social behaviour,,C-1,E01009212",
        "INC-2,01/04/2013 7pm,Anti-social behaviour,,C-2,E01009212",
        "column 'recorded_at': not a date-time; expected YYYY-MM-DD HH:MM (or DD/MM/YYYY HH:MM), "
        "e.g. 2013-04-30 21:15, found '01/04/2013 7pm'",
    ),
    "survey": (
        ["survey", "--force", "West Midlands Police"],
        "survey,question,wave,period_start,period_end,area_level,area,respondents,positive",
        "FtD,Have confidence in the police,33,2012-10,2012-12,force,WMP,1180,897",
        "FtD,Have confidence in the police,33,2012-10,2012-12,lpu,Dudley,100,101",
        "column 'positive': more positive answers than respondents, found '101'",
    ),
    "reoffending": (
        ["reoffending"],
        "publication,period,level,area,cohort,actual_rate,predicted_rate,baseline_change_pct,"
        "baseline_label",
        'MoJ Feb 2013,2011-10 to 2012-09,Region,West Midlands,"68,651",7.71%,8.64%,-10.78%,2007/08',
        "MoJ Feb 2013,2011-10 to 2012-09,Local Authority,Dudley,3052,5.18 pct,7.48%,-30.82%,",
        "column 'actual_rate': not a number (e.g. 7.71% or 7.71), found '5.18 pct'",
    ),
    "peers": (
        ["peers"],
        "force,measure,month,value,denominator",
        "Peer Force A,burglary_dwelling,2013-03,812,",
        "Peer Force B,burglary_dwelling,March 2013,640,",
        "column 'month': not a month; expected YYYY-MM (or YYYY-MM-DD), e.g. 2013-04, "
        "found 'March 2013'",
    ),
    "population": (
        ["population"],
        "area_level,area,year,population",
        "local_authority,Birmingham,2012,1085400",
        "local_authority,Coventry,2012,-316900",
        "column 'population': not a whole number of 0 or more, found '-316900'",
    ),
    "areas": (
        ["areas", "--force", "West Midlands Police"],
        "small_area,small_area_name,neighbourhood,lpu,local_authority,force",
        "E01009212,Birmingham 126C,Longbridge & West Heath,Birmingham South,Birmingham,",
        ",Birmingham 042B,Bromford & Hodge Hill,Birmingham East,Birmingham,",
        "column 'small_area': missing small area code (blank)",
    ),
}

WHAT = {
    "incidents": "incidents CSV",
    "survey": "survey results CSV",
    "reoffending": "reoffending table CSV",
    "peers": "peer figures CSV",
    "population": "population CSV",
    "areas": "areas CSV (or the ONS LSOA (2011) to ward (2019) to LAD (2019) lookup CSV)",
}


@pytest.mark.parametrize("kind", CASES)
def test_empty_file(here: Path, kind: str) -> None:
    args = CASES[kind][0]
    write("in.csv", "")
    out = run(args[0], "in.csv", *args[1:], ok=False)
    assert out == f"Error: in.csv: the file is empty; expected {a(WHAT[kind])}\n"


@pytest.mark.parametrize("kind", CASES)
def test_binary_file(here: Path, kind: str) -> None:
    args = CASES[kind][0]
    Path("in.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    out = run(args[0], "in.csv", *args[1:], ok=False)
    assert out == f"Error: in.csv: is a binary file, not text; expected {a(WHAT[kind])}\n"


def test_missing_file(here: Path) -> None:
    out = run("peers", "nowhere.csv", ok=False)
    assert out == "Error: nowhere.csv: no such file\n"


WRONG_HEADER = {
    "incidents": "Error: in.csv:1: the header is not an incidents CSV header (missing "
    "'incident_ref', 'recorded_at', 'category'; unexpected 'ref', 'when', 'what'); expected: "
    "incident_ref,recorded_at,category,hate_strand,caller_id,small_area,victim_id,force\n",
    "survey": "Error: in.csv:1: the header is not a survey results CSV header (missing "
    "'survey', 'question', 'period_start', 'period_end', 'area_level', 'area', 'respondents', "
    "'positive'; unexpected 'ref', 'when', 'what'); expected: survey,question,wave,"
    "period_start,period_end,area_level,area,respondents,positive,force\n",
    "reoffending": "Error: in.csv:1: the header is not a reoffending table CSV header (missing "
    "'publication', 'period', 'level', 'area', 'cohort', 'actual_rate', 'predicted_rate', "
    "'baseline_change_pct'; unexpected 'ref', 'when', 'what'); expected: publication,period,"
    "level,area,cohort,actual_rate,predicted_rate,baseline_change_pct,baseline_label\n",
    "peers": "Error: in.csv:1: the header is not a peer figures CSV header (missing 'force', "
    "'measure', 'month', 'value'; unexpected 'ref', 'when', 'what'); expected: "
    "force,measure,month,value,denominator\n",
    "population": "Error: in.csv:1: the header is not a population CSV header (missing "
    "'area_level', 'area', 'year', 'population'; unexpected 'ref', 'when', 'what'); expected: "
    "area_level,area,year,population\n",
    "areas": "Error: in.csv:1: the header is not an areas CSV header (missing 'small_area'; "
    "unexpected 'ref', 'when', 'what'); expected: small_area,small_area_name,neighbourhood,"
    "lpu,local_authority,force (or the ONS lookup's FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,"
    "LAD19CD,LAD19NM)\n",
}


@pytest.mark.parametrize("kind", CASES)
def test_wrong_header(here: Path, kind: str) -> None:
    args = CASES[kind][0]
    write("in.csv", "ref,when,what\n1,2,3\n")
    assert run(args[0], "in.csv", *args[1:], ok=False) == WRONG_HEADER[kind]


@pytest.mark.parametrize("kind", CASES)
def test_header_only(here: Path, kind: str) -> None:
    args, header = CASES[kind][0], CASES[kind][1]
    write("in.csv", header + "\n")
    out = run(args[0], "in.csv", *args[1:], ok=False)
    what = WHAT[kind].split(" (or")[0]
    assert out == f"Error: in.csv: has a header but no rows; expected {a(what)}\n"


@pytest.mark.parametrize("kind", CASES)
def test_bad_row_stops_the_import(here: Path, kind: str) -> None:
    args, header, good, bad, reason = CASES[kind]
    write("in.csv", "\n".join([header, good, bad]) + "\n")
    out = run(args[0], "in.csv", *args[1:], ok=False)
    assert out == f"Error: in.csv:3: {reason} {SKIP_HINT}\n"
    assert not Path("store.duckdb").exists() or query("SELECT count(*) FROM imports") == [(0,)]


@pytest.mark.parametrize("kind", CASES)
def test_truncated_file(here: Path, kind: str) -> None:
    args, header, good = CASES[kind][:3]
    write("in.csv", "\n".join([header, good, good.rsplit(",", 3)[0]]) + "\n")
    out = run(args[0], "in.csv", *args[1:], ok=False)
    assert re.fullmatch(
        r"Error: in\.csv:3: column '\w+': too few fields \(.*\); is the file truncated\? "
        + re.escape(SKIP_HINT)
        + "\n",
        out,
    ), out


@pytest.mark.parametrize("kind", CASES)
def test_skip_bad_sets_rows_aside(here: Path, kind: str) -> None:
    args, header, good, bad, reason = CASES[kind]
    write("in.csv", "\n".join([header, good, bad]) + "\n")
    out = run(args[0], "in.csv", *args[1:], "--skip-bad", "--rejects", "bad.csv")
    assert out.splitlines()[0].startswith("in.csv: 1 row imported")
    assert out.splitlines()[0].endswith(", 1 bad row set aside in bad.csv")
    with open("bad.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert rows[0]["line"] == "3"
    column, text = re.fullmatch(r"column '([^']+)': (.*)", reason).groups()
    assert (rows[0]["column"], rows[0]["reason"]) == (column, text)


def test_reoffending_keeps_the_published_table(here: Path) -> None:
    out = run("reoffending", str(FIXTURES / "reoffending-2013-02.csv"))
    assert out.endswith("reoffending-2013-02.csv: 11 rows imported\n")
    rows = query(
        "SELECT row_order, level, area, cohort, actual_rate, predicted_rate, "
        "baseline_change_pct, baseline_label FROM reoffending ORDER BY row_order"
    )
    assert rows[:2] == [
        (1, "Region", "West Midlands", 68651, 7.71, 8.64, -10.78, "2007/08"),
        (2, "Probation Trust", "Staffs and WM", 53897, 7.27, 8.36, -13.11, "2007/08"),
    ]
    assert [r[2] for r in rows[2:]] == [
        "Birmingham",
        "Coventry",
        "Dudley",
        "Sandwell",
        "Solihull",
        "Staffordshire",
        "Stoke-on-Trent",
        "Walsall",
        "Wolverhampton",
    ]
    assert rows[-1] == (11, "Local Authority", "Wolverhampton", 3946, 7.48, 8.61, -13.2, "2007/08")


def test_reimport_adds_nothing_and_a_corrected_table_replaces_it(here: Path) -> None:
    original = FIXTURES / "reoffending-2013-02.csv"
    run("reoffending", str(original))
    again = run("reoffending", str(original))
    assert again == (
        f"{original}: already imported (same sha256), nothing added"
        "; --replace imports it again in its place\n"
    )
    lines = original.read_text().splitlines()
    fixed = write("fixed.csv", "\n".join(lines[:4] + [lines[4].replace("4996", "4997")]) + "\n")
    assert (
        run("reoffending", fixed)
        == "fixed.csv: 4 rows imported, 11 rows of an earlier import replaced\n"
    )
    assert query("SELECT count(*), sum(cohort) FROM reoffending") == [
        (4, 68651 + 53897 + 18966 + 4997)
    ]
    assert query("SELECT import_id, superseded_by FROM imports ORDER BY 1") == [(1, 2), (2, None)]


def test_newer_incidents_replace_the_months_they_cover(here: Path) -> None:
    header = "incident_ref,recorded_at,category,caller_id,force"
    write(
        "april.csv",
        "\n".join(
            [
                header,
                "I1,2013-04-01 10:00,Anti-social behaviour,C-1,WMP",
                "I2,2013-04-02 10:00,Anti-social behaviour,C-1,WMP",
                "I3,2013-05-02 10:00,Anti-social behaviour,C-2,WMP",
            ]
        )
        + "\n",
    )
    write("may.csv", header + "\nI4,2013-05-20 22:00,Domestic incident,C-1,WMP\n")
    run("incidents", "april.csv")
    assert run("incidents", "may.csv") == (
        "may.csv: 1 row imported (2013-05), 1 rows of an earlier import replaced\n"
    )
    rows = query("SELECT incident_ref, caller_id FROM incidents ORDER BY incident_ref")
    assert [r[0] for r in rows] == ["I1", "I2", "I4"]
    callers = {r[0]: r[1] for r in rows}
    assert callers["I1"] == callers["I2"] == callers["I4"]  # the same caller, one pseudonym
    assert re.fullmatch("[0-9a-f]{64}", callers["I1"]) and "C-1" not in callers["I1"]


def test_caller_ids_already_pseudonymised_are_kept(here: Path) -> None:
    run("incidents", str(FIXTURES / "incidents.csv"), "--force", "WMP")
    rows = dict(query("SELECT incident_ref, caller_id FROM incidents"))
    assert rows["INC-0003"] == "0f343b0931126a20f133d67c2b018a3b5b1e2a5d5b9e4c1d6a2b7c8d9e0f1a2b"
    assert rows["INC-0001"] == rows["INC-0004"] != rows["INC-0002"]


def test_incidents_need_a_force(here: Path) -> None:
    out = run("incidents", str(FIXTURES / "incidents.csv"), ok=False)
    assert out == (
        f"Error: {FIXTURES / 'incidents.csv'}:2: column 'force': missing force (fill the force "
        f"column, or pass --force NAME) (blank) (and 3 more bad rows) {SKIP_HINT}\n"
    )


def test_survey_months_and_dates(here: Path) -> None:
    run("survey", str(FIXTURES / "survey.csv"), "--force", "WMP")
    rows = query(
        "SELECT wave, period_start, period_end, respondents, positive FROM survey_responses "
        "ORDER BY source_line"
    )
    assert [(str(r[1]), str(r[2])) for r in rows] == [
        ("2012-07-01", "2012-09-30"),
        ("2012-10-01", "2012-12-31"),
        ("2012-01-01", "2012-12-31"),
    ]
    assert rows[2][0] is None


def test_peers_and_population(here: Path) -> None:
    assert run("peers", str(FIXTURES / "peers.csv")).endswith(
        "peers.csv: 3 rows imported (2013-03)\n"
    )
    assert query(
        "SELECT force, measure, value, denominator FROM peer_figures ORDER BY source_line"
    ) == [
        ("Peer Force A", "burglary_dwelling", 812.0, None),
        ("Peer Force A", "satisfaction_crime", 1710.0, 1980.0),
        ("Peer Force B", "burglary_dwelling", 1040.0, None),
    ]
    run("population", str(FIXTURES / "population.csv"))
    assert query("SELECT population FROM populations WHERE area_level = 'force'") == [(2739000,)]


def test_areas_with_an_lpu_lookup(here: Path) -> None:
    shutil.copy(FIXTURES / "lpus.csv", "lpus.csv")
    write(
        "lookup.csv",
        "FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\n"
        "1,E01009212,Birmingham 126C,E05011152,Longbridge & West Heath,E08000025,Birmingham\n"
        "2,E01009526,Coventry 010B,E05001218,Bablake,E08000026,Coventry\n"
        "3,E01009300,Birmingham 001A,E05011140,Sutton Vesey,E08000025,Birmingham\n",
    )
    out = run("areas", "lookup.csv", "--force", "West Midlands Police", "--lpus", "lpus.csv")
    assert out == "lookup.csv: 3 rows imported\n"
    assert query("SELECT * EXCLUDE (import_id) FROM areas ORDER BY small_area") == [
        (
            "E01009212",
            "Birmingham 126C",
            "Longbridge & West Heath",
            "Birmingham South",
            "Birmingham",
            "West Midlands Police",
        ),
        (
            "E01009300",
            "Birmingham 001A",
            "Sutton Vesey",
            None,
            "Birmingham",
            "West Midlands Police",
        ),
        ("E01009526", "Coventry 010B", "Bablake", "Coventry", "Coventry", "West Midlands Police"),
    ]


def test_areas_listed_twice(here: Path) -> None:
    write("areas.csv", "small_area,neighbourhood\nE01,Aston\nE02,Aston\nE01,Lozells\n")
    out = run("areas", "areas.csv", "--force", "WMP", ok=False)
    assert out == (
        "Error: areas.csv:4: column 'small_area': small area listed twice (an earlier line has "
        f"it), found 'E01' {SKIP_HINT}\n"
    )


def test_every_layout_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    layouts = [layout for importer in IMPORTERS.values() for layout in importer.layouts]
    assert layouts
    for layout in layouts:
        assert f"Header: `{layout.header}`" in docs, layout.name
        for column in layout.optional:
            assert f"`{column}`" in docs, (layout.name, column)


# -- real data ------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_ons_rolling_year_file(shared_data: Path, tmp_path: Path) -> None:
    """The whole rec-crime-pfa.csv: 46,469 rows, of which 93 are the fraud reporting bodies."""
    path = shared_data / "ons-prc-pfa-rolling-year" / "rec-crime-pfa.csv"
    store = tmp_path / "store.duckdb"
    out = run("peers", str(path), "--format", "ons-pfa", "--store", str(store))
    assert out.splitlines()[:4] == [
        f"{path}: 46,376 rows imported (2003-03 to 2018-12)",
        "  note: left out 93 rows of the fraud reporting bodies (Action Fraud, CIFAS, UK Finance):"
        " they are not police force areas",
        "  note: 924 rows dated 30/12/2017 taken as the end of that month (quarter end)",
        "  note: 24 rows have negative counts (source adjustments), kept as published, e.g. "
        "Bedfordshire, Fraud offences, 31/12/2013: -52, Cheshire, Death or serious injury caused "
        "by illegal driving, 30/06/2007: -1, Cheshire, Death or serious injury caused by illegal "
        "driving, 30/09/2007: -2 and 21 more",
    ]
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 46_469
    fraud = [r for r in rows if r["Region"].startswith("Fraud:")]
    assert len(fraud) == 93
    typo = [r for r in rows if r["12 months ending"] == "30/12/2017" and r not in fraud]
    assert len(typo) == 924
    tally = sum(
        int(r["Rolling year total number of offences"])
        for r in rows
        if r["PFA"] == "West Midlands"
        and r["Offence"] == "Domestic burglary"
        and r["12 months ending"] == "31/03/2013"
    )
    assert tally == 13_571
    assert query(
        "SELECT value FROM peer_figures WHERE force = 'West Midlands' "
        "AND measure = 'domestic_burglary' AND month = DATE '2013-03-01'",
        store,
    ) == [(13_571.0,)]
    assert query("SELECT count(*) FROM peer_figures WHERE month = DATE '2017-12-01'", store) == [
        (924,)
    ]
    assert query(
        "SELECT count(DISTINCT force), count(DISTINCT measure) FROM peer_figures", store
    ) == [(44, 22)]
    again = run("peers", str(path), "--format", "ons-pfa", "--store", str(store))
    assert again == (
        f"{path}: already imported (same sha256), nothing added"
        "; --replace imports it again in its place\n"
    )


@pytest.mark.realdata
def test_ons_lsoa_lookup_west_midlands(shared_data: Path, tmp_path: Path) -> None:
    path = (
        shared_data
        / "ons-lsoa11-ward19-lad19-lookup"
        / "LSOA11_WD19_LAD19_WestMidlandsPFA_subset.csv"
    )
    store = tmp_path / "store.duckdb"
    out = run("areas", str(path), "--force", "West Midlands Police", "--store", str(store))
    assert out == f"{path}: 1,680 rows imported\n"
    assert query("SELECT local_authority, count(*) FROM areas GROUP BY 1 ORDER BY 1", store) == [
        ("Birmingham", 639),
        ("Coventry", 195),
        ("Dudley", 201),
        ("Sandwell", 186),
        ("Solihull", 134),
        ("Walsall", 167),
        ("Wolverhampton", 158),
    ]


@pytest.mark.parametrize("kind", ["survey", "population"])
def test_unknown_area_level(here: Path, kind: str) -> None:
    """An area level no measure or --area can name ("planet") is a bad row, naming the
    levels allowed (AREA_REF_LEVELS)."""
    args, header, good = CASES[kind][:3]
    columns = header.split(",")
    bad = good.split(",")
    bad[columns.index("area_level")] = "planet"
    write("in.csv", "\n".join([header, good, ",".join(bad)]) + "\n")
    out = run(args[0], "in.csv", *args[1:], ok=False)
    assert out == (
        "Error: in.csv:3: column 'area_level': not an area level; expected one of force, lpu, "
        f"local_authority, neighbourhood, small_area, area_set, found 'planet' {SKIP_HINT}\n"
    )


def test_replace_supersedes_the_earlier_import_of_the_same_file(here: Path) -> None:
    """Re-importing the same extract with a corrected mapping adds nothing, and says how to
    apply the correction; ``--replace`` applies it: the earlier import's rows go (whatever
    their keys: here the force changes), the log says which import replaced which."""
    extract = str(FIXTURES / "crimes-2013-04.csv")
    mapping = (FIXTURES / "crimes-mapping.yaml").read_text(encoding="utf-8")
    write("wrong.yaml", mapping.replace("force: West Midlands Police", "force: WMP typo"))
    write("right.yaml", mapping)
    run("crimes", extract, "--mapping", "wrong.yaml")
    again = run("crimes", extract, "--mapping", "right.yaml")
    assert again.endswith("nothing added; --replace imports it again in its place\n")
    out = run("crimes", extract, "--mapping", "right.yaml", "--replace")
    assert out == (
        f"{extract}: 4 rows imported (2013-04), in place of import 1 of the same file, "
        "4 rows of an earlier import replaced\n"
    )
    assert query("SELECT force, count(*) FROM crimes GROUP BY 1") == [("West Midlands Police", 4)]
    assert query("SELECT import_id, rows, rows_replaced, superseded_by, note FROM imports") == [
        (1, 4, 0, 2, "crime extract through mapping wrong.yaml"),
        (2, 4, 4, None, "crime extract through mapping right.yaml; "
         "in place of import 1 of the same file (--replace)"),
    ]  # fmt: skip
    # all or nothing: a --replace that fails leaves the import it would replace in place
    write("bad.yaml", mapping.replace("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", 1))
    run("crimes", extract, "--mapping", "bad.yaml", "--replace", ok=False)
    assert query("SELECT import_id, superseded_by FROM imports") == [(1, 2), (2, None)]
    assert query("SELECT count(*) FROM crimes WHERE import_id = 2") == [(4,)]
    # a file never imported: --replace imports it as usual
    out = run("population", str(FIXTURES / "population.csv"), "--replace")
    assert out.endswith("population.csv: 3 rows imported\n")
