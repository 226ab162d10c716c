"""The analyst's suggested rebase: in words, and printed by ``crimeplan measures``."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.plan import builtin_plan_path
from crimeplan.report.narrative.suggestions import rebase_suggestion
from crimeplan.results.measure import Comparison, MeasureResult, SeriesPoint
from crimeplan.results.statistics import RebaseSuggestion, Spc
from crimeplan.stats.spc import Segment
from tests.support.reference import monthly_crimes


def _measure(suggested: RebaseSuggestion | None, **changes: Any) -> MeasureResult:
    months = [f"{2011 + (3 + i) // 12}-{(3 + i) % 12 + 1:02d}" for i in range(24)]
    spc = Spc(
        mean=40.0,
        upl=55.0,
        lpl=25.0,
        point_types=("common_cause",) * 24,
        variation_icon="common_cause",
        assurance_icon=None,
        segments=(Segment(start_index=0, end_index=23, mean=40.0, upl=55.0, lpl=25.0),),
        target=None,
        months=tuple(months),
        last_point_rules=(),
        last_run=None,
        last_close=None,
        suggested_rebase=suggested,
    )
    return MeasureResult(
        id="robbery",
        title="Robbery",
        kind="count",
        unit="count",
        improvement="decrease",
        month=months[-1],
        month_value=30,
        ytd=30,
        baseline_ytd=40,
        change=-10,
        change_pct=-25.0,
        comparison=Comparison(basis="year_to_date"),
        series=tuple(SeriesPoint(month=m, value=30) for m in months),
        spc=spc,
        **changes,
    )


def test_a_suggestion_says_what_to_add_to_the_plan_file() -> None:
    shift = RebaseSuggestion(month="2012-06", index=14, months=10, side="below")
    assert rebase_suggestion(_measure(shift)) == (
        "Robbery: 10 months in a row below the average from June 2012, a sustained shift. "
        "To recalculate its control chart's limits from then, add to the measure in the plan "
        'file: spc: {rebase: [{from: 2012-06, reason: "…"}]}'
    )


def test_no_suggestion_no_words() -> None:
    assert rebase_suggestion(_measure(None)) is None
    assert rebase_suggestion(replace(_measure(None), spc=None)) is None


def test_crimeplan_measures_offers_the_suggested_rebases(demo_store: Any, tmp_path: Path) -> None:
    """On the demo, knife crime's last 13 months lie below the mean of April 2009 to April
    2013 (raw SQL): ``crimeplan measures`` offers a rebase from April 2012."""
    counts = monthly_crimes(demo_store, "knife", "2013-04")
    values = list(counts.values())
    mean = sum(values) / len(values)
    below = next(i for i, v in enumerate(reversed(values)) if v >= mean)
    first = list(counts)[len(values) - below]
    demo_store.con.execute("CHECKPOINT")
    copy = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store.path, copy)
    result = CliRunner().invoke(
        cli,
        [
            "measures",
            "--store",
            str(copy),
            "--plan",
            str(builtin_plan_path()),
            "--as-at",
            "2013-04",
        ],
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert first == "2012-04"
    assert (
        f"Suggested rebase: Knife crime: {below} months in a row below the average from "
        "April 2012, a sustained shift." in text
    )
    assert 'spc: {rebase: [{from: 2012-04, reason: "…"}]}' in text
