"""The results of the demo and of real police.uk data, computed once per session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.pack import evaluate_pack
from crimeplan.plan import load_plan
from crimeplan.plan.model import Plan
from crimeplan.results.pack import PackResults

EXAMPLE_PLAN = Path(__file__).parents[2] / "examples" / "policeuk-plan.yaml"


@pytest.fixture(scope="session")
def demo_pack(demo_store: Store, builtin_plan: Plan) -> PackResults:
    """The built-in plan's pack on the demo store, as at April 2013."""
    with Engine.of_store(demo_store) as engine:
        return evaluate_pack(builtin_plan, engine, date(2013, 4, 1))


@pytest.fixture(scope="session")
def leicestershire_pack(tmp_path_factory: pytest.TempPathFactory) -> PackResults:
    """examples/policeuk-plan.yaml on the 35 months of real Leicestershire police.uk files
    (../shared/data/real), as at March 2022 (the plan year's last month)."""
    from tests.conftest import shared_data_path

    folder = shared_data_path("policeuk-street-leicestershire")
    from crimeplan.data.sources.registry import IMPORTERS

    assert "policeuk" in IMPORTERS
    from click.testing import CliRunner

    from crimeplan.cli import cli

    store_path = tmp_path_factory.mktemp("leics") / "leics.duckdb"
    result = CliRunner().invoke(
        cli, ["import", "policeuk", str(folder), "--store", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    plan = load_plan(EXAMPLE_PLAN)
    with Store.open(store_path, create=False) as store, Engine.of_store(store) as engine:
        return evaluate_pack(plan, engine, date(2022, 3, 1))
