"""``crimeplan report`` on the demo store: every format written and read back, results.json
byte-identical between runs and matching its snapshot, the data behind every table, and
every number in the generated sentences traceable to results.json."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.data.store import Store
from crimeplan.plan import builtin_plan_path
from crimeplan.plan.model import Plan
from tests.support.reference import business_crime_april_2013


@pytest.fixture(scope="module")
def pack(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack")
    demo_store.con.execute("CHECKPOINT")
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--store",
            demo_store.path,
            "--plan",
            str(builtin_plan_path()),
            "--as-at",
            "2013-04",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def _normalised(text: str) -> str:
    """results.json without the import dates, which are the day the test store was made."""
    return re.sub(r'"imported_on": "\d{4}-\d{2}-\d{2}"', '"imported_on": "…"', text)


def test_writes_every_format(pack: Path) -> None:
    for name in ("board-pack.html", "board-pack.docx", "board-pack.pdf", "results.json"):
        assert (pack / name).stat().st_size > 1000, name
    assert (pack / "data" / "measures.csv").exists()
    assert (pack / "data" / "series" / "burglary_dwelling.csv").exists()
    assert (pack / "data" / "tables" / "reoffending.csv").exists()
    assert (pack / "data" / "repeat_callers.csv").exists()


def test_results_json_byte_identical(pack: Path, demo_store: Store, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--store",
            demo_store.path,
            "--plan",
            str(builtin_plan_path()),
            "--as-at",
            "2013-04",
            "--format",
            "json",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "results.json").read_bytes() == (pack / "results.json").read_bytes()
    assert not (tmp_path / "board-pack.html").exists()


def test_results_json_snapshot(pack: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    snapshot(_normalised((pack / "results.json").read_text(encoding="utf-8")), "results.json")


def test_results_json_extends_the_measures_json(pack: Path) -> None:
    results = json.loads((pack / "results.json").read_text())
    for key in (
        "as_at",
        "measures",
        "milestones",
        "repeat_callers",
        "repeat_victims",
        "by_area",
        "sources",
        "synthetic_data",
        "board_date",
    ):
        assert key in results
    assert results["board_date"] == "2013-05-14"
    assert results["synthetic_data"] is True


def test_data_csv_matches_results(pack: Path) -> None:
    results = json.loads((pack / "results.json").read_text())
    text = (pack / "data" / "measures.csv").read_text()
    rows = {r["id"]: r for r in csv.DictReader(text.splitlines())}
    for m in results["measures"]:
        assert rows[m["id"]]["ytd"] == ("" if m["ytd"] is None else str(m["ytd"]))
    series_text = (pack / "data" / "series" / "burglary_dwelling.csv").read_text()
    series = list(csv.DictReader(series_text.splitlines()))
    burglary = next(m for m in results["measures"] if m["id"] == "burglary_dwelling")
    assert [r["value"] for r in series] == [str(p["value"]) for p in burglary["series"]]


def test_html_has_charts_sentences_and_every_milestone(
    pack: Path, builtin_plan: Plan, demo_store: Store
) -> None:
    soup = BeautifulSoup((pack / "board-pack.html").read_text(), "html.parser")
    text = soup.get_text(" ", strip=True)
    for milestone in builtin_plan.milestones:
        assert milestone.title in text, milestone.id
    panels = soup.select("figure.panel")
    assert len(panels) >= 20
    assert all(
        p.select_one(".chart svg") is not None
        for p in panels
        if p.get("id") != "measure-reoffending"
    )
    business = soup.select_one("#measure-business_crime").get_text(" ", strip=True)
    assert f"{business_crime_april_2013(demo_store)['change']:.1f}%" in business  # 6.0 %, by SQL
    numbers = [int(n.get_text().rstrip(".")) for n in soup.select("p.para .n")]
    assert numbers == list(range(1, len(numbers) + 1))
    assert soup.select_one("table#repeat-callers") is not None
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", str(soup))


def test_every_number_in_the_sentences_is_in_results(
    demo_store: Store, builtin_plan: Plan, pack: Path
) -> None:
    from datetime import date

    from crimeplan.report.gather import gather
    from crimeplan.report.narrative import figures_check, measure_sentences

    results = gather(builtin_plan, demo_store, date(2013, 4, 1))
    as_dict = json.loads((pack / "results.json").read_text())
    problems = []
    for measure in results.measures.measures:
        problems += figures_check(measure_sentences(measure, results.measures), as_dict)
    assert problems == []


def test_docx_reads_back(pack: Path, builtin_plan: Plan) -> None:
    import docx

    document = docx.Document(str(pack / "board-pack.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    for milestone in builtin_plan.milestones:
        assert milestone.title in text, milestone.id
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert [h[:2] for h in headings] == [f"{o.id}." for o in builtin_plan.objectives]
    assert len(document.inline_shapes) >= 20
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert "68651" in cells and "-30.82%" in cells  # the seed's ¶20 table, as printed


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) absent")
def test_pdf_reads_back(pack: Path, builtin_plan: Plan) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pack / "board-pack.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    for objective in builtin_plan.objectives:
        assert objective.title.split()[0] in flat
    assert "Dudley" in flat and "-30.82%" in flat  # the seed's ¶20 table, as printed
    assert "SYNTHETIC" in flat
