"""``crimeplan report`` on the demo store: every format written and read back, results.json
byte-identical between runs (its snapshots are tests/results/test_result_snapshots.py's),
the data behind every table, every number in the generated sentences traceable to
results.json, and the same pack drawn again from results.json alone (``--from-results``)."""

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
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.plan import builtin_plan_path
from crimeplan.plan.model import Plan
from tests.support.reference import business_crime_april_2013


@pytest.fixture(scope="module")
def store_file(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo store's file: ``crimeplan report`` opens its store read-only, and
    DuckDB refuses that in a process holding the file open read-write (``demo_store``)."""
    copy = tmp_path_factory.mktemp("store") / "demo.duckdb"
    demo_store.con.execute("CHECKPOINT")
    shutil.copyfile(demo_store.path, copy)
    return copy


@pytest.fixture(scope="module")
def pack(store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack")
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--store",
            str(store_file),
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


def test_writes_every_format(pack: Path) -> None:
    for name in ("board-pack.html", "board-pack.docx", "board-pack.pdf", "results.json"):
        assert (pack / name).stat().st_size > 1000, name
    assert (pack / "data" / "measures.csv").exists()
    assert (pack / "data" / "series" / "burglary_dwelling.csv").exists()
    assert (pack / "data" / "tables" / "reoffending.csv").exists()
    assert (pack / "data" / "repeat_callers.csv").exists()


def test_results_json_byte_identical(pack: Path, store_file: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--store",
            str(store_file),
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

    from crimeplan.measures.pack import evaluate_pack
    from crimeplan.report.narrative import figures_check, measure_sentences

    results = evaluate_pack(builtin_plan, Engine.of_store(demo_store), date(2013, 4, 1))
    as_dict = json.loads((pack / "results.json").read_text())
    problems = []
    for measure in results.measures:
        problems += figures_check(measure_sentences(measure, results), as_dict)
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


def _docx_text(path: Path) -> tuple[list[tuple[str, str]], list[list[list[str]]]]:
    """A DOCX's paragraphs (style and text) and its tables' cell texts, in order."""
    import docx

    document = docx.Document(str(path))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
    return paragraphs, tables


def test_from_results_draws_the_same_pack(pack: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    result = CliRunner().invoke(
        cli, ["report", "--from-results", str(pack / "results.json"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    again = (out / "board-pack.html").read_text(encoding="utf-8")
    assert again == (pack / "board-pack.html").read_text(encoding="utf-8")
    paragraphs, tables = _docx_text(out / "board-pack.docx")
    assert (paragraphs, tables) == _docx_text(pack / "board-pack.docx")
    assert len(paragraphs) > 100 and len(tables) >= 5
    assert (out / "results.json").read_bytes() == (pack / "results.json").read_bytes()


def _one_line_error(arguments: list[str]) -> str:
    result = CliRunner().invoke(cli, ["report", *arguments])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    return result.output


def test_from_results_refuses_a_store(pack: Path, store_file: Path, tmp_path: Path) -> None:
    output = _one_line_error(
        ["--from-results", str(pack / "results.json"), "--store", str(store_file),
         "--out", str(tmp_path / "out")]
    )  # fmt: skip
    assert "leave out --store" in output
    assert not (tmp_path / "out").exists()


def test_from_results_refuses_the_measures_json(store_file: Path, tmp_path: Path) -> None:
    measures = CliRunner().invoke(
        cli,
        ["measures", "--store", str(store_file), "--plan", str(builtin_plan_path()),
         "--as-at", "2013-04", "--format", "json"],
    )  # fmt: skip
    assert measures.exit_code == 0, measures.output
    data = json.loads(measures.stdout)
    assert "measures" in data and "paper" not in data
    path = tmp_path / "measures.json"
    path.write_text(measures.stdout, encoding="utf-8")
    output = _one_line_error(["--from-results", str(path), "--out", str(tmp_path / "out")])
    assert "no 'paper' key" in output
    assert not (tmp_path / "out").exists()


def test_from_results_refuses_a_file_that_is_not_json(pack: Path, tmp_path: Path) -> None:
    output = _one_line_error(
        ["--from-results", str(pack / "board-pack.html"), "--out", str(tmp_path / "out")]
    )
    assert "not a JSON file" in output
    assert not (tmp_path / "out").exists()


# -- commentary checks: report --check and --annex checks ------------------------------------------
@pytest.fixture(scope="module")
def checked(store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``report --check`` writing the HTML pack too: its folder and its output."""
    out = tmp_path_factory.mktemp("checked")
    result = CliRunner().invoke(
        cli,
        ["report", "--store", str(store_file), "--plan", str(builtin_plan_path()),
         "--as-at", "2013-04", "--format", "html", "--out", str(out), "--check"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    return out, result.output


def test_report_check_prints_each_contradiction_and_exits_1(store_file: Path) -> None:
    plan = str(builtin_plan_path())
    result = CliRunner().invoke(
        cli,
        ["report", "--store", str(store_file), "--plan", plan, "--as-at", "2013-04", "--check"],
    )
    assert result.exit_code == 1, result.output
    output = result.output
    for words in (
        "F1: “Burglary Dwelling has reduced for the past six consecutive months",
        "A3: “530, which amounts to an average of around 50 per month”",
        "H1: “However, year end performance for each is around 1.5% higher than in 2011/12”",
        "I4: “Although at an early stage the first five months of the pilot are indicating "
        "positive results”",
    ):
        assert f"{plan}: {words}" in output, words
    assert "each of the last 5 months" in output
    assert "an average of 44.2 a month" in output
    assert "0.8 points higher" in output and "0.9 points lower" in output
    assert "worse than the controls" in output
    last = output.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ claims of the leads' updates contradicted by the figures "
                        r"\(\d+ checked\)\.", last), last  # fmt: skip
    assert not list(Path.cwd().glob("board-pack.*"))  # --check alone writes nothing


def test_report_check_exits_0_when_nothing_is_contradicted(
    checked: tuple[Path, str], tmp_path: Path
) -> None:
    out, output = checked
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    contradicted = [c for c in data["commentary_checks"] if c["verdict"] == "contradicted"]
    assert len(contradicted) == len(
        [line for line in output.splitlines() if line.startswith(str(builtin_plan_path()))]
    )
    again = CliRunner().invoke(
        cli, ["report", "--from-results", str(out / "results.json"), "--check"]
    )
    assert again.exit_code == 1
    assert f"{out / 'results.json'}: F1: “Burglary Dwelling" in again.output
    data["commentary_checks"] = [c for c in data["commentary_checks"] if c not in contradicted]
    agreeing = tmp_path / "results.json"
    agreeing.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "--from-results", str(agreeing), "--check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 claims of the leads' updates contradicted")


def test_annex_checks_only_when_asked_and_the_updates_unchanged(
    checked: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = checked
    plain = (out / "board-pack.html").read_text(encoding="utf-8")
    assert 'id="annex-checks"' not in plain
    annexed = tmp_path / "annexed"
    result = CliRunner().invoke(
        cli,
        ["report", "--from-results", str(out / "results.json"), "--format", "html,docx",
         "--annex", "checks", "--out", str(annexed)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = (annexed / "board-pack.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    annex = soup.find(id="annex-checks")
    assert annex is not None
    rows = annex.select("tbody tr")
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert len(rows) == len(data["commentary_checks"])
    n = sum(1 for c in data["commentary_checks"] if c["verdict"] == "contradicted")
    assert [r.get("class") == ["contradicted"] for r in rows] == [True] * n + [False] * (
        len(rows) - n
    )
    # the update is printed as the lead wrote it, before the annex
    said = [p for p in soup.find_all("p") if "six consecutive months" in p.text]
    assert said and not said[0].find_parent(id="annex-checks")
    assert (
        "Burglary Dwelling has reduced for the past six consecutive months after hitting a "
        "seasonal peak in November." in said[0].text
    )
    # the rest of the pack is the same as without the annex
    entry = (
        '<li><a href="#annex-checks">Annex: the leads&#x27; updates checked against the '
        "figures</a></li>"
    )
    assert entry in html  # the annex is in the contents
    body = html.replace(entry, "", 1)
    assert body.split("<style>\n#annex-checks")[0] == plain.split("</body>")[0]
    paragraphs, tables = _docx_text(annexed / "board-pack.docx")
    assert any(t == "Annex: the leads' updates checked against the figures" for _, t in paragraphs)
    assert tables[-1][0] == ["Milestone", "The update says", "The figures say", "Verdict"]
    assert len(tables[-1]) == 1 + len(data["commentary_checks"])


def test_annex_check_refuses_an_unknown_annex(checked: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = checked
    output = _one_line_error(
        ["--from-results", str(out / "results.json"), "--annex", "charts", "--out",
         str(tmp_path / "x")]
    )  # fmt: skip
    assert "--annex charts: no such annex; expected one of checks" in output


def test_an_out_folder_that_cannot_be_written(pack: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"  # the tests run as root: a file stands in for a locked folder
    blocker.write_text("not a folder", encoding="utf-8")
    for out in (blocker / "pack", Path("/proc/crimeplan-pack")):
        output = _one_line_error(["--from-results", str(pack / "results.json"), "--out", str(out)])
        assert f"Error: --out {out}: cannot write the pack there" in output
        assert "choose a folder you can write to" in output
