"""The CLI's commands, one module each, registered on ``crimeplan.cli``'s groups on import."""

from crimeplan.commands import counts, demo, experiment, measures, plan, policeuk, sources, spc  # noqa: F401
