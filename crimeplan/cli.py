"""The ``crimeplan`` command. Each command is thin: it parses options, calls the packages
and prints. Our own errors (``CrimeplanError``) become one line and exit status 1."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from crimeplan.data.store import STORE_VARIABLE, Store
from crimeplan.errors import CrimeplanError


class _Group(click.Group):
    """A click group that prints our errors on one line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CrimeplanError as error:
            raise click.ClickException(str(error)) from error


def store_option(*, must_exist: bool = False) -> Any:
    help_text = f"The store (a DuckDB file). Default: ${STORE_VARIABLE}."
    return click.option(
        "--store",
        "store_path",
        envvar=STORE_VARIABLE,
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=help_text,
    )


def open_store(path: Path, *, create: bool = True, read_only: bool = False) -> Store:
    return Store.open(path, create=create, read_only=read_only)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="crimeplan")
def cli() -> None:
    """crimeplan: the performance side of a Police and Crime Plan.

    Write the plan once as YAML, import crime, survey, reoffending and peer data into a
    store, and compute every measure, its statistics and the board pack.

    Example:

        crimeplan demo --out ./crimeplan-demo
    """


@cli.group("import", cls=_Group)
def import_group() -> None:
    """Import data files into a store.

    Example:

        crimeplan import policeuk ./2022-10 --store force.duckdb
    """


@cli.group("plan", cls=_Group)
def plan_group() -> None:
    """Work with plan files.

    Example:

        crimeplan plan check plan.yaml
    """


def main(argv: Sequence[str] | None = None) -> None:  # pragma: no cover - thin wrapper
    cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="crimeplan")


# Commands live in their own modules and register themselves on the groups above.
from crimeplan import commands as _commands  # noqa: E402,F401
