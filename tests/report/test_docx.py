"""The DOCX board pack read back with python-docx: Word heading styles, every objective and
milestone, numbered paragraphs, real tables with repeating header rows, the reoffending
table as published, page numbers, charts with alt text, the synthetic-data banner."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import fields, is_dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.table import Table

from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.pack import evaluate_pack
from crimeplan.plan import builtin_plan_path, load_plan
from crimeplan.report import numbers
from crimeplan.report.charts import chart_alt_text, render_png, spc_chart
from crimeplan.report.docx import POSITION_WIDTHS, SUMMARY_WIDTHS, render_docx
from crimeplan.report.pack import BoardPack, Paragraph, build_pack
from crimeplan.results.measure import MeasureResult
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
    # the summary first; the experiments, the table of every measure and repeat demand in
    # the appendix, after the body (crimeplan report --full keeps them in the body)
    assert headings(doc, 1) == [
        "Purpose of report",
        "Summary: the position as at 1 May 2013",
        "Background",
        "Milestones and deliverables",
        "Financial implications",
        "Legal implications",
        "Recommendations",
        "Appendix",
        "Experiments",
        "All measures as at 1 May 2013",
        "Repeat callers and repeat victims",
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
            assert f"({m.lead_line})  {m.status}" in text, m.id
    # the status is a run of the Status character style on the lead line, not in a heading
    runs = [
        r
        for p in doc.paragraphs
        for r in p.runs
        if r.style is not None and r.style.name == "Status"
    ]
    assert len(runs) == sum(len(o.milestones) for o in pack.objectives)
    statuses = {m.status for o in pack.objectives for m in o.milestones}
    assert {r.text for r in runs} == statuses
    titles = [t for o in pack.objectives for m in o.milestones for t in m.titles]
    body = doc.paragraphs[: [p.text for p in doc.paragraphs].index("Appendix")]
    # the navigation pane shows the milestones' words only (the appendix adds the measures')
    assert [p.text for p in body if p.style is not None and p.style.name == "Heading 3"] == titles
    for heading in headings(doc, 3):
        assert "[" not in heading and not heading.endswith(tuple(statuses)), heading


def pack_paragraphs(value: object) -> list[Paragraph]:
    """Every numbered paragraph the pack holds, wherever it holds it."""
    if isinstance(value, Paragraph):
        return [value] if value.number is not None else []
    if isinstance(value, MeasureResult | type):
        return []
    if is_dataclass(value):
        return [p for f in fields(value) for p in pack_paragraphs(getattr(value, f.name))]
    if isinstance(value, tuple | list):
        return [p for item in value for p in pack_paragraphs(item)]
    return []


def word_numbers(doc: DocumentObject) -> list[tuple[int, str]]:
    """The number Word gives each paragraph of a decimal list (numPr → num → abstractNum,
    counting on within a num from its start or startOverride), with the paragraph's text."""
    numbering = doc.part.numbering_part.element
    abstract = {a.get(qn("w:abstractNumId")): a for a in numbering.findall(qn("w:abstractNum"))}
    nums: dict[str, tuple[Any, int]] = {}
    for num in numbering.findall(qn("w:num")):
        definition = abstract[num.find(qn("w:abstractNumId")).get(qn("w:val"))]
        level = definition.find(qn("w:lvl"))
        start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        first = start if start is not None else level.find(qn("w:start"))
        nums[num.get(qn("w:numId"))] = (level, int(first.get(qn("w:val"))))
    counters: dict[str, int] = {}
    found = []
    for p in doc.paragraphs:
        num_pr: Any = p._p.pPr.numPr if p._p.pPr is not None else None
        if num_pr is None or num_pr.numId is None:
            continue
        key = str(num_pr.numId.val)
        level, first = nums[key]
        if level.find(qn("w:numFmt")).get(qn("w:val")) != "decimal":
            continue
        assert level.find(qn("w:lvlText")).get(qn("w:val")) == "%1."
        counters[key] = counters.get(key, first - 1) + 1
        found.append((counters[key], p.text))
    return found


def test_paragraph_numbers_are_a_word_list(doc: DocumentObject, pack: BoardPack) -> None:
    numbered = [
        p for p in doc.paragraphs if p.style is not None and p.style.name == "Numbered Paragraph"
    ]
    assert not any(re.match(r"\d+\.\s", p.text) for p in numbered)  # no typed "12."
    listed = word_numbers(doc)
    assert len(listed) == len(numbered)  # every numbered paragraph is in the list
    expected = {p.number: p.text for p in pack_paragraphs(pack)}  # a panel is held twice
    assert listed == sorted(expected.items())  # each of the pack's paragraphs, in order
    assert [n for n, _ in listed] == list(range(1, len(listed) + 1))  # one list, no restart
    assert listed[-1][0] > 84  # the seed's 84, and the paragraphs generated for each measure
    # the style is linked to the list (the level names it), so a paragraph added in Word
    # with the style, or by Enter after one, joins it and the rest renumber
    style: Any = doc.styles["Numbered Paragraph"].element
    first: Any = numbered[0]._p.pPr
    assert style.pPr.numPr.numId.val == first.numPr.numId.val
    numbering = doc.part.numbering_part.element
    linked = numbering.findall(f"{qn('w:abstractNum')}/{qn('w:lvl')}/{qn('w:pStyle')}")
    assert [e.get(qn("w:val")) for e in linked].count("NumberedParagraph") == 1
    children = [child.tag for child in numbering]
    last_abstract = max(i for i, t in enumerate(children) if t == qn("w:abstractNum"))
    assert last_abstract < children.index(qn("w:num"))  # the schema's order: Word insists
    indent = numbered[0].style.paragraph_format  # type: ignore[union-attr]
    assert indent.first_line_indent == -indent.left_indent  # a hanging indent


def test_a_number_out_of_sequence_restarts_the_list(pack: BoardPack) -> None:
    purpose = (Paragraph(7, "Seven."), Paragraph(8, "Eight."))
    doc = Document(io.BytesIO(render_docx(replace(pack, purpose=purpose))))
    listed = word_numbers(doc)
    assert listed[:2] == [(7, "Seven."), (8, "Eight.")]
    assert listed[2][0] == pack.background[0].number


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
    position = [t for t in doc.tables if t.rows[0].cells[-1].text == "SPC"]
    assert [c.text for c in position[0].rows[0].cells][3:] == [
        "Change (95% interval)",
        "More than chance?",
        "Target",
        "Status",
        "Year-end forecast (80% interval)",
        "Chance of meeting target",
        "SPC",
    ]
    # (a minus before a figure is a non-breaking hyphen in these narrow tables)
    rows = [[c.text.replace("\u2011", "-") for c in r.cells] for t in position for r in t.rows[1:]]
    assert [r[0] for r in rows] == [m.title for m in pack.targets]
    business = rows[-1]  # as the HTML (tests/report/test_html.py says where each comes from)
    e = business_crime_april_2013(demo_store)  # +6.0% (-0.8% to +13.2%), p=0.09
    assert business[3:7] == [
        f"{e['change']:+.1f}% ({e['quasi_low']:+.1f}% to {e['quasi_high']:+.1f}%)",
        f"no (p={e['quasi_p']:.3f})",
        "-6%",
        "off course",
    ]
    assert business[8] == "<1%"
    measure = pack.results.measure("business_crime")  # the HTML's SPC column, in words
    assert measure.spc is not None
    assert business[9] == f"{numbers.variation(measure)}; target {measure.spc.assurance_icon}"
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


def test_page_numbers_in_the_footer(doc: DocumentObject, pack: BoardPack) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    assert paragraph.text.startswith(f"{pack.title}, 14 May 2013\tPage ")  # the board's date
    footer = paragraph._p
    fields = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]
    kinds = [f.get(qn("w:fldCharType")) for f in footer.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2


def test_a4(doc: DocumentObject) -> None:
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def charts_of(doc: DocumentObject) -> list[Any]:
    """The document's charts: its pictures but the summary's 0.7 cm Making Data Count icons."""
    return [p for p in doc.inline_shapes if p.width is not None and p.width.cm > 5]


def test_charts_are_inline_pictures_with_alt_text(doc: DocumentObject, pack: BoardPack) -> None:
    pictures = charts_of(doc)
    assert len(pictures) == len(CHARTED)
    descriptions = [p._inline.docPr.get("descr") for p in pictures]
    assert descriptions == [chart_alt_text(pack.results.measure(i)) for i in CHARTED]
    assert all(p.width is not None and round(p.width.cm) == 16 for p in pictures)


def test_alt_text_override_and_no_charts(pack: BoardPack, charts: dict[str, bytes]) -> None:
    doc = Document(io.BytesIO(render_docx(pack, charts, {"burglary_dwelling": "Burglary."})))
    assert charts_of(doc)[0]._inline.docPr.get("descr") == "Burglary."
    assert charts_of(Document(io.BytesIO(render_docx(pack)))) == []


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


LIBERATION = Path("/usr/share/fonts/truetype/liberation")


def words_that_overflow(table: Table, points: int) -> list[tuple[int, str]]:
    """The words of ``table`` (headers bold, cells regular, at ``points`` pt) wider than their
    column less its cell margins: the words Word would break ("Targ et"). Measured with
    Liberation Sans, which has Arial's metrics (made metric-compatible with Arial; skipped when
    absent)."""
    pil = pytest.importorskip("PIL.ImageFont")
    if not (LIBERATION / "LiberationSans-Bold.ttf").exists():
        pytest.skip("Liberation Sans is not installed")
    size = points * 100  # px at `points` pt: px / 100 = points
    bold = pil.truetype(str(LIBERATION / "LiberationSans-Bold.ttf"), size)
    regular = pil.truetype(str(LIBERATION / "LiberationSans-Regular.ttf"), size)
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    assert margins is not None
    padding = sum(int(margins.find(qn(f"w:{side}")).get(qn("w:w"))) for side in ("left", "right"))
    grid = [int(g.get(qn("w:w"))) / 567 for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    wide = []
    for r, row in enumerate(table.rows):
        font = bold if r == 0 else regular
        for c, column in enumerate(grid):
            for word in re.split(r"\s+|(?<=–)", row.cells[c].text):  # Word breaks after a dash
                if float(font.getlength(word)) / 100 / 72 * 2.54 + padding / 567 > column:
                    wide.append((c, word))
    return wide


def test_position_table_breaks_between_words_only(doc: DocumentObject) -> None:
    """Every word of the position table's headers (8 pt bold) and figures (8 pt) fits its
    column, so Word never breaks one."""
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "SPC")
    assert abs(sum(POSITION_WIDTHS) - 16.6) < 0.01  # the A4 text width, 21 - 2 × 2.2 cm
    grid = [int(g.get(qn("w:w"))) / 567 for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert [round(g, 2) for g in grid] == [round(w, 2) for w in POSITION_WIDTHS]
    for cell in table.rows[0].cells:
        style = cell.paragraphs[0].style
        assert style is not None and style.name == "Table Header"
    assert words_that_overflow(table, 8) == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_numbers_the_paragraphs(docx_bytes: bytes, tmp_path: Path) -> None:
    """LibreOffice lays the list out: "1." to the last number, in order, at the start of a
    line, and the footer's title and page numbers on every page."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    source = tmp_path / "pack.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "pack.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    numbers_seen = [int(n) for n in re.findall(r"^[ \t\f]*(\d{1,3})\.[ \t]+\S", text, re.MULTILINE)]
    numbered = [
        p
        for p in Document(io.BytesIO(docx_bytes)).paragraphs
        if p._p.pPr is not None and p._p.pPr.numPr is not None
    ]
    last = len(numbered)  # every paragraph of the Word list, numbered 1 to the last in order
    assert last > 84
    firsts = list(dict.fromkeys(n for n in numbers_seen if n <= last))
    assert firsts == list(range(1, last + 1))
    pages = text.split("\f")[:-1]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Performance against the 2013/14 Milestones" in page


def test_summary_table_breaks_between_words_only(doc: DocumentObject) -> None:
    """The summary's eleven columns at 7 pt: every word of its headers and figures fits its
    column with the narrow cell margins; a minus before a figure is a non-breaking hyphen, so
    "(-7.3%" stays whole."""
    assert abs(sum(SUMMARY_WIDTHS) - 16.6) < 0.01
    table = next(t for t in doc.tables if t.rows[0].cells[8].text == "Variation")
    for row in table.rows:
        for cell in row.cells:
            assert "-" not in re.sub(r"(?<=\w)-(?=\w)", "", cell.text), cell.text
    assert words_that_overflow(table, 7) == []
