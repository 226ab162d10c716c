"""Actions on targets recorded in the store (``crimeplan update MILESTONE --action TEXT --owner
NAME --due DATE``): appended, never overwritten; the latest for a measure counts, and it takes
the place of the plan file's ``action`` for that target."""

from __future__ import annotations

from datetime import UTC, date, datetime

from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.errors import CrimeplanError
from crimeplan.plan.model import Milestone, Plan
from crimeplan.results.position import Action


def action_target(milestone: Milestone, measure_id: str | None = None) -> str:
    """The measure of the milestone's target the action is on: its only target, or
    ``measure_id`` among its targets; a one-line error otherwise."""
    targets = [t.measure for t in milestone.targets]
    if not targets:
        raise CrimeplanError(
            f"milestone {milestone.id} sets no target; an action (--action) goes on a target"
        )
    if measure_id is None:
        if len(targets) > 1:
            raise CrimeplanError(
                f"milestone {milestone.id} has targets on {', '.join(targets)}; say which "
                "with --measure"
            )
        return targets[0]
    if measure_id not in targets:
        raise CrimeplanError(
            f"--measure '{measure_id}': milestone {milestone.id} has no target on it; its "
            f"targets: {', '.join(targets)}"
        )
    return measure_id


def check_action(plan: Plan, text: str, owner: str, due: date) -> Action:
    """The action as it will be stored (spaces tidied), or a one-line error."""
    words, who = " ".join(text.split()), " ".join(owner.split())
    if not words:
        raise CrimeplanError("--action is empty; say what is being done about the target")
    if not who:
        raise CrimeplanError("--owner is empty; give the name of who owns the action")
    start = plan.year.first_month
    if due < start:
        raise CrimeplanError(
            f"--due {due.isoformat()} is before the plan year {plan.plan_year} begins "
            f"({start.isoformat()}); give the date the action reports back to the board"
        )
    return Action(text=words, owner=who, due=due)


def record_action(
    store: Store,
    plan: Plan,
    milestone: Milestone,
    measure_id: str,
    action: Action,
    now: datetime | None = None,
) -> Action:
    """Append a checked action (``check_action``) to the store, in one transaction (or in the
    caller's, to record it with the update it came with)."""
    recorded = (now or datetime.now(UTC)).replace(tzinfo=None)
    with store.transaction():
        store.con.execute(
            "INSERT INTO target_actions (action_id, plan_title, milestone_id, measure_id, text, "
            "owner, due, recorded_at) SELECT coalesce(max(action_id), 0) + 1, ?, ?, ?, ?, ?, ?, ? "
            "FROM target_actions",
            [plan.title, milestone.id, measure_id, action.text, action.owner, action.due, recorded],
        )
    return action


def read_actions(engine: Engine, plan_title: str) -> dict[str, Action]:
    """The latest action the store holds for each measure of the plan."""
    table = engine.table("target_actions")
    rows = (
        table.filter(table.plan_title == plan_title)
        .order_by(["recorded_at", "action_id"])
        .to_pyarrow()
        .to_pylist()
    )
    return {
        row["measure_id"]: Action(text=row["text"], owner=row["owner"], due=row["due"])
        for row in rows
    }
