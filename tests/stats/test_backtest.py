"""The backtest: its mechanics (no look-ahead, what is replayed, the arithmetic), the
``crimeplan backtest`` command on a small store, and the calibration bands on the demo data
and on the real Leicestershire police.uk data."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import crimeplan.stats.backtest as backtest_module
from crimeplan.cli import cli
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.demo.generate import generate_demo
from crimeplan.measures.compute import evaluate
from crimeplan.periods import add_months, format_month
from crimeplan.plan import builtin_plan_path, load_plan
from crimeplan.stats.backtest import backtest
from crimeplan.stats.forecast import Forecast, forecast_year_end

REPO = Path(__file__).resolve().parents[2]
REAL_DATA = REPO.parent / "shared" / "data" / "real"
LEICESTERSHIRE = REAL_DATA / "policeuk-street-leicestershire"

#: The issue's calibration bands.
BAND_80 = (0.70, 0.90)
BAND_95 = (0.88, 0.995)

Series = list[tuple[date, float | None]]


def seasonal(seed: int, years: int, level: float = 120.0, first: date = date(2009, 4, 1)) -> Series:
    rng = np.random.default_rng(seed)
    profile = 1.0 + 0.15 * np.sin(np.arange(12) * 2 * np.pi / 12)
    counts = rng.poisson(level * np.tile(profile, years))
    return [(add_months(first, i), float(c)) for i, c in enumerate(counts)]


def test_every_complete_year_at_every_month_but_march() -> None:
    report = backtest({"a": seasonal(1, 3), "b": seasonal(2, 3)})
    # 2009/10 has no earlier months to give a profile; 2010/11 and 2011/12 are replayed
    assert report.forecasts == 2 * 2 * 11
    assert set(report.by_year) == {"2010/11", "2011/12"}
    assert list(report.by_month) == [
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "January",
        "February",
    ]
    assert all(not row.as_at.endswith("-03") for row in report.rows)
    assert report.skipped == {"no_seasonal_profile": 2 * 11}
    assert report.by_measure["a"].forecasts == 22
    out = report.to_dict()
    assert {"forecasts", "coverage_80", "coverage_95", "mape"} <= set(out)
    assert out["forecasts"] == 44 and len(out["details"]) == 44


def test_an_incomplete_year_is_not_replayed() -> None:
    series = seasonal(3, 3)
    series[30] = (series[30][0], None)  # a month of 2011/12 missing: no outcome to judge by
    report = backtest({"a": series})
    assert set(report.by_year) == {"2010/11"}


def test_no_look_ahead_poisoned_future_changes_no_forecast() -> None:
    """Each year's forecasts are the same whatever the months after each as-at month
    hold; and the forecast is never shown a month after its as-at month."""
    clean = seasonal(4, 4)
    poisoned = clean[:36] + [(m, 50_000.0) for m, _ in clean[36:]]  # 2012/13 poisoned
    a = [r for r in backtest({"m": clean}).rows if r.year in ("2010/11", "2011/12")]
    b = [r for r in backtest({"m": poisoned}).rows if r.year in ("2010/11", "2011/12")]
    assert a == b and len(a) == 22


def test_the_forecast_only_sees_months_up_to_as_at(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[date, date]] = []

    def spy(history: Sequence[tuple[date, float | None]], as_at: date, *args: Any) -> Forecast:
        seen.append((max(m for m, _ in history), as_at))
        return forecast_year_end(history, as_at, *args)

    monkeypatch.setattr(backtest_module, "forecast_year_end", spy)
    backtest({"m": seasonal(5, 3)})
    assert len(seen) == 3 * 11
    assert all(last <= as_at for last, as_at in seen)


def test_coverage_and_mape_arithmetic(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a stand-in forecast of fixed intervals, the figures are simple to check."""

    def fixed(history: Sequence[tuple[date, float | None]], as_at: date, *args: Any) -> Forecast:
        # 80 % interval holds the outcome (1200) only as at April-June; 95 % always
        hi80 = 1300.0 if as_at.month in (4, 5, 6) else 1100.0
        return Forecast(
            year="x",
            as_at=format_month(as_at),
            year_end=1100.0,
            change_pct=None,
            pi80=(1000.0, hi80),
            pi95=(900.0, 1400.0),
            p_meet_target=None,
            method="fixed",
            months_known=1,
            months_forecast=11,
        )

    monkeypatch.setattr(backtest_module, "forecast_year_end", fixed)
    flat = [(add_months(date(2010, 4, 1), i), 100.0) for i in range(24)]
    report = backtest({"flat": flat})
    assert report.forecasts == 22
    assert report.coverage_80 == pytest.approx(6 / 22)
    assert report.coverage_95 == 1.0
    assert report.mape == pytest.approx(100 * 100 / 1200)
    assert report.by_month["April"].coverage_80 == 1.0
    assert report.by_month["July"].coverage_80 == 0.0


def _write_policeuk(folder: Path, months: int) -> None:
    """A tiny police.uk street-level download: one made-up force, a seasonal Poisson
    number of burglaries and ASB incidents a month."""
    header = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
        "LSOA name,Crime type,Last outcome category,Context\r\n"
    )
    rng = np.random.default_rng(11)
    for i in range(months):
        month = format_month(add_months(date(2019, 4, 1), i))
        season = 1.0 + 0.2 * np.cos(2 * np.pi * i / 12)
        lines = [header]
        for category, level in (("Burglary", 30.0), ("Anti-social behaviour", 40.0)):
            for j in range(int(rng.poisson(level * season))):
                crime_id = "" if category == "Anti-social behaviour" else f"{month}-{j:04d}"
                outcome = "" if category == "Anti-social behaviour" else "Under investigation"
                lines.append(
                    f"{crime_id},{month},Test Police,Test Police,-1.1,52.6,On or near Here,"
                    f"E01025631,Blaby 002A,{category},{outcome},\r\n"
                )
        day = folder / month
        day.mkdir(parents=True)
        (day / f"{month}-test-street.csv").write_text("".join(lines), newline="")


SMALL_PLAN = """\
title: Test plan 2021/22
force: Test Police
plan_year: 2021/22
baseline_year: 2020/21
board:
  name: Test Board
  report_title: Performance against the plan
objectives:
  - id: A
    title: Reduce crime
    milestones:
      - id: A1
        title: Reduce burglary by 5 per cent
        leads: [ACC Test]
        cadence: monthly
        targets: [{measure: burglary, change_pct: -5}]
measures:
  - id: burglary
    title: Burglary
    kind: count
    where: {category: Burglary}
  - id: asb
    title: Anti-social behaviour
    kind: count
    where: {category: Anti-social behaviour}
  - id: burglary_share
    title: Burglary share of ASB and burglary
    kind: proportion
    numerator: {measure: burglary}
    denominator: {where: {}}
"""


def test_the_command_on_a_small_store(tmp_path: Path) -> None:
    _write_policeuk(tmp_path / "files", 36)  # 2019/20 to 2021/22
    store = tmp_path / "small.duckdb"
    runner = CliRunner()
    imported = runner.invoke(
        cli, ["import", "policeuk", str(tmp_path / "files"), "--store", str(store)]
    )
    assert imported.exit_code == 0, imported.output
    plan = tmp_path / "plan.yaml"
    plan.write_text(SMALL_PLAN)
    result = runner.invoke(
        cli, ["backtest", "--store", str(store), "--plan", str(plan), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["forecasts"] == 2 * 2 * 11  # burglary and ASB (counts only), two years
    assert set(out["by_measure"]) == {"burglary", "asb"}
    assert 0.0 <= out["coverage_80"] <= out["coverage_95"] <= 1.0
    table = runner.invoke(cli, ["backtest", "--store", str(store), "--plan", str(plan)])
    assert table.exit_code == 0, table.output
    assert "All measures" in table.output and "By month as at" in table.output


def test_the_command_explains_a_store_without_the_force(tmp_path: Path) -> None:
    _write_policeuk(tmp_path / "files", 3)
    store = tmp_path / "small.duckdb"
    runner = CliRunner()
    runner.invoke(cli, ["import", "policeuk", str(tmp_path / "files"), "--store", str(store)])
    plan = tmp_path / "plan.yaml"
    plan.write_text(SMALL_PLAN.replace("force: Test Police", "force: Other Police"))
    result = runner.invoke(cli, ["backtest", "--store", str(store), "--plan", str(plan)])
    assert result.exit_code == 1
    assert "holds no crimes for force 'Other Police'" in result.output


def _assert_calibrated(coverage_80: float | None, coverage_95: float | None) -> None:
    assert coverage_80 is not None and coverage_95 is not None
    assert BAND_80[0] <= coverage_80 <= BAND_80[1], coverage_80
    assert BAND_95[0] <= coverage_95 <= BAND_95[1], coverage_95


@pytest.mark.slow
def test_calibrated_on_the_demo_data(tmp_path: Path) -> None:
    plan = load_plan(builtin_plan_path())
    with Store.open(tmp_path / "demo.duckdb") as store:
        generate_demo(store)
        result = evaluate(plan, Engine.of_store(store), date(2014, 3, 1))
    series = {
        m.id: [(date.fromisoformat(p.month + "-01"), p.value) for p in m.series]
        for m in result.measures
        if m.kind == "count"
    }
    report = backtest(series)
    assert report.forecasts == 17 * 4 * 11  # 17 count measures, 2010/11-2013/14
    _assert_calibrated(report.coverage_80, report.coverage_95)


@pytest.mark.slow
@pytest.mark.realdata
def test_calibrated_on_real_leicestershire_data(tmp_path: Path) -> None:
    if not LEICESTERSHIRE.exists():
        pytest.skip(f"real data not available: {LEICESTERSHIRE} is absent")
    store = tmp_path / "leics.duckdb"
    runner = CliRunner()
    imported = runner.invoke(
        cli, ["import", "policeuk", str(LEICESTERSHIRE), "--store", str(store)]
    )
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(
        cli,
        [
            "backtest",
            "--store",
            str(store),
            "--plan",
            str(REPO / "examples" / "policeuk-plan.yaml"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    # 2021/22 at every month as at, and 2020/21 from December (when every month still to
    # come has been seen once, in the files' first months December 2019 to March 2020)
    assert out["by_year"]["2021/22"]["forecasts"] == 9 * 11
    assert out["by_year"]["2020/21"]["forecasts"] == 9 * 3
    _assert_calibrated(out["coverage_80"], out["coverage_95"])
