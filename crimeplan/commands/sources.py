"""CLI commands: ``crimeplan import NAME``, one per importer of the registry
(``crimeplan.data.sources.registry``), made here from its ``Importer``.

Every one takes ``--store`` (or ``$CRIMEPLAN_STORE``), stops on the first bad row unless
``--skip-bad`` is given, and prints what the importer says: a summary line per file (plus a
line per note). An importer that reports progress gets a bar on a terminal's stderr.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from crimeplan.cli import Decorator, store_option
from crimeplan.data.ingest import ENCODINGS, csv_encoding
from crimeplan.data.sources.importer import Importer, Option, Request
from crimeplan.data.sources.registry import IMPORTERS
from crimeplan.data.store import Store

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

_FILE = click.Path(dir_okay=False, path_type=Path)

_SKIP_BAD = "Set bad rows aside in a rejects file and import the rest."
_REJECTS = "With --skip-bad: where to write the bad rows. Default: FILE.rejects.csv."
_SKIP_BAD_MANY = "Set bad rows aside in a rejects file and import the rest, instead of stopping."
_REPLACE = (
    "Import a file already imported (same content) again, in place of that import: its rows "
    "are deleted and the import log says which import replaced it. For a corrected mapping "
    "or --force."
)
_REJECTS_MANY = (
    "Where bad rows go with --skip-bad: a CSV file when importing one file, a folder "
    "(one NAME.rejects.csv per file) when importing several. Default: next to each file."
)


_ENCODING = (
    "The CSV files' text encoding: utf-8 (a BOM is allowed), latin-1 (ISO-8859-1), "
    "cp1252 (Windows) or utf-16 (with a BOM)."
)


def importer_names() -> list[str]:
    """The names of the ``crimeplan import`` commands, in order."""
    return sorted(IMPORTERS)


def import_command(name: str) -> click.Command | None:
    """The ``crimeplan import NAME`` command, or None if no importer has that name."""
    importer = IMPORTERS.get(name)
    return command_for(importer) if importer else None


def command_for(importer: Importer) -> click.Command:
    """The click command of ``importer``: its argument, its options, then the shared ones."""

    def callback(**values: Any) -> None:
        with interrupts_said(values["store_path"]):
            run(**values)

    def run(**values: Any) -> None:
        paths = values.pop("paths") if importer.many else (values.pop("file"),)
        encoding = values.pop("encoding")
        bar = _Bar()
        request = Request(
            paths=tuple(paths),
            store_path=values.pop("store_path"),
            skip_bad=values.pop("skip_bad"),
            rejects=values.pop("rejects"),
            replace=values.pop("replace"),
            options=values,
            progress=bar.show,
        )
        try:
            with csv_encoding(encoding):
                for line in importer.run(request):
                    bar.stop()  # the bar is shown while the importer works, not over it
                    click.echo(line)
        finally:
            bar.stop()

    decorators = [_argument(importer), *map(_option, importer.options), store_option()]
    decorators += _bad_row_options(importer)
    command: Callable[..., Any] = callback
    for decorator in reversed(decorators):
        command = decorator(command)
    return click.command(importer.name, help=importer.help)(command)


#: The exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells give.
INTERRUPTED_STATUS = 130


@contextmanager
def interrupts_said(store_path: Path) -> Iterator[None]:
    """Run an import so that Ctrl-C (SIGINT) ends it with one line and exit status 130,
    whatever it interrupts: Python code (KeyboardInterrupt), a DuckDB query (which turns the
    signal into its own error), or the rollback. A second Ctrl-C while the import unwinds
    is ignored, so the rollback and the store's closing finish. The line says whether the
    store holds the import: a run interrupted after its commit (during the data-quality
    notes, say) has imported its files."""
    before = _imports_logged(store_path) or 0
    stopped = False

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        nonlocal stopped
        stopped = True
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_interrupt) if main_thread else None
    try:
        yield
    except BaseException as error:
        if not stopped or isinstance(error, click.exceptions.Exit):
            raise
        after = _imports_logged(store_path)
        if after is None and store_path.is_file():
            said = "run the same command again (files already imported are skipped)"
        elif (after or 0) == before:
            said = "nothing imported"
        else:
            said = "the import had already been stored"
        click.echo(f"interrupted; {said}", err=True)
        raise click.exceptions.Exit(INTERRUPTED_STATUS) from None
    finally:
        if main_thread and not stopped:  # stopped: the process ends, Ctrl-C stays ignored
            signal.signal(signal.SIGINT, previous)


def _imports_logged(store_path: Path) -> int | None:
    """How many imports the store's log holds (None: no store, or it cannot be read)."""
    if not store_path.is_file():
        return None
    for _ in range(2):  # the interrupt can surface again from DuckDB once: try once more
        try:
            with Store.open(store_path, create=False, read_only=True) as store:
                return len(store.imports())
        except KeyboardInterrupt:
            continue
        except Exception:  # noqa: BLE001 - only to word the message; any failure is "unknown"
            return None
    return None


def _argument(importer: Importer) -> Decorator:
    if importer.many:
        return click.argument(
            "paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False)
        )
    return click.argument("file", type=click.Path(dir_okay=True, path_type=Path))


def _option(option: Option) -> Decorator:
    kind: click.ParamType[Any] | None = None
    if option.choices:
        kind = click.Choice(list(option.choices))
    elif option.file:
        kind = _FILE
    return click.option(
        option.flag,
        option.name,
        type=kind,
        default=option.default,
        show_default=option.default is not None,
        required=option.required,
        help=option.help,
    )


def _bad_row_options(importer: Importer) -> list[Decorator]:
    if importer.many:
        rejects: click.Path = click.Path(path_type=Path)
        skip_help, rejects_help = _SKIP_BAD_MANY, _REJECTS_MANY
    else:
        rejects, skip_help, rejects_help = _FILE, _SKIP_BAD, _REJECTS
    return [
        click.option("--skip-bad", is_flag=True, help=skip_help),
        click.option("--rejects", "rejects", type=rejects, help=rejects_help),
        click.option("--replace", "replace", is_flag=True, help=_REPLACE),
        click.option(
            "--encoding",
            type=click.Choice(list(ENCODINGS)),
            metavar="NAME",
            default="utf-8",
            show_default=True,
            help=_ENCODING,
        ),
    ]


class _Bar:
    """A progress bar on stderr, started by the first report of progress (only on a
    terminal), and cleared by ``stop``."""

    def __init__(self) -> None:
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def show(self, description: str, done: int, total: int) -> None:
        if self.progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            console = Console(stderr=True)
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                disable=not console.is_terminal,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(description, total=total)
        assert self.task is not None
        self.progress.update(self.task, description=description, completed=done, total=total)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = self.task = None
