"""Leads' commentary checked against the data: ``check_commentary(results)``.

Every milestone's latest update (the one the pack prints, from the plan file or from the
store) is read for claims the results can test, and each claim is checked against the
measures of that milestone (its own ``measures`` and ``targets`` and those of the milestones
``reported_with`` it) or against an experiment the paragraph names. The result is a tuple of
``CommentaryCheck`` (``crimeplan.results.commentary``); docs/commentary-checks.md describes
the same rules for an analyst.

**Reading.** An update is split into paragraphs, sentences and clauses (at ``;`` and at
"but", "however", "although"). A clause that states an aim or a future ("aim", "target",
"will", "should", …) makes no claim. In the others these are claims:

- a run: "for the past six consecutive months", "in each of the last 4 months", "3 months
  in a row" (with a direction: fallen, risen);
- an average a month: "an average of around 50 per month", "on average 190 to 200 … per
  month";
- a total: a whole number in a clause that names a count measure and a financial year or a
  month ("In 2012/13 … 530");
- a change: "6% increase", "1.5% higher than in 2011/12", "increased by around 3
  percentage points when compared with wave 32", "reduced … 40.6%";
- a share or level: "43% of business crime in April", "accounted for 1.5% of total
  recorded crime", "87.1% of customers were satisfied";
- a direction or verdict: "has reduced", "increase", "stable", "positive results";
- the highest or lowest since a year.

**Matching.** A clause names a measure when every word of the measure's title is in it
(abbreviations such as "TRC" or "TSS" are read from the plan's titles and from the update's
own "total recorded crime (TRC)"), else the measure with most title words in the clause (at
least one of them not a generic word such as "crime" or "recorded"). A clause that names
none takes the measures of the clause before it in the paragraph. A figure followed by
"for <measure>" is that measure's. A clause about other forces or the country ("Most
Similar Group", "nationally", "peer forces"), about a quoted name that is no measure
('Theft Other'), with "except", or comparing with a time the results cannot place
("since" with no date) is unchecked.

**Tolerances** (``band``): a stated figure agrees when the data's figure rounds to it at
the precision it is written with, half a unit of its last digit either side (``43`` → 42.5
to 43.5, ``1.5`` → 1.45 to 1.55; a whole number ending in 0 is read to the nearest 10, so
``530`` → 525 to 535 and ``50`` → 45 to 55). "around", "about", "approximately",
"roughly", "some" widen that to 10% of the figure when that is wider (``around 1.5`` →
1.35 to 1.65; ``around 50`` stays 45 to 55); "nearly"/"almost" allow only the figure or
below, "over"/"more than" only above, "under"/"less than" only below. A range "190 to 200"
is its two ends, each with its half unit. A percentage change of a measure in per cent
agrees if either its change in points or its change in per cent is in the band. A run is
exact (a whole number of months). "stable" agrees when the change is not more than chance
(the results' change test, or the exact Poisson test of the two counts for a comparison
the results do not test) and, where there is no test, when it is within ±5%. A direction
agrees when the change has that sign, and "significantly" or "clear" also needs it to be
more than chance. An experiment's "positive" agrees when the treated areas did better than
the controls, whether or not by more than chance (the finding says which).

The findings are the only English the computing layer writes: they are the issue's JSON
contract (``finding``), written in ``_Words`` below from the numbers of the results alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from crimeplan.periods import MONTH_NAMES, FinancialYear, add_months, format_month, parse_month
from crimeplan.results.commentary import ClaimKind, CommentaryCheck, Verdict
from crimeplan.results.experiments import ExperimentResult
from crimeplan.results.measure import MeasureResult
from crimeplan.results.milestones import MilestoneUpdate
from crimeplan.results.pack import MilestoneOutline, PackResults
from crimeplan.stats.significance import poisson_rate_test

#: "around N": the band is at least this share of N either side
AROUND_SHARE = 0.10
#: "stable" with no test of the change: within this many per cent either way
STABLE_PCT = 5.0
#: "over 100" and "under 100" exclude 100 itself: the band stops this far short of it
STRICT = 1e-6
#: how many characters of a clause a check quotes
QUOTE_CHARS = 240

Direction = Literal["up", "down", "stable"]
Band = tuple[float | None, float | None]
#: a claim checked against one measure: verdict, finding, the figure found, its band
Outcome = tuple["Verdict", str, float | None, Band | None]
#: the same with the claim and the measure
Checked = tuple["Claim", str | None, "Verdict", str, float | None, Band | None]
Hedge = Literal["exact", "around", "nearly", "over", "under"]

# -- words -----------------------------------------------------------------------------------
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_MONTHS = {name.lower(): i + 1 for i, name in enumerate(MONTH_NAMES)}
_MONTH_RE = "|".join(MONTH_NAMES)
_UP = r"rise|rises|rising|risen|rose|increase|increased|increases|increasing|higher|grown|grew"
_DOWN = (
    r"fall|falls|falling|fallen|fell|reduce|reduced|reduces|reducing|reduction|reductions|"
    r"decrease|decreased|decreases|decreasing|lower|declined|declining|decline|drop|dropped"
)
_STABLE = (
    r"in line with|stable|stabilising|stabilizing|steady|unchanged|the same volume|the same level"
)
_BETTER = r"positive|encouraging|successful|improvement|improving|improved|better"
_WORSE = r"negative|worse|worsened|deteriorated|deteriorating|disappointing"
_INTENT = re.compile(
    r"\b(aims?|aimed|aspirational|targets?|will|should|would|expected|intend|intends|"
    r"intended|plan to|sets? out|milestones?|proposed|is due to|due to run)\b|"
    r"\b(?:can|could|may|might)\s+(?:\w+\s+){0,2}?(?:reduce|cause|increase|fall|rise|lead|be)\b",
    re.I,
)
_PEERS = re.compile(
    r"\b(most similar group|msg|peer forces?|other forces|nationally|national average|"
    r"the country|england and wales)\b",
    re.I,
)
_COMPLEX = re.compile(r"\b(except|apart from|other than|excluding)\b", re.I)
_SIGNIFICANT = re.compile(r"\b(significant|significantly|clear|clearly|marked|markedly)\b", re.I)
_EXPERIMENT_WORDS = re.compile(r"\b(pilot|experiment|trial|patrols?|hotspots?)\b", re.I)
_HEDGES: dict[str, Hedge] = {
    "around": "around", "about": "around", "approximately": "around", "roughly": "around",
    "some": "around", "circa": "around", "nearly": "nearly", "almost": "nearly",
    "just under": "nearly", "over": "over", "more than": "over", "just over": "over",
    "under": "under", "less than": "under", "fewer than": "under",
}  # fmt: skip
_HEDGE_RE = "|".join(sorted((re.escape(h) for h in _HEDGES), key=len, reverse=True))
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_FIGURE = re.compile(
    rf"(?:(?P<hedge>{_HEDGE_RE})\s+)?(?:an average of\s+|on average\s+)?"
    rf"(?P<num>{_NUM})(?:\s*(?:to|-|–)\s*(?P<num2>{_NUM}))?"
    r"(?P<unit>\s*%|\s*per ?cent(?:age points?)?|\s*percentage points?|\s*points?)?",
    re.I,
)
#: words after a number that make it no figure of a measure
_NOT_FIGURES = re.compile(
    r"\s*(?:[-–]\s*\d+\s*)?(?:st|nd|rd|th|months?|years?|minutes?|hours?|hrs|days?|weeks?|"
    r"people|persons|recommendations?|forces?|lpus?|local policing units?|neighbourhoods?|"
    r"vehicles?|cars?|partnerships?|areas?|boards?|waves?|officers?|staff|members?|"
    r"sessions?|schemes?|groups?|suspects?|who)\b",
    re.I,
)
_GENERIC = {
    "crime", "recorded", "total", "rate", "share", "offence", "number", "level", "volume",
    "the", "of", "and", "with", "in", "as", "a", "from", "per", "all", "police",
}  # fmt: skip
_SMALL = {"and", "or", "of", "the", "from", "in", "for", "&", "to", "with", "a"}
_STEMS = {
    "satisfied": "satisfaction", "confident": "confidence", "detections": "solved",
    "detection": "solved", "detected": "solved", "offences": "offence", "crimes": "crime",
}  # fmt: skip
_PHRASES = (
    (re.compile(r"\bdomestic burglary\b", re.I), "burglary dwelling"),
    (re.compile(r"\bburglary of (?:a )?dwellings?\b", re.I), "burglary dwelling"),
    (re.compile(r"\banti-?\s?social behaviour\b", re.I), "ASB"),
    (re.compile(r"\bhate non[- ]crime incidents?\b", re.I), "non-crime hate incidents"),
)


def _stem(word: str) -> str:
    word = _STEMS.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def _tokens(text: str) -> set[str]:
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower())
    return {_stem(w) for w in words if w not in _SMALL}


def _abbreviations(text: str) -> dict[str, str]:
    """``"… Theft Shops or Stalls (TSS) …"`` → ``{"TSS": "Theft Shops or Stalls"}``: a
    parenthesised abbreviation and the words before it whose initials spell it."""
    found: dict[str, str] = {}
    for match in re.finditer(r"\(([A-Z][A-Za-z]{1,7})\)", text):
        abbreviation = match.group(1)
        letters = [c for c in abbreviation.lower() if c.isalpha()]
        words = re.findall(r"[\w’'/-]+", text[: match.start()])
        taken: list[str] = []
        i = len(letters) - 1
        for word in reversed(words):
            if i < 0:
                break
            if word.lower() in _SMALL:
                taken.append(word)
                continue
            if word[0].lower() != letters[i]:
                break
            taken.append(word)
            i -= 1
        if i < 0:
            found[abbreviation] = " ".join(reversed(taken)).strip()
    return found


def _expand(text: str, abbreviations: dict[str, str]) -> str:
    for abbreviation, words in abbreviations.items():
        text = re.sub(rf"\b{re.escape(abbreviation)}\b", words, text)
    return text


# -- the claims --------------------------------------------------------------------------------
@dataclass(frozen=True)
class When:
    """The time a claim speaks of: the year to date (``ytd``), the latest month
    (``latest``), a financial year, a month, a survey wave, the last ``months`` months
    (``window``), or a time the results cannot place (``unknown``)."""

    kind: Literal["ytd", "latest", "fy", "month", "wave", "window", "unknown"]
    fy: FinancialYear | None = None
    month: date | None = None
    wave: str | None = None
    months: int | None = None


YTD = When("ytd")


@dataclass(frozen=True)
class Claim:
    """One claim of a clause, before it is checked."""

    kind: ClaimKind
    text: str
    measures: tuple[str, ...] = ()
    experiment: str | None = None
    value: float | None = None
    high: float | None = None
    written: tuple[str, ...] = ()  # the figure(s) as written, for their precision
    hedge: Hedge = "exact"
    unit: Literal["count", "percent", "points"] | None = None
    direction: Direction | None = None
    significant: bool = False
    when: When = YTD
    against: When | None = None
    months: int | None = None
    consecutive: bool = False
    why_unchecked: str | None = None  # a reason the claim cannot be checked
    since: FinancialYear | None = None
    extreme: Literal["highest", "lowest"] | None = None
    denominator: str | None = None  # a count measure a share is of
    until: str | None = None  # the survey wave a run of waves ends at ("wave 32")
    previous: bool = False  # "the previous N waves": the run ends before the latest wave


@dataclass
class _Context:
    results: PackResults
    as_at: date
    candidates: tuple[MeasureResult, ...]
    own: frozenset[str]
    abbreviations: dict[str, str] = field(default_factory=dict)
    titles: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for measure in self.candidates:
            self.abbreviations.update(_abbreviations(measure.title))
        for measure in self.candidates:
            title = measure.title
            for abbreviation in _abbreviations(title):
                title = title.replace(f"({abbreviation})", " ")
            self.titles[measure.id] = _tokens(title)


def _fy(text: str) -> FinancialYear | None:
    match = re.search(r"\b(20\d\d)\s*[/-]\s*(\d\d)\b", text)
    return FinancialYear.parse(f"{match.group(1)}/{match.group(2)}") if match else None


def _month(text: str, as_at: date) -> date | None:
    """The first month named in ``text`` ("April 2012"; "April" alone is the latest April
    to the as-at month), not a day ("17 May 2013")."""
    for match in re.finditer(rf"(?<!\d )(?<!\d\d )\b({_MONTH_RE})\b(?:\s+(20\d\d))?", text):
        before = text[: match.start()].rstrip()
        if re.search(r"\d(?:st|nd|rd|th)?$", before):
            continue
        number = _MONTHS[match.group(1).lower()]
        if match.group(2):
            return date(int(match.group(2)), number, 1)
        year = as_at.year if number <= as_at.month else as_at.year - 1
        return date(year, number, 1)
    return None


def _last_complete_year(as_at: date) -> FinancialYear:
    year = FinancialYear.of(as_at)
    return year if as_at == year.last_month else year.shift(-1)


def _when(text: str, as_at: date) -> When | None:
    """The time ``text`` speaks of (see ``When``; None when it names none)."""
    lower = text.lower()
    if re.search(r"this (financial |performance )?year|year to date|so far", lower):
        return YTD
    if re.search(r"last (financial )?year|year[- ]end|previous (financial )?year", lower):
        return When("fy", fy=_last_complete_year(as_at))
    for match in re.finditer(r"\b(20\d\d)\s*/\s*(\d\d)\b", text):
        if re.search(r"\b(since|from|then)\s+$", text[: match.start()], re.I):
            continue
        year = FinancialYear.parse(f"{match.group(1)}/{match.group(2)}")
        return YTD if year == FinancialYear.of(as_at) else When("fy", fy=year)
    wave = re.search(r"\bwave\s+(\d+)", lower)
    if wave:
        return When("wave", wave=wave.group(1))
    month = _month(text, as_at)
    if month is not None:
        return When("latest") if month == as_at else When("month", month=month)
    if re.search(r"\bsince\b|\bearlier\b|\bpeak", lower):
        return When("unknown")
    if re.search(r"\bcurrently\b|\bthis month\b|\blatest month\b|\bnow\b", lower):
        return When("latest")
    if re.search(r"performance year|first month", lower):
        return YTD
    return None


def _against(text: str, as_at: date) -> tuple[When | None, str]:
    """What ``text`` compares with: "than in 2011/12", "compared with wave 32", "the same
    volume as April 2012", "last year" (None when it says nothing)."""
    match = re.search(
        r"\b(?:than|compared (?:with|to)|against|as|on|from)\s+(?:in\s+|the\s+|with\s+)*"
        rf"(?P<what>(?:20\d\d\s*/\s*\d\d)|(?:wave\s+\d+)|(?:(?:{_MONTH_RE})(?:\s+20\d\d)?)|"
        r"(?:(?:the\s+)?(?:same\s+(?:period|time|months?)\s+)?last year))",
        text,
        re.I,
    )
    if re.search(r"\b(?:between|since|from) then\b", text, re.I):
        return When("unknown"), text
    if not match:
        if re.search(r"year on year|on (?:the )?last year", text, re.I):
            return When("ytd"), text
        return None, text
    rest = text[: match.start()] + text[match.end() :]
    what = match.group("what").lower()
    if "last year" in what:
        return When("ytd"), rest
    if what.startswith("wave"):
        return When("wave", wave=what.split()[-1]), rest
    year = _fy(what)
    if year is not None:
        return When("fy", fy=year), rest
    month = _month(match.group("what"), as_at)
    return (When("month", month=month) if month else None), rest


def _stated(pattern: str, text: str) -> re.Match[str] | None:
    """The first word of ``pattern`` in ``text`` that states something: not an infinitive
    or a noun of purpose ("to reduce", "of reducing"), nor an -ing word that is no verb
    ("reducing harm"; "is falling" states)."""
    for match in re.finditer(rf"\b({pattern})\b", text):
        before = text[: match.start()]
        if re.search(r"\b(to|of|for|in|at|on|by|towards)\s+$", before):
            continue
        if match.group(1).endswith("ing") and not re.search(
            r"\b(is|are|was|were|been|be|seems to be|keeps?)\s+$", before
        ):
            continue
        return match
    return None


def _direction(text: str) -> Direction | None:
    lower = text.lower()
    if _stated(_STABLE, lower):
        return "stable"
    up = _stated(_UP, lower)
    down = _stated(_DOWN, lower)
    if up and down:
        return "up" if up.start() < down.start() else "down"
    return "up" if up else "down" if down else None


def _verdict_word(text: str) -> Literal["better", "worse"] | None:
    lower = text.lower()
    if re.search(rf"\b({_WORSE})\b", lower):
        return "worse"
    if re.search(rf"\b({_BETTER})\b", lower):
        return "better"
    return None


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _sentences(paragraph: str) -> list[str]:
    flat = " ".join(paragraph.split())
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z‘'\"(])", flat)
    return [p for p in parts if p.strip()]


def _clauses(sentence: str) -> list[str]:
    parts = re.split(r";\s*|,\s+and\s+|,?\s+\b(?:but|however|although|whereas)\b,?\s+", sentence)
    return [p.strip(" ,.") for p in parts if p and p.strip(" ,.")]


class _Reader:
    """Reads one update into claims (see the module docstring)."""

    def __init__(self, context: _Context, experiments: Sequence[ExperimentResult]) -> None:
        self.context = context
        self.experiments = experiments

    # which measures a piece of text names
    def named(self, text: str, percent_only: bool = False) -> tuple[str, ...]:
        context = self.context
        tokens = _tokens(_expand(text, context.abbreviations))
        pool = [m for m in context.candidates if not percent_only or m.unit == "percent"]
        whole = [m.id for m in pool if context.titles[m.id] and context.titles[m.id] <= tokens]
        whole = [i for i in whole if not any(context.titles[i] < context.titles[j] for j in whole)]
        if whole and not percent_only:
            return tuple(whole)
        scored: list[tuple[int, float, int, str]] = []
        for m in pool:
            title = context.titles[m.id]
            hits = title & tokens
            if not hits or hits <= _GENERIC:
                continue
            if len(hits) * 2 < len(title) and (percent_only or len(hits) < 2):
                continue
            own = 1 if m.id in context.own else 0
            scored.append((len(hits), len(hits) / len(title), own, m.id))
        if not scored:
            return tuple(whole)
        best = max((h, c) for h, c, _, _ in scored)
        tied = [(o, i) for h, c, o, i in scored if (h, c) == best]
        hit_sets = {frozenset(context.titles[i] & tokens) for _, i in tied}
        if len(tied) > 1 and len(hit_sets) == 1:  # the same words fit each: the milestone's own
            owned = [i for o, i in tied if o]
            if owned:
                return tuple(owned[:1])
        return tuple(i for _, i in tied)

    def experiment(self, text: str) -> str | None:
        tokens = _tokens(text)
        best: tuple[int, str] | None = None
        for e in self.experiments:
            words = _tokens(f"{e.title} {e.description or ''}") - _GENERIC
            hits = len((words & tokens) - {"crime"})
            if hits >= 3 and (best is None or hits > best[0]):
                best = (hits, e.id)
        return best[1] if best else None

    def read(self, note: str) -> list[Claim]:
        claims: list[Claim] = []
        abbreviations = _abbreviations(note)
        self.context.abbreviations.update(abbreviations)
        for paragraph in re.split(r"\n\s*\n", note):
            subject: tuple[str, ...] = ()
            why: str | None = None
            experiment = self.experiment(paragraph)
            for sentence in _sentences(paragraph):
                sentence_when = _when(_against(sentence, self.context.as_at)[1], self.context.as_at)
                for clause in _clauses(sentence):
                    found, subject, why = self.clause(
                        clause, sentence, sentence_when, subject, why, experiment
                    )
                    claims += found
        return claims

    def clause(
        self,
        clause: str,
        sentence: str,
        sentence_when: When | None,
        subject: tuple[str, ...],
        subject_why: str | None,
        experiment: str | None,
    ) -> tuple[list[Claim], tuple[str, ...], str | None]:
        as_at = self.context.as_at
        quote = clause if len(clause) <= QUOTE_CHARS else clause[: QUOTE_CHARS - 1] + "…"
        quotes = list(re.finditer(r"[‘'\"]([^’'\"]{2,60})[’'\"]", clause))
        named = self.named(re.sub(r"[‘'\"][^’'\"]{2,60}[’'\"]", " ", clause))
        unknown_name = None
        for found in quotes:
            name = found.group(1)
            fits = self.named(name)
            fitting = [
                i
                for i in fits
                if len(self.context.titles[i] & _tokens(name)) * 2 >= len(self.context.titles[i])
            ]
            if fitting:
                named = tuple(dict.fromkeys((*named, *fitting)))
            elif len(clause[: found.start()].split()) <= 2:  # the clause is about it
                unknown_name = name
                named = ()
        carry_why = f"name:{unknown_name}" if unknown_name else (None if named else subject_why)
        measures = named or (() if unknown_name else subject)
        if _INTENT.search(clause):
            return [], measures, carry_why
        against, rest = _against(clause, as_at)
        when = _when(rest, as_at) or sentence_when or YTD
        direction = _direction(clause)
        significant = bool(_SIGNIFICANT.search(clause))
        why = carry_why
        if _PEERS.search(clause):
            why = "peers"
        elif _COMPLEX.search(clause):
            why = why or "except"
        base = Claim(
            kind="direction",
            text=quote,
            measures=measures,
            when=when,
            against=against,
            direction=direction,
            significant=significant,
            why_unchecked=why,
        )
        claims: list[Claim] = []
        run = self.run(clause, base)
        if run is not None:
            claims.append(run)
        figures = [] if run is not None else self.figures(clause, sentence, base)
        claims += figures
        extreme = re.search(r"\b(highest|lowest)\b[^.;]*?\bsince\s+(20\d\d\s*/\s*\d\d)", clause)
        if extreme:
            claims.append(
                replace(
                    base,
                    kind="extreme",
                    extreme="highest" if extreme.group(1) == "highest" else "lowest",
                    since=_fy(extreme.group(2)),
                )
            )
        if not claims and experiment and _EXPERIMENT_WORDS.search(clause):
            verdict = _verdict_word(clause)
            if verdict is not None:
                claims.append(
                    replace(
                        base,
                        kind="experiment",
                        experiment=experiment,
                        measures=(),
                        direction="down" if verdict == "better" else "up",
                    )
                )
        if not claims and direction is not None:
            kind: ClaimKind = "stable" if direction == "stable" else "direction"
            if re.search(r"\bsince\b", clause, re.I) and against is None:
                base = replace(base, when=When("unknown"))
            claims.append(replace(base, kind=kind))
        elif not claims and measures and _verdict_word(clause) and named:
            better = _verdict_word(clause) == "better"
            claims.append(
                replace(
                    base,
                    kind="direction",
                    direction="up" if better else "down",
                    why_unchecked=why or "verdict",
                )
            )
        return claims, measures, carry_why

    def run(self, clause: str, base: Claim) -> Claim | None:
        numbers = "|".join([*_NUMBER_WORDS, r"\d+"])
        match = re.search(
            rf"\b(?:(?:for|in|over|during)\s+)?(?:each of\s+)?(?:the\s+)?"
            rf"(?:past|last|previous|latest)\s+(?P<n>{numbers})\s+(?P<c>consecutive\s+|"
            rf"successive\s+)?(?P<unit>months?|waves?)\b|\b(?P<n2>{numbers})\s+(?P<c2>consecutive|"
            rf"successive)\s+(?P<unit2>months|waves)\b|\b(?P<n3>{numbers})\s+(?P<unit3>months)\s+"
            r"in a row\b",
            clause,
            re.I,
        )
        if not match or base.direction not in ("up", "down"):
            return None
        n_text = (match.group("n") or match.group("n2") or match.group("n3")).lower()
        n = _NUMBER_WORDS.get(n_text) or int(n_text)
        unit = (match.group("unit") or match.group("unit2") or match.group("unit3")).lower()
        consecutive = bool(match.group("c") or match.group("c2") or match.group("n3")) or bool(
            re.search(r"\beach of\b|\bevery month\b", clause, re.I)
        )
        waves = unit.startswith("wave")
        named = re.findall(r"\bwaves?\s+(\d+)", clause, re.I)
        return replace(
            base,
            kind="run" if consecutive or waves else "direction",
            months=n,
            consecutive=consecutive,
            when=When("window", months=n) if not waves else base.when,
            value=float(n),
            until=named[-1] if waves and named else None,
            previous=waves and not named and "previous" in clause.lower(),
        )

    def figures(self, clause: str, sentence: str, base: Claim) -> list[Claim]:
        as_at = self.context.as_at
        out: list[Claim] = []
        for match in _FIGURE.finditer(clause):
            start, end = match.span()
            text = match.group("num")
            before = clause[:start]
            after = clause[end:]
            if re.search(
                r"\b(?:wave|paragraph|operation|section|age range of|aged?)\s*$", before, re.I
            ):
                continue
            if re.match(r"\s*/\s*\d", after) or re.search(r"\d\s*/\s*$", before):
                continue  # 2012/13, 20/47
            value = _number(text)
            unit_text = (match.group("unit") or "").strip().lower()
            if not unit_text and (
                (1900 <= value <= 2100 and "," not in text)
                or _NOT_FIGURES.match(after)
                or re.search(rf"\b(?:{_MONTH_RE})\s*$", before)
            ):
                continue
            hedge = _HEDGES.get((match.group("hedge") or "").lower(), "exact")
            high = _number(match.group("num2")) if match.group("num2") else None
            written = (text, match.group("num2")) if high is not None else (text,)
            local = re.match(r"\s*(?:of\s+\w+\s+)?for\s+([^,;]+?)(?:\s+and\b|[,;]|$)", after)
            measures = base.measures
            previous = clause[:start]
            figures_before = list(_FIGURE.finditer(previous))
            if figures_before:
                previous = previous[figures_before[-1].end() :]
            nearest = self.named(previous)
            if nearest and len(base.measures) > 1:
                measures = nearest
            if local:
                near = self.named(local.group(1))
                if near:
                    measures = near
            tail = after[:60]
            when = base.when
            local_month = re.match(
                rf"[^.;()]{{0,40}}?\bin\s+((?:{_MONTH_RE})(?:\s+20\d\d)?|20\d\d/\d\d)", after
            )
            if local_month and not re.search(
                r"\b(than|compared|against)\b", local_month.group(0), re.I
            ):
                when = _when(local_month.group(1), as_at) or when
            peers = base.why_unchecked
            if re.search(r"average of\s*$|\($", before) and _PEERS.search(sentence):
                peers = "peers"
            common = replace(
                base,
                measures=measures,
                value=value,
                high=high,
                written=written,
                hedge=hedge,
                when=when,
                why_unchecked=peers,
            )
            per_month = re.search(r"^\s*[^.;]{0,40}?\b(?:per|a|each)\s+month\b", after, re.I)
            averaged = re.search(r"\baverage\b", before + match.group(0), re.I)
            if per_month or (averaged and not unit_text):
                out.append(replace(common, kind="average", unit="count"))
                continue
            if unit_text.endswith("points") or unit_text.endswith("point"):
                out.append(replace(common, kind="change", unit="points"))
                continue
            if unit_text:
                direction_here = _direction(tail[:30]) or _direction(before[-40:])
                share_words = re.match(r"\s*of\b", after) or re.search(
                    r"\b(?:accounts?|accounted|contribut\w*|solved\w*|resolved|were|was|is)"
                    r"\b[^.;]{0,25}$",
                    before,
                    re.I,
                )
                right_after = _direction(tail[:12])
                up_down = re.search(r"\b(up|down)\s+(?:by\s+)?$", before, re.I)
                if up_down:
                    right_after = "up" if up_down.group(1).lower() == "up" else "down"
                if right_after or (direction_here and not share_words):
                    direction_here = right_after or direction_here
                    out.append(
                        replace(common, kind="change", unit="percent", direction=direction_here)
                    )
                elif base.direction in ("up", "down") and not share_words:
                    out.append(replace(common, kind="change", unit="percent"))
                else:
                    share = self.share_measures(clause, sentence, common)
                    out.append(share)
                continue
            if measures and (base.when.kind in ("fy", "month", "latest") or when != YTD):
                out.append(replace(common, kind="total", unit="count"))
        return out

    def share_measures(self, clause: str, sentence: str, claim: Claim) -> Claim:
        """A share: the percent measure the clause names best; else a count measure's share
        of another the clause names after "of" or "to" ("each contributing 10%" of TRC)."""
        percent = self.named(clause, percent_only=True)
        if percent:
            return replace(claim, kind="share", unit="percent", measures=percent)
        counts = [m for m in claim.measures if self._measure(m).unit == "count"]
        of = re.findall(r"\b(?:of|to)\s+((?:[\w/’'-]+\s*){1,4})", sentence)
        for words in of:
            total = [
                t
                for t in self.named(_expand(words, self.context.abbreviations))
                if self._measure(t).unit == "count"
            ]
            parts = [m for m in counts if m not in total]
            if len(total) == 1 and parts:
                return replace(
                    claim,
                    kind="share",
                    unit="percent",
                    measures=tuple(parts),
                    denominator=total[0],
                )
        return replace(
            claim,
            kind="share",
            unit="percent",
            measures=(),
            why_unchecked=claim.why_unchecked or "no_share",
        )

    def _measure(self, measure_id: str) -> MeasureResult:
        return self.context.results.measure(measure_id)


# -- checking ----------------------------------------------------------------------------------
def _unit(written: str) -> float:
    """Half of which is the precision a figure is written to: 43 → 1, 1.5 → 0.1, 530 → 10."""
    text = written.replace(",", "")
    if "." in text:
        return 10.0 ** -len(text.split(".")[1])
    return 10.0 if text.endswith("0") and text.strip("0") else 1.0


def band(claim: Claim) -> tuple[float | None, float | None]:
    """The range a figure must fall in to agree with ``claim`` (see the module docstring)."""
    assert claim.value is not None
    low_value = claim.value
    high_value = claim.high if claim.high is not None else claim.value
    half_low = _unit(claim.written[0]) / 2 if claim.written else 0.0
    half_high = _unit(claim.written[-1]) / 2 if claim.written else 0.0
    if claim.hedge == "around":
        half_low = max(half_low, AROUND_SHARE * abs(low_value))
        half_high = max(half_high, AROUND_SHARE * abs(high_value))
    if claim.hedge == "nearly":
        return (low_value - max(half_low, AROUND_SHARE * abs(low_value)), high_value + half_high)
    if claim.hedge == "over":  # strictly above
        return (low_value + STRICT, None)
    if claim.hedge == "under":  # strictly below
        return (None, high_value - STRICT)
    return (low_value - half_low, high_value + half_high)


def _inside(value: float, limits: tuple[float | None, float | None]) -> bool:
    low, high = limits
    return (low is None or value >= low - 1e-9) and (high is None or value <= high + 1e-9)


def _signed(
    limits: tuple[float | None, float | None], sign: int
) -> tuple[float | None, float | None]:
    low, high = limits
    if sign >= 0:
        return limits
    return (None if high is None else -high, None if low is None else -low)


@dataclass(frozen=True)
class _Figure:
    """A figure of a measure for a time, with how the results give it."""

    value: float
    label: str  # the time, in words: "2012/13", "April 2013", "the year to date"
    numerator: float | None = None
    denominator: float | None = None
    months: int = 1


class _Checker:
    def __init__(self, results: PackResults) -> None:
        self.results = results
        self.as_at = parse_month(results.as_at)
        self.words = _Words(results)

    def series(self, m: MeasureResult) -> dict[str, tuple[float, float | None, float | None]]:
        return {
            p.month: (float(p.value), _f(p.numerator), _f(p.denominator))
            for p in m.series
            if p.value is not None
        }

    def figure(self, m: MeasureResult, when: When) -> _Figure | None:
        """``m``'s figure for ``when`` from its results (None when they do not hold it)."""
        points = self.series(m)
        if when.kind == "ytd":
            if m.ytd is None:
                return None
            return _Figure(
                float(m.ytd),
                self.words.current(m),
                _f(m.ytd_numerator),
                _f(m.ytd_denominator),
                months=len(m.months_compared.year_to_date) or 1,
            )
        if when.kind == "wave":
            for p in m.series:
                if p.label == when.wave and p.value is not None:
                    return _Figure(
                        float(p.value), f"wave {p.label}", _f(p.numerator), _f(p.denominator)
                    )
            return None
        if m.waves:
            return None
        if when.kind in ("latest", "month"):
            month = self.as_at if when.kind == "latest" else when.month
            assert month is not None
            key = format_month(month)
            if key not in points:
                return None
            value, numerator, denominator = points[key]
            label = self.words.month(month)
            if m.comparison.basis == "rolling_12":
                label = f"the 12 months to {label}"
            return _Figure(value, label, numerator, denominator)
        if when.kind == "fy":
            assert when.fy is not None
            keys = [format_month(x) for x in when.fy.months()]
            if m.comparison.basis == "rolling_12":
                last = keys[-1]
                if last not in points:
                    return None
                value, numerator, denominator = points[last]
                label = f"the 12 months to {self.words.month(when.fy.last_month)}"
                return _Figure(value, label, numerator, denominator)
            if any(k not in points for k in keys):
                return None
            if m.unit == "count":
                return _Figure(sum(points[k][0] for k in keys), when.fy.label, months=12)
            numerators = [points[k][1] for k in keys]
            denominators = [points[k][2] for k in keys]
            if any(v is None for v in (*numerators, *denominators)):
                return None
            n = sum(v for v in numerators if v is not None)
            d = sum(v for v in denominators if v is not None)
            if not d:
                return None
            return _Figure(round(100 * n / d, 4), when.fy.label, n, d, months=12)
        return None

    def baseline(self, m: MeasureResult, when: When, against: When | None) -> _Figure | None:
        if against is None:
            if when.kind == "ytd":
                if m.baseline_ytd is None:
                    return None
                return _Figure(
                    float(m.baseline_ytd),
                    self.words.baseline(m),
                    _f(m.baseline_numerator),
                    _f(m.baseline_denominator),
                    months=len(m.months_compared.baseline) or 1,
                )
            if when.kind == "fy" and when.fy is not None:
                return self.figure(m, When("fy", fy=when.fy.shift(-1)))
            if when.kind in ("latest", "month"):
                month = self.as_at if when.kind == "latest" else when.month
                assert month is not None
                return self.figure(m, When("month", month=add_months(month, -12)))
            return None
        if against.kind == "ytd":  # "than last year": the same time a year before
            return self.baseline(m, when, None)
        return self.figure(m, against)

    def check(self, claim: Claim) -> list[Checked]:
        """Each (claim, measure, verdict, finding, found, band) of ``claim``."""
        if claim.kind == "experiment":
            return [self.experiment(claim)]
        published = [i for i in claim.measures if self.results.measure(i).kind == "published"]
        if published and claim.why_unchecked is None:
            claim = replace(claim, why_unchecked="published")
        if claim.why_unchecked is not None or not claim.measures:
            reason = claim.why_unchecked or "no_measure"
            return [
                (
                    claim,
                    claim.measures[0] if claim.measures else None,
                    "unchecked",
                    self.words.unchecked(reason, claim),
                    None,
                    None,
                )
            ]
        out: list[Checked] = []
        for measure_id in claim.measures:
            m = self.results.measure(measure_id)
            verdict, finding, found, limits = self.one(claim, m)
            out.append((claim, measure_id, verdict, finding, found, limits))
        return out

    def one(
        self, claim: Claim, m: MeasureResult
    ) -> tuple[Verdict, str, float | None, tuple[float | None, float | None] | None]:
        words = self.words
        unknown = claim.when.kind == "unknown" or (
            claim.against and claim.against.kind == "unknown"
        )
        if unknown and claim.kind != "extreme":
            return "unchecked", words.unchecked("when", claim), None, None
        if claim.kind == "run":
            return self.run(claim, m)
        if claim.kind == "direction" and claim.when.kind == "window":
            return self.window(claim, m)
        if claim.kind in ("average", "total"):
            return self.level(claim, m)
        if claim.kind == "share":
            return self.share(claim, m)
        if claim.kind == "extreme":
            return self.extreme(claim, m)
        when = claim.when
        if when.kind == "ytd" and claim.against is not None and claim.against.fy is not None:
            # "lower than in 2011/12": the financial year after it, once it is complete
            following = claim.against.fy.shift(1)
            if following > _last_complete_year(self.as_at):
                return "unchecked", words.unchecked("when", claim), None, None
            when = When("fy", fy=following)
        now = self.figure(m, when)
        then = self.baseline(m, when, claim.against)
        if now is None or then is None:
            return "unchecked", words.unchecked("no_figure", claim, m), None, None
        if claim.kind == "change":
            return self.change(claim, m, now, then)
        return self.direction(claim, m, now, then)

    def change(self, claim: Claim, m: MeasureResult, now: _Figure, then: _Figure) -> Outcome:
        points = round(now.value - then.value, 4)
        pct = None if not then.value else round(100 * (now.value - then.value) / then.value, 4)
        sign = {"up": 1, "down": -1}.get(claim.direction or "", 0)
        if sign == 0:  # "a change of 3%" with no direction: its size
            sign = 1 if points >= 0 else -1
        limits = _signed(band(claim), sign)
        # a count's change is in per cent; a percentage's in points, or either for "N%"
        found_values: list[float] = [points]
        if m.unit != "percent":
            found_values = [pct] if pct is not None else []
        elif claim.unit == "percent" and pct is not None:
            found_values = [points, pct]
        agrees = any(_inside(v, limits) for v in found_values)
        inside = [v for v in found_values if _inside(v, limits)]
        found = inside[0] if inside else found_values[0] if found_values else None
        verdict: Verdict = "agrees" if agrees else "contradicted"
        if agrees and claim.significant:
            test = self.test(m, now, then)
            if test is False:
                verdict = "contradicted"
        return verdict, self.words.change(m, now, then, points, pct), found, limits

    def direction(self, claim: Claim, m: MeasureResult, now: _Figure, then: _Figure) -> Outcome:
        difference = now.value - then.value
        pct = None if not then.value else 100 * difference / then.value
        test = self.test(m, now, then)
        if claim.kind == "stable" or claim.direction == "stable":
            within = pct is not None and abs(pct) <= STABLE_PCT
            agrees = within if test is None else not test
        else:
            want = 1 if claim.direction == "up" else -1
            agrees = difference * want > 0
            if agrees and claim.significant and test is False:
                agrees = False
        finding = self.words.direction(m, now, then, test)
        return ("agrees" if agrees else "contradicted"), finding, round(difference, 4), None

    def test(self, m: MeasureResult, now: _Figure, then: _Figure) -> bool | None:
        """Whether the change is more than chance: the results' own test for the headline
        comparison, the exact Poisson test of two counts otherwise (None: no test)."""
        if m.change_test is not None and now.label == self.words.current(m):
            return m.change_test.significant
        if m.unit == "count" and now.value >= 0 and then.value >= 0:
            test = poisson_rate_test(
                int(now.value), float(now.months), int(then.value), float(then.months)
            )
            return test.significant
        return None

    def run(self, claim: Claim, m: MeasureResult) -> Outcome:
        if m.waves:
            return self.wave_run(claim, m)
        values = [(p.month, p.value) for p in m.series]
        if not values:
            return "unchecked", self.words.unchecked("no_figure", claim, m), None, None
        direction, length, first = _current_run(values)
        want = "up" if claim.direction == "up" else "down"
        assert claim.months is not None
        agrees = direction == want and length == claim.months
        finding = self.words.run(m, direction, length, first, values)
        limits = (float(claim.months), float(claim.months))
        return ("agrees" if agrees else "contradicted"), finding, float(length), limits

    def wave_run(self, claim: Claim, m: MeasureResult) -> Outcome:
        """A run of survey waves ending at the wave named ("wave 31 and wave 32"), at the one
        before the latest ("the previous two waves"), or at the latest."""
        values = [(p.label, p.value) for p in m.series if p.label is not None]
        labels = [label for label, _ in values]
        if claim.until is not None:
            if claim.until not in labels:
                return "unchecked", self.words.unchecked("no_figure", claim, m), None, None
            values = values[: labels.index(claim.until) + 1]
        elif claim.previous:
            values = values[:-1]
        if len(values) < 2:
            return "unchecked", self.words.unchecked("no_figure", claim, m), None, None
        direction, length, first = _current_run(values)
        want = "up" if claim.direction == "up" else "down"
        assert claim.months is not None
        agrees = direction == want and length == claim.months
        finding = self.words.wave_run(m, direction, length, first, values)
        limits = (float(claim.months), float(claim.months))
        return ("agrees" if agrees else "contradicted"), finding, float(length), limits

    def window(self, claim: Claim, m: MeasureResult) -> Outcome:
        assert claim.months is not None
        start = self.figure(m, When("month", month=add_months(self.as_at, -claim.months)))
        end = self.figure(m, When("latest"))
        if start is None or end is None:
            return "unchecked", self.words.unchecked("no_figure", claim, m), None, None
        difference = end.value - start.value
        want = 1 if claim.direction == "up" else -1
        agrees = difference * want > 0
        return (
            ("agrees" if agrees else "contradicted"),
            self.words.window(m, start, end),
            round(difference, 4),
            None,
        )

    def level(self, claim: Claim, m: MeasureResult) -> Outcome:
        if m.unit != "count":
            return "unchecked", self.words.unchecked("not_count", claim, m), None, None
        limits = band(claim)
        if claim.kind == "total":
            figure = self.figure(m, claim.when)
            if figure is None:
                return "unchecked", self.words.unchecked("no_figure", claim, m), None, None
            found = figure.value
            finding = self.words.total(m, figure)
        else:
            in_year = claim.when.kind == "fy"
            figure = self.figure(m, claim.when) if in_year else self.last_twelve(m)
            if figure is None:
                return "unchecked", self.words.unchecked("no_figure", claim, m), None, None
            found = round(figure.value / figure.months, 4)
            finding = self.words.average(m, figure, found)
        verdict: Verdict = "agrees" if _inside(found, limits) else "contradicted"
        return verdict, finding, found, limits

    def last_twelve(self, m: MeasureResult) -> _Figure | None:
        points = self.series(m)
        keys = [format_month(add_months(self.as_at, -i)) for i in range(11, -1, -1)]
        if any(k not in points for k in keys):
            return None
        label = f"the 12 months to {self.words.month(self.as_at)}"
        return _Figure(sum(points[k][0] for k in keys), label, months=12)

    def share(self, claim: Claim, m: MeasureResult) -> Outcome:
        limits = band(claim)
        if claim.denominator is not None:
            total = self.results.measure(claim.denominator)
            part, whole = self.figure(m, claim.when), self.figure(total, claim.when)
            if part is None or whole is None or not whole.value:
                return "unchecked", self.words.unchecked("no_figure", claim, m), None, None
            found = round(100 * part.value / whole.value, 4)
            finding = self.words.share_of(m, total, part, whole, found)
        else:
            if m.unit != "percent":
                return "unchecked", self.words.unchecked("no_share", claim, m), None, None
            figure = self.figure(m, claim.when)
            if figure is None:
                return "unchecked", self.words.unchecked("no_figure", claim, m), None, None
            found = figure.value
            finding = self.words.level(m, figure)
        verdict: Verdict = "agrees" if _inside(found, limits) else "contradicted"
        return verdict, finding, found, limits

    def extreme(self, claim: Claim, m: MeasureResult) -> Outcome:
        if m.unit != "count" or m.waves:
            return "unchecked", self.words.unchecked("no_figure", claim, m), None, None
        year = claim.when.fy if claim.when.kind == "fy" else _last_complete_year(self.as_at)
        assert year is not None
        years: list[tuple[FinancialYear, float]] = []
        probe = year
        while True:
            figure = self.figure(m, When("fy", fy=probe))
            if figure is None:
                break
            years.append((probe, figure.value))
            probe = probe.shift(-1)
        if len(years) < 2:
            return "unchecked", self.words.unchecked("no_figure", claim, m), None, None
        value = years[0][1]
        others = [v for _, v in years[1:]]
        is_extreme = value > max(others) if claim.extreme == "highest" else value < min(others)
        first = years[-1][0]
        finding = self.words.extreme(m, claim.extreme or "highest", years, is_extreme)
        if not is_extreme:
            return "contradicted", finding, value, None
        if claim.since is not None and claim.since < first:
            return "unchecked", finding, value, None
        return "agrees", finding, value, None

    def experiment(self, claim: Claim) -> Checked:
        e = next(x for x in self.results.experiments if x.id == claim.experiment)
        if e.estimate is None:
            return (claim, None, "unchecked", self.words.unchecked("experiment", claim), None, None)
        better = e.estimate < 0  # fewer crimes in the treated areas than the controls'
        claims_better = claim.direction == "down"
        verdict: Verdict = "agrees" if better == claims_better else "contradicted"
        return (claim, e.measure, verdict, self.words.experiment(e), e.estimate, None)


def _f(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def _current_run(
    values: Sequence[tuple[str, float | int | None]],
) -> tuple[Literal["up", "down", "flat"], int, str]:
    """The run of consecutive monthly moves ending at the latest month: its direction, how
    many months moved that way, and the month it started from."""
    direction: Literal["up", "down", "flat"] = "flat"
    length = 0
    first = values[-1][0]
    for (month_a, a), (_, b) in zip(reversed(values[:-1]), reversed(values), strict=False):
        if a is None or b is None or a == b:
            break
        step: Literal["up", "down"] = "up" if b > a else "down"
        if direction not in ("flat", step):
            break
        direction = step
        length += 1
        first = month_a
    return direction, length, first


# -- the findings, in words ----------------------------------------------------------------------
def _n(value: float, places: int | None = None) -> str:
    """A number as the findings write it: whole numbers with commas, else one decimal place
    (``places`` to say otherwise)."""
    if places is None:
        places = 0 if float(value).is_integer() else 1
    text = f"{abs(value):,.{places}f}"
    return ("−" if value < 0 and float(text.replace(",", "")) != 0 else "") + text


class _Words:
    """What the data say, in words (the one place the findings are written)."""

    def __init__(self, results: PackResults) -> None:
        self.results = results

    @staticmethod
    def month(month: date) -> str:
        return f"{MONTH_NAMES[month.month - 1]} {month.year}"

    def _months(self, first: str, last: str) -> str:
        a, b = parse_month(first), parse_month(last)
        if a == b:
            return self.month(a)
        first = MONTH_NAMES[a.month - 1] if a.year == b.year else self.month(a)
        return f"{first} to {self.month(b)}"

    def current(self, m: MeasureResult) -> str:
        c = m.comparison
        if c.basis == "wave" and c.current:
            return f"wave {c.current[-1]}"
        if c.basis == "rolling_12" and c.current:
            return f"the 12 months to {self.month(parse_month(c.current[-1]))}"
        if len(c.current) == 2:
            return self._months(*c.current)
        return "the year to date"

    def baseline(self, m: MeasureResult) -> str:
        c = m.comparison
        if c.basis == "wave" and c.baseline:
            return f"wave {c.baseline[-1]}"
        if c.basis == "rolling_12" and c.baseline:
            return f"the 12 months to {self.month(parse_month(c.baseline[-1]))}"
        if len(c.baseline) == 2:
            return self._months(*c.baseline)
        return "the same months a year earlier"

    @staticmethod
    def value(m: MeasureResult, value: float) -> str:
        return f"{_n(value, 1)}%" if m.unit == "percent" else _n(round(value, 1))

    def change(
        self, m: MeasureResult, now: _Figure, then: _Figure, points: float, pct: float | None
    ) -> str:
        a, b = self.value(m, now.value), self.value(m, then.value)
        if m.unit == "percent":
            shown = round(round(now.value, 1) - round(then.value, 1), 1)
            move = "higher" if shown > 0 else "lower" if shown < 0 else "no different"
            size = (
                f"{_n(abs(shown), 1)} points {move}" if shown else "the same to one decimal place"
            )
            relative = f" ({_n(abs(pct), 1)}% {move})" if pct is not None and shown else ""
            return f"{m.title}: {a} in {now.label} against {b} in {then.label}, {size}{relative}."
        if pct is None:
            return f"{m.title}: {a} in {now.label} against {b} in {then.label}."
        move = "higher" if pct > 0 else "lower" if pct < 0 else "no different"
        return (
            f"{m.title}: {a} in {now.label} against {b} in {then.label}, {_n(abs(pct), 1)}% {move}."
        )

    def direction(self, m: MeasureResult, now: _Figure, then: _Figure, test: bool | None) -> str:
        a, b = self.value(m, now.value), self.value(m, then.value)
        chance = {True: ", more than chance would give", False: ", within chance", None: ""}[test]
        if m.unit == "percent":
            shown = round(round(now.value, 1) - round(then.value, 1), 1)
            move = "higher" if shown > 0 else "lower" if shown < 0 else "the same"
            size = f"{_n(abs(shown), 1)} points {move}" if shown else move
        else:
            difference = now.value - then.value
            move = "higher" if difference > 0 else "lower" if difference < 0 else "the same"
            size = move
            if difference and then.value:
                size = f"{_n(abs(100 * difference / then.value), 1)}% {move}"
        return f"{m.title}: {a} in {now.label} against {b} in {then.label}, {size}{chance}."

    def run(
        self,
        m: MeasureResult,
        direction: str,
        length: int,
        first: str,
        values: Sequence[tuple[str, float | int | None]],
    ) -> str:
        last_month, last = values[-1]
        start = dict(values)[first]
        if direction == "flat" or length == 0 or last is None or start is None:
            return f"{m.title} did not rise or fall in {self.month(parse_month(last_month))}."
        verb = "risen" if direction == "up" else "fallen"
        months = "month" if length == 1 else f"{length} months"
        each = "the last month" if length == 1 else f"each of the last {months}"
        return (
            f"{m.title} has {verb} in {each}, from {self.value(m, start)} in "
            f"{self.month(parse_month(first))} to {self.value(m, last)} in "
            f"{self.month(parse_month(last_month))}."
        )

    def wave_run(
        self,
        m: MeasureResult,
        direction: str,
        length: int,
        first: str,
        values: Sequence[tuple[str, float | int | None]],
    ) -> str:
        last_wave, last = values[-1]
        start = dict(values)[first]
        if direction == "flat" or length == 0 or last is None or start is None:
            return f"{m.title} did not rise or fall at wave {last_wave}."
        verb = "rose" if direction == "up" else "fell"
        waves = "the last wave" if length == 1 else f"each of the last {length} waves"
        return (
            f"{m.title} {verb} at {waves} to wave {last_wave}, from {self.value(m, start)} at "
            f"wave {first} to {self.value(m, last)} at wave {last_wave}."
        )

    def window(self, m: MeasureResult, start: _Figure, end: _Figure) -> str:
        move = "rose" if end.value > start.value else "fell" if end.value < start.value else "was"
        return (
            f"{m.title} {move} from {self.value(m, start.value)} in {start.label} to "
            f"{self.value(m, end.value)} in {end.label}."
        )

    def total(self, m: MeasureResult, figure: _Figure) -> str:
        return f"{m.title}: {self.value(m, figure.value)} in {figure.label}."

    def average(self, m: MeasureResult, figure: _Figure, mean: float) -> str:
        return (
            f"{m.title}: {self.value(m, figure.value)} in {figure.label}, an average of "
            f"{_n(mean, 1)} a month."
        )

    def level(self, m: MeasureResult, figure: _Figure) -> str:
        return f"{m.title}: {self.value(m, figure.value)} in {figure.label}."

    def share_of(
        self, m: MeasureResult, total: MeasureResult, part: _Figure, whole: _Figure, share: float
    ) -> str:
        return (
            f"{m.title}: {_n(part.value)} of {_n(whole.value)} "
            f"({total.title.lower()}) in {part.label}, {_n(share, 1)}%."
        )

    def extreme(
        self,
        m: MeasureResult,
        which: str,
        years: list[tuple[FinancialYear, float]],
        is_extreme: bool,
    ) -> str:
        year, value = years[0]
        first = years[-1][0]
        others = ", ".join(f"{_n(v)} in {y.label}" for y, v in years[1:])
        verdict = (
            f"the {which} of the years held" if is_extreme else f"not the {which} of the years held"
        )
        return (
            f"{m.title}: {_n(value)} in {year.label}, {verdict} ({others}); the figures "
            f"held begin in {first.label}."
        )

    def experiment(self, e: ExperimentResult) -> str:
        months = e.months.after_so_far
        so_far = f"{months} months"
        if e.status == "in progress":
            so_far = f"the first {months} of {e.months.after} months"
        chance = "more than chance would give" if e.more_than_chance else "within chance"
        if e.permutation is not None:
            p = e.permutation
            side = "worse" if p.difference > 0 else "better"
            return (
                f"{e.title}: over {so_far}, crimes a month in the treated areas changed by "
                f"{_n(p.treated_mean, 1)} against {_n(p.control_mean, 1)} in the control "
                f"areas, {_n(abs(p.difference), 1)} a month {side} than the controls "
                f"({chance})."
            )
        assert e.estimate is not None
        side = "worse" if e.estimate > 0 else "better"
        return (
            f"{e.title}: over {so_far}, the treated areas did {_n(abs(e.estimate))} crimes "
            f"{side} than the control areas' change would give ({chance})."
        )

    def unchecked(self, reason: str, claim: Claim, m: MeasureResult | None = None) -> str:
        if reason == "published":
            return "A published table's figures: the claims about them are not checked."
        if reason == "peers":
            return "A comparison with other forces or the country: the results do not test it."
        if reason.startswith("name:"):
            return f"'{reason[5:]}' is no measure of the plan: nothing to check it against."
        if reason == "except":
            return "The claim makes an exception the check cannot read: not checked."
        if reason == "verdict":
            return "A judgement with no figure or comparison to test: not checked."
        if reason == "no_measure":
            return "No measure of this milestone matches the claim: nothing to check it against."
        if reason == "no_share":
            return "No measure of this milestone is this share: nothing to check it against."
        if reason == "not_count":
            title = m.title if m else "The measure"
            return f"{title} is not a count: an average a month does not apply."
        if reason == "when":
            return "It compares with a time the results cannot place: not checked."
        if reason == "experiment":
            return "The experiment has no estimate yet: not checked."
        title = m.title if m is not None else "The measure"
        return f"{title}: the results hold no figure for the time the claim speaks of."


# -- the checks of a pack ------------------------------------------------------------------------
def _family(results: PackResults) -> list[tuple[MilestoneOutline, tuple[str, ...], frozenset[str]]]:
    """Each milestone the pack shows with its measures and those of the milestones reported
    with it, and its own measures."""
    out = []
    for objective in results.paper.objectives:
        followers: dict[str, list[MilestoneOutline]] = {}
        for m in objective.milestones:
            if m.reported_with:
                followers.setdefault(m.reported_with, []).append(m)
        for m in objective.milestones:
            if m.reported_with:
                continue
            group = (m, *followers.get(m.id, []))
            ids = [i for g in group for i in (*g.targets, *g.measures)]
            own = frozenset((*m.targets, *m.measures))
            out.append((m, tuple(dict.fromkeys(ids)), own))
    return out


def _latest(results: PackResults, milestone: MilestoneOutline) -> MilestoneUpdate | None:
    if results.milestones is not None:
        for line in results.milestones.milestones:
            if line.milestone_id == milestone.id:
                return line.latest_update
    return milestone.latest_update


def _members(
    results: PackResults,
) -> dict[str, tuple[MilestoneOutline, tuple[str, ...], frozenset[str]]]:
    """Each milestone id (those reported with another too) → its shown milestone, the
    measures of the group and the milestone's own measures."""
    by_member = {outline.id: (outline, ids, own) for outline, ids, own in _family(results)}
    for objective in results.paper.objectives:
        for m in objective.milestones:
            if m.reported_with and m.reported_with in by_member:
                lead, ids, _ = by_member[m.reported_with]
                by_member.setdefault(m.id, (lead, ids, frozenset((*m.targets, *m.measures))))
    return by_member


def claims_of(results: PackResults, milestone_id: str, note: str) -> list[Claim]:
    """The claims ``note`` (an update of ``milestone_id``) makes, read but not checked."""
    by_member = _members(results)
    if milestone_id not in by_member:
        return []
    _, ids, own = by_member[milestone_id]
    known = {m.id: m for m in results.measures}
    candidates = tuple(known[i] for i in ids if i in known)
    context = _Context(results, parse_month(results.as_at), candidates, own)
    return _Reader(context, results.experiments).read(note)


def check_text(
    results: PackResults,
    milestone_id: str,
    note: str,
    update: MilestoneUpdate | None = None,
) -> tuple[CommentaryCheck, ...]:
    """The claims of ``note``, an update of milestone ``milestone_id`` (or of the milestone
    it is reported with), checked against ``results``."""
    claims = claims_of(results, milestone_id, note)
    checker = _Checker(results)
    out: list[CommentaryCheck] = []
    for claim in claims:
        for checked, measure, verdict, finding, found, limits in checker.check(claim):
            out.append(
                CommentaryCheck(
                    milestone=milestone_id,
                    claim=checked.text,
                    measure=measure,
                    finding=finding,
                    verdict=verdict,
                    kind=checked.kind,
                    update_date=update.date if update else None,
                    source=update.source if update else None,
                    stated=checked.value,
                    found=None if found is None else round(found, 4),
                    band=None if limits is None else _round_band(limits),
                    experiment=checked.experiment,
                )
            )
    return tuple(_unique(out))


def _round_band(limits: tuple[float | None, float | None]) -> tuple[float | None, float | None]:
    return (
        None if limits[0] is None else round(limits[0], 4),
        None if limits[1] is None else round(limits[1], 4),
    )


def _unique(checks: Iterable[CommentaryCheck]) -> list[CommentaryCheck]:
    seen: set[tuple[str, str, str | None, str]] = set()
    out = []
    for c in checks:
        key = (c.milestone, c.claim, c.measure, c.finding)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def check_commentary(results: PackResults) -> tuple[CommentaryCheck, ...]:
    """Every claim of every milestone's latest update the pack prints, checked."""
    out: list[CommentaryCheck] = []
    for outline, _, _ in _family(results):
        update = _latest(results, outline)
        if update is None or not update.note.strip():
            continue
        out += check_text(results, outline.id, update.note, update)
    return tuple(out)


def contradicted(checks: Iterable[CommentaryCheck]) -> list[CommentaryCheck]:
    return [c for c in checks if c.verdict == "contradicted"]


__all__ = ["Claim", "When", "band", "check_commentary", "check_text", "claims_of", "contradicted"]
