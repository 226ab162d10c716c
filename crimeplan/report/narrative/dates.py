"""Dates as a board paper writes them: ``1 May 2013``, ``April 2013``, ``May 2012 to April
2013``, never ``2013-05-01`` or ``2013-04``."""

from __future__ import annotations

from datetime import date

from crimeplan.periods import MONTH_NAMES


def long_date(day: date | None) -> str:
    """``date(2013, 5, 1)`` → ``"1 May 2013"`` (``""`` for None)."""
    if day is None:
        return ""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def month_label(month: str | None) -> str:
    """``"2013-04"`` → ``"April 2013"`` (``""`` for None or empty)."""
    if not month:
        return ""
    year, number = str(month)[:7].split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def month_span(first: str | None, last: str | None) -> str:
    """``("2012-05", "2013-04")`` → ``"May 2012 to April 2013"``; ``("2012-04", "2012-09")``
    → ``"April to September 2012"``; one month → ``"April 2013"``."""
    if not first:
        return month_label(last)
    if not last or last == first:
        return month_label(first)
    if str(first)[:4] == str(last)[:4]:
        return f"{month_label(first).split(' ')[0]} to {month_label(last)}"
    return f"{month_label(first)} to {month_label(last)}"
