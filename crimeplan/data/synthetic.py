"""Whether a store holds synthetic data: the demo's imports say so in their import log note.

Everything that shows numbers from such a store says they are synthetic (the board pack's
banner, ``crimeplan measures``' title, ``crimeplan counts``' note on stderr).
"""

from __future__ import annotations

from crimeplan.data.engine import Engine


def holds_synthetic_data(engine: Engine, force: str | None = None) -> bool:
    """Whether any current (not superseded) import is synthetic. With ``force``, only the
    imports of that force count, and those of no one force (a file of several forces): on a
    national store, one force's demo data says nothing about another force's numbers."""
    imports = engine.table("imports")
    current = imports.filter(imports.superseded_by.isnull(), imports.note.like("%synthetic%"))
    if force is not None:
        current = current.filter(current.force.isnull() | (current.force == force))
    return bool(current.count().to_pyarrow().as_py())
