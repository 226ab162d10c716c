"""``crimeplan update`` and ``crimeplan milestones`` through click's CliRunner (and, for
concurrent submissions, as separate processes)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crimeplan.cli import cli
from crimeplan.data.store import Store
from crimeplan.plan import builtin_plan_path

PLAN = str(builtin_plan_path())
TITLE = "West Midlands Police and Crime Plan 2013/14"


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def update(store: Path, milestone_id: str, *extra: str, input: str | None = None) -> Result:
    return run("update", milestone_id, "--plan", PLAN, "--store", str(store), *extra, input=input)


def notes(store: Path) -> list[tuple[str, str, str, str, date]]:
    with Store.open(store) as s:
        return s.con.execute(
            "SELECT milestone_id, status, note, updated_by, update_date FROM milestone_updates "
            "ORDER BY update_id"
        ).fetchall()


@pytest.mark.parametrize("command", ["update", "milestones"])
def test_help_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    example = result.output.split("Example:")[1]
    assert f"crimeplan {command} " in example


def new_store(path: Path) -> Path:
    """An empty store at ``path`` (``update`` writes to a store, never makes one)."""
    Store.open(path).close()
    return path


def test_update_records_and_says_what(tmp_path: Path) -> None:
    store = new_store(tmp_path / "force.duckdb")
    result = update(
        store,
        "A1",
        "--status",
        "on track",
        "--by",
        "ACC Forsyth",
        "--date",
        "2013-06-03",
        "--note",
        "Wave 34 of Feeling the Difference started interviewing.",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:5] == [
        "Recorded update 1 on A1 (Increase confidence in policing):",
        "  status:   on track",
        "  date:     2013-06-03",
        "  by:       ACC Forsyth",
        "  note:     Wave 34 of Feeling the Difference started interviewing.",
    ]
    assert lines[5].startswith("  recorded: ")
    assert lines[5].endswith(f" UTC in {store}; A1 has 1 update in the store")
    assert len(lines) == 6
    again = update(
        store, "A1", "--status", "at risk", "--by", "ACC Forsyth", "--date", "2013-06-04",
        "--note", "Fieldwork delayed.",
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert (
        again.output.splitlines()[0] == "Recorded update 2 on A1 (Increase confidence in policing):"
    )
    assert again.output.rstrip().endswith("A1 has 2 updates in the store")
    assert notes(store) == [
        ("A1", "on track", "Wave 34 of Feeling the Difference started interviewing.",
         "ACC Forsyth", date(2013, 6, 3)),
        ("A1", "at risk", "Fieldwork delayed.", "ACC Forsyth", date(2013, 6, 4)),
    ]  # fmt: skip


def test_update_date_defaults_to_today_and_store_to_the_environment(tmp_path: Path) -> None:
    store = new_store(tmp_path / "env.duckdb")
    result = run(
        "update", "B2", "--status", "in progress", "--by", "DCC Thompson", "--note", "Met.",
        "--plan", PLAN, env={"CRIMEPLAN_STORE": str(store)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert notes(store) == [("B2", "in progress", "Met.", "DCC Thompson", date.today())]


def test_a_long_note_from_stdin_or_a_file(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.duckdb")
    text = "First paragraph.\n\nSecond paragraph.\n"
    args = ("--status", "in progress", "--by", "ACC Rowe", "--date", "2013-06-05")
    from_stdin = update(store, "B3", *args, "--note", "-", input=text)
    assert from_stdin.exit_code == 0, from_stdin.output
    assert "  note:     First paragraph. (+2 more lines)" in from_stdin.output
    note_file = tmp_path / "b3.txt"
    note_file.write_text(text, encoding="utf-8")
    from_file = update(store, "B3", *args, "--note-file", str(note_file))
    assert from_file.exit_code == 0, from_file.output
    assert [n[2] for n in notes(store)] == ["First paragraph.\n\nSecond paragraph."] * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("A9", "--status", "on track", "--note", "x", "--by", "y"),
            f"Error: milestone 'A9' is not in the plan '{TITLE}' (did you mean 'A1', 'A2' or "
            "'A3'?)",
        ),
        (
            ("A1", "--status", "done", "--note", "x", "--by", "y"),
            "Error: status 'done' is not a milestone status; expected one of: not started, "
            "in progress, on track, at risk, off track, achieved, not achieved",
        ),
        (
            ("A1", "--status", "achieved", "--note", "  ", "--by", "y"),
            "Error: the note is empty; say what has happened since the last update",
        ),
        (
            ("A1", "--status", "achieved", "--by", "y"),
            "Error: give the update's text with --note TEXT, --note - (read it from standard "
            "input) or --note-file FILE",
        ),
        (
            ("A1", "--status", "achieved", "--note", "x", "--note-file", "n.txt", "--by", "y"),
            "Error: give the note either with --note or with --note-file, not both",
        ),
        (
            ("A1", "--status", "achieved", "--note", "x", "--by", "y", "--date", "3/6/2013"),
            "Error: --date '3/6/2013' is not a date; expected YYYY-MM-DD, e.g. 2013-06-11",
        ),
        (
            ("A1", "--status", "achieved", "--note", "x", "--by", "y", "--date", "20130603"),
            "Error: --date '20130603' is not a date; expected YYYY-MM-DD, e.g. 2013-06-11",
        ),
    ],
    ids=["unknown milestone", "bad status", "empty note", "no note", "two notes", "date", "ymd"],
)
def test_a_refused_update_is_one_line_and_writes_nothing(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    store = tmp_path / "s.duckdb"
    result = update(store, *args)
    assert result.exit_code == 1
    assert result.output == message + "\n"
    assert not store.exists()


def test_an_update_to_a_store_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    """A misspelt --store is not a new, empty store that the board never reads."""
    store = tmp_path / "typo.duckdb"
    result = update(store, "A1", "--status", "on track", "--note", "x", "--by", "y")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: store {store} does not exist; import data first (crimeplan import …) or run "
        "crimeplan demo\n"
    )
    assert not store.exists()


@pytest.mark.parametrize(
    "url", ["postgresql://analyst@db.example/crimeplan", "postgres://analyst@db.example/cp"]
)
def test_an_update_to_a_postgresql_copy_is_refused(url: str) -> None:
    result = run("update", "A1", "--status", "on track", "--note", "x", "--by", "y",
                 "--plan", PLAN, "--store", url)  # fmt: skip
    assert result.exit_code == 1
    assert result.output == (
        f"Error: store {url} is a PostgreSQL database, which crimeplan only reads; imports and "
        "milestone updates need the DuckDB store (--store FILE.duckdb)\n"
    )


def test_an_update_dated_in_the_future_is_refused(tmp_path: Path) -> None:
    tomorrow = date.today() + timedelta(days=1)
    result = update(
        tmp_path / "s.duckdb", "A1", "--status", "on track", "--note", "x", "--by", "y",
        "--date", tomorrow.isoformat(),
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output == (
        f"Error: --date {tomorrow.isoformat()} is in the future (today is "
        f"{date.today().isoformat()}); an update records progress already made, so date it "
        "today or earlier\n"
    )


@pytest.fixture
def year_store(tmp_path: Path) -> Path:
    """A store with a few updates of the 2013/14 year."""
    store = new_store(tmp_path / "year.duckdb")
    for milestone_id, status, day, by in [
        ("B2", "in progress", "2013-07-01", "DCC Thompson"),
        ("F1", "at risk", "2013-07-05", "ACC Rowe"),
        ("B3", "on track", "2013-07-10", "ACC Rowe"),  # the day after the meeting
    ]:
        result = update(store, milestone_id, "--status", status, "--by", by, "--date", day,
                        "--note", f"{milestone_id} update of {day}.")  # fmt: skip
        assert result.exit_code == 0, result.output
    return store


def test_milestones_json_at_a_meeting(year_store: Path) -> None:
    result = run(
        "milestones", "--plan", PLAN, "--store", str(year_store), "--due-at", "2013-07-01",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["meeting"] == "2013-07-09"
    assert data["requested"] == "2013-07-01"
    assert data["notes"] == [  # 2013-07-01 is not a meeting: showing the next, 2013-07-09
        {"code": "not_a_meeting", "requested": "2013-07-01", "meeting": "2013-07-09"}
    ]
    by_id = {m["milestone_id"]: m for m in data["milestones"]}
    assert len(by_id) == 34
    b2 = by_id["B2"]
    assert {k: b2[k] for k in ("objective_id", "title", "leads", "cadence", "cadence_note")} == {
        "objective_id": "B",
        "title": "Increase engagement with each health and wellbeing board across the seven "
        "local authority areas",
        "leads": ["DCC Thompson"],
        "cadence": "quarterly",
        "cadence_note": "proposed",
    }
    assert (b2["latest_status"], b2["due"], b2["overdue"], b2["state"]) == (
        "in progress",
        True,
        False,
        "received",
    )
    assert b2["latest_update"]["note"] == "B2 update of 2013-07-01."
    assert b2["latest_update"]["source"] == "store"
    # dated the day after the meeting: not counted for it, and not its latest as at it
    b3 = by_id["B3"]
    assert (b3["state"], b3["overdue_since"], b3["latest_update"]["source"]) == (
        "overdue",
        "2013-07-09",
        "plan",
    )
    # F2-F4 are reported with F1, so F1's update is theirs
    assert {by_id[i]["state"] for i in ("F1", "F2", "F3", "F4")} == {"received"}
    assert by_id["A1"]["state"] == "not due"
    assert by_id["A1"]["next_due_meeting"] == "2013-10-08"
    assert by_id["B1"]["state"] == "achieved"
    assert by_id["E1"]["state"] == "no cadence set"


def test_milestones_at_the_next_meeting_b3_is_no_longer_overdue(year_store: Path) -> None:
    result = run("milestones", "--plan", PLAN, "--store", str(year_store), "--due-at",
                 "2013-09-10", "--format", "json")  # fmt: skip
    by_id = {m["milestone_id"]: m for m in json.loads(result.output)["milestones"]}
    assert by_id["B3"]["overdue"] is False
    assert by_id["B4"]["overdue_since"] == "2013-07-09"
    assert json.loads(result.output)["notes"] == []


def test_milestones_csv(year_store: Path) -> None:
    result = run("milestones", "--plan", PLAN, "--store", str(year_store), "--due-at",
                 "2013-07-09", "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.output)))
    assert len(table) == 34
    b2 = next(r for r in table if r["milestone_id"] == "B2")
    assert b2 == b2 | {
        "meeting": "2013-07-09",
        "leads": "DCC Thompson",
        "latest_update_date": "2013-07-01",
        "due": "True",
        "overdue": "False",
        "overdue_since": "",
        "state": "received",
    }


def test_milestones_table(year_store: Path) -> None:
    result = run("milestones", "--plan", PLAN, "--store", str(year_store), "--due-at",
                 "2013-07-09")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "OVERDUE SINCE 9 JULY 2013" in " ".join(result.output.split())
    assert "Overdue in all: 20 (B3, B4, D1," in " ".join(result.output.split())
    assert "Due at this meeting: 25 (received 5, awaited 0, overdue 20)." in " ".join(
        result.output.split()
    )


def future_plan(tmp_path: Path) -> Path:
    """A small plan whose board meets next week and in two months' time."""
    today = date.today()
    path = tmp_path / "plan.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            title: Future plan
            force: Test Police
            plan_year: 2013/14
            baseline_year: 2012/13
            board:
              name: Board
              report_title: Performance
              meetings: [{today + timedelta(days=7)}, {today + timedelta(days=63)}]
            objectives:
              - id: A
                title: Reduce crime
                milestones:
                  - id: A1
                    title: Reduce burglary
                    leads: [ACC Test]
                    cadence: monthly
            """
        ),
        encoding="utf-8",
    )
    return path


def test_milestones_defaults_to_the_next_meeting_and_awaits_updates(tmp_path: Path) -> None:
    plan, store = future_plan(tmp_path), tmp_path / "s.duckdb"
    Store.open(store).close()
    result = run("milestones", "--plan", str(plan), "--store", str(store), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    next_week = (date.today() + timedelta(days=7)).isoformat()
    assert data["meeting"] == next_week
    assert data["notes"] == [  # the next board meeting on or after today
        {"code": "next_meeting", "today": date.today().isoformat()}
    ]
    [a1] = data["milestones"]
    assert (a1["due"], a1["state"], a1["overdue"]) == (True, "awaited", False)
    recorded = run("update", "A1", "--status", "on track", "--note", "Done.", "--by", "ACC Test",
                   "--plan", str(plan), "--store", str(store))  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    after = json.loads(
        run("milestones", "--plan", str(plan), "--store", str(store), "--format", "json").output
    )
    assert after["milestones"][0]["state"] == "received"


def test_milestones_errors_are_one_line(tmp_path: Path) -> None:
    missing = run("milestones", "--plan", PLAN, "--store", str(tmp_path / "none.duckdb"))
    assert missing.exit_code == 1
    assert missing.output == (
        f"Error: store {tmp_path / 'none.duckdb'} does not exist; import data first "
        "(crimeplan import …) or run crimeplan demo\n"
    )
    store = tmp_path / "s.duckdb"
    Store.open(store).close()
    past = run("milestones", "--plan", PLAN, "--store", str(store), "--due-at", "2014-04-01")
    assert past.output == (
        "Error: no board meeting on or after 2014-04-01 in the plan's calendar (2013-05-14 to "
        "2014-03-11); give --due-at a date in that range, or add the meetings to board: "
        "meetings: in the plan file\n"
    )
    bad = run("milestones", "--plan", PLAN, "--store", str(store), "--due-at", "July")
    assert bad.output == (
        "Error: --due-at 'July' is not a date; expected YYYY-MM-DD, e.g. 2013-06-11\n"
    )


SUBMIT = textwrap.dedent(
    """\
    import sys, time
    from datetime import date
    from pathlib import Path
    from crimeplan.milestones.updates import open_store_waiting, record_update
    from crimeplan.plan import builtin_plan_path, load_plan

    plan = load_plan(builtin_plan_path())
    go = Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.01)
    with open_store_waiting(sys.argv[1]) as store:
        record_update(store, plan, "B2", status="in progress", note="Same words.",
                      by="DCC Thompson", on=date(2013, 6, 20))
    """
)


@pytest.mark.slow
def test_concurrent_submissions_are_all_kept(tmp_path: Path) -> None:
    """Four leads submit the same words at the same moment from four processes (each waits
    for the store while another holds it, as ``crimeplan update`` does): four rows."""
    store, go, script = tmp_path / "s.duckdb", tmp_path / "go", tmp_path / "submit.py"
    Store.open(store).close()
    script.write_text(SUBMIT)
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(store), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    go.touch()
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
    rows = notes(store)
    assert rows == [("B2", "in progress", "Same words.", "DCC Thompson", date(2013, 6, 20))] * 4
    with Store.open(store) as s:
        ids = [r[0] for r in s.con.execute("SELECT update_id FROM milestone_updates").fetchall()]
    assert sorted(ids) == [1, 2, 3, 4]
