"""``docs/results.schema.json`` is generated from the types, is current, and the demo's and a
real-data ``results.json`` validate against it (with the ``jsonschema`` package, an
independent validator)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from crimeplan.codec import to_dict
from crimeplan.results.pack import PackResults
from crimeplan.results.schema import SCHEMA_FILE, main, schema_text


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_schema_file_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "the results types changed: run python -m crimeplan.results.schema"
    )
    assert main(["--check"]) == 0


def test_the_demo_results_validate(demo_pack: PackResults) -> None:
    errors = sorted(_validator().iter_errors(to_dict(demo_pack)), key=str)
    assert errors == []


def test_the_measures_json_validates_against_its_part(demo_pack: PackResults) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    measures_schema = {**schema["$defs"]["MeasuresResult"], "$defs": schema["$defs"]}
    validator = jsonschema.Draft202012Validator(measures_schema)
    assert list(validator.iter_errors(to_dict(demo_pack.as_measures()))) == []


@pytest.mark.realdata
@pytest.mark.slow
def test_real_police_uk_results_validate(leicestershire_pack: PackResults) -> None:
    assert list(_validator().iter_errors(to_dict(leicestershire_pack))) == []


def test_the_schema_catches_what_the_types_forbid(demo_pack: PackResults) -> None:
    validator = _validator()
    data = to_dict(demo_pack)
    data["measures"][0]["change_test"]["p_value"] = "0.03"
    data["measures"][1]["comparison"]["basis"] = "fortnight"
    data["milestones"]["milestones"][0]["state"] = "late"
    found = {key for error in validator.iter_errors(data) for key in _paths(error)}
    assert {"p_value", "basis", "state"} <= found


def _paths(error: jsonschema.ValidationError) -> set[object]:
    """The keys an error, and the errors under it (a union's alternatives), point at."""
    keys = {tuple(error.absolute_path)[-1]} if error.absolute_path else set()
    for inner in error.context or ():
        keys |= _paths(inner)
    return keys
