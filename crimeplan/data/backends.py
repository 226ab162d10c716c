"""The engines a store can live in. DuckDB is the default; the same measures run on
PostgreSQL (and later Spark) through Ibis.

``connect(location)`` takes a DuckDB file path or a ``postgresql://`` URL. ``copy_store``
copies a DuckDB store's tables into another backend (for a shared PostgreSQL deployment, and
for the tests that check both engines agree).
"""

from __future__ import annotations

from pathlib import Path

import ibis

from crimeplan.data.schema import DATA_TABLES
from crimeplan.data.store import Store
from crimeplan.errors import StoreError

TABLES = ("imports", *DATA_TABLES)


def is_url(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def connect_url(url: str) -> ibis.BaseBackend:
    """An Ibis backend for a ``postgresql://user@host:port/database`` URL."""
    try:
        return ibis.connect(url.replace("postgres://", "postgresql://", 1))
    except Exception as error:  # the driver's own error types vary
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StoreError(f"cannot connect to {url}: {first}") from error


def copy_store(store: Store, backend: ibis.BaseBackend, tables: tuple[str, ...] = TABLES) -> None:
    """Copy the store's tables into ``backend``, replacing tables of the same names."""
    reader = store.con.cursor()  # its own connection: nothing pending on the store's
    for name in tables:
        data = reader.sql(f"SELECT * FROM {name}").to_arrow_table()
        if name in backend.list_tables():
            # Ibis 12's drop_table/overwrite emit an empty DROP on PostgreSQL: do it in SQL
            backend.raw_sql(f'DROP TABLE "{name}"')
        backend.create_table(name, data)
