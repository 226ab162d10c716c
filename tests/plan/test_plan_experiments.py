"""The plan's experiments: the model's period and design validation, the cross-reference
check, and the built-in plan's two experiments (paragraphs 9 and 79 of the seed)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from crimeplan.demo import vocabulary
from crimeplan.plan import check_plan
from crimeplan.plan.model import Experiment, Plan

BASE: dict[str, Any] = {
    "title": "T",
    "force": "Test Police",
    "plan_year": "2013/14",
    "baseline_year": "2012/13",
    "board": {"name": "B", "report_title": "R"},
    "objectives": [{"id": "A", "title": "A"}],
    "area_sets": {
        "t": {"level": "neighbourhood", "members": ["North", "East"]},
        "c": {"level": "neighbourhood", "members": ["South"]},
        "d": {"level": "neighbourhood", "members": ["West"]},
    },
    "measures": [
        {"id": "burglary", "title": "Burglary", "kind": "count", "where": {"category": "Burglary"}},
        {"id": "conf", "title": "Confidence", "kind": "survey", "survey": "s", "question": "q"},
    ],
}
GOOD = {
    "id": "e",
    "title": "E",
    "treatment": "t",
    "control": "c",
    "before": "2012-04..2012-09",
    "after": "2012-10..2013-03",
}


def _message(**changes: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        Experiment.model_validate({**GOOD, **changes})
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    return str(errors[0]["ctx"]["error"]) if "ctx" in errors[0] else errors[0]["msg"]


def test_a_good_experiment() -> None:
    experiment = Experiment.model_validate(GOOD)
    assert experiment.design == "before_after_control"
    assert experiment.before_months[0] == date(2012, 4, 1)
    assert len(experiment.before_months) == 6
    assert experiment.after_months[-1] == date(2013, 3, 1)
    randomised = Experiment.model_validate({**GOOD, "design": "randomised", "before": None})
    assert randomised.before_months == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"before": "2012-04-2012-09"},
            "'2012-04-2012-09' is not a period; expected a period YYYY-MM..YYYY-MM, "
            "e.g. 2012-04..2012-09",
        ),
        (
            {"after": "2012-10..2013-13"},
            "'2012-10..2013-13' has no month 13; expected a period YYYY-MM..YYYY-MM, "
            "e.g. 2012-04..2012-09",
        ),
        (
            {"after": "2013-03..2012-10"},
            "'2013-03..2012-10' ends before it begins; expected a period YYYY-MM..YYYY-MM, "
            "e.g. 2012-04..2012-09, the first month first",
        ),
        (
            {"before": None},
            "a before_after_control experiment needs a before period (YYYY-MM..YYYY-MM)",
        ),
        ({"displacement_control": "d"}, "displacement_control needs a displacement area set"),
        (
            {"design": "randomised", "displacement": "d"},
            "a randomised experiment compares its two arms; displacement belongs to a "
            "before_after_control experiment",
        ),
    ],
)
def test_model_validation_messages(changes: dict[str, Any], message: str) -> None:
    assert _message(**changes) == message


def _problems(*experiments: dict[str, Any]) -> list[tuple[str, str]]:
    plan = Plan.model_validate({**BASE, "experiments": list(experiments)})
    return [(p.field, p.message) for p in check_plan(plan)]


def test_check_passes_a_good_experiment() -> None:
    assert _problems(GOOD, {**GOOD, "id": "f", "measure": "burglary"}) == []


def test_check_finds_every_experiment_problem() -> None:
    problems = _problems(
        {**GOOD, "treatment": "tt", "measure": "conf", "before": "2012-04..2012-10"},
        {**GOOD, "control": "t", "measure": "burglar"},
        {**GOOD, "id": "g", "control": "c", "displacement": "c"},
        {**GOOD, "id": "h", "before": "2013-04..2013-09"},
    )
    assert problems == [
        (
            "experiments[0] 'e'.before",
            "the before period 2012-04..2012-10 does not end before the after period "
            "2012-10..2013-03 begins",
        ),
        ("experiments[0] 'e'.measure", "measure 'conf' is a survey measure, not a count"),
        ("experiments[0] 'e'.treatment", "no area set 'tt'"),
        ("experiments[1] 'e'.control", "area set 't' is already the experiment's treatment"),
        ("experiments[1] 'e'.id", "duplicate experiment id 'e'"),
        ("experiments[1] 'e'.measure", "no measure 'burglar'"),
        ("experiments[2] 'g'.displacement", "area set 'c' is already the experiment's control"),
        (
            "experiments[3] 'h'.before",
            "the before period 2013-04..2013-09 does not end before the after period "
            "2012-10..2013-03 begins",
        ),
    ]


def test_check_finds_an_area_in_both_arms() -> None:
    sets = {**BASE["area_sets"], "c": {"level": "neighbourhood", "members": ["South", "East"]}}
    plan = Plan.model_validate({**BASE, "area_sets": sets, "experiments": [GOOD]})
    [problem] = check_plan(plan)
    assert problem.field == "experiments[0] 'e'.control"
    assert problem.message == "area set 'c' shares East with the treatment set 't'"


def test_builtin_experiments(builtin_plan: Plan) -> None:
    confidence, hotspot = builtin_plan.experiments
    assert (confidence.id, confidence.design) == (
        "confidence_neighbourhoods",
        "before_after_control",
    )
    assert (confidence.treatment, confidence.control) == (
        "confidence_treatment",
        "confidence_control",
    )
    assert (confidence.before, confidence.after) == ("2012-04..2012-09", "2012-10..2013-03")
    assert confidence.measure is None
    assert builtin_plan.area_sets["confidence_treatment"].members == list(
        vocabulary.CONFIDENCE_TREATMENT
    )
    assert (hotspot.id, hotspot.design) == ("hotspot_patrol", "randomised")
    assert (hotspot.before, hotspot.after) == ("2012-07..2012-11", "2012-12..2013-11")
    assert len(hotspot.after_months) == 12
    # as at April 2013 the pilot has run five months, "the first five months" of paragraph 79
    assert len([m for m in hotspot.after_months if m <= date(2013, 4, 1)]) == 5
    south = set(vocabulary.BIRMINGHAM_LPU_WARDS["Birmingham South"])
    treated = builtin_plan.area_sets[hotspot.treatment]
    control = builtin_plan.area_sets[hotspot.control]
    assert treated.level == control.level == "neighbourhood"
    assert len(treated.members) == len(control.members) == 5
    assert set(treated.members) <= south and set(control.members) <= south
    assert not set(treated.members) & set(control.members)
