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

    kind: str  # "callers" or "victims" ("callers-lpu" for the table by unit)
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


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


def lpu_table(repeats: Repeats) -> RepeatTable | None:
    """Repeat callers (or victims) in each local policing unit: ``Birmingham South: 5,954
    callers, 400 called more than once, making 1,640 of 7,194 calls (22.8%); the highest
    caller 45``. None when the records have no areas."""
    if not repeats.by_lpu:
        return None
    callers = repeats.kind == "callers"
    records = "calls" if callers else "crimes"
    caption = (
        f"Repeat {repeats.kind} by local policing unit, {month_span(*repeats.period)}: a "
        f"{'caller' if callers else 'victim'} is a repeat in a unit when two or more of "
        f"their {records} are in it"
    )
    header = (
        "Local policing unit",
        repeats.kind.capitalize(),
        f"Repeat {repeats.kind}",
        f"Their {records}",
        f"Share of {records}",
        f"Most {records} by one {'caller' if callers else 'victim'}",
    )
    rows = tuple(
        (
            a.area,
            f"{a.people:,}",
            f"{a.repeat_people:,}",
            f"{a.repeat_records:,} of {a.records:,}",
            "–" if a.repeat_share_pct is None else f"{a.repeat_share_pct:.1f}%",
            f"{a.top_count:,}",
        )
        for a in repeats.by_lpu
    )
    return RepeatTable(f"{repeats.kind}-lpu", caption, header, rows)
