"""Breakdowns, yearly totals and area-set counts on a small DuckDB store of known records."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.errors import MeasureError
from crimeplan.measures.breakdown import area_set_counts, breakdown, yearly_totals
from crimeplan.periods import FinancialYear, add_months, months_between
from crimeplan.plan import load_plan_text
from crimeplan.plan.model import AreaRef, Plan
from tests.support.stores import load_areas, load_rows

PLAN = textwrap.dedent(
    """\
    title: Breakdown test plan
    force: Test Police
    plan_year: 2013/14
    baseline_year: 2012/13
    board: {name: Test Board, report_title: Performance}
    objectives: [{id: A, title: Reduce crime}]
    area_sets:
      treatment: {level: neighbourhood, members: [North]}
      control: {level: neighbourhood, members: [South]}
      east: {level: small_area, members: [S3]}
    measures:
      - {id: total_crime, title: Total crime, kind: count}
      - {id: theft, title: Theft, kind: count, where: {offence_group: Theft}}
      - id: shop_share
        title: Shop theft share
        kind: proportion
        numerator: {where: {offence_group: Theft, offence: Theft from shops}}
        denominator: {measure: theft}
    """
)

FIRST, LAST = date(2010, 4, 1), date(2013, 4, 1)  # three whole years and April 2013


def records() -> pa.Table:
    """Per month i from April 2010: 10 vehicle thefts (S1, North), 5 + i shop thefts (S2,
    South), 3 assaults (S3, East), 1 crime with no offence group (S1); one other force's."""
    rows: dict[str, list[object]] = {
        k: [] for k in ("force", "month", "category", "offence_group", "offence", "small_area")
    }

    def add(month: date, category: str, group: str | None, offence: str | None, area: str) -> None:
        for key, value in zip(
            rows, ("Test Police", month, category, group, offence, area), strict=True
        ):
            rows[key].append(value)

    for i, month in enumerate(months_between(FIRST, LAST)):
        for _ in range(10):
            add(month, "Vehicle crime", "Theft", "Theft from motor vehicle", "S1")
        for _ in range(5 + i):
            add(month, "Shoplifting", "Theft", "Theft from shops", "S2")
        for _ in range(3):
            add(month, "Violence and sexual offences", "Violence", "s20/47 assault", "S3")
        add(month, "Other crime", None, None, "S1")
    add(LAST, "Shoplifting", "Theft", "Theft from shops", "S2")
    rows["force"][-1] = "Other Police"
    n = len(rows["force"])
    return pa.table({"source_line": list(range(2, n + 2)), "crime_ref": list(map(str, range(n))),
                     **rows})  # fmt: skip


def build_store(path: Path, crimes: pa.Table) -> Store:
    """A store holding ``crimes`` and four small areas, loaded through ``Store.replace``."""
    store = Store.open(path)
    load_rows(store, "crimes", crimes, keys=("force", "month"))
    load_areas(store, [("S1", "Small 1", "North", "LPU A", "LA 1"),
                       ("S2", "Small 2", "South", "LPU A", "LA 1"),
                       ("S3", "Small 3", "East", "LPU B", "LA 1")])  # fmt: skip
    return store


@pytest.fixture
def plan() -> Plan:
    return load_plan_text(PLAN, "breakdown-plan.yaml")


@pytest.fixture
def backend(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = build_store(tmp_path / "b.duckdb", records())
    yield Engine.of_store(store)
    store.close()


def test_breakdown_by_offence_over_months(backend, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    april_may = [date(2012, 4, 1), date(2012, 5, 1)]  # months 24 and 25: 29 + 30 shop thefts
    assert breakdown(backend, plan, "total_crime", "offence", april_may) == {
        "Theft from shops": 59,
        "Theft from motor vehicle": 20,
        "s20/47 assault": 6,
        "(none)": 2,
    }
    assert breakdown(backend, plan, "theft", "offence_group", april_may) == {"Theft": 79}


def test_breakdown_by_category_in_an_area(backend, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    months = [date(2013, 4, 1)]
    north = AreaRef(level="neighbourhood", name="North")
    assert breakdown(backend, plan, "total_crime", "category", months, area=north) == {
        "Vehicle crime": 10,
        "Other crime": 1,
    }
    # the other force's April 2013 shop theft never counts
    assert breakdown(backend, plan, "total_crime", "category", months)["Shoplifting"] == 41


def test_breakdown_edges(backend, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    assert breakdown(backend, plan, "total_crime", "offence", []) == {}
    assert breakdown(backend, plan, "theft", "offence", [date(2009, 1, 1)]) == {}
    with pytest.raises(MeasureError) as error:
        breakdown(backend, plan, "shop_share", "offence", [FIRST])
    assert str(error.value) == (
        "measure 'shop_share' is a proportion measure; only a count (or rate) measure's "
        "records can be counted here"
    )
    with pytest.raises(MeasureError) as error:
        breakdown(backend, plan, "burglary", "offence", [FIRST])
    assert (
        str(error.value) == "no measure 'burglary' in the plan; count measures: total_crime, theft"
    )


def test_yearly_totals_of_complete_years(backend, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    def theft(year: int) -> int:  # 10 + 5 + i a month, i = 0 … for April 2010 on
        first = (year - 2010) * 12
        return sum(15 + i for i in range(first, first + 12))

    assert yearly_totals(backend, plan, "theft") == {
        "2010/11": theft(2010),
        "2011/12": theft(2011),
        "2012/13": theft(2012),
    }
    everything = yearly_totals(backend, plan, "theft", complete_only=False)
    assert everything["2013/14"] == 10 + 5 + 36  # April 2013 only
    assert list(everything) == [FinancialYear(y).label for y in (2010, 2011, 2012, 2013)]
    east = yearly_totals(backend, plan, "total_crime", area=AreaRef(level="small_area", name="S3"))
    assert east == {"2010/11": 36, "2011/12": 36, "2012/13": 36}


def test_a_month_without_records_makes_a_year_incomplete(tmp_path: Path, plan: Plan) -> None:
    table = records()
    keep = [m != date(2011, 8, 1) for m in table.column("month").to_pylist()]
    store = build_store(tmp_path / "gap.duckdb", table.filter(pa.array(keep)))
    try:
        assert list(yearly_totals(Engine.of_store(store), plan, "theft")) == ["2010/11", "2012/13"]
    finally:
        store.close()


def test_area_set_counts(backend, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    before = months_between(date(2011, 4, 1), date(2012, 3, 1))  # i = 12 … 23
    after = months_between(date(2012, 4, 1), date(2013, 3, 1))  # i = 24 … 35
    counts = area_set_counts(
        backend, plan, ["treatment", "control", "east"], {"before": before, "after": after}
    )
    assert counts == {
        ("treatment", "before"): 12 * 11,
        ("treatment", "after"): 12 * 11,
        ("control", "before"): sum(5 + i for i in range(12, 24)),
        ("control", "after"): sum(5 + i for i in range(24, 36)),
        ("east", "before"): 36,
        ("east", "after"): 36,
    }
    theft = area_set_counts(backend, plan, ["treatment"], {"after": after}, measure="theft")
    assert theft == {("treatment", "after"): 120}  # the crimes without a group are left out
    assert area_set_counts(backend, plan, ["treatment"], {"none": []}) == {("treatment", "none"): 0}
    with pytest.raises(MeasureError) as error:
        area_set_counts(backend, plan, ["treatment", "nowhere"], {"after": after})
    assert str(error.value) == (
        "no area set 'nowhere' in the plan; known area sets: control, east, treatment"
    )


def test_months_helper_sanity() -> None:
    assert add_months(FIRST, 36) == LAST
