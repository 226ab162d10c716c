"""The Police and Crime Plan: load a plan file, check it, and find the built-in one.

>>> from crimeplan.plan import builtin_plan_path, load_plan
>>> plan = load_plan(builtin_plan_path())
>>> plan.force
'West Midlands Police'
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from crimeplan.plan.check import Locator, check_plan
from crimeplan.plan.load import load_plan, load_plan_text
from crimeplan.plan.model import Plan

__all__ = [
    "BUILTIN_PLAN",
    "Locator",
    "Plan",
    "builtin_plan_path",
    "check_plan",
    "load_plan",
    "load_plan_text",
]

#: The file name of the built-in plan: West Midlands, 2013/14, from the 14 May 2013 paper.
BUILTIN_PLAN = "west-midlands-2013-14.yaml"


def builtin_plan_path() -> Path:
    """The path of the built-in West Midlands 2013/14 plan inside the installed package."""
    resource = files("crimeplan.plan").joinpath("builtin", BUILTIN_PLAN)
    with as_file(resource) as path:
        return Path(path)
