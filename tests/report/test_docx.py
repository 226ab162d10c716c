"""The DOCX board pack read back with python-docx: Word heading styles, every objective and
milestone, numbered paragraphs, real tables with repeating header rows, the reoffending
table as published, page numbers, charts with alt text, the synthetic-data banner."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.pack import evaluate_pack
from crimeplan.plan import builtin_plan_path, load_plan
from crimeplan.report.charts import chart_alt_text, render_png, spc_chart
from crimeplan.report.docx import render_docx
from crimeplan.report.pack import BoardPack, build_pack
from tests.support.reference import business_crime_april_2013

CHARTED = ("burglary_dwelling", "satisfaction_crime")


@pytest.fixture(scope="module")
def pack(demo_store: Store) -> BoardPack:
    plan = load_plan(builtin_plan_path())
    return build_pack(evaluate_pack(plan, Engine.of_store(demo_store), date(2013, 4, 1)))


@pytest.fixture(scope="module")
def charts(pack: BoardPack) -> dict[str, bytes]:
    return {i: render_png(spc_chart(pack.results.measure(i)), 1) for i in CHARTED}


@pytest.fixture(scope="module")
def docx_bytes(pack: BoardPack, charts: dict[str, bytes]) -> bytes:
    return render_docx(pack, charts)


@pytest.fixture(scope="module")
def doc(docx_bytes: bytes) -> DocumentObject:
    return Document(io.BytesIO(docx_bytes))


def headings(doc: DocumentObject, level: int) -> list[str]:
    return [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == f"Heading {level}"
    ]


def test_front_matter(doc: DocumentObject) -> None:
    first = [p.text for p in doc.paragraphs[:5]]
    assert first == [
        "AGENDA ITEM 5",
        "STRATEGIC POLICING AND CRIME BOARD",
        "14 May 2013",
        "Performance against the 2013/14 Milestones and Deliverables in the Police and Crime Plan",
        "West Midlands Police and Crime Plan 2013/14 · West Midlands Police · data to the end "
        "of April 2013 (as at 1 May 2013)",
    ]
    assert doc.paragraphs[3].style is not None and doc.paragraphs[3].style.name == "Title"
    assert doc.core_properties.title == doc.paragraphs[3].text


def test_synthetic_banner(doc: DocumentObject) -> None:
    assert doc.paragraphs[5].text.startswith("This pack is computed from SYNTHETIC demo data")


def test_sections_are_heading_1(doc: DocumentObject) -> None:
    assert headings(doc, 1) == [
        "Purpose of report",
        "Background",
        "Milestones and deliverables",
        "Experiments",
        "All measures as at 1 May 2013",
        "Repeat callers and repeat victims",
        "Financial implications",
        "Legal implications",
        "Recommendations",
        "Data used",
    ]


def test_every_objective_is_a_heading_2(doc: DocumentObject) -> None:
    plan = load_plan(builtin_plan_path())
    assert headings(doc, 2) == [f"{o.id}. {o.title}" for o in plan.objectives]
    assert [h[0] for h in headings(doc, 2)] == list("ABCDEFGHIJ")


def test_every_milestone_title_is_a_heading_3(doc: DocumentObject) -> None:
    plan = load_plan(builtin_plan_path())
    titles = headings(doc, 3)
    assert len(plan.milestones) == 34
    for milestone in plan.milestones:
        assert any(t.startswith(milestone.title) for t in titles), milestone.id


def test_lead_lines_and_status(doc: DocumentObject, pack: BoardPack) -> None:
    text = [p.text for p in doc.paragraphs]
    for objective in pack.objectives:
        for m in objective.milestones:
            assert f"({m.lead_line})" in text, m.id
            assert f"{m.titles[-1]}  [{m.status}]" in text, m.id


def test_paragraphs_numbered_through_the_paper(doc: DocumentObject) -> None:
    numbered = [
        p for p in doc.paragraphs if p.style is not None and p.style.name == "Numbered Paragraph"
    ]
    numbers = [int(p.text.split(".\t", 1)[0]) for p in numbered]
    assert numbers == list(range(1, len(numbers) + 1))
    assert numbers[-1] > 84  # the seed's 84, and the paragraphs generated for each measure
    indent = numbered[0].style.paragraph_format  # type: ignore[union-attr]
    assert indent.first_line_indent == -indent.left_indent  # a hanging indent


def test_bullets(doc: DocumentObject) -> None:
    bullets = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == "List Bullet"
    ]
    assert "Improving public confidence in policing" in bullets


def test_reoffending_table_as_published(doc: DocumentObject) -> None:
    table = next(
        t
        for t in doc.tables
        if t.rows[0].cells[0].text == "Region / Probation Trust / Local Authority"
    )
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == [  # the seed's headings
        "Region / Probation Trust / Local Authority",
        "Cohort size (4 quarters of probation caseload)",
        "Actual rate of re-offending",
        "Predicted rate of re-offending",
        "% difference from baseline (2007/8)",
    ]
    # the seed's table (¶20) as printed, which the store holds (tests/demo/test_calibration.py)
    assert rows[1] == ["West Midlands", "68651", "7.71%", "8.64%", "-10.78%"]
    assert rows[5] == ["Dudley", "3052", "5.18%", "7.48%", "-30.82%"]
    assert len(rows) == 12


def test_position_and_measures_tables(
    doc: DocumentObject, pack: BoardPack, demo_store: Store
) -> None:
    position = [t for t in doc.tables if t.rows[0].cells[-1].text == "Chance of meeting target"]
    rows = [[c.text for c in r.cells] for t in position for r in list(t.rows)[1:]]
    assert [r[0] for r in rows] == [m.title for m in pack.targets]
    business = rows[-1]  # as the HTML (tests/report/test_html.py says where each comes from)
    e = business_crime_april_2013(demo_store)  # +6.0% (+0.6% to +11.6%), p=0.028
    assert business[3:7] == [
        f"{e['change']:+.1f}% ({e['low']:+.1f}% to {e['high']:+.1f}%)",
        f"yes (p={e['p']:.3f})",
        "-6%",
        "not on course",
    ]
    assert business[8] == "<1%"
    measures = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Compared")
    assert len(measures.rows) == 1 + len(pack.results.measures)


def test_header_rows_repeat_and_rows_do_not_split(doc: DocumentObject) -> None:
    assert len(doc.tables) >= 5
    for table in doc.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None
        assert header.find(qn("w:tblHeader")) is not None
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
        assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in list(table.rows)[1:])


def test_data_vintage_table_at_the_end(doc: DocumentObject, pack: BoardPack) -> None:
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["Source", "Files", "Rows", "Months"]
    assert [tuple(c.text for c in r.cells) for r in list(table.rows)[1:]] == list(pack.sources)
    # file names, import dates and checksums are the analyst's (data/sources.csv)
    text = " ".join(c.text for r in table.rows for c in r.cells)
    assert not any(s.sha256[:16] in text or s.imported_on in text for s in pack.results.sources)


def test_page_numbers_in_the_footer(doc: DocumentObject) -> None:
    footer = doc.sections[0].footer.paragraphs[0]._p
    fields = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]
    kinds = [f.get(qn("w:fldCharType")) for f in footer.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2


def test_a4(doc: DocumentObject) -> None:
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_charts_are_inline_pictures_with_alt_text(doc: DocumentObject, pack: BoardPack) -> None:
    pictures = doc.inline_shapes
    assert len(pictures) == len(CHARTED)
    descriptions = [p._inline.docPr.get("descr") for p in pictures]
    assert descriptions == [chart_alt_text(pack.results.measure(i)) for i in CHARTED]
    assert all(p.width is not None and round(p.width.cm) == 16 for p in pictures)


def test_alt_text_override_and_no_charts(pack: BoardPack, charts: dict[str, bytes]) -> None:
    doc = Document(io.BytesIO(render_docx(pack, charts, {"burglary_dwelling": "Burglary."})))
    assert doc.inline_shapes[0]._inline.docPr.get("descr") == "Burglary."
    assert len(Document(io.BytesIO(render_docx(pack))).inline_shapes) == 0


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_it(docx_bytes: bytes, tmp_path: Path) -> None:
    source = tmp_path / "pack.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    assert (tmp_path / "pack.pdf").read_bytes()[:5] == b"%PDF-"
