"""A police.uk import killed with SIGKILL leaves the store exactly as it was.

The store holds one earlier import (the 2020-12 fixture). A big generated file for the same
force and month (300,000 rows made by repeating the fixture's rows) would replace it; the
process importing it is killed while the import runs, and the store must still hold the
earlier rows and import log, and nothing of the killed import.

A clean file takes the fast path (one read inserting every row, then supersession and the
log, one transaction): the hook checks it is the fast path's transaction it kills.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from crimeplan.data.policeuk import find_files, import_file
from crimeplan.data.store import Store
from tests.support.policeuk import repeated_street_file

DEC = (
    Path(__file__).parents[1]
    / "fixtures"
    / "policeuk"
    / "leicestershire"
    / "2020-12"
    / "2020-12-leicestershire-street.csv"
)
ROWS = 300_000

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def snapshot(path: Path) -> dict[str, Any]:
    with Store.open(path) as store:
        return {
            "imports": store.con.execute("SELECT * FROM imports ORDER BY import_id").fetchall(),
            "counts": store.table_counts(),
            "crimes": store.con.execute("SELECT * FROM crimes ORDER BY ALL").fetchall(),
        }


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return repeated_street_file(DEC, tmp_path_factory.mktemp("big"), ROWS)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pristine") / "store.duckdb"
    with Store.open(path) as store:
        import_file(store, find_files([DEC]).files[0])
    return path


def _fresh_store(pristine: Path, folder: Path) -> Path:
    store = folder / "store.duckdb"
    for leftover in (store, folder / "store.duckdb.wal"):
        leftover.unlink(missing_ok=True)
    shutil.copy(pristine, store)
    return store


def _kill(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


HOOK = textwrap.dedent(
    """\
    import sys, time
    from pathlib import Path
    from crimeplan.data.store import Store
    from crimeplan.data.policeuk import find_files, import_file

    class Connection:
        # Pass everything to DuckDB; at COMMIT, say so and wait to be killed.
        def __init__(self, con):
            self._con = con
        def execute(self, sql, *args):
            if sql.strip().upper() == "COMMIT" and getattr(self, "armed", False):
                # the fast path's rows have no line numbers; the precise path's have
                fast = self._con.execute(
                    "SELECT count(*) FROM crimes WHERE import_id = 2 AND source_line IS NULL"
                ).fetchone()[0]
                print("about to commit", "fast" if fast else "precise", fast, flush=True)
                time.sleep(120)
            return self._con.execute(sql, *args)
        def __getattr__(self, name):
            return getattr(self._con, name)

    store = Store.open(sys.argv[2])
    store.con = Connection(store.con)
    store.con.armed = True
    import_file(store, find_files([Path(sys.argv[1])]).files[0])
    """
)


@pytest.mark.slow
def test_killed_just_before_commit(big_file: Path, pristine: Path, tmp_path: Path) -> None:
    """Every row deleted and inserted, the import log written; killed before COMMIT."""
    store = _fresh_store(pristine, tmp_path)
    before = snapshot(store)
    script = tmp_path / "hook.py"
    script.write_text(HOOK)
    with subprocess.Popen(
        [sys.executable, str(script), str(big_file), str(store)], stdout=subprocess.PIPE
    ) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line == f"about to commit fast {ROWS}\n".encode(), line
        _kill(process)
    assert process.returncode == -signal.SIGKILL
    assert snapshot(store) == before


def _has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has ``path`` open (Linux ``/proc``)."""
    try:
        links = [os.readlink(link) for link in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return str(path) in links


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
def test_killed_while_crimeplan_import_runs(big_file: Path, pristine: Path, tmp_path: Path) -> None:
    """``python -m crimeplan import policeuk``, killed while it imports: once it has the big
    file open (hashing or reading it), after a delay of 0, 0.4 or 0.8 seconds (reading,
    checking, replacing). Each time the store must be exactly as before, or, if the import
    won the race and committed before the kill, hold the whole new import. Anything in
    between fails the test; at least one kill must find the store as before."""
    outcomes = []
    for delay in (0.0, 0.4, 0.8):
        store = _fresh_store(pristine, tmp_path)
        before = snapshot(store)
        with (tmp_path / "stderr.txt").open("wb") as errors_file, subprocess.Popen(
            [sys.executable, "-m", "crimeplan", "import", "policeuk", str(big_file),
             "--store", str(store)],
            stdout=subprocess.DEVNULL,
            stderr=errors_file,
        ) as process:  # fmt: skip
            deadline = time.monotonic() + 120
            while (
                process.poll() is None
                and not _has_open(process.pid, big_file)
                and time.monotonic() < deadline
            ):
                time.sleep(0.001)
            time.sleep(delay)
            if process.poll() is not None:
                errors = (tmp_path / "stderr.txt").read_text()
                outcomes.append(f"finished, exit status {process.returncode} {errors[-300:]}")
                continue
            _kill(process)
        after = snapshot(store)
        if after == before:
            outcomes.append("as before")
            continue
        # The only other acceptable state: the whole import committed before the kill.
        assert [r[1:5] for r in after["imports"]] == [
            before["imports"][0][1:5],
            ("policeuk-street", str(big_file), after["imports"][1][3], ROWS),
        ]
        assert after["counts"]["crimes"] == ROWS
        outcomes.append("committed")
    assert "as before" in outcomes, outcomes
