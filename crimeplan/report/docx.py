"""The board pack as a Word document that a board secretary edits.

``render_docx(pack, charts)`` lays out the same ``BoardPack`` as the HTML template, in the
same order: front matter (board, date, agenda item, title), the synthetic-data banner,
purpose and background, the milestones and deliverables by objective with each milestone's
lead line, status and update, the performance position tables, all measures, the published
tables (reoffending), the financial and legal implications, recommendations, authors and
the data used.

It is a plain document: Word's built-in Heading 1–3 styles (so the navigation pane
works), paragraph numbers as text ("12." and a tab under a hanging indent, which neither
Word nor LibreOffice renumbers), bullets in the List Bullet style, real tables whose header
row repeats on every page, charts as inline PNG pictures with a description (alt text),
A4 pages numbered in the footer with PAGE and NUMPAGES fields.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from crimeplan.report import numbers
from crimeplan.report.charts import chart_alt_text
from crimeplan.report.pack import BoardPack, MeasurePanel, Paragraph, published_caption
from crimeplan.results.measure import MeasureResult

FONT = "Arial"
ACCENT = RGBColor(0x1D, 0x3F, 0x72)
MUTED = RGBColor(0x55, 0x55, 0x55)
GOOD = RGBColor(0x1A, 0x7F, 0x37)
BAD = RGBColor(0xB4, 0x23, 0x18)
HEADER_FILL = "EEF1F6"
BANNER_FILL = "FFF4D6"
HANGING = Cm(1.0)
CHART_WIDTH = Cm(16.0)


def render_docx(
    pack: BoardPack,
    charts: Mapping[str, bytes] | None = None,
    alt_texts: Mapping[str, str] | None = None,
) -> bytes:
    """The pack as DOCX bytes. ``charts`` maps a measure id to its chart as PNG (see
    ``crimeplan.report.charts.render_png``); each is placed after the first milestone that
    reports the measure, or after the measures table. ``alt_texts`` overrides a chart's
    description, which is otherwise ``chart_alt_text(measure)``."""
    writer = _Writer(pack, charts or {}, alt_texts or {})
    writer.write()
    out = io.BytesIO()
    writer.doc.save(out)
    return out.getvalue()


class _Writer:
    def __init__(
        self, pack: BoardPack, charts: Mapping[str, bytes], alt_texts: Mapping[str, str]
    ) -> None:
        self.pack = pack
        self.charts = charts
        self.alt_texts = alt_texts
        self.placed: set[str] = set()
        self.placed_tables: set[str] = set()
        self.doc: DocumentObject = Document()
        self.picture_id = 0

    # -- the document -------------------------------------------------------------------

    def _para(self, text: str = "", style: str | None = None) -> DocxParagraph:
        """A paragraph; the style is set by its id, as python-docx's lookup by name scans
        every style of the template for each paragraph (seconds for a board pack)."""
        paragraph = self.doc.add_paragraph(text)
        if style is not None:
            paragraph._p.style = style.replace(" ", "")
        return paragraph

    def _heading(self, text: str, level: int) -> DocxParagraph:
        return self._para(text, f"Heading{level}")

    def write(self) -> None:
        pack = self.pack
        self._page_setup()
        self._styles()
        self._front_matter()
        self._section("Purpose of report", pack.purpose)
        self._section("Background", pack.background)
        self._heading("Milestones and deliverables", level=1)
        if pack.milestone_summary:
            self._para(" ".join([pack.milestone_summary, *pack.milestone_notes]), style="Updated")
        for objective in pack.objectives:
            self._heading(f"{objective.id}. {objective.title}", level=2)
            for milestone in objective.milestones:
                titles = milestone.titles
                for i, title in enumerate(titles):
                    heading = self._heading(title, level=3)
                    if i == len(titles) - 1:
                        self._status(heading, milestone.status)
                lead = self._para(style="Lead")
                lead.add_run(f"({milestone.lead_line})")
                if milestone.update_date or milestone.flag:
                    text = ""
                    if milestone.update_date:
                        d = milestone.update_date
                        text = f"Latest update {d.day} {d.strftime('%B %Y')}"
                        if milestone.update_by:
                            text += f" by {milestone.update_by}"
                    updated = self._para(text, style="Updated")
                    if milestone.flag:
                        flag = updated.add_run(f"{'  ' if text else ''}[{milestone.flag}]")
                        if milestone.flag.startswith("overdue"):
                            flag.bold = True
                            flag.font.color.rgb = BAD
                self._paragraphs(milestone.paragraphs)
                for panel in milestone.panels:
                    self._panel(panel)
            if objective.position:
                self._position_table(
                    objective.position, f"Performance position as at {pack.as_at_label}"
                )
        self._experiments()
        self._measures()
        self._repeats()
        self._section("Financial implications", pack.financial)
        self._section("Legal implications", pack.legal)
        self._section("Recommendations", pack.recommendations)
        if pack.authors:
            authors = self._para()
            authors.add_run("Authors: ").bold = True
            authors.add_run(" and ".join(pack.authors))
        self._data_used()
        properties = self.doc.core_properties
        properties.title = pack.title
        properties.subject = pack.plan_title
        properties.author = "crimeplan"
        properties.comments = f"{pack.board}; data to the end of {pack.data_to}"

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _field(footer, "PAGE", "1")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES", "1")
        for run in footer.runs:
            run.font.size = Pt(9)
            run.font.color.rgb = MUTED

    def _styles(self) -> None:
        styles = self.doc.styles
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption"):
            _font(styles[name], FONT)
        normal = styles["Normal"]
        normal.font.size = Pt(11)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.1
        title = styles["Title"]
        title.font.size, title.font.color.rgb = Pt(18), ACCENT
        for name, size, colour in (
            ("Heading 1", 13, RGBColor(0x1B, 0x1B, 0x1B)),
            ("Heading 2", 12, ACCENT),
            ("Heading 3", 11, RGBColor(0x1B, 0x1B, 0x1B)),
        ):
            style = styles[name]
            style.font.size, style.font.color.rgb, style.font.bold = Pt(size), colour, True
            style.font.italic = False
            style.paragraph_format.space_before = Pt(14 if name != "Heading 3" else 10)
            style.paragraph_format.space_after = Pt(4)
            style.paragraph_format.keep_with_next = True
        styles["Heading 1"].font.all_caps = True
        caption = styles["Caption"]
        caption.font.size, caption.font.color.rgb = Pt(10), RGBColor(0x1B, 0x1B, 0x1B)
        caption.font.bold, caption.font.italic = True, False
        caption.paragraph_format.keep_with_next = True
        lead = styles.add_style("Lead", WD_STYLE_TYPE.PARAGRAPH)
        lead.base_style = normal
        lead.font.italic, lead.font.color.rgb = True, MUTED
        lead.paragraph_format.keep_with_next = True
        updated = styles.add_style("Updated", WD_STYLE_TYPE.PARAGRAPH)
        updated.base_style = normal
        updated.font.size, updated.font.color.rgb = Pt(9), MUTED
        numbered = styles.add_style("Numbered Paragraph", WD_STYLE_TYPE.PARAGRAPH)
        numbered.base_style = normal
        numbered.paragraph_format.left_indent = HANGING
        numbered.paragraph_format.first_line_indent = -HANGING
        numbered.paragraph_format.tab_stops.add_tab_stop(HANGING)
        cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        cell.font.size = Pt(9)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.line_spacing = 1.0

    def _front_matter(self) -> None:
        pack = self.pack
        if pack.agenda_item:
            agenda = self._para()
            agenda.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            agenda.add_run(f"AGENDA ITEM {pack.agenda_item}").bold = True
        board = self._para()
        board.add_run(pack.board.upper()).bold = True
        board.paragraph_format.space_after = Pt(2)
        if pack.board_date:
            d = pack.board_date
            self._para(f"{d.day} {d.strftime('%B %Y')}")
        self._para(pack.title, style="Title")
        self._para(
            f"{pack.plan_title} · {pack.force} · data to the end of "
            f"{pack.data_to} (as at {pack.as_at_label})",
            style="Updated",
        )
        if pack.banner:
            banner = self._para()
            banner.add_run(pack.banner).bold = True
            _border(banner, "D4A017")  # pBdr comes before shd in w:pPr
            _shade(banner, BANNER_FILL)

    def _section(self, heading: str, paragraphs: Sequence[Paragraph]) -> None:
        if not paragraphs:  # a plan file without this part: no empty heading
            return
        self._heading(heading, level=1)
        self._paragraphs(paragraphs)

    def _paragraphs(self, paragraphs: Iterable[Paragraph]) -> None:
        for p in paragraphs:
            if p.number is None:
                self._para(p.text)
            else:
                self._para(f"{p.number}.\t{p.text}", style="Numbered Paragraph")
            for bullet in p.bullets:
                item = self._para(bullet, style="List Bullet")
                item.paragraph_format.left_indent = HANGING + Cm(0.6)
                item.paragraph_format.first_line_indent = Cm(-0.6)

    def _status(self, heading: DocxParagraph, status: str) -> None:
        run = heading.add_run(f"  [{status}]")
        run.bold = False
        run.font.size = Pt(9)
        run.font.color.rgb = GOOD if status == "achieved" else ACCENT

    # -- charts and tables --------------------------------------------------------------

    def _chart(self, measure: MeasureResult) -> None:
        png = self.charts.get(measure.id)
        if png is None or measure.id in self.placed:
            return
        self.placed.add(measure.id)
        paragraph = self._para()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_together = True
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
        description = self.alt_texts.get(measure.id) or chart_alt_text(measure)
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", description)
        doc_pr.set("title", f"Chart: {measure.title}")

    def _position_table(self, rows: Sequence[MeasureResult], caption: str) -> None:
        results = self.pack.results

        header = [
            "Measure",
            f"{results.baseline_label} year to date",
            f"{results.year_label} year to date",
            "Change (95% interval)",
            "More than chance?",
            "Target",
            "Position",
            "Year-end forecast (80% interval)",
            "Chance of meeting target",
        ]
        body = [
            [
                m.title,
                numbers.value(m.baseline_ytd, m.unit, numbers.comparison_places(m)),
                numbers.value(m.ytd, m.unit, numbers.comparison_places(m)),
                numbers.change_with_interval(m),
                numbers.signal(m),
                _target(m),
                numbers.on_course(m.on_course),
                numbers.forecast(m),
                numbers.chance(m),
            ]
            for m in rows
        ]
        table = self._table(
            caption, header, body, widths=[3.0, 1.6, 1.6, 2.4, 1.6, 1.2, 1.6, 2.6, 1.4]
        )
        for row, m in zip(table.rows[1:], rows, strict=True):
            if m.on_course is not None:
                run = row.cells[6].paragraphs[0].runs[0]
                run.bold = True
                run.font.color.rgb = GOOD if m.on_course else BAD

    def _panel(self, panel: MeasurePanel) -> None:
        """A measure: its title, chart, numbered paragraph, and tables by area and peers."""
        m = panel.measure
        if m.id not in self.charts:
            self._para(m.title, style="Caption")
        self._chart(m)
        self._paragraphs(panel.paragraphs)
        if m.table:
            self._published_table(m)
        if panel.by_area:
            wave = panel.by_area[0].wave
            self._table(
                f"{m.title} by local policing unit" + (f", wave {wave}" if wave else ""),
                ["Local policing unit", "Respondents", "Per cent", "95% interval"],
                [
                    [
                        r.area,
                        f"{r.respondents:,}",
                        f"{r.value_pct:.1f}%",
                        f"{r.ci95[0]:.1f}–{r.ci95[1]:.1f}%",
                    ]
                    for r in panel.by_area
                ],
                widths=[5.0, 3.0, 3.0, 4.0],
            )
        peers = m.peers
        if peers and panel.show_peers:
            unit = "Per cent" if peers.kind == "proportion" else "Per 1,000 people"
            body = [
                [f.name, str(f.rank), f"{f.value:.2f}", f"{f.ci95[0]:.2f}–{f.ci95[1]:.2f}"]
                for f in peers.forces
            ]
            low, high = peers.limits95
            body.append(
                [
                    "Most Similar Group average",
                    "",
                    f"{peers.group_value:.2f}",
                    f"funnel limits {low:.2f}–{high:.2f} (95%)",
                ]
            )
            self._table(
                panel.peer_caption,
                ["Force", "Rank", unit, "95% interval"],
                body,
                widths=[5.0, 1.5, 3.0, 5.5],
            )

    def _experiments(self) -> None:
        if not self.pack.experiments:
            return
        self._heading("Experiments", level=1)
        for e in self.pack.experiments:
            caption = e.result.title
            if e.caption_note:
                caption += f" ({e.caption_note})"
            elif e.result.status == "not started":
                caption += " (not started)"
            rows = [[label, text] for label, text in e.rows]
            self._table(caption, ["Experiment", "Result"], rows, widths=[6.0, 10.0], numeric_from=2)
            self._para(e.sentence)

    def _repeats(self) -> None:
        if not self.pack.repeat_tables:
            return
        self._heading("Repeat callers and repeat victims", level=1)
        for r in self.pack.repeat_tables:
            widths = [6.0, 3.0] if len(r.header) == 2 else [4.2, 2.0, 2.2, 3.2, 2.0, 2.4]
            self._table(r.caption, list(r.header), [list(row) for row in r.rows], widths=widths)

    def _measures(self) -> None:
        pack, results = self.pack, self.pack.results
        self._heading(f"All measures as at {pack.as_at_label}", level=1)
        caption = (
            f"Year to date ({pack.year_to_date}) against the same months of "
            f"{results.baseline_label}, unless the comparison says otherwise"
        )
        header = ["Measure", "Month", "Year to date", "Baseline", "Change", "Target", "Compared"]
        body = [
            [
                m.title,
                numbers.value(m.month_value, m.unit, numbers.comparison_places(m)),
                numbers.value(m.ytd, m.unit, numbers.comparison_places(m)),
                numbers.value(m.baseline_ytd, m.unit, numbers.comparison_places(m)),
                numbers.change(m.change, m.change_pct, m.unit, numbers.comparison_places(m)),
                _target(m),
                pack.comparisons[m.id],
            ]
            for m in results.measures
        ]
        self._table(caption, header, body, widths=[4.0, 1.5, 1.6, 1.6, 1.6, 1.4, 4.9])
        for m in results.measures:
            if m.table and m.id not in self.placed_tables:
                self._published_table(m)
        for m in results.measures:
            self._chart(m)

    def _published_table(self, m: MeasureResult) -> None:
        """The table as the publisher prints it: areas indented by level (region, probation
        trust, local authority), the cohort as a plain number."""
        self.placed_tables.add(m.id)
        rows = m.table or ()
        label = rows[0].baseline_label if rows else None
        header = [
            "Region / Probation Trust / Local Authority",
            "Cohort size (4 quarters of probation caseload)",
            "Actual rate of re-offending",
            "Predicted rate of re-offending",
            "% difference from baseline" + (f" ({label})" if label else ""),
        ]
        body = [
            [
                row.area,
                str(row.cohort),
                f"{row.actual_rate:.2f}%",
                f"{row.predicted_rate:.2f}%",
                "" if row.baseline_change_pct is None else f"{row.baseline_change_pct:.2f}%",
            ]
            for row in rows
        ]
        caption = published_caption(m)
        table = self._table(caption, header, body, widths=[4.6, 3.0, 2.6, 2.6, 3.0])
        indent = {"Probation Trust": Cm(0.4), "Local Authority": Cm(0.8)}
        for row, data in zip(table.rows[1:], rows, strict=True):
            paragraph = row.cells[0].paragraphs[0]
            paragraph.paragraph_format.left_indent = indent.get(data.level, Cm(0))
            if data.level == "Region":
                paragraph.runs[0].bold = True

    def _data_used(self) -> None:
        self._heading("Data used", level=1)
        for note in (*self.pack.data_notes, *self.pack.data_quality):
            self._para(note, style="List Bullet")
        body = [list(row) for row in self.pack.sources]
        header = ["Source", "Files", "Rows", "Months"]
        self._table("Data sources", header, body, widths=[7.6, 1.6, 2.4, 4.6], numeric_from=1)
        self._para(
            f"Produced by crimeplan from the plan “{self.pack.plan_title}”, with data to the "
            f"end of {self.pack.data_to}.",
            style="Updated",
        )

    def _table(
        self,
        caption: str,
        header: Sequence[str],
        body: Sequence[Sequence[str]],
        widths: Sequence[float],
        numeric_from: int = 1,
    ) -> Table:
        """A captioned table: header row repeated on every page, rows kept whole, text
        columns left and number columns right aligned."""
        self._para(caption, style="Caption")
        table: Table = self.doc.add_table(rows=1 + len(body), cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        last_text = len(header) - 1 if header[-1] in ("Compared", "Months") else None
        for r, values in enumerate([header, *body]):
            row = table.rows[r]
            _row_properties(row._tr, header=r == 0)
            for c, text in enumerate(values):
                cell = row.cells[c]
                cell.width = Cm(widths[c])
                paragraph = cell.paragraphs[0]
                paragraph._p.style = "TableText"
                run = paragraph.add_run(text)
                if r == 0:
                    run.bold = True
                    _shade_cell(cell._tc, HEADER_FILL)
                if c >= numeric_from and c != last_text:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for c, width in enumerate(widths):
            table.columns[c].width = Cm(width)
        self._para().paragraph_format.space_after = Pt(2)
        return table


# -- XML helpers (python-docx has no API for these) ------------------------------------


def _target(m: MeasureResult) -> str:
    return numbers.target(
        m.target.kind if m.target else None, m.target.value if m.target else None, m.unit
    )


def _font(style: Any, name: str) -> None:
    """Set a style's font for every script, dropping theme fonts that would override it."""
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def _field(paragraph: DocxParagraph, instruction: str, placeholder: str) -> None:
    """A complex field (``PAGE``, ``NUMPAGES``) that Word and LibreOffice update."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _row_properties(tr: Any, header: bool) -> None:
    trpr = tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    trpr.append(cant_split)
    if header:
        tbl_header = OxmlElement("w:tblHeader")
        tbl_header.set(qn("w:val"), "true")
        trpr.append(tbl_header)


def _shade_cell(tc: Any, fill: str) -> None:
    tcpr = tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _shade(paragraph: DocxParagraph, fill: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.append(shd)


def _border(paragraph: DocxParagraph, colour: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "12")
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), colour)
        borders.append(edge)
    ppr.append(borders)
