"""The board pack as one self-contained HTML file: inline CSS, no request to any other host,
readable on a phone and printable."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from importlib.resources import files

from jinja2 import Environment, FunctionLoader, StrictUndefined, select_autoescape

from crimeplan.report import numbers
from crimeplan.report.narrative.figures import month_name
from crimeplan.report.narrative.position import status_word
from crimeplan.report.pack import BoardPack

#: Where the template wants its table of contents.
CONTENTS_MARK = "<!-- contents -->"


def _environment() -> Environment:
    env = Environment(
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        loader=FunctionLoader(template_text),
    )
    env.filters["value"] = lambda m, attr="ytd": numbers.value(
        getattr(m, attr),
        m.unit,
        numbers.comparison_places(m) if attr in ("month_value", "ytd", "baseline_ytd") else 1,
    )
    env.filters["change"] = lambda m: numbers.change(
        m.change, m.change_pct, m.unit, numbers.comparison_places(m)
    )
    env.filters["target"] = lambda m: numbers.target(
        m.target.kind if m.target else None, m.target.value if m.target else None, m.unit
    )
    env.filters["status"] = lambda m: status_word(m.status)
    env.filters["change_ci"] = numbers.change_with_interval
    env.filters["signal"] = numbers.signal
    env.filters["forecast"] = numbers.forecast
    env.filters["chance"] = numbers.chance
    env.filters["variation"] = numbers.variation
    env.filters["amount"] = numbers.value
    env.filters["month"] = lambda month: month_name(month[:7])
    env.filters["point_type"] = numbers.point_type
    env.filters["longdate"] = lambda d: "" if d is None else f"{d.day} {d.strftime('%B %Y')}"
    return env


def template_text(name: str) -> str:
    return files("crimeplan.report").joinpath("templates", name).read_text(encoding="utf-8")


def render_html(pack: BoardPack) -> str:
    env = _environment()
    template = env.from_string(template_text("board_pack.html.j2"))
    css = template_text("board_pack.css")
    return with_contents(template.render(pack=pack, css=css))


def with_contents(page: str) -> str:
    """The page with its table of contents in place of ``CONTENTS_MARK``: a link to every
    section that has an id and a heading (h2), and under each the sections within it (h3),
    in the order of the page, so that a section added to the template is listed too."""
    if CONTENTS_MARK not in page:
        return page
    finder = _Sections()
    finder.feed(page)
    items = []
    for anchor, title, children in finder.tree():
        inner = ""
        if children:
            links = "".join(
                f'<li><a href="#{html.escape(a)}">{html.escape(t)}</a></li>' for a, t in children
            )
            inner = f"<ol>{links}</ol>"
        items.append(f'<li><a href="#{html.escape(anchor)}">{html.escape(title)}</a>{inner}</li>')
    nav = (
        '<nav class="contents" aria-labelledby="contents-heading">\n'
        '<h2 id="contents-heading">Contents</h2>\n'
        f"<ol>{''.join(items)}</ol>\n</nav>"
    )
    return page.replace(CONTENTS_MARK, nav, 1)


class _Sections(HTMLParser):
    """The ids of ``<section>`` and ``<footer>`` elements and the text of the first h2 or h3
    within each, with how deep each section lies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []  # the id of each open section (None: not one)
        self.found: list[tuple[int, str, str]] = []  # (depth, id, heading)
        self.heading: tuple[int, str, list[str]] | None = None
        self.titled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("section", "footer"):
            self.stack.append(dict(attrs).get("id"))
        elif tag in ("h2", "h3") and self.stack and self.heading is None:
            anchor = self.stack[-1]
            if anchor is not None and anchor not in self.titled:
                depth = sum(1 for a in self.stack if a is not None)
                self.heading = (depth, anchor, [])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("section", "footer") and self.stack:
            self.stack.pop()
        elif tag in ("h2", "h3") and self.heading is not None:
            depth, anchor, text = self.heading
            self.found.append((depth, anchor, " ".join("".join(text).split())))
            self.titled.add(anchor)
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading[2].append(data)

    def tree(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        top: list[tuple[str, str, list[tuple[str, str]]]] = []
        for depth, anchor, title in self.found:
            if depth == 1 or not top:
                top.append((anchor, title, []))
            elif depth == 2:
                top[-1][2].append((anchor, title))
        return top
