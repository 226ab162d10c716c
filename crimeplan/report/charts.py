"""One chart per measure, for every format: an Altair (Vega-Lite) XmR chart rendered offline.

``spc_chart(measure)`` draws the monthly series (or a survey's waves,
whose points carry a ``label``: subtitled and named by wave) as NHS England's "Making
Data Count" draws an XmR chart: the values as a grey line with points, the mean (black) and
the process limits (dashed grey) of each segment, stepped where the chart was rebased,
special-cause points coloured (blue improvement, orange concern, purple neutral, the
colours of NHSRplotthedots' ``ptd_spc_colours()``), an optional red target line and the
interventions the plan lists as labelled vertical rules. ``render_svg`` (HTML and PDF) and
``render_png`` (DOCX) turn it into an image with vl-convert, which runs Vega in-process:
no browser and no request to any other host. ``chart_alt_text`` says in words what the
chart shows, for screen readers and the DOCX image description.

The chart reads the measure's own results: its series, its control chart
(``MeasureResult.spc``: mean, limits and point type of every segment, the target line in the
series' units) and the interventions the plan marks on it (``MeasureResult.annotations``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import altair as alt
import vl_convert

from crimeplan.periods import MONTH_NAMES
from crimeplan.report import numbers
from crimeplan.results.measure import Annotation, MeasureResult, SeriesPoint
from crimeplan.results.statistics import Spc

#: NHSRplotthedots ``ptd_spc_colours()`` (Making Data Count).
COLOURS = {
    "common_cause": "#7b7d7d",
    "special_cause_improvement": "#289de0",
    "special_cause_concern": "#fab428",
    "special_cause_neutral": "#361475",
    "value_line": "#7b7d7d",
    "mean_line": "#000000",
    "limits": "#7b7d7d",
    "target": "#de1b1b",
    "annotation": "#1d3f72",
}

#: Point types of the SPC result → the words of the legend and the alt text.
VARIATION = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: neutral",
    "special_cause_neutral_low": "Special cause: neutral",
}
_LEGEND = {
    "Common cause": COLOURS["common_cause"],
    "Special cause: improvement": COLOURS["special_cause_improvement"],
    "Special cause: concern": COLOURS["special_cause_concern"],
    "Special cause: neutral": COLOURS["special_cause_neutral"],
}

FONT = "Arial, Helvetica, Liberation Sans, sans-serif"
WIDTH = 560
HEIGHT = 220
VEGA_LITE = "6.4"

_UNIT_TITLES = {"percent": "%", "rate": "Rate", "count": "Number"}


def axis_title(unit: str) -> str:
    """The y-axis title of a unit: ``%`` for per cent, ``Number`` for a count."""
    return _UNIT_TITLES.get(unit, unit.replace("_", " ").capitalize())


def month_name(month: str) -> str:
    """``2013-04`` → ``April 2013``."""
    year, number = month[:4], int(month[5:7])
    return f"{MONTH_NAMES[number - 1]} {year}"


def by_wave(measure: MeasureResult) -> bool:
    """Whether the series is a survey's waves (its points carry a ``label``), not months."""
    return bool(measure.series) and measure.series[-1].label is not None


def point_name(point: SeriesPoint) -> str:
    """A point as the text names it: ``wave 33`` for a survey wave, else ``April 2013``."""
    if point.label is None:
        return month_name(point.month)
    text = str(point.label).strip()
    return f"wave {text}" if text.isdigit() else text


def _span(measure: MeasureResult) -> str:
    """``Monthly, April 2011 to March 2013``, ``By survey wave, wave 26 to wave 33`` or, for a
    rolling year, ``Rolling 12 months to each month, April 2010 to April 2013``."""
    first, last = point_name(measure.series[0]), point_name(measure.series[-1])
    if by_wave(measure):
        what = "By survey wave"
    elif measure.comparison.basis == "rolling_12":
        what = "Rolling 12 months to each month"
    else:
        what = "Monthly"
    return f"{what}, {first} to {last}"


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def _date(month: str) -> str:
    return f"{month[:7]}-01"


def _target_value(measure: MeasureResult) -> float | None:
    if measure.spc is not None and measure.spc.target is not None:
        return float(measure.spc.target)
    if measure.target is not None and measure.target.kind in ("at_least", "at_most"):
        return measure.target.value
    return None


def _point_types(measure: MeasureResult) -> list[str | None]:
    types: list[str | None] = list(measure.spc.point_types) if measure.spc else []
    types += [None] * (len(measure.series) - len(types))
    return types


def _segment_rows(measure: MeasureResult, spc: Spc) -> list[dict[str, Any]]:
    rows = []
    last = len(measure.series) - 1
    for number, segment in enumerate(spc.segments):
        start = max(0, segment.start_index)
        end = min(last, segment.end_index)
        if end < start:
            continue
        for index in (start, end):
            rows.append(
                {
                    "segment": number,
                    "month": _date(measure.series[index].month),
                    "mean": segment.mean,
                    "upl": segment.upl,
                    "lpl": segment.lpl,
                }
            )
    return rows


def spc_chart(measure: MeasureResult) -> alt.LayerChart:
    """The measure's monthly series as a chart; with its control chart (``measure.spc``),
    an XmR chart.

    The plan's ``annotations`` for the measure are drawn as labelled vertical rules. A month
    without a value (``None``) is a gap in the line. The chart has a fixed size (560 × 220 px
    plus title, axes and legend).
    """
    spc = measure.spc
    annotations = measure.annotations
    types = _point_types(measure)
    points = [
        {
            "month": _date(point.month),
            "label": point_name(point),
            "value": point.value,
            "shown": numbers.value(point.value, measure.unit),
            "variation": VARIATION.get(kind or "", "Common cause"),
        }
        for point, kind in zip(measure.series, types, strict=True)
    ]
    x = alt.X(
        "month:T",
        title=None,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8, grid=False),
    )
    y_title = axis_title(measure.unit)
    base = alt.Chart(_data(points))
    line = base.mark_line(
        color=COLOURS["value_line"], strokeWidth=1.5, invalid="break-paths-filter-domains"
    ).encode(x=x, y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)))
    present = {str(p["variation"]) for p in points if p["value"] is not None}
    legend_domain = [name for name in _LEGEND if name in present]
    dots = (
        base.transform_filter("isValid(datum.value)")
        .mark_circle(size=38, opacity=1)
        .encode(
            x=alt.X("month:T"),
            y=alt.Y("value:Q"),
            color=alt.Color(
                "variation:N",
                title=None,
                scale=alt.Scale(
                    domain=legend_domain, range=[_LEGEND[name] for name in legend_domain]
                ),
                legend=alt.Legend(orient="bottom", direction="horizontal")
                if spc is not None
                else None,
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Wave" if by_wave(measure) else "Month"),
                alt.Tooltip("shown:N", title=measure.title),
                alt.Tooltip("variation:N", title="Variation"),
            ],
        )
    )
    layers: list[alt.Chart] = [line, dots]
    if spc is not None:
        layers += _spc_layers(measure, spc)
    target = _target_value(measure)
    if target is not None:
        layers += _target_layers(measure, target)
    layers += _annotation_layers(measure, annotations)
    subtitle = _span(measure)
    if spc is not None:
        subtitle += " · mean and process limits (XmR)"
    chart: alt.LayerChart = (
        alt.layer(*layers)
        .properties(
            width=WIDTH,
            height=HEIGHT,
            title=alt.TitleParams(measure.title, subtitle=subtitle, anchor="start"),
        )
        .configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11)
        .configure_legend(labelFontSize=11, titleFontSize=11)
        .configure_title(fontSize=14, subtitleFontSize=11, subtitleColor="#555555")
    )
    return chart


def _spc_layers(measure: MeasureResult, spc: Spc) -> list[alt.Chart]:
    rows = _segment_rows(measure, spc)
    if not rows:
        return []
    segments = alt.Chart(_data(rows))
    x = alt.X("month:T")
    layers = [
        segments.mark_line(color=COLOURS["mean_line"], strokeWidth=1.2).encode(
            x=x, y=alt.Y("mean:Q"), detail="segment:N"
        )
    ]
    for field in ("upl", "lpl"):
        layers.append(
            segments.transform_filter(f"isValid(datum.{field})")
            .mark_line(color=COLOURS["limits"], strokeWidth=1.2, strokeDash=[5, 3])
            .encode(x=x, y=alt.Y(f"{field}:Q"), detail="segment:N")
        )
    starts = rows[2::2]  # the first row of every segment after the first
    if starts:
        position = {point.month[:7]: i for i, point in enumerate(measure.series)}
        late = 0.6 * len(measure.series)  # labels this far along run leftwards, inside
        rebases = alt.Chart(
            _data(
                [
                    {
                        "month": r["month"],
                        "text": _rebase_label(spc, r),
                        "late": position.get(str(r["month"])[:7], 0) > late,
                    }
                    for r in starts
                ]
            )
        )
        layers.append(
            rebases.mark_rule(color=COLOURS["mean_line"], strokeDash=[2, 2], opacity=0.6).encode(
                x=x
            )
        )
        sides: tuple[tuple[bool, Literal["left", "right"], int], ...] = (
            (False, "left", 3),
            (True, "right", -3),
        )
        for late_rows, align, dx in sides:
            layers.append(
                rebases.transform_filter(f"datum.late == {str(late_rows).lower()}")
                .mark_text(align=align, baseline="top", dx=dx, dy=16, fontSize=11)
                .encode(x=x, y=alt.value(0), text="text:N")
            )
    return layers


#: The longest rebase reason the chart prints in full (the text gives it whole).
REASON_CHARS = 48


def _rebase_label(spc: Spc, row: dict[str, Any]) -> str:
    """``New limits: <the plan's reason>`` at the start of a rebased segment."""
    k = int(row["segment"]) - 1
    reason = spc.rebases[k].reason if 0 <= k < len(spc.rebases) else None
    if not reason:
        return "New limits"
    if len(reason) > REASON_CHARS:
        reason = reason[: REASON_CHARS - 1].rstrip() + "…"
    return f"New limits: {reason}"


def _target_layers(measure: MeasureResult, target: float) -> list[alt.Chart]:
    shown = round(target) if measure.unit == "count" else target  # as the text says it
    rows = [{"target": target, "text": f"Target {numbers.value(shown, measure.unit)}"}]
    chart = alt.Chart(_data(rows))
    return [
        chart.mark_rule(color=COLOURS["target"], strokeWidth=1.2, strokeDash=[8, 4]).encode(
            y=alt.Y("target:Q")
        ),
        chart.mark_text(
            align="right", baseline="bottom", dy=-2, fontSize=11, color=COLOURS["target"]
        ).encode(y=alt.Y("target:Q"), x=alt.value(WIDTH), text="text:N"),
    ]


def _annotation_layers(
    measure: MeasureResult, annotations: Sequence[Annotation]
) -> list[alt.Chart]:
    position = {point.month[:7]: i for i, point in enumerate(measure.series)}
    late = 0.7 * len(measure.series)  # labels this far along run leftwards, inside the chart
    rows = [
        {"month": _date(a.month), "text": a.text, "late": position[a.month[:7]] > late}
        for a in annotations
        if a.month[:7] in position
    ]
    if not rows:
        return []
    chart = alt.Chart(_data(rows))
    layers = [
        chart.mark_rule(color=COLOURS["annotation"], strokeWidth=1).encode(x=alt.X("month:T"))
    ]
    sides: tuple[tuple[bool, Literal["left", "right"], int], ...] = (
        (False, "left", 3),
        (True, "right", -3),
    )
    for late_rows, align, dx in sides:
        layers.append(
            chart.transform_filter(f"datum.late == {str(late_rows).lower()}")
            .mark_text(
                align=align, baseline="top", dx=dx, dy=2, fontSize=11, color=COLOURS["annotation"]
            )
            .encode(x=alt.X("month:T"), y=alt.value(0), text="text:N")
        )
    return layers


def render_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as a standalone SVG document (text as ``<text>``, no external references).

    The spec is not validated against the Vega-Lite schema here (a third of the time of a
    pack's charts); the tests validate every chart the demo draws."""
    return str(vl_convert.vegalite_to_svg(chart.to_dict(validate=False), vl_version=VEGA_LITE))


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """An SVG from ``render_svg`` as PNG bytes: the same drawing, without rendering again."""
    return bytes(vl_convert.svg_to_png(svg, scale=scale))


def render_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes; ``scale`` 2 gives a sharp image at print size."""
    return bytes(vl_convert.vegalite_to_png(chart.to_dict(), vl_version=VEGA_LITE, scale=scale))


def chart_alt_text(measure: MeasureResult) -> str:
    """The chart in words: what it shows, over which months, the latest value, the mean and
    process limits and which months show special-cause variation."""
    spc = measure.spc
    unit = measure.unit
    present = [p for p in measure.series if p.value is not None]
    if not measure.series:
        return f"Chart of {measure.title}: no monthly values."
    first, last = point_name(measure.series[0]), point_name(measure.series[-1])
    kind = "XmR (statistical process control) chart" if spc is not None else "Line chart"
    how = (
        "by survey wave"
        if by_wave(measure)
        else "rolling 12 months to each month"
        if measure.comparison.basis == "rolling_12"
        else "monthly"
    )
    unit_word = "wave" if by_wave(measure) else "month"
    text = [f"{kind} of {measure.title}, {how} from {first} to {last}."]
    if present:
        latest = present[-1]
        text.append(f"Latest value {numbers.value(latest.value, unit)} in {point_name(latest)}.")
    else:
        text.append(f"No {unit_word} has a value.")
    missing = len(measure.series) - len(present)
    if missing:
        text.append(f"{missing} {unit_word}{'s' if missing != 1 else ''} without a value.")
    if spc is not None:
        text += _spc_words(measure, spc)
    target = _target_value(measure)
    if target is not None:
        text.append(f"Target line at {numbers.value(target, unit)}.")
    return " ".join(text)


def _spc_words(measure: MeasureResult, spc: Spc) -> list[str]:
    unit = measure.unit
    words = []
    segments = spc.segments
    if spc.mean is not None:
        limits = ""
        if spc.lpl is not None and spc.upl is not None:
            limits = (
                f", process limits {numbers.value(spc.lpl, unit)} to {numbers.value(spc.upl, unit)}"
            )
        since = ""
        if len(segments) > 1:
            start = segments[-1].start_index
            if 0 <= start < len(measure.series):
                since = f" since the rebase in {point_name(measure.series[start])}"
                reason = spc.rebases[-1].reason if len(spc.rebases) == len(segments) - 1 else None
                if reason:
                    since += f" ({reason})"
        elif spc.lpl is None and segments and segments[-1].undefined_limits == "no_variation":
            limits = ", no process limits as every value is the same"
        words.append(f"Mean {numbers.value(spc.mean, unit)}{limits}{since}.")
    if len(segments) > 1:
        words.append(f"Rebased {len(segments) - 1} time{'s' if len(segments) > 2 else ''}.")
    unit_word = "wave" if by_wave(measure) else "month"
    special: dict[str, list[str]] = {}
    for point, kind in zip(measure.series, _point_types(measure), strict=True):
        if kind and kind != "common_cause":
            label = VARIATION[kind].removeprefix("Special cause: ")
            special.setdefault(label, []).append(point_name(point))
    if not special:
        words.append(f"No special-cause variation: every {unit_word} is common cause.")
    for label, names in special.items():
        count = len(names)
        where = f": {', '.join(names)}" if count <= 6 else f" between {names[0]} and {names[-1]}"
        plural = "s" if count != 1 else ""
        words.append(f"Special cause variation ({label}) in {count} {unit_word}{plural}{where}.")
    return words
