"""Difference in differences / WDD test and the permutation test, against published values.

References and their provenance:

- Wheeler, A. P. & Ratcliffe, J. H. (2018), "A simple weighted displacement difference test
  to evaluate place based crime interventions", Crime Science 7:11. Its worked example, as
  the R package ptools (apwheele/ptools, tests/testthat/test-wdd.R, "Est & Variance Paper")
  checks it: ``wdd(control = c(308, 318), treated = c(207, 110), disp_control = c(150, 140),
  disp_treated = c(178, 157), alpha = 0.05)`` gives a total WDD of -118, standard error
  sqrt(1568), z = -2.98 (rounded) and a 95 % interval of -196 to -40 (rounded).
- ptools' test "Time Weights" (from https://andrewpwheeler.com/2021/01/09/
  the-wdd-test-with-different-pre-post-time-periods/): ``wdd(c(100, 50), c(80, 20),
  time_weights = c(2, 1))`` gives -20 with standard error sqrt(115).
- ptools' ``wdd`` help example: ``wdd(c(0, 20), c(0, 10))`` then ``pnorm(Z) * 2`` is "~0.068".
- The incidence rate ratio: statsmodels' Poisson GLM with a treatment × after interaction on
  the four counts (a saturated model; the interaction is the log ratio).
- The permutation test: ``scipy.stats.permutation_test`` with
  ``permutation_type="independent"`` (exact when it enumerates every split).
"""

from __future__ import annotations

import json
import math
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner, Result
from scipy import stats

from crimeplan.cli import cli
from crimeplan.codec import from_dict
from crimeplan.data.store import Store
from crimeplan.periods import months_between
from crimeplan.report.narrative.experiments import note_text, so_far
from crimeplan.results.experiments import ExperimentResult
from crimeplan.stats.experiment import (
    difference_in_differences,
    permutation_interval,
    permutation_test,
)
from tests.support.stores import load_areas, load_rows


def test_wdd_paper_worked_example() -> None:
    # ptools argument order is (control, treated, disp_control, disp_treated), each (pre, post)
    result = difference_in_differences(
        207,
        110,
        308,
        318,
        displacement_before=178,
        displacement_after=157,
        displacement_control_before=150,
        displacement_control_after=140,
    )
    assert result.wdd.estimate == -118
    assert result.wdd.se == pytest.approx(math.sqrt(1568))
    assert round(result.wdd.z, 2) == -2.98  # type: ignore[arg-type]
    assert round(result.wdd.ci95[0]) == -196
    assert round(result.wdd.ci95[1]) == -40
    # the local and displacement parts, as ptools' Est_Local / Est_Displace compute them
    assert result.did.estimate == (110 - 207) - (318 - 308) == -107
    assert result.did.se == pytest.approx(math.sqrt(207 + 110 + 308 + 318))
    assert result.displacement is not None
    assert result.displacement.estimate == (157 - 178) - (140 - 150) == -11
    assert result.displacement.se == pytest.approx(25.0)
    assert result.wdd.p_value == pytest.approx(2 * stats.norm.sf(118 / math.sqrt(1568)))


def test_time_weights_blog_example() -> None:
    result = difference_in_differences(80, 20, 100, 50, time_weights=(2, 1))
    assert result.did.estimate == pytest.approx(-20)
    assert result.did.se == pytest.approx(math.sqrt(115))


def test_no_before_counts_help_example() -> None:
    result = difference_in_differences(0, 10, 0, 20)
    assert result.did.p_value == pytest.approx(0.068, abs=5e-4)
    assert result.ratio is None and result.ratio_ci95 is None


def test_without_displacement_wdd_is_the_did() -> None:
    result = difference_in_differences(60, 40, 50, 50)
    assert result.wdd == result.did
    assert result.displacement is None
    assert result.did.estimate == -20
    assert result.did.se == pytest.approx(math.sqrt(200))
    assert result.did.p_value == pytest.approx(2 * stats.norm.sf(20 / math.sqrt(200)))


def test_displacement_without_its_control_counts_as_zero_like_ptools() -> None:
    result = difference_in_differences(
        20, 10, 20, 20, displacement_before=30, displacement_after=20
    )
    assert result.displacement is not None
    assert result.displacement.estimate == -10
    assert result.wdd.estimate == -20
    assert result.wdd.se == pytest.approx(math.sqrt(20 + 10 + 20 + 20 + 30 + 20))


def test_all_zero_counts_have_no_test() -> None:
    result = difference_in_differences(0, 0, 0, 0)
    assert result.did.estimate == 0 and result.did.se == 0
    assert result.did.z is None and result.did.p_value is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"treatment_before": -1},
        {"control_after": 2.5},
        {"displacement_before": 3},
        {"displacement_control_before": 3, "displacement_control_after": 3},
        {"time_weights": (0, 1)},
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {
        "treatment_before": 1,
        "treatment_after": 1,
        "control_before": 1,
        "control_after": 1,
    }
    args.update(kwargs)
    with pytest.raises(ValueError):
        difference_in_differences(**args)  # type: ignore[arg-type]


def test_rate_ratio_against_statsmodels_poisson_glm() -> None:
    import statsmodels.api as sm

    counts = np.array([207, 110, 308, 318])  # T0, T1, C0, C1
    treated = np.array([1, 1, 0, 0])
    after = np.array([0, 1, 0, 1])
    design = np.column_stack([np.ones(4), treated, after, treated * after])
    # a saturated model: no residual degrees of freedom, which statsmodels warns about
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(counts, design, family=sm.families.Poisson()).fit()
    low, high = fit.conf_int()[3]
    result = difference_in_differences(207, 110, 308, 318)
    assert result.ratio == pytest.approx(math.exp(fit.params[3]))
    assert result.ratio_ci95 == pytest.approx((math.exp(low), math.exp(high)), rel=1e-6)


def test_to_dict_is_plain_data() -> None:
    data = difference_in_differences(207, 110, 308, 318).to_dict()
    assert data["did"]["estimate"] == -107
    assert data["counts"] == {
        "treatment_before": 207,
        "treatment_after": 110,
        "control_before": 308,
        "control_after": 318,
    }
    assert data["displacement"] is None


def _scipy(treated: list[float], control: list[float], n: int) -> object:
    def statistic(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
        return np.mean(x, axis=axis) - np.mean(y, axis=axis)

    return stats.permutation_test(
        (treated, control),
        statistic,
        permutation_type="independent",
        vectorized=True,
        n_resamples=n,
        alternative="two-sided",
        random_state=1,
    )


@pytest.mark.parametrize(
    ("treated", "control"),
    [
        # crimes per hotspot over the pilot, patrolled against unpatrolled (made up)
        ([3, 5, 2, 4, 1, 2, 3], [6, 4, 7, 5, 8, 6]),
        # ties everywhere, including the observed difference's own value
        ([1, 1, 2, 2], [1, 2, 1, 2]),
        # a non-integer outcome with an observed difference that float sums get wrong
        ([0.1, 0.2, 0.3], [0.3, 0.2, 0.1, 0.7]),
    ],
)
def test_exact_permutation_p_value_equals_scipy(treated: list[float], control: list[float]) -> None:
    ours = permutation_test(treated, control, n_resamples=10_000)
    reference = _scipy(treated, control, 10_000)
    assert ours.exact
    assert ours.permutations == math.comb(len(treated) + len(control), len(treated))
    assert ours.difference == pytest.approx(reference.statistic)  # type: ignore[attr-defined]
    assert ours.p_value == pytest.approx(reference.pvalue, abs=1e-12)  # type: ignore[attr-defined]


def test_monte_carlo_permutation_p_value_is_close_to_scipy() -> None:
    rng = np.random.default_rng(7)
    treated = list(rng.poisson(4.0, 30).astype(float))
    control = list(rng.poisson(5.0, 30).astype(float))
    ours = permutation_test(treated, control, n_resamples=20_000, seed=3)
    reference = _scipy(treated, control, 20_000)
    assert not ours.exact
    assert ours.permutations == 20_000
    # two Monte Carlo estimates of the same p-value: within a few of their standard errors
    p = reference.pvalue  # type: ignore[attr-defined]
    assert abs(ours.p_value - p) < 4 * math.sqrt(2 * p * (1 - p) / 20_000) + 1e-4
    # and the same seed gives the same answer
    assert permutation_test(treated, control, n_resamples=20_000, seed=3) == ours


def test_permutation_edges() -> None:
    same = permutation_test([2, 2], [2, 2, 2])
    assert same.difference == 0 and same.p_value == 1.0
    one_each = permutation_test([1], [5])
    assert one_each.permutations == 2 and one_each.p_value == 1.0
    with pytest.raises(ValueError):
        permutation_test([], [1])
    with pytest.raises(ValueError):
        permutation_test([1, float("nan")], [1])


def test_permutation_interval_is_the_set_of_shifts_not_rejected() -> None:
    treated, control = [3, 5, 2, 4, 1], [6, 4, 7, 5, 8]
    low, high = permutation_interval(treated, control)  # type: ignore[misc]
    assert low < permutation_test(treated, control).difference < high

    def p(shift: float) -> float:
        return permutation_test([x - shift for x in treated], control).p_value

    # inside the ends the test does not reject at 5 %; just outside it does
    assert p(low + 1e-6) >= 0.05 and p(high - 1e-6) >= 0.05
    assert p(low - 1e-6) < 0.05 and p(high + 1e-6) < 0.05
    # a grid of shifts: not rejected exactly inside the interval
    for step in range(-100, 40):
        shift = step / 10 + 0.05
        assert (p(shift) >= 0.05) == (low <= shift <= high), shift


def test_permutation_interval_with_too_few_units() -> None:
    # two against one: three splits, the smallest two-sided p-value is 2/3
    assert permutation_interval([1, 2], [7]) is None
    with pytest.raises(ValueError):
        permutation_interval([1, 2], [3, 4], level=1.5)


# -- the command ----------------------------------------------------------------------------------
EXPERIMENT_PLAN = """\
title: Experiment test plan
force: Test Police
plan_year: 2013/14
baseline_year: 2012/13
board: {name: Test Board, report_title: Performance}
objectives: [{id: A, title: Improve confidence}]
area_sets:
  treatment: {level: neighbourhood, members: [North]}
  control: {level: neighbourhood, members: [South]}
  buffer: {level: small_area, members: [S3]}
measures:
  - {id: burglary, title: Burglary, kind: count, where: {category: Burglary}}
"""


def _experiment_store(tmp_path: Path) -> tuple[Path, Path]:
    """Each month of 2012-10..2013-03 (before): North 12 burglaries + 8 other crimes, South 18
    other crimes, S3 5 other crimes; each month of 2013-04..2013-09 (after): North 6 + 9,
    South 20, S3 4. Another force's records never count."""
    rows: dict[str, list[object]] = {
        k: [] for k in ("source_line", "crime_ref", "force", "month", "category", "small_area")
    }

    def add(month: date, category: str, area: str, n: int, force: str = "Test Police") -> None:
        for _ in range(n):
            rows["source_line"].append(len(rows["force"]) + 2)
            rows["crime_ref"].append(f"R{len(rows['force'])}")
            rows["force"].append(force)
            rows["month"].append(month)
            rows["category"].append(category)
            rows["small_area"].append(area)

    for month in months_between(date(2012, 10, 1), date(2013, 9, 1)):
        after = month >= date(2013, 4, 1)
        add(month, "Burglary", "S1", 6 if after else 12)
        add(month, "Other crime", "S1", 9 if after else 8)
        add(month, "Other crime", "S2", 20 if after else 18)
        add(month, "Other crime", "S3", 4 if after else 5)
        add(month, "Burglary", "S1", 50, force="Other Police")
    crimes = pa.table(rows)
    store = Store.open(tmp_path / "experiment.duckdb")
    load_rows(store, "crimes", crimes, keys=("force", "month"))
    load_areas(store, [("S1", "Small 1", "North", "LPU A", "LA 1"),
                       ("S2", "Small 2", "South", "LPU A", "LA 1"),
                       ("S3", "Small 3", "East", "LPU A", "LA 1")])  # fmt: skip
    store.close()
    plan = tmp_path / "plan.yaml"
    plan.write_text(EXPERIMENT_PLAN, encoding="utf-8")
    return tmp_path / "experiment.duckdb", plan


def _run(tmp_path: Path, *args: str) -> Result:
    store, plan = _experiment_store(tmp_path)
    return CliRunner().invoke(
        cli,
        ["experiment", "--store", str(store), "--plan", str(plan), "--treatment", "treatment",
         "--control", "control", *args],
    )  # fmt: skip


def test_experiment_command_json(tmp_path: Path) -> None:
    result = _run(
        tmp_path, "--before", "2012-10..2013-03", "--after", "2013-04..2013-09",
        "--displacement", "buffer", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # North: 6 × 20 = 120 before, 6 × 15 = 90 after; South 108 → 120; S3 30 → 24
    assert data["counts"] == {
        "treatment_before": 120,
        "treatment_after": 90,
        "control_before": 108,
        "control_after": 120,
        "displacement_before": 30,
        "displacement_after": 24,
    }
    expected = difference_in_differences(
        120, 90, 108, 120, displacement_before=30, displacement_after=24
    )
    assert data["did"] == expected.did.to_dict()
    assert data["did"]["estimate"] == -42  # (90 − 120) − (120 − 108)
    assert data["wdd"]["estimate"] == -48  # … + (24 − 30)
    assert data["wdd"]["se"] == round(math.sqrt(120 + 90 + 108 + 120 + 30 + 24), 4)
    assert data["notes"] == [
        "no --displacement-control: the displacement area's change is counted as it is, "
        "not against a control's"
    ]
    assert (data["before"], data["after"]) == (["2012-10", "2013-03"], ["2013-04", "2013-09"])


def test_experiment_command_table_with_a_measure_and_unequal_periods(tmp_path: Path) -> None:
    result = _run(
        tmp_path, "--before", "2012-10..2013-03", "--after", "2013-04..2013-06",
        "--measure", "burglary",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # burglaries: North 72 before (6 months), 18 after (3 months); South none.
    # Before counts are halved: (18 − 36) − (0 − 0) = −18, variance 18 + 72/4 = 36
    lines = result.output.splitlines()
    assert "Experiment: treatment against control, records of measure 'burglary'" in lines[0]
    assert (
        "Difference in differences: -18.0 (standard error 6.0, z = -3.00, p = 0.003; "
        "95% interval -29.8 to -6.2)"
    ) in lines
    assert (
        "Note: the before period has 6 months and the after period 3: before counts are "
        "scaled by 3/6, so changes are per 3 months"
    ) in lines
    assert not any(line.startswith("Rate ratio") for line in lines)  # control counts are 0


def test_experiment_bad_before_period(tmp_path: Path) -> None:
    result = _run(tmp_path, "--before", "2012-10-2013-03", "--after", "2013-04..2013-09")
    assert result.exit_code == 1
    assert result.output == (
        "Error: --before '2012-10-2013-03' is not a period; expected YYYY-MM..YYYY-MM, "
        "e.g. 2012-04..2013-03\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--before", "2013-03..2012-10", "--after", "2013-04..2013-09"],
            "--before '2013-03..2012-10' ends before it begins; expected YYYY-MM..YYYY-MM "
            "with the first month first",
        ),
        (
            ["--before", "2012-10..2013-13", "--after", "2013-04..2013-09"],
            "--before '2012-10..2013-13' is not a period; expected YYYY-MM..YYYY-MM, "
            "e.g. 2012-04..2013-03",
        ),
        (
            ["--before", "2012-10..2013-04", "--after", "2013-04..2013-09"],
            "--before 2012-10..2013-04 and --after 2013-04..2013-09 overlap; expected two "
            "separate periods, the before period first",
        ),
        (
            ["--before", "2012-10..2013-03", "--after", "2013-04..2013-09", "--displacement",
             "nowhere"],
            "--displacement: no area set 'nowhere' in the plan; known: buffer, control, "
            "treatment",
        ),
        (
            ["--before", "2012-10..2013-03", "--after", "2013-04..2013-09", "--displacement",
             "control"],
            "the treatment, control and displacement areas must be different area sets; got "
            "--treatment treatment, --control control, --displacement control",
        ),
    ],
)  # fmt: skip
def test_experiment_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = _run(tmp_path, *args)
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"


# -- randomised and plan experiments -----------------------------------------------------------
RANDOMISED_PLAN = (
    EXPERIMENT_PLAN.replace(
        "  buffer: {level: small_area, members: [S3]}\n",
        "  buffer: {level: small_area, members: [S3]}\n"
        "  arm_a: {level: small_area, members: [S1, S3]}\n"
        "  arm_b: {level: small_area, members: [S2]}\n",
    )
    + """experiments:
  - {id: trial, title: Small trial, design: randomised, treatment: arm_a, control: arm_b,
     before: 2012-10..2013-03, after: 2013-04..2013-09}
  - {id: bac, title: Before and after, treatment: treatment, control: control,
     before: 2012-10..2013-03, after: 2013-04..2013-09, measure: burglary}
  - {id: later, title: Not yet, treatment: treatment, control: control,
     before: 2013-04..2013-09, after: 2013-10..2014-03}
"""
)


def _run_plan(tmp_path: Path, *args: str) -> Result:
    store, plan = _experiment_store(tmp_path)
    plan.write_text(RANDOMISED_PLAN, encoding="utf-8")
    return CliRunner().invoke(
        cli, ["experiment", "--store", str(store), "--plan", str(plan), *args]
    )


def test_randomised_design_json(tmp_path: Path) -> None:
    result = _run_plan(
        tmp_path, "--design", "randomised", "--treatment", "arm_a", "--control", "arm_b",
        "--before", "2012-10..2013-03", "--after", "2013-04..2013-09", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_at"] == "2013-09"  # the store's last month
    # the rest is the experiment's result, as written
    experiment = from_dict(ExperimentResult, {k: v for k, v in data.items() if k != "as_at"})
    assert data["status"] == "complete" and so_far(experiment) is None
    # per month: S1 20 → 15, S3 5 → 4, S2 18 → 20
    outcomes = {u["area"]: (u["arm"], u["before_rate"], u["after_rate"], u["outcome"])
                for u in data["units"]}  # fmt: skip
    assert outcomes == {
        "S1": ("treatment", 20.0, 15.0, -5.0),
        "S3": ("treatment", 5.0, 4.0, -1.0),
        "S2": ("control", 18.0, 20.0, 2.0),
    }
    # the three splits of the units give differences -5 (observed), 5.5 and -0.5
    assert data["permutation"]["difference"] == -5
    assert data["permutation"]["permutations"] == 3 and data["permutation"]["exact"]
    assert data["p_value"] == round(2 / 3, 6)
    assert data["ci95"] is None
    assert {"code": "no_interval"} in data["notes"]
    assert any(
        note_text(note, experiment).startswith("too few areas for a 95% interval")
        for note in experiment.notes
    )
    assert [(a["role"], a["before"], a["after"]) for a in data["arms"]] == [
        ("treatment", 150, 114),
        ("control", 108, 120),
    ]
    assert data["did"]["did"]["estimate"] == (114 - 150) - (120 - 108)
    assert data["more_than_chance"] is False


def test_randomised_design_so_far_and_without_before(tmp_path: Path) -> None:
    result = _run_plan(
        tmp_path, "--design", "randomised", "--treatment", "arm_a", "--control", "arm_b",
        "--after", "2013-04..2013-09", "--as-at", "2013-06",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Experiment: arm_a against arm_b, as at 2013-06" in text
    assert "Experiment experiment" not in text
    assert "3 of 6 months so far" in text
    assert (
        "After 3 of 6 months so far, crimes per month averaged 9.5 in the 2 treatment areas "
        "and 20.0 in the 1 control areas: a difference of -10.5 per area, which is within "
        "what chance would explain (p = 0.667), so not evidence yet of an effect."
    ) in text.replace("\n", " ")


def test_plan_experiment(tmp_path: Path) -> None:
    result = _run_plan(tmp_path, "--plan-experiment", "bac", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["id"], data["design"], data["measure"]) == (
        "bac",
        "before_after_control",
        "burglary",
    )
    # burglaries: North 72 before, 36 after; South none
    assert data["did"]["counts"] == {
        "treatment_before": 72, "treatment_after": 36, "control_before": 0, "control_after": 0,
    }  # fmt: skip
    assert data["estimate"] == -36
    assert data["p_value"] == data["did"]["did"]["p_value"]
    later = _run_plan(tmp_path / "x", "--plan-experiment", "later", "--as-at", "2013-09")
    assert later.exit_code == 0, later.output
    assert "Not started: its after period begins in October 2013" in later.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--plan-experiment", "nothing"],
            "--plan-experiment: no experiment 'nothing' in the plan; known: trial, bac, later",
        ),
        (
            ["--plan-experiment", "trial", "--treatment", "arm_a", "--design", "randomised"],
            "--plan-experiment trial takes its design, area sets, periods and measure from the "
            "plan; drop --design, --treatment",
        ),
        (
            ["--treatment", "arm_a", "--after", "2013-04..2013-09"],
            "missing --control, --before: give the area sets and periods to compare, or "
            "--plan-experiment ID for an experiment the plan defines",
        ),
        (
            ["--design", "randomised", "--treatment", "arm_a", "--control", "arm_b", "--after",
             "2013-04..2013-09", "--displacement", "buffer"],
            "--displacement goes with a before/after design; a randomised experiment compares "
            "its two arms",
        ),
        (
            ["--treatment", "arm_a", "--control", "arm_b", "--before", "2012-10..2013-03",
             "--after", "2013-04..2013-09", "--as-at", "2013-06"],
            "--as-at goes with --design randomised or --plan-experiment; for a before/after "
            "comparison give the --after period to compare",
        ),
        (
            ["--design", "randomised", "--treatment", "arm_a", "--control", "arm_b",
             "--before", "2013-04..2013-09", "--after", "2012-10..2013-03"],
            "--before 2013-04..2013-09 comes after --after 2012-10..2013-03; expected the "
            "before period first",
        ),
        (
            ["--design", "randomised", "--treatment", "arm_a", "--control", "arm_b",
             "--after", "2013-04..2013-09", "--measure", "nothing"],
            "--measure: no count measure 'nothing' in the plan; count measures: burglary",
        ),
    ],
)  # fmt: skip
def test_experiment_mode_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = _run_plan(tmp_path, *args)
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"


def test_help_examples_are_not_wrapped() -> None:
    result = CliRunner().invoke(cli, ["experiment", "--help"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert (
        "      crimeplan experiment --store crimeplan-demo/demo.duckdb --plan "
        "crimeplan-demo/plan.yaml \\" in lines
    )
    assert "          --design randomised \\" in lines
    assert "          --plan-experiment hotspot_patrol --as-at 2013-04" in lines
