"""What the analyst is offered, not the board: a control chart's suggested rebase.

A sustained shift (Making Data Count: 7 or more points in a row on one side of the mean)
is the cue to recalculate a chart's limits from its first point. The results hold it
(``Spc.suggested_rebase``); the pack draws limits only at the plan file's rebase points, so
``crimeplan measures`` tells the analyst what to add to the plan file to accept it.
"""

from __future__ import annotations

from crimeplan.report.narrative.figures import month_name
from crimeplan.results.measure import MeasureResult


def rebase_suggestion(measure: MeasureResult) -> str | None:
    """``Total recorded crime: 18 months in a row below the average from November 2011, a
    sustained shift. To recalculate its control chart's limits from then, add to the measure
    in the plan file: spc: {rebase: [{from: 2011-11, reason: "…"}]}``; None without one."""
    spc = measure.spc
    if spc is None or spc.suggested_rebase is None:
        return None
    shift = spc.suggested_rebase
    unit = "waves" if measure.waves else "months"
    when = (
        f"wave {measure.series[shift.index].label}"
        if measure.waves and measure.series[shift.index].label
        else month_name(shift.month)
    )
    return (
        f"{measure.title}: {shift.months} {unit} in a row {shift.side} the average from {when}, "
        "a sustained shift. To recalculate its control chart's limits from then, add to the "
        f'measure in the plan file: spc: {{rebase: [{{from: {shift.month}, reason: "…"}}]}}'
    )
