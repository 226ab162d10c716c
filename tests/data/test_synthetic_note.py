"""Whatever shows demo data says it is synthetic: ``counts`` says so on stderr."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.data.synthetic import holds_synthetic_data


def test_counts_on_the_demo_store_say_synthetic(demo_store: Store, tmp_path: Path) -> None:
    demo_store.con.execute("CHECKPOINT")
    copy = tmp_path / "demo.duckdb"  # counts opens read-only: not the session's open file
    shutil.copyfile(demo_store.path, copy)
    arguments = ["counts", "--store", str(copy), "--by", "month", "--from", "2013-04"]
    result = CliRunner().invoke(cli, [*arguments, "--to", "2013-04", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "month,count"
    assert result.stderr == "Note: this store holds SYNTHETIC demo data, not police statistics.\n"
    assert holds_synthetic_data(Engine.of_store(demo_store))
