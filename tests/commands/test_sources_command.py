"""``crimeplan import``: Ctrl-C (SIGINT) at any moment of an import ends it with one line and
exit status 130, never a traceback, and the store holds all of the import or none of it, as
the line says."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.support.policeuk import repeated_street_file

REPO = Path(__file__).parents[2]
STREET = REPO / "tests/fixtures/policeuk/leicestershire/2020-12/2020-12-leicestershire-street.csv"
ROWS = 400_000

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGINT")


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return repeated_street_file(STREET, tmp_path_factory.mktemp("big"), ROWS)


def crimes_held(store: Path) -> int:
    if not store.exists():
        return 0
    with duckdb.connect(str(store), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM crimes").fetchone()
    return int(row[0]) if row else 0


@pytest.mark.parametrize("delay", [0.5, 0.8, 1.2, 1.6, 2.0])
def test_ctrl_c_during_an_import(big_file: Path, tmp_path: Path, delay: float) -> None:
    store = tmp_path / "store.duckdb"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "crimeplan", "import", "policeuk", str(big_file)]
        + ["--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    said = err.decode()
    assert "Traceback" not in said, said
    held = crimes_held(store)
    if process.returncode == 0:  # it had finished
        assert held == ROWS, out.decode()
        return
    assert process.returncode == 130, said
    assert said in (
        "interrupted\n",
        "interrupted; nothing imported\n",
        "interrupted; the import had already been stored\n",
        "interrupted; run the same command again (files already imported are skipped)\n",
    )
    if "nothing imported" in said:
        assert held == 0
    elif "already been stored" in said:
        assert held == ROWS
    else:
        assert held in (0, ROWS)
