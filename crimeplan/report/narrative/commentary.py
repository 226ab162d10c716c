"""The words of the analyst's annex of commentary checks (``--annex checks``) and of
``crimeplan report --check``: the heading, the summary and each check's row. The findings
themselves are the results' own (``CommentaryCheck.finding``); nothing here rewrites a lead's
update."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crimeplan.results.commentary import CommentaryCheck

HEADING = "Annex: the leads' updates checked against the figures"
CAPTION = "The claims of the leads' updates and what the figures say"
VERDICTS = {"agrees": "Agrees", "contradicted": "Contradicted", "unchecked": "Not checked"}
#: the order the annex lists checks in: contradicted first
ORDER = {"contradicted": 0, "agrees": 1, "unchecked": 2}


@dataclass(frozen=True)
class CheckRow:
    """One check as the annex shows it."""

    milestone: str
    claim: str
    finding: str
    verdict: str  # the verdict in words
    contradicted: bool


def summary(checks: Sequence[CommentaryCheck]) -> str:
    """One sentence: how many claims were read and how they came out."""
    if not checks:
        return "The leads' updates make no claim the figures can test."
    counts = {v: sum(1 for c in checks if c.verdict == v) for v in VERDICTS}
    claims = "claim" if len(checks) == 1 else "claims"
    return (
        f"For the analyst: the leads' updates make {len(checks)} {claims} the figures can "
        f"speak to: the figures contradict {counts['contradicted']}, agree with "
        f"{counts['agrees']} and cannot test {counts['unchecked']}. The "
        "updates are printed in the paper as the leads wrote them."
    )


def rows(checks: Sequence[CommentaryCheck]) -> tuple[CheckRow, ...]:
    """The checks as rows, contradicted first, then by milestone in the paper's order."""
    ordered = sorted(enumerate(checks), key=lambda pair: (ORDER[pair[1].verdict], pair[0]))
    return tuple(
        CheckRow(
            milestone=c.milestone,
            claim=f"“{c.claim}”",
            finding=c.finding,
            verdict=VERDICTS[c.verdict],
            contradicted=c.verdict == "contradicted",
        )
        for _, c in ordered
    )


def check_line(where: str, check: CommentaryCheck) -> str:
    """A contradicted claim for ``report --check`` and ``update``: where the update is,
    the milestone, the claim and the finding."""
    return f"{where}: {check.milestone}: “{check.claim}”\n    the figures: {check.finding}"
