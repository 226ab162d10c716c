"""Running crimeplan as a user pastes it: in a shell, in an empty folder, with ``crimeplan`` on
the PATH running this checkout (a shim for ``python -m crimeplan``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shell_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An empty working folder under ``tmp_path`` and the environment to run commands in it."""
    shim = tmp_path / "bin" / "crimeplan"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m crimeplan "$@"\n')
    shim.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PATH": f"{shim.parent}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    env.pop("CRIMEPLAN_STORE", None)
    return work, env
