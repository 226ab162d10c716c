"""The commands that only read the store (counts, milestones, measures, report, backtest,
experiment):

- on a DuckDB file nobody may write (the file 0o444 in a folder 0o555, a board secretary's
  copy on a share), they work and leave the file as it was, byte for byte; the test holds
  the file open read-only in this process meanwhile, so a read-write open would fail (DuckDB
  refuses two configurations of one file in a process: this holds even as root, where the
  file modes stop nothing);
- on a PostgreSQL copy of the same store (``copy_store``), their output is identical.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import ibis
import pytest
from click.testing import CliRunner, Result

from crimeplan.cli import cli
from crimeplan.data.engine import copy_store
from crimeplan.data.store import Store
from crimeplan.milestones.updates import record_update
from crimeplan.plan import builtin_plan_path, load_plan
from tests.support.postgres import Server

PLAN = str(builtin_plan_path())
DEMO = "{demo}"
UPDATES = "{updates}"

#: Each read command, with the store it reads: the demo store, or a store of milestone
#: updates (the demo store holds none).
COMMANDS: dict[str, tuple[str, ...]] = {
    "counts csv": ("counts", "--store", DEMO, "--by", "month,category", "--format", "csv"),
    "counts json by area": (
        "counts", "--store", DEMO, "--by", "neighbourhood,month", "--area", "lpu:Coventry",
        "--from", "2012-10", "--format", "json",
    ),
    "counts table": ("counts", "--store", DEMO, "--by", "lpu", "--from", "2013-04"),
    "milestones json": (
        "milestones", "--store", UPDATES, "--plan", PLAN, "--due-at", "2013-07-09",
        "--format", "json",
    ),
    "milestones csv": (
        "milestones", "--store", UPDATES, "--plan", PLAN, "--due-at", "2013-07-09",
        "--format", "csv",
    ),
    "experiment json": (
        "experiment", "--store", DEMO, "--plan", PLAN, "--plan-experiment", "hotspot_patrol",
        "--as-at", "2013-04", "--format", "json",
    ),
    "experiment before/after": (
        "experiment", "--store", DEMO, "--plan", PLAN, "--treatment", "confidence_treatment",
        "--control", "confidence_control", "--before", "2012-04..2012-09",
        "--after", "2012-10..2013-03", "--format", "json",
    ),
    "backtest json": ("backtest", "--store", DEMO, "--plan", PLAN, "--format", "json"),
    "measures json": (
        "measures", "--store", DEMO, "--plan", PLAN, "--as-at", "2013-04", "--format", "json",
    ),
    "measures by area": (
        "measures", "--store", DEMO, "--plan", PLAN, "--as-at", "2013-04", "--area",
        "area_set:priority_areas", "--format", "csv",
    ),
}  # fmt: skip

SLOW = {"backtest json"}


def _cases() -> list[object]:
    return [
        pytest.param(name, marks=[pytest.mark.slow] if name in SLOW else []) for name in COMMANDS
    ]


@dataclass(frozen=True)
class Stores:
    """Where each store is: a read-only DuckDB file, and a PostgreSQL copy (``None``: no
    PostgreSQL server here)."""

    files: dict[str, Path]
    urls: dict[str, str] | None = None


def _add_updates(path: Path) -> None:
    plan = load_plan(PLAN)
    with Store.open(path) as store:
        for milestone_id, status, day, by in [
            ("B2", "in progress", date(2013, 7, 1), "DCC Thompson"),
            ("F1", "at risk", date(2013, 7, 5), "ACC Rowe"),
            ("F1", "on track", date(2013, 7, 5), "ACC Rowe"),  # the later-recorded counts
            ("B3", "on track", date(2013, 7, 10), "ACC Rowe"),  # after the meeting
        ]:
            record_update(store, plan, milestone_id, status=status, by=by, on=day,
                          note=f"{milestone_id} update of {day}.\nSecond line, with ‘quotes’.",
                          now=datetime(2013, 7, 12, 9, 30))  # fmt: skip
        store.con.execute("CHECKPOINT")


def _lock(folder: Path) -> None:
    for file in folder.iterdir():
        file.chmod(0o444)
    folder.chmod(0o555)


def _unlock(folder: Path) -> None:
    folder.chmod(0o755)
    for file in folder.iterdir():
        file.chmod(0o644)


@pytest.fixture(scope="module")
def read_only_files(
    demo_store: Store, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Path]]:
    """Copies of the demo store and of a store of milestone updates, in a folder 0o555 with
    the files 0o444."""
    share = tmp_path_factory.mktemp("share")
    demo_store.con.execute("CHECKPOINT")
    shutil.copyfile(demo_store.path, share / "demo.duckdb")
    _add_updates(share / "updates.duckdb")
    _lock(share)
    yield {"demo": share / "demo.duckdb", "updates": share / "updates.duckdb"}
    _unlock(share)


@pytest.fixture(scope="module")
def copies_on_postgres(
    read_only_files: dict[str, Path], demo_on_postgres: str, postgres_server: Server
) -> dict[str, str]:
    url = postgres_server.create_database("milestone_updates")
    backend = ibis.connect(url)
    with Store.open(read_only_files["updates"], read_only=True) as store:
        try:
            copy_store(store, backend)
        finally:
            backend.disconnect()
    return {"demo": demo_on_postgres, "updates": url}


def _arguments(name: str, stores: dict[str, Path] | dict[str, str]) -> list[str]:
    return [
        str(stores["demo"]) if a == DEMO else str(stores["updates"]) if a == UPDATES else a
        for a in COMMANDS[name]
    ]


def _fingerprint(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mtime_ns, info.st_size


def _run_on_file(name: str, files: dict[str, Path]) -> Result:
    store = files["demo"] if DEMO in COMMANDS[name] else files["updates"]
    before = _fingerprint(store)
    guard = duckdb.connect(str(store), read_only=True)  # a read-write open now fails
    try:
        result = CliRunner().invoke(cli, _arguments(name, files))
    finally:
        guard.close()
    assert result.exit_code == 0, result.output
    assert _fingerprint(store) == before
    assert sorted(p.name for p in store.parent.iterdir()) == ["demo.duckdb", "updates.duckdb"]
    assert stat.S_IMODE(store.stat().st_mode) == 0o444
    return result


@pytest.mark.parametrize("name", _cases())
def test_reads_a_store_nobody_may_write(name: str, read_only_files: dict[str, Path]) -> None:
    result = _run_on_file(name, read_only_files)
    assert result.stdout.strip()


@pytest.mark.postgres
@pytest.mark.parametrize("name", _cases())
def test_a_postgresql_copy_gives_the_same_output(
    name: str, read_only_files: dict[str, Path], copies_on_postgres: dict[str, str]
) -> None:
    on_duckdb = _run_on_file(name, read_only_files)
    on_postgres = CliRunner().invoke(cli, _arguments(name, copies_on_postgres))
    assert on_postgres.exit_code == 0, on_postgres.output
    assert on_postgres.stdout == on_duckdb.stdout
    assert on_postgres.stderr == on_duckdb.stderr


def test_the_milestone_updates_are_read(read_only_files: dict[str, Path]) -> None:
    """The store's updates reach the listing (the later-recorded of two on one day wins)."""
    import json

    result = _run_on_file("milestones json", read_only_files)
    by_id = {m["milestone_id"]: m for m in json.loads(result.stdout)["milestones"]}
    assert by_id["F1"]["latest_status"] == "on track"
    assert by_id["B2"]["latest_update"]["note"].startswith("B2 update of 2013-07-01.")


def _report(store: str | Path, out: Path) -> bytes:
    """``crimeplan report`` of the demo store as at April 2013: its results.json."""
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--store",
            str(store),
            "--plan",
            PLAN,
            "--as-at",
            "2013-04",
            "--format",
            "json",
            "--out",
            str(out),
        ],  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    return (out / "results.json").read_bytes()


def test_report_reads_a_store_nobody_may_write(
    read_only_files: dict[str, Path], tmp_path: Path
) -> None:
    store = read_only_files["demo"]
    before = _fingerprint(store)
    guard = duckdb.connect(str(store), read_only=True)
    try:
        assert b'"milestones"' in _report(store, tmp_path / "pack")
    finally:
        guard.close()
    assert _fingerprint(store) == before


@pytest.mark.postgres
def test_report_on_a_postgresql_copy_gives_the_same_results_json(
    read_only_files: dict[str, Path], copies_on_postgres: dict[str, str], tmp_path: Path
) -> None:
    on_duckdb = _report(read_only_files["demo"], tmp_path / "duckdb")
    on_postgres = _report(copies_on_postgres["demo"], tmp_path / "postgres")
    assert on_postgres == on_duckdb
