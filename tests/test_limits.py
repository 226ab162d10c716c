"""No input under 1 MB makes a command use over 1 GB or run over 10 s before it refuses.

Each hostile input (under 1 MB) is given to the command that reads it, in a subprocess whose
address space is capped at 1.5 GB (``RLIMIT_AS``) and with a 10 s timeout; it must end with a
one-line refusal (or, for a valid input, its result) and no traceback, and the peak resident
memory of each (``os.wait4``'s ``ru_maxrss``) must stay under 1 GB.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]
SOURCES = REPO / "tests" / "fixtures" / "sources"
STREET = REPO / "tests/fixtures/policeuk/leicestershire/2020-12/2020-12-leicestershire-street.csv"
MEGABYTE = 1 << 20
ADDRESS_SPACE = 1536 * MEGABYTE
SECONDS = 10

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS and ru_maxrss in KB")


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@dataclass(frozen=True)
class Ran:
    returncode: int
    stderr: bytes
    peak_kb: int  # this command's peak resident memory (ru_maxrss, KB on Linux)
    timed_out: bool


def crimeplan(args: list[str], stdin: bytes, folder: Path) -> Ran:
    """``python -m crimeplan ARGS`` capped at ``ADDRESS_SPACE``, killed after ``SECONDS``;
    ``os.wait4`` gives this child's own resource use (not that of every child so far)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    (folder / "stdin").write_bytes(stdin)
    with (
        (folder / "stdin").open("rb") as given,
        (folder / "stdout").open("wb") as out,
        (folder / "stderr").open("wb") as err,
    ):
        process = subprocess.Popen(
            [sys.executable, "-m", "crimeplan", *args],
            stdin=given,
            stdout=out,
            stderr=err,
            preexec_fn=_cap,
            env=env,
        )
        timer = threading.Timer(SECONDS, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    return Ran(
        returncode=process.returncode,
        stderr=(folder / "stderr").read_bytes(),
        peak_kb=usage.ru_maxrss,
        timed_out=process.returncode == -9,
    )


def bomb() -> str:
    lines = ["l0: &l0 [" + ", ".join(['"lol"'] * 9) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def flat_plan(size: int) -> str:
    body = "title: x\nobjectives:\n"
    return body + "- ab\n" * ((size - len(body)) // 5)


def flat_mapping(size: int) -> str:
    items, length = [], 2
    while length < size - 20:
        items.append(f"k{len(items)}: v")
        length += len(items[-1]) + 2
    return "{" + ", ".join(items) + "}\n"


def street_with_a_bad_last_byte(size: int) -> bytes:
    lines = STREET.read_bytes().split(b"\n")
    header, rows = lines[0] + b"\n", [line + b"\n" for line in lines[1:] if line]
    out, n = [header], 0
    while sum(map(len, out)) < size - 2_000:
        out.append(rows[n % len(rows)])
        n += 1
    last = max(i for i, row in enumerate(out) if b"On or near" in row)
    out[last] = out[last].replace(b"On or near", b"On or n\xe9ar", 1)
    return b"".join(out)


Case = Callable[[Path], tuple[list[str], bytes]]


def write(path: Path, data: str | bytes) -> str:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    assert path.stat().st_size < MEGABYTE
    return str(path)


def crimes(path: Path, mapping: str) -> list[str]:
    extract = str(SOURCES / "crimes-2013-04.csv")
    return ["import", "crimes", extract, "--mapping", mapping, "--store", str(path / "s.duckdb")]


CASES: dict[str, Case] = {
    "plan alias bomb": lambda p: (["plan", "check", write(p / "p.yaml", bomb())], b""),
    "plan nested 20,000 deep": lambda p: (
        ["plan", "check", write(p / "p.yaml", "title: " + "[" * 20_000 + "]" * 20_000)],
        b"",
    ),
    "plan of 500 KB": lambda p: (["plan", "check", write(p / "p.yaml", flat_plan(500_000))], b""),
    "plan of 1 MB": lambda p: (
        ["plan", "check", write(p / "p.yaml", flat_plan(MEGABYTE - 100))],
        b"",
    ),
    "mapping alias bomb": lambda p: (crimes(p, write(p / "m.yaml", bomb())), b""),
    "mapping nested 20,000 deep": lambda p: (
        crimes(p, write(p / "m.yaml", "reference: " + "[" * 20_000 + "]" * 20_000)),
        b"",
    ),
    "mapping of 500 KB": lambda p: (crimes(p, write(p / "m.yaml", flat_mapping(500_000))), b""),
    "spc nested JSON": lambda p: (["spc"], b"[" * 400_000 + b"]" * 400_000),
    "spc huge values": lambda p: (["spc"], b'{"values":[1e308,-1e308,1e308]}'),
    "spc 1 MB of values": lambda p: (
        ["spc"],
        b'{"values": [' + b", ".join([b"12.5"] * 170_000) + b"]}",
    ),
    "population 1 MB cell": lambda p: (
        [
            "import",
            "population",
            write(
                p / "pop.csv",
                "area_level,area,year,population\nforce,A,2012," + "9" * 1_000_000 + "\n",
            ),
            "--store",
            str(p / "s.duckdb"),
        ],
        b"",
    ),
    "police.uk bad byte at 1 MB": lambda p: (
        [
            "import",
            "policeuk",
            write(p / "2020-12-leicestershire-street.csv", street_with_a_bad_last_byte(MEGABYTE)),
            "--store",
            str(p / "s.duckdb"),
        ],
        b"",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bounded_time_and_memory(name: str, tmp_path: Path) -> None:
    args, stdin = CASES[name](tmp_path)
    done = crimeplan(args, stdin, tmp_path)
    assert not done.timed_out, f"still running after {SECONDS} s"
    assert done.peak_kb < 1024 * 1024, f"the command used {done.peak_kb / 1024:.0f} MB"
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-2_000:]
    assert "MemoryError" not in err
    if name == "spc 1 MB of values":
        assert done.returncode == 0, err[-500:]
    else:
        assert done.returncode == 1, err[-500:]
        assert err.startswith("Error: "), err[:500]
        assert len(err.splitlines()[0]) < 600
