"""The built-in plan's experiments on the demo store: evaluated by ``evaluate_pack`` as at
April 2013 (the confidence experiment complete, the hotspot pilot 5 of 12 months in), in
results.json, the HTML and DOCX packs and data/experiments.csv."""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document

from crimeplan.codec import to_dict
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.experiments import evaluate_experiment
from crimeplan.measures.pack import evaluate_pack
from crimeplan.plan.model import Experiment, Plan
from crimeplan.report.build import write_data
from crimeplan.report.docx import render_docx
from crimeplan.report.html import render_html
from crimeplan.report.narrative.experiments import note_text, sentence, so_far, table_rows
from crimeplan.report.pack import BoardPack, build_pack
from crimeplan.results.pack import PackResults
from crimeplan.stats.experiment import difference_in_differences, permutation_test

AS_AT = date(2013, 4, 1)


@pytest.fixture(scope="module")
def results(demo_store: Store, builtin_plan: Plan) -> PackResults:
    return evaluate_pack(builtin_plan, Engine.of_store(demo_store), AS_AT)


@pytest.fixture(scope="module")
def pack(results: PackResults) -> BoardPack:
    return build_pack(results)


def _count(store: Store, members: list[str], first: str, last: str) -> int:
    """Crimes in the neighbourhoods, counted directly in SQL."""
    placeholders = ", ".join("?" for _ in members)
    (n,) = store.con.execute(
        "SELECT count(*) FROM crimes c WHERE c.force = 'West Midlands Police' "
        "AND c.month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) AND c.small_area IN "
        f"(SELECT small_area FROM areas WHERE neighbourhood IN ({placeholders}))",
        [f"{first}-01", f"{last}-01", *members],
    ).fetchone()  # type: ignore[misc]
    return int(n)


def test_confidence_experiment(results: PackResults, demo_store: Store, builtin_plan: Plan) -> None:
    confidence = results.experiments[0]
    assert confidence.id == "confidence_neighbourhoods"
    assert confidence.status == "complete" and so_far(confidence) is None
    assert confidence.evaluated_after == ("2012-10", "2013-03")
    treated = builtin_plan.area_sets["confidence_treatment"].members
    control = builtin_plan.area_sets["confidence_control"].members
    t0 = _count(demo_store, treated, "2012-04", "2012-09")
    t1 = _count(demo_store, treated, "2012-10", "2013-03")
    c0 = _count(demo_store, control, "2012-04", "2012-09")
    c1 = _count(demo_store, control, "2012-10", "2013-03")
    assert min(t0, t1, c0, c1) > 500  # two neighbourhoods' crimes over six months
    assert [(a.role, a.before, a.after) for a in confidence.arms] == [
        ("treatment", t0, t1),
        ("control", c0, c1),
    ]
    assert to_dict(confidence.did) == difference_in_differences(t0, t1, c0, c1).to_dict()
    assert confidence.estimate == (t1 - t0) - (c1 - c0)
    assert confidence.p_value is not None and 0 <= confidence.p_value <= 1
    assert confidence.did is not None  # the results hold numbers to 4 places
    assert confidence.did.wdd.se == round(math.sqrt(t0 + t1 + c0 + c1), 4)
    words = sentence(confidence, results.as_at)
    assert words.startswith("Crime in the treatment areas changed by")
    assert "chance would explain" in words


def test_hotspot_pilot_five_of_twelve_months(
    results: PackResults, demo_store: Store, builtin_plan: Plan
) -> None:
    hotspot = results.experiments[1]
    assert hotspot.id == "hotspot_patrol" and hotspot.design == "randomised"
    assert hotspot.status == "in progress"
    assert so_far(hotspot) == "5 of 12 months so far"
    assert hotspot.evaluated_after == ("2012-12", "2013-04")
    months = hotspot.months
    assert (months.before, months.after_so_far, months.after) == (5, 5, 12)
    assert sentence(hotspot, results.as_at).startswith(
        "After 5 of 12 months so far, crimes per month changed"
    )
    assert len(hotspot.units) == 10
    for unit in hotspot.units[:3]:
        assert unit.before == _count(demo_store, [unit.area], "2012-07", "2012-11")
        assert unit.after == _count(demo_store, [unit.area], "2012-12", "2013-04")
        assert unit.outcome == round(unit.after / 5 - unit.before / 5, 4)
    # the test runs on the outcomes before the results round them to 4 places
    outcomes = [(u.arm, u.after / 5 - u.before / 5) for u in hotspot.units]  # type: ignore[operator]
    treated = [outcome for arm, outcome in outcomes if arm == "treatment"]
    control = [outcome for arm, outcome in outcomes if arm == "control"]
    expected = permutation_test(treated, control, seed=20130514)
    assert to_dict(hotspot.permutation) == expected.to_dict()
    assert hotspot.permutation is not None and hotspot.permutation.exact
    assert hotspot.permutation.permutations == math.comb(10, 5)
    assert hotspot.ci95 is not None
    low, high = hotspot.ci95
    assert low < hotspot.permutation.difference < high
    # the arms' totals are the sums of their areas, and their WDD is shown too
    arm = hotspot.arm("treatment")
    assert arm is not None and arm.after == sum(u.after for u in hotspot.units[:5])
    assert hotspot.did is not None and hotspot.did.wdd is not None


def test_results_json_key(results: PackResults) -> None:
    data = to_dict(results)["experiments"]
    assert [e["id"] for e in data] == ["confidence_neighbourhoods", "hotspot_patrol"]
    assert data[1]["notes"][0] == {  # 5 of 12 months so far
        "code": "after_so_far",
        "months_so_far": 5,
        "months_after": 12,
        "evaluated_to": "2013-04",
    }
    assert data[1]["months"] == {"before": 5, "after": 12, "after_so_far": 5}
    assert len(data[1]["units"]) == 10


def test_not_started(demo_store: Store, builtin_plan: Plan) -> None:
    hotspot = builtin_plan.experiments[1]
    result = evaluate_experiment(
        Engine.of_store(demo_store), builtin_plan, hotspot, date(2012, 11, 1)
    )
    assert result.status == "not started"
    assert result.arms == () and result.estimate is None and result.p_value is None
    assert to_dict(result)["evaluated_after"] is None
    assert sentence(result, "2012-11").startswith(
        "Not started: its after period begins in December 2012"
    )
    assert (
        "After period",
        "December 2012 to November 2013 (12 months); not started",
    ) in table_rows(result)


def test_a_whole_period_with_displacement_and_a_measure(
    demo_store: Store, builtin_plan: Plan
) -> None:
    experiment = Experiment(
        id="x",
        title="X",
        treatment="confidence_treatment",
        control="confidence_control",
        displacement="hotspot_control",
        before="2011-04..2012-03",
        after="2012-04..2012-09",
        measure="burglary_dwelling",
    )
    result = evaluate_experiment(Engine.of_store(demo_store), builtin_plan, experiment, AS_AT)
    assert result.status == "complete"
    assert result.did is not None and result.did.time_weights == (2.0, 1.0)
    assert result.did.displacement is not None
    notes = [note_text(note, result) for note in result.notes]
    assert any("scaled by 6/12" in note for note in notes)
    assert any("no displacement control" in note for note in notes)
    labels = [label for label, _ in table_rows(result)]
    assert (
        "Change in the treatment areas' total less the control areas' (with the displacement "
        "areas' change)" in labels
    )
    assert (
        "Displacement areas (Druids Heath & Monyhull, Hall Green North, Highter's Heath, "
        "Longbridge & West Heath, Northfield)"
    ) in labels


def test_html_section(pack: BoardPack) -> None:
    soup = BeautifulSoup(render_html(pack), "html.parser")
    headings = [h.get_text(strip=True) for h in soup.find_all("h2")]
    at = headings.index("Experiments")
    assert headings[at - 1] == "Appendix"  # after the body (report --full: after the milestones)
    assert headings[at + 1].startswith("All measures")
    section = soup.select_one("section#experiments")
    assert section is not None
    tables = section.select("table.experiment")
    assert [t["id"] for t in tables] == [
        "experiment-confidence_neighbourhoods",
        "experiment-hotspot_patrol",
    ]
    hotspot = tables[1]
    caption = hotspot.find("caption")
    assert caption is not None
    assert caption.get_text(strip=True).endswith("(5 of 12 months so far)")
    rows = {
        tr.th.get_text(strip=True): tr.td.get_text(strip=True)
        for tr in hotspot.select("tbody tr")
        if tr.th and tr.td
    }
    assert rows["Before period"] == "July to November 2012 (5 months)"
    assert rows["After period"] == (
        "December 2012 to November 2013 (12 months); evaluated on December 2012 to April 2013, "
        "5 of 12 months so far"
    )
    estimate = rows["Difference between arms (change in crimes per month per area)"]
    assert "95% interval" in estimate and "p = " in estimate
    assert "Change in the treatment areas' total less the control areas'" in rows
    assert rows["More than chance?"].startswith(("yes", "no"))
    sentences = [p.get_text(strip=True) for p in section.select("p.experiment-sentence")]
    assert sentences[1].startswith("After 5 of 12 months so far")


def test_docx_section(pack: BoardPack) -> None:
    doc = Document(io.BytesIO(render_docx(pack)))
    heading1 = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    at = heading1.index("Experiments")
    assert heading1[at - 1] == "Appendix"  # after the body (report --full: after the milestones)
    assert heading1[at + 1].startswith("All measures")
    texts = [p.text for p in doc.paragraphs]
    assert "Hotspot patrol pilot, Birmingham South LPU (5 of 12 months so far)" in texts
    assert any(t.startswith("After 5 of 12 months so far, crimes per month") for t in texts)
    tables = [
        t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Experiment", "Result"]
    ]
    assert len(tables) == 2
    rows = {r.cells[0].text: r.cells[1].text for r in tables[0].rows}
    assert rows["Before period"] == "April to September 2012 (6 months)"
    assert "Difference in differences (treatment less control change)" in rows


def test_data_csv(results: PackResults, tmp_path: Path) -> None:
    write_data(results, tmp_path)
    rows = list(csv.DictReader((tmp_path / "experiments.csv").read_text().splitlines()))
    assert [r["id"] for r in rows] == ["confidence_neighbourhoods", "hotspot_patrol"]
    hotspot = rows[1]
    assert (hotspot["status"], hotspot["months_so_far"], hotspot["evaluated_to"]) == (
        "in progress",
        "5",
        "2013-04",
    )
    data = to_dict(results)["experiments"][1]
    assert hotspot["estimate"] == str(data["estimate"])
    assert hotspot["p_value"] == str(data["p_value"])
    assert hotspot["treatment_after"] == str(data["arms"][0]["after"])
