"""Repeat callers and repeat victims in words: each table's caption and rows.

The board sees the highest repeat callers as "Caller 1", "Caller 2", … with their counts;
the pseudonymised ids stay in the analyst's CSV (``data/repeat_callers.csv``), where the
numbering is the row order.
"""

from __future__ import annotations

from dataclasses import dataclass

from crimeplan.report.narrative.dates import month_span
from crimeplan.results.pack import Repeats


@dataclass(frozen=True)
class RepeatTable:
    """One repeat-demand table as the pack prints it."""

    kind: str  # "callers" or "victims"
    caption: str
    header: tuple[str, str]
    rows: tuple[tuple[str, str], ...]


def repeat_table(repeats: Repeats) -> RepeatTable:
    """``The highest repeat callers, May 2012 to April 2013: 3,718 of 50,515 callers called
    more than once, making 17,950 of 64,747 calls`` and rows ``("Caller 1", "154")``."""
    callers = repeats.kind == "callers"
    noun = "Caller" if callers else "Victim"
    records = "calls" if callers else "crimes"
    verb = "called" if callers else "were victims"
    caption = (
        f"The highest repeat {repeats.kind}, {month_span(*repeats.period)}: "
        f"{repeats.repeat_people:,} of {repeats.people:,} {repeats.kind} {verb} more than "
        f"once, {repeats.repeat_records:,} of {repeats.records:,} {records}"
    )
    rows = tuple(
        (f"{noun} {number}", f"{entry.count:,}")
        for number, entry in enumerate(repeats.top, start=1)
    )
    return RepeatTable(repeats.kind, caption, (noun, records.capitalize()), rows)
