"""The ``crimeplan`` command. Each command is thin: it parses options, calls the packages
and prints. Our own errors (``CrimeplanError``) become one line and exit status 1."""

from __future__ import annotations

import importlib
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from crimeplan.data.store import STORE_VARIABLE, Store
from crimeplan.errors import CrimeplanError


class _Group(click.Group):
    """A click group that prints our errors on one line instead of a traceback, and loads
    each command's module only when that command is used (``lazy``: name → module), so that
    ``crimeplan import policeuk`` does not pay for the statistics and report libraries."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            importlib.import_module(self.lazy[cmd_name])  # registers itself on this group
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CrimeplanError as error:
            raise click.ClickException(str(error)) from error
        except KeyboardInterrupt:  # Ctrl-C: one line and the shell's status, 128 + SIGINT
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the process is ending
            click.echo("interrupted", err=True)
            raise click.exceptions.Exit(130) from None


class _ImportGroup(_Group):
    """``crimeplan import``: one command per importer of the registry
    (``crimeplan.data.sources.registry``), made when asked for; ``crimeplan --help`` loads
    none of them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from crimeplan.commands.sources import importer_names

        return importer_names()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from crimeplan.commands.sources import import_command

        return import_command(cmd_name)


def _commands(*names: str, module: str) -> dict[str, str]:
    return dict.fromkeys(names, f"crimeplan.commands.{module}")


TOP_LEVEL = {
    **_commands("backtest", module="backtest"),
    **_commands("counts", module="counts"),
    **_commands("demo", module="demo"),
    **_commands("examples", module="examples"),
    **_commands("experiment", module="experiment"),
    **_commands("measures", module="measures"),
    **_commands("update", "milestones", module="milestones"),
    **_commands("report", module="report"),
    **_commands("spc", module="spc"),
}
#: A click option decorator, typed (click's own are not, to mypy --strict).
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def store_option() -> Decorator:
    """``--store PATH`` (or ``$CRIMEPLAN_STORE``): the DuckDB file, as ``store_path``."""
    return click.option(
        "--store",
        "store_path",
        envvar=STORE_VARIABLE,
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"The store (a DuckDB file). Default: ${STORE_VARIABLE}.",
    )


def store_location_option(*, writes: bool = False, required: bool = True) -> Decorator:
    """``--store LOCATION`` (or ``$CRIMEPLAN_STORE``), as ``store_location``, a string for
    ``crimeplan.data.engine.open_engine``: a DuckDB file or, unless the command ``writes``,
    a ``postgresql://`` URL."""
    what = "a DuckDB file" if writes else "a DuckDB file or a postgresql://user@host/db URL"
    return click.option(
        "--store",
        "store_location",
        envvar=STORE_VARIABLE,
        required=required,
        help=f"The store: {what}. Default: ${STORE_VARIABLE}.",
    )


def plan_option(help_text: str = "The plan file (YAML).", *, required: bool = True) -> Decorator:
    """``--plan PLAN.yaml``, as ``plan_path``."""
    return click.option(
        "--plan",
        "plan_path",
        required=required,
        type=click.Path(dir_okay=False, path_type=Path),
        help=help_text,
    )


def as_at_option() -> Decorator:
    """``--as-at YYYY-MM`` (required), as ``as_at``."""
    return click.option("--as-at", "as_at", required=True, help="Last month of data, YYYY-MM.")


def open_store(path: Path, *, create: bool = True, read_only: bool = False) -> Store:
    return Store.open(path, create=create, read_only=read_only)


@click.group(cls=_Group, lazy=TOP_LEVEL, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="crimeplan")
def cli() -> None:
    """crimeplan: the performance side of a Police and Crime Plan.

    Write the plan once as YAML, import crime, survey, reoffending and peer data into a
    store, and compute every measure, its statistics and the board pack.

    Every command's --help ends with an example that runs as printed in a folder where
    `crimeplan examples` has copied the example files (./examples/) and `crimeplan demo` has
    written ./crimeplan-demo/; the import examples make the store force.duckdb.

    Example:

        crimeplan demo --out ./crimeplan-demo
    """


@cli.group("import", cls=_ImportGroup)
def import_group() -> None:
    """Import data files into a store.

    Example:

        crimeplan import policeuk examples/policeuk --store force.duckdb
    """


@cli.group("plan", cls=_Group, lazy={"check": "crimeplan.commands.plan"})
def plan_group() -> None:
    """Work with plan files.

    Example:

        crimeplan plan check examples/policeuk-plan.yaml
    """


def main(argv: Sequence[str] | None = None) -> None:  # pragma: no cover - thin wrapper
    """The ``crimeplan`` command and ``python -m crimeplan``.

    Once the command has finished, or said why it stopped, Ctrl-C is ignored: a Ctrl-C that
    DuckDB has already turned into its own error stays pending in Python and would be raised
    again on the way out, and Python restores the default handler while it shuts down; either
    would end the process as killed by SIGINT, after it had said what happened."""
    code: int | str | None = 0
    try:
        try:
            cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="crimeplan")
        except SystemExit as done:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            code = done.code
    except KeyboardInterrupt:  # raised again on the way out: the command has said why
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        code = 130
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)
