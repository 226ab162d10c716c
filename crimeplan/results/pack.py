"""Everything a board pack shows, as data: ``PackResults``, the contract between computing
(``crimeplan.measures.pack.evaluate_pack``) and presenting (the HTML, DOCX and PDF pack, the
web pages and the API).

``PackResults`` is the measures results (``MeasuresResult``) with what the pack adds: the
paper's own text and structure from the plan file (``paper``), the milestones at the board
meeting, repeat demand, survey results by area, data-quality notes and the experiments.
``crimeplan.codec.to_dict`` of it is ``results.json``; a renderer needs nothing else, so
``crimeplan report --from-results results.json`` draws the same pack as from the store.
"""

from __future__ import annotations

from dataclasses import field, fields
from datetime import date
from typing import Any, Literal

from crimeplan.codec import omitted, result
from crimeplan.plan.model import Cadence, Status
from crimeplan.results.commentary import CommentaryCheck
from crimeplan.results.experiments import ExperimentResult
from crimeplan.results.measure import MeasuresResult
from crimeplan.results.milestones import MilestoneListing, MilestoneUpdate
from crimeplan.results.position import PreviousPack, StatusRules


@result
class Board:
    """The board the paper goes to, and the paper's fixed text, from the plan file."""

    name: str
    agenda_item: str | None
    report_title: str
    meetings: tuple[date, ...] = ()
    purpose: tuple[str, ...] = ()
    background: tuple[str, ...] = ()
    financial_implications: tuple[str, ...] = ()
    legal_implications: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


@result
class MilestoneOutline:
    """A milestone as the plan file writes it: leads, cadence, the measures it reports and
    targets, and its latest update in the plan file (the store's are in the listing)."""

    id: str
    title: str
    leads: tuple[str, ...] = ()
    cadence: Cadence | None = None
    cadence_note: str | None = None
    status: Status
    reported_with: str | None = None
    measures: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    latest_update: MilestoneUpdate | None = None


@result
class ObjectiveOutline:
    id: str
    title: str
    milestones: tuple[MilestoneOutline, ...] = ()


@result
class Paper:
    """The board paper's structure: the board and its text, the objectives and milestones."""

    board: Board
    objectives: tuple[ObjectiveOutline, ...] = ()


@result
class RepeatEntry:
    """One of the highest repeat callers or victims: a pseudonym (first 12 characters) and
    how many calls or crimes."""

    id: str
    count: int


@result
class RepeatArea:
    """Repeat demand in one local policing unit: a caller (or victim) counts as a repeat
    within the unit when two or more of their calls (or crimes) are in it."""

    area: str
    people: int
    records: int
    repeat_people: int
    repeat_records: int
    repeat_share_pct: float | None
    top_count: int  # the calls (or crimes) of the unit's highest repeat caller (or victim)


@result
class Repeats:
    """The highest repeat callers (or victims) over a window: pseudonymised ids and counts,
    and the same by local policing unit (seed paragraph 67: a repeat-caller process trialled
    on two LPUs)."""

    kind: Literal["callers", "victims"]
    period: tuple[str, str]
    people: int  # distinct callers or victims
    records: int  # calls or crimes with an id
    repeat_people: int  # with two or more
    repeat_records: int  # their calls or crimes
    repeat_share_pct: float | None
    top: tuple[RepeatEntry, ...] = ()
    by_lpu: tuple[RepeatArea, ...] = ()


@result
class SurveyArea:
    """A survey measure's latest result in one area, with its Wilson interval."""

    area: str
    wave: str | None
    positive: int
    respondents: int
    value_pct: float
    ci95: tuple[float, float]


QualityCode = Literal[
    "no_location",
    "repeated_crime_id",
    "repeated_crime_id_across_months",
    "identical_asb_rows",
    "outside_force_area",
]


@result
class QualityNote:
    """Something a reader of the counts should know, for one force: ``rows`` rows of a kind
    (``code``) over ``months`` (empty for a note that spans months).

    ``no_location``: rows with no location (counted for the force, in no area);
    ``repeated_crime_id``: rows sharing a Crime ID within a month (``crime_ids`` ids);
    ``repeated_crime_id_across_months``: ``crime_ids`` ids in more than one month, e.g.
    ``example`` in ``example_months``; ``identical_asb_rows``: ASB rows identical to another
    (separate incidents); ``outside_force_area``: rows geocoded outside the force's areas
    (``share_pct`` of its located rows). Every row is counted whatever the note.
    """

    code: QualityCode
    force: str
    rows: int
    months: tuple[str, ...] = ()
    crime_ids: int | None = omitted()
    example: str | None = omitted()
    example_months: tuple[str, ...] | None = omitted()
    share_pct: float | None = omitted()


@result
class PackResults(MeasuresResult):
    """What a board pack shows, as data (see the module docstring)."""

    board_date: date | None = None
    paper: Paper
    milestones: MilestoneListing | None = None
    repeat_callers: Repeats | None = None
    repeat_victims: Repeats | None = None
    by_area: dict[str, tuple[SurveyArea, ...]] = field(default_factory=dict)
    data_quality: tuple[QualityNote, ...] = ()
    experiments: tuple[ExperimentResult, ...] = ()
    #: the leads' updates checked against the figures (``crimeplan.measures.commentary``)
    commentary_checks: tuple[CommentaryCheck, ...] = ()
    #: the previous pack the targets' changes since the last meeting are measured against
    previous: PreviousPack | None = omitted()
    #: the rules the targets' statuses are set by
    status_rules: StatusRules = StatusRules()

    @classmethod
    def of(cls, measures: MeasuresResult, **pack: Any) -> PackResults:
        """The measures results with the pack's own parts added."""
        shared = {f.name: getattr(measures, f.name) for f in fields(MeasuresResult)}
        return cls(**shared, **pack)

    def as_measures(self) -> MeasuresResult:
        """The measures results alone (the measures JSON)."""
        return MeasuresResult(**{f.name: getattr(self, f.name) for f in fields(MeasuresResult)})
