"""The same measures on DuckDB and on a real PostgreSQL server give identical results.

The server is Debian's PostgreSQL, started by the test on 127.0.0.1 (tests/support/postgres.py).
"""

from __future__ import annotations

from datetime import date

import pytest

from crimeplan.codec import to_dict
from crimeplan.data.engine import Engine, copy_store, open_engine
from crimeplan.data.store import Store
from crimeplan.measures.compute import evaluate
from crimeplan.plan.model import AreaRef, Plan
from tests.support.postgres import Server

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("area", [None, AreaRef(level="neighbourhood", name="North")])
@pytest.mark.parametrize("as_at", [date(2013, 4, 1), date(2013, 1, 1), date(2013, 6, 1)])
def test_duckdb_and_postgres_agree(
    plan: Plan, store: Store, postgres_server: Server, as_at: date, area: AreaRef | None
) -> None:
    with open_engine(postgres_server.url, read_only=False) as copy:
        copy_store(store, copy)
    with open_engine(postgres_server.url) as engine:
        on_postgres = to_dict(evaluate(plan, engine, as_at, area=area))
    on_duckdb = to_dict(evaluate(plan, Engine.of_store(store), as_at, area=area))
    assert on_postgres == on_duckdb
    # as at 2013-01 the store holds none of the baseline months (April 2011 – January 2012):
    # nothing to compare, rather than a comparison with zero
    held = as_at != date(2013, 1, 1)
    assert (on_duckdb["measures"][1]["ytd"] is not None) == held


@pytest.mark.slow
def test_the_built_in_plan_on_the_demo_data_agrees(
    demo_store: Store, builtin_plan: Plan, demo_on_postgres: str
) -> None:
    """Every measure and statistic of the built-in plan (peers, breakdowns, surveys,
    published table included) on the 800,000-record demo store, on both engines."""
    from crimeplan.measures.analysis import analyse

    with open_engine(demo_on_postgres) as engine:
        on_postgres = to_dict(analyse(builtin_plan, engine, date(2013, 4, 1)))
    on_duckdb = to_dict(analyse(builtin_plan, Engine.of_store(demo_store), date(2013, 4, 1)))
    assert on_postgres == on_duckdb
    assert on_duckdb["measures"][0]["ytd"] > 10_000
