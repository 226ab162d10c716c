"""Charts: one Altair definition per measure, rendered offline to SVG (HTML, PDF) and PNG
(DOCX), and described in words for screen readers and the DOCX alt text."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest

from crimeplan.report.charts import (
    COLOURS,
    axis_title,
    chart_alt_text,
    month_name,
    render_png,
    render_svg,
    spc_chart,
)
from crimeplan.results.measure import (
    Annotation,
    Comparison,
    MeasureResult,
    SeriesPoint,
    Target,
    Unit,
)
from crimeplan.results.statistics import Rebase, Spc
from crimeplan.stats.spc import PointType, Segment

SVG = "{http://www.w3.org/2000/svg}"


def months(first_year: int, count: int) -> list[str]:
    return [f"{first_year + (3 + i) // 12}-{(3 + i) % 12 + 1:02d}" for i in range(count)]


def measure(
    values: list[float | None], unit: Unit = "count", title: str = "Burglary dwelling"
) -> MeasureResult:
    series = tuple(
        SeriesPoint(month=m, value=v)
        for m, v in zip(months(2011, len(values)), values, strict=True)
    )
    return MeasureResult(
        id="burglary_dwelling",
        title=title,
        kind="count",
        unit=unit,
        improvement="decrease",
        month=series[-1].month,
        month_value=values[-1],
        ytd=None,
        baseline_ytd=None,
        change=None,
        change_pct=None,
        target=None,
        on_course=None,
        series=series,
        comparison=Comparison(basis="year_to_date", current=(series[0].month, series[-1].month)),
    )


VALUES: list[float | None] = [
    *[100, 104, 98, 101, 97, 103, 99, 102, 150, 100, 98, 101],  # a point above the limit
    *[80, 82, None, 79, 81, 78, 83, 80, 79, 82, 81, 80],  # rebased lower, one gap
]


def spc(
    point_types: list[PointType | None],
    mean: float,
    upl: float,
    lpl: float,
    segments: tuple[Segment, ...] = (),
    **changes: Any,
) -> Spc:
    """A control chart over the first months from April 2011, one point type a month."""
    fields: dict[str, Any] = {
        "mean": mean,
        "upl": upl,
        "lpl": lpl,
        "point_types": tuple(point_types),
        "variation_icon": None,
        "assurance_icon": None,
        "segments": segments,
        "target": None,
        "months": tuple(months(2011, len(point_types))),
        "last_point_rules": (),
        "last_run": None,
        "last_close": None,
    }
    return Spc(**{**fields, **changes})


def spc_result() -> Spc:
    types: list[PointType | None] = ["common_cause"] * 24
    types[8] = "special_cause_concern"
    types[14] = None
    for i in range(17, 24):
        types[i] = "special_cause_improvement"
    return spc(
        types,
        mean=80.5,
        upl=87.0,
        lpl=74.0,
        segments=(
            Segment(start_index=0, end_index=11, mean=104.4, upl=140.0, lpl=68.8),
            Segment(start_index=12, end_index=23, mean=80.5, upl=87.0, lpl=74.0),
        ),
        variation_icon="improvement_low",
        assurance_icon="pass",
        target=90,
    )


def charted(m: MeasureResult, chart: Spc | None = None, *notes: Annotation) -> MeasureResult:
    """The measure with its control chart and the interventions its chart marks."""
    return replace(m, spc=chart, annotations=notes)


@pytest.fixture(scope="module")
def svg() -> str:
    lightfoot = Annotation(month="2011-10", text="Operation Lightfoot")
    chart = spc_chart(charted(measure(VALUES), spc_result(), lightfoot))
    return render_svg(chart)


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_svg_is_a_parseable_standalone_document(svg: str) -> None:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width", "0")) > 500


def test_svg_shows_title_axis_target_annotation_and_rebase(svg: str) -> None:
    words = texts(svg)
    assert "Burglary dwelling" in words
    assert "Monthly, April 2011 to March 2013 · mean and process limits (XmR)" in words
    assert "Number" in words  # the y axis of a count
    assert "Target 90" in words
    assert "Operation Lightfoot" in words
    assert "New limits" in words  # a rebase point without a reason
    assert {"Common cause", "Special cause: improvement", "Special cause: concern"} <= set(words)


def test_svg_colours_special_cause_points_as_making_data_count(svg: str) -> None:
    colours = {c.lower() for c in re.findall(r'fill="(#[0-9a-fA-F]{6})"', svg)}
    assert COLOURS["special_cause_improvement"] in colours
    assert COLOURS["special_cause_concern"] in colours
    assert COLOURS["common_cause"] in colours
    strokes = {c.lower() for c in re.findall(r'stroke="(#[0-9a-fA-F]{6})"', svg)}
    assert COLOURS["target"] in strokes
    assert COLOURS["mean_line"] in strokes


def test_svg_refers_to_nothing_outside_itself(svg: str) -> None:
    assert not re.search(r"""(href|src)\s*=\s*["'](https?:|//|file:)""", svg)
    assert "<script" not in svg and "<image" not in svg


def test_mean_and_limits_step_at_the_rebase() -> None:
    spec = spc_chart(charted(measure(VALUES), spc_result())).to_dict()
    datasets = [layer["data"]["values"] for layer in spec["layer"] if "data" in layer]
    segments = next(rows for rows in datasets if rows and "upl" in rows[0])
    assert [(r["segment"], r["month"], r["mean"]) for r in segments] == [
        (0, "2011-04-01", 104.4),
        (0, "2012-03-01", 104.4),
        (1, "2012-04-01", 80.5),
        (1, "2013-03-01", 80.5),
    ]


def test_png_offline_at_scale() -> None:
    chart = spc_chart(charted(measure(VALUES, unit="percent"), spc_result()))
    one, two = render_png(chart, 1), render_png(chart, 2)
    for png in (one, two):
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width_one = struct.unpack(">I", one[16:20])[0]
    width_two = struct.unpack(">I", two[16:20])[0]
    assert width_two == pytest.approx(2 * width_one, abs=2)


def test_without_spc_a_plain_line_chart() -> None:
    chart = spc_chart(measure(VALUES))
    words = texts(render_svg(chart))
    assert "Monthly, April 2011 to March 2013" in words
    assert "New limits" not in words and "Common cause" not in words  # no legend, no limits


def test_all_missing_values_still_render() -> None:
    empty = measure([None] * 6)
    assert render_svg(spc_chart(empty)).startswith("<svg")
    assert chart_alt_text(empty) == (
        "Line chart of Burglary dwelling, monthly from April 2011 to September 2011. "
        "No month has a value. 6 months without a value."
    )


def test_alt_text_describes_the_chart() -> None:
    text = chart_alt_text(charted(measure(VALUES), spc_result()))
    assert text == (
        "XmR (statistical process control) chart of Burglary dwelling, monthly from April "
        "2011 to March 2013. Latest value 80 in March 2013. 1 month without a value. "
        "Mean 80.5, process limits 74 to 87 since the rebase in April 2012. Rebased 1 time. "
        "Special cause variation (concern) in 1 month: December 2011. "
        "Special cause variation (improvement) in 7 months between September 2012 and "
        "March 2013. Target line at 90."
    )


def test_a_rebase_point_shows_its_reason_on_the_chart_and_in_words() -> None:
    reason = "Crime recording audit from April 2012"
    chart = replace(spc_result(), rebases=(Rebase(month="2012-04", reason=reason),))
    rebased = charted(measure(VALUES), chart)
    assert f"New limits: {reason}" in texts(render_svg(spc_chart(rebased)))
    assert f"since the rebase in April 2012 ({reason})." in chart_alt_text(rebased)
    long = replace(chart, rebases=(Rebase(month="2012-04", reason="x" * 60),))
    label = next(
        t
        for t in texts(render_svg(spc_chart(charted(measure(VALUES), long))))
        if t.startswith("New limits")
    )
    assert label == "New limits: " + "x" * 47 + "…"


def test_undefined_limits_are_not_drawn_and_are_said() -> None:
    flat: list[float | None] = [50.0] * 12
    chart = spc(
        ["common_cause"] * 12,
        mean=50.0,
        upl=None,  # type: ignore[arg-type]
        lpl=None,  # type: ignore[arg-type]
        segments=(
            Segment(
                start_index=0,
                end_index=11,
                mean=50.0,
                upl=None,
                lpl=None,
                undefined_limits="no_variation",
            ),
        ),
    )
    charted_flat = charted(measure(flat), chart)
    assert render_svg(spc_chart(charted_flat)).startswith("<svg")
    assert "Mean 50, no process limits as every value is the same." in chart_alt_text(charted_flat)


def test_alt_text_in_per_cent_with_the_plan_target() -> None:
    m = measure([80.0, 81.5, 82.25], unit="percent", title="Victim satisfaction")
    m = replace(m, target=Target(milestone="H1", kind="at_least", value=85.0))
    m = charted(m, spc(["common_cause"] * 3, mean=81.25, upl=84.0, lpl=78.5))
    assert chart_alt_text(m) == (
        "XmR (statistical process control) chart of Victim satisfaction, monthly from April "
        "2011 to June 2011. Latest value 82.2% in June 2011. Mean 81.2%, process limits 78.5% "
        "to 84.0%. No special-cause variation: every month is common cause. "
        "Target line at 85.0%."
    )
    assert "%" in texts(render_svg(spc_chart(m)))


def test_words() -> None:
    assert axis_title("percent") == "%"
    assert axis_title("count") == "Number"
    assert month_name("2013-04") == "April 2013"


def survey(values: list[float | None]) -> MeasureResult:
    """A survey by wave: each point's ``label`` is its wave, ``month`` when it was asked."""
    m = measure(values, unit="percent", title="Confidence in the police")
    series = tuple(
        SeriesPoint(month=p.month, value=p.value, label=str(26 + i)) for i, p in enumerate(m.series)
    )
    comparison = Comparison(
        basis="wave", current=(str(series[-1].label),), baseline=(str(series[-2].label),)
    )
    return replace(m, series=series, comparison=comparison)


def point_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The chart's points (Altair lifts data that every layer shares to the top)."""
    datasets = [spec.get("data"), *(layer.get("data") for layer in spec["layer"])]
    return next(d["values"] for d in datasets if d and "label" in d["values"][0])


def test_a_survey_by_wave_is_subtitled_and_labelled_by_wave() -> None:
    types: list[PointType | None] = ["common_cause"] * 7
    types.append("special_cause_improvement")
    waves = charted(
        survey([80.1, 79.5, None, 80.8, 78.9, 77.6, 80.6, 81.0]),
        spc(types, mean=79.8, upl=82.6, lpl=77.0),
    )
    chart = spc_chart(waves)
    words = texts(render_svg(chart))
    assert "By survey wave, wave 26 to wave 33 · mean and process limits (XmR)" in words
    assert not any(w.startswith("Monthly") for w in words)
    spec = chart.to_dict()
    points = point_rows(spec)
    assert [p["label"] for p in points] == [f"wave {n}" for n in range(26, 34)]
    tooltips = [
        t
        for layer in spec["layer"]
        for t in layer.get("encoding", {}).get("tooltip", [])
        if t["field"] == "label"
    ]
    assert tooltips and all(t["title"] == "Wave" for t in tooltips)
    assert chart_alt_text(waves) == (
        "XmR (statistical process control) chart of Confidence in the police, by survey wave "
        "from wave 26 to wave 33. Latest value 81.0% in wave 33. 1 wave without a value. "
        "Mean 79.8%, process limits 77.0% to 82.6%. "
        "Special cause variation (improvement) in 1 wave: wave 33."
    )


def test_a_monthly_series_keeps_month_labels() -> None:
    spec = spc_chart(charted(measure(VALUES), spc_result())).to_dict()
    points = point_rows(spec)
    assert points[0]["label"] == "April 2011"
