"""Months and financial years (1 April – 31 March), the calendar of a Police and Crime Plan.

A month is a ``datetime.date`` on the first of the month. A financial year is named by the
calendar year it starts in: ``FinancialYear(2013)`` is 2013/14, April 2013 – March 2014.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from crimeplan.errors import CrimeplanError

#: The months' names, January first (not the locale's: a board paper is in English).
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_FY = re.compile(r"^(\d{4})/(\d{2})$")


def parse_month(text: str, what: str = "month") -> date:
    """``"2013-04"`` → ``date(2013, 4, 1)``; anything else is a one-line error."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CrimeplanError(f"{what} '{text}' is not a month; expected YYYY-MM, e.g. 2013-04")
    return date(int(match.group(1)), int(match.group(2)), 1)


def as_date(value: object) -> date:
    """A date from what an engine returns for a DATE or TIMESTAMP column (a ``datetime``
    becomes its date)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    to_date = getattr(value, "date", None)  # a pandas or numpy timestamp
    if callable(to_date):
        found = to_date()
        if isinstance(found, date):
            return found
    raise TypeError(f"not a date: {value!r}")


def format_month(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + (month.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from ``first`` to ``last`` inclusive (empty if ``last`` is earlier)."""
    count = (last.year - first.year) * 12 + (last.month - first.month) + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def days_in_month(month: date) -> int:
    return (add_months(month, 1) - month).days


@dataclass(frozen=True, order=True)
class FinancialYear:
    """April of ``start_year`` to March of the next year."""

    start_year: int

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """``"2013/14"`` → ``FinancialYear(2013)``."""
        match = _FY.match(str(text).strip())
        if not match:
            raise CrimeplanError(
                f"'{text}' is not a financial year; expected YYYY/YY, e.g. 2013/14"
            )
        start = int(match.group(1))
        if (start + 1) % 100 != int(match.group(2)):
            raise CrimeplanError(
                f"'{text}' is not a financial year: the second year must follow the first, "
                f"e.g. {start}/{(start + 1) % 100:02d}"
            )
        return cls(start)

    @classmethod
    def of(cls, month: date) -> FinancialYear:
        """The financial year a month falls in."""
        return cls(month.year if month.month >= 4 else month.year - 1)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def first_month(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def last_month(self) -> date:
        return date(self.start_year + 1, 3, 1)

    def months(self) -> list[date]:
        return months_between(self.first_month, self.last_month)

    def shift(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year + years)

    def __str__(self) -> str:
        return self.label
