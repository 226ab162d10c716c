"""The Police and Crime Plan as data: objectives, milestones, measures and targets.

A plan is written once as YAML (see ``crimeplan/plan/builtin/west-midlands-2013-14.yaml``)
and validated into these models. Every model forbids unknown keys, so that a typo
(``numerater``) is reported instead of ignored. Cross-references (a target naming a
measure that does not exist) are checked by ``crimeplan.plan.check``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from crimeplan.errors import CrimeplanError
from crimeplan.periods import FinancialYear, months_between

Cadence = Literal["monthly", "quarterly", "six-monthly", "annual"]
Status = Literal[
    "not started", "in progress", "on track", "at risk", "off track", "achieved", "not achieved"
]
Improvement = Literal["increase", "decrease", "neutral"]
MeasureKind = Literal["count", "rate", "proportion", "survey", "published"]
AreaLevel = Literal["force", "lpu", "local_authority", "neighbourhood", "small_area"]
Source = Literal["crimes", "incidents"]
#: The levels an area may be named at (``--area LEVEL:NAME``): the areas table's, the
#: force, and the plan's named area sets.
AREA_REF_LEVELS: tuple[str, ...] = (*get_args(AreaLevel), "area_set")

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


def _as_list(value: Any) -> Any:
    """Let YAML say ``category: Burglary`` as well as ``category: [Burglary, Robbery]``."""
    if value is None or isinstance(value, list):
        return value
    return [value]


StrList = Annotated[list[str] | None, BeforeValidator(_as_list)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimeOfDay(Strict):
    """A window of the day, which may wrap past midnight: ``{from: "19:00", to: "03:59"}``.

    Both ends are inclusive to the minute: 19:00–03:59 holds 19:00:00 up to 03:59:59.
    """

    start: time = Field(alias="from")
    end: time = Field(alias="to")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @property
    def wraps(self) -> bool:
        return self.end < self.start


class AreaRef(Strict):
    """One area at one level, written ``{level: lpu, name: Coventry}`` in YAML or
    ``lpu:Coventry`` on the CLI; ``area_set:priority_areas`` names one of the plan's sets."""

    level: AreaLevel | Literal["area_set"]
    name: str

    @classmethod
    def parse(
        cls, text: str, levels: Sequence[str] = AREA_REF_LEVELS, what: str = "--area"
    ) -> AreaRef:
        """``"lpu:Coventry"`` → ``AreaRef(level="lpu", name="Coventry")``; a one-line error
        naming ``what`` for text that is not LEVEL:NAME with one of ``levels``."""
        level, sep, name = text.partition(":")
        level, name = level.strip(), name.strip()
        if not sep or not name:
            raise CrimeplanError(f"{what} '{text}' is not LEVEL:NAME, e.g. lpu:Coventry")
        if level not in levels:
            raise CrimeplanError(
                f"{what} '{text}': unknown area level '{level}'; expected one of "
                f"{', '.join(levels)}"
            )
        return cls(level=level, name=name)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.level}:{self.name}"


class Where(Strict):
    """Which records a count takes. Every key given must hold (they are ANDed)."""

    category: StrList = None
    exclude_category: StrList = None
    offence_group: StrList = None
    offence: StrList = None
    offence_code: StrList = None
    domestic: bool | None = None
    knife: bool | None = None
    gun: bool | None = None
    #: knife or gun: ``weapon: true`` takes crimes with either flag set
    weapon: bool | None = None
    business: bool | None = None
    hate: bool | None = None
    hate_strand: StrList = None
    solved: bool | None = None
    area_set: str | None = None
    area: AreaRef | None = None
    time_of_day: TimeOfDay | None = None

    def merged(self, other: Where) -> Where:
        """This filter and ``other`` together (other's keys win where both are set)."""
        data = self.model_dump(exclude_none=True, by_alias=True)
        data.update(other.model_dump(exclude_none=True, by_alias=True))
        return Where.model_validate(data)


class Count(Strict):
    """A count of records: ``{count: crimes, where: {...}}`` or ``{measure: other_id}``."""

    count: Source = "crimes"
    where: Where = Where()
    measure: str | None = None


class Action(Strict):
    """What is being done about a target that is off course: ``{text, owner, due}``, where
    ``due`` is when it reports back to the board."""

    text: str
    owner: str
    due: date


class Target(Strict):
    """A numeric target: a change of year to date against the same period of the baseline year.

    ``change_pct: -8`` reads "reduce by 8 per cent". ``at_least``/``at_most`` set a level to
    reach instead (for proportions, in per cent).
    """

    measure: str
    change_pct: float | None = None
    at_least: float | None = None
    at_most: float | None = None
    #: what is being done about the target, by whom, reporting back when
    action: Action | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        given = [k for k in ("change_pct", "at_least", "at_most") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of change_pct, at_least, at_most")
        return self


class Update(Strict):
    """A lead's progress update on a milestone."""

    date: date
    by: str | None = None
    status: Status | None = None
    text: list[str] = Field(default_factory=list)

    @field_validator("text", mode="before")
    @classmethod
    def _paragraphs(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Milestone(Strict):
    """A milestone or deliverable of the plan."""

    id: str
    title: str
    leads: list[str] = Field(default_factory=list)
    cadence: Cadence | None = None
    cadence_note: str | None = None
    status: Status = "in progress"
    #: the id of a milestone of the same objective this one is reported together with:
    #: the board paper lists their titles together, under one lead and one set of paragraphs
    reported_with: str | None = None
    measures: list[str] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    updates: list[Update] = Field(default_factory=list)


class Objective(Strict):
    id: str
    title: str
    milestones: list[Milestone] = Field(default_factory=list)


class Annotation(Strict):
    """An intervention or event to mark on a measure's chart: ``{month: 2012-12, text: …}``."""

    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    text: str


Unit = Literal["count", "percent", "rate"]

_MONTH_TEXT = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month(value: Any) -> Any:
    """``"2011-04"``: a month, as YAML 1.2 reads ``2011-04`` (a date is refused by name)."""
    expected = "expected a month YYYY-MM, e.g. 2011-04"
    if isinstance(value, date):
        raise ValueError(f"{expected}; got the date {value.isoformat()}")
    if isinstance(value, str) and not _MONTH_TEXT.match(value.strip()):
        raise ValueError(f"{expected}; got '{value}'")
    return value.strip() if isinstance(value, str) else value


def _reason(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError("a rebase point needs a reason: say what changed the process")
    return value.strip() if isinstance(value, str) else value


def _fix_after(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value < 12:
        raise ValueError(
            f"expected a whole number of at least 12 (limits need a year of months); got {value}"
        )
    return value


MonthText = Annotated[str, BeforeValidator(_month)]


class RebasePoint(Strict):
    """A change to the process from a month on (an intervention, a change of recording
    practice): the control chart's limits are recalculated from ``from``, and the pack
    says ``reason``. ``{from: 2011-04, reason: "Crime recording audit from April 2011"}``."""

    start: MonthText = Field(alias="from")
    reason: Annotated[str, BeforeValidator(_reason)]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SpcSettings(Strict):
    """How a measure's control chart is drawn: ``spc: {rebase: [{from: …, reason: …}]}``;
    ``fix_after_n_points`` takes each segment's mean and limits from its first n months."""

    rebase: list[RebasePoint] = Field(default_factory=list)
    fix_after_n_points: Annotated[int, BeforeValidator(_fix_after)] | None = None


class MeasureBase(Strict):
    """What every measure has. Each kind of measure (``kind``) is its own model below, with
    the keys it needs; ``Measure`` is their union, told apart by ``kind``. The kind's
    computing is in ``crimeplan.measures.kinds``."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: str
    kind: MeasureKind
    improvement: Improvement = "decrease"
    description: str | None = None
    # peers: the key of this measure in the peer figures, if the store holds them
    peer_measure: str | None = None
    # SPC: months at which the process changed (e.g. a change of recording practice)
    rebase: list[str] = Field(default_factory=list)
    # SPC: the chart's rebase points with their reasons
    spc: SpcSettings | None = None
    unit: Unit | None = None
    # interventions to mark on the chart
    annotations: list[Annotation] = Field(default_factory=list)

    #: the unit of the kind's values, unless the plan file gives ``unit``
    default_unit: ClassVar[Unit] = "count"

    @property
    def display_unit(self) -> Unit:
        return self.unit or self.default_unit

    @property
    def rebase_points(self) -> list[tuple[str, str | None]]:
        """Every rebase month with its reason (None for a month of ``rebase``), by month."""
        points: dict[str, str | None] = {month: None for month in self.rebase}
        for point in self.spc.rebase if self.spc else ():
            points[point.start] = point.reason
        return sorted(points.items())

    @property
    def peer_per(self) -> int:
        """Peers' rates are per this many of the population."""
        return 1000


class RecordCountMeasure(MeasureBase):
    """A measure that counts records of one source: ``count`` and ``rate``."""

    count: Source | None = None
    where: Where | None = None

    @property
    def source(self) -> Source:
        return self.count or "crimes"

    @property
    def filters(self) -> Where:
        return self.where or Where()


class CountMeasure(RecordCountMeasure):
    """A count of records a month: ``{kind: count, where: {category: Burglary}}``."""

    kind: Literal["count"]


class RateMeasure(RecordCountMeasure):
    """Records a month per ``per`` of the area's population."""

    kind: Literal["rate"]
    per: int = 1000
    default_unit: ClassVar[Unit] = "rate"

    @property
    def peer_per(self) -> int:
        return self.per


class ProportionMeasure(MeasureBase):
    """One count as a per cent of another: a solved rate, a share of total crime."""

    kind: Literal["proportion"]
    numerator: Count
    denominator: Count
    default_unit: ClassVar[Unit] = "percent"


class SurveyMeasure(MeasureBase):
    """Positive answers to a survey question, per cent of respondents, by month, rolling 12
    months or wave."""

    kind: Literal["survey"]
    survey: str
    question: str
    window: Literal["month", "rolling_12", "wave"] | None = None
    default_unit: ClassVar[Unit] = "percent"


class PublishedMeasure(MeasureBase):
    """A figure published by someone else (the Ministry of Justice's proven reoffending
    table), shown as published."""

    kind: Literal["published"]
    table: Literal["reoffending"]
    default_unit: ClassVar[Unit] = "percent"


#: Something the plan counts: one model per kind, told apart by ``kind``.
Measure = Annotated[
    CountMeasure | RateMeasure | ProportionMeasure | SurveyMeasure | PublishedMeasure,
    Field(discriminator="kind"),
]
#: Every kind's model, for the loader's messages and the kinds registry.
MEASURE_MODELS: tuple[type[MeasureBase], ...] = (
    CountMeasure,
    RateMeasure,
    ProportionMeasure,
    SurveyMeasure,
    PublishedMeasure,
)


class AreaSet(Strict):
    """A named set of areas, e.g. the priority areas: ``{level: neighbourhood, members: [...]}``."""

    level: AreaLevel
    members: list[str]
    description: str | None = None


_PERIOD_TEXT = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$")


def _period(value: Any) -> Any:
    """``"2012-04..2012-09"``: two months, the first not after the last."""
    if not isinstance(value, str):
        return value  # pydantic's str check reports it
    expected = "expected a period YYYY-MM..YYYY-MM, e.g. 2012-04..2012-09"
    match = _PERIOD_TEXT.match(value.strip())
    if not match:
        raise ValueError(f"'{value}' is not a period; {expected}")
    y0, m0, y1, m1 = (int(g) for g in match.groups())
    for month in (m0, m1):
        if not 1 <= month <= 12:
            raise ValueError(f"'{value}' has no month {month:02d}; {expected}")
    if (y1, m1) < (y0, m0):
        raise ValueError(f"'{value}' ends before it begins; {expected}, the first month first")
    return value.strip()


PeriodText = Annotated[str, BeforeValidator(_period)]


def period_months(text: str) -> list[date]:
    """The months of a validated period ``"2012-04..2012-09"``, first to last inclusive."""
    first, last = text.split("..")
    y0, m0 = (int(p) for p in first.split("-"))
    y1, m1 = (int(p) for p in last.split("-"))
    return months_between(date(y0, m0, 1), date(y1, m1, 1))


class Experiment(Strict):
    """An experiment the plan runs: treatment areas against control areas.

    ``before_after_control`` compares the change in crime from the before to the after
    period in the treatment areas with the change in the control areas (the difference in
    differences and the WDD test); ``randomised`` treats each member area of the two sets
    as a unit and compares the arms' changes in monthly crime with a permutation test.
    """

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: str
    design: Literal["before_after_control", "randomised"] = "before_after_control"
    treatment: str
    control: str
    displacement: str | None = None
    displacement_control: str | None = None
    before: PeriodText | None = None
    after: PeriodText
    measure: str | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _design_keys(self) -> Experiment:
        if self.design == "before_after_control" and self.before is None:
            raise ValueError(
                "a before_after_control experiment needs a before period (YYYY-MM..YYYY-MM)"
            )
        if self.displacement_control is not None and self.displacement is None:
            raise ValueError("displacement_control needs a displacement area set")
        if self.design == "randomised" and self.displacement is not None:
            raise ValueError(
                "a randomised experiment compares its two arms; displacement belongs to a "
                "before_after_control experiment"
            )
        return self

    @property
    def before_months(self) -> list[date]:
        return period_months(self.before) if self.before else []

    @property
    def after_months(self) -> list[date]:
        return period_months(self.after)


class Board(Strict):
    name: str
    agenda_item: str | None = None
    report_title: str
    meetings: list[date] = Field(default_factory=list)
    purpose: list[str] = Field(default_factory=list)
    background: list[str] = Field(default_factory=list)
    financial_implications: list[str] = Field(default_factory=list)
    legal_implications: list[str] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)


class Peers(Strict):
    """The Most Similar Group: the forces the plan's force is compared with."""

    name: str = "Most Similar Group"
    forces: list[str]


def _fy(value: Any) -> Any:
    if isinstance(value, str):
        try:
            FinancialYear.parse(value)
        except Exception as error:
            raise ValueError(str(error)) from error
    return value


FinancialYearText = Annotated[str, BeforeValidator(_fy)]


class Plan(Strict):
    """A Police and Crime Plan."""

    title: str
    force: str
    plan_year: FinancialYearText
    baseline_year: FinancialYearText
    board: Board
    objectives: list[Objective]
    measures: list[Measure] = Field(default_factory=list)
    area_sets: dict[str, AreaSet] = Field(default_factory=dict)
    peers: Peers | None = None
    experiments: list[Experiment] = Field(default_factory=list)
    synthetic_data: bool = False
    description: str | None = None

    @property
    def year(self) -> FinancialYear:
        return FinancialYear.parse(self.plan_year)

    @property
    def baseline(self) -> FinancialYear:
        return FinancialYear.parse(self.baseline_year)

    @property
    def milestones(self) -> list[Milestone]:
        return [m for objective in self.objectives for m in objective.milestones]

    def measure(self, measure_id: str) -> Measure:
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        raise KeyError(measure_id)

    def targets(self) -> dict[str, Target]:
        """Each measure's target, from the milestones that set one."""
        return {t.measure: t for m in self.milestones for t in m.targets}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
