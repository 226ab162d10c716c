"""The engines a store can live in, and an open store read through Ibis: ``Engine``.

A store's location names its engine::

    force.duckdb                              a DuckDB file: the store itself (the default)
    postgresql://analyst@db.example/crimeplan a PostgreSQL copy of a store (``copy_store``)
    postgres://…                              the same

Each engine says how it differs from the others in one place, its ``EngineAttributes``;
code that reads a store asks ``engine.attributes`` instead of testing the engine's name.
``open_engine(location)`` opens a store read-only (by default) and checks its schema version;
every read (counts, milestone updates, measures) goes through ``Engine.table``, so the same
code runs on every engine. Writes (importers, milestone updates) go to the DuckDB ``Store``,
``engine.store``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from crimeplan.data.schema import CURRENT_VERSION, SECRET_TABLES, TABLES
from crimeplan.data.store import Store, check_schema_version
from crimeplan.errors import StoreError

if TYPE_CHECKING:  # Ibis is imported when first used: ``crimeplan import`` need not load it
    import ibis
    import ibis.expr.types as ir


@dataclass(frozen=True)
class EngineAttributes:
    """What one engine can do, and how it differs from the others."""

    #: the engine's name: "duckdb", "postgresql"
    name: str
    #: its name in messages: "DuckDB", "PostgreSQL"
    label: str
    #: the name of its Ibis backend (``backend.name``): "duckdb", "postgres"
    ibis_name: str
    #: whether importers and milestone updates write to it (only the DuckDB store: a
    #: PostgreSQL database holds a copy, made by ``copy_store``)
    takes_writes: bool
    #: whether a query can hash several columns at once into one 64-bit integer (Ibis'
    #: ``hash`` of a struct): a ``GROUP BY`` of one integer instead of long strings, to find
    #: repeated rows cheaply. PostgreSQL hashes single values of a few types only.
    hashes_rows: bool
    #: whether a filtered count (``count(where=…)``) can come back NULL instead of 0: Spark
    #: compiles it to ``SUM(CAST(condition AS BIGINT))``, NULL over no rows
    filtered_count_can_be_null: bool
    #: the character that quotes a table name in SQL written by hand (``DROP TABLE``)
    identifier_quote: str

    def quote(self, name: str) -> str:
        """A table name quoted for this engine's SQL."""
        q = self.identifier_quote
        return f"{q}{name.replace(q, q + q)}{q}"


DUCKDB = EngineAttributes(
    name="duckdb",
    label="DuckDB",
    ibis_name="duckdb",
    takes_writes=True,
    hashes_rows=True,
    filtered_count_can_be_null=False,
    identifier_quote='"',
)

POSTGRESQL = EngineAttributes(
    name="postgresql",
    label="PostgreSQL",
    ibis_name="postgres",
    takes_writes=False,
    hashes_rows=False,
    filtered_count_can_be_null=False,
    identifier_quote='"',
)

#: Every engine crimeplan knows, by name.
ENGINES: dict[str, EngineAttributes] = {e.name: e for e in (DUCKDB, POSTGRESQL)}


class Engine:
    """An open store, read through Ibis: ``engine.table("crimes")`` is an Ibis table.

    ``store`` is the DuckDB ``Store`` when there is one (to write through), else None.
    Closing an engine closes what ``open_engine`` opened; an engine made by ``of_store`` or
    ``of_backend`` leaves the store or backend open for its owner (an unclosed engine made by
    ``of_store`` is closed with its store).
    """

    def __init__(
        self,
        location: str,
        attributes: EngineAttributes,
        backend: ibis.BaseBackend,
        *,
        read_only: bool,
        store: Store | None = None,
        close: Callable[[], None] | None = None,
    ) -> None:
        self.location = location
        self.attributes = attributes
        self.backend = backend
        self.read_only = read_only
        self.store = store
        self._close = close

    @classmethod
    def of_store(cls, store: Store) -> Engine:
        """An engine over an already open DuckDB store; closing it leaves the store open.

        It reads through a connection of its own to the store's database (a cursor), so that
        a result left pending on the store's connection does not get in its way; it sees
        what the store has committed."""
        return _duckdb_engine(store, owns_store=False)

    @classmethod
    def of_backend(cls, backend: ibis.BaseBackend) -> Engine:
        """An engine over an already open Ibis backend (no ``Store``: nothing writes through
        it); closing it leaves the backend open."""
        return cls(f"the {backend.name} backend", attributes_of(backend), backend, read_only=True)

    def table(self, name: str) -> ir.Table:
        """One of the store's tables, as an Ibis table."""
        return self.backend.table(name)

    def count_where(self, table: ir.Table, condition: ir.BooleanValue) -> ir.IntegerScalar:
        """The number of rows of ``table`` for which ``condition`` holds, 0 (never NULL)
        when none does, on every engine."""
        count = table.count(where=condition)
        return count.fill_null(0) if self.attributes.filtered_count_can_be_null else count

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<Engine {self.attributes.name} {display_location(self.location)} {mode}>"


def attributes_of(backend: ibis.BaseBackend) -> EngineAttributes:
    """The attributes of the engine an Ibis backend talks to."""
    for attributes in ENGINES.values():
        if attributes.ibis_name == backend.name:
            return attributes
    known = ", ".join(e.ibis_name for e in ENGINES.values())
    raise StoreError(f"crimeplan does not know the Ibis backend '{backend.name}'; known: {known}")


@contextmanager
def reading(source: Engine | Store) -> Iterator[Engine]:
    """``source`` as an engine for the block: an open DuckDB ``Store`` is wrapped, and the
    wrapper closed afterwards (for callers that do not pass an ``Engine`` yet)."""
    if isinstance(source, Engine):
        yield source
        return
    with Engine.of_store(source) as engine:
        yield engine


def display_location(location: str) -> str:
    """A location fit for a message: a URL's password is replaced by ``***``."""
    parts = urlsplit(location)
    if not parts.password:
        return location
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


# -- opening ---------------------------------------------------------------------------------
def _duckdb_engine(store: Store, *, owns_store: bool) -> Engine:
    import ibis

    reader = store.con.cursor()

    def close() -> None:
        reader.close()
        if owns_store:
            store.close()

    backend = ibis.duckdb.from_connection(reader)
    return Engine(store.path, DUCKDB, backend, read_only=store.read_only, store=store, close=close)


def _open_duckdb(location: str, read_only: bool) -> Engine:
    return _duckdb_engine(Store.open(location, create=False, read_only=read_only), owns_store=True)


def _open_postgresql(location: str, read_only: bool) -> Engine:
    import ibis

    shown = display_location(location)
    try:
        backend = ibis.connect(location.replace("postgres://", "postgresql://", 1))
    except Exception as error:  # the driver's own error types vary
        text = str(error).strip()
        first = text.splitlines()[0] if text else type(error).__name__
        raise StoreError(f"cannot connect to {shown}: {first}") from error
    try:
        if read_only:  # the server refuses any write on this connection
            _run(backend, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        _check_copy(shown, backend, read_only=read_only)
    except BaseException:
        backend.disconnect()
        raise
    return Engine(location, POSTGRESQL, backend, read_only=read_only, close=backend.disconnect)


def _check_copy(shown: str, backend: ibis.BaseBackend, *, read_only: bool) -> None:
    """A one-line error unless ``backend`` holds a copy of a store this crimeplan reads.
    Opened to write (to copy a store into), an empty database will do, or an older copy
    (the copy replaces it), but not a newer one."""
    if "schema_version" not in backend.list_tables():
        if not read_only:
            return
        raise StoreError(
            f"{shown} holds no crimeplan store (no schema_version table); copy a store into "
            "it first (crimeplan.data.engine.copy_store)"
        )
    found = backend.table("schema_version").version.max().to_pyarrow().as_py()
    version = int(found) if found is not None else 0
    check_schema_version(shown, version)
    if version < CURRENT_VERSION and read_only:
        raise StoreError(
            f"store {shown} has schema version {version}, older than this crimeplan's "
            f"({CURRENT_VERSION}); copy the store into it again from a DuckDB store this "
            "crimeplan has opened"
        )


Opener = Callable[[str, bool], Engine]


@dataclass(frozen=True)
class Scheme:
    """How to open the locations of one scheme (``postgresql://…``)."""

    attributes: EngineAttributes
    open: Opener


#: Location scheme → engine. A location with no scheme is a DuckDB file.
#: Issue 7 plugs in here: ``"parquet": Scheme(PARQUET, _open_parquet)`` for ``parquet:DIR``
#: (a folder of Parquet files, one per table, read through DuckDB) and
#: ``"spark": Scheme(SPARK, _open_spark)`` for ``spark:DIR``, each with its attributes above.
SCHEMES: dict[str, Scheme] = {
    "postgresql": Scheme(POSTGRESQL, _open_postgresql),
    "postgres": Scheme(POSTGRESQL, _open_postgresql),
}

_DUCKDB_FILE = Scheme(DUCKDB, _open_duckdb)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


def scheme_of(location: str | Path) -> Scheme:
    """The engine a location names: its scheme's, or a DuckDB file's."""
    text = str(location)
    match = _SCHEME.match(text)
    if match and match.group(1).lower() in SCHEMES:
        return SCHEMES[match.group(1).lower()]
    if match and text[match.end() :].startswith("//"):
        known = ", ".join(f"{name}://" for name in SCHEMES)
        raise StoreError(
            f"store {display_location(text)}: crimeplan does not know the engine "
            f"'{match.group(1)}'; expected a DuckDB file or a URL starting {known}"
        )
    return _DUCKDB_FILE


def open_engine(location: str | Path, *, read_only: bool = True) -> Engine:
    """Open the store at ``location`` (a DuckDB file, which must exist, or a PostgreSQL URL)
    and check its schema version. Read-only by default: a DuckDB file is opened read-only
    (so a copy the user cannot write, on a share, opens) and a PostgreSQL connection refuses
    writes. With ``read_only=False`` a PostgreSQL database may be empty, to ``copy_store``
    into. Close the engine, or use it as a context manager."""
    return scheme_of(location).open(str(location), read_only)


def not_writable_error(location: str | Path) -> StoreError:
    """The error for a write (an import, an update) to a store on an engine that takes none."""
    attributes = scheme_of(location).attributes
    return StoreError(
        f"store {display_location(str(location))} is a {attributes.label} database, which "
        "crimeplan only reads; imports and milestone updates need the DuckDB store "
        "(--store FILE.duckdb)"
    )


# -- copying ---------------------------------------------------------------------------------
#: The tables ``copy_store`` copies: every table of the store but its secrets.
COPIED_TABLES: tuple[str, ...] = tuple(t for t in TABLES if t not in SECRET_TABLES)


def copy_store(store: Store, target: Engine | ibis.BaseBackend) -> None:
    """Copy every table of ``store`` (``COPIED_TABLES``: all but the pseudonym salt) into
    ``target``, replacing tables of the same names, with their types and NULLs."""
    import ibis

    if isinstance(target, Engine):
        if target.read_only:
            raise StoreError(
                f"cannot copy the store into {display_location(target.location)}: it is "
                "open read-only; open it with open_engine(…, read_only=False)"
            )
        backend, attributes = target.backend, target.attributes
    else:
        backend, attributes = target, attributes_of(target)
    reader = store.con.cursor()  # its own connection: nothing pending on the store's
    try:
        existing = set(backend.list_tables())
        for name in COPIED_TABLES:
            data = reader.sql(f"SELECT * FROM {DUCKDB.quote(name)}").to_arrow_table()
            if name in existing:
                # Ibis 12's drop_table/overwrite emit an empty DROP on PostgreSQL: do it in SQL
                _run(backend, f"DROP TABLE {attributes.quote(name)}")
            # the table from the types, then the rows (Ibis 12 on DuckDB 2 cannot create a
            # table from Arrow data in one step: it emits an empty DROP VIEW)
            backend.create_table(name, schema=ibis.Schema.from_pyarrow(data.schema))
            if data.num_rows:
                backend.insert(name, data)
    finally:
        reader.close()


def _run(backend: ibis.BaseBackend, sql: str) -> None:
    """Run one statement, closing the cursor it leaves (DuckDB's ``raw_sql`` returns the
    connection itself, which stays open)."""
    result = backend.raw_sql(sql)
    if result is not getattr(backend, "con", None):
        result.close()
