"""crimeplan: the performance side of a Police and Crime Plan.

>>> from crimeplan import evaluate, load_plan, open_engine
>>> # plan = load_plan("plan.yaml")
>>> # with open_engine("force.duckdb") as engine:  # or a postgresql:// URL
>>> #     results = evaluate(plan, engine.backend, date(2013, 4, 1))
"""

from __future__ import annotations

import importlib.metadata as _metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crimeplan.data.engine import Engine, open_engine
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
    from crimeplan.measures.analysis import analyse
    from crimeplan.measures.compute import evaluate
    from crimeplan.measures.pack import evaluate_pack
    from crimeplan.periods import FinancialYear
    from crimeplan.plan import builtin_plan_path, check_plan, load_plan
    from crimeplan.plan.model import Plan
    from crimeplan.results.measure import MeasureResult, MeasuresResult
    from crimeplan.results.pack import PackResults

#: Where each public name lives; imported on first use, so ``import crimeplan`` is cheap.
_EXPORTS = {
    "Engine": "crimeplan.data.engine",
    "open_engine": "crimeplan.data.engine",
    "ImportReport": "crimeplan.data.store",
    "Store": "crimeplan.data.store",
    "BadRowError": "crimeplan.errors",
    "CrimeplanError": "crimeplan.errors",
    "InputFileError": "crimeplan.errors",
    "MeasureError": "crimeplan.errors",
    "PlanError": "crimeplan.errors",
    "Problem": "crimeplan.errors",
    "StoreError": "crimeplan.errors",
    "analyse": "crimeplan.measures.analysis",
    "evaluate": "crimeplan.measures.compute",
    "evaluate_pack": "crimeplan.measures.pack",
    "MeasureResult": "crimeplan.results.measure",
    "MeasuresResult": "crimeplan.results.measure",
    "PackResults": "crimeplan.results.pack",
    "FinancialYear": "crimeplan.periods",
    "builtin_plan_path": "crimeplan.plan",
    "check_plan": "crimeplan.plan",
    "load_plan": "crimeplan.plan",
    "Plan": "crimeplan.plan.model",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'crimeplan' has no attribute '{name}'")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)


try:
    __version__ = _metadata.version("crimeplan")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "BadRowError",
    "Engine",
    "analyse",
    "CrimeplanError",
    "FinancialYear",
    "ImportReport",
    "InputFileError",
    "MeasureError",
    "MeasureResult",
    "MeasuresResult",
    "PackResults",
    "Plan",
    "PlanError",
    "Problem",
    "Store",
    "StoreError",
    "__version__",
    "builtin_plan_path",
    "check_plan",
    "evaluate",
    "evaluate_pack",
    "load_plan",
    "open_engine",
]
