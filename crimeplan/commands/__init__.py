"""The CLI's commands, one module each, registered on ``crimeplan.cli``'s groups on import."""

from crimeplan.commands import (  # noqa: F401
    backtest,
    counts,
    demo,
    experiment,
    measures,
    milestones,
    plan,
    policeuk,
    report,
    sources,
    spc,
)
