"""Everything public in ``crimeplan`` is listed in ``__all__`` (after httpx's test)."""

from __future__ import annotations

import inspect

import crimeplan


def test_all_imports_are_exported() -> None:
    public = {
        name
        for name in dir(crimeplan)
        if not name.startswith("_")
        and not inspect.ismodule(getattr(crimeplan, name))
        and name != "annotations"
    }
    assert public | {"__version__"} == set(crimeplan.__all__)
