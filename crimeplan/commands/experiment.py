"""``crimeplan experiment``: did crime change more in the treatment areas than the control?"""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from crimeplan.cli import cli, open_store
from crimeplan.data.backends import connect_url, is_url
from crimeplan.data.store import STORE_VARIABLE
from crimeplan.errors import CrimeplanError
from crimeplan.measures.breakdown import area_set_counts
from crimeplan.periods import format_month, months_between, parse_month
from crimeplan.plan import load_plan
from crimeplan.plan.model import Plan
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
@click.option(
    "--store",
    "store_location",
    envvar=STORE_VARIABLE,
    required=True,
    help=f"The store: a DuckDB file or a postgresql:// URL. Default: ${STORE_VARIABLE}.",
)
@click.option(
    "--plan",
    "plan_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The plan file (YAML), which names the area sets.",
)
@click.option("--treatment", required=True, help="Treatment area set, e.g. confidence_treatment.")
@click.option("--control", required=True, help="The control area set, e.g. confidence_control.")
@click.option("--before", "before_text", required=True, help="Before period, YYYY-MM..YYYY-MM.")
@click.option("--after", "after_text", required=True, help="After period, YYYY-MM..YYYY-MM.")
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
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def experiment_command(
    store_location: str,
    plan_path: Path,
    treatment: str,
    control: str,
    before_text: str,
    after_text: str,
    displacement: str | None,
    displacement_control: str | None,
    measure_id: str | None,
    fmt: str,
) -> None:
    """Compare crime in treatment and control areas before and after an intervention: the
    difference in differences of the counts (after minus before, treatment minus control)
    with its Poisson standard error, z and p-value, which is the weighted displacement
    difference (WDD) test of Wheeler and Ratcliffe (2018), with displacement areas if
    given; and the rate ratio with its 95 % interval. A negative difference means crime fell
    more (or rose less) in the treatment areas. Periods of different lengths are weighted
    so that the estimate is per after period.

    Example:

    \b
        crimeplan experiment --store demo.duckdb --plan plan.yaml \\
            --treatment confidence_treatment --control confidence_control \\
            --before 2012-04..2013-03 --after 2013-04..2014-03
    """
    before = parse_period(before_text, "--before")
    after = parse_period(after_text, "--after")
    if set(before) & set(after):
        raise CrimeplanError(
            f"--before {_span(before)} and --after {_span(after)} overlap; expected two "
            "separate periods, the before period first"
        )
    plan = load_plan(plan_path)
    sets = {"treatment": treatment, "control": control}
    if displacement_control and not displacement:
        raise CrimeplanError("--displacement-control needs --displacement")
    if displacement:
        sets["displacement"] = displacement
    if displacement_control:
        sets["displacement_control"] = displacement_control
    if len(set(sets.values())) < len(sets):
        raise CrimeplanError(
            "the treatment, control and displacement areas must be different area sets; got "
            + ", ".join(f"--{role.replace('_', '-')} {name}" for role, name in sets.items())
        )
    for role, name in sets.items():
        _check_set(plan, name, f"--{role.replace('_', '-')}")
    periods = {"before": before, "after": after}
    names = list(dict.fromkeys(sets.values()))
    if is_url(store_location):
        backend = connect_url(store_location)
        try:
            counts = area_set_counts(backend, plan, names, periods, measure_id)
        finally:
            backend.disconnect()
    else:
        with open_store(Path(store_location), create=False, read_only=True) as store:
            counts = area_set_counts(store.ibis(), plan, names, periods, measure_id)

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
    return text + f"; 95 % interval {low:+,.1f} to {high:+,.1f})"


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
            f"(95 % interval {low:.3f} to {high:.3f})"
        )
    lines += [f"Note: {note}" for note in report["notes"]]
    return buffer.getvalue() + "\n".join(lines) + "\n"
