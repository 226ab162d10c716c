"""Read a plan file: YAML with line numbers → pydantic models → cross-reference checks.

Three steps, each collecting every problem it finds rather than stopping at the first:

1. :class:`LineLoader` reads the YAML and records the line of every mapping key, every
   value and every list item, under its path (``("measures", 3, "numerator")``).
2. :class:`~crimeplan.plan.model.Plan` validates the data; each pydantic error becomes a
   :class:`~crimeplan.errors.Problem` with the file, the line, a readable field path
   (``measures[3] 'burglary_dwelling'.numerater``), what was expected and a hint.
3. :func:`~crimeplan.plan.check.check_plan` checks what refers to what. When the plan
   fails validation, it checks the parts that validate on their own (each measure,
   milestone, objective, area set, …), so that a typo'd key and an unknown measure come
   out in the same run.

A file that cannot be read as a plan at all (missing, not UTF-8, not YAML, empty, not a
mapping, or beyond the YAML limits of :mod:`crimeplan.plan.safe_yaml`) raises a one-line
:class:`~crimeplan.errors.CrimeplanError` naming the file.
Everything else raises one :class:`~crimeplan.errors.PlanError` carrying every problem.

The YAML is read with YAML 1.2's scalars: ``19:00`` is the text "19:00" (not YAML 1.1's
sexagesimal 1140) and only ``true``/``false`` are booleans (``no`` and ``on`` are text).
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeGuard, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from crimeplan.errors import CrimeplanError, PlanError, Problem
from crimeplan.plan.check import LeftOut, LeftOutItem, Locator, check_plan
from crimeplan.plan.model import Board, Milestone, Objective, Peers, Plan, slug
from crimeplan.plan.safe_yaml import BoundedLoader, YamlLimitError, limit_error, read_yaml_file

PathPart = str | int
YamlPath = tuple[PathPart, ...]


# 1. YAML with line numbers ---------------------------------------------------------------


class LineLoader(BoundedLoader):
    """A SafeLoader, within crimeplan's YAML limits (``crimeplan.plan.safe_yaml``), that
    records the line of each key, value and list item.

    Like metricflow's ``SafeLineLoaderWithAddedContext``, but the lines are kept beside the
    data (in :attr:`lines`, by path) rather than inside it, so the data stay plain dicts.
    Duplicate keys, which PyYAML would silently collapse, are recorded in
    :attr:`duplicates`.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines = Lines()
        self.duplicates: list[tuple[YamlPath, int, int]] = []

    def load_with_lines(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        self._record(node, ())
        return self.construct_document(node)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date that is not one (``2013-13-01``) stays text, for pydantic to report."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)

    def _record(self, node: yaml.Node, path: YamlPath) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    self.duplicates.append(((*path, key), line, seen[key]))
                seen[key] = line
                self.lines.keys[(*path, key)] = line
                self.lines.values[(*path, key)] = value_node.start_mark.line + 1
                self._record(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.lines.values[(*path, index)] = item.start_mark.line + 1
                self._record(item, (*path, index))


def _yaml_12_scalars() -> None:
    """Resolve booleans, ints and floats as YAML 1.2 does (no sexagesimal, no yes/no)."""
    resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [
            (tag, regexp)
            for tag, regexp in entries
            if tag
            not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
        ]
        resolvers[first] = kept
    LineLoader.yaml_implicit_resolvers = resolvers
    LineLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    LineLoader.add_implicit_resolver(
        "tag:yaml.org,2002:int",
        re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"),
    )
    LineLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    )


_yaml_12_scalars()
LineLoader.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:timestamp", LineLoader.construct_yaml_timestamp
)


@dataclass
class Lines:
    """Where each path of a YAML document is: the line of its key and of its value."""

    keys: dict[YamlPath, int] = field(default_factory=dict)
    values: dict[YamlPath, int] = field(default_factory=dict)

    def key_line(self, path: Sequence[PathPart]) -> int | None:
        """The line of the key at ``path``, or of the nearest enclosing thing there is."""
        for end in range(len(path), 0, -1):
            prefix = tuple(path[:end])
            if prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return 1 if self.values or self.keys else None

    def value_line(self, path: Sequence[PathPart]) -> int | None:
        """The line of the value at ``path``, or of the nearest enclosing thing there is."""
        key = tuple(path)
        if key in self.values:
            return self.values[key]
        return self.key_line(path)


class FileLocator(Locator):
    """A :class:`Locator` for a file read by :class:`LineLoader`."""

    def __init__(self, file: str, lines: Lines) -> None:
        self.file = file
        self._lines = lines

    def line(self, path: Sequence[PathPart]) -> int | None:
        return self._lines.value_line(path)


def read_yaml(text: str, file: str) -> tuple[Any, Lines, list[Problem]]:
    """Parse ``text``; return the data, the lines of its paths and any duplicate keys."""
    loader = LineLoader(text)
    try:
        data = loader.load_with_lines()
    except YamlLimitError as error:
        raise limit_error(error, file) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        what = error.problem or error.context or "cannot be parsed"
        tab = "'\\t'" in what or "tab character" in what  # PyYAML's wording or libyaml's
        hint = " (indent with spaces, not tabs)" if tab else ""
        raise CrimeplanError(f"{file}{line}: not valid YAML: {what}{hint}") from None
    except yaml.YAMLError as error:
        raise CrimeplanError(f"{file}: not valid YAML: {error}") from None
    finally:
        loader.dispose()
    problems = [
        Problem(
            file,
            line,
            readable_path(path, data),
            "duplicate key",
            f"first given on line {first}; YAML keeps only the last",
        )
        for path, line, first in loader.duplicates
    ]
    return data, loader.lines, problems


# 2. pydantic errors → problems -----------------------------------------------------------


def readable_path(loc: Sequence[PathPart], data: Any) -> str:
    """``("measures", 3, "numerater")`` → ``measures[3] 'burglary_dwelling'.numerater``.

    A list item that has an ``id`` is named by it, so the reader need not count items.
    """
    text = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str | int):
                text += f" '{node['id']}'"
        else:
            text += f".{part}" if text else part
            node = node.get(part) if isinstance(node, dict) else None
    return text or "(top level)"


def _unwrap(tp: Any) -> Any:
    """``X | None`` → ``X`` (only when a single type remains)."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return tp


def _members(tp: Any) -> dict[str, type[BaseModel]]:
    """A tagged union of models (``Measure``) by tag (``kind``); empty for any other type."""
    if get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) not in (Union, types.UnionType):
        return {}
    out: dict[str, type[BaseModel]] = {}
    for member in get_args(tp):
        if not (isinstance(member, type) and issubclass(member, BaseModel)):
            return {}
        info = member.model_fields.get("kind")
        tags = get_args(info.annotation) if info is not None else ()
        if get_origin(info.annotation if info else None) is not Literal:
            return {}
        out.update(dict.fromkeys((str(t) for t in tags), member))
    return out


def _untagged(loc: Sequence[PathPart], root: Any = Plan) -> tuple[PathPart, ...]:
    """``loc`` without the tags pydantic puts in it at a tagged union: ``("measures", 3,
    "count", "per")`` → ``("measures", 3, "per")``, the path in the YAML."""
    out: list[PathPart] = []
    tp: Any = root
    for part in loc:
        members = _members(_unwrap(tp))
        if members and isinstance(part, str) and part in members:
            tp = members[part]
            continue
        out.append(part)
        tp = _type_at((part,), tp) if isinstance(tp, type) else _step(tp, part)
    return tuple(out)


def _step(tp: Any, part: PathPart) -> Any:
    tp = _unwrap(tp)
    if get_origin(tp) is list and isinstance(part, int):
        return get_args(tp)[0]
    if get_origin(tp) is dict:
        return get_args(tp)[1]
    return None


def _type_at(loc: Sequence[PathPart], root: Any = Plan, data: Any = None) -> Any:
    """The declared type of the thing at ``loc`` in a plan, or None if there is none. At a
    tagged union (a measure) the member is the one ``data`` (the YAML) names by its tag."""
    tp: Any = root
    node = data
    for part in loc:
        tp = _unwrap(tp)
        members = _members(tp)
        if members:
            tag = str(node.get("kind")) if isinstance(node, dict) else ""
            # a misspelt kind: the kind it is closest to (as its problems are reported)
            tp = members.get(tag) or members.get(_closest(tag, list(members)) or "")
            if tp is None:
                return None
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            found = None
            for name, info in tp.model_fields.items():
                if part in (name, info.alias):
                    found = info.annotation
            if found is None:
                return None
            tp = found
        elif get_origin(tp) is list and isinstance(part, int):
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    members = _members(_unwrap(tp))
    if members and isinstance(node, dict):
        tag = str(node.get("kind"))
        found = members.get(tag) or members.get(_closest(tag, list(members)) or "")
        if found is not None:
            return found
    return _unwrap(tp)


def _kinds_with_key(loc: Sequence[PathPart], key: str) -> list[str]:
    """The kinds of a tagged union at ``loc`` whose model has ``key``: where a key given to
    one kind of measure belongs."""
    members = _members(_type_at(loc))
    return [tag for tag, model in members.items() if key in allowed_keys(model)]


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts in YAML (its aliases where it has them)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def _quote_all(values: Sequence[object]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _closest(word: object, choices: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def describe_value(value: object) -> str:
    """How a YAML value reads back to the user: ``'abc' (text)``, ``2013 (a number)``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"{value} (a number)"
    if isinstance(value, str):
        return f"'{value}' (text)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r}"


#: What a value of each pydantic error type should have been, in the plan file's words.
EXPECTED_BY_ERROR = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "date_type": "a date, YYYY-MM-DD",
    "date_parsing": "a date, YYYY-MM-DD",
    "date_from_datetime_parsing": "a date, YYYY-MM-DD",
    "date_from_datetime_inexact": "a date, YYYY-MM-DD",
    "time_type": 'a time of day, "HH:MM"',
    "time_parsing": 'a time of day, "HH:MM"',
}


def error_to_problem(error: ErrorDetails, data: Any, lines: Lines, file: str) -> Problem:
    """One pydantic error as a :class:`Problem` a person can act on."""
    loc = _untagged(tuple(error["loc"]))
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    field_path = readable_path(loc, data)

    if kind == "union_tag_not_found":
        return Problem(
            file,
            lines.value_line(loc) if loc else 1,
            readable_path((*loc, "kind"), data),
            "required key is missing",
            f"say which kind of measure it is: one of {_quote_all(list(_members(_type_at(loc))))}",
        )
    if kind == "union_tag_invalid":
        tags = list(_members(_type_at(loc)))
        tag = ctx.get("tag")
        close = _closest(tag, tags)
        return Problem(
            file,
            lines.value_line((*loc, "kind")),
            readable_path((*loc, "kind"), data),
            f"expected one of {_quote_all(tags)}; got {describe_value(tag)}",
            f"did you mean '{close}'?" if close else None,
        )

    if kind == "extra_forbidden":
        parent = _type_at(loc[:-1], data=data)
        keys = allowed_keys(parent) if isinstance(parent, type) else []
        owners = _kinds_with_key(loc[:-1], str(loc[-1]))
        if owners and _is_model(parent) and "kind" in parent.model_fields:
            own = get_args(parent.model_fields["kind"].annotation)[0]
            return Problem(
                file,
                lines.key_line(loc),
                field_path,
                f"a {own} measure does not use {loc[-1]}",
                f"{loc[-1]} belongs to a {' or '.join(owners)} measure",
            )
        close = _closest(loc[-1], keys)
        suggestion = f"did you mean '{close}'?" if close else f"allowed keys: {', '.join(keys)}"
        return Problem(file, lines.key_line(loc), field_path, "unknown key", suggestion)

    if kind == "missing":
        parent_line = lines.value_line(loc[:-1]) if loc[:-1] else 1
        return Problem(file, parent_line, field_path, "required key is missing")

    line = lines.value_line(loc)
    if kind == "literal_error":
        tp = _type_at(loc, data=data)
        allowed = [str(a) for a in get_args(tp)] if get_origin(tp) is Literal else []
        expected = _quote_all(allowed) if allowed else str(ctx.get("expected", ""))
        close = _closest(value, allowed)
        return Problem(
            file,
            line,
            field_path,
            f"expected one of {expected}; got {describe_value(value)}",
            f"did you mean '{close}'?" if close else None,
        )

    if kind == "string_pattern_mismatch":
        suggestion = slug(str(value))
        return Problem(
            file,
            line,
            field_path,
            "expected an id of lower-case letters, digits and _ starting with a letter; "
            f"got {describe_value(value)}",
            f"try '{suggestion}'" if suggestion else None,
        )

    if kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error", error["msg"]))
        return Problem(file, line, field_path, message)

    if kind in EXPECTED_BY_ERROR:
        hint: str | None = None
        if kind == "string_type" and isinstance(value, int | float | bool):
            hint = "put it in quotes to make it text"
        elif kind.startswith("time") and isinstance(value, int | float):
            hint = "put the time in quotes"
        return Problem(
            file,
            line,
            field_path,
            f"expected {EXPECTED_BY_ERROR[kind]}; got {describe_value(value)}",
            hint,
        )

    return Problem(file, line, field_path, f"{error['msg']}; got {describe_value(value)}")


def _unknown_keys(error: ValidationError, model: Any) -> set[str] | None:
    """The keys of one item (of type ``model``) that are its only faults (unknown to its
    model), or None."""
    keys = set()
    for detail in error.errors():
        loc = _untagged(detail["loc"], model)
        if detail["type"] != "extra_forbidden" or len(loc) != 1:
            return None
        keys.add(str(loc[0]))
    return keys


def _as_closest_kind(detail: ErrorDetails, data: Any) -> list[ErrorDetails]:
    """For a measure whose ``kind`` is misspelt, the other errors it has as the kind it is
    closest to (``cuont`` → ``count``), so that they are reported at once too."""
    loc = _untagged(detail["loc"])
    members = _members(_type_at(loc))
    close = _closest((detail.get("ctx") or {}).get("tag"), list(members))
    item = detail.get("input")
    if close is None or not isinstance(item, dict):
        return []
    try:
        members[close].model_validate({**item, "kind": close})
    except ValidationError as error:
        return [{**e, "loc": (*loc, *e["loc"])} for e in error.errors()]
    return []


#: The most pydantic errors of one plan worded as problems; the message counts the rest.
CONVERTED_ERRORS = 500


def unconverted(error: ValidationError) -> int:
    """How many of pydantic's errors ``validation_problems`` leaves unworded."""
    return max(0, error.error_count() - CONVERTED_ERRORS)


def validation_problems(
    error: ValidationError, data: Any, lines: Lines, file: str
) -> list[Problem]:
    """Every error pydantic found, once each: the first ``CONVERTED_ERRORS`` of them (a
    file of 100,000 wrong items need not have each worded; ``unconverted`` counts the rest)."""
    problems: list[Problem] = []
    seen: set[tuple[Hashable, ...]] = set()
    details = list(error.errors())
    for detail in details[:CONVERTED_ERRORS]:
        if detail["type"] == "union_tag_invalid":
            details += _as_closest_kind(detail, data)
    for detail in details[:CONVERTED_ERRORS]:
        problem = error_to_problem(detail, data, lines, file)
        key = (problem.line, problem.field, problem.message)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return problems


# 3. What validates of a plan that does not ------------------------------------------------

#: What each list (or mapping) of the plan holds, as the problems name it.
_WHAT = {
    "measures": "measure",
    "objectives": "objective",
    "area_sets": "area set",
    "experiments": "experiment",
}

#: Stand-ins for parts that failed validation, so that no check reports their absence.
_STAND_INS: dict[str, Any] = {
    "title": "",
    "force": "",
    "board": Board.model_construct(name="", report_title="", meetings=[]),
    "objectives": [],
    "peers": Peers.model_construct(forces=[]),
}


def _item_id(item: Any) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


class _Partial:
    """The parts of a plan that validate on their own, and what was left out."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.items: list[LeftOutItem] = []
        self.kept: dict[YamlPath, list[int]] = {}

    def plan(self) -> tuple[Plan, LeftOut]:
        fields: dict[str, Any] = {}
        for name, info in Plan.model_fields.items():
            key = info.alias or name
            if key not in self.data:
                if name in _STAND_INS and info.is_required():
                    fields[name] = _STAND_INS[name]  # missing: said once, not in every check
                continue
            value = self.data[key]
            tp = _type_at((key,))
            if name == "objectives":
                fields[name] = self.objectives(value)
            elif get_origin(tp) is list and (
                _is_model(get_args(tp)[0]) or _members(get_args(tp)[0])
            ):
                fields[name] = self.listed((key,), get_args(tp)[0], value)
            elif get_origin(tp) is dict and _is_model(get_args(tp)[1]):
                fields[name] = self.mapped((key,), get_args(tp)[1], value)
            else:
                try:
                    fields[name] = TypeAdapter(info.rebuild_annotation()).validate_python(value)
                except ValidationError:
                    if name in _STAND_INS:
                        fields[name] = _STAND_INS[name]
        return Plan.model_construct(**fields), LeftOut(tuple(self.items), self.kept)

    def leave_out(self, path: YamlPath, ident: str | None) -> None:
        what = "milestone" if "milestones" in path else _WHAT.get(str(path[0]), str(path[0]))
        self.items.append(LeftOutItem(what, path, ident, readable_path(path, self.data)))

    def listed(self, path: YamlPath, model: Any, value: Any) -> list[Any]:
        """The items of a list that validate (each a model, or a tagged union of models);
        their indices are kept under ``path``."""
        if not isinstance(value, list):
            self.leave_out(path, None)
            return []
        kept: list[Any] = []
        self.kept[path] = []
        adapter: TypeAdapter[Any] = TypeAdapter(model)
        for index, item in enumerate(value):
            try:
                kept.append(adapter.validate_python(item))
            except ValidationError as error:
                # an item whose only fault is a key it does not use (a key of another kind
                # of measure) is checked without it, so that its other problems are found
                unknown = _unknown_keys(error, model)
                if unknown is None or not isinstance(item, dict):
                    self.leave_out((*path, index), _item_id(item))
                    continue
                try:
                    kept.append(
                        adapter.validate_python({k: v for k, v in item.items() if k not in unknown})
                    )
                except ValidationError:
                    self.leave_out((*path, index), _item_id(item))
                    continue
            self.kept[path].append(index)
        return kept

    def mapped(self, path: YamlPath, model: type[BaseModel], value: Any) -> dict[str, Any]:
        """The entries of a mapping that validate."""
        if not isinstance(value, dict):
            self.leave_out(path, None)
            return {}
        kept: dict[str, Any] = {}
        for key, item in value.items():
            try:
                if not isinstance(key, str):
                    raise ValueError(key)
                kept[key] = model.model_validate(item)
            except (ValidationError, ValueError):
                self.leave_out((*path, key), key if isinstance(key, str) else None)
        return kept

    def objectives(self, value: Any) -> list[Objective]:
        """Each objective with the milestones that validate.

        An objective that fails on its own keys is kept, for its milestones, if its id can
        be read; otherwise it is left out with all its milestones.
        """
        if not isinstance(value, list):
            self.leave_out(("objectives",), None)
            return []
        kept: list[Objective] = []
        self.kept[("objectives",)] = []
        for i, raw in enumerate(value):
            path: YamlPath = ("objectives", i)
            ident = _item_id(raw)
            if not isinstance(raw, dict) or ident is None:
                self.leave_out(path, ident)
                raws = raw.get("milestones") if isinstance(raw, dict) else None
                for j, milestone in enumerate(raws if isinstance(raws, list) else []):
                    self.leave_out((*path, "milestones", j), _item_id(milestone))
                continue
            milestones = self.listed((*path, "milestones"), Milestone, raw.get("milestones", []))
            try:
                objective = Objective.model_validate({**raw, "milestones": []})
                objective = objective.model_copy(update={"milestones": milestones})
            except ValidationError:
                title = raw.get("title")
                objective = Objective.model_construct(
                    id=ident, title=title if isinstance(title, str) else "", milestones=milestones
                )
            kept.append(objective)
            self.kept[("objectives",)].append(i)
        return kept


def _is_model(tp: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


# 4. The front door ------------------------------------------------------------------------


def _sort_key(problem: Problem) -> tuple[int, str, str]:
    return (problem.line if problem.line is not None else 0, problem.field, problem.message)


def load_plan_text(text: str, file: str) -> Plan:
    """Parse, validate and check a plan given as text; ``file`` names it in messages."""
    data, lines, problems = read_yaml(text, file)
    if data is None:
        raise CrimeplanError(
            f"{file} is empty: a plan needs at least title, force, plan_year, "
            "baseline_year, board and objectives"
        )
    if not isinstance(data, dict):
        raise CrimeplanError(
            f"{file} is not a plan: expected a mapping of keys (title: …, force: …) at the top, "
            f"got {describe_value(data)}"
        )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        problems += validation_problems(error, data, lines, file)
        unlisted = unconverted(error)
        # and the cross-reference problems of what does validate, in the same run
        partial, left_out = _Partial(data).plan()
        problems += check_plan(partial, FileLocator(file, lines), left_out)
        raise PlanError(file, sorted(problems, key=_sort_key), unlisted=unlisted) from None
    problems += check_plan(plan, FileLocator(file, lines))
    if problems:
        raise PlanError(file, sorted(problems, key=_sort_key))
    return plan


def load_plan(path: Path) -> Plan:
    """Read the plan file at ``path``; raise a :class:`CrimeplanError` naming what is wrong."""
    file = str(path)
    try:
        raw = read_yaml_file(Path(path), "plan file")
    except FileNotFoundError:
        raise CrimeplanError(f"plan file {file} does not exist") from None
    except IsADirectoryError:
        raise CrimeplanError(f"plan file {file} is a directory, not a YAML file") from None
    except OSError as error:
        raise CrimeplanError(f"plan file {file} cannot be read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise CrimeplanError(
            f"{file}:{line}: not UTF-8 text (byte {raw[error.start]:#04x}); save the file as UTF-8"
        ) from None
    return load_plan_text(text, file)
