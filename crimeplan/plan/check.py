"""Cross-reference checks on a validated plan: every problem, not just the first.

pydantic has already checked each key and value on its own; these checks look at how the
parts fit together (a target naming a measure that does not exist, an area set that is
not defined, a proportion whose numerator is not part of its denominator, …), in the
manner of metricflow's ``ValidationIssueSet``.

Each check yields :class:`~crimeplan.errors.Problem`s located through a :class:`Locator`,
which maps a path in the plan (``("measures", 3, "where", "area_set")``) to a line of
the file. ``check_plan(plan)`` without one gives problems without lines.

When a plan file fails validation the loader still checks the parts that did validate, so
that every problem comes out in one run; a :class:`LeftOut` tells the checks what it left
out, so that they do not report it as missing ("no measure 'robbery'" for a measure whose
own entry has a typo) and so that the duplicate-id check still sees its id.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from crimeplan.errors import CrimeplanError, Problem
from crimeplan.periods import parse_month
from crimeplan.plan.model import (
    Count,
    MeasureBase,
    Plan,
    ProportionMeasure,
    PublishedMeasure,
    RecordCountMeasure,
    Where,
    slug,
)

Path = tuple[str | int, ...]


class Locator:
    """Where the parts of a plan are. This one knows no lines; the loader's does."""

    file: str = "<plan>"

    def line(self, path: Sequence[str | int]) -> int | None:
        return None


class LeftOutItem(NamedTuple):
    """One part of a plan file that failed validation."""

    #: "measure", "objective", "milestone", "area set", …
    what: str
    #: where it is in the file: ``("measures", 3)``, ``("area_sets", "priority")``
    path: Path
    #: its id (an area set's name), or None if it has none that can be read
    id: str | None
    #: its readable field path, ``measures[3] 'robbery'``
    name: str


@dataclass(frozen=True)
class LeftOut:
    """The parts of a plan file that failed validation, left out of the plan being checked."""

    items: tuple[LeftOutItem, ...] = ()
    #: for each list in the file (by path), the indices of the items kept in the plan
    kept: dict[Path, list[int]] = field(default_factory=dict)

    def source(self, path: Sequence[str | int]) -> Path:
        """Where ``path`` of the plan checked is in the file (list indices differ)."""
        found: list[str | int] = []
        for part in path:
            kept = self.kept.get(tuple(found))
            if isinstance(part, int) and kept is not None and part < len(kept):
                part = kept[part]
            found.append(part)
        return tuple(found)

    def ids(self, within: Path) -> set[str] | None:
        """The ids of the left-out items of the list (or mapping) at ``within``.

        None if one of them has no id that can be read: then any id may be among them.
        """
        ids: set[str] = set()
        for item in self.items:
            if item.path[: len(within)] == within:
                if item.id is None:
                    return None
                ids |= {item.id, slug(item.id)}  # slug: an id that fails only its pattern
        return ids


#: The messages that say a thing referred to is missing, and where such things are listed
#: (None: among the milestones of the objective the message is about).
_REFERENCES: tuple[tuple[re.Pattern[str], Path | None], ...] = (
    (re.compile(r"no measure '(.*)'"), ("measures",)),
    (re.compile(r"no area set '(.*)'"), ("area_sets",)),
    (re.compile(r"no milestone '(.*)' in objective .*"), None),
)


#: Where keys that records of each source can be filtered on.
INCIDENT_KEYS = frozenset(
    {"category", "exclude_category", "hate", "hate_strand", "area_set", "area", "time_of_day"}
)


class _Checker:
    def __init__(self, plan: Plan, locate: Locator, left_out: LeftOut) -> None:
        self.plan = plan
        self.locate = locate
        self.left_out = left_out
        self.problems: list[Problem] = []
        self.measure_ids = self.in_file_order(
            ("measures",), [(("measures", i), m.id) for i, m in enumerate(plan.measures)]
        )
        self.measures = {m.id: m for m in plan.measures}

    # helpers ------------------------------------------------------------------------------

    def add(self, path: Path, message: str, hint: str | None = None) -> None:
        if self.refers_to_left_out(path, message):
            return
        self.problems.append(
            Problem(self.locate.file, self.line(path), self.name(path), message, hint)
        )

    def source(self, path: Sequence[str | int]) -> Path:
        """Where ``path`` of the plan checked is in the file."""
        return self.left_out.source(path)

    def line(self, path: Path) -> int | None:
        return self.locate.line(self.source(path))

    def in_file_order(self, within: Path, checked: Iterable[tuple[Path, str]]) -> list[str]:
        """The ids of the items ``checked`` (path, id) of the list at ``within`` and of its
        left-out items, in the order of the file, once each."""
        found = [(self.source(path), key) for path, key in checked]
        found += [
            (item.path, item.id)
            for item in self.left_out.items
            if item.path[: len(within)] == within and item.path != within and item.id is not None
        ]
        return list(dict.fromkeys(key for _, key in sorted(found, key=lambda f: f[0])))

    def refers_to_left_out(self, path: Path, message: str) -> bool:
        """Whether ``message`` says a thing is missing that failed validation (said already)."""
        for pattern, within in _REFERENCES:
            match = pattern.fullmatch(message)
            if match is None:
                continue
            if within is None:
                within = (*self.source(path)[:2], "milestones")
            ids = self.left_out.ids(within)
            return ids is None or match[1] in ids
        return False

    def name(self, path: Path) -> str:
        """A readable field path, naming list items by their id as the loader does."""
        text = ""
        node: Any = self.plan
        for part, shown in zip(path, self.source(path), strict=True):
            if isinstance(part, int):
                text += f"[{shown}]"
                node = node[part] if isinstance(node, list) and part < len(node) else None
                if isinstance(getattr(node, "id", None), str):
                    text += f" '{node.id}'"
            else:
                text += f".{part}" if text else part
                node = node.get(part) if isinstance(node, dict) else getattr(node, part, None)
        return text

    def unknown_measure_hint(self, name: str) -> str:
        close = difflib.get_close_matches(name, self.measure_ids, n=1, cutoff=0.6)
        known = (
            f"Known measures: {', '.join(self.measure_ids)}"
            if self.measure_ids
            else ("the plan defines no measures")
        )
        return f"did you mean '{close[0]}'? {known}" if close else known

    def milestone_paths(self) -> Iterator[tuple[Path, Any]]:
        for i, objective in enumerate(self.plan.objectives):
            for j, milestone in enumerate(objective.milestones):
                yield ("objectives", i, "milestones", j), milestone

    def wheres(self) -> Iterator[tuple[Path, Where, str]]:
        """Every filter in the plan with its path and the source its records come from."""
        for i, measure in enumerate(self.plan.measures):
            if isinstance(measure, RecordCountMeasure) and measure.where is not None:
                yield ("measures", i, "where"), measure.where, measure.source
            if isinstance(measure, ProportionMeasure):
                parts = (("numerator", measure.numerator), ("denominator", measure.denominator))
                for part, count in parts:
                    if "where" in count.model_fields_set:
                        yield ("measures", i, part, "where"), count.where, count.count

    # checks -------------------------------------------------------------------------------

    def years(self) -> None:
        if not {"plan_year", "baseline_year"} <= self.plan.model_fields_set:
            return  # one failed validation and was left out
        if self.plan.baseline >= self.plan.year:
            self.add(
                ("baseline_year",),
                f"the baseline year {self.plan.baseline_year} is not before the plan year "
                f"{self.plan.plan_year}",
                f"the baseline is usually the year before: {self.plan.year.shift(-1)}",
            )

    def duplicate_ids(self) -> None:
        measures = [(("measures", i, "id"), m.id) for i, m in enumerate(self.plan.measures)]
        objectives = [(("objectives", i, "id"), o.id) for i, o in enumerate(self.plan.objectives)]
        milestones = [((*path, "id"), m.id) for path, m in self.milestone_paths()]
        for what, checked in (
            ("measure", measures),
            ("objective", objectives),
            ("milestone", milestones),
        ):
            # the ids of what was left out count too, in the order of the file
            ids: list[tuple[Path, str, Path | None, str]] = [
                (self.source(path), key, path, "") for path, key in checked
            ]
            ids += [
                ((*item.path, "id"), item.id, None, f"{item.name}.id")
                for item in self.left_out.items
                if item.what == what and item.id is not None
            ]
            first: dict[str, tuple[Path, Path | None, str]] = {}
            for source, key, path, name in sorted(ids, key=lambda i: i[0]):
                if key not in first:
                    first[key] = (source, path, name)
                    continue
                first_source, first_path, first_name = first[key]
                line = self.locate.line(first_source)
                if line is not None:
                    where = f"line {line}"
                else:
                    where = self.name(first_path) if first_path is not None else first_name
                message, hint = f"duplicate {what} id '{key}'", f"first used at {where}"
                if path is not None:
                    self.add(path, message, hint)
                else:
                    self.problems.append(
                        Problem(self.locate.file, self.locate.line(source), name, message, hint)
                    )

    def _once(self, first: dict[str, Path], key: str, path: Path, what: str) -> None:
        if key in first:
            line = self.line(first[key])
            where = f"line {line}" if line is not None else self.name(first[key])
            self.add(path, f"duplicate {what} id '{key}'", f"first used at {where}")
        else:
            first[key] = path

    def milestone_measures(self) -> None:
        for path, milestone in self.milestone_paths():
            for k, name in enumerate(milestone.measures):
                if name not in self.measures:
                    self.add(
                        (*path, "measures", k),
                        f"no measure '{name}'",
                        self.unknown_measure_hint(name),
                    )
            for k, target in enumerate(milestone.targets):
                self.target((*path, "targets", k), target.measure, target)

    def target(self, path: Path, name: str, target: Any) -> None:
        measure = self.measures.get(name)
        if measure is None:
            self.add((*path, "measure"), f"no measure '{name}'", self.unknown_measure_hint(name))
            return
        if target.change_pct is not None:
            if isinstance(measure, PublishedMeasure):
                self.add(
                    (*path, "change_pct"),
                    f"measure '{name}' is published (table {measure.table}); crimeplan does "
                    "not count it, so a change against the baseline year cannot be tracked",
                    "use at_least or at_most for a published figure",
                )
            direction = "decrease" if target.change_pct < 0 else "increase"
            if (
                measure.improvement != "neutral"
                and target.change_pct != 0
                and (direction != measure.improvement)
            ):
                self.add(
                    (*path, "change_pct"),
                    f"a target to {direction} measure '{name}', whose improvement is "
                    f"'{measure.improvement}'",
                    "check the sign of change_pct or the measure's improvement",
                )
        self.action(path, target)
        level = target.at_least if target.at_least is not None else target.at_most
        percent = measure.display_unit == "percent"
        if level is not None and percent and not 0 <= level <= 100:
            key = "at_least" if target.at_least is not None else "at_most"
            self.add(
                (*path, key),
                f"{level} is not a percentage between 0 and 100",
                f"measure '{name}' is in per cent",
            )

    def action(self, path: Path, target: Any) -> None:
        """A target's action has words and an owner, and reports back within or after the
        plan year."""
        action = target.action
        if action is None:
            return
        for key in ("text", "owner"):
            if not getattr(action, key).strip():
                what = "what is being done" if key == "text" else "who owns the action"
                self.add((*path, "action", key), "is empty", f"say {what}")
        start = self.plan.year.first_month
        if action.due < start:
            self.add(
                (*path, "action", "due"),
                f"{action.due} is before the plan year {self.plan.plan_year} begins ({start})",
                "give the date the action reports back to the board",
            )

    def reported_with(self) -> None:
        for i, objective in enumerate(self.plan.objectives):
            ids = {m.id: m for m in objective.milestones}
            for j, milestone in enumerate(objective.milestones):
                other_id = milestone.reported_with
                if other_id is None:
                    continue
                path: Path = ("objectives", i, "milestones", j, "reported_with")
                other = ids.get(other_id)
                if other_id == milestone.id:
                    self.add(path, "a milestone cannot be reported with itself")
                elif other is None:
                    known = self.in_file_order(
                        (*self.source(path)[:2], "milestones"),
                        [
                            (("objectives", i, "milestones", k), m.id)
                            for k, m in enumerate(objective.milestones)
                        ],
                    )
                    self.add(
                        path,
                        f"no milestone '{other_id}' in objective {objective.id}",
                        f"milestones of objective {objective.id}: {', '.join(known)}",
                    )
                elif other.reported_with is not None:
                    self.add(
                        path,
                        f"milestone '{other_id}' is itself reported with '{other.reported_with}'",
                        f"name '{other.reported_with}' instead",
                    )

    def repeated_targets(self) -> None:
        first: dict[str, Path] = {}
        for path, milestone in self.milestone_paths():
            for k, target in enumerate(milestone.targets):
                here = (*path, "targets", k, "measure")
                if target.measure in first:
                    self.add(
                        here,
                        f"measure '{target.measure}' already has a target",
                        f"first set at {self.name(first[target.measure][:-1])}; a "
                        "measure has one target",
                    )
                else:
                    first[target.measure] = here

    def area_sets(self) -> None:
        known = sorted(self.plan.area_sets)
        for path, where, _source in self.wheres():
            name = where.area_set
            if name is not None and name not in self.plan.area_sets:
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                listed = (
                    f"defined area sets: {', '.join(known)}"
                    if known
                    else ("define it under area_sets")
                )
                hint = f"did you mean '{close[0]}'? {listed}" if close else listed
                self.add((*path, "area_set"), f"no area set '{name}'", hint)
        for name, area_set in self.plan.area_sets.items():
            seen: set[str] = set()
            if not area_set.members:
                self.add(("area_sets", name, "members"), "an area set needs at least one member")
            for k, member in enumerate(area_set.members):
                if member in seen:
                    self.add(("area_sets", name, "members", k), f"'{member}' is listed twice")
                seen.add(member)

    def filters(self) -> None:
        for path, where, source in self.wheres():
            if source == "incidents":
                for key in sorted(where.model_fields_set - INCIDENT_KEYS):
                    if getattr(where, key) is not None:
                        self.add(
                            (*path, key),
                            f"incidents have no {key}",
                            f"incidents can be filtered on {', '.join(sorted(INCIDENT_KEYS))}",
                        )
            both = set(where.category or ()) & set(where.exclude_category or ())
            if both:
                self.add(
                    (*path, "exclude_category"),
                    f"excludes {', '.join(sorted(both))}, which category includes: "
                    "the measure counts nothing",
                )
            if where.time_of_day is not None and where.time_of_day.start == where.time_of_day.end:
                self.add(
                    (*path, "time_of_day"),
                    "the window starts and ends at the same minute",
                    'a night-time economy window is from: "19:00", to: "03:59"',
                )

    def measure_keys(self) -> None:
        """Keys every kind of measure has, used where they cannot work."""
        for i, measure in enumerate(self.plan.measures):
            if measure.peer_measure is not None and self.plan.peers is None:
                self.add(
                    ("measures", i, "peer_measure"),
                    "the plan has no peers to compare with",
                    "list the peer forces under peers",
                )
            seen: dict[str, Path] = {}
            for k, month in enumerate(measure.rebase):
                try:
                    parse_month(month, "rebase month")
                except CrimeplanError as error:
                    self.add(("measures", i, "rebase", k), str(error))
                    continue
                seen.setdefault(month, ("measures", i, "rebase", k))
            self.spc_rebase(i, measure, seen)

    def spc_rebase(self, i: int, measure: MeasureBase, seen: dict[str, Path]) -> None:
        """A measure's ``spc.rebase`` points: each month once (``rebase`` included), in
        order, and not after the plan year."""
        if measure.spc is None:
            return
        last = self.plan.year.last_month if "plan_year" in self.plan.model_fields_set else None
        previous: str | None = None
        for k, point in enumerate(measure.spc.rebase):
            path: Path = ("measures", i, "spc", "rebase", k, "from")
            month = point.start
            if month in seen:
                line = self.line(seen[month])
                where = f"line {line}" if line is not None else self.name(seen[month])
                self.add(path, f"{month} is a rebase point already", f"first given at {where}")
                continue
            if previous is not None and month < previous:
                self.add(
                    path,
                    f"{month} is listed after the later {previous}",
                    "list the rebase points in date order",
                )
            elif last is not None and parse_month(month) > last:
                self.add(
                    path,
                    f"{month} is after the plan year {self.plan.plan_year} ends",
                    "a rebase point is a month the process changed, up to the as-at month",
                )
            seen[month] = path
            previous = month

    def proportions(self) -> None:
        for i, measure in enumerate(self.plan.measures):
            if not isinstance(measure, ProportionMeasure):
                continue
            parts = (("numerator", measure.numerator), ("denominator", measure.denominator))
            resolved: dict[str, tuple[str, Where] | None] = {}
            for part, count in parts:
                resolved[part] = self.resolve(("measures", i, part), measure, count)
            numerator, denominator = resolved["numerator"], resolved["denominator"]
            if numerator is None or denominator is None:
                continue
            path: Path = ("measures", i, "numerator")
            if numerator[0] != denominator[0]:
                self.add(
                    path,
                    f"counts {numerator[0]} but the denominator counts {denominator[0]}",
                    "a proportion counts one kind of record",
                )
                continue
            num, den = numerator[1], denominator[1]
            if num == den:
                self.add(
                    path,
                    "is the same as the denominator: the proportion is always 100 %",
                    "narrow the numerator's where, e.g. solved: true",
                )
                continue
            for key in sorted(den.model_fields_set):
                wanted, given = getattr(den, key), getattr(num, key)
                if wanted is None or _within(key, num, wanted):
                    continue
                self.add(
                    path,
                    f"is not part of the denominator: the denominator has {key} "
                    f"{_show(wanted)} but the numerator has {_show(given)}",
                    f"add {key}: {_show(wanted)} to the numerator's where",
                )

    def resolve(self, path: Path, measure: MeasureBase, count: Count) -> tuple[str, Where] | None:
        """What a numerator or denominator counts: (source, filter), following ``measure:``."""
        if count.measure is None:
            return count.count, count.where
        if {"count", "where"} & count.model_fields_set:
            self.add(
                (*path, "measure"),
                "give either measure or count/where, not both",
                f"measure '{count.measure}' already says what is counted",
            )
            return None
        other = self.measures.get(count.measure)
        if other is None:
            self.add(
                (*path, "measure"),
                f"no measure '{count.measure}'",
                self.unknown_measure_hint(count.measure),
            )
            return None
        if other.id == measure.id:
            self.add((*path, "measure"), "a proportion cannot count itself")
            return None
        if not isinstance(other, RecordCountMeasure):
            self.add(
                (*path, "measure"),
                f"measure '{other.id}' is a {other.kind} measure, not a count",
                "a numerator or denominator counts records: name a count measure",
            )
            return None
        return other.source, other.filters

    def board(self) -> None:
        meetings = self.plan.board.meetings
        for k in range(1, len(meetings)):
            if meetings[k] == meetings[k - 1]:
                self.add(("board", "meetings", k), f"{meetings[k]} is listed twice")
            elif meetings[k] < meetings[k - 1]:
                self.add(
                    ("board", "meetings", k),
                    f"{meetings[k]} is listed after the later {meetings[k - 1]}",
                    "list the meetings in date order",
                )

    def updates(self) -> None:
        for path, milestone in self.milestone_paths():
            dates = [u.date for u in milestone.updates]
            for k in range(1, len(dates)):
                if dates[k] < dates[k - 1]:
                    self.add(
                        (*path, "updates", k, "date"),
                        f"{dates[k]} is listed after the later {dates[k - 1]}",
                        "list the updates oldest first",
                    )

    def peers(self) -> None:
        if self.plan.peers is None:
            return
        seen: set[str] = set()
        for k, force in enumerate(self.plan.peers.forces):
            if force in seen:
                self.add(("peers", "forces", k), f"'{force}' is listed twice")
            elif force == self.plan.force:
                self.add(
                    ("peers", "forces", k),
                    f"'{force}' is the plan's own force",
                    "peers are the other forces of the Most Similar Group",
                )
            seen.add(force)

    def experiments(self) -> None:
        """Each experiment's area sets, measure and periods, and that its id is unique."""
        first: dict[str, Path] = {}
        known = sorted(self.plan.area_sets)
        for i, experiment in enumerate(self.plan.experiments):
            base: Path = ("experiments", i)
            self._once(first, experiment.id, (*base, "id"), "experiment")
            roles = ("treatment", "control", "displacement", "displacement_control")
            named: dict[str, str] = {}
            for role in roles:
                name = getattr(experiment, role)
                if name is None:
                    continue
                if name not in self.plan.area_sets:
                    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                    listed = (
                        f"defined area sets: {', '.join(known)}"
                        if known
                        else "define it under area_sets"
                    )
                    hint = f"did you mean '{close[0]}'? {listed}" if close else listed
                    self.add((*base, role), f"no area set '{name}'", hint)
                elif name in named.values():
                    other = next(r for r, n in named.items() if n == name)
                    self.add(
                        (*base, role),
                        f"area set '{name}' is already the experiment's {other}",
                        "the treatment, control and displacement areas are different sets",
                    )
                named[role] = name
            treatment = self.plan.area_sets.get(experiment.treatment)
            control = self.plan.area_sets.get(experiment.control)
            if treatment and control and experiment.treatment != experiment.control:
                shared = [m for m in treatment.members if m in control.members]
                if treatment.level == control.level and shared:
                    self.add(
                        (*base, "control"),
                        f"area set '{experiment.control}' shares {', '.join(shared)} with "
                        f"the treatment set '{experiment.treatment}'",
                        "an area is in one arm of an experiment",
                    )
            if experiment.measure is not None:
                measure = self.measures.get(experiment.measure)
                if measure is None:
                    self.add(
                        (*base, "measure"),
                        f"no measure '{experiment.measure}'",
                        self.unknown_measure_hint(experiment.measure),
                    )
                elif not isinstance(measure, RecordCountMeasure):
                    self.add(
                        (*base, "measure"),
                        f"measure '{measure.id}' is a {measure.kind} measure, not a count",
                        "an experiment counts records: name a count measure, or none for "
                        "every crime",
                    )
            try:
                before, after = experiment.before_months, experiment.after_months
            except ValueError:  # the model has already said so
                continue
            if before and before[-1] >= after[0]:
                self.add(
                    (*base, "before"),
                    f"the before period {experiment.before} does not end before the after "
                    f"period {experiment.after} begins",
                    "the before period comes first, and the two periods do not overlap",
                )


def _within(key: str, numerator: Where, wanted: Any) -> bool:
    """Whether the numerator's filter keeps it inside the denominator's value for ``key``."""
    given = getattr(numerator, key)
    if key == "exclude_category":
        excluded = set(given or ())
        if numerator.category is not None:  # categories it takes are not excluded ones
            return set(wanted) <= excluded or not set(numerator.category) & set(wanted)
        return set(wanted) <= excluded
    if given is None:
        return False
    if isinstance(wanted, list) and isinstance(given, list):
        return set(given) <= set(wanted)
    return bool(given == wanted)


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


CHECKS: tuple[Callable[[_Checker], None], ...] = (
    _Checker.years,
    _Checker.duplicate_ids,
    _Checker.milestone_measures,
    _Checker.reported_with,
    _Checker.repeated_targets,
    _Checker.area_sets,
    _Checker.filters,
    _Checker.measure_keys,
    _Checker.proportions,
    _Checker.board,
    _Checker.updates,
    _Checker.peers,
    _Checker.experiments,
)


def check_plan(
    plan: Plan, locate: Locator | None = None, left_out: LeftOut | None = None
) -> list[Problem]:
    """Every cross-reference problem in ``plan``, in the order of the file.

    ``left_out``: the parts of the file that failed validation and are not in ``plan``.
    """
    checker = _Checker(plan, locate or Locator(), left_out or LeftOut())
    for check in CHECKS:
        check(checker)
    return sorted(
        checker.problems,
        key=lambda p: (p.line if p.line is not None else 0, p.field, p.message),
    )
