"""A small store with known records, and a plan over it, for the measures tests."""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from crimeplan.data.store import Store
from crimeplan.plan import load_plan_text
from crimeplan.plan.model import Plan
from tests.support.stores import load_areas, load_rows

PLAN_YAML = textwrap.dedent(
    """\
    title: Test plan 2013/14
    force: Test Police
    plan_year: 2013/14
    baseline_year: 2012/13
    board:
      name: Test Board
      report_title: Performance against the plan
    objectives:
      - id: A
        title: Reduce crime
        milestones:
          - id: A1
            title: Reduce burglary by 8 per cent
            leads: [ACC Test]
            cadence: monthly
            targets: [{measure: burglary, change_pct: -8}]
          - id: A2
            title: Increase satisfaction
            measures: [satisfaction]
    area_sets:
      priority:
        level: neighbourhood
        members: [North]
    measures:
      - id: total_crime
        title: Total recorded crime
        kind: count
        where: {exclude_category: Anti-social behaviour}
      - id: burglary
        title: Burglary
        kind: count
        where: {category: Burglary}
      - id: night_violence
        title: Violence 19:00-03:59
        kind: count
        where: {category: Violence and sexual offences, time_of_day: {from: "19:00", to: "03:59"}}
      - id: priority_crime
        title: Crime in priority areas
        kind: count
        where: {area_set: priority, exclude_category: Anti-social behaviour}
      - id: burglary_solved_rate
        title: Burglary solved rate
        kind: proportion
        improvement: increase
        numerator: {where: {category: Burglary, solved: true}}
        denominator: {measure: burglary}
      - id: burglary_share
        title: Burglary share of crime
        kind: proportion
        numerator: {measure: burglary}
        denominator: {measure: total_crime}
      - id: crime_rate
        title: Crime per 1,000 people
        kind: rate
        where: {exclude_category: Anti-social behaviour}
      - id: satisfaction
        title: Satisfaction
        kind: survey
        improvement: increase
        survey: Victim satisfaction
        question: Satisfied
        window: rolling_12
    """
)


def _crimes() -> pa.Table:
    """Known records: per month m (Apr 2012 .. Apr 2013), burglary = 10 + i, etc."""
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "source_line",
            "crime_ref",
            "force",
            "month",
            "recorded_at",
            "category",
            "small_area",
            "solved",
            "hate_strand",
        )
    }

    def add(month: date, category: str, small_area: str, hour: int, solved: bool) -> None:
        rows["source_line"].append(len(rows["force"]) + 2)
        rows["crime_ref"].append(f"R{len(rows['force'])}")
        rows["force"].append("Test Police")
        rows["month"].append(month)
        rows["recorded_at"].append(datetime(month.year, month.month, 3, hour, 30))
        rows["category"].append(category)
        rows["small_area"].append(small_area)
        rows["solved"].append(solved)
        rows["hate_strand"].append(None)

    months = [date(2012, m, 1) for m in range(4, 13)] + [date(2013, m, 1) for m in range(1, 5)]
    for i, month in enumerate(months):
        for k in range(10 + i):  # burglary: 10, 11, ... 22 (April 2013)
            add(month, "Burglary", "S1" if k % 2 else "S2", 12, k < 3)
        for hour in (18, 19, 23, 3, 4):  # violence: 3 of 5 in the night window
            add(month, "Violence and sexual offences", "S2", hour, False)
        add(month, "Anti-social behaviour", "S1", 12, False)
    # another force's records must never count
    add(date(2013, 4, 1), "Burglary", "S1", 12, True)
    rows["force"][-1] = "Other Police"
    return pa.table(rows)


@pytest.fixture
def plan() -> Plan:
    return load_plan_text(PLAN_YAML, "test-plan.yaml")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "test.duckdb")
    con = store.con
    load_rows(store, "crimes", _crimes(), keys=("force", "month"))
    load_areas(store, [("S1", "Small 1", "North", "LPU A", "LA 1"),
                       ("S2", "Small 2", "South", "LPU A", "LA 1")])  # fmt: skip
    con.execute(
        "CREATE TEMP TABLE staged_pop AS SELECT * FROM (VALUES "
        "(NULL::BIGINT, 'force', 'Test Police', 2012, 100000), "
        "(NULL, 'force', 'Test Police', 2013, 125000)) "
        "t(source_line, area_level, area, year, population)"
    )
    store.replace(
        source="test-pop",
        table="populations",
        staged="staged_pop",
        keys=("area_level", "area", "year"),
        file_name="pop",
        sha256="p",
        month_column=None,
    )
    # satisfaction: 100 respondents a month from April 2011, positive = 80 + (month index % 5)
    survey = []
    month = date(2011, 4, 1)
    i = 0
    while month <= date(2013, 4, 1):
        survey.append(
            (
                None,
                "Test Police",
                "Victim satisfaction",
                "Satisfied",
                None,
                month,
                month,
                "force",
                "Test Police",
                100,
                80 + i % 5,
            )
        )
        i += 1
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    con.execute(
        "CREATE TEMP TABLE staged_survey (source_line BIGINT, force VARCHAR, "
        "survey VARCHAR, question VARCHAR, wave VARCHAR, period_start DATE, "
        "period_end DATE, area_level VARCHAR, area VARCHAR, respondents BIGINT, "
        "positive BIGINT)"
    )
    con.executemany("INSERT INTO staged_survey VALUES (?,?,?,?,?,?,?,?,?,?,?)", survey)
    store.replace(
        source="test-survey",
        table="survey_responses",
        staged="staged_survey",
        keys=("period_start",),
        file_name="survey",
        sha256="s",
        month_column="period_start",
    )
    return store
