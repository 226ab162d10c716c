"""A measure whose baseline months are not held: true sentences under its chart (the month's
figure, that no comparison year is held, what will be compared when it is), on a synthetic
measure and on real police.uk files whose baseline year is incomplete."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.codec import to_dict
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.pack import evaluate_pack
from crimeplan.plan import load_plan
from crimeplan.report.html import render_html
from crimeplan.report.narrative import figures_check, measure_sentences, paragraphs
from crimeplan.report.pack import build_pack
from crimeplan.results.measure import (
    Comparison,
    MeasureResult,
    MeasuresResult,
    Periods,
    PlanInfo,
    SeriesPoint,
    Target,
)
from tests.conftest import REPO_ROOT, shared_data_path


def _measure(**changes: Any) -> MeasureResult:
    """Robbery as at June 2013 with April to June 2013 held and none of April to June 2012."""
    base = MeasureResult(
        id="robbery",
        title="Robbery",
        kind="count",
        unit="count",
        improvement="decrease",
        month="2013-06",
        month_value=31,
        ytd=None,
        baseline_ytd=None,
        change=None,
        change_pct=None,
        target=Target(milestone="A1", kind="change_pct", value=-8.0),
        on_course=None,
        months_missing=("2012-04", "2012-05", "2012-06"),
        series=tuple(
            SeriesPoint(month=m, value=v)
            for m, v in (("2013-04", 28), ("2013-05", 35), ("2013-06", 31))
        ),
        comparison=Comparison(
            basis="year_to_date",
            current=("2013-04", "2013-06"),
            baseline=("2012-04", "2012-06"),
            baseline_year="2012/13",
        ),
    )
    return replace(base, **changes)


def _say(measure: MeasureResult) -> list[str]:
    results = MeasuresResult(
        as_at=measure.month,
        plan=PlanInfo(
            title="A plan", force="A Force", plan_year="2013/14", baseline_year="2012/13"
        ),
        area="force",
        period=Periods(year_to_date=("2013-04", "2013-06"), baseline=("2012-04", "2012-06")),
        synthetic_data=True,
        measures=(measure,),
    )
    sentences = measure_sentences(measure, results)
    assert figures_check(sentences, json.loads(json.dumps(to_dict(results)))) == []
    return [s.text for s in sentences]


def test_no_baseline_months_gives_the_month_and_what_will_be_compared() -> None:
    assert _say(_measure()) == [
        "Robbery: 31 recorded in June 2013.",
        "No figures are held for April to June 2012, so there is no comparison year yet.",
        "When they are, April to June 2013 will be compared with April to June 2012, the "
        "same months of 2012/13, against the target of a reduction of 8%.",
    ]


def test_months_missing_with_a_gap_are_listed() -> None:
    text = _say(_measure(months_missing=("2012-04", "2012-06"), target=None))
    assert text[1] == (
        "No figures are held for April 2012 and June 2012, so there is no comparison year yet."
    )
    assert text[2].endswith("the same months of 2012/13.")


def test_no_figure_for_the_month_either() -> None:
    assert _say(_measure(month_value=None, series=())) == [
        "There are no figures for robbery as at June 2013."
    ]


@pytest.fixture(scope="module")
def twelve_months(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The last 12 months of the real Leicestershire police.uk files (November 2021 to
    October 2022) in a store, and the example plan moved to plan year 2022/23: the baseline
    year 2021/22 is held from November only, so April to October 2021 are absent."""
    source = shared_data_path("policeuk-street-leicestershire")
    folder = tmp_path_factory.mktemp("leics12")
    months = [f"2021-{m:02d}" for m in (11, 12)] + [f"2022-{m:02d}" for m in range(1, 11)]
    for month in months:
        shutil.copytree(source / month, folder / "files" / month)
    store_path = folder / "leics.duckdb"
    result = CliRunner().invoke(
        cli, ["import", "policeuk", str(folder / "files"), "--store", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    plan_text = (REPO_ROOT / "examples" / "policeuk-plan.yaml").read_text(encoding="utf-8")
    plan_text = plan_text.replace("plan_year: 2021/22", "plan_year: 2022/23")
    plan_text = plan_text.replace("baseline_year: 2020/21", "baseline_year: 2021/22")
    plan_text = plan_text.replace(
        "meetings: [2021-06-15, 2021-09-14, 2021-12-14, 2022-03-15]",
        "meetings: [2022-06-14, 2022-09-13, 2022-12-13, 2023-03-14]",
    )
    plan_path = folder / "plan.yaml"
    plan_path.write_text(plan_text, encoding="utf-8")
    return store_path, plan_path


@pytest.mark.realdata
def test_real_police_uk_files_with_an_incomplete_baseline(twelve_months: tuple[Path, Path]) -> None:
    store_path, plan_path = twelve_months
    plan = load_plan(plan_path)
    with Store.open(store_path, create=False) as store, Engine.of_store(store) as engine:
        results = evaluate_pack(plan, engine, date(2022, 10, 1))
        # the month's count, by SQL on the imported rows
        october = store.con.execute(
            "SELECT count(*) FROM crimes WHERE month = DATE '2022-10-01' "
            "AND category <> 'Anti-social behaviour'"
        ).fetchone()
    assert october is not None
    total = results.measure("total_crime")
    assert (total.ytd, total.month_value) == (None, october[0])
    said = paragraphs(results)
    assert figures_check([s for p in said.values() for s in p], to_dict(results)) == []
    text = [s.text for s in said["total_crime"]]
    assert text[:3] == [
        f"Total recorded crime (excluding anti-social behaviour): {october[0]:,} recorded in "
        "October 2022.",
        "No figures are held for April to October 2021, so there is no comparison year yet.",
        "When they are, April to October 2022 will be compared with April to October 2021, the "
        "same months of 2021/22, against the target of a reduction of 3%.",
    ]
    # under a chart of the months held, the chart's reading is still said
    assert any(t.startswith("On the control chart October 2022 is") for t in text)
    every = " ".join(s.text for p in said.values() for s in p)
    assert "store" not in every and "There are no figures for total recorded crime (" not in every


@pytest.mark.realdata
def test_the_real_data_pack_reads_plainly(twelve_months: tuple[Path, Path]) -> None:
    from tests.report.test_plain_english import HEX_ID, ISO_DATE, PATH, SOFTWARE

    store_path, plan_path = twelve_months
    with Store.open(store_path, create=False) as store, Engine.of_store(store) as engine:
        results = evaluate_pack(load_plan(plan_path), engine, date(2022, 10, 1))
    soup = BeautifulSoup(render_html(build_pack(results)), "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    text = soup.get_text("\n")
    assert "recorded in October 2022." in text
    for pattern in (ISO_DATE, HEX_ID, PATH, SOFTWARE):
        assert not pattern.findall(text), pattern.findall(text)
    # the police.uk data-quality note no longer quotes a Crime ID
    assert "Crime ID appears in more than one month" in text
