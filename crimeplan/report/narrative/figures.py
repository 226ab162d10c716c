"""A sentence's figures: the formatters that make a figure's text from its value
(``FORMATS``), ``Figure``, ``Sentence`` and the parts a sentence is built from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crimeplan.periods import MONTH_NAMES, FinancialYear, parse_month
from crimeplan.report import numbers

Path = tuple[str | int, ...]


# -- formatters ------------------------------------------------------------------------------------
def month_name(month: str) -> str:
    """``"2013-04"`` → ``"April 2013"``."""
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def month_only(month: str) -> str:
    """``"2013-04"`` → ``"April"``."""
    return MONTH_NAMES[int(month.split("-")[1]) - 1]


def calendar_month(number: int) -> str:
    """``11`` → ``"November"``."""
    return MONTH_NAMES[int(number) - 1]


def ordinal(number: int) -> str:
    """``5`` → ``"5th"``, ``1`` → ``"1st"``, ``12`` → ``"12th"``, ``22`` → ``"22nd"``."""
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def chance(p: float) -> str:
    """A probability (0–1) in words: ``less than 1%``, ``more than 99%``, ``43%``."""
    pct = 100 * float(p)
    if pct < 1:
        return "less than 1%"
    if pct > 99:
        return "more than 99%"
    return f"{pct:.0f}%"


def times(index: float) -> str:
    """An overdispersion index in words: ``2.5``, ``13``."""
    return f"{index:.0f}" if index >= 10 else f"{index:.1f}"


def wave(label: Any) -> str:
    """A survey wave's label: ``33`` → ``wave 33``; a label that says what it is stays."""
    text = str(label).strip()
    return f"wave {text}" if text.isdigit() else text


def lower_first(text: str) -> str:
    """``Theft from shops`` → ``theft from shops``; ``TSS`` and ``ASB`` stay."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def financial_year(month: str) -> str:
    """The financial year a month falls in: ``"2012-04"`` → ``"2012/13"``."""
    return FinancialYear.of(parse_month(month)).label


def key_level(key: str) -> str:
    """The level of an interval or limits from its key: ``pi80`` → ``80%``, ``limits998`` →
    ``99.8%``."""
    digits = key.removeprefix("pi").removeprefix("limits")
    level = int(digits) if len(digits) <= 2 else int(digits) / 10
    return f"{level:g}%"


#: Every way a figure's text is made from its value. ``figures_check`` formats again with the
#: same name. ``key_level`` formats the path's last key rather than the value there.
FORMATS: dict[str, Callable[[Any], str]] = {
    "count": lambda x: numbers.value(x, "count"),
    "percent": lambda x: numbers.value(x, "percent"),
    "rate": lambda x: numbers.value(x, "rate"),
    "whole": lambda x: f"{x:,.0f}",
    "tenths": lambda x: f"{x:,.1f}",
    "pct": lambda x: f"{abs(x):.1f}%",
    "signed_pct": lambda x: f"{x:+.1f}%",
    "pct0": lambda x: f"{x:.0f}%",
    "pct2": lambda x: f"{x:.2f}%",
    "pct3": lambda x: f"{x:.3f}%",
    "points": lambda x: f"{abs(x):.1f}",
    "points0": lambda x: f"{abs(x):.0f}",
    "points2": lambda x: f"{abs(x):.2f}",
    "points3": lambda x: f"{abs(x):.3f}",
    "signed": lambda x: f"{x:+.1f}",
    "signed_whole": lambda x: f"{x:+,.0f}",
    "target_pct": lambda x: f"{abs(x):g}%",
    "level": lambda x: f"{100 * x:g}%",
    "key_level": key_level,
    "chance": chance,
    "times": times,
    "month": month_name,
    "financial_year": financial_year,
    "month_only": month_only,
    "calendar_month": calendar_month,
    "ordinal": ordinal,
    "wave": wave,
    "Wave": lambda x: _capital(wave(x)),
    "text": str,
    "lower": lower_first,
    "p_value": numbers.p_value,
}


# -- sentences -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """A number (or a name) as a sentence shows it, and where it comes from.

    ``text`` is ``FORMATS[format]`` applied to ``value``, the value at ``path`` in the results
    JSON (for ``key_level``, to the path's last key).
    """

    text: str
    value: Any
    path: Path
    format: str


@dataclass(frozen=True)
class Sentence:
    """One generated sentence and the figures its numbers are. ``topic`` groups a measure's
    sentences into paragraphs: ``headline`` (the figure and whether its change is signal or
    noise), ``outlook`` (target, forecast, control chart), ``context`` (contributors, runs,
    seasons, years), ``peers``."""

    text: str
    figures: tuple[Figure, ...] = ()
    topic: str = ""


@dataclass(frozen=True)
class RepeatedFigure:
    """A figure the sentence's text already shows (several shares that each read "10%")."""

    figure: Figure


Part = str | Figure | RepeatedFigure


def make_sentence(*parts: Part | None) -> Sentence:
    """A sentence from its parts: text, figures (their text is shown) and
    ``RepeatedFigure``s (their figure only); None parts are left out."""
    text = []
    figures = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, RepeatedFigure):
            figures.append(part.figure)
        elif isinstance(part, Figure):
            text.append(part.text)
            figures.append(part)
        else:
            text.append(part)
    return Sentence("".join(text), tuple(figures))
