"""XmR charts: every rule at its boundary, icons, rebasing, fixing, missing values, the
JSON input and the ``crimeplan spc`` command, Hypothesis properties, and reference values
from NHSRplotthedots' own tests (tests/stats/reference/spc_nhsrplotthedots.json, whose
PROVENANCE names the repository, files, commits and what was copied)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from crimeplan.cli import cli
from crimeplan.errors import CrimeplanError
from crimeplan.stats.spc import CLOSE, LIMIT, SCREEN, spc_from_json, suggested_rebase, xmr_chart

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "spc_nhsrplotthedots.json").read_text(encoding="utf-8")
)

# Twelve points that fix the limits (fix_after_n_points=12): mean 10, mean moving range 2,
# limits 10 ± 5.32, "close" beyond 10 ± 3.5467. Points after them are judged against these.
BASE = [9.0, 11.0] * 6
UPL = 10 + LIMIT * 2
NEAR = 10 + CLOSE * 2


def fixed(after: list[float], direction: str = "increase", **kw):  # type: ignore[no-untyped-def]
    return xmr_chart(BASE + after, direction, fix_after_n_points=12, **kw)  # type: ignore[arg-type]


def flagged(flags: tuple[bool, ...]) -> list[int]:
    return [i for i, f in enumerate(flags) if f]


# --- reference values from NHSRplotthedots --------------------------------------------


def test_reference_mean_and_limits_match_nhsrplotthedots() -> None:
    y, r1 = REFERENCE["rnorm_20"], REFERENCE["r1"]
    chart = xmr_chart(y, r1["improvement_direction"])
    assert chart.mean == pytest.approx(r1["mean"], abs=5e-8)
    assert chart.lpl == pytest.approx(r1["lpl"], abs=5e-6)
    assert chart.upl == pytest.approx(r1["upl"], abs=5e-7)
    sides = [int(math.copysign(1, v - chart.mean)) for v in y]
    assert sides[: len(r1["relative_to_mean_first"])] == r1["relative_to_mean_first"]
    assert chart.point_types.count("common_cause") == r1["common_cause"]


@pytest.mark.parametrize("case", ["r2", "r3"])
def test_reference_screening_changes_limits_as_nhsrplotthedots_does(case: str) -> None:
    expected = REFERENCE[case]
    y = list(REFERENCE["rnorm_20"])
    y[expected["set_index"]] = expected["set_value"]
    chart = xmr_chart(y, screen_outliers=expected["screen_outliers"])
    assert chart.mean == pytest.approx(expected["mean"], abs=5e-8)
    assert chart.lpl == pytest.approx(expected["lpl"], abs=5e-7)
    assert chart.upl == pytest.approx(expected["upl"], abs=5e-7)
    if "relative_to_mean_first" in expected:
        sides = [int(math.copysign(1, v - chart.mean)) for v in y]
        assert (
            sides[: len(expected["relative_to_mean_first"])] == (expected["relative_to_mean_first"])
        )


def test_reference_rebased_halves_match_nhsrplotthedots_facets() -> None:
    halves = REFERENCE["halves"]
    chart = xmr_chart(REFERENCE["rnorm_20"], rebase_at_index=halves["rebase_at_index"])
    assert [(s.start_index, s.end_index) for s in chart.segments] == [(0, 9), (10, 19)]
    for segment, expected in zip(chart.segments, halves["segments"], strict=True):
        for key in ("mean", "lpl", "upl"):
            got = getattr(segment, key)
            assert float(f"{got:.{halves['significant_figures']}g}") == expected[key]


def test_reference_two_in_three_needs_all_three_on_one_side() -> None:
    case = REFERENCE["two_in_three_opposite_sides"]
    chart = xmr_chart(case["values"], case["improvement_direction"])
    assert list(chart.point_types[-2:]) == case["last_two_point_types"]


@pytest.mark.parametrize("case", REFERENCE["seven_point_trend"], ids=lambda c: c["r"])
def test_reference_seven_point_trend(case: dict) -> None:  # type: ignore[type-arg]
    assert flagged(xmr_chart(case["values"]).trend) == case["trend_points"]


# --- the rules at their boundaries ------------------------------------------------------

ABOVE_7 = [10.5, 11.5, 10.5, 11.5, 10.5, 11.5, 10.5]


def test_a_run_of_six_is_not_a_shift_and_a_run_of_seven_is() -> None:
    six = xmr_chart(ABOVE_7[:6] + [20 - v for v in ABOVE_7[:6]], "increase")
    assert six.mean == 10 and not any(six.shift)
    assert set(six.point_types) == {"common_cause"}

    seven = xmr_chart(ABOVE_7 + [20 - v for v in ABOVE_7], "increase")
    assert seven.mean == 10 and all(seven.shift)
    assert seven.point_types == ("special_cause_improvement",) * 7 + ("special_cause_concern",) * 7
    assert not any(seven.trend) and not any(seven.two_in_three) and not any(seven.outside_limits)


def test_a_point_exactly_on_the_mean_breaks_a_run() -> None:
    above = [10.5, 11.5, 10.5, 10.0, 10.5, 11.5, 10.5]
    chart = xmr_chart(above + [20 - v for v in above], "increase")
    assert chart.mean == 10
    assert not any(chart.shift)
    assert set(chart.point_types) == {"common_cause"}


def test_a_trend_of_seven_points_may_cross_the_mean() -> None:
    chart = fixed([7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0])
    assert flagged(chart.trend) == list(range(12, 19))
    assert chart.point_types[12:] == ("special_cause_improvement",) * 7
    assert not any(chart.outside_limits) and not any(chart.shift)


def test_six_points_or_a_tie_are_not_a_trend() -> None:
    assert not any(fixed([8.0, 9.0, 10.0, 11.0, 12.0, 13.0]).trend)
    tie = fixed([7.0, 8.0, 9.0, 9.0, 10.0, 11.0, 12.0, 13.0])
    assert not any(tie.trend)
    assert set(tie.point_types) == {"common_cause"}


def test_two_of_three_flags_only_the_close_points() -> None:
    chart = fixed([14.0, 12.0, 14.0])
    assert 10 + CLOSE * 2 < 14 < UPL
    assert flagged(chart.two_in_three) == [12, 14]
    assert chart.point_types[12:] == (
        "special_cause_improvement",
        "common_cause",
        "special_cause_improvement",
    )


def test_two_of_three_with_a_point_beyond_the_limit() -> None:
    # one close point and one outside: not two of three; the outside point is flagged alone
    chart = fixed([14.0, 16.0, 12.0])
    assert not any(chart.two_in_three)
    assert flagged(chart.outside_limits) == [13]
    assert chart.point_types[12:] == ("common_cause", "special_cause_improvement", "common_cause")
    # two close points and one outside in the same three: the close ones are flagged
    both = fixed([14.0, 16.0, 14.0])
    assert flagged(both.two_in_three) == [12, 14]


def test_two_of_three_needs_points_strictly_beyond_two_thirds() -> None:
    assert not any(fixed([NEAR, 12.0, NEAR]).two_in_three)
    assert flagged(fixed([math.nextafter(NEAR, 99), 12.0, 14.0]).two_in_three) == [12, 14]


def test_a_point_on_a_limit_is_not_outside() -> None:
    assert not any(fixed([UPL]).outside_limits)
    assert flagged(fixed([math.nextafter(UPL, 99)]).outside_limits) == [12]
    assert flagged(fixed([math.nextafter(10 - LIMIT * 2, -99)]).outside_limits) == [12]


def test_outside_the_limits_comes_before_a_trend() -> None:
    # a rising trend that starts below the lower limit: that point is a low one (concern)
    chart = fixed([4.0, 6.0, 7.0, 8.0, 9.0, 10.0, 10.5])
    assert flagged(chart.trend) == list(range(12, 19))
    assert flagged(chart.outside_limits) == [12]
    assert chart.point_types[12] == "special_cause_concern"
    assert chart.point_types[13:] == ("special_cause_improvement",) * 6


def test_a_trend_comes_before_a_shift_and_two_of_three() -> None:
    # seven points above the mean, falling, the first two close to the upper limit
    # (the base's last point, 11, is above the mean too, so the shift starts there)
    chart = fixed([14.2, 13.8, 13.0, 12.6, 12.2, 11.8, 11.4])
    assert flagged(chart.shift) == list(range(11, 19))
    assert flagged(chart.two_in_three) == [12, 13]
    assert flagged(chart.trend) == list(range(12, 19))
    assert chart.point_types[11] == "special_cause_improvement"  # shift only: high
    assert chart.point_types[12:] == ("special_cause_concern",) * 7  # the falling trend


def test_a_turning_point_takes_the_direction_of_the_following_trend() -> None:
    up, down = [7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0], [12.0, 11.0, 10.0, 9.0, 8.0, 7.0]
    chart = fixed(up + down)
    assert flagged(chart.trend) == list(range(12, 25))
    assert chart.point_types[17] == "special_cause_improvement"
    assert chart.point_types[18] == "special_cause_concern"  # the peak: the falling trend
    assert chart.point_types[24] == "special_cause_concern"


def test_a_rising_trend_followed_by_a_separate_rising_trend_keeps_its_direction() -> None:
    # R would label the last point of the first trend "decreasing" (see the module docstring)
    chart = fixed([4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5] + [5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0])
    assert flagged(chart.trend) == list(range(12, 26))
    assert chart.point_types[18] == "special_cause_improvement"


# --- point types and icons ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "last", "point_type", "icon"),
    [
        ("increase", 20.0, "special_cause_improvement", "improvement_high"),
        ("increase", 0.0, "special_cause_concern", "concern_low"),
        ("decrease", 20.0, "special_cause_concern", "concern_high"),
        ("decrease", 0.0, "special_cause_improvement", "improvement_low"),
        ("neutral", 20.0, "special_cause_neutral_high", "neutral_high"),
        ("neutral", 0.0, "special_cause_neutral_low", "neutral_low"),
        ("increase", 10.0, "common_cause", "common_cause"),
    ],
)
def test_point_types_and_variation_icon_from_the_last_point(
    direction: str, last: float, point_type: str, icon: str
) -> None:
    chart = fixed([last], direction)
    assert chart.point_types[-1] == point_type
    assert chart.variation_icon == icon


def test_the_variation_icon_looks_only_at_the_last_point() -> None:
    chart = fixed([20.0, 10.0], "increase")
    assert chart.point_types[-2] == "special_cause_improvement"
    assert chart.variation_icon == "common_cause"


@pytest.mark.parametrize(
    ("direction", "target", "icon"),
    [
        ("increase", 4.0, "pass"),
        ("increase", 16.0, "fail"),
        ("increase", 10.0, "inconsistent"),
        ("increase", UPL, "inconsistent"),
        ("increase", 10 - LIMIT * 2, "inconsistent"),
        ("decrease", 4.0, "fail"),
        ("decrease", 16.0, "pass"),
        ("decrease", UPL, "inconsistent"),
        ("neutral", 4.0, None),
        ("increase", None, None),
    ],
)
def test_assurance_icon(direction: str, target: float | None, icon: str | None) -> None:
    chart = xmr_chart(BASE, direction, target=target)  # type: ignore[arg-type]
    assert (chart.lpl, chart.upl) == (10 - LIMIT * 2, UPL)
    assert chart.assurance_icon == icon


def test_assurance_uses_the_last_segment() -> None:
    chart = xmr_chart(BASE + [x + 100 for x in BASE], "increase", 50, rebase_at_index=[12])
    assert chart.mean == 110 and chart.assurance_icon == "pass"


# --- segments: rebasing, fixing, short and flat ------------------------------------------


def test_rebasing_computes_each_segment_on_its_own() -> None:
    values = [10.0, 12.0] * 6 + [20.0, 22.0] * 6
    plain = xmr_chart(values, "decrease")
    assert all(plain.shift)
    rebased = xmr_chart(values, "decrease", rebase_at_index=[12])
    assert [(s.start_index, s.end_index, s.mean) for s in rebased.segments] == [
        (0, 11, 11),
        (12, 23, 21),
    ]
    # the moving range 12 -> 20 across the rebase point belongs to neither segment
    assert rebased.segments[1].upl == pytest.approx(21 + LIMIT * 2)
    assert (rebased.mean, rebased.upl, rebased.lpl) == (21, rebased.segments[1].upl, 21 - 5.32)
    assert set(rebased.point_types) == {"common_cause"}


def test_rules_do_not_run_across_a_rebase_point() -> None:
    values = BASE + [7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0] + BASE
    assert flagged(xmr_chart(values).trend) == list(range(12, 19))
    assert not any(xmr_chart(values, rebase_at_index=[15]).trend)


def test_rebase_at_zero_or_twice_changes_nothing() -> None:
    values = REFERENCE["rnorm_20"]
    assert xmr_chart(values, rebase_at_index=[0, 0]) == xmr_chart(values)


def test_fix_after_n_points_takes_the_limits_from_the_first_n() -> None:
    values = BASE + [30.0, 31.0, 29.0]
    chart = xmr_chart(values, "increase", fix_after_n_points=12)
    assert (chart.mean, chart.upl, chart.lpl) == (10, UPL, 10 - LIMIT * 2)
    assert chart.point_types[12:] == ("special_cause_improvement",) * 3
    assert xmr_chart(values).mean != 10
    # within each segment when rebased too
    rebased = xmr_chart(values + BASE, fix_after_n_points=12, rebase_at_index=[15])
    assert [s.mean for s in rebased.segments] == [10, 10]


@pytest.mark.parametrize("n", [11, 0, -3])
def test_fix_after_fewer_than_twelve_points_is_refused(n: int) -> None:
    with pytest.raises(CrimeplanError) as error:
        xmr_chart(BASE, fix_after_n_points=n)
    assert str(error.value) == f"fix_after_n_points: expected at least 12 (or null), got {n}"


def test_rebase_index_outside_the_series_is_refused() -> None:
    with pytest.raises(CrimeplanError) as error:
        xmr_chart([1, 2, 3], rebase_at_index=[3])
    assert str(error.value) == (
        "rebase_at_index: 3 is not a position in the series (expected 0-based indices, 0 to 2)"
    )


def test_all_equal_values_under_screening_have_undefined_limits() -> None:
    """NHSRplotthedots, R/ptd_spc_standard.R @ 090abfa69488e0e48086e80e07dd2b915dcb650e:
    ``amr = mean(mr)``; screening keeps ``mr < 3.267 * amr`` (none, when ``amr`` is 0) and
    ``amr = mean(mr, na.rm = TRUE)`` of none is NaN, so ``lpl`` and ``upl`` are NaN."""
    chart = xmr_chart([5.0] * 10, "increase", target=5)
    assert (chart.mean, chart.upl, chart.lpl) == (5, None, None)
    assert chart.segments[0].undefined_limits == "no_variation"
    assert set(chart.point_types) == {"common_cause"}
    assert not any(chart.outside_limits) and not any(chart.two_in_three)
    assert chart.assurance_icon is None
    assert chart.to_dict()["segments"][0]["undefined_limits"] == "no_variation"


def test_all_equal_values_without_screening_have_limits_equal_to_the_mean() -> None:
    """Without screening R's ``amr`` is 0 and the limits are the mean (the same file)."""
    chart = xmr_chart([5.0] * 10, "increase", target=5, screen_outliers=False)
    assert (chart.mean, chart.upl, chart.lpl) == (5, 5, 5)
    assert chart.segments[0].undefined_limits is None
    assert chart.assurance_icon == "inconsistent"
    assert "undefined_limits" not in chart.to_dict()["segments"][0]


def test_one_jump_screened_out_leaves_limits_at_the_mean_as_in_r() -> None:
    """Nine moving ranges of 0 and one of 1: the mean range 0.1 screens out the 1 (not
    below 0.3267), the kept ranges average 0, as R computes: limits at the mean, defined."""
    jump = xmr_chart([5.0] * 10 + [6.0], "increase")
    assert jump.upl == jump.lpl == jump.mean == pytest.approx(56 / 11)
    assert jump.segments[0].undefined_limits is None
    assert jump.point_types[-1] == "special_cause_improvement"


def test_a_rebased_segment_of_equal_values_has_undefined_limits() -> None:
    chart = xmr_chart(BASE + [7.0] * 12, "decrease", rebase_at_index=[12])
    assert chart.segments[0].upl == UPL and chart.segments[0].undefined_limits is None
    assert (chart.mean, chart.upl, chart.lpl) == (7, None, None)
    assert chart.segments[1].undefined_limits == "no_variation"


# --- suggested rebase at a sustained shift --------------------------------------------


def test_a_shift_that_lasts_is_suggested_from_its_first_point() -> None:
    values = BASE + [14.0, 15.0, 14.0, 15.0, 14.0, 15.0, 14.0, 15.0]
    chart = xmr_chart(values, "decrease")
    found = suggested_rebase(chart, values)
    assert found is not None
    # the mean of all 20 is 11.6: the last 8 are above it, the first 12 alternate
    assert (found.index, found.months, found.side) == (12, 8, "above")
    rebased = xmr_chart(values, "decrease", rebase_at_index=[found.index])
    assert suggested_rebase(rebased, values) is None


def test_a_shift_that_came_back_or_begins_the_segment_is_not_suggested() -> None:
    back = BASE + [14.0] * 7 + BASE
    assert any(xmr_chart(back).shift)
    assert suggested_rebase(xmr_chart(back), back) is None
    # the run below the mean begins the series (the segment): nothing to rebase at
    low_first = [1.0] * 7 + [9.0, 10.0] * 3 + [1.0]
    chart = xmr_chart(low_first)
    assert chart.shift[0] and suggested_rebase(chart, low_first) is None


def test_a_six_point_run_is_not_a_shift_to_suggest() -> None:
    values = BASE + [14.0] * 6
    assert suggested_rebase(xmr_chart(values), values) is None
    longer = values + [14.0]
    found = suggested_rebase(xmr_chart(longer), longer)
    assert found is not None and (found.index, found.months) == (12, 7)


def test_missing_values_neither_break_nor_lengthen_a_suggested_shift() -> None:
    values: list[float | None] = [*BASE, 14.0, 14.0, None, 14.0, 14.0, 14.0, 14.0, 14.0]
    found = suggested_rebase(xmr_chart(values), values)
    assert found is not None and (found.index, found.months) == (12, 7)


def test_short_segments_have_no_limits() -> None:
    one = xmr_chart([7.0], "increase", target=3)
    assert (one.mean, one.upl, one.lpl) == (7, None, None)
    assert one.point_types == ("common_cause",)
    assert (one.variation_icon, one.assurance_icon) == ("common_cause", None)
    last_alone = xmr_chart(BASE + [40.0], "increase", target=3, rebase_at_index=[12])
    assert (last_alone.mean, last_alone.upl, last_alone.assurance_icon) == (40, None, None)
    assert last_alone.segments[0].upl == UPL


def test_no_values() -> None:
    assert xmr_chart([]).to_dict() == {
        "mean": None,
        "upl": None,
        "lpl": None,
        "point_types": [],
        "variation_icon": None,
        "assurance_icon": None,
        "segments": [],
    }


def test_missing_values_are_left_out() -> None:
    chart = xmr_chart([1.0, None, 5.0, float("nan"), 6.0, 7.0], "increase")
    assert chart.mean == pytest.approx(19 / 4)
    # moving ranges only between neighbouring months that are both present: |7 - 6|
    assert chart.upl == pytest.approx(19 / 4 + LIMIT * 1)
    assert chart.point_types[1] is None and chart.point_types[3] is None
    assert chart.point_types[0] == "special_cause_concern"  # 1 < lpl 2.09
    only_missing = xmr_chart([None, None])
    assert only_missing.point_types == (None, None) and only_missing.mean is None
    assert xmr_chart([3.0, 4.0, None]).variation_icon == "common_cause"


def test_a_gap_neither_breaks_nor_lengthens_a_run() -> None:
    with_gap = fixed([7.0, 8.0, 9.0, None, 10.0, 11.0, 12.0, 13.0])  # type: ignore[list-item]
    assert flagged(with_gap.trend) == [12, 13, 14, 16, 17, 18, 19]
    assert not any(fixed([8.0, 9.0, None, 10.0, 11.0, 12.0, 13.0]).trend)  # type: ignore[list-item]


def test_infinite_values_are_refused() -> None:
    with pytest.raises(CrimeplanError) as error:
        xmr_chart([1, float("inf")])
    assert str(error.value) == "values[1]: expected a finite number or null, got inf"


# --- Hypothesis properties --------------------------------------------------------------

series = st.lists(st.integers(-1000, 1000).map(float), min_size=1, max_size=40)


def clear_of_boundaries(values: list[float]) -> bool:
    """True when no value sits (nearly) on a limit or 2/3 line and no moving range on the
    screening cut-off, where rounding after a shift or scaling could tip a comparison."""
    chart = xmr_chart(values)
    if chart.upl is None or chart.mean is None:
        return True
    mean_range = (chart.upl - chart.mean) / LIMIT
    lines = [chart.upl, chart.lpl, chart.mean + CLOSE * mean_range, chart.mean - CLOSE * mean_range]
    tolerance = 1e-6 * max(1.0, *map(abs, values))
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    raw = sum(ranges) / len(ranges)
    return all(abs(v - line) > tolerance for v in values for line in lines) and all(
        abs(r - SCREEN * raw) > tolerance for r in ranges
    )


@given(series, st.integers(-10_000, 10_000), st.sampled_from(["increase", "decrease", "neutral"]))
def test_adding_a_constant_moves_every_limit_and_keeps_point_types(values, c, direction) -> None:  # type: ignore[no-untyped-def]
    assume(clear_of_boundaries(values))
    before = xmr_chart(values, direction)
    after = xmr_chart([v + c for v in values], direction)
    assert after.mean == pytest.approx(before.mean + c, abs=1e-9)
    if before.upl is None:
        assert after.upl is None
    else:
        assert after.upl == pytest.approx(before.upl + c, abs=1e-9)
        assert after.lpl == pytest.approx(before.lpl + c, abs=1e-9)
    assert after.point_types == before.point_types


@given(series, st.floats(0.01, 1000), st.integers(-6, 6))
def test_scaling_by_a_positive_factor_scales_the_limits(values, k, e) -> None:  # type: ignore[no-untyped-def]
    assume(clear_of_boundaries(values))
    before = xmr_chart(values, "increase")
    after = xmr_chart([v * k for v in values], "increase")
    if before.upl is not None:
        assert after.upl == pytest.approx(before.upl * k, rel=1e-9, abs=1e-9)
        assert after.lpl == pytest.approx(before.lpl * k, rel=1e-9, abs=1e-9)
    # scaling by a power of two is exact, so every comparison comes out the same
    exact = xmr_chart([v * 2.0**e for v in values], "increase")
    assert exact.point_types == before.point_types


SWAP = {
    "special_cause_improvement": "special_cause_concern",
    "special_cause_concern": "special_cause_improvement",
    "improvement_high": "concern_high",
    "improvement_low": "concern_low",
    "concern_high": "improvement_high",
    "concern_low": "improvement_low",
    "pass": "fail",
    "fail": "pass",
}


@given(series, st.integers(-1000, 1000))
def test_reversing_the_improvement_direction_swaps_improvement_and_concern(values, t) -> None:  # type: ignore[no-untyped-def]
    up = xmr_chart(values, "increase", target=t)
    down = xmr_chart(values, "decrease", target=t)
    assert down.point_types == tuple(SWAP.get(p, p) for p in up.point_types)  # type: ignore[arg-type]
    assert down.variation_icon == SWAP.get(up.variation_icon, up.variation_icon)  # type: ignore[arg-type]
    assert down.assurance_icon == SWAP.get(up.assurance_icon, up.assurance_icon)  # type: ignore[arg-type]


@given(st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), min_size=1, max_size=40))
def test_reversing_the_series_keeps_the_mean_and_the_limits(values) -> None:  # type: ignore[no-untyped-def]
    forward = xmr_chart(values)
    backward = xmr_chart(values[::-1])
    assert backward.mean == forward.mean
    assert backward.upl == forward.upl and backward.lpl == forward.lpl


# --- JSON input and the command ---------------------------------------------------------


def test_spc_from_json_gives_the_issue_shape() -> None:
    result = spc_from_json(
        {"values": [1, 2, None, 4], "target": 2, "improvement_direction": "increase"}
    )
    assert list(result) == [
        "mean",
        "upl",
        "lpl",
        "point_types",
        "variation_icon",
        "assurance_icon",
        "segments",
    ]
    assert result["point_types"][2] is None
    assert list(result["segments"][0]) == ["start_index", "end_index", "mean", "upl", "lpl"]


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ({}, "field 'values' is missing (expected a list of numbers or nulls)"),
        (
            {"values": [1], "target_value": 3},
            "unknown field 'target_value' (expected only: values, improvement_direction, "
            "target, rebase_at_index, screen_outliers, fix_after_n_points)",
        ),
        ({"values": [1, "2"]}, "field 'values[1]': expected a number or null, got \"2\""),
        ({"values": "1, 2"}, "field 'values': expected a list of numbers or nulls, got \"1, 2\""),
        (
            {"values": [1], "improvement_direction": "up"},
            "field 'improvement_direction': expected one of 'increase', 'decrease', "
            "'neutral', got \"up\"",
        ),
        ({"values": [1], "target": True}, "field 'target': expected a number or null, got true"),
        (
            {"values": [1], "rebase_at_index": [1.5]},
            "field 'rebase_at_index[0]': expected an integer (a 0-based index), got 1.5",
        ),
        (
            {"values": [1], "screen_outliers": "no"},
            "field 'screen_outliers': expected true or false, got \"no\"",
        ),
        (
            {"values": [1], "fix_after_n_points": 6},
            "fix_after_n_points: expected at least 12 (or null), got 6",
        ),
        (
            [1, 2],
            "expected a JSON object with 'values', got a list (e.g. {\"values\": [12, 15, 11], "
            '"improvement_direction": "decrease"})',
        ),
    ],
)
def test_spc_from_json_errors_are_one_line(obj, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CrimeplanError) as error:
        spc_from_json(obj)
    assert str(error.value) == message


def run(stdin: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["spc"], input=stdin)


def test_command_object_in_object_out() -> None:
    obj = {"values": REFERENCE["rnorm_20"], "improvement_direction": "increase", "target": 0.5}
    result = run(json.dumps(obj))
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out == xmr_chart(REFERENCE["rnorm_20"], "increase", 0.5).to_dict()
    assert out["assurance_icon"] == "inconsistent"
    assert out["mean"] == pytest.approx(0.1416238, abs=5e-8)


def test_command_list_in_list_out() -> None:
    result = run(json.dumps([{"values": [1, 2, 3]}, {"values": [5.0] * 3, "target": 5}]))
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert isinstance(out, list) and len(out) == 2
    assert out[1]["upl"] is None and out[1]["assurance_icon"] is None
    assert out[1]["segments"][0]["undefined_limits"] == "no_variation"
    assert json.loads(run("[]").output) == []


def test_command_bad_json_names_line_and_column() -> None:
    result = run('{"values": [1, 2,\n  ]}')
    assert result.exit_code == 1
    assert result.output == (
        "Error: stdin is not valid JSON: Expecting value at line 2, column 3 "
        '(expected one object or a list of objects, e.g. {"values": [12, 15, 11]})\n'
    )


def test_command_bad_item_names_its_position() -> None:
    result = run(json.dumps([{"values": [1]}, {"values": [1], "target": "x"}]))
    assert result.exit_code == 1
    assert result.output == "Error: item 1: field 'target': expected a number or null, got \"x\"\n"


def test_command_bad_object() -> None:
    result = run(json.dumps({"values": [1, 2], "rebase_at_index": [5]}))
    assert result.exit_code == 1
    assert result.output == (
        "Error: rebase_at_index: 5 is not a position in the series "
        "(expected 0-based indices, 0 to 1)\n"
    )
