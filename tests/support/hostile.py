"""What every hostile-input test asserts: the command refused in one line, with no traceback,
and the store is exactly as it was (every table's rows, by count and a checksum)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from crimeplan.cli import cli
from crimeplan.data.store import Store

#: The longest one-line message a hostile input may give (a quoted cell is cut to 80).
LONGEST_MESSAGE = 600


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    output: str


def run(args: Sequence[str], stdin: str | bytes | None = None) -> Outcome:
    """``crimeplan ARGS`` in this process; a Python exception (a traceback for a user) fails
    the test at once."""
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"crimeplan {' '.join(args)} raised {result.exception!r}")
    assert "Traceback" not in result.output
    return Outcome(result.exit_code, result.output)


def refused(args: Sequence[str], stdin: str | bytes | None = None) -> str:
    """Run ``crimeplan ARGS``, which must refuse with exit status 1 and one ``Error:`` line
    (a mapping's problems may follow on lines of their own); returns the message."""
    outcome = run(args, stdin)
    assert outcome.exit_code == 1, outcome.output
    first, *rest = outcome.output.rstrip("\n").split("\n")
    assert first.startswith("Error: "), outcome.output
    assert all(line.startswith("  ") for line in rest), outcome.output  # problems, indented
    assert all(len(line) <= LONGEST_MESSAGE for line in [first, *rest]), outcome.output[:2000]
    return outcome.output


def fingerprint(path: Path) -> dict[str, tuple[int, int]]:
    """Every table of the store: (rows, a checksum of them). An absent store is {}."""
    if not path.exists():
        return {}
    with Store.open(path, create=False, read_only=True) as store:
        tables = [
            name
            for (name,) in store.con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        found = {}
        for name in tables:
            row = store.con.execute(
                f'SELECT count(*), coalesce(sum(hash(t) % 1000000007), 0) FROM "{name}" t'
            ).fetchone()
            assert row is not None
            found[name] = (int(row[0]), int(row[1]))
        return found
