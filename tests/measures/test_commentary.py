"""Leads' commentary checked against the data (``crimeplan.measures.commentary``).

Three kinds of test: the reader on many phrasings (``claims_of``) and the tolerances
(``band``); the checker on a small hand-made pack whose figures are written out here; and the
built-in plan on the demo data, where the contradictions issue 8 names must be found. The
expected figures of the demo tests are computed in the test from the measure's own series
(sums, means, runs counted here), not copied from the checker's output.
"""

from __future__ import annotations

from datetime import date

import pytest

from crimeplan.codec import from_dict, to_dict
from crimeplan.data.engine import Engine
from crimeplan.data.store import Store
from crimeplan.measures.commentary import Claim, band, check_text, claims_of
from crimeplan.measures.pack import evaluate_pack
from crimeplan.periods import add_months, format_month, parse_month
from crimeplan.plan.model import Plan
from crimeplan.results.commentary import CommentaryCheck
from crimeplan.results.measure import Comparison, MeasureResult, Periods, PlanInfo, SeriesPoint
from crimeplan.results.pack import Board, MilestoneOutline, ObjectiveOutline, PackResults, Paper


# -- a small hand-made pack ------------------------------------------------------------------
def _months(last: str, n: int) -> list[str]:
    end = parse_month(last)
    return [format_month(add_months(end, -i)) for i in range(n - 1, -1, -1)]


def _count_measure(measure_id: str, title: str, values: list[int], as_at: str) -> MeasureResult:
    months = _months(as_at, len(values))
    now, then = values[-1], values[-13]
    return MeasureResult(
        id=measure_id,
        title=title,
        kind="count",
        unit="count",
        improvement="decrease",
        month=as_at,
        month_value=now,
        ytd=now,
        baseline_ytd=then,
        change=now - then,
        change_pct=round(100 * (now - then) / then, 2),
        comparison=Comparison(
            basis="year_to_date",
            current=(as_at, as_at),
            baseline=(months[-13], months[-13]),
            baseline_year="2012/13",
        ),
        milestones=("A1",),
        series=tuple(SeriesPoint(month=m, value=v) for m, v in zip(months, values, strict=True)),
    )


#: 25 months of burglary to April 2013: 2011/12 is 40 a month; 2012/13 sums to 528 (44 a
#: month) and ends with three falls, 60 → 50 → 44 → 33; April 2013 is 38, a rise.
BURGLARY = [40] * 12 + [34, 45, 44, 43, 42, 41, 40, 52, 60, 50, 44, 33, 38]
#: the same 25 months of robbery: 100 a month, then 110 in April 2013
ROBBERY = [100] * 24 + [110]


def tiny_pack(burglary: list[int] = BURGLARY) -> PackResults:
    as_at = "2013-04"
    measures = (
        _count_measure("burglary", "Burglary dwelling", burglary, as_at),
        _count_measure("robbery", "Robbery", ROBBERY, as_at),
    )
    paper = Paper(
        board=Board(name="Test Board", agenda_item=None, report_title="Performance"),
        objectives=(
            ObjectiveOutline(
                id="A",
                title="Reduce crime",
                milestones=(
                    MilestoneOutline(
                        id="A1",
                        title="Reduce burglary and robbery",
                        status="in progress",
                        measures=("burglary", "robbery"),
                    ),
                    MilestoneOutline(id="A2", title="Open a new station", status="in progress"),
                ),
            ),
        ),
    )
    return PackResults(
        as_at=as_at,
        plan=PlanInfo(
            title="Test plan", force="Test Police", plan_year="2013/14", baseline_year="2012/13"
        ),  # fmt: skip
        area="Test Police",
        period=Periods(year_to_date=(as_at, as_at), baseline=("2012-04", "2012-04")),
        synthetic_data=True,
        measures=measures,
        paper=paper,
    )


def checks(
    note: str, milestone: str = "A1", pack: PackResults | None = None
) -> list[CommentaryCheck]:
    return list(check_text(pack or tiny_pack(), milestone, note))


def only(note: str, milestone: str = "A1") -> CommentaryCheck:
    found = checks(note, milestone)
    assert len(found) == 1, found
    return found[0]


# -- the reader --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("note", "kind", "value", "direction", "months"),
    [
        ("Burglary dwelling has reduced for the past six consecutive months.", "run", 6, "down", 6),
        ("Burglary dwelling has fallen in each of the last 4 months.", "run", 4, "down", 4),
        ("Robbery has risen for three months in a row.", "run", 3, "up", 3),
        ("Burglary dwelling rose over the last two months.", "direction", 2, "up", 2),
        ("Robbery sees a 6% increase.", "change", 6, "up", None),
        ("Robbery is 10 per cent higher than last year.", "change", 10, "up", None),
        ("Burglary dwelling fell by 12.5%.", "change", 12.5, "down", None),
        ("There are on average 40 to 50 burglaries per month.", "average", 40, None, None),
        ("In 2012/13 we recorded 540 burglary dwelling offences.", "total", 540, None, None),
        ("In 2012/13 burglary dwelling averaged around 45 per month.", "average", 45, None, None),
        ("Robbery is currently stable.", "stable", None, "stable", None),
        ("Burglary dwelling has increased.", "direction", None, "up", None),
    ],
)
def test_the_reader_finds_each_kind_of_claim(
    note: str, kind: str, value: float | None, direction: str | None, months: int | None
) -> None:
    claims = claims_of(tiny_pack(), "A1", note)
    assert len(claims) == 1, claims
    claim = claims[0]
    assert claim.kind == kind
    assert claim.value == value
    assert claim.direction == direction
    assert claim.months == months
    assert claim.measures in (("burglary",), ("robbery",))


@pytest.mark.parametrize(
    "note",
    [
        "We aim to reduce burglary dwelling by 8% this year.",
        "Robbery should fall over the summer.",
        "The milestone to reduce robbery is being reviewed.",
        "A problem profile is being commissioned along with local plans.",
        "Work with partners to tackle reducing harm has begun.",
        "Wave 34 will start interviewing in June.",
        "The fleet of 30 electric vehicles is being rolled out.",
    ],
)
def test_aims_and_plain_statements_make_no_claim(note: str) -> None:
    assert claims_of(tiny_pack(), "A1", note) == []


def test_a_figure_followed_by_for_a_measure_is_that_measures() -> None:
    claims = claims_of(
        tiny_pack(), "A1", "Robbery and burglary dwelling fell by 12% for robbery and 9% for "
        "burglary dwelling."
    )  # fmt: skip
    assert [(c.value, c.measures) for c in claims] == [(12, ("robbery",)), (9, ("burglary",))]


def test_a_clause_without_a_measure_takes_the_one_before_it() -> None:
    claims = claims_of(
        tiny_pack(), "A1", "Burglary dwelling is a priority. It has fallen for the past four "
        "consecutive months."
    )  # fmt: skip
    assert [(c.kind, c.measures) for c in claims] == [("run", ("burglary",))]


def test_abbreviations_are_read_from_the_update() -> None:
    claims = claims_of(
        tiny_pack(), "A1", "Burglary dwelling (BD) is a priority. BD has fallen for the past four "
        "consecutive months."
    )  # fmt: skip
    assert [c.measures for c in claims] == [("burglary",)]


@pytest.mark.parametrize(
    ("written", "hedge", "expected"),
    [
        (("43",), "exact", (42.5, 43.5)),
        (("1.5",), "exact", (1.45, 1.55)),
        (("1.5",), "around", (1.35, 1.65)),
        (("530",), "exact", (525.0, 535.0)),
        (("50",), "around", (45.0, 55.0)),
        (("200",), "around", (180.0, 220.0)),
        (("3",), "around", (2.5, 3.5)),
        (("50",), "nearly", (45.0, 55.0)),
        (("50",), "over", (50.0, None)),
        (("50",), "under", (None, 50.0)),
        (("190", "200"), "exact", (185.0, 205.0)),
        (("12,800",), "exact", (12795.0, 12805.0)),
    ],
)
def test_band(
    written: tuple[str, ...], hedge: str, expected: tuple[float | None, float | None]
) -> None:
    value = float(written[0].replace(",", ""))
    high = float(written[1]) if len(written) > 1 else None
    claim = Claim(kind="total", text="", value=value, high=high, written=written, hedge=hedge)  # type: ignore[arg-type]
    low, top = band(claim)
    assert (
        None if low is None else round(low, 3),
        None if top is None else round(top, 3),
    ) == expected


# -- the checker on the hand-made pack -----------------------------------------------------------
def test_a_run_of_the_right_length_agrees_and_a_wrong_one_is_contradicted() -> None:
    # BURGLARY ends 60, 50, 44, 33, 38: April 2013 rose, so the current run is one rise
    rising = only("Burglary dwelling has risen in each of the last 1 months.")
    assert rising.verdict == "agrees"
    pack = tiny_pack(BURGLARY[:-1] + [30])  # now 60, 50, 44, 33, 30: four falls
    agrees = checks("Burglary dwelling has fallen for the past four consecutive months.", pack=pack)
    assert [(c.verdict, c.found) for c in agrees] == [("agrees", 4.0)]
    wrong = checks("Burglary dwelling has fallen for the past six consecutive months.", pack=pack)
    assert [(c.verdict, c.found, c.stated) for c in wrong] == [("contradicted", 4.0, 6.0)]
    assert "each of the last 4 months" in wrong[0].finding
    assert "from 60 in December 2012 to 30 in April 2013" in wrong[0].finding


def test_a_total_and_an_average_of_a_financial_year() -> None:
    total = sum(BURGLARY[12:24])  # April 2012 to March 2013
    assert total == 528
    found = checks(
        f"In 2012/13 the Force recorded {total} burglary dwelling offences; an average of "
        "around 50 per month."
    )
    assert [(c.kind, c.verdict) for c in found] == [
        ("total", "agrees"),
        ("average", "contradicted"),
    ]
    assert found[1].found == 44.0
    assert found[1].band == (45.0, 55.0)
    assert found[1].finding == "Burglary dwelling: 528 in 2012/13, an average of 44.0 a month."
    assert only("In 2012/13 burglary dwelling averaged around 44 per month.").verdict == "agrees"


def test_a_change_against_the_baseline() -> None:
    # robbery: 110 in April 2013 against 100 in April 2012, +10%
    assert only("Robbery sees a 10% increase.").verdict == "agrees"
    assert only("Robbery sees a 6% increase.").verdict == "contradicted"
    assert only("Robbery has fallen by 10%.").verdict == "contradicted"
    assert only("Robbery has increased.").verdict == "agrees"
    assert only("Robbery has reduced.").verdict == "contradicted"
    check = only("Robbery sees a 6% increase.")
    assert check.finding == "Robbery: 110 in April 2013 against 100 in April 2012, 10.0% higher."


@pytest.mark.parametrize(
    ("note", "verdict", "found"),
    [
        # robbery: 110 in April 2013 against 100 in April 2012; 1,200 in 2012/13
        ("Robbery is up 10% on last year.", "agrees", 10.0),
        ("Robbery is down 3 per cent.", "contradicted", 10.0),
        ("Robbery rose by around 11%.", "agrees", 10.0),
        ("Robbery rose by 9%.", "contradicted", 10.0),
        ("Robbery has increased significantly.", "contradicted", 10.0),  # within chance
        ("There were more than 100 robberies per month in 2012/13.", "contradicted", 100.0),
        ("There were about 100 robberies a month in 2012/13.", "agrees", 100.0),
        ("Robbery was 110 in April 2013.", "agrees", 110.0),
        # burglary: 528 in 2012/13 against 480 in 2011/12 (+10%); 34 in April 2012
        ("Burglary dwelling is higher than in 2011/12.", "agrees", 48.0),
        ("Burglary dwelling is lower than in 2011/12.", "contradicted", 48.0),
        ("Burglary dwelling rose 10% on 2011/12.", "agrees", 10.0),
        ("Burglary dwelling averaged just under 45 a month in 2012/13.", "agrees", 44.0),
        ("Domestic burglary has fallen by 5% compared with April 2012.", "contradicted", 11.7647),
        ("Burglary dwelling: 38 offences in April.", "agrees", 38.0),
    ],
)
def test_phrasings_checked(note: str, verdict: str, found: float) -> None:
    check = only(note)
    assert (check.verdict, check.found) == (verdict, found), check


def test_stable_is_a_change_within_chance() -> None:
    # 110 against 100 in a month: the exact Poisson test gives p = 0.55, within chance
    assert only("Robbery is stable compared with April 2012.").verdict == "agrees"
    big = tiny_pack(BURGLARY[:-1] + [90])  # 90 against 46 in April 2012: beyond chance
    stable = checks("Burglary dwelling is stable at the same level as April 2012.", pack=big)
    assert [c.verdict for c in stable] == ["contradicted"]
    assert "more than chance" in stable[0].finding


def test_claims_that_cannot_be_checked() -> None:
    cases = {
        "Robbery is in line with the Most Similar Group average.": "other forces",
        "Burglary dwelling has fallen since the peak.": "cannot place",
        "'Theft Other' offences have reduced significantly.": "no measure of the plan",
    }
    for note, words in cases.items():
        check = only(note)
        assert check.verdict == "unchecked", note
        assert words in check.finding, (note, check.finding)
    no_measures = only("Nearly 50% of respondents felt they could influence priorities.", "A2")
    assert no_measures.verdict == "unchecked"
    assert no_measures.measure is None


def test_a_check_round_trips() -> None:
    for check in checks("Robbery sees a 6% increase. Burglary dwelling is stable."):
        assert from_dict(CommentaryCheck, to_dict(check)) == check


# -- the built-in plan on the demo data ----------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_store: Store, builtin_plan: Plan) -> PackResults:
    with Engine.of_store(demo_store) as engine:
        return evaluate_pack(builtin_plan, engine, date(2013, 4, 1))


def _checks(results: PackResults, milestone: str, words: str) -> list[CommentaryCheck]:
    return [c for c in results.commentary_checks if c.milestone == milestone and words in c.claim]


def _series(results: PackResults, measure: str) -> dict[str, float]:
    return {p.month: p.value for p in results.measure(measure).series if p.value is not None}


def test_builtin_burglary_six_months_against_five(demo: PackResults) -> None:
    values = list(_series(demo, "burglary_dwelling").values())
    falls = 0
    while values[-1 - falls] < values[-2 - falls]:
        falls += 1
    assert falls == 5  # the issue: "fallen in each of the last 5 months"
    [check] = _checks(demo, "F1", "six consecutive months")
    assert (check.verdict, check.measure, check.found) == ("contradicted", "burglary_dwelling", 5.0)
    assert "each of the last 5 months" in check.finding


def test_builtin_530_but_not_around_50_a_month(demo: PackResults) -> None:
    series = _series(demo, "non_crime_hate_incidents")
    year = [series[m] for m in _months("2013-03", 12)]
    found = {c.kind: c for c in _checks(demo, "A3", "530")}
    assert sum(year) == 530
    assert found["total"].verdict == "agrees"
    assert found["average"].verdict == "contradicted"
    assert found["average"].found == round(sum(year) / 12, 4)
    assert 43 <= found["average"].found < 45  # "43 to 44 a month"


def test_builtin_satisfaction_not_1_5_higher(demo: PackResults) -> None:
    found = {c.measure: c for c in _checks(demo, "H1", "1.5% higher than in 2011/12")}
    assert set(found) == {"satisfaction_crime", "satisfaction_asb"}
    for measure, points in (("satisfaction_crime", 0.8), ("satisfaction_asb", -0.9)):
        series = _series(demo, measure)
        assert round(series["2013-03"] - series["2012-03"], 1) == points  # the figures
        assert found[measure].verdict == "contradicted"
    assert "0.8 points higher" in found["satisfaction_crime"].finding
    assert "0.9 points lower" in found["satisfaction_asb"].finding


def test_builtin_hotspot_pilot_not_positive(demo: PackResults) -> None:
    [check] = _checks(demo, "I4", "positive results")
    pilot = next(e for e in demo.experiments if e.id == "hotspot_patrol")
    assert pilot.permutation is not None and pilot.permutation.difference > 0
    assert (check.verdict, check.experiment, check.kind) == (
        "contradicted", "hotspot_patrol", "experiment",
    )  # fmt: skip
    assert "worse than the controls" in check.finding


def test_builtin_claims_that_agree(demo: PackResults) -> None:
    business = demo.measure("business_crime")
    assert business.change_pct is not None and round(business.change_pct) == 6
    agreeing = {
        ("I1", "6% increase"), ("I1", "43% of business crime"), ("A3", "190 to 200"),
        ("A3", "1.5% of total recorded crime"), ("A1", "around 3 percentage points"),
        ("A1", "two consecutive waves"),
    }  # fmt: skip
    for milestone, words in agreeing:
        found = _checks(demo, milestone, words)
        assert found and all(c.verdict == "agrees" for c in found), (milestone, words, found)


def test_builtin_claims_that_cannot_be_checked(demo: PackResults) -> None:
    for milestone, words in (("A1", "deteriorated nationally"), ("F1", "most similar group"),
                             ("A3", "since 2006/07")):  # fmt: skip
        found = _checks(demo, milestone, words)
        assert found and all(c.verdict == "unchecked" for c in found), (milestone, words)


def test_a_hand_made_update_that_agrees_with_the_demo(demo: PackResults) -> None:
    burglary = demo.measure("burglary_dwelling")
    business = demo.measure("business_crime")
    assert business.change_pct is not None
    note = (
        "Burglary dwelling has fallen for the past five consecutive months. "
        f"Business crime is {business.change_pct:.1f}% higher than last year."
    )
    found = list(check_text(demo, "F3", note[: note.index("Business")]))
    found += check_text(demo, "I1", note[note.index("Business") :])
    assert [c.verdict for c in found] == ["agrees", "agrees"], found
    assert burglary.id in {c.measure for c in found}


def test_the_checks_quote_the_updates_words(demo: PackResults, builtin_plan: Plan) -> None:
    texts = {m.id: " ".join(" ".join(u.text) for u in m.updates) for m in builtin_plan.milestones}
    for check in demo.commentary_checks:
        claim = check.claim.rstrip("…")
        assert " ".join(claim.split()) in " ".join(texts[check.milestone].split()), check.claim


def test_an_experiment_claim_that_agrees(demo: PackResults) -> None:
    note = (
        "The Force is conducting a pilot in Birmingham South LPU of structured patrol in "
        "hotspots. The first five months of the pilot show the patrolled areas doing worse "
        "than the controls."
    )
    [check] = check_text(demo, "I4", note)
    assert (check.kind, check.experiment, check.verdict) == (
        "experiment",
        "hotspot_patrol",
        "agrees",
    )
