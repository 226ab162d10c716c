"""The demo pack's words, in every format (HTML, DOCX and the PDF's text): UK dates, no
pseudonymised or hex ids, no file paths, no software words, one percent style, no paragraph
said twice, and every "X against Y, Z points" or "N, P% more than … (M)" agreeing to the
precision it is printed at."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document

from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.pack import evaluate_pack
from crimeplan.plan import builtin_plan_path, load_plan
from crimeplan.report.build import write_pack
from crimeplan.report.numbers import agreeing_places
from crimeplan.results.pack import PackResults

#: An ISO month or date (2013-04, 2013-05-01); "2013-14", a financial year, is not one.
ISO_DATE = re.compile(r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])(?:-\d{2})?\b")
#: A hex id: eight or more hex digits with at least one digit and one letter.
HEX_ID = re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b")
#: A file path or a file name of the store, plan or results.
PATH = re.compile(r"(?:^|[\s(])(?:/[\w.-]+){2,}|[\w-]+\.(?:duckdb|csv|json|ya?ml)\b")
SOFTWARE = re.compile(r"\b(?:store|JSON|WDD|sha256|pseudonym\w*|duckdb)\b", re.IGNORECASE)
SPACED_PERCENT = re.compile(r"\d %")


@pytest.fixture(scope="module")
def results(demo_store: Store) -> PackResults:
    plan = load_plan(builtin_plan_path())
    with Engine.of_store(demo_store) as engine:
        return evaluate_pack(plan, engine, date(2013, 4, 1))


@pytest.fixture(scope="module")
def written(results: PackResults, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack")
    write_pack(results, out)
    return out


def _html_text(folder: Path) -> str:
    soup = BeautifulSoup((folder / "board-pack.html").read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    return soup.get_text("\n")


def _docx_text(folder: Path) -> str:
    doc = Document(str(folder / "board-pack.docx"))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for section in doc.sections:
        parts += [p.text for p in section.footer.paragraphs]
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def _pdf_text(folder: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return subprocess.run(
        ["pdftotext", str(folder / "board-pack.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


READERS = {"html": _html_text, "docx": _docx_text, "pdf": _pdf_text}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_no_iso_date_hex_id_path_or_software_word(written: Path, fmt: str) -> None:
    text = READERS[fmt](written)
    assert "Total recorded crime" in text  # the text was read
    for name, pattern in (
        ("ISO date", ISO_DATE),
        ("hex id", HEX_ID),
        ("file path", PATH),
        ("software word", SOFTWARE),
        ("'95 %' style", SPACED_PERCENT),
    ):
        found = sorted({hit.group(0).strip() for hit in pattern.finditer(text)})
        assert not found, f"{fmt}: {name}: {found}"


def test_the_pseudonyms_stay_in_the_analysts_csv(written: Path, results: PackResults) -> None:
    assert results.repeat_callers is not None and results.repeat_callers.top
    csv_text = (written / "data" / "repeat_callers.csv").read_text(encoding="utf-8")
    html = _html_text(written)
    for number, entry in enumerate(results.repeat_callers.top, start=1):
        assert entry.id in csv_text and entry.id not in html
        assert f"Caller {number}\n" in html


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n(?=\d+\.\s)", text)]


def test_no_paragraph_is_said_twice(written: Path) -> None:
    soup = BeautifulSoup((written / "board-pack.html").read_text(encoding="utf-8"), "html.parser")
    texts = [p.get_text(" ", strip=True).split(" ", 1)[-1] for p in soup.select("p.para")]
    repeated = {t for t in texts if len(t) > 60 and texts.count(t) > 1}
    assert not repeated
    # nor a table: a count and its rate per 1,000 share one Most Similar Group table
    captions = [c.get_text(strip=True) for c in soup.select("table.peers caption")]
    bodies = [t.tbody.get_text("|", strip=True) for t in soup.select("table.peers") if t.tbody]
    assert len(bodies) == len(set(bodies)) == len(captions)
    assert (
        "The comparison with the Most Similar Group is the one shown above for total "
        "recorded crime." in " ".join(texts)
    )


#: "36.17% in April 2013 (…), against 42.62% in April 2012 (…). April 2013 is 6.45 points
#: below April 2012" and "made up 43% of … in April 2013, against 34% in April 2012. April
#: 2013 is 9 points above".
POINTS = re.compile(
    r"(\d+(?:\.\d+)?)% (?:in|of) (?:(?!against).){0,200}?against (\d+(?:\.\d+)?)% in "
    r"(?:[^.]|\.\d){0,120}\.\s+(?:[^.]|\.\d){0,60}? is (\d+(?:\.\d+)?) points (?:above|below)"
)
#: "12,761 recorded in April 2013, 0.9% more than in April 2012 (12,646)".
PERCENT = re.compile(
    r"([\d,]+) recorded in [A-Za-z0-9 ]+?, (\d+\.\d)% (?:more|fewer) than in [A-Za-z0-9 ]+? "
    r"\(([\d,]+)\)"
)


def _places(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_stated_differences_agree_with_stated_values(written: Path, fmt: str) -> None:
    text = " ".join(READERS[fmt](written).split())
    points = POINTS.findall(text)
    assert len(points) >= 8, points  # the demo's proportions and surveys
    for a, b, z in points:
        places = _places(z)
        assert _places(a) == _places(b) == places, (a, b, z)
        assert f"{abs(float(a) - float(b)):.{places}f}" == z, (a, b, z)
    changes = PERCENT.findall(text)
    assert len(changes) >= 10, changes
    for now, pct, before in changes:
        n, m = int(now.replace(",", "")), int(before.replace(",", ""))
        assert f"{abs(100 * (n / m - 1)):.1f}" == pct, (now, pct, before)


def test_the_measures_table_agrees_too(written: Path) -> None:
    soup = BeautifulSoup((written / "board-pack.html").read_text(encoding="utf-8"), "html.parser")
    rows = [[td.get_text(strip=True) for td in tr("td")] for tr in soup.select("table.measures tr")]
    checked = 0
    for row in rows:
        if len(row) < 5 or not row[4].endswith(" pts"):
            continue
        ytd, baseline, change = row[2].rstrip("%"), row[3].rstrip("%"), row[4][:-4]
        places = _places(change)
        assert _places(ytd) == _places(baseline) == places, row
        assert f"{float(ytd) - float(baseline):+.{places}f}" == change, row
        checked += 1
    assert checked >= 8


def test_agreeing_places() -> None:
    # 36.1702% against 42.623%: 6.4528 points; at one place 36.2 - 42.6 = 6.4, not 6.5
    assert agreeing_places(36.1702, 42.623, -6.4528) == 2
    assert agreeing_places(13.6742, 14.1809, -0.5067) == 1
    assert agreeing_places(43.0003, 33.9943, 9.006, start=0) == 0
    assert agreeing_places(None, 1.0, 1.0) == 1


def test_one_seasonal_sentence_where_the_pattern_holds(results: PackResults) -> None:
    from crimeplan.report.narrative import paragraphs

    said = paragraphs(results)
    seasonal = [
        mid for mid, sentences in said.items() if any(" it peaks in " in s.text for s in sentences)
    ]
    # burglary peaked in November and bottomed in June on average and in 2012/13; total
    # recorded crime's 2012/13 peak was not July's, so its averages say nothing to plan on
    assert "burglary_dwelling" in seasonal and "total_recorded_crime" not in seasonal
    assert len(seasonal) < len(said) / 2
