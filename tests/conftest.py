"""Shared test helpers: where the real public data sets are, skipping cleanly without them.

The real data (``../shared/data/real`` next to the repository, or the folder
``$CRIMEPLAN_REAL_DATA`` names; see its README.md) is not part of the repository. Tests that
read it ask for the ``shared_data`` fixture (or call ``shared_data_path``) and are marked
``realdata``; without the folder they are skipped, saying where to put it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).parents[1]
#: ``$CRIMEPLAN_REAL_DATA``, else ``../shared/data/real`` (the README's "Tests on real data")
SHARED_DATA = Path(
    os.environ.get("CRIMEPLAN_REAL_DATA") or REPO_ROOT.parent / "shared" / "data" / "real"
)
FIXTURES = Path(__file__).parent / "fixtures"


def shared_data_path(*parts: str) -> Path:
    """``../shared/data/real/<parts>``, or skip the test if it is not there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"real data not available: {path} is absent (set CRIMEPLAN_REAL_DATA; README.md, "
            "Tests on real data)"
        )
    return path


@pytest.fixture
def shared_data() -> Path:
    """The folder of real public data sets (``../shared/data/real``); skips if absent."""
    return shared_data_path()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The built-in demo data (seed 2013), generated once per test session. Read it only."""
    from crimeplan.data.store import Store
    from crimeplan.demo.generate import generate_demo

    store = Store.open(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    generate_demo(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def postgres_server():  # type: ignore[no-untyped-def]
    """A PostgreSQL server on 127.0.0.1 for the session (tests/support/postgres.py)."""
    from tests.support.postgres import find_binaries, running_server

    if find_binaries() is None:
        pytest.skip("PostgreSQL is not installed here (.ci/run installs Debian's postgresql)")
    with running_server() as server:
        yield server


@pytest.fixture(scope="session")
def demo_on_postgres(demo_store, postgres_server) -> str:  # type: ignore[no-untyped-def]
    """The URL of a PostgreSQL database holding a copy of the demo store (copy_store),
    made once per session. Read it only."""
    import ibis

    from crimeplan.data.engine import copy_store

    url = postgres_server.create_database("demo")
    backend = ibis.connect(url)
    try:
        copy_store(demo_store, backend)
    finally:
        backend.disconnect()
    return str(url)


@pytest.fixture(scope="session")
def builtin_plan():  # type: ignore[no-untyped-def]
    from crimeplan.plan import builtin_plan_path, load_plan

    return load_plan(builtin_plan_path())


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--overwrite-snapshots",
        action="store_true",
        default=False,
        help="Rewrite the snapshot files under tests/snapshots/ instead of comparing.",
    )


@pytest.fixture
def snapshot(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """``snapshot(text, name)``: compare with tests/snapshots/<test file>/<name>, or rewrite it
    with ``pytest --overwrite-snapshots``."""
    folder = Path(__file__).parent / "snapshots" / Path(str(request.node.path)).stem
    overwrite = request.config.getoption("--overwrite-snapshots")

    def check(text: str, name: str) -> None:
        path = folder / name
        if overwrite or not path.exists():
            if not overwrite:
                pytest.fail(f"no snapshot {path}: run pytest --overwrite-snapshots to make it")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} differs from its snapshot (pytest --overwrite-snapshots)"

    return check
