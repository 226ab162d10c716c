"""Cross-reference checks: each collects every problem, with the line it is on."""

from __future__ import annotations

import textwrap

import pytest

from crimeplan.errors import PlanError
from crimeplan.plan import check_plan, load_plan_text
from crimeplan.plan.model import Plan

BASE = """\
title: Test plan
force: Test Police
plan_year: 2013/14
baseline_year: 2012/13
board:
  name: Board
  report_title: Performance
objectives:
  - id: A
    title: Reduce crime
    milestones:
      - id: A1
        title: Reduce burglary
        measures: [burglary]
        targets:
          - {measure: burglary, change_pct: -8}
measures:
  - id: burglary
    title: Burglary
    kind: count
    where: {category: Burglary}
  - id: robbery
    title: Robbery
    kind: count
    where: {category: Robbery}
"""
# BASE is lines 1-25; what a test appends starts on line 26.


def problems(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan_text(text, "plan.yaml")
    return [str(p) for p in caught.value.problems]


def add(rest: str) -> str:
    """BASE with more measures (written from column 0, indented here) and what follows them."""
    text = textwrap.dedent(rest)
    measures, _, after = text.partition("\n\n")
    return BASE + textwrap.indent(measures + "\n", "  ") + after


def test_base_plan_has_no_problems() -> None:
    plan = load_plan_text(BASE, "plan.yaml")
    assert check_plan(plan) == []


def test_check_plan_without_a_locator_has_no_lines() -> None:
    plan = load_plan_text(BASE, "plan.yaml")
    data = plan.model_dump(by_alias=True, exclude_unset=True)
    data["baseline_year"] = "2014/15"
    found = check_plan(Plan.model_validate(data))
    assert [str(p) for p in found] == [
        "<plan>  baseline_year: the baseline year 2014/15 is not before the plan year 2013/14 "
        "(the baseline is usually the year before: 2012/13)"
    ]


def test_baseline_year_must_come_before_plan_year() -> None:
    assert problems(BASE.replace("baseline_year: 2012/13", "baseline_year: 2013/14")) == [
        "plan.yaml:4  baseline_year: the baseline year 2013/14 is not before the plan year "
        "2013/14 (the baseline is usually the year before: 2012/13)"
    ]


def test_duplicate_measure_id() -> None:
    text = add(
        """\
          - id: burglary
            title: Burglary again
            kind: count
        """
    )
    assert problems(text) == [
        "plan.yaml:26  measures[2] 'burglary'.id: duplicate measure id 'burglary' "
        "(first used at line 18)"
    ]


def test_duplicate_objective_and_milestone_ids() -> None:
    text = BASE.replace(
        "measures:\n  - id: burglary",
        textwrap.dedent(
            """\
              - id: A
                title: Again
                milestones:
                  - {id: A1, title: Again}
            measures:
              - id: burglary"""
        ),
    )
    assert problems(text) == [
        "plan.yaml:17  objectives[1] 'A'.id: duplicate objective id 'A' (first used at line 9)",
        "plan.yaml:20  objectives[1] 'A'.milestones[0] 'A1'.id: duplicate milestone id 'A1' "
        "(first used at line 12)",
    ]


def test_milestone_naming_an_unknown_measure() -> None:
    text = BASE.replace("measures: [burglary]", "measures: [burglary, burglery, asb]")
    assert problems(text) == [
        "plan.yaml:14  objectives[0] 'A'.milestones[0] 'A1'.measures[1]: no measure 'burglery' "
        "(did you mean 'burglary'? Known measures: burglary, robbery)",
        "plan.yaml:14  objectives[0] 'A'.milestones[0] 'A1'.measures[2]: no measure 'asb' "
        "(Known measures: burglary, robbery)",
    ]


def test_target_naming_an_unknown_measure() -> None:
    text = BASE.replace("{measure: burglary, change_pct: -8}", "{measure: robery, change_pct: -8}")
    assert problems(text) == [
        "plan.yaml:16  objectives[0] 'A'.milestones[0] 'A1'.targets[0].measure: no measure "
        "'robery' (did you mean 'robbery'? Known measures: burglary, robbery)"
    ]


def test_target_against_the_improvement_direction() -> None:
    text = BASE.replace("change_pct: -8", "change_pct: 8")
    assert problems(text) == [
        "plan.yaml:16  objectives[0] 'A'.milestones[0] 'A1'.targets[0].change_pct: a target to "
        "increase measure 'burglary', whose improvement is 'decrease' (check the sign of "
        "change_pct or the measure's improvement)"
    ]


def test_change_target_on_a_published_measure() -> None:
    text = BASE.replace(
        "{measure: burglary, change_pct: -8}", "{measure: reoffending, change_pct: -8}"
    )
    text += "  - {id: reoffending, title: Reoffending, kind: published, table: reoffending}\n"
    assert problems(text) == [
        "plan.yaml:16  objectives[0] 'A'.milestones[0] 'A1'.targets[0].change_pct: measure "
        "'reoffending' is published (table reoffending); crimeplan does not count it, so a "
        "change against the baseline year cannot be tracked (use at_least or at_most for a "
        "published figure)"
    ]


def test_level_target_on_a_percentage_must_be_a_percentage() -> None:
    text = add(
        """\
          - id: solved
            title: Solved rate
            kind: proportion
            improvement: increase
            numerator: {where: {category: Burglary, solved: true}}
            denominator: {measure: burglary}
        """
    ).replace("{measure: burglary, change_pct: -8}", "{measure: solved, at_least: 120}")
    assert problems(text) == [
        "plan.yaml:16  objectives[0] 'A'.milestones[0] 'A1'.targets[0].at_least: 120.0 is not "
        "a percentage between 0 and 100 (measure 'solved' is in per cent)"
    ]


def test_a_measure_has_one_target() -> None:
    text = BASE.replace(
        "          - {measure: burglary, change_pct: -8}\n",
        "          - {measure: burglary, change_pct: -8}\n"
        "          - {measure: burglary, change_pct: -5}\n",
    )
    assert problems(text) == [
        "plan.yaml:17  objectives[0] 'A'.milestones[0] 'A1'.targets[1].measure: measure "
        "'burglary' already has a target (first set at objectives[0] 'A'.milestones[0] "
        "'A1'.targets[0]; a measure has one target)"
    ]


def test_unknown_area_set_in_every_kind_of_filter() -> None:
    text = add(
        """\
        - id: priority_share
          title: Share in priority areas
          kind: proportion
          numerator: {where: {area_set: priorty_areas}}
          denominator: {where: {area_set: elsewhere}}

        area_sets:
          priority_areas: {level: neighbourhood, members: [Aston, Aston]}
        """
    ).replace("where: {category: Robbery}", "where: {category: Robbery, area_set: priority}")
    assert problems(text) == [
        "plan.yaml:25  measures[1] 'robbery'.where.area_set: no area set 'priority' "
        "(did you mean 'priority_areas'? defined area sets: priority_areas)",
        "plan.yaml:29  measures[2] 'priority_share'.numerator: is not part of the "
        "denominator: the denominator has area_set elsewhere but the numerator has "
        "priorty_areas (add area_set: elsewhere to the numerator's where)",
        "plan.yaml:29  measures[2] 'priority_share'.numerator.where.area_set: no area set "
        "'priorty_areas' (did you mean 'priority_areas'? defined area sets: priority_areas)",
        "plan.yaml:30  measures[2] 'priority_share'.denominator.where.area_set: no area set "
        "'elsewhere' (defined area sets: priority_areas)",
        "plan.yaml:32  area_sets.priority_areas.members[1]: 'Aston' is listed twice",
    ]


def test_count_naming_an_unknown_or_unsuitable_measure() -> None:
    text = add(
        """\
          - id: solved
            title: Solved
            kind: proportion
            numerator: {where: {solved: true}}
            denominator: {measure: burglery}
          - id: share
            title: Share
            kind: proportion
            numerator: {where: {solved: true}}
            denominator: {measure: solved}
          - id: itself
            title: Itself
            kind: proportion
            numerator: {where: {solved: true}}
            denominator: {measure: itself}
          - id: both
            title: Both
            kind: proportion
            numerator: {where: {solved: true}}
            denominator: {measure: burglary, where: {category: Burglary}}
        """
    )
    assert problems(text) == [
        "plan.yaml:30  measures[2] 'solved'.denominator.measure: no measure 'burglery' "
        "(did you mean 'burglary'? Known measures: burglary, robbery, solved, share, itself, "
        "both)",
        "plan.yaml:35  measures[3] 'share'.denominator.measure: measure 'solved' is a "
        "proportion measure, not a count (a numerator or denominator counts records: name a "
        "count measure)",
        "plan.yaml:40  measures[4] 'itself'.denominator.measure: a proportion cannot count itself",
        "plan.yaml:45  measures[5] 'both'.denominator.measure: give either measure or "
        "count/where, not both (measure 'burglary' already says what is counted)",
    ]


def test_numerator_must_be_part_of_the_denominator() -> None:
    text = add(
        """\
          - id: robbery_solved
            title: Robbery solved rate
            kind: proportion
            improvement: increase
            numerator: {where: {solved: true}}
            denominator: {measure: robbery}
          - id: same
            title: Same
            kind: proportion
            numerator: {where: {category: Robbery}}
            denominator: {measure: robbery}
          - id: incidents_of_crimes
            title: Incidents over crimes
            kind: proportion
            numerator: {count: incidents, where: {category: Robbery}}
            denominator: {measure: robbery}
          - id: narrower
            title: Fine
            kind: proportion
            numerator: {where: {category: Robbery, domestic: true}}
            denominator: {where: {category: [Robbery, Burglary]}}
        """
    )
    assert problems(text) == [
        "plan.yaml:30  measures[2] 'robbery_solved'.numerator: is not part of the denominator: "
        "the denominator has category [Robbery] but the numerator has nothing (add category: "
        "[Robbery] to the numerator's where)",
        "plan.yaml:35  measures[3] 'same'.numerator: is the same as the denominator: the "
        "proportion is always 100 % (narrow the numerator's where, e.g. solved: true)",
        "plan.yaml:40  measures[4] 'incidents_of_crimes'.numerator: counts incidents but the "
        "denominator counts crimes (a proportion counts one kind of record)",
    ]


def test_exclusions_are_kept_by_a_narrower_category() -> None:
    text = add(
        """\
          - id: total
            title: Total
            kind: count
            where: {exclude_category: Anti-social behaviour}
          - id: burglary_share
            title: Burglary share
            kind: proportion
            improvement: neutral
            numerator: {where: {category: Burglary}}
            denominator: {measure: total}
          - id: hate_share
            title: Hate share
            kind: proportion
            improvement: neutral
            numerator: {where: {hate: true}}
            denominator: {measure: total}
        """
    )
    assert problems(text) == [
        "plan.yaml:40  measures[4] 'hate_share'.numerator: is not part of the denominator: the "
        "denominator has exclude_category [Anti-social behaviour] but the numerator has nothing "
        "(add exclude_category: [Anti-social behaviour] to the numerator's where)"
    ]


def test_incident_filters_and_contradictions() -> None:
    text = add(
        """\
          - id: hate_incidents
            title: Hate incidents
            kind: count
            count: incidents
            where: {category: Non-crime hate incident, offence_group: Hate, solved: true}
          - id: nothing
            title: Nothing
            kind: count
            where: {category: [Burglary, Robbery], exclude_category: Robbery}
          - id: one_minute
            title: One minute
            kind: count
            where: {time_of_day: {from: "19:00", to: "19:00"}}
        """
    )
    assert problems(text) == [
        "plan.yaml:30  measures[2] 'hate_incidents'.where.offence_group: incidents have no "
        "offence_group (incidents can be filtered on area, area_set, category, "
        "exclude_category, hate, hate_strand, time_of_day)",
        "plan.yaml:30  measures[2] 'hate_incidents'.where.solved: incidents have no solved "
        "(incidents can be filtered on area, area_set, category, exclude_category, hate, "
        "hate_strand, time_of_day)",
        "plan.yaml:34  measures[3] 'nothing'.where.exclude_category: excludes Robbery, which "
        "category includes: the measure counts nothing",
        "plan.yaml:38  measures[4] 'one_minute'.where.time_of_day: the window starts and ends "
        'at the same minute (a night-time economy window is from: "19:00", to: "03:59")',
    ]


def test_keys_of_another_kind_of_measure() -> None:
    text = add(
        """\
          - id: confidence
            title: Confidence
            kind: survey
            survey: Feeling the Difference
            question: Have confidence in the police
            where: {category: Burglary}
            per: 100
            rebase: [2013-4, 2013-05]
            peer_measure: confidence
        """
    )
    assert problems(text) == [
        "plan.yaml:31  measures[2] 'confidence'.where: a survey measure does not use where "
        "(where belongs to a count or rate measure)",
        "plan.yaml:32  measures[2] 'confidence'.per: a survey measure does not use per "
        "(per belongs to a rate measure)",
        "plan.yaml:33  measures[2] 'confidence'.rebase[0]: rebase month '2013-4' is not a "
        "month; expected YYYY-MM, e.g. 2013-04",
        "plan.yaml:34  measures[2] 'confidence'.peer_measure: the plan has no peers to compare "
        "with (list the peer forces under peers)",
    ]


def test_reported_with() -> None:
    text = BASE.replace(
        "measures:\n  - id: burglary",
        textwrap.dedent(
            """\
                  - {id: A2, title: Two, reported_with: A1}
                  - {id: A3, title: Three, reported_with: A2}
                  - {id: A4, title: Four, reported_with: A4}
                  - {id: A5, title: Five, reported_with: B1}
            measures:
              - id: burglary"""
        ),
    )
    assert problems(text) == [
        "plan.yaml:18  objectives[0] 'A'.milestones[2] 'A3'.reported_with: milestone 'A2' is "
        "itself reported with 'A1' (name 'A1' instead)",
        "plan.yaml:19  objectives[0] 'A'.milestones[3] 'A4'.reported_with: a milestone cannot "
        "be reported with itself",
        "plan.yaml:20  objectives[0] 'A'.milestones[4] 'A5'.reported_with: no milestone 'B1' "
        "in objective A (milestones of objective A: A1, A2, A3, A4, A5)",
    ]


def test_board_meetings_and_updates_in_date_order() -> None:
    text = BASE.replace(
        "  report_title: Performance\n",
        "  report_title: Performance\n  meetings: [2013-06-11, 2013-05-14, 2013-05-14]\n",
    ).replace(
        "        targets:\n",
        "        updates:\n"
        "          - {date: 2013-06-01, text: Later}\n"
        "          - {date: 2013-05-01, text: Earlier}\n"
        "        targets:\n",
    )
    assert problems(text) == [
        "plan.yaml:8  board.meetings[1]: 2013-05-14 is listed after the later 2013-06-11 "
        "(list the meetings in date order)",
        "plan.yaml:8  board.meetings[2]: 2013-05-14 is listed twice",
        "plan.yaml:18  objectives[0] 'A'.milestones[0] 'A1'.updates[1].date: 2013-05-01 is "
        "listed after the later 2013-06-01 (list the updates oldest first)",
    ]


def test_peers() -> None:
    text = BASE + "peers:\n  forces: [Other Police, Test Police, Other Police]\n"
    assert problems(text) == [
        "plan.yaml:27  peers.forces[1]: 'Test Police' is the plan's own force (peers are the "
        "other forces of the Most Similar Group)",
        "plan.yaml:27  peers.forces[2]: 'Other Police' is listed twice",
    ]


def test_all_problems_together_sorted_by_line() -> None:
    text = BASE.replace("baseline_year: 2012/13", "baseline_year: 2014/15").replace(
        "measures: [burglary]", "measures: [burglary, nope]"
    )
    text += "  - {id: burglary, title: Again, kind: count}\n"
    with pytest.raises(PlanError) as caught:
        load_plan_text(text, "plan.yaml")
    assert str(caught.value) == textwrap.dedent(
        """\
        plan.yaml has 3 problems
          plan.yaml:4  baseline_year: the baseline year 2014/15 is not before the plan year \
2013/14 (the baseline is usually the year before: 2012/13)
          plan.yaml:14  objectives[0] 'A'.milestones[0] 'A1'.measures[1]: no measure 'nope' \
(Known measures: burglary, robbery)
          plan.yaml:26  measures[2] 'burglary'.id: duplicate measure id 'burglary' (first \
used at line 18)"""
    )


# A plan that fails validation: what does validate is still checked, in the same run ---------

BURGLARY = "  - id: burglary\n    title: Burglary\n    kind: count\n"


def test_structural_and_cross_reference_problems_in_one_run() -> None:
    # the reviewer's case: typo'd keys, and measures named wrongly, reported together
    text = (
        add(
            """\
            - id: robbery_solved
              title: Robbery solved rate
              kind: proportion
              numerator: {where: {category: Robbery, solved: true}}
              denominator: {measure: robery}
            """
        )
        .replace("report_title: Performance", "report_titel: Performance")
        .replace("{category: Burglary}", "{categroy: Burglary}")
        .replace("measures: [burglary]", "measures: [burglary, robbery_rate]")
    )
    with pytest.raises(PlanError) as caught:
        load_plan_text(text, "plan.yaml")
    assert str(caught.value) == textwrap.dedent(
        """\
        plan.yaml has 5 problems
          plan.yaml:6  board.report_title: required key is missing
          plan.yaml:7  board.report_titel: unknown key (did you mean 'report_title'?)
          plan.yaml:14  objectives[0] 'A'.milestones[0] 'A1'.measures[1]: no measure \
'robbery_rate' (did you mean 'robbery'? Known measures: burglary, robbery, robbery_solved)
          plan.yaml:21  measures[0] 'burglary'.where.categroy: unknown key (did you mean \
'category'?)
          plan.yaml:30  measures[2] 'robbery_solved'.denominator.measure: no measure 'robery' \
(did you mean 'robbery'? Known measures: burglary, robbery, robbery_solved)"""
    )
    assert [p.line for p in caught.value.problems] == [6, 7, 14, 21, 30]


def test_a_measure_that_fails_validation_is_not_unknown() -> None:
    # burglary fails on its kind; the milestone, the target and the proportion naming it
    # are not told that there is no measure 'burglary'
    text = add(
        """\
        - id: burglary_solved
          title: Burglary solved rate
          kind: proportion
          improvement: increase
          numerator: {where: {category: Burglary, solved: true}}
          denominator: {measure: burglary}
        """
    ).replace(BURGLARY, BURGLARY.replace("kind: count", "kind: counts"))
    assert problems(text) == [
        "plan.yaml:20  measures[0] 'burglary'.kind: expected one of 'count', 'rate', "
        "'proportion', 'survey', 'published'; got 'counts' (text) (did you mean 'count'?)"
    ]


def test_duplicate_ids_see_what_failed_validation() -> None:
    again = """\
        - id: burglary
          title: Burglary again
          kind: count
        """
    # the first one fails validation
    assert problems(add(again).replace(BURGLARY, BURGLARY.replace("count", "counts"))) == [
        "plan.yaml:20  measures[0] 'burglary'.kind: expected one of 'count', 'rate', "
        "'proportion', 'survey', 'published'; got 'counts' (text) (did you mean 'count'?)",
        "plan.yaml:26  measures[2] 'burglary'.id: duplicate measure id 'burglary' "
        "(first used at line 18)",
    ]
    # the second one fails validation
    assert problems(add(again.replace("kind: count", "kind: counts"))) == [
        "plan.yaml:26  measures[2] 'burglary'.id: duplicate measure id 'burglary' "
        "(first used at line 18)",
        "plan.yaml:28  measures[2] 'burglary'.kind: expected one of 'count', 'rate', "
        "'proportion', 'survey', 'published'; got 'counts' (text) (did you mean 'count'?)",
    ]


def test_what_failed_validation_is_not_missing() -> None:
    text = (
        BASE.replace("  - id: A\n", "  - id: A\n    colour: red\n")
        .replace("measures: [burglary]\n", "measures: [burglary]\n        reported_with: A2\n")
        .replace(
            "          - {measure: burglary, change_pct: -8}\n",
            "          - {measure: burglary, change_pct: -8}\n"
            "      - {id: A2, title: Two, cadence: weekly}\n"
            "      - {id: A3, title: Three, reported_with: A9}\n",
        )
    )
    text += (
        "    peer_measure: robbery\n"
        "  - {id: priority, title: Priority, kind: count, where: {area_set: priority}}\n"
        "area_sets:\n"
        "  priority: {level: hood, members: [Aston]}\n"
        "peers: {forces: Staffordshire}\n"
    )
    # A1 is reported with A2, which fails on its cadence; the measure 'priority' takes the
    # area set that fails on its level; robbery has a peer_measure, and the peers fail: none
    # of these is reported as missing. The objective with a typo'd key still has its
    # milestones checked (A3), and they are named by their place in the file.
    assert problems(text) == [
        "plan.yaml:10  objectives[0] 'A'.colour: unknown key (allowed keys: id, title, milestones)",
        "plan.yaml:19  objectives[0] 'A'.milestones[1] 'A2'.cadence: expected one of "
        "'monthly', 'quarterly', 'six-monthly', 'annual'; got 'weekly' (text)",
        "plan.yaml:20  objectives[0] 'A'.milestones[2] 'A3'.reported_with: no milestone 'A9' "
        "in objective A (milestones of objective A: A1, A2, A3)",
        "plan.yaml:33  area_sets.priority.level: expected one of 'force', 'lpu', "
        "'local_authority', 'neighbourhood', 'small_area'; got 'hood' (text)",
        "plan.yaml:34  peers.forces: expected a list; got 'Staffordshire' (text)",
    ]


def test_measures_that_cannot_be_read_hide_no_measure() -> None:
    # measures is not a list, so no measure can be said to be unknown; a plan year that
    # fails validation is not compared with the baseline year
    measures, _, _ = BASE.partition("measures:\n  - id: burglary")
    text = measures.replace("plan_year: 2013/14", "plan_year: 2013") + "measures: burglary\n"
    assert problems(text) == [
        "plan.yaml:3  plan_year: expected text; got 2013 (a number) (put it in quotes to make "
        "it text)",
        "plan.yaml:17  measures: expected a list; got 'burglary' (text)",
    ]


def test_a_plan_with_only_cross_reference_problems_is_reported_as_before() -> None:
    text = BASE.replace("measures: [burglary]", "measures: [burglery]").replace(
        "{measure: burglary, change_pct: -8}", "{measure: robery, change_pct: -8}"
    )
    text = text.replace("{category: Robbery}", "{category: Robbery, area_set: priority}")
    with pytest.raises(PlanError) as caught:
        load_plan_text(text, "plan.yaml")
    assert str(caught.value) == textwrap.dedent(
        """\
        plan.yaml has 3 problems
          plan.yaml:14  objectives[0] 'A'.milestones[0] 'A1'.measures[0]: no measure \
'burglery' (did you mean 'burglary'? Known measures: burglary, robbery)
          plan.yaml:16  objectives[0] 'A'.milestones[0] 'A1'.targets[0].measure: no measure \
'robery' (did you mean 'robbery'? Known measures: burglary, robbery)
          plan.yaml:25  measures[1] 'robbery'.where.area_set: no area set 'priority' \
(define it under area_sets)"""
    )


def test_spc_rebase_points_load_with_their_reasons() -> None:
    text = BASE.replace(
        "    where: {category: Robbery}\n",
        "    where: {category: Robbery}\n"
        "    rebase: [2010-04]\n"
        "    spc:\n"
        "      rebase:\n"
        '        - {from: 2011-04, reason: "Crime recording audit from April 2011"}\n',
    )
    plan = load_plan_text(text, "plan.yaml")
    robbery = plan.measure("robbery")
    assert robbery.rebase_points == [
        ("2010-04", None),
        ("2011-04", "Crime recording audit from April 2011"),
    ]
    assert plan.measure("burglary").rebase_points == []


def test_spc_rebase_points_are_checked_with_their_lines() -> None:
    text = BASE.replace(
        "    where: {category: Robbery}\n",
        "    where: {category: Robbery}\n"
        "    rebase: [2011-04]\n"
        "    spc:\n"
        "      rebase:\n"
        "        - {from: 2012-06, reason: New recording rules}\n"
        "        - {from: 2011-04, reason: Audit}\n"
        "        - {from: 2012-01, reason: Earlier}\n"
        "        - {from: 2014-06, reason: Too late}\n",
    )
    assert problems(text) == [
        "plan.yaml:30  measures[1] 'robbery'.spc.rebase[1].from: 2011-04 is a rebase point "
        "already (first given at line 26)",
        "plan.yaml:31  measures[1] 'robbery'.spc.rebase[2].from: 2012-01 is listed after the "
        "later 2012-06 (list the rebase points in date order)",
        "plan.yaml:32  measures[1] 'robbery'.spc.rebase[3].from: 2014-06 is after the plan "
        "year 2013/14 ends (a rebase point is a month the process changed, up to the as-at "
        "month)",
    ]


@pytest.mark.parametrize(
    ("point", "message"),
    [
        (
            "{from: 2011-4, reason: Audit}",
            "spc.rebase[0].from: expected a month YYYY-MM, e.g. 2011-04; got '2011-4'",
        ),
        (
            "{from: 2011-04-01, reason: Audit}",
            "spc.rebase[0].from: expected a month YYYY-MM, e.g. 2011-04; got the date 2011-04-01",
        ),
        ("{from: 2011-04}", "spc.rebase[0].reason: required key is missing"),
        (
            '{from: 2011-04, reason: " "}',
            "spc.rebase[0].reason: a rebase point needs a reason: say what changed the process",
        ),
        (
            "{month: 2011-04, reason: Audit}",
            "spc.rebase[0].month: unknown key (allowed keys: from, reason)",
        ),
    ],
)
def test_a_bad_spc_rebase_point_names_its_line_and_field(point: str, message: str) -> None:
    text = BASE.replace(
        "    where: {category: Robbery}\n",
        f"    where: {{category: Robbery}}\n    spc:\n      rebase:\n        - {point}\n",
    )
    assert f"plan.yaml:28  measures[1] 'robbery'.{message}" in problems(text)


def test_spc_fix_after_n_points_is_at_least_twelve() -> None:
    text = BASE.replace(
        "    where: {category: Robbery}\n",
        "    where: {category: Robbery}\n    spc: {fix_after_n_points: 6}\n",
    )
    assert problems(text) == [
        "plan.yaml:26  measures[1] 'robbery'.spc.fix_after_n_points: expected a whole number "
        "of at least 12 (limits need a year of months); got 6"
    ]
    fixed = text.replace("fix_after_n_points: 6", "fix_after_n_points: 24")
    spc = load_plan_text(fixed, "plan.yaml").measure("robbery").spc
    assert spc is not None and spc.fix_after_n_points == 24


def _with_action(action: str) -> str:
    return BASE.replace(
        "{measure: burglary, change_pct: -8}",
        "{measure: burglary, change_pct: -8, action: " + action + "}",
    )


def test_an_action_on_a_target_loads() -> None:
    plan = load_plan_text(
        _with_action("{text: Autumn patrol plan, owner: ACC Forsyth, due: 2013-07-09}"),
        "plan.yaml",
    )
    action = plan.milestones[0].targets[0].action
    assert action is not None and (action.owner, str(action.due)) == ("ACC Forsyth", "2013-07-09")


def test_an_action_needs_words_an_owner_and_a_date_in_the_plan_year() -> None:
    text = _with_action("{text: ' ', owner: '', due: 2013-03-31}")
    assert problems(text) == [
        "plan.yaml:16  objectives[0] 'A'.milestones[0] 'A1'.targets[0].action.due: 2013-03-31 is "
        "before the plan year 2013/14 begins (2013-04-01) (give the date the action reports "
        "back to the board)",
        "plan.yaml:16  objectives[0] 'A'.milestones[0] 'A1'.targets[0].action.owner: is empty "
        "(say who owns the action)",
        "plan.yaml:16  objectives[0] 'A'.milestones[0] 'A1'.targets[0].action.text: is empty "
        "(say what is being done)",
    ]


def test_an_action_without_an_owner_is_refused() -> None:
    text = _with_action("{text: Patrols, due: 2013-07-09}")
    (problem,) = problems(text)
    assert "action.owner" in problem and "missing" in problem.lower()
