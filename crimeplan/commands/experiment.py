"""``crimeplan experiment``: did crime change more in the treatment areas than the control?"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from crimeplan.cli import cli, plan_option, store_location_option
from crimeplan.codec import to_dict
from crimeplan.data.counts import latest_month
from crimeplan.data.engine import Engine, open_engine
from crimeplan.errors import CrimeplanError
from crimeplan.measures.breakdown import area_set_counts
from crimeplan.measures.experiments import evaluate_experiment
from crimeplan.periods import format_month, months_between, parse_month
from crimeplan.plan import load_plan
from crimeplan.plan.model import Experiment, Plan, RecordCountMeasure
from crimeplan.report.narrative import experiments as experiment_words
from crimeplan.results.experiments import ExperimentResult
from crimeplan.stats.experiment import DiD, Estimate, difference_in_differences

_PERIOD = re.compile(r"^\s*(\S+?)\s*\.\.\s*(\S+)\s*$")


def parse_period(text: str, option: str) -> list[date]:
    """``"2012-04..2013-03"`` → the months from April 2012 to March 2013, inclusive."""
    expected = "expected YYYY-MM..YYYY-MM, e.g. 2012-04..2013-03"
    match = _PERIOD.match(text)
    if not match:
        raise CrimeplanError(f"{option} '{text}' is not a period; {expected}")
    try:
        first, last = (parse_month(part) for part in match.groups())
    except CrimeplanError:
        raise CrimeplanError(f"{option} '{text}' is not a period; {expected}") from None
    if last < first:
        raise CrimeplanError(
            f"{option} '{text}' ends before it begins; expected YYYY-MM..YYYY-MM with the "
            "first month first"
        )
    return months_between(first, last)


def _check_set(plan: Plan, name: str, option: str) -> None:
    if name not in plan.area_sets:
        known = ", ".join(sorted(plan.area_sets)) or "none (add area_sets: to the plan)"
        raise CrimeplanError(f"{option}: no area set '{name}' in the plan; known: {known}")


def _span(months: list[date]) -> str:
    return f"{format_month(months[0])}..{format_month(months[-1])}"


@cli.command("experiment")
@store_location_option()
@plan_option("The plan file (YAML), which names the area sets.")
@click.option(
    "--plan-experiment",
    "plan_experiment",
    default=None,
    help="Run an experiment the plan defines (its id under experiments:), with its design, "
    "area sets, periods and measure.",
)
@click.option(
    "--design",
    type=click.Choice(["before_after_control", "randomised"]),
    default=None,
    help="before_after_control (the default): difference in differences of the counts and "
    "the WDD test. randomised: each member area of the two sets is a unit and the arms' "
    "changes in crimes per month are compared with a permutation test.",
)
@click.option("--treatment", default=None, help="Treatment area set, e.g. confidence_treatment.")
@click.option("--control", default=None, help="The control area set, e.g. confidence_control.")
@click.option(
    "--before",
    "before_text",
    default=None,
    help="Before period, YYYY-MM..YYYY-MM (optional with --design randomised).",
)
@click.option("--after", "after_text", default=None, help="After period, YYYY-MM..YYYY-MM.")
@click.option(
    "--displacement", default=None, help="An area set where crime may have been displaced to."
)
@click.option(
    "--displacement-control",
    default=None,
    help="The displacement area's own control area set (without one, the displacement "
    "area's change is not adjusted for the general trend).",
)
@click.option(
    "--measure",
    "measure_id",
    default=None,
    help="Count only the records a count measure of the plan takes. Default: every crime "
    "record in the store (anti-social behaviour included, if the store holds it).",
)
@click.option(
    "--as-at",
    "as_at_text",
    default=None,
    help="With --plan-experiment or --design randomised: evaluate the after period on its "
    "months to this one, YYYY-MM. Default: the last month the store holds for the force.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def experiment_command(
    store_location: str,
    plan_path: Path,
    plan_experiment: str | None,
    design: str | None,
    treatment: str | None,
    control: str | None,
    before_text: str | None,
    after_text: str | None,
    displacement: str | None,
    displacement_control: str | None,
    measure_id: str | None,
    as_at_text: str | None,
    fmt: str,
) -> None:
    """Compare crime in treatment and control areas before and after an intervention: the
    difference in differences of the counts (after minus before, treatment minus control)
    with its Poisson standard error, z and p-value, which is the weighted displacement
    difference (WDD) test of Wheeler and Ratcliffe (2018), with displacement areas if
    given; and the rate ratio with its 95 % interval. A negative difference means crime fell
    more (or rose less) in the treatment areas. Periods of different lengths are weighted
    so that the estimate is per after period.

    With --design randomised each member area of the treatment and control sets is a unit,
    its outcome the change in its crimes per month from the before to the after period (or
    its crimes per month in the after period, without --before); the difference between the
    arms is tested by permutation (exact for up to 10,000 splits, else 10,000 random ones
    with a fixed seed), with the 95 % interval from inverting that test.

    --plan-experiment ID runs an experiment the plan defines under experiments:.

    Examples:

    \b
        crimeplan experiment --store crimeplan-demo/demo.duckdb --plan crimeplan-demo/plan.yaml \\
            --treatment confidence_treatment --control confidence_control \\
            --before 2012-04..2012-09 --after 2012-10..2013-03

    \b
        crimeplan experiment --store crimeplan-demo/demo.duckdb --plan crimeplan-demo/plan.yaml \\
            --design randomised \\
            --treatment hotspot_treatment --control hotspot_control \\
            --before 2012-07..2012-11 --after 2012-12..2013-11 --as-at 2013-04

    \b
        crimeplan experiment --store crimeplan-demo/demo.duckdb --plan crimeplan-demo/plan.yaml \\
            --plan-experiment hotspot_patrol --as-at 2013-04
    """
    as_at = parse_month(as_at_text, "--as-at") if as_at_text is not None else None
    if plan_experiment is not None:
        given = [
            flag
            for flag, value in (
                ("--design", design),
                ("--treatment", treatment),
                ("--control", control),
                ("--before", before_text),
                ("--after", after_text),
                ("--displacement", displacement),
                ("--displacement-control", displacement_control),
                ("--measure", measure_id),
            )
            if value is not None
        ]
        if given:
            raise CrimeplanError(
                f"--plan-experiment {plan_experiment} takes its design, area sets, periods and "
                f"measure from the plan; drop {', '.join(given)}"
            )
        plan = load_plan(plan_path)
        found = next((e for e in plan.experiments if e.id == plan_experiment), None)
        if found is None:
            known = (
                ", ".join(e.id for e in plan.experiments) or "none (add experiments: to the plan)"
            )
            raise CrimeplanError(
                f"--plan-experiment: no experiment '{plan_experiment}' in the plan; known: {known}"
            )
        _run_experiment(store_location, plan, found, as_at, fmt)
        return
    missing = [
        flag
        for flag, value in (
            ("--treatment", treatment),
            ("--control", control),
            ("--before", before_text if design != "randomised" else ""),
            ("--after", after_text),
        )
        if value is None
    ]
    if missing:
        raise CrimeplanError(
            f"missing {', '.join(missing)}: give the area sets and periods to compare, or "
            "--plan-experiment ID for an experiment the plan defines"
        )
    assert treatment is not None and control is not None and after_text is not None
    if design == "randomised":
        _adhoc_randomised(
            store_location,
            plan_path,
            treatment,
            control,
            before_text,
            after_text,
            displacement,
            measure_id,
            as_at,
            fmt,
        )
        return
    if as_at is not None:
        raise CrimeplanError(
            "--as-at goes with --design randomised or --plan-experiment; for a before/after "
            "comparison give the --after period to compare"
        )
    assert before_text is not None
    before = parse_period(before_text, "--before")
    after = parse_period(after_text, "--after")
    _check_periods(before, after)
    plan = load_plan(plan_path)
    sets = {"treatment": treatment, "control": control}
    if displacement_control and not displacement:
        raise CrimeplanError("--displacement-control needs --displacement")
    if displacement:
        sets["displacement"] = displacement
    if displacement_control:
        sets["displacement_control"] = displacement_control
    _check_sets(plan, sets)
    periods = {"before": before, "after": after}
    names = list(dict.fromkeys(sets.values()))
    counts = _with_engine(
        store_location, lambda engine: area_set_counts(engine, plan, names, periods, measure_id)
    )

    def count(role: str, period: str) -> int | None:
        return counts[(sets[role], period)] if role in sets else None

    weights = (len(before) / len(after), 1.0)
    result = difference_in_differences(
        counts[(treatment, "before")],
        counts[(treatment, "after")],
        counts[(control, "before")],
        counts[(control, "after")],
        displacement_before=count("displacement", "before"),
        displacement_after=count("displacement", "after"),
        displacement_control_before=count("displacement_control", "before"),
        displacement_control_after=count("displacement_control", "after"),
        time_weights=weights,
    )
    notes = _notes(sets, before, after, counts)
    report = {
        "area_sets": sets,
        "measure": measure_id,
        "before": [format_month(before[0]), format_month(before[-1])],
        "after": [format_month(after[0]), format_month(after[-1])],
        "months": {"before": len(before), "after": len(after)},
        **result.to_dict(),
        "notes": notes,
    }
    if fmt == "json":
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_table(report, result))


T = TypeVar("T")


def _with_engine(store_location: str, run: Callable[[Engine], T]) -> T:
    """``run`` on the store, opened read-only and closed afterwards."""
    with open_engine(store_location) as engine:
        return run(engine)


def _check_periods(before: list[date], after: list[date]) -> None:
    if set(before) & set(after):
        raise CrimeplanError(
            f"--before {_span(before)} and --after {_span(after)} overlap; expected two "
            "separate periods, the before period first"
        )
    if before and before[-1] > after[0]:
        raise CrimeplanError(
            f"--before {_span(before)} comes after --after {_span(after)}; expected the "
            "before period first"
        )


def _check_sets(plan: Plan, sets: dict[str, str]) -> None:
    if len(set(sets.values())) < len(sets):
        raise CrimeplanError(
            "the treatment, control and displacement areas must be different area sets; got "
            + ", ".join(f"--{role.replace('_', '-')} {name}" for role, name in sets.items())
        )
    for role, name in sets.items():
        _check_set(plan, name, f"--{role.replace('_', '-')}")


def _adhoc_randomised(
    store_location: str,
    plan_path: Path,
    treatment: str,
    control: str,
    before_text: str | None,
    after_text: str,
    displacement: str | None,
    measure_id: str | None,
    as_at: date | None,
    fmt: str,
) -> None:
    if displacement is not None:
        raise CrimeplanError(
            "--displacement goes with a before/after design; a randomised experiment "
            "compares its two arms"
        )
    before = parse_period(before_text, "--before") if before_text is not None else []
    after = parse_period(after_text, "--after")
    _check_periods(before, after)
    plan = load_plan(plan_path)
    _check_sets(plan, {"treatment": treatment, "control": control})
    if measure_id is not None:
        _check_measure(plan, measure_id)
    experiment = Experiment(
        id="experiment",
        title=f"{treatment} against {control}",
        design="randomised",
        treatment=treatment,
        control=control,
        before=_span(before) if before else None,
        after=_span(after),
        measure=measure_id,
    )
    _run_experiment(store_location, plan, experiment, as_at, fmt)


def _check_measure(plan: Plan, measure_id: str) -> None:
    counts = [m.id for m in plan.measures if m.kind in ("count", "rate")]
    if measure_id not in counts:
        raise CrimeplanError(
            f"--measure: no count measure '{measure_id}' in the plan; count measures: "
            f"{', '.join(counts) or 'none'}"
        )


def _last_month(engine: Engine, plan: Plan, experiment: Experiment) -> date | None:
    """The last month the store holds records of the experiment's source for the force."""
    source = "crimes"
    measure = plan.measure(experiment.measure) if experiment.measure is not None else None
    if isinstance(measure, RecordCountMeasure):
        source = measure.source
    return latest_month(engine, plan.force, source)


def _run_experiment(
    store_location: str, plan: Plan, experiment: Experiment, as_at: date | None, fmt: str
) -> None:
    def run(engine: Engine) -> tuple[ExperimentResult, date | None]:
        month = as_at if as_at is not None else _last_month(engine, plan, experiment)
        return evaluate_experiment(engine, plan, experiment, month), month

    result, month = _with_engine(store_location, run)
    if fmt == "json":
        data = {"as_at": format_month(month) if month else None, **to_dict(result)}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_experiment(result, month))


def render_experiment(result: ExperimentResult, as_at: date | None) -> str:
    """An experiment's table as the board pack shows it, its units, sentence and notes."""
    when = f", as at {format_month(as_at)}" if as_at else ""
    # an experiment given on the command line has the id "experiment": no "Experiment
    # experiment" heading
    name = "Experiment" if result.id == "experiment" else f"Experiment {result.id}"
    table = Table(title=f"{name}: {result.title}{when}", title_justify="left")
    table.add_column("")
    table.add_column("Result")
    for label, text in experiment_words.table_rows(result):
        table.add_row(label, text)
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=False, color_system=None)
    console.print(table)
    if result.units:
        units = Table(title="Areas (units)", title_justify="left")
        for name in ("Area", "Arm", "Before /month", "After /month", "Outcome"):
            units.add_column(name, justify="left" if name in ("Area", "Arm") else "right")
        for u in result.units:
            units.add_row(
                u.area,
                u.arm,
                "" if u.before_rate is None else f"{u.before_rate:,.1f}",
                f"{u.after_rate:,.1f}",
                f"{u.outcome:+,.1f}",
            )
        console.print(units)
    month = format_month(as_at) if as_at else None
    lines = [experiment_words.sentence(result, month)] + [
        f"Note: {experiment_words.note_text(note, result)}" for note in result.notes
    ]
    return buffer.getvalue() + "\n".join(lines) + "\n"


def _notes(
    sets: dict[str, str],
    before: list[date],
    after: list[date],
    counts: dict[tuple[str, str], int],
) -> list[str]:
    notes = []
    if len(before) != len(after):
        notes.append(
            f"the before period has {len(before)} months and the after period {len(after)}: "
            f"before counts are scaled by {len(after)}/{len(before)}, so changes are per "
            f"{len(after)} months"
        )
    if "displacement" in sets and "displacement_control" not in sets:
        notes.append(
            "no --displacement-control: the displacement area's change is counted as it is, "
            "not against a control's"
        )
    for period, months in (("before", before), ("after", after)):
        if all(counts[(name, period)] == 0 for name in sets.values()):
            notes.append(
                f"no records in any area set in the {period} period ({_span(months)}): "
                "does the store hold those months?"
            )
    return notes


def _estimate_line(label: str, estimate: Estimate) -> str:
    text = f"{label}: {estimate.estimate:+,.1f} (standard error {estimate.se:,.1f}"
    if estimate.z is not None and estimate.p_value is not None:
        text += f", z = {estimate.z:.2f}, p = {estimate.p_value:.3f}"
    low, high = estimate.ci95
    return text + f"; 95% interval {low:+,.1f} to {high:+,.1f})"


def render_table(report: dict[str, Any], result: DiD) -> str:
    """The counts as a table, then the estimates, one a line."""
    sets: dict[str, str] = report["area_sets"]
    what = f"records of measure '{report['measure']}'" if report["measure"] else "all crimes"
    table = Table(
        title=f"Experiment: {sets['treatment']} against {sets['control']}, {what}",
        title_justify="left",
    )
    table.add_column("Area set")
    table.add_column("Role")
    before, after = report["before"], report["after"]
    table.add_column(f"Before {before[0]}..{before[1]}", justify="right")
    table.add_column(f"After {after[0]}..{after[1]}", justify="right")
    counts = report["counts"]
    for role, name in sets.items():
        table.add_row(
            name,
            role.replace("_", " "),
            f"{counts[f'{role}_before']:,}",
            f"{counts[f'{role}_after']:,}",
        )
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=False, color_system=None)
    console.print(table)
    lines = [_estimate_line("Difference in differences", result.did)]
    if result.displacement is not None:
        lines.append(_estimate_line("Displacement difference", result.displacement))
        lines.append(_estimate_line("WDD (local + displacement)", result.wdd))
    if result.ratio is not None and result.ratio_ci95 is not None:
        low, high = result.ratio_ci95
        lines.append(
            f"Rate ratio (treatment after/before ÷ control after/before): {result.ratio:.3f} "
            f"(95% interval {low:.3f} to {high:.3f})"
        )
    lines += [f"Note: {note}" for note in report["notes"]]
    return buffer.getvalue() + "\n".join(lines) + "\n"
