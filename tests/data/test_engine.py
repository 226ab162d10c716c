"""The engine seam: which engine a location names, opening a store read-only on DuckDB and
PostgreSQL with one-line errors, and copy_store copying every table with its types and
NULLs."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import ibis
import pyarrow as pa
import pytest

from crimeplan.data.engine import (
    COPIED_TABLES,
    DUCKDB,
    ENGINES,
    POSTGRESQL,
    SCHEMES,
    Engine,
    attributes_of,
    copy_store,
    display_location,
    not_writable_error,
    open_engine,
    scheme_of,
)
from crimeplan.data.schema import CURRENT_VERSION, SECRET_TABLES, TABLES, _tables
from crimeplan.data.store import Store
from crimeplan.errors import StoreError
from crimeplan.milestones.updates import read_updates, record_update
from crimeplan.plan import builtin_plan_path, load_plan
from tests.support.postgres import Server
from tests.support.stores import load_rows


# -- the schema's tables ---------------------------------------------------------------------
def test_tables_are_the_tables_of_a_new_store() -> None:
    with Store.open(":memory:") as store:
        held = {name for (name,) in store.con.execute("SHOW TABLES").fetchall()}
    assert set(TABLES) == held
    assert len(TABLES) == len(held)
    assert {"imports", "crimes", "milestone_updates", "schema_version"} <= set(TABLES)


def test_tables_follow_creates_and_drops() -> None:
    statements = (
        "CREATE TABLE a (x INTEGER)",
        "create table if not exists b (x INTEGER)",
        "INSERT INTO a VALUES (1)",
        "DROP TABLE IF EXISTS a",
        "CREATE TABLE c AS SELECT 1",
    )
    assert _tables(statements) == ("b", "c")


def test_every_table_but_the_salt_is_copied() -> None:
    assert SECRET_TABLES == ("crimeplan_pseudonym_salt",)
    assert set(COPIED_TABLES) == set(TABLES) - set(SECRET_TABLES)


# -- which engine a location names -----------------------------------------------------------
@pytest.mark.parametrize(
    ("location", "engine"),
    [
        ("force.duckdb", DUCKDB),
        ("/srv/share/board copy.duckdb", DUCKDB),
        ("C:\\stores\\force.duckdb", DUCKDB),
        ("odd:name.duckdb", DUCKDB),
        ("postgresql://analyst@db.example/crimeplan", POSTGRESQL),
        ("postgres://analyst@db.example/crimeplan", POSTGRESQL),
        ("PostgreSQL://analyst@db.example/crimeplan", POSTGRESQL),
    ],
)
def test_scheme_of(location: str, engine: object) -> None:
    assert scheme_of(location).attributes is engine


def test_an_unknown_url_scheme_is_one_line() -> None:
    with pytest.raises(StoreError) as info:
        open_engine("mysql://analyst:hunter2@db.example/crimeplan")
    assert str(info.value) == (
        "store mysql://analyst:***@db.example/crimeplan: crimeplan does not know the engine "
        "'mysql'; expected a DuckDB file or a URL starting postgresql://, postgres://"
    )


def test_each_engine_declares_its_differences() -> None:
    assert ENGINES == {"duckdb": DUCKDB, "postgresql": POSTGRESQL}
    assert set(SCHEMES) == {"postgresql", "postgres"}
    assert (DUCKDB.takes_writes, POSTGRESQL.takes_writes) == (True, False)
    assert (DUCKDB.hashes_rows, POSTGRESQL.hashes_rows) == (True, False)
    assert not DUCKDB.filtered_count_can_be_null and not POSTGRESQL.filtered_count_can_be_null
    assert DUCKDB.quote('odd "name"') == '"odd ""name"""'
    assert attributes_of(ibis.duckdb.connect()) is DUCKDB


def test_display_location_hides_a_password() -> None:
    assert display_location("postgresql://a:secret@h:5433/db") == "postgresql://a:***@h:5433/db"
    assert display_location("postgresql://a@h/db") == "postgresql://a@h/db"
    assert display_location("/srv/force.duckdb") == "/srv/force.duckdb"


def test_not_writable_error() -> None:
    assert str(not_writable_error("postgres://a:pw@h/db")) == (
        "store postgres://a:***@h/db is a PostgreSQL database, which crimeplan only reads; "
        "imports and milestone updates need the DuckDB store (--store FILE.duckdb)"
    )


# -- DuckDB ----------------------------------------------------------------------------------
@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "force.duckdb"
    with Store.open(path) as store:
        _fill(store)
    return path


def _fill(store: Store) -> None:
    """A few rows with NULLs (a text, an integer, a double, a date and a boolean), an
    update and the salt."""
    crimes = pa.table(
        {
            "force": ["Test Police", "Test Police"],
            "month": [date(2013, 4, 1), date(2013, 5, 1)],
            "category": ["Burglary", "Anti-social behaviour"],
            "crime_ref": ["abc123", None],
            "small_area": ["S1", None],
            "longitude": [-1.5, None],
            "recorded_at": [datetime(2013, 4, 3, 22, 15), None],
            "domestic": [True, None],
        }
    )
    load_rows(store, "crimes", crimes, keys=("force", "month"))
    store.con.execute("UPDATE crimes SET source_line = NULL WHERE crime_ref IS NULL")
    plan = load_plan(builtin_plan_path())
    record_update(store, plan, "B2", status="in progress", note="Met the board.\nTwice.",
                  by="DCC Thompson", on=date(2013, 7, 1), now=datetime(2013, 7, 2, 9))  # fmt: skip
    store.con.execute("INSERT INTO crimeplan_pseudonym_salt VALUES ('not to be copied')")


def test_open_engine_reads_a_duckdb_file_read_only(store_file: Path) -> None:
    with open_engine(store_file) as engine:
        assert (engine.attributes, engine.read_only, engine.location) == (
            DUCKDB,
            True,
            str(store_file),
        )
        assert engine.store is not None and engine.store.read_only
        assert engine.table("crimes").count().to_pyarrow().as_py() == 2
        with pytest.raises(duckdb.InvalidInputException, match="read-only mode"):
            engine.store.con.execute("DELETE FROM crimes")
        assert repr(engine) == f"<Engine duckdb {store_file} read-only>"
    with pytest.raises(duckdb.ConnectionException):
        engine.store.con.execute("SELECT 1")  # closed with the engine


def test_open_engine_reads_a_file_nobody_may_write(store_file: Path) -> None:
    before = store_file.read_bytes(), store_file.stat().st_mtime_ns
    store_file.chmod(0o444)
    store_file.parent.chmod(0o555)
    try:
        with open_engine(store_file) as engine:
            assert len(read_updates(engine, load_plan(builtin_plan_path()).title)) == 1
    finally:
        store_file.parent.chmod(0o755)
        store_file.chmod(0o644)
    assert (store_file.read_bytes(), store_file.stat().st_mtime_ns) == before
    assert sorted(p.name for p in store_file.parent.iterdir()) == ["force.duckdb"]


def test_open_engine_to_write_gives_the_store(store_file: Path) -> None:
    with open_engine(store_file, read_only=False) as engine:
        assert engine.store is not None and not engine.read_only
        engine.store.con.execute("DELETE FROM crimes WHERE crime_ref IS NULL")
        assert engine.table("crimes").count().to_pyarrow().as_py() == 1


def test_open_engine_errors_are_the_stores(tmp_path: Path) -> None:
    missing = tmp_path / "typo.duckdb"
    with pytest.raises(StoreError) as info:
        open_engine(missing)
    assert str(info.value) == (
        f"store {missing} does not exist; import data first (crimeplan import …) or run "
        "crimeplan demo"
    )
    assert not missing.exists()
    notes = tmp_path / "notes.duckdb"
    notes.write_text("not a database\n" * 10)
    with pytest.raises(StoreError) as info:
        open_engine(notes)
    assert str(info.value) == f"{notes} is not a crimeplan store (not a DuckDB database file)"
    with pytest.raises(StoreError) as info:
        open_engine(tmp_path)
    assert str(info.value) == f"store {tmp_path} is a folder; expected a DuckDB file path"


def test_open_engine_checks_the_schema_version(store_file: Path) -> None:
    with Store.open(store_file) as store:
        store.con.execute("DELETE FROM schema_version WHERE version = ?", [CURRENT_VERSION])
    with pytest.raises(StoreError) as info:
        open_engine(store_file)
    assert str(info.value) == (
        f"store {store_file} has schema version {CURRENT_VERSION - 1} and needs migrating to "
        f"{CURRENT_VERSION}; open it once without read-only"
    )


def test_an_engine_of_an_open_store_leaves_it_open(store_file: Path) -> None:
    with Store.open(store_file) as store:
        # a result left pending on the store's connection is not in the engine's way
        store.con.execute("SELECT * FROM crimes").fetchone()
        with Engine.of_store(store) as engine:
            assert (engine.store, engine.read_only) == (store, False)
            assert engine.table("crimes").count().to_pyarrow().as_py() == 2
        assert store.con.execute("SELECT count(*) FROM crimes").fetchall() == [(2,)]


def test_an_engine_of_a_backend() -> None:
    backend = ibis.duckdb.connect()
    backend.raw_sql("CREATE TABLE t AS SELECT * FROM (VALUES (1), (NULL)) v(x)")
    with Engine.of_backend(backend) as engine:
        assert (engine.attributes, engine.store, engine.location) == (
            DUCKDB,
            None,
            "the duckdb backend",
        )
    assert backend.table("t").count().to_pyarrow().as_py() == 2  # still open


def test_count_where_is_never_null() -> None:
    """On an engine whose filtered count of no rows is NULL (Spark), count_where says 0."""
    backend = ibis.duckdb.connect()
    backend.raw_sql("CREATE TABLE t (x BIGINT)")
    table = backend.table("t")
    spark_like = dataclasses.replace(DUCKDB, filtered_count_can_be_null=True)
    for attributes in (DUCKDB, spark_like):
        engine = Engine("t", attributes, backend, read_only=True)
        assert engine.count_where(table, table.x > 0).to_pyarrow().as_py() == 0


def test_copy_store_into_another_duckdb(store_file: Path) -> None:
    target = ibis.duckdb.connect()
    with Store.open(store_file, read_only=True) as store:
        copy_store(store, target)
        copy_store(store, target)  # again: the tables are replaced
        source = Engine.of_store(store).backend
        # (Ibis leaves the connection a view of each Arrow table it inserted: not stored)
        held = {t for t in target.list_tables() if not t.startswith("ibis_pyarrow_memtable_")}
        assert held == set(COPIED_TABLES)
        for name in COPIED_TABLES:
            assert _types(target.table(name)) == _types(source.table(name)), name
            assert _rows(target, name) == _rows(source, name), name


# -- PostgreSQL ------------------------------------------------------------------------------
_databases = itertools.count()


@pytest.fixture
def empty_database(postgres_server: Server) -> str:
    return postgres_server.create_database(f"engine_{next(_databases)}")


@pytest.fixture
def copied(store_file: Path, empty_database: str) -> Iterator[str]:
    with (
        Store.open(store_file, read_only=True) as store,
        open_engine(empty_database, read_only=False) as target,
    ):
        copy_store(store, target)
    yield empty_database


def _types(table: ibis.Table) -> list[tuple[str, str]]:
    """Each column's name and type, whether or not it may be NULL."""
    return [(name, str(dtype.copy(nullable=True))) for name, dtype in table.schema().items()]


def _rows(backend: ibis.BaseBackend, name: str) -> list[tuple[object, ...]]:
    table = backend.table(name)
    return sorted((tuple(row.values()) for row in table.to_pyarrow().to_pylist()), key=repr)


@pytest.mark.postgres
def test_copy_store_copies_every_table_with_types_and_nulls(store_file: Path, copied: str) -> None:
    with Store.open(store_file, read_only=True) as store, open_engine(copied) as engine:
        source = Engine.of_store(store).backend
        assert set(engine.backend.list_tables()) == set(COPIED_TABLES)
        for name in COPIED_TABLES:
            duck, pg = source.table(name), engine.table(name)
            assert _types(pg) == _types(duck), name
            assert _rows(engine.backend, name) == _rows(source, name), name
        assert engine.table("crimes").count().to_pyarrow().as_py() == 2
        assert engine.table("milestone_updates").count().to_pyarrow().as_py() == 1
        nulls = engine.table("crimes").filter(lambda t: t.crime_ref.isnull())
        (row,) = nulls.to_pyarrow().to_pylist()
        assert (row["crime_ref"], row["source_line"], row["longitude"], row["domestic"]) == (
            None,
            None,
            None,
            None,
        )


@pytest.mark.postgres
def test_copy_store_replaces_tables_of_the_same_names(store_file: Path, copied: str) -> None:
    with Store.open(store_file) as store:
        store.con.execute("DELETE FROM crimes WHERE crime_ref IS NULL")
        with open_engine(copied, read_only=False) as target:
            copy_store(store, target)
    with open_engine(copied) as engine:
        assert engine.table("crimes").count().to_pyarrow().as_py() == 1


@pytest.mark.postgres
def test_a_postgresql_store_read_only_refuses_writes(copied: str) -> None:
    import psycopg

    with open_engine(copied) as engine:
        assert (engine.attributes, engine.read_only, engine.store) == (POSTGRESQL, True, None)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            engine.backend.raw_sql("DELETE FROM crimes")
        with Store.open(":memory:") as store, pytest.raises(StoreError) as info:
            copy_store(store, engine)
    assert str(info.value) == (
        f"cannot copy the store into {copied}: it is open read-only; open it with "
        "open_engine(…, read_only=False)"
    )


@pytest.mark.postgres
def test_a_postgresql_database_without_a_store(empty_database: str) -> None:
    with pytest.raises(StoreError) as info:
        open_engine(empty_database)
    assert str(info.value) == (
        f"{empty_database} holds no crimeplan store (no schema_version table); copy a store "
        "into it first (crimeplan.data.engine.copy_store)"
    )


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("version", "message"),
    [
        (
            CURRENT_VERSION + 1,
            "store {url} has schema version {version}, newer than this crimeplan understands "
            "({current}); upgrade crimeplan",
        ),
        (
            CURRENT_VERSION - 1,
            "store {url} has schema version {version}, older than this crimeplan's "
            "({current}); copy the store into it again from a DuckDB store this crimeplan "
            "has opened",
        ),
    ],
    ids=["newer", "older"],
)
def test_a_postgresql_copy_of_another_schema_version(
    copied: str, version: int, message: str
) -> None:
    backend = ibis.connect(copied)
    try:
        backend.raw_sql("DELETE FROM schema_version").close()
        backend.raw_sql(f"INSERT INTO schema_version VALUES ({version}, now(), 'x')").close()
    finally:
        backend.disconnect()
    with pytest.raises(StoreError) as info:
        open_engine(copied)
    assert str(info.value) == message.format(url=copied, version=version, current=CURRENT_VERSION)


def test_a_postgresql_server_that_is_not_there() -> None:
    with pytest.raises(StoreError) as info:
        open_engine("postgresql://analyst:secret@127.0.0.1:1/crimeplan")
    message = str(info.value)
    assert message.startswith("cannot connect to postgresql://analyst:***@127.0.0.1:1/crimeplan: ")
    assert "secret" not in message
    assert "\n" not in message
