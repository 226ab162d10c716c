"""crimeplan: the performance side of a Police and Crime Plan.

>>> from crimeplan import Store, evaluate, load_plan
>>> # plan = load_plan("plan.yaml"); store = Store.open("force.duckdb")
>>> # results = evaluate(plan, store.ibis(), date(2013, 4, 1))
"""

from __future__ import annotations

import importlib.metadata as _metadata

from crimeplan.data.store import ImportReport, Store
from crimeplan.errors import (
    BadRowError,
    CrimeplanError,
    InputFileError,
    MeasureError,
    PlanError,
    Problem,
    StoreError,
)
from crimeplan.measures.compute import evaluate
from crimeplan.measures.results import MeasureResult, MeasuresResult
from crimeplan.periods import FinancialYear
from crimeplan.plan import builtin_plan_path, check_plan, load_plan
from crimeplan.plan.model import Plan

try:
    __version__ = _metadata.version("crimeplan")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "BadRowError",
    "CrimeplanError",
    "FinancialYear",
    "ImportReport",
    "InputFileError",
    "MeasureError",
    "MeasureResult",
    "MeasuresResult",
    "Plan",
    "PlanError",
    "Problem",
    "Store",
    "StoreError",
    "__version__",
    "builtin_plan_path",
    "check_plan",
    "evaluate",
    "load_plan",
]
