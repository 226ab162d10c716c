"""Leads' commentary checked against the data, as results.

``crimeplan.measures.commentary`` reads each milestone's latest update for claims the results
can test (counts and averages, runs of months, percentage and point changes, directions and
verdicts, shares) and checks each against the measures and experiments of the same
``PackResults``. Each check is a ``CommentaryCheck``; ``PackResults.commentary_checks`` holds
them. The tolerances are in docs/commentary-checks.md and in ``crimeplan.measures.commentary``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from crimeplan.codec import omitted, result

#: ``agrees``: the data bear the claim out within its tolerance; ``contradicted``: they do
#: not; ``unchecked``: the results hold nothing the claim can be tested against.
Verdict = Literal["agrees", "contradicted", "unchecked"]

#: What a claim states: a run of consecutive months (``run``), an average a month
#: (``average``), a total (``total``), a change in % or points (``change``), a share or a
#: level in per cent (``share``), a direction (``direction``: rose, fell), that a figure is
#: stable (``stable``), the highest or lowest since a year (``extreme``), or what an
#: experiment shows (``experiment``).
ClaimKind = Literal[
    "run", "average", "total", "change", "share", "direction", "stable", "extreme", "experiment"
]


@result
class CommentaryCheck:
    """One claim of a lead's update and what the data say about it.

    ``claim`` is the update's own words (the clause that makes the claim); ``measure`` the
    measure it was checked against (None when none matched, or for an experiment, which is
    ``experiment``); ``finding`` what the data say, in words, with the numbers of the results;
    ``stated`` the claim's figure as a number and ``found`` the data's, with ``band`` the
    range ``found`` had to fall in to agree. ``update_date`` and ``source`` say which update.
    """

    milestone: str
    claim: str
    measure: str | None
    finding: str
    verdict: Verdict
    kind: ClaimKind
    update_date: date | None = None
    source: Literal["plan", "store"] | None = None
    stated: float | None = omitted()
    found: float | None = omitted()
    band: tuple[float | None, float | None] | None = omitted()
    experiment: str | None = omitted()
