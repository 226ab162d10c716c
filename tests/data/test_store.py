"""The store: schema version, migrations from the first release, refusal of newer stores,
all-or-nothing replacement and the import log."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from crimeplan.data.schema import CURRENT_VERSION, MIGRATIONS
from crimeplan.data.store import Store
from crimeplan.errors import StoreError


def _stage(store: Store, name: str, rows: list[tuple[str, str]]) -> None:
    store.con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} (source_line BIGINT, area_level VARCHAR, "
        "area VARCHAR, year INTEGER, population BIGINT)"
    )
    for area, year in rows:
        store.con.execute(
            f"INSERT INTO {name} VALUES (NULL, 'force', ?, ?, 1000)", [area, int(year)]
        )


def test_new_store_is_at_current_version(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.schema_version == CURRENT_VERSION


def test_a_first_release_store_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER NOT NULL, "
        "applied_at TIMESTAMP NOT NULL, description VARCHAR)"
    )
    for statement in MIGRATIONS[0].statements:
        con.execute(statement)
    con.execute("INSERT INTO schema_version VALUES (1, current_timestamp, 'v1')")
    con.execute("INSERT INTO populations VALUES (1, 2, 'force', 'X Police', 2012, 5)")
    con.close()
    with Store.open(path) as store:
        assert store.schema_version == CURRENT_VERSION
        versions = [
            v
            for (v,) in store.con.execute(
                "SELECT version FROM schema_version ORDER BY version"
            ).fetchall()
        ]
        assert versions == list(range(1, CURRENT_VERSION + 1))
        assert store.con.execute("SELECT population FROM populations").fetchall() == [(5,)]
        store.con.execute("SELECT count(*) FROM crimeplan_pseudonym_salt").fetchall()


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    with Store.open(path) as store:
        store.con.execute("INSERT INTO schema_version VALUES (99, current_timestamp, 'future')")
    with pytest.raises(StoreError) as info:
        Store.open(path)
    assert str(info.value) == (
        f"store {path} has schema version 99, newer than this crimeplan understands "
        f"({CURRENT_VERSION}); upgrade crimeplan"
    )


def test_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("hello, this is not a database\n" * 10)
    with pytest.raises(StoreError) as info:
        Store.open(path)
    assert str(info.value) == f"{path} is not a crimeplan store (not a DuckDB database file)"


def test_missing_store_when_it_must_exist(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path / "none.duckdb", create=False)
    assert "does not exist; import data first" in str(info.value)


def test_replace_supersedes_by_key_and_logs(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        _stage(store, "a", [("X Police", "2012"), ("X Police", "2013")])
        first = store.replace(
            source="population",
            table="populations",
            staged="a",
            keys=("area_level", "area", "year"),
            file_name="a.csv",
            sha256="aa",
            month_column=None,
        )
        _stage(store, "b", [("X Police", "2013"), ("X Police", "2014")])
        second = store.replace(
            source="population",
            table="populations",
            staged="b",
            keys=("area_level", "area", "year"),
            file_name="b.csv",
            sha256="bb",
            month_column=None,
        )
        assert (first.rows, second.rows, second.replaced) == (2, 2, 1)
        years = [
            y for (y,) in store.con.execute("SELECT year FROM populations ORDER BY year").fetchall()
        ]
        assert years == [2012, 2013, 2014]
        # the first import still has its 2012 row, so it is not superseded
        assert [r.superseded_by for r in store.imports()] == [None, None]
        _stage(store, "c", [("X Police", "2012")])
        third = store.replace(
            source="population",
            table="populations",
            staged="c",
            keys=("area_level", "area", "year"),
            file_name="c.csv",
            sha256="cc",
            month_column=None,
        )
        assert [r.superseded_by for r in store.imports()] == [third.import_id, None, None]
        assert store.find_import("population", "aa") is None
        assert store.find_import("population", "bb") is not None


def test_replace_is_all_or_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        _stage(store, "a", [("X Police", "2012")])
        store.replace(
            source="population",
            table="populations",
            staged="a",
            keys=("area_level", "area", "year"),
            file_name="a.csv",
            sha256="aa",
            month_column=None,
        )
        store.con.execute(
            "CREATE OR REPLACE TEMP TABLE bad AS SELECT NULL::BIGINT AS "
            "source_line, 'force' AS area_level, 'X Police' AS area, "
            "2012 AS year, NULL::BIGINT AS population"
        )
        with pytest.raises(duckdb.ConstraintException):
            store.replace(
                source="population",
                table="populations",
                staged="bad",
                keys=("area_level", "area", "year"),
                file_name="bad.csv",
                sha256="bad",
                month_column=None,
            )
        assert store.con.execute("SELECT population FROM populations").fetchall() == [(1000,)]
        assert [r.file_name for r in store.imports()] == ["a.csv"]


def test_transactions_nest_into_one(tmp_path: Path) -> None:
    """Store.replace calls inside an outer transaction() are one transaction: a failure in
    the second rolls back the first, and only the outermost block commits."""
    with Store.open(tmp_path / "s.duckdb") as store:
        _stage(store, "a", [("X Police", "2012")])
        _stage(store, "b", [("X Police", "2013")])
        with pytest.raises(RuntimeError), store.transaction():
            store.replace(
                source="population", table="populations", staged="a",
                keys=("area_level", "area", "year"), file_name="a.csv", sha256="aa",
                month_column=None,
            )  # fmt: skip
            assert store.in_transaction
            raise RuntimeError("the second file failed")
        assert not store.in_transaction
        assert store.imports() == []
        with store.transaction():
            for name in ("a", "b"):
                store.replace(
                    source="population", table="populations", staged=name,
                    keys=("area_level", "area", "year"), file_name=f"{name}.csv",
                    sha256=name * 2, month_column=None,
                )  # fmt: skip
        assert [r.file_name for r in store.imports()] == ["a.csv", "b.csv"]
