"""The board pack as a Word document that a board secretary edits.

``render_docx(pack, charts)`` lays out the same ``BoardPack`` as the HTML template, in the
same order: front matter (board, date, agenda item, title), the synthetic-data banner,
purpose and background, the milestones and deliverables by objective with each milestone's
lead line, status and update, the performance position tables, all measures, the published
tables (reoffending), the financial and legal implications, recommendations, authors and
the data used.

It is a plain document: Word's built-in Heading 1–3 styles holding only the heading's words
(so the navigation pane lists milestones, not their status, which is a run of the "Status"
character style on the line below), paragraph numbers as a Word numbered list (the
"Numbered Paragraph" style is linked to one list, numbering.xml's abstractNum and num, and
every numbered paragraph carries its w:numPr: insert or delete a paragraph and Word or
LibreOffice renumbers the rest), bullets in the List Bullet style, real tables whose header
row repeats on every page and whose headers break between words only, charts as inline PNG
pictures with a description (alt text), A4 pages with the paper's title and date and
"Page N of M" (PAGE and NUMPAGES fields) in the footer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from crimeplan.report import numbers
from crimeplan.report.charts import chart_alt_text, svg_to_png
from crimeplan.report.narrative.position import status_word
from crimeplan.report.pack import BoardPack, MeasurePanel, Paragraph, published_caption
from crimeplan.results.measure import MeasureResult

FONT = "Arial"
ACCENT = RGBColor(0x1D, 0x3F, 0x72)
MUTED = RGBColor(0x55, 0x55, 0x55)
GOOD = RGBColor(0x1A, 0x7F, 0x37)
BAD = RGBColor(0xB4, 0x23, 0x18)
AT_RISK = RGBColor(0x8A, 0x5A, 0x00)
#: A target's status, coloured as in the HTML (board_pack.css)
STATUS_COLOURS = {"on_course": GOOD, "at_risk": AT_RISK, "off_course": BAD}
HEADER_FILL = "EEF1F6"
BANNER_FILL = "FFF4D6"
HANGING = Cm(1.0)
CHART_WIDTH = Cm(16.0)
#: The Making Data Count icon colours (NHS England): blue improving, orange concern.
MDC_COLOURS = {
    "improvement": RGBColor(0x00, 0x5E, 0xB8),
    "concern": RGBColor(0xED, 0x8B, 0x00),
    "common": MUTED,
    "neutral": RGBColor(0x4C, 0x29, 0x70),
}
#: The position table's ten columns (cm), filling the A4 text width of 16.6 cm: each is at
#: least as wide as the longest word of its header (8 pt bold) and of its figures, plus the
#: cell margins (tests/report/test_docx.py measures them).
POSITION_WIDTHS = (2.3, 1.45, 1.45, 2.0, 1.5, 1.2, 1.55, 1.9, 1.45, 1.8)
CELL_MARGIN = Cm(0.1)
#: The summary table's columns (cm; 16.6 in all, the A4 text width): each at least as wide as
#: its longest word at 7 pt with the narrow cell margins (tests/report/test_docx.py).
SUMMARY_WIDTHS = (2.35, 1.3, 1.3, 1.75, 1.35, 1.75, 1.3, 1.15, 1.5, 1.55, 1.3)


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
        self.abstract_num_id = 0
        self.num_id = 0  # the list the next numbered paragraph continues
        self.next_number: int | None = None  # the number Word gives that paragraph

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
        self._summary()
        self._section("Background", pack.background)
        self._heading("Milestones and deliverables", level=1)
        if pack.milestone_summary:
            self._para(" ".join([pack.milestone_summary, *pack.milestone_notes]), style="Updated")
        for objective in pack.objectives:
            self._heading(f"{objective.id}. {objective.title}", level=2)
            for milestone in objective.milestones:
                for title in milestone.titles:
                    self._heading(title, level=3)
                lead = self._para(style="Lead")
                lead.add_run(f"({milestone.lead_line})")
                self._status(lead, milestone.status)
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
                caption = f"Performance position as at {pack.as_at_label}"
                cut = milestone.position_after
                if cut is not None and objective.position:
                    self._paragraphs(milestone.paragraphs[: cut + 1])
                    self._position_table(objective.position, caption)
                    self._paragraphs(milestone.paragraphs[cut + 1 :])
                else:
                    self._paragraphs(milestone.paragraphs)
                for panel in milestone.panels:
                    self._panel(panel)
                if milestone.lines:
                    self._para(milestone.lines_lead, style="Updated")
                    for line in milestone.lines:
                        self._para(line, style="List Bullet")
            if objective.position and not objective.position_placed:
                self._position_table(
                    objective.position, f"Performance position as at {pack.as_at_label}"
                )
        if pack.full:
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
        if not pack.full:
            self._appendix()
        self._data_used()
        self._annex_checks()
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
        # the paper's title and date on the left, the page number on the right
        footer = section.footer.paragraphs[0]
        pack = self.pack
        when = pack.board_date
        dated = f"{when.day} {when.strftime('%B %Y')}" if when else f"as at {pack.as_at_label}"
        text_width = section.page_width - section.left_margin - section.right_margin
        footer.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
        footer.add_run(f"{pack.title}, {dated}")
        footer.add_run("\tPage ")
        _field(footer, "PAGE", "1")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES", "1")
        for run in footer.runs:
            run.font.size = Pt(8)
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
        self.abstract_num_id = _add_abstract_num(self.doc, numbered.style_id)
        self.num_id = self._add_num()
        _num_pr(numbered.element.get_or_add_pPr(), self.num_id)
        self.next_number = 1
        status = styles.add_style("Status", WD_STYLE_TYPE.CHARACTER)
        status.font.size, status.font.bold = Pt(9), True
        status.font.italic, status.font.all_caps = False, True
        status.font.color.rgb = ACCENT
        header = styles.add_style("Table Header", WD_STYLE_TYPE.PARAGRAPH)
        header.base_style = normal
        header.font.size, header.font.bold = Pt(8), True
        header.paragraph_format.space_after = Pt(0)
        header.paragraph_format.line_spacing = 1.0
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
                self._numbered(p.number, p.text)
            for bullet in p.bullets:
                item = self._para(bullet, style="List Bullet")
                item.paragraph_format.left_indent = HANGING + Cm(0.6)
                item.paragraph_format.first_line_indent = Cm(-0.6)

    def _numbered(self, number: int, text: str) -> DocxParagraph:
        """A paragraph of the paper's numbered list: Word draws ``number.`` and a tab. The
        list continues from the paragraph before; a number out of sequence starts a new
        instance of the list at that number (``w:startOverride``)."""
        if number != self.next_number:
            self.num_id = self._add_num(start=number)
        paragraph = self._para(text, style="Numbered Paragraph")
        _num_pr(paragraph._p.get_or_add_pPr(), self.num_id)
        self.next_number = number + 1
        return paragraph

    def _add_num(self, start: int | None = None) -> int:
        """A ``w:num`` of the paper's list (``w:abstractNum``), restarting at ``start``."""
        numbering = self.doc.part.numbering_part.element
        num = numbering.add_num(self.abstract_num_id)
        if start is not None:
            override = OxmlElement("w:lvlOverride")
            override.set(qn("w:ilvl"), "0")
            start_override = OxmlElement("w:startOverride")
            start_override.set(qn("w:val"), str(start))
            override.append(start_override)
            num.append(override)
        return int(num.get(qn("w:numId")))

    def _status(self, paragraph: DocxParagraph, status: str) -> None:
        """The milestone's status after its lead line, as a run of the Status style: outside
        the heading, so the navigation pane shows the milestone's title alone."""
        paragraph.add_run("  ")
        run = paragraph.add_run(status)
        run.style = self.doc.styles["Status"]
        if status == "achieved":
            run.font.color.rgb = GOOD

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
            "Status",
            "Year-end forecast (80% interval)",
            "Chance of meeting target",
            "SPC",
        ]
        body = [
            [
                m.title,
                numbers.value(m.baseline_ytd, m.unit, numbers.comparison_places(m)),
                numbers.value(m.ytd, m.unit, numbers.comparison_places(m)),
                numbers.change_with_interval(m),
                numbers.signal(m),
                _target(m),
                status_word(m.status),
                numbers.forecast(m),
                numbers.chance(m),
                _spc(m),
            ]
            for m in rows
        ]
        table = self._table(caption, header, body, widths=POSITION_WIDTHS, narrow=True)
        for row, m in zip(table.rows[1:], rows, strict=True):
            if m.status is not None:
                run = row.cells[6].paragraphs[0].runs[0]
                run.bold = True
                run.font.color.rgb = STATUS_COLOURS[m.status.status]
            icon = m.spc.variation_icon if m.spc else None
            if icon:  # the Making Data Count colours: blue improving, orange concern
                run = row.cells[9].paragraphs[0].runs[0]
                run.font.color.rgb = MDC_COLOURS.get(icon.split("_")[0], MUTED)

    def _summary(self) -> None:
        """The position first: every target with its status, icons' words and movement, the
        actions, the rules, the milestones by objective (report/summary.py)."""
        summary = self.pack.summary
        if summary is None:
            return
        results = self.pack.results
        self._heading(f"Summary: the position as at {self.pack.as_at_label}", level=1)
        self._para(f"{summary.counts} {summary.since}").runs[0].bold = True
        if summary.rows:
            header = [
                "Target",
                f"{results.baseline_label} year to date",
                f"{results.year_label} year to date",
                "Change (95% interval)",
                "More than chance?",
                "Year-end forecast (80% interval)",
                "Chance of meeting target",
                "Status",
                "Variation",
                "Assurance",
                "Since last meeting",
            ]
            body = [
                [
                    f"{r.measure.title} ({_target(r.measure)})",
                    numbers.value(r.measure.baseline_ytd, r.measure.unit),
                    numbers.value(r.measure.ytd, r.measure.unit),
                    numbers.change_with_interval(r.measure),
                    numbers.signal(r.measure),
                    numbers.forecast(r.measure),
                    numbers.chance(r.measure),
                    r.status,
                    r.variation_short,
                    r.assurance_short,
                    r.movement or "–",
                ]
                for r in summary.rows
            ]
            table = self._table(
                "The targets: year to date, year-end forecast and status",
                header,
                body,
                widths=SUMMARY_WIDTHS,
                narrow=True,
            )
            for cell in (c for row in table.rows for c in row.cells):
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(7)  # eleven columns on A4: no word broken
            for row, r in zip(table.rows[1:], summary.rows, strict=True):
                # the Making Data Count icons above their words, as in the HTML and PDF
                icons = (
                    (row.cells[8], r.variation_svg, r.variation_short),
                    (row.cells[9], r.assurance_svg, r.assurance_short),
                )
                for cell, svg, words in icons:
                    if svg:
                        icon = cell.paragraphs[0].insert_paragraph_before()
                        icon.alignment = WD_ALIGN_PARAGRAPH.CENTER
                        png = io.BytesIO(svg_to_png(svg, 4))
                        picture = icon.add_run().add_picture(png, width=Cm(0.7))
                        picture._inline.docPr.set("descr", words)  # its text equivalent
                if r.status_code:
                    run = row.cells[7].paragraphs[0].runs[0]
                    run.bold = True
                    run.font.color.rgb = STATUS_COLOURS[r.status_code]
        if summary.actions:
            self._para(summary.actions_lead).runs[0].bold = True
        for action in summary.actions:
            self._para(action, style="List Bullet")
        self._para(summary.rules, style="Updated")
        if summary.milestone_rows:
            self._table(
                "Milestones at this meeting"
                + (f": {self.pack.milestone_summary}" if self.pack.milestone_summary else ""),
                ["Objective", "Milestones", "Due", "Received", "Awaited", "Overdue", "Achieved"],
                [
                    [
                        r.objective,
                        str(r.milestones),
                        str(r.due),
                        str(r.received),
                        str(r.awaited),
                        str(r.overdue),
                        str(r.achieved),
                    ]
                    for r in summary.milestone_rows
                ],
                widths=[6.6, 1.7, 1.3, 1.7, 1.7, 1.7, 1.7],
            )

    def _appendix(self) -> None:
        """After the body: the other measures' charts, the experiments, every measure's
        figures, repeat demand and the notes for the analyst."""
        pack = self.pack
        self._heading("Appendix", level=1)
        for panel in pack.appendix:
            self._heading(panel.measure.title, level=3)
            self._panel(panel)
        self._experiments()
        self._measures()
        self._repeats()
        if pack.analyst_notes:
            self._heading("Notes for the analyst", level=3)
            for note in pack.analyst_notes:
                self._para(note, style="List Bullet")

    def _panel(self, panel: MeasurePanel) -> None:
        """A measure: its title, chart, numbered paragraph, and tables by area and peers."""
        m = panel.measure
        if panel.status_text or panel.action_text:
            line = self._para()
            if panel.status_text:
                line.add_run(panel.status_text).bold = True
            if panel.action_text:
                line.add_run(f" {panel.action_text}" if panel.status_text else panel.action_text)
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

    def _annex_checks(self) -> None:
        """The analyst's annex of commentary checks (``--annex checks``), contradicted first."""
        pack = self.pack
        if pack.checks is None:
            return
        self._heading(pack.checks_heading, level=1)
        self._para(pack.checks_summary)
        if pack.checks:
            self._table(
                pack.checks_caption,
                ["Milestone", "The update says", "The figures say", "Verdict"],
                [[c.milestone, c.claim, c.finding, c.verdict] for c in pack.checks],
                widths=[1.8, 6.2, 6.2, 2.3],
                numeric_from=4,
            )

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
        narrow: bool = False,
    ) -> Table:
        """A captioned table: header row repeated on every page, rows kept whole, text
        columns left and number columns right aligned; header cells in the 8 pt Table
        Header style, wrapping between words only (no hyphenation; every column is at
        least as wide as its header's longest word, ``tests/report/test_docx.py`` measures
        them). ``narrow``: 8 pt text and small cell margins, for a table of many columns."""
        self._para(caption, style="Caption")
        table: Table = self.doc.add_table(rows=1 + len(body), cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        if narrow:
            _cell_margins(table, CELL_MARGIN)
        last_text = len(header) - 1 if header[-1] in ("Compared", "Months", "SPC") else None
        for r, values in enumerate([header, *body]):
            row = table.rows[r]
            _row_properties(row._tr, header=r == 0)
            for c, text in enumerate(values):
                cell = row.cells[c]
                cell.width = Cm(widths[c])
                paragraph = cell.paragraphs[0]
                paragraph._p.style = "TableHeader" if r == 0 else "TableText"
                run = paragraph.add_run(_unbroken_minus(text) if narrow else text)
                if r == 0:
                    _shade_cell(cell._tc, HEADER_FILL)
                elif narrow:
                    run.font.size = Pt(8)
                if c >= numeric_from and c != last_text:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for c, width in enumerate(widths):
            table.columns[c].width = Cm(width)
        self._para().paragraph_format.space_after = Pt(2)
        return table


def _unbroken_minus(text: str) -> str:
    """A minus sign before a figure as a non-breaking hyphen, so that a narrow cell never
    breaks "(-7.3%" after its sign (Word and LibreOffice break lines after a hyphen)."""
    return re.sub(r"(?<![\w-])-(?=\d)", "\u2011", text)


# -- XML helpers (python-docx has no API for these) ------------------------------------


def _target(m: MeasureResult) -> str:
    return numbers.target(
        m.target.kind if m.target else None, m.target.value if m.target else None, m.unit
    )


def _spc(m: MeasureResult) -> str:
    """The control chart's reading, as the HTML's SPC column: variation; target assurance."""
    text = numbers.variation(m)
    if m.spc and m.spc.assurance_icon:
        text += f"; target {m.spc.assurance_icon}"
    return text


def _cell_margins(table: Table, margin: Cm) -> None:
    """The left and right margins of every cell of ``table`` (``w:tblCellMar``)."""
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(margin.twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    look = tblpr.find(qn("w:tblLook"))  # tblCellMar comes before tblLook in w:tblPr
    if look is not None:
        look.addprevious(margins)
    else:
        tblpr.append(margins)


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


def _add_abstract_num(doc: DocumentObject, style_id: str) -> int:
    """The paper's numbered list in numbering.xml: one level, "1.", "2.", … then a tab, under
    a hanging indent, linked to the paragraph style ``style_id``. Returns its id."""
    numbering = doc.part.numbering_part.element
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=-1) + 1
    hanging = str(HANGING.twips)
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    multi = OxmlElement("w:multiLevelType")
    multi.set(qn("w:val"), "singleLevel")
    abstract.append(multi)
    level = OxmlElement("w:lvl")
    level.set(qn("w:ilvl"), "0")
    for tag, value in (
        ("w:start", "1"),
        ("w:numFmt", "decimal"),
        ("w:pStyle", style_id),
        ("w:suff", "tab"),
        ("w:lvlText", "%1."),
        ("w:lvlJc", "left"),
    ):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        level.append(element)
    ppr = OxmlElement("w:pPr")
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "num")
    tab.set(qn("w:pos"), hanging)
    tabs.append(tab)
    ppr.append(tabs)
    indent = OxmlElement("w:ind")
    indent.set(qn("w:left"), hanging)
    indent.set(qn("w:hanging"), hanging)
    ppr.append(indent)
    level.append(ppr)
    abstract.append(level)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:  # every abstractNum comes before the first num
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return abstract_id


def _num_pr(ppr: Any, num_id: int) -> None:
    """``<w:numPr><w:ilvl w:val="0"/><w:numId w:val="num_id"/></w:numPr>``, in its place."""
    num_pr = ppr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


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
