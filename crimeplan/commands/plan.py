"""``crimeplan plan check``: every problem in a plan file at once."""

from __future__ import annotations

from pathlib import Path

import click

from crimeplan.cli import plan_group
from crimeplan.plan import load_plan


@plan_group.command("check")
@click.argument("plan_path", metavar="PLAN.yaml", type=click.Path(path_type=Path))
def check_command(plan_path: Path) -> None:
    """Check a plan file and list every problem, each with file:line, the field, what was
    expected and a hint.

    Example:

    \b
        crimeplan plan check examples/policeuk-plan.yaml
    """
    plan = load_plan(plan_path)
    targets = sum(len(m.targets) for m in plan.milestones)
    click.echo(
        f"{plan_path}: OK: {plan.title}, {len(plan.objectives)} objectives, "
        f"{len(plan.milestones)} milestones and deliverables, {len(plan.measures)} measures, "
        f"{targets} targets"
    )
