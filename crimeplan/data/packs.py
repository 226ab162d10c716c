"""Board packs' results kept in the store (``pack_results``): one per plan and as-at month.

``crimeplan report`` keeps each pack's ``results.json`` (``keep_pack``), so that the next pack
can say how each target moved since the meeting this one went to (``previous_pack``: the
latest kept pack of the plan before the as-at month). Writing a pack again for the same month
replaces what was kept for it, in one transaction.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from crimeplan.data.engine import Engine
from crimeplan.data.store import Store


def keep_pack(
    store: Store,
    plan_title: str,
    as_at: date,
    board_date: date | None,
    results_json: str,
    now: datetime | None = None,
) -> None:
    """Keep a pack's results for ``plan_title`` as at ``as_at``, replacing any kept before."""
    written = (now or datetime.now(UTC)).replace(tzinfo=None)
    with store.transaction():
        store.con.execute(
            "DELETE FROM pack_results WHERE plan_title = ? AND as_at = ?", [plan_title, as_at]
        )
        store.con.execute(
            "INSERT INTO pack_results (plan_title, as_at, board_date, written_at, results) "
            "VALUES (?, ?, ?, ?, ?)",
            [plan_title, as_at, board_date, written, results_json],
        )


def previous_pack(engine: Engine, plan_title: str, as_at: date) -> str | None:
    """The results JSON of the latest pack kept for ``plan_title`` before ``as_at``, or None."""
    table = engine.table("pack_results")
    rows = (
        table.filter(table.plan_title == plan_title, table.as_at < as_at)
        .order_by([table.as_at.desc(), table.written_at.desc()])
        .select("results")
        .limit(1)
        .to_pyarrow()
        .to_pylist()
    )
    return str(rows[0]["results"]) if rows else None
