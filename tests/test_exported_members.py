"""Everything public in ``crimeplan`` is listed in ``__all__`` and can be imported (after
httpx's test); the names load lazily, so ``import crimeplan`` stays cheap."""

from __future__ import annotations

import subprocess
import sys

import crimeplan


def test_all_imports_are_exported() -> None:
    public = {name for name in dir(crimeplan) if not name.startswith("_")}
    assert public | {"__version__"} == set(crimeplan.__all__)
    for name in crimeplan.__all__:
        assert getattr(crimeplan, name) is not None, name


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
