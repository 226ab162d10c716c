"""The first HTML board pack, parsed back: every objective and milestone of the built-in
plan, the performance position table of the numeric targets, the reoffending table, the
synthetic-data banner, and nothing fetched from another host."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.pack import evaluate_pack, paper
from crimeplan.plan import builtin_plan_path, load_plan
from crimeplan.report.html import render_html
from crimeplan.report.pack import build_pack, lead_line
from tests.support.reference import business_crime_april_2013


@pytest.fixture(scope="module")
def html(demo_store: Store) -> str:
    plan = load_plan(builtin_plan_path())
    return render_html(
        build_pack(evaluate_pack(plan, Engine.of_store(demo_store), date(2013, 4, 1)))
    )


@pytest.fixture(scope="module")
def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_front_matter(soup: BeautifulSoup) -> None:
    front = soup.select_one("header.front")
    assert front is not None
    text = front.get_text(" ", strip=True)
    assert "STRATEGIC POLICING AND CRIME BOARD".lower() in text.lower()
    assert "AGENDA ITEM 5" in text
    assert "14 May 2013" in text  # the first board meeting after April 2013
    assert "as at 1 May 2013" in text


def test_every_objective_and_milestone(soup: BeautifulSoup) -> None:
    plan = load_plan(builtin_plan_path())
    headings = [h.get_text(" ", strip=True) for h in soup.select("section.objective > h3")]
    assert headings == [f"{o.id}. {o.title}" for o in plan.objectives]
    titles = " ".join(h.get_text(" ", strip=True) for h in soup.select("article.milestone h4"))
    for milestone in plan.milestones:
        assert milestone.title in titles, milestone.id
    assert len(plan.milestones) == 34


def test_paragraphs_are_numbered_through_the_paper(soup: BeautifulSoup) -> None:
    numbers = [int(n.get_text().rstrip(".")) for n in soup.select("p.para .n")]
    assert numbers == list(range(1, len(numbers) + 1))
    assert numbers[-1] > 84  # the seed's 84, and a generated paragraph for every measure


def test_performance_position_table(soup: BeautifulSoup, demo_store: Store) -> None:
    tables = soup.select("table.position")
    rows = [
        [td.get_text(strip=True) for td in tr.select("td")]
        for t in tables
        for tr in t.select("tbody tr")
    ]
    measures = [r[0] for r in rows]
    assert measures == [
        "Total recorded crime",
        "Violence with injury",
        "Burglary dwelling",
        "Total recorded crime in the priority areas",
        "Business crime",
    ]
    targets = [r[5] for r in rows]
    assert targets == ["-5%", "-8%", "-8%", "-7%", "-6%"]  # the plan's targets (seed ¶35, ¶68)
    business = rows[-1]
    # the seed: business crime sees a 6 % increase; now with its interval and verdict, worked
    # out again from the store by SQL (tests/support/reference.py): 2,993 against 2,824,
    # +6.0 %; R's exact Poisson test gives +0.6 % to +11.6 %, p = 0.028, but allowing for the
    # months' variation (quasi-Poisson, statsmodels) -0.8 % to +13.2 %, p = 0.09: the table
    # shows the interval the words rely on
    expected = business_crime_april_2013(demo_store)
    assert expected["p"] < 0.05 < expected["quasi_p"] < 0.1
    assert business[3] == (
        f"{expected['change']:+.1f}% "
        f"({expected['quasi_low']:+.1f}% to {expected['quasi_high']:+.1f}%)"
    )
    assert business[4] == f"no (p={expected['quasi_p']:.3f})"
    # the forecast's (tests/report/test_narrative.py derives it from the store's counts): a
    # chance of meeting the -6 % target under 1 %, so off course (docs/status-rules.md)
    assert business[6] == "off course"
    assert business[8] == "<1%"


def test_reoffending_table_as_published(soup: BeautifulSoup) -> None:
    table = soup.select_one("table.published")
    assert table is not None
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    # the seed's table (¶20) as printed, which the store holds (tests/demo/test_calibration.py)
    assert rows[0] == ["West Midlands", "68651", "7.71%", "8.64%", "-10.78%"]
    assert rows[4] == ["Dudley", "3052", "5.18%", "7.48%", "-30.82%"]
    assert len(rows) == 11
    # under the reoffending milestone (B4), as the seed places it
    assert table.find_parent("article", id="milestone-B4") is not None


def test_says_the_data_is_synthetic(soup: BeautifulSoup) -> None:
    banner = soup.select_one(".banner")
    assert banner is not None and "SYNTHETIC" in banner.get_text()


def test_self_contained(html: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "<script" not in html


def test_lead_lines_as_the_seed_writes_them() -> None:
    plan = load_plan(builtin_plan_path())
    by_id = {m.id: m for o in paper(plan).objectives for m in o.milestones}
    assert lead_line(by_id["A1"]) == "Lead ACC Forsyth – Six monthly update proposed"
    assert lead_line(by_id["B1"]) == "Milestone achieved"
    assert lead_line(by_id["F1"]) == "Leads ACC Forsyth and ACC Rowe – Monthly update"


def test_written_atomically(tmp_path: Path) -> None:
    from crimeplan.report.files import write_text_atomic

    target = tmp_path / "out" / "x.html"
    write_text_atomic(target, "one")
    write_text_atomic(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["x.html"]


def test_sources_show_no_local_paths_or_file_names(demo_store: Store) -> None:
    """The board sees each source (how many files, rows and months), never the folders on the
    analyst's machine (issue 11) nor the file names; results.json and data/sources.csv keep
    the path (``DataSource.file_name``)."""
    import dataclasses
    import io

    from docx import Document

    from crimeplan.report.docx import render_docx

    plan = load_plan(builtin_plan_path())
    results = evaluate_pack(plan, Engine.of_store(demo_store), date(2013, 4, 1))
    folders = ["/home/analyst/secret-share/2013-04", "C:\\Users\\analyst\\Downloads"]
    sources = tuple(
        dataclasses.replace(
            s, file_name=f"{folders[i % 2]}{'/' if i % 2 == 0 else chr(92)}f{i}.csv"
        )
        for i, s in enumerate(results.sources)
    )
    assert sources
    pack = build_pack(dataclasses.replace(results, sources=sources))
    document = Document(io.BytesIO(render_docx(pack)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    for text in (render_html(pack), "\n".join(cells)):
        assert "analyst" not in text
        assert not any(f"f{i}.csv" in text for i in range(len(sources)))
        assert all(row[0] in text for row in pack.sources)  # the sources, by name


# -- contents, the chart ⇄ table toggle, the phone layout (#8.7) ------------------------


CHARTED = ("burglary_dwelling", "satisfaction_crime", "confidence")


@pytest.fixture(scope="module")
def charted_html(demo_store: Store) -> str:
    """The pack with a few charts drawn (the others without, to keep the test quick)."""
    from crimeplan.report.build import _inline_svg
    from crimeplan.report.charts import render_svg, spc_chart

    plan = load_plan(builtin_plan_path())
    results = evaluate_pack(plan, Engine.of_store(demo_store), date(2013, 4, 1))
    svgs = {i: _inline_svg(render_svg(spc_chart(results.measure(i)))) for i in CHARTED}
    return render_html(build_pack(results, svgs))


def test_contents_link_to_every_section(soup: BeautifulSoup) -> None:
    nav = soup.select_one("nav.contents")
    assert nav is not None
    assert nav.find_parent("main") is None and soup.select("main")[0].find_previous("nav") is nav
    links = [a["href"] for a in nav.select("a")]
    sections = [
        s["id"] for s in soup.select("section[id], footer[id]") if s.find(["h2", "h3"]) is not None
    ]
    assert links == [f"#{i}" for i in sections]  # every section, in the order of the page
    assert {"#purpose", "#milestones", "#objective-A", "#objective-J", "#measures"} <= set(links)
    assert links[-1] == "#data-used"
    for a in nav.select("a"):  # each link reads as its section's heading
        target = soup.find(id=a["href"][1:])
        assert target is not None
        heading = target.find(["h2", "h3"])
        assert heading is not None and a.get_text(strip=True) == heading.get_text(" ", strip=True)
    objectives = nav.select('a[href="#milestones"] + ol > li > a')
    assert [a.get_text()[:2] for a in objectives] == [f"{c}." for c in "ABCDEFGHIJ"]


def test_chart_or_table_without_javascript(charted_html: str, demo_store: Store) -> None:
    soup = BeautifulSoup(charted_html, "html.parser")
    assert "<script" not in charted_html
    plan = load_plan(builtin_plan_path())
    results = evaluate_pack(plan, Engine.of_store(demo_store), date(2013, 4, 1))
    charts = soup.select("figure.panel > .chart")
    assert len(charts) >= len(CHARTED)
    for chart in charts:
        details = chart.find_next_sibling()
        assert details is not None and details.name == "details" and "figures" in details["class"]
        assert details.summary is not None
        panel = chart.find_parent("figure")
        assert panel is not None
        measure = results.measure(str(panel["id"]).removeprefix("measure-"))
        rows = details.select("tbody tr")
        assert len(rows) == len(measure.series)
    burglary = soup.select_one("#measure-burglary_dwelling details.figures")
    assert burglary is not None
    first = [c.get_text(strip=True) for c in burglary.select("tbody tr")[0].select("th, td")]
    # the first month of the demo series (data/series/burglary_dwelling.csv: 2009-04, 994)
    measure = results.measure("burglary_dwelling")
    assert first[0] == "April 2009" and measure.series[0].month == "2009-04"
    assert first[1] == f"{measure.series[0].value:,}"
    assert first[2] in ("common cause", "special cause: concern", "special cause: improvement")
    # opening the table hides the chart, by CSS alone; in print neither toggle nor table
    assert soup.style is not None
    css = soup.style.get_text()
    assert "figure.panel:has(> details.figures[open]) > .chart { display: none; }" in css
    assert re.search(r"@media print \{\s*nav\.contents, details\.figures \{ display: none; \}", css)


@pytest.mark.parametrize(
    ("table_class", "last"), [("position", "SPC"), ("summary", "Since last meeting")]
)
def test_position_cells_carry_their_column(
    soup: BeautifulSoup, table_class: str, last: str
) -> None:
    """Each cell of the summary and position tables carries its column's heading, which the
    phone layout prints beside it."""
    table = soup.select_one(f"table.{table_class}")
    assert table is not None
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    for tr in table.select("tbody tr"):
        cells = tr.select("td")
        assert [td.get("data-label") for td in cells[1:]] == headers[1:]
    assert headers[-1] == last


PROBE = """<script>
addEventListener('load', () => {
  const sizes = [...document.querySelectorAll('.chart svg text')]
    .filter(t => t.textContent.trim())
    .map(t => { const m = t.getScreenCTM();
                return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b); });
  const cells = [...document.querySelectorAll('table.position td, table.summary td')];
  const result = {
    smallest_chart_text: Math.min(...sizes), chart_texts: sizes.length,
    page_width: document.documentElement.scrollWidth, viewport: innerWidth,
    cell_display: [...new Set(cells.filter(td => td.dataset.label)
                                   .map(td => getComputedStyle(td).display))],
    cells_outside: cells.filter(td => td.getBoundingClientRect().right > innerWidth + 0.5).length,
    label: getComputedStyle(cells[1], '::before').content,
  };
  const out = document.createElement('pre'); out.id = 'probe';
  out.textContent = JSON.stringify(result);
  parent.document.body.appendChild(out);
});
</script>"""


@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_in_a_browser_at_phone_and_desktop_width(
    charted_html: str, tmp_path: Path, width: int
) -> None:
    """Chromium (skipped when absent) lays the page out in a frame of the given width (its
    headless window is at least 500 px wide): chart text is never under 11 px, nothing but a
    chart or a wide table's own scroller is wider than the screen, and at 390 px the position
    table's cells stack as labelled rows."""
    import json
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed")
    (tmp_path / "page.html").write_text(charted_html.replace("</body>", PROBE + "</body>"))
    (tmp_path / "frame.html").write_text(
        f"<!DOCTYPE html><html><body style='margin:0'><iframe src='page.html' "
        f"style='width:{width}px;height:900px;border:0'></iframe></body></html>"
    )
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         f"--window-size={max(width, 600)},900", "--virtual-time-budget=10000", "--dump-dom",
         (tmp_path / "frame.html").as_uri()],
        capture_output=True, text=True, timeout=180, check=True,
    ).stdout  # fmt: skip
    found = re.search(r'<pre id="probe">([^<]*)</pre>', dom)
    assert found is not None, dom[-2000:]
    result = json.loads(found[1].replace("&quot;", '"'))
    assert result["viewport"] == width
    assert result["chart_texts"] > 50
    assert result["smallest_chart_text"] >= 11, result
    assert result["page_width"] <= width, result
    if width == 390:
        assert result["cell_display"] == ["flex"], result  # labelled rows, one card a measure
        assert result["cells_outside"] == 0, result  # Target, Position, Forecast, SPC in view
        assert "year to date" in result["label"], result
    else:
        assert result["cell_display"] == ["table-cell"], result
