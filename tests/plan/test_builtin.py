"""The built-in West Midlands 2013/14 plan, the police.uk example plan and the plan docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from crimeplan.demo import vocabulary
from crimeplan.plan import builtin_plan_path, check_plan, load_plan
from crimeplan.plan import model as plan_model
from crimeplan.plan.load import allowed_keys

ROOT = Path(__file__).resolve().parents[2]

POLICE_UK_CATEGORIES = {
    "Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs",
    "Other crime", "Other theft", "Possession of weapons", "Public order", "Robbery",
    "Shoplifting", "Theft from the person", "Vehicle crime", "Violence and sexual offences",
}  # fmt: skip


@pytest.fixture(scope="module")
def plan() -> plan_model.Plan:
    return load_plan(builtin_plan_path())


def test_builtin_plan_is_in_the_package() -> None:
    path = builtin_plan_path()
    assert path.name == "west-midlands-2013-14.yaml"
    assert path.is_file()
    assert "14 May 2013" in path.read_text("utf-8").split("\n\n")[0]


def test_builtin_plan_has_no_problems(plan: plan_model.Plan) -> None:
    assert check_plan(plan) == []
    assert plan.force == vocabulary.FORCE
    assert (plan.plan_year, plan.baseline_year) == ("2013/14", "2012/13")
    assert plan.synthetic_data is False


def test_builtin_board(plan: plan_model.Plan) -> None:
    board = plan.board
    assert board.name == "Strategic Policing and Crime Board"
    assert board.agenda_item == "5"
    assert board.report_title == (
        "Performance against the 2013/14 Milestones and Deliverables in the Police and Crime Plan"
    )
    assert str(board.meetings[0]) == "2013-05-14"
    assert board.meetings == sorted(board.meetings)
    assert board.recommendations == ["The Board is asked to note the contents of the report."]
    assert board.authors == [
        "Chris Sims, Chief Constable, West Midlands Police",
        "Jacky Courtney, Chief Executive, West Midlands Office for Policing and Crime",
    ]


def test_builtin_objectives_a_to_j(plan: plan_model.Plan) -> None:
    assert [(o.id, o.title) for o in plan.objectives] == [
        ("A", "Improving public confidence in policing"),
        ("B", "Creating stronger partnerships"),
        ("C", "Developing greater local identity across the West Midlands"),
        ("D", "Delivering better value for money"),
        ("E", "Demonstrating the Force’s commitment to social responsibility"),
        ("F", "Reduce crime and offending"),
        ("G", "Better protecting people from harm"),
        ("H", "Improving the service the public receive from the police"),
        ("I", "Supporting stronger communities"),
        ("J", "Ensure an effective contribution to national policing"),
    ]


def test_builtin_has_the_34_milestones(plan: plan_model.Plan) -> None:
    counts = {o.id: len(o.milestones) for o in plan.objectives}
    assert counts == {"A": 3, "B": 4, "C": 1, "D": 4, "E": 3, "F": 4, "G": 6, "H": 4, "I": 4,
                      "J": 1}  # fmt: skip
    assert len(plan.milestones) == 34
    for objective in plan.objectives:
        ids = [m.id for m in objective.milestones]
        assert ids == [f"{objective.id}{n}" for n in range(1, len(ids) + 1)]


def test_builtin_statuses_leads_and_cadences(plan: plan_model.Plan) -> None:
    milestones = {m.id: m for m in plan.milestones}
    assert milestones["B1"].status == "achieved"
    assert milestones["B1"].leads == []
    assert {m.status for m in plan.milestones if m.id != "B1"} == {"in progress"}
    assert milestones["A1"].leads == ["ACC Forsyth"]
    assert (milestones["A1"].cadence, milestones["A1"].cadence_note) == ("six-monthly", "proposed")
    assert milestones["D3"].leads == ["Director of Resources David Wilkin", "DCC Thompson"]
    assert milestones["E1"].cadence is None
    assert milestones["E3"].leads == [
        "Alethea Fuller, Policy Manager, West Midlands Office for Policing and Crime",
        "ACC Forsyth",
    ]
    assert (milestones["F1"].cadence, milestones["F1"].cadence_note) == ("monthly", None)
    assert milestones["H4"].leads == [] and milestones["H4"].cadence is None
    assert milestones["I2"].leads == ["ACC Cann"]


def test_builtin_targets(plan: plan_model.Plan) -> None:
    assert {t.measure: t.change_pct for t in plan.targets().values()} == {
        "total_recorded_crime": -5,
        "violence_with_injury": -8,
        "burglary_dwelling": -8,
        "priority_area_crime": -7,
        "business_crime": -6,
    }


def test_builtin_paragraphs_are_numbered_through_the_paper(plan: plan_model.Plan) -> None:
    """84 paragraphs, as the paper: purpose 1, background 2-4, updates 5-81, then 82-84."""
    board = plan.board
    updates = [p for m in plan.milestones for u in m.updates for p in u.text]
    paragraphs = board.purpose + board.background + updates
    paragraphs += board.financial_implications + board.legal_implications
    paragraphs += board.recommendations
    assert len(paragraphs) == 84
    assert paragraphs[4].startswith("The increase in confidence in policing milestone")  # 5
    assert paragraphs[56] == "A problem profile is being commissioned along with local plans"
    assert paragraphs[34].startswith("The plan sets out three reduction milestones")  # 35
    assert paragraphs[83] == "The Board is asked to note the contents of the report."
    assert all("  " not in p and p == p.strip() for p in paragraphs)


def test_builtin_updates(plan: plan_model.Plan) -> None:
    for milestone in plan.milestones:
        assert [str(u.date) for u in milestone.updates] == ["2013-05-01"], milestone.id
        update = milestone.updates[0]
        assert (update.by is None) == (not milestone.leads)
        assert bool(update.text) == (milestone.reported_with is None), milestone.id
    reported_with = {m.id: m.reported_with for m in plan.milestones if m.reported_with}
    assert reported_with == {"F2": "F1", "F3": "F1", "F4": "F1", "H2": "H1"}


def test_builtin_measures_use_the_demo_vocabulary(plan: plan_model.Plan) -> None:
    offences = {o.offence for o in vocabulary.OFFENCES}
    groups = {o.offence_group for o in vocabulary.OFFENCES}
    categories = {o.category for o in vocabulary.OFFENCES} | {"Anti-social behaviour"}
    wheres: list[tuple[str, str, plan_model.Where]] = []
    for measure in plan.measures:
        if isinstance(measure, plan_model.RecordCountMeasure) and measure.where is not None:
            wheres.append((measure.id, measure.source, measure.where))
        if isinstance(measure, plan_model.ProportionMeasure):
            for count in (measure.numerator, measure.denominator):
                wheres.append((measure.id, count.count, count.where))
    for measure_id, source, where in wheres:
        source_categories = (
            set(vocabulary.INCIDENT_CATEGORIES) if source == "incidents" else categories
        )
        assert set(where.offence or ()) <= offences, measure_id
        assert set(where.offence_group or ()) <= groups, measure_id
        assert set(where.category or ()) <= source_categories, measure_id
        assert set(where.exclude_category or ()) <= categories, measure_id
    surveys = {
        (m.survey, m.question) for m in plan.measures if isinstance(m, plan_model.SurveyMeasure)
    }
    assert surveys == {
        (vocabulary.SATISFACTION_SURVEY, vocabulary.SATISFACTION_CRIME),
        (vocabulary.SATISFACTION_SURVEY, vocabulary.SATISFACTION_ASB),
        (vocabulary.CONFIDENCE_SURVEY, vocabulary.CONFIDENCE_QUESTIONS[0]),
        (vocabulary.CONFIDENCE_SURVEY, vocabulary.CONFIDENCE_QUESTIONS[1]),
    }
    peer_measures = {m.peer_measure for m in plan.measures if m.peer_measure}
    assert peer_measures <= set(vocabulary.PEER_MEASURES)


def test_builtin_area_sets_and_peers(plan: plan_model.Plan) -> None:
    assert plan.area_sets["priority_areas"].members == list(vocabulary.PRIORITY_AREAS)
    assert plan.area_sets["confidence_treatment"].members == list(vocabulary.CONFIDENCE_TREATMENT)
    assert plan.area_sets["confidence_control"].members == list(vocabulary.CONFIDENCE_CONTROL)
    assert {s.level for s in plan.area_sets.values()} == {"neighbourhood"}
    assert plan.peers is not None
    assert plan.peers.forces == list(vocabulary.PEER_FORCES)


def test_builtin_night_time_economy_window(plan: plan_model.Plan) -> None:
    window = plan.measure("vwi_night_time_economy").filters.time_of_day
    assert window is not None and window.wraps
    assert (str(window.start), str(window.end)) == ("19:00:00", "03:59:00")


# The police.uk example -------------------------------------------------------------------


def test_policeuk_example_plan_loads() -> None:
    plan = load_plan(ROOT / "examples" / "policeuk-plan.yaml")
    assert (plan.plan_year, plan.baseline_year) == ("2021/22", "2020/21")
    assert plan.force == "Leicestershire Police"
    assert plan.targets()
    for measure in plan.measures:
        wheres = []
        if isinstance(measure, plan_model.RecordCountMeasure):
            wheres.append(measure.where)
        if isinstance(measure, plan_model.ProportionMeasure):
            wheres += [measure.numerator.where, measure.denominator.where]
        for where in wheres:
            if where is None:
                continue
            names = set(where.category or ()) | set(where.exclude_category or ())
            assert names <= POLICE_UK_CATEGORIES, measure.id
            others = where.model_dump(exclude_none=True).keys() - {"category", "exclude_category"}
            assert not others, f"{measure.id} filters on {others}: police.uk has only categories"


# Every key is documented ---------------------------------------------------------------


def _models() -> list[type[BaseModel]]:
    return [
        value
        for value in vars(plan_model).values()
        if isinstance(value, type)
        and issubclass(value, plan_model.Strict)
        and value is not plan_model.Strict
    ]


def _doc_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "plan-file.md").read_text("utf-8")
    parts = re.split(r"<!-- model: (\w+) -->", text)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_model_has_a_docs_section() -> None:
    assert {m.__name__ for m in _models()} == set(_doc_sections())


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_every_key_is_documented(model: type[BaseModel]) -> None:
    section = _doc_sections()[model.__name__]
    documented = re.findall(r"^- `(\w+)` \(", section, flags=re.MULTILINE)
    assert documented == allowed_keys(model)
