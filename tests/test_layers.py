"""The package reads one way: no module imports a layer above its own, and no private name
(``_x``) is imported from another module.

The layers, lowest first (a module may import its own layer and those below):

0. ``errors``, ``periods``, ``codec``: the vocabulary everything uses
1. ``plan``: the plan file
2. ``data``: the store, its engines and the importers
3. ``stats``: statistics as pure functions
4. ``results``: the results contract
5. ``measures``, ``milestones``: computing the results
6. ``demo``: the synthetic demo data
7. ``report``: presenting the results (the board pack)
8. ``cli``, ``commands``, the package's front door
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "crimeplan"

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"crimeplan.errors", "crimeplan.periods", "crimeplan.codec"}),
    frozenset({"crimeplan.plan"}),
    frozenset({"crimeplan.data"}),
    frozenset({"crimeplan.stats"}),
    frozenset({"crimeplan.results"}),
    frozenset({"crimeplan.measures", "crimeplan.milestones"}),
    frozenset({"crimeplan.demo"}),
    frozenset({"crimeplan.report"}),
    frozenset({"crimeplan", "crimeplan.cli", "crimeplan.commands", "crimeplan.__main__"}),
)


def layer_of(module: str) -> int:
    """The layer of a module: that of its package (``crimeplan.plan.load`` is ``plan``)."""
    parts = module.split(".")
    for size in (2, 1):
        name = ".".join(parts[:size])
        for number, members in enumerate(LAYERS):
            if name in members:
                return number
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import of a crimeplan module in the file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("crimeplan"):
            out.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("crimeplan"):
                    out.append((node.lineno, alias.name, []))
    return out


def upward_imports() -> list[str]:
    problems = []
    for module, path in modules().items():
        own = layer_of(module)
        for line, target, _ in imports(path):
            if layer_of(target) > own:
                problems.append(f"{path.name}:{line} {module} imports {target}, a layer above")
    return problems


def private_imports() -> list[str]:
    problems = []
    for module, path in modules().items():
        for line, target, names in imports(path):
            for name in names:
                if name.startswith("_") and target != module:
                    problems.append(f"{path.name}:{line} {module} imports {name} from {target}")
    return problems


def test_every_module_is_in_a_layer() -> None:
    for module in modules():
        layer_of(module)


def test_no_module_imports_a_layer_above_it() -> None:
    assert upward_imports() == []


def test_no_private_name_is_imported_from_another_module() -> None:
    assert private_imports() == []


def test_the_checks_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stats module importing the report, and one importing a private name, are found."""
    fake = tmp_path / "crimeplan"
    (fake / "stats").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "stats" / "__init__.py").write_text("")
    (fake / "stats" / "bad.py").write_text(
        "from crimeplan.report.pack import build_pack\nfrom crimeplan.stats.spc import _helper\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert upward_imports() == [
        "bad.py:1 crimeplan.stats.bad imports crimeplan.report.pack, a layer above"
    ]
    assert private_imports() == [
        "bad.py:2 crimeplan.stats.bad imports _helper from crimeplan.stats.spc"
    ]
