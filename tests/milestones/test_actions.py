"""Actions on targets recorded with ``crimeplan update MILESTONE --action TEXT --owner NAME --due
DATE`` (crimeplan/milestones/actions.py): checked before anything is written, stored with the
update in one transaction, and taking the place of the plan file's action in the pack."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from click.testing import CliRunner, Result

from crimeplan.cli import cli
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.pack import evaluate_pack
from crimeplan.milestones.actions import read_actions
from crimeplan.plan import builtin_plan_path
from crimeplan.plan.model import Plan
from crimeplan.results.position import Action

PLAN = str(builtin_plan_path())
TITLE = "West Midlands Police and Crime Plan 2013/14"


def update(store: Path, milestone_id: str, *extra: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["update", milestone_id, "--plan", PLAN, "--store", str(store), "--status", "off track",
         "--by", "ACC Forsyth", "--date", "2013-05-02", "--note", "Patrols planned.", *extra],
    )  # fmt: skip


def rows(store: Path, table: str) -> int:
    with Store.open(store) as s:
        return int(s.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]


def test_an_action_is_recorded_with_the_update(tmp_path: Path) -> None:
    store = tmp_path / "force.duckdb"
    Store.open(store).close()
    result = update(
        store, "F3", "--action", "Autumn burglary patrol plan", "--owner", " ACC  Forsyth ",
        "--due", "2013-09-10",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "  action:   on burglary_dwelling: Autumn burglary patrol plan (owner ACC Forsyth, "
        "reports back 2013-09-10)"
    ) in result.output
    with Store.open(store) as s, Engine.of_store(s) as engine:
        assert read_actions(engine, TITLE) == {
            "burglary_dwelling": Action(
                text="Autumn burglary patrol plan", owner="ACC Forsyth", due=date(2013, 9, 10)
            )
        }


def test_a_refused_action_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "force.duckdb"
    Store.open(store).close()
    cases = {
        ("F3", "--action", "a", "--owner", "o"): (
            "Error: an action needs --action, --owner and --due; missing --due"
        ),
        ("A1", "--action", "a", "--owner", "o", "--due", "2013-06-01"): (
            "Error: milestone A1 sets no target; an action (--action) goes on a target"
        ),
        ("F3", "--action", "a", "--owner", "o", "--due", "2013-03-31"): (
            "Error: --due 2013-03-31 is before the plan year 2013/14 begins (2013-04-01); give "
            "the date the action reports back to the board"
        ),
        ("F3", "--action", " ", "--owner", "o", "--due", "2013-06-01"): (
            "Error: --action is empty; say what is being done about the target"
        ),
        ("F3", "--action", "a", "--owner", "o", "--due", "2013-06-01", "--measure", "robbery"): (
            "Error: --measure 'robbery': milestone F3 has no target on it; its targets: "
            "burglary_dwelling"
        ),
    }
    for args, message in cases.items():
        result = update(store, *args)
        assert result.exit_code == 1, args
        assert result.output.strip() == message, args
    assert rows(store, "milestone_updates") == 0 and rows(store, "target_actions") == 0


def test_the_stored_action_replaces_the_plan_files(
    demo_store: Store, builtin_plan: Plan, tmp_path: Path
) -> None:
    copy = tmp_path / "demo.duckdb"
    demo_store.con.execute("CHECKPOINT")
    shutil.copyfile(demo_store.path, copy)
    result = update(
        copy, "F3", "--action", "Autumn burglary patrol plan", "--owner", "ACC Rowe", "--due",
        "2013-10-08",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with Engine.of_store(Store.open(copy, read_only=True)) as engine:
        pack = evaluate_pack(builtin_plan, engine, date(2013, 4, 1))
    burglary = pack.measure("burglary_dwelling")
    assert burglary.action == Action(
        text="Autumn burglary patrol plan", owner="ACC Rowe", due=date(2013, 10, 8)
    )
    # the other targets keep the plan file's
    planned = builtin_plan.targets()["business_crime"].action
    assert planned is not None
    assert pack.measure("business_crime").action == Action(
        text=planned.text, owner=planned.owner, due=planned.due
    )
