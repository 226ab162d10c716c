"""The board pack as PDF: the HTML pack printed by WeasyPrint, with a print stylesheet.

``render_pdf(html)`` lays the same HTML out on A4 pages, as a tagged PDF/UA-1 document in
the language of the HTML's ``lang`` (en-GB): numbered "Page N of M" in the
footer with the paper's title, table headers repeated on every page a table runs onto,
rows kept whole, headings kept with what follows them. The print stylesheet is added at
render time (``PRINT_CSS``, after the template's own styles), so the HTML template stays
the one source of the layout.

Nothing is fetched: the pack is self-contained (inline CSS and SVG) and the URL fetcher
refuses every URL but ``data:``. WeasyPrint logs a refused URL as a warning and leaves the
resource out.
"""

from __future__ import annotations

from typing import Any

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

#: Tagged PDF for assistive technology (WeasyPrint's ``pdf_variant``; it sets ``pdf_tags``
#: and PDF 1.7).
PDF_VARIANT = "pdf/ua-1"

PRINT_CSS = """
@page {
  size: A4;
  margin: 18mm 17mm 20mm 17mm;
  @bottom-left {
    content: string(paper-title);
    font: 8pt Arial, Helvetica, sans-serif;
    color: #555;
    vertical-align: top;
    padding-top: 4mm;
  }
  @bottom-right {
    content: "Page " counter(page) " of " counter(pages);
    font: 8pt Arial, Helvetica, sans-serif;
    color: #555;
    vertical-align: top;
    padding-top: 4mm;
    white-space: nowrap;
  }
}
html { font-size: 10pt; }
body { max-width: none; padding: 0; margin: 0; font-size: 10pt; line-height: 1.35; }
header.front h1 { string-set: paper-title content(text); font-size: 17pt; }
h2 { font-size: 12pt; margin-top: 1.4em; }
h3 { font-size: 11pt; margin-top: 1.2em; }
h4 { font-size: 10pt; margin: 1em 0 .15em; }
h2, h3, h4, p.lead, p.updated, caption { break-after: avoid; page-break-after: avoid; }
h4 + h4 { margin-top: .2em; }
p.para { display: block; margin: .35em 0; padding-left: 2.2em; orphans: 2; widows: 2; }
p.para .n { display: inline-block; width: 2.2em; margin-left: -2.2em; min-width: 0; }
ul.bullets { margin: .15em 0 .45em 2.6em; }
.table-wrap { overflow: visible; }
table { font-size: 8.5pt; page-break-inside: auto; }
thead { display: table-header-group; }
tfoot { display: table-footer-group; }
tr, img, svg, .chart { break-inside: avoid; page-break-inside: avoid; }
figure.panel { break-inside: auto; }
th, td { padding: 2.5pt 4pt; }
table.position td:first-child { width: 34%; }
table.measures td:first-child { width: 26%; }
table.measures td:last-child { text-align: left; font-size: 7.5pt; width: 24%; }
table.measures th:last-child { text-align: left; }
table.published td:first-child { white-space: nowrap; }
table.sources td:last-child { white-space: nowrap; }
table.sources td:nth-child(2), table.sources th:nth-child(2) { text-align: left; }
svg, img { max-width: 100%; height: auto; }
figure { margin: .5em 0 .8em; }
.banner { break-inside: avoid; }
footer { break-before: auto; }
a { color: inherit; text-decoration: none; }
"""


class _DataOnly(URLFetcher):  # type: ignore[misc]
    """Refuses every URL but ``data:`` (no file, no network)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.lower().startswith("data:"):
            raise ValueError(f"crimeplan's PDF fetches nothing: refused {url}")
        return super().fetch(url, headers)


def render_pdf(html: str) -> bytes:
    """The HTML pack (``crimeplan.report.html.render_html``) as PDF bytes, on A4."""
    fetcher = _DataOnly()
    # After the template's own <style>, so that the print rules win the cascade (style
    # sheets given to write_pdf come before the document's).
    head_end = html.find("</head>")
    stylesheets = []
    if head_end >= 0:
        html = f"{html[:head_end]}<style>{PRINT_CSS}</style>\n{html[head_end:]}"
    else:
        stylesheets.append(CSS(string=PRINT_CSS, url_fetcher=fetcher))
    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    # PDF/UA-1: a tagged PDF (structure tree, /MarkInfo /Marked true) whose language is the
    # template's <html lang="en-GB">, so that a screen reader reads it in order and in English.
    return bytes(document.write_pdf(stylesheets=stylesheets, pdf_variant=PDF_VARIANT))
