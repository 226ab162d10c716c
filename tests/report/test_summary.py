"""The paper's structure as a board reads it (issue 8, items 1–2): the position first (page 1
after the title block and purpose: every target with its status, icons and movement, then the
milestones by objective), the promised position table after the paragraph that promises it,
the exceptions in full in the body and the other measures in one line with their charts in
the appendix, the body of the built-in plan's pack within 16 A4 pages, every off-course
target's action, and the ones without an action flagged to the analyst."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.codec import to_dict
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.pack import evaluate_pack, since_previous
from crimeplan.plan import builtin_plan_path
from crimeplan.plan.model import Plan
from crimeplan.report.html import render_html
from crimeplan.report.narrative.position import missing_actions
from crimeplan.report.pack import build_pack
from crimeplan.report.pdf import render_pdf
from crimeplan.report.summary import is_exception
from crimeplan.results.pack import PackResults
from crimeplan.results.position import TargetStatus

TARGETS = [
    "Total recorded crime",
    "Violence with injury",
    "Burglary dwelling",
    "Total recorded crime in the priority areas",
    "Business crime",
]
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def results(demo_store: Store, builtin_plan: Plan) -> PackResults:
    return evaluate_pack(builtin_plan, Engine.of_store(demo_store), date(2013, 4, 1))


@pytest.fixture(scope="module")
def html(results: PackResults) -> str:
    from crimeplan.report.charts import render_svg, spc_chart

    charts = {m.id: render_svg(spc_chart(m)) for m in results.measures if m.series}
    return render_html(build_pack(results, charts))


@pytest.fixture(scope="module")
def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="module")
def pdf_file(html: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "pack.pdf"
    path.write_bytes(render_pdf(html))
    return path


def pdftotext(path: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


# -- the statuses in the results ----------------------------------------------------------
def test_every_target_has_a_status_from_its_forecast(results: PackResults) -> None:
    targets = [m for m in results.measures if m.target is not None]
    assert [m.title for m in targets] == TARGETS
    for m in targets:
        assert m.status is not None and m.forecast is not None, m.id
        assert m.status.basis == "forecast" and m.status.p_meet_target == m.forecast.p_meet_target
        # every chance is below 3% (tests/report/test_html.py: business crime's is 0.1%)
        assert m.status.status == "off_course", m.id
    assert all(m.status is None for m in results.measures if m.target is None)


def test_the_built_in_plan_gives_every_off_course_target_an_action(
    results: PackResults,
) -> None:
    for m in results.measures:
        if m.status is not None and m.status.status == "off_course":
            assert m.action is not None and m.action.owner.startswith("ACC"), m.id
            assert m.action.due >= date(2013, 5, 14), m.id  # after this meeting
    assert missing_actions(results) == []


# -- page 1: the position ---------------------------------------------------------------
@needs_poppler
def test_the_summary_is_on_pages_1_and_2(pdf_file: Path) -> None:
    text = words(pdftotext(pdf_file, "-f", "1", "-l", "2"))
    assert text.index("PURPOSE OF REPORT") < text.index("SUMMARY: THE POSITION AS AT 1 MAY")
    assert text.index("SUMMARY: THE POSITION") < text.index("BACKGROUND")
    assert "Of the 5 targets, none is on course, none is at risk and 5 are off course." in text
    for title in TARGETS:
        assert title.split()[0] in text
    assert text.count("off course") >= 5
    assert "Common cause" in text and "Fail" in text  # the icons' words
    assert "Variation" in text and "Assurance" in text and "Status" in text
    assert "(ACC Forsyth; reports back on 11 June 2013)." in text  # the actions
    assert "How the status is set" in text and "55%" in text and "25%" in text
    assert "Milestones at this meeting" in text
    assert "J. Ensure an effective contribution to national policing" in text
    assert "no change since the last meeting is shown" in text  # no earlier pack


def test_summary_table_rows_and_icons(soup: BeautifulSoup) -> None:
    table = soup.select_one("#summary table.summary")
    assert table is not None
    rows = [
        [td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")
    ]
    assert [r[0] for r in rows] == [
        "Total recorded crime (-5%)",
        "Violence with injury (-8%)",
        "Burglary dwelling (-8%)",
        "Total recorded crime in the priority areas (-7%)",
        "Business crime (-6%)",
    ]
    assert [r[7] for r in rows] == ["off course"] * 5
    # the Making Data Count icons, drawn as SVG with their text equivalent, and their words
    # (the results' spc icons: total recorded crime improvement (low) with a failing target)
    first = table.select("tbody tr")[0]
    variation, assurance = first.select("td.icon-cell")
    assert variation.svg is not None and variation.svg["role"] == "img"
    assert variation.svg["aria-label"] == "Special cause: improvement (low)"
    assert variation.svg.title.get_text() == "Special cause: improvement (low)"
    assert variation.select_one(".icon-text").get_text() == "Improving (low)"  # type: ignore[union-attr]
    assert assurance.svg["aria-label"] == "The target will be missed consistently"
    assert rows[0][9].endswith("Fail")
    assert [r[10] for r in rows] == ["–"] * 5  # no previous pack


def test_milestones_by_objective(soup: BeautifulSoup, results: PackResults) -> None:
    table = soup.select_one("#summary table.milestone-summary")
    assert table is not None
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    assert [r[0][:2] for r in rows] == [f"{o.id}." for o in results.paper.objectives]
    assert results.milestones is not None
    assert sum(int(r[2]) for r in rows) == len(results.milestones.due)
    assert sum(int(r[3]) for r in rows) == len(results.milestones.received)
    assert sum(int(r[1]) for r in rows) == 34


def test_the_promised_position_table_follows_its_paragraph(soup: BeautifulSoup) -> None:
    promise = next(
        p for p in soup.select("p.para") if "as shown in the following table" in p.get_text()
    )
    following = promise.find_next_sibling()
    assert following is not None and following.select_one("table.position") is not None
    rows = following.select("table.position tbody tr")
    assert [tr.td.get_text(strip=True) for tr in rows] == TARGETS[:4]  # objective F's targets


# -- exceptions in the body, the rest in the appendix --------------------------------------
def test_exceptions_in_full_and_the_others_in_one_line(
    soup: BeautifulSoup, results: PackResults
) -> None:
    appendix = soup.select_one("#appendix")
    assert appendix is not None
    in_appendix = {f["id"] for f in appendix.select("figure.panel")}
    in_body = {f["id"] for f in soup.select("figure.panel")} - in_appendix
    exceptions = {f"measure-{m.id}" for m in results.measures if is_exception(m)}
    assert in_body == exceptions
    # the five off-course targets, theft from shops (special cause concern, high) and the
    # published reoffending table where the seed prints it
    assert exceptions == {
        *(f"measure-{i}" for i in ("total_recorded_crime", "violence_with_injury",
          "burglary_dwelling", "priority_area_crime", "business_crime")),
        "measure-theft_from_shops", "measure-reoffending",
    }  # fmt: skip
    assert in_appendix == {f"measure-{m.id}" for m in results.measures} - exceptions
    lines = [li.get_text(" ", strip=True) for li in soup.select("ul.one-lines li")]
    assert len(lines) == len(in_appendix)
    assert any(line.startswith("Robbery: 357 recorded in April 2013") for line in lines)
    # every off-course panel says its status and its action, owner and report-back date
    burglary = soup.select_one("#measure-burglary_dwelling p.panel-status")
    assert burglary is not None
    assert words(burglary.get_text()) == (
        "Status: off course. Action: Use the lower spring and summer months to drive burglary "
        "dwelling down before the seasonal rise from September. Owner: ACC Forsyth; reports "
        "back on 10 September 2013."
    )


@needs_poppler
def test_the_body_is_at_most_16_pages(pdf_file: Path) -> None:
    pages = pdftotext(pdf_file).split("\f")[:-1]
    start = next(
        i
        for i, page in enumerate(pages)
        if any(line.strip() == "APPENDIX" for line in page.splitlines())
    )
    assert start <= 16, f"the appendix begins on page {start + 1}"
    assert start >= 8  # the body is the paper, not a summary alone
    assert "RECOMMENDATIONS" in " ".join(pages[: start + 1])


def test_full_puts_every_measure_in_the_body(results: PackResults) -> None:
    soup = BeautifulSoup(render_html(build_pack(results, full=True)), "html.parser")
    assert soup.select_one("#appendix") is None
    assert soup.select("ul.one-lines") == []
    assert len(soup.select("figure.panel")) == len(results.measures)
    assert soup.select_one("section#measures") is not None


# -- since the last meeting ---------------------------------------------------------------
def test_change_since_the_previous_meeting(results: PackResults) -> None:
    def moved(m: object) -> object:
        status = getattr(m, "status", None)
        if getattr(m, "id", "") == "burglary_dwelling" and status is not None:
            return replace(m, status=TargetStatus(status="at_risk", basis="forecast"))  # type: ignore[type-var]
        return m

    march = replace(
        results,
        as_at="2013-03",
        board_date=date(2013, 4, 9),
        measures=tuple(moved(m) for m in results.measures if m.id != "business_crime"),  # type: ignore[misc]
    )
    now = since_previous(results, march, "file")
    assert now.previous is not None and (now.previous.as_at, now.previous.source) == (
        "2013-03",
        "file",
    )
    status = {m.id: m.status for m in now.measures if m.status}
    assert status["burglary_dwelling"].movement == "worse"
    assert status["burglary_dwelling"].previous is not None
    assert status["burglary_dwelling"].previous.status == "at_risk"
    assert status["business_crime"].movement == "new"
    assert status["total_recorded_crime"].movement == "same"
    soup = BeautifulSoup(render_html(build_pack(now)), "html.parser")
    rows = {
        tr.td.get_text(strip=True): tr.select("td")[-1].get_text(strip=True)
        for tr in soup.select("table.summary tbody tr")
    }
    assert rows["Burglary dwelling (-8%)"] == "moved from at risk to off course"
    assert rows["Business crime (-6%)"] == "new"
    assert rows["Total recorded crime (-5%)"] == "unchanged (off course)"
    counts = words(soup.select_one("p.summary-counts").get_text())
    assert (
        "Since the pack with data to the end of March 2013 (the meeting of 9 April 2013): "
        "Burglary dwelling moved from at risk to off course; new since then: Business crime."
    ) in counts


def test_a_previous_pack_must_be_earlier(results: PackResults) -> None:
    from crimeplan.errors import CrimeplanError

    with pytest.raises(CrimeplanError, match="not before this pack's 2013-04"):
        since_previous(results, results, "file")


# -- actions flagged ------------------------------------------------------------------------
def test_an_off_course_target_without_an_action_is_flagged(
    results: PackResults, tmp_path: Path
) -> None:
    bare = replace(
        results,
        measures=tuple(
            replace(m, action=None) if m.id == "business_crime" else m for m in results.measures
        ),
    )
    assert missing_actions(bare) == [
        "Business crime (business_crime) is off course and has no action; give its target "
        "'action: {text, owner, due}' in the plan file, or record one with crimeplan update "
        "I1 … --action TEXT --owner NAME --due YYYY-MM-DD"
    ]
    soup = BeautifulSoup(render_html(build_pack(bare)), "html.parser")
    notes = soup.select_one("#analyst-notes")
    assert notes is not None and "No action is recorded for Business crime" in notes.get_text()
    # and at the command line, on stderr
    source = tmp_path / "results.json"
    source.write_text(json.dumps(to_dict(bare)), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["report", "--from-results", str(source), "--format", "json", "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 0, result.output
    assert (
        "Warning: Business crime (business_crime) is off course and has no action" in result.stderr
    )
    assert "Warning" not in result.stdout


# -- the store keeps each pack -------------------------------------------------------------
def test_report_keeps_the_pack_for_the_next_meeting(demo_store: Store, tmp_path: Path) -> None:
    copy = tmp_path / "demo.duckdb"
    demo_store.con.execute("CHECKPOINT")
    shutil.copyfile(demo_store.path, copy)

    def report(month: str) -> dict[str, object]:
        out = tmp_path / month
        result = CliRunner().invoke(
            cli,
            ["report", "--store", str(copy), "--plan", str(builtin_plan_path()), "--as-at",
             month, "--format", "json", "--out", str(out)],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        data: dict[str, object] = json.loads((out / "results.json").read_text())
        return data

    april = report("2013-04")
    assert "previous" not in april
    may = report("2013-05")
    assert may["previous"] == {"as_at": "2013-04", "board_date": "2013-05-14", "source": "store"}
    burglary = next(m for m in may["measures"] if m["id"] == "burglary_dwelling")  # type: ignore[attr-defined]
    assert burglary["status"]["previous"]["as_at"] == "2013-04"
    assert burglary["status"]["movement"] == "same"
    # writing April's pack again replaces what was kept for April, and May still finds it
    report("2013-04")
    with Store.open(copy, create=False) as store:
        kept = store.con.execute(
            "SELECT strftime(as_at, '%Y-%m'), count(*) FROM pack_results GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert kept == [("2013-04", 1), ("2013-05", 1)]


def test_the_docx_summary_draws_the_icons_with_their_words(results: PackResults) -> None:
    """The Word summary shows each Making Data Count icon as a picture above its words, its
    text equivalent in the picture's description (as the HTML's aria-label)."""
    import io

    from docx import Document
    from docx.oxml.ns import qn

    from crimeplan.report.docx import render_docx

    document = Document(io.BytesIO(render_docx(build_pack(results))))
    table = next(t for t in document.tables if t.rows[0].cells[8].text == "Variation")
    targets = [m for m in results.measures if m.target is not None]
    assert len(table.rows) == 1 + len(targets)
    for row in list(table.rows)[1:]:
        for cell in (row.cells[8], row.cells[9]):
            pictures = list(cell._tc.iter(qn("wp:docPr")))
            assert len(pictures) == 1, cell.text
            words = pictures[0].get("descr")
            assert words and words == cell.paragraphs[-1].text  # the words beside it
