"""Every exception crimeplan raises on purpose.

The tree::

    CrimeplanError                 anything the user can fix; the CLI prints it on one line
    ├── PlanError                  a plan file with problems (carries every problem found)
    ├── InputFileError             a data file that is not what the importer expected
    │   └── BadRowError            one row of an otherwise good file is wrong
    ├── StoreError                 the store cannot be opened, is too new, or is missing data
    └── MeasureError               a measure cannot be computed from what the store holds

The CLI turns a ``CrimeplanError`` into ``Error: <message>`` and exit status 1, with no
traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class CrimeplanError(Exception):
    """A problem the user can fix. ``str(error)`` is the whole one-line message."""


@dataclass(frozen=True)
class Problem:
    """One problem in a plan file: where it is, what is wrong, how to fix it."""

    file: str
    line: int | None
    field: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        text = f"{where}  {self.field}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class PlanError(CrimeplanError):
    """A plan file has one or more problems; all of them are in ``problems``."""

    def __init__(self, file: str, problems: list[Problem], *, unlisted: int = 0) -> None:
        self.file = file
        self.problems = problems
        super().__init__(problem_list(file, problems, unlisted=unlisted))


#: The most problems a message lists; the rest are counted ("… and 1,234 more problems").
LISTED_PROBLEMS = 50


def problem_list(file: str, problems: list[Problem], *, unlisted: int = 0) -> str:
    """``FILE has N problems`` and a line per problem, the first ``LISTED_PROBLEMS`` of them;
    ``unlisted`` problems were found but not worded (they count in N)."""
    total = len(problems) + unlisted
    noun = "problem" if total == 1 else "problems"
    lines = [f"{file} has {total:,} {noun}"]
    lines += [f"  {p}" for p in problems[:LISTED_PROBLEMS]]
    if total > LISTED_PROBLEMS:
        more = total - min(len(problems), LISTED_PROBLEMS)
        lines.append(f"  … and {more:,} more problem{'s' if more > 1 else ''}")
    return "\n".join(lines)


class InputFileError(CrimeplanError):
    """A data file is not what the importer expected (empty, binary, wrong header, …)."""


class BadRowError(InputFileError):
    """A row of a data file is wrong: names the file, line, column and reason."""

    def __init__(self, file: str, line: int, column: str, reason: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        super().__init__(
            f"{file}:{line}: column '{column}': {reason} "
            "(fix the row, or re-run with --skip-bad to set bad rows aside)"
        )


class StoreError(CrimeplanError):
    """The store cannot be used as asked."""


class MeasureError(CrimeplanError):
    """A measure cannot be computed from what the store holds."""
