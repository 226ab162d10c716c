"""Building small test stores: rows in, through ``Store.replace``, like any importer."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from crimeplan.data.store import Store


def load_rows(
    store: Store,
    table: str,
    rows: pa.Table,
    *,
    keys: Sequence[str],
    source: str = "test",
    month_column: str | None = "month",
) -> None:
    """Load ``rows`` into ``table``; the table's columns ``rows`` lacks are NULL."""
    con = store.con
    name = f"rows_in_{table}"
    con.register(name, rows)
    columns = [
        column
        for (column,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = 'main' AND column_name <> 'import_id' ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]
    select = ", ".join(c if c in rows.column_names else f"NULL AS {c}" for c in columns)
    staged = f"staged_{table}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {staged} AS SELECT {select} FROM {name}")
    con.unregister(name)
    store.replace(source=source, table=table, staged=staged, keys=keys,
                  file_name=f"handmade {table}", sha256=f"{source}:{table}",
                  month_column=month_column)  # fmt: skip


def load_areas(store: Store, areas: Sequence[tuple[str, str, str, str, str]]) -> None:
    """Small areas as (small_area, small_area_name, neighbourhood, lpu, local_authority)
    of Test Police."""
    names = ("small_area", "small_area_name", "neighbourhood", "lpu", "local_authority")
    columns = {n: [a[i] for a in areas] for i, n in enumerate(names)}
    load_rows(store, "areas", pa.table({**columns, "force": ["Test Police"] * len(areas)}),
              keys=("small_area",), source="test-areas", month_column=None)  # fmt: skip
