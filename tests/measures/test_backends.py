"""The same measures on DuckDB and on a real PostgreSQL server give identical results.

The server is Debian's PostgreSQL, started by the test on 127.0.0.1 (tests/support/postgres.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from crimeplan.data.backends import connect_url, copy_store
from crimeplan.data.store import Store
from crimeplan.measures.compute import evaluate
from crimeplan.plan.model import AreaRef, Plan
from tests.support.postgres import Server, find_binaries, running_server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    if find_binaries() is None:
        pytest.skip("PostgreSQL is not installed here (.ci/run installs Debian's postgresql)")
    with running_server() as server:
        yield server


@pytest.mark.parametrize("area", [None, AreaRef(level="neighbourhood", name="North")])
@pytest.mark.parametrize("as_at", [date(2013, 4, 1), date(2013, 1, 1), date(2013, 6, 1)])
def test_duckdb_and_postgres_agree(
    plan: Plan, store: Store, server: Server, as_at: date, area: AreaRef | None
) -> None:
    backend = connect_url(server.url)
    try:
        copy_store(store, backend)
        on_duckdb = evaluate(plan, store.ibis(), as_at, area=area).to_dict()
        on_postgres = evaluate(plan, backend, as_at, area=area).to_dict()
    finally:
        backend.disconnect()
    assert on_postgres == on_duckdb
    # as at 2013-01 the store holds none of the baseline months (April 2011 – January 2012):
    # nothing to compare, rather than a comparison with zero
    held = as_at != date(2013, 1, 1)
    assert (on_duckdb["measures"][1]["ytd"] is not None) == held


@pytest.mark.slow
def test_the_built_in_plan_on_the_demo_data_agrees(
    demo_store: Store, builtin_plan: Plan, server: Server
) -> None:
    """Every measure and statistic of the built-in plan (peers, breakdowns, surveys,
    published table included) on the 800,000-record demo store, on both engines."""
    from crimeplan.measures.analysis import analyse

    backend = connect_url(server.url)
    try:
        copy_store(demo_store, backend)
        on_postgres = analyse(builtin_plan, backend, date(2013, 4, 1)).to_dict()
    finally:
        backend.disconnect()
    on_duckdb = analyse(builtin_plan, demo_store.ibis(), date(2013, 4, 1)).to_dict()
    assert on_postgres == on_duckdb
    assert on_duckdb["measures"][0]["ytd"] > 10_000
