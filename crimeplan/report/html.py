"""The board pack as one self-contained HTML file: inline CSS, no request to any other host,
readable on a phone and printable."""

from __future__ import annotations

from importlib.resources import files

from jinja2 import Environment, StrictUndefined, select_autoescape

from crimeplan.report import numbers
from crimeplan.report.pack import BoardPack


def _environment() -> Environment:
    env = Environment(
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
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
    env.filters["on_course"] = numbers.on_course
    env.filters["change_ci"] = numbers.change_with_interval
    env.filters["signal"] = numbers.signal
    env.filters["forecast"] = numbers.forecast
    env.filters["chance"] = numbers.chance
    env.filters["variation"] = numbers.variation
    env.filters["longdate"] = lambda d: "" if d is None else f"{d.day} {d.strftime('%B %Y')}"
    return env


def template_text(name: str) -> str:
    return files("crimeplan.report").joinpath("templates", name).read_text(encoding="utf-8")


def render_html(pack: BoardPack) -> str:
    env = _environment()
    template = env.from_string(template_text("board_pack.html.j2"))
    css = template_text("board_pack.css")
    return template.render(pack=pack, css=css)
