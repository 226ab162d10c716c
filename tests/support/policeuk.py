"""A large police.uk street file for interrupting imports: a real month's rows repeated."""

from __future__ import annotations

from pathlib import Path


def repeated_street_file(source: Path, folder: Path, rows: int) -> Path:
    """``rows`` rows of ``source`` (a police.uk street CSV, CRLF as published), its rows
    repeated, written under ``folder`` with the same file name."""
    lines = source.read_bytes().split(b"\r\n")
    header, body = lines[0], [line for line in lines[1:] if line]
    path = folder / source.name
    with path.open("wb") as handle:
        handle.write(header + b"\r\n")
        for start in range(0, rows, 10_000):
            chunk = [body[i % len(body)] for i in range(start, min(start + 10_000, rows))]
            handle.write(b"\r\n".join(chunk) + b"\r\n")
    return path
