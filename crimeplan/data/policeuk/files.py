"""What a police.uk file is (its source, header and kind) and ``find_files``: the street
and outcomes files named by paths, in month order."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from crimeplan.errors import InputFileError

STREET_SOURCE = "policeuk-street"
OUTCOMES_SOURCE = "policeuk-outcomes"

STREET_HEADER: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
OUTCOMES_HEADER: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Outcome type",
)


Kind = Literal["street", "outcomes"]
FILE_NAME_PATTERN = re.compile(
    r"^(\d{4})-(\d{2})-.*-(street|outcomes|stop-and-search)\.csv$", re.IGNORECASE
)
KIND_DESCRIPTIONS = {"street": "police.uk street CSV", "outcomes": "police.uk outcomes CSV"}


@dataclass(frozen=True)
class PoliceUkFile:
    """A file to import: its path, whether it is a street or outcomes file, its month."""

    path: Path
    kind: Kind
    month: date | None = None


@dataclass(frozen=True)
class FileList:
    """What ``find_files`` found: the files to import in month order, and what it skipped."""

    files: tuple[PoliceUkFile, ...]
    skipped: tuple[str, ...] = ()


# -- finding files ---------------------------------------------------------------------------
def find_files(paths: Sequence[Path]) -> FileList:
    """The street and outcomes files named by ``paths`` (files, or folders walked recursively),
    sorted by month. Stop-and-search files and other files in a folder are skipped with a note;
    a file named on its own is taken as a street or outcomes file by its header."""
    found: list[PoliceUkFile] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file():
                    continue
                match = FILE_NAME_PATTERN.match(child.name)
                if match is None:
                    skipped.append(f"{child}: ignored (not a police.uk street or outcomes file)")
                elif match.group(3).lower() == "stop-and-search":
                    skipped.append(f"{child}: skipped (stop-and-search files are not imported)")
                else:
                    found.append(_file(child, match))
        elif not path.exists():
            raise InputFileError(f"{path}: no such file or folder")
        else:
            match = FILE_NAME_PATTERN.match(path.name)
            if match is not None and match.group(3).lower() == "stop-and-search":
                skipped.append(f"{path}: skipped (stop-and-search files are not imported)")
            elif match is not None:
                found.append(_file(path, match))
            else:
                found.append(PoliceUkFile(path, _kind_from_header(path)))
    if not found:
        names = ", ".join(str(p) for p in paths)
        raise InputFileError(
            f"{names}: no police.uk street or outcomes files found (expected files named "
            "YYYY-MM-<force>-street.csv or YYYY-MM-<force>-outcomes.csv)"
        )
    unique = {file.path.resolve(): file for file in found}
    ordered = sorted(
        unique.values(),
        key=lambda f: (f.month or date.max, f.kind != "street", str(f.path)),
    )
    return FileList(tuple(ordered), tuple(skipped))


def _file(path: Path, match: re.Match[str]) -> PoliceUkFile:
    year, month, kind = int(match.group(1)), int(match.group(2)), match.group(3).lower()
    when = date(year, month, 1) if 1 <= month <= 12 else None
    return PoliceUkFile(path, "street" if kind == "street" else "outcomes", when)


def has_rows(path: Path) -> bool:
    """Whether the file has anything but blank lines after its header line (read only up to
    the first such byte)."""
    with path.open("rb") as handle:
        handle.readline()
        while block := handle.read(1 << 16):
            if block.strip():
                return True
    return False


def _kind_from_header(path: Path) -> Kind:
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            first = next(csv.reader([handle.readline()]), [])
    except OSError:
        return "street"
    return "outcomes" if "Outcome type" in first and "Crime type" not in first else "street"
