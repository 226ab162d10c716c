"""Whatever shows demo data says it is synthetic: ``counts`` says so on stderr."""

from __future__ import annotations

from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.data.store import Store


def test_counts_on_the_demo_store_say_synthetic(demo_store: Store) -> None:
    demo_store.con.execute("CHECKPOINT")
    result = CliRunner().invoke(
        cli,
        [
            "counts",
            "--store",
            demo_store.path,
            "--by",
            "month",
            "--from",
            "2013-04",
            "--to",
            "2013-04",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "month,count"
    assert result.stderr == "Note: this store holds SYNTHETIC demo data, not police statistics.\n"
    assert demo_store.holds_synthetic_data()
