"""Whatever shows demo data says it is synthetic: ``holds_synthetic_data`` reads the import
log; ``counts`` says so on stderr."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.data.synthetic import holds_synthetic_data


def test_counts_on_the_demo_store_say_synthetic(demo_store: Store, tmp_path: Path) -> None:
    demo_store.con.execute("CHECKPOINT")
    copy = tmp_path / "demo.duckdb"  # counts opens read-only: not the session's open file
    shutil.copyfile(demo_store.path, copy)
    arguments = ["counts", "--store", str(copy), "--by", "month", "--from", "2013-04"]
    result = CliRunner().invoke(cli, [*arguments, "--to", "2013-04", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "month,count"
    assert result.stderr == "Note: this store holds SYNTHETIC demo data, not police statistics.\n"
    engine = Engine.of_store(demo_store)
    assert holds_synthetic_data(engine)
    assert holds_synthetic_data(engine, force="West Midlands Police")
    assert not holds_synthetic_data(engine, force="Leicestershire Police")


def _log(
    store: Store, force: str | None, note: str | None, superseded_by: int | None = None
) -> None:
    store.con.execute(
        "INSERT INTO imports SELECT coalesce(max(import_id), 0) + 1, 'test', 'f.csv', 'sha', 1, "
        "0, 0, ?, NULL, NULL, current_timestamp, ?, ? FROM imports",
        [force, superseded_by, note],
    )


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.open(":memory:") as store:
        yield store


def test_a_store_of_real_data_is_not_synthetic(store: Store) -> None:
    _log(store, "Leicestershire Police", None)
    _log(store, "Leicestershire Police", "published MoJ figures")
    assert not holds_synthetic_data(Engine.of_store(store))


def test_only_the_forces_own_imports_and_those_of_no_one_force_count(store: Store) -> None:
    """On a national store, one force's demo data says nothing about another's numbers;
    a synthetic file of several forces (no one force) says something about every force's."""
    _log(store, "Leicestershire Police", None)
    _log(store, "West Midlands Police", "synthetic demo data")
    engine = Engine.of_store(store)
    assert holds_synthetic_data(engine)
    assert holds_synthetic_data(engine, force="West Midlands Police")
    assert not holds_synthetic_data(engine, force="Leicestershire Police")
    _log(store, None, "synthetic demo data (peers)")
    assert holds_synthetic_data(engine, force="Leicestershire Police")


def test_a_superseded_synthetic_import_does_not_count(store: Store) -> None:
    _log(store, "West Midlands Police", "synthetic demo data", superseded_by=2)
    _log(store, "West Midlands Police", None)
    assert not holds_synthetic_data(Engine.of_store(store))
