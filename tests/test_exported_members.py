"""Everything public in ``crimeplan`` is listed in ``__all__`` and can be imported (after
httpx's ``tests/test_exported_members.py``); the names load lazily, so ``import crimeplan``
stays cheap.

httpx compares ``__all__`` with the names in the package's namespace. crimeplan's names are
not in its namespace until asked for (``__getattr__`` imports them from the modules
``_EXPORTS`` names), and ``dir(crimeplan)`` is built from ``__all__``, so comparing ``dir``
with ``__all__`` would compare ``__all__`` with itself. ``export_problems`` checks instead
what can go wrong with a lazy package:

- ``__all__`` is exactly the names of ``_EXPORTS`` and ``__version__``, without repeats:
  nothing listed that ``__getattr__`` cannot load, nothing loadable that is not listed;
- each name loads, is the object of the same name in the module ``_EXPORTS`` gives (and is
  defined there or in a submodule of it), and is in that module's own ``__all__`` if it has one;
- the ``if TYPE_CHECKING:`` imports, which are what type checkers and editors see, name the
  same objects from the same modules as ``_EXPORTS``;
- every error crimeplan defines (``crimeplan.errors``) is exported, so a caller can catch
  any of them as ``crimeplan.<Error>``;
- ``__version__`` is the installed distribution's version.

``test_each_kind_of_broken_export_is_reported`` breaks the package in each of these ways and
sees the check say so.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import inspect
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

import crimeplan
import crimeplan.errors


def type_checking_imports(source: str) -> dict[str, str]:
    """``{name: module}`` of the ``from module import name`` lines under ``if TYPE_CHECKING:``."""
    found: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for line in node.body:
                if isinstance(line, ast.ImportFrom) and line.module is not None:
                    found.update({alias.asname or alias.name: line.module for alias in line.names})
    return found


def export_problems(package: ModuleType, source: str) -> list[str]:
    """What is wrong with ``package``'s lazy exports (``source`` is its ``__init__.py``)."""
    problems: list[str] = []
    exports: dict[str, str] = package._EXPORTS
    listed = list(package.__all__)
    repeated = sorted({name for name in listed if listed.count(name) > 1})
    if repeated:
        problems.append(f"listed more than once in __all__: {repeated}")
    expected = set(exports) | {"__version__"}
    if missing := sorted(set(listed) - expected):
        problems.append(f"in __all__ but not in _EXPORTS, so not importable: {missing}")
    if unlisted := sorted(expected - set(listed)):
        problems.append(f"importable but not in __all__: {unlisted}")
    if absent := sorted(set(listed) - set(dir(package))):
        problems.append(f"in __all__ but not in dir(crimeplan): {absent}")

    for name, module_name in sorted(exports.items()):
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            problems.append(f"{name}: module {module_name} does not import ({error})")
            continue
        if not hasattr(module, name):
            problems.append(f"{name}: {module_name} has no {name}")
            continue
        try:
            value = getattr(package, name)
        except AttributeError as error:
            problems.append(f"{name}: crimeplan.{name} does not load ({error})")
            continue
        if value is not getattr(module, name):
            problems.append(f"{name}: crimeplan.{name} is not {module_name}.{name}")
        defined_in = getattr(inspect.unwrap(value), "__module__", None) or ""
        if defined_in != module_name and not defined_in.startswith(module_name + "."):
            problems.append(f"{name}: defined in {defined_in or '?'}, not under {module_name}")
        public = getattr(module, "__all__", None)
        if public is not None and name not in public:
            problems.append(f"{name}: not in {module_name}.__all__")

    typed = type_checking_imports(source)
    if typed != exports:
        differ = sorted(n for n in set(typed) | set(exports) if typed.get(n) != exports.get(n))
        shown = ", ".join(f"{n} ({typed.get(n)} / {exports.get(n)})" for n in differ)
        problems.append(f"TYPE_CHECKING imports and _EXPORTS differ (imported / exported): {shown}")

    errors = crimeplan.errors
    defined = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and value.__module__ == errors.__name__ and name[0] != "_"
    }
    if unexported := sorted(defined - set(listed)):
        problems.append(f"defined in crimeplan.errors but not exported: {unexported}")

    installed = importlib.metadata.version("crimeplan")
    if getattr(package, "__version__", None) != installed:
        problems.append(f"__version__ is {package.__version__!r}, installed is {installed!r}")
    return problems


SOURCE = Path(crimeplan.__file__).read_text(encoding="utf-8")


def test_all_imports_are_exported() -> None:
    assert export_problems(crimeplan, SOURCE) == []


def _list(mp: pytest.MonkeyPatch, name: str) -> None:
    mp.setattr(crimeplan, "__all__", [*crimeplan.__all__, name])


def _listed_not_importable(mp: pytest.MonkeyPatch) -> None:
    _list(mp, "Nonesuch")


def _listed_twice(mp: pytest.MonkeyPatch) -> None:
    _list(mp, "Store")


def _importable_not_listed(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(crimeplan, "__all__", [n for n in crimeplan.__all__ if n != "Plan"])


def _wrong_module(mp: pytest.MonkeyPatch) -> None:
    mp.setitem(crimeplan._EXPORTS, "Store", "crimeplan.errors")


def _module_missing(mp: pytest.MonkeyPatch) -> None:
    mp.setitem(crimeplan._EXPORTS, "Store", "crimeplan.no_such_module")


def _not_crimeplans_own(mp: pytest.MonkeyPatch) -> None:
    """crimeplan.data.store imports ``Path``: it loads, but it is pathlib's."""
    mp.setitem(crimeplan._EXPORTS, "Path", "crimeplan.data.store")
    _list(mp, "Path")


def _error_not_exported(mp: pytest.MonkeyPatch) -> None:
    new_error = type("QuotaError", (crimeplan.errors.CrimeplanError,), {})
    new_error.__module__ = "crimeplan.errors"
    mp.setattr(crimeplan.errors, "QuotaError", new_error, raising=False)


def _version(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(crimeplan, "__version__", "0.0.0")


BREAKAGES = {
    _listed_not_importable: "in __all__ but not in _EXPORTS, so not importable: ['Nonesuch']",
    _listed_twice: "listed more than once in __all__: ['Store']",
    _importable_not_listed: "importable but not in __all__: ['Plan']",
    _wrong_module: "Store: crimeplan.errors has no Store",
    _module_missing: "Store: module crimeplan.no_such_module does not import "
    "(No module named 'crimeplan.no_such_module')",
    _not_crimeplans_own: "Path: defined in pathlib, not under crimeplan.data.store",
    _error_not_exported: "defined in crimeplan.errors but not exported: ['QuotaError']",
    _version: f"__version__ is '0.0.0', installed is {importlib.metadata.version('crimeplan')!r}",
}


@pytest.mark.parametrize(
    ("breakage", "expected"), BREAKAGES.items(), ids=[f.__name__[1:] for f in BREAKAGES]
)
def test_each_kind_of_broken_export_is_reported(
    monkeypatch: pytest.MonkeyPatch, breakage: Callable[[pytest.MonkeyPatch], None], expected: str
) -> None:
    assert export_problems(crimeplan, SOURCE) == []
    breakage(monkeypatch)
    assert expected in export_problems(crimeplan, SOURCE)


def test_a_lazy_name_that_loads_something_else_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """``__getattr__`` itself broken: crimeplan.Store is not the class _EXPORTS points at."""
    monkeypatch.setattr(crimeplan, "__getattr__", lambda name: object)
    assert "Store: crimeplan.Store is not crimeplan.data.store.Store" in export_problems(
        crimeplan, SOURCE
    )


def test_type_checking_imports_that_drift_are_reported() -> None:
    drifted = SOURCE.replace(
        "from crimeplan.periods import FinancialYear", "from crimeplan.plan import FinancialYear"
    ).replace("        Problem,\n", "")
    assert drifted != SOURCE
    problems = export_problems(crimeplan, drifted)
    assert problems == [
        "TYPE_CHECKING imports and _EXPORTS differ (imported / exported): "
        "FinancialYear (crimeplan.plan / crimeplan.periods), Problem (None / crimeplan.errors)"
    ]


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="^module 'crimeplan' has no attribute 'Nonesuch'$"):
        crimeplan.Nonesuch  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(crimeplan, "Nonesuch")


def test_star_import_in_a_fresh_interpreter() -> None:
    """``from crimeplan import *`` loads every name of ``__all__`` (an unloadable one would
    raise) and nothing else, with no other test's imports to help it."""
    code = (
        "before = set(globals())\n"
        "from crimeplan import *\n"
        "import crimeplan\n"
        "loaded = set(globals()) - before - {'before', 'crimeplan'}\n"
        "print(sorted(loaded) == sorted(crimeplan.__all__))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "True"


def test_import_is_cheap() -> None:
    """The CLI of an importer must not load the statistics and report libraries."""
    code = (
        "import sys, crimeplan.cli\n"
        "from click.testing import CliRunner\n"
        "CliRunner().invoke(crimeplan.cli.cli, ['import', 'policeuk', '--help'])\n"
        "print(','.join(m for m in ('ibis', 'scipy', 'altair', 'weasyprint', 'docx') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
