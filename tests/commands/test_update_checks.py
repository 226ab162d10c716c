"""``crimeplan update`` tells the analyst what a newly recorded update contradicts: its claims
checked against the store's figures to the month before the update's date."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.data.store import Store
from crimeplan.plan import builtin_plan_path


@pytest.fixture
def store_file(demo_store: Store, tmp_path: Path) -> Path:
    """A copy of the demo store to record updates in."""
    copy = tmp_path / "demo.duckdb"
    demo_store.con.execute("CHECKPOINT")
    shutil.copyfile(demo_store.path, copy)
    return copy


def _update(store: Path, milestone: str, note: str) -> list[str]:
    result = CliRunner().invoke(
        cli,
        ["update", milestone, "--status", "on track", "--by", "ACC Test", "--date",
         "2013-05-02", "--note", note, "--plan", str(builtin_plan_path()), "--store",
         str(store)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_update_prints_what_it_contradicts(store_file: Path) -> None:
    lines = _update(
        store_file,
        "F3",
        "Burglary dwelling has fallen for the past five consecutive months, and robbery has "
        "fallen by 20% this year.",
    )
    assert lines[0].startswith("Recorded update 1 on F3")
    assert lines[6] == "Checked against the figures to April 2013: 2 claims read, 1 contradicted."
    assert lines[7] == f"{store_file}: F3: “robbery has fallen by 20% this year”"
    assert lines[8].startswith("    the figures: Robbery: ")
    assert len(lines) == 9


def test_an_update_that_agrees_prints_no_contradiction(store_file: Path) -> None:
    lines = _update(store_file, "F3", "Burglary dwelling has fallen for the past five "
                    "consecutive months.")  # fmt: skip
    assert lines[6] == "Checked against the figures to April 2013: 1 claim read, 0 contradicted."
    assert len(lines) == 7


def test_an_update_without_claims_prints_no_check(store_file: Path) -> None:
    lines = _update(store_file, "B2", "The Deputy Chief Constable met the PCC.")
    assert len(lines) == 6


def test_report_check_names_the_store_for_a_recorded_update(store_file: Path) -> None:
    _update(store_file, "I1", "Business crime has fallen by 10% this year.")
    result = CliRunner().invoke(
        cli,
        ["report", "--store", str(store_file), "--plan", str(builtin_plan_path()),
         "--as-at", "2013-04", "--board-date", "2013-06-11", "--check"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert f"{store_file}: I1: “Business crime has fallen by 10% this year”" in result.output
    # the plan file's I1 update is no longer the latest, so none of its claims is listed
    assert "business crime sees a 6% increase" not in result.output
