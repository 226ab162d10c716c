"""Keep Ibis 12 working on DuckDB 2.

DuckDB 2 removed ``DuckDBPyConnection.fetch_arrow_table`` (now ``to_arrow_table``), which a
few Ibis 12 code paths (``list_tables``, ``create_table``, schema look-ups) still call. This
module adds the old name back, without the copy warning, until Ibis catches up. Imported for
its effect by ``crimeplan.data.store``.
"""

from __future__ import annotations

import warnings
from typing import Any

import duckdb


def _fetch_arrow_table(self: duckdb.DuckDBPyConnection, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return self.to_arrow_table(*args, **kwargs)


if not hasattr(duckdb.DuckDBPyConnection, "fetch_arrow_table"):
    duckdb.DuckDBPyConnection.fetch_arrow_table = _fetch_arrow_table  # type: ignore[attr-defined]
