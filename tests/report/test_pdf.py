"""The PDF board pack: the HTML pack printed by WeasyPrint, read back with pdftotext (skipped
when poppler's tools are absent): every objective, milestone and the reoffending table, A4
pages numbered, table headers repeated, inline SVG charts drawn, nothing fetched."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.pack import evaluate_pack
from crimeplan.plan import builtin_plan_path, load_plan
from crimeplan.report.charts import render_svg, spc_chart
from crimeplan.report.html import render_html
from crimeplan.report.pack import BoardPack, build_pack
from crimeplan.report.pdf import _DataOnly, render_pdf
from crimeplan.results.measure import Annotation

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) is not installed",
)


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def pdf_info(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pack(demo_store: Store) -> BoardPack:
    plan = load_plan(builtin_plan_path())
    return build_pack(evaluate_pack(plan, Engine.of_store(demo_store), date(2013, 4, 1)))


@pytest.fixture(scope="module")
def pdf(pack: BoardPack) -> bytes:
    return render_pdf(render_html(pack))


@pytest.fixture(scope="module")
def pages(pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return pdf_pages(pdf, tmp_path_factory.mktemp("pdf"))


def test_is_a_pdf(pdf: bytes) -> None:
    assert pdf[:5] == b"%PDF-"


@needs_poppler
def test_a4_pages(pdf: bytes, tmp_path: Path) -> None:
    info = pdf_info(pdf, tmp_path)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.89 pts \(A4\)", info), info
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) > 5  # type: ignore[index]


def test_page_numbers(pages: list[str]) -> None:
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page


def test_front_matter(pages: list[str]) -> None:
    first = words(pages[0])
    assert "STRATEGIC POLICING AND CRIME BOARD" in first
    assert "AGENDA ITEM 5" in first and "14 May 2013" in first
    assert "This pack is computed from SYNTHETIC demo data" in first


def test_every_objective_and_milestone(pages: list[str]) -> None:
    plan = load_plan(builtin_plan_path())
    text = words(" ".join(pages))
    for objective in plan.objectives:
        assert f"{objective.id}. {objective.title}" in text, objective.id
    for milestone in plan.milestones:
        assert words(milestone.title) in text, milestone.id


def test_paragraph_numbers_through_the_paper(pages: list[str]) -> None:
    text = "\n".join(pages)
    for number in (1, 5, 20, 47, 84):
        assert re.search(rf"^\s*{number}\.\s+\S", text, re.MULTILINE), number


def test_reoffending_table(pages: list[str]) -> None:
    text = "\n".join(pages)
    rows = [  # the seed's table (¶20) as printed (tests/demo/test_calibration.py)
        ["West Midlands", "68651", "7.71%", "8.64%", "-10.78%"],
        ["Dudley", "3052", "5.18%", "7.48%", "-30.82%"],
        ["Stoke-on-Trent", "4461", "10.40%", "10.06%", "3.35%"],
    ]
    for row in rows:
        pattern = r"\s+".join(re.escape(cell) for cell in row)
        assert re.search(pattern, text), row


def test_table_header_repeats_on_every_page(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    rows = "".join(f"<tr><td>Row {i}</td><td>{i}</td></tr>" for i in range(150))
    html = (
        "<!DOCTYPE html><html><head><style>th{color:#000}</style></head><body><table>"
        "<thead><tr><th>Measure heading</th><th>Value heading</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )
    pages = pdf_pages(render_pdf(html), tmp_path)
    assert len(pages) >= 3
    assert all("Measure heading" in page for page in pages)


def test_inline_svg_chart_is_drawn(pack: BoardPack, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    measure = pack.results.measure("burglary_dwelling")
    marked = replace(
        measure, annotations=(Annotation(month="2012-10", text="Operation Lightfoot"),)
    )
    svg = render_svg(spc_chart(marked))
    html = f"<!DOCTYPE html><html><head></head><body><figure>{svg}</figure></body></html>"
    text = words(" ".join(pdf_pages(render_pdf(html), tmp_path)))
    assert "Burglary dwelling" in text and "Operation Lightfoot" in text


def test_fetches_nothing_but_data_urls() -> None:
    fetcher = _DataOnly()
    for url in ("http://example.com/x.png", "https://example.com/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="fetches nothing"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_a_remote_image_is_left_out() -> None:
    html = (
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '</head><body><p>Text</p><img src="http://127.0.0.1:9/x.png" alt="x"></body></html>'
    )
    assert render_pdf(html)[:5] == b"%PDF-"


def pdf_objects(pdf: bytes) -> bytes:
    """The file with every Flate stream inflated: WeasyPrint packs the catalog into compressed
    object streams, so /MarkInfo and /Lang are not in the raw bytes."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(
                zlib.decompressobj().decompress(pdf[match.end() : match.end() + 4_000_000])
            )
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_tagged_pdf_ua_in_british_english(pdf: bytes) -> None:
    objects = pdf_objects(pdf)
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked true\s*>>", objects)
    assert re.search(rb"/StructTreeRoot \d+ 0 R", objects)
    assert re.search(rb"/Lang \(en-GB\)", objects)  # the template's <html lang="en-GB">
    assert b'pdfuaid:part="1"' in objects  # PDF/UA-1 claimed in the XMP metadata
    assert pdf[:8] == b"%PDF-1.7"


@needs_poppler
def test_structure_tree_has_headings_tables_and_figures(pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "tagged.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    assert re.search(r"Tagged:\s+yes", info.stdout)
    tree = subprocess.run(
        ["pdfinfo", "-struct", str(path)], check=True, capture_output=True, text=True
    ).stdout
    tags = {line.split()[0].rstrip(":") for line in tree.splitlines() if line.strip()}
    assert {"Document", "H1", "H2", "H3", "Table", "TH", "TD", "Caption"} <= tags
